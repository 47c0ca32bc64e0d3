"""Weekly timesheets: locked weeks, a person's week as a grid, a show's week per person, one cell's save.

- timesheet_week_lock / timesheet_week_unlock: a show's producers (and admins) lock a week that has ended (Monday
  to Sunday). Nobody may then add, change or delete a time log dated in that week on that show: every time-log
  service of schedules.services asks require_weeks_open.
- person_week: a person's week (task rows grouped by show × days, with day, row and week totals), for My timesheet
  and a show's per-person timesheet. show_week: a show's week (person rows × days). Both in a fixed number of
  queries, whatever the number of people, tasks and logs.
- timesheet_cell_save: what was typed in one cell of the grid, saved through the time-log services (blank or 0
  deletes the log).
- seed_timesheet_demo: the demo show's older weeks locked, as a producer would have done.

A lock and the time-log writes it forbids are serialised per show with a PostgreSQL advisory lock: a time-log
write holds it shared until it commits, a lock or unlock holds it exclusively. So a week cannot be locked while a
write into it is under way, and a write that waited sees the lock once it is committed. (Not the show row: cut
imports hold that for a long time, and time logs must not wait for them.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.dateformat import format as format_date

from shots.models import Shot, Task
from shots.selectors import person_today
from shots.workflow import DONE_STATUSES, TaskStatus
from studio import permissions
from studio.dates import FIRST_PLANNING_DATE, LAST_PLANNING_DATE
from studio.models import Person, Role, Show, ShowMembership
from studio.services import require_free

from . import services
from .models import TimeLog, TimesheetLock

# Two-key advisory locks: this class key, and the show's id (folded into an int4).
_ADVISORY_CLASS = 0x54534C4B  # "TSLK"
# The weeks that hold a planning date (studio.dates, 1970 to 2999): Monday 29 Dec 1969 to Monday 30 Dec 2999. Any
# other week is not one anyone keeps a timesheet for (and stays clear of date overflow).
FIRST_WEEK = FIRST_PLANNING_DATE - dt.timedelta(days=FIRST_PLANNING_DATE.weekday())
LAST_WEEK = LAST_PLANNING_DATE - dt.timedelta(days=LAST_PLANNING_DATE.weekday())
# My timesheet lists at most this many assigned open tasks besides the tasks with hours this week.
OPEN_TASK_LIMIT = 200
ZERO = Decimal("0")


# --- Weeks ---------------------------------------------------------------------------------------------------


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the week `day` is in."""
    return day - dt.timedelta(days=day.weekday())


def week_days(week_start: dt.date) -> list[dt.date]:
    return [week_start + dt.timedelta(days=n) for n in range(7)]


def day_text(day: dt.date) -> str:
    """2 Mar 2026."""
    return format_date(day, "j M Y")


def locked_week_message(lock: TimesheetLock) -> str:
    by = f" by {lock.locked_by}" if lock.locked_by_id else ""
    return f"The week of {day_text(lock.week_start)} is locked on {lock.show.code}{by}."


def _advisory_lock(show_id: int, *, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite (make run) serialises every write anyway
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_ADVISORY_CLASS, show_id % 2**31])


def require_weeks_open(*, show_id: int, dates: Iterable[dt.date]) -> None:
    """Refuse, naming `date`, a time-log write on the show dated in a locked week. Called by the time-log services
    inside their transaction, after their permission check (a stranger learns nothing about the show's locks)."""
    starts = sorted({week_start_of(day) for day in dates})
    _advisory_lock(show_id, shared=True)
    lock = (
        TimesheetLock.objects.filter(show_id=show_id, week_start__in=starts)
        .select_related("show", "locked_by")
        .order_by("week_start")
        .first()
    )
    if lock is not None:
        raise ValidationError({"date": locked_week_message(lock)})


# --- Locking a week ------------------------------------------------------------------------------------------


def _check_week_start(actor: Person, week_start) -> dt.date:
    if not isinstance(week_start, dt.date) or isinstance(week_start, dt.datetime):
        raise ValidationError({"week_start": "Give the Monday the week starts on, like 2026-03-02."})
    if not FIRST_WEEK <= week_start <= LAST_WEEK:
        raise ValidationError({"week_start": "Give a week between 1970 and 2999."})
    if week_start.weekday() != 0:
        raise ValidationError(
            {"week_start": f"A week starts on a Monday; {day_text(week_start)} is a {format_date(week_start, 'l')}."}
        )
    week_end = week_start + dt.timedelta(days=6)
    if week_end >= person_today(actor):
        raise ValidationError(
            {
                "week_start": f"Only a week that has ended can be locked: the week of {day_text(week_start)} "
                f"ends on Sunday {day_text(week_end)}."
            }
        )
    return week_start


@transaction.atomic
def timesheet_week_lock(*, actor: Person, show: Show, week_start: dt.date) -> TimesheetLock:
    """Lock the show's week starting on Monday `week_start`: a week that ended before today (the actor's today).
    Who may: the show's producers and admins (permissions.can_change on the TimesheetLock)."""
    lock = TimesheetLock(show=show, week_start=week_start, locked_by=actor)
    permissions.require_change(actor, lock)
    _check_week_start(actor, week_start)
    _advisory_lock(show.pk, shared=False)
    require_free(
        TimesheetLock.objects.filter(show=show, week_start=week_start),
        "week_start",
        f"The week of {day_text(week_start)} is already locked on {show.code}.",
    )
    lock.full_clean()
    lock.save()
    return lock


@transaction.atomic
def timesheet_week_unlock(*, actor: Person, lock: TimesheetLock) -> None:
    """Open a locked week again: its time logs can be changed. Who may: as for locking."""
    permissions.require_change(actor, lock)
    _advisory_lock(lock.show_id, shared=False)
    TimesheetLock.objects.filter(pk=lock.pk).delete()


# --- One cell ------------------------------------------------------------------------------------------------


def _is_zero(text: str) -> bool:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return value.is_finite() and value == 0


@transaction.atomic
def timesheet_cell_save(*, actor: Person, person: Person, task: Task, day: dt.date, hours: str) -> TimeLog | None:
    """Save what was typed in `person`'s cell of `task` on `day`: hours set (created, or changed keeping the log's
    comment), or, when the cell is blank or 0, the log deleted. Returns the log, or None when there is none.
    Every rule (who may, 0 < hours <= 24, 24 a day, no future day, locked weeks) is the time-log services'."""
    text = (hours or "").strip().replace(",", ".")
    existing = TimeLog.objects.filter(person=person, task=task, date=day).first()
    if text == "" or _is_zero(text):
        if existing is not None:
            try:
                services.timelog_delete(actor=actor, time_log=existing)
            except TimeLog.DoesNotExist:
                pass  # deleted meanwhile: the cell is empty, as asked
        return None
    if existing is not None:
        try:
            return services.timelog_update(actor=actor, time_log=existing, hours=text)
        except TimeLog.DoesNotExist:
            pass  # deleted meanwhile: log it anew
    return services.timelog_upsert(actor=actor, task=task, date=day, hours=text, person=person)[0]


def error_text(error: ValidationError) -> str:
    """A service's refusal as one line for the cell (the messages name the problem: hours, date, person)."""
    if hasattr(error, "message_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


# --- A person's week -------------------------------------------------------------------------------------------


@dataclass
class Cell:
    task: Task
    day: dt.date
    hours: Decimal | None
    editable: bool
    typed: str | None = None  # what the person typed, kept when it was refused
    error: str = ""

    @property
    def id(self) -> str:
        return f"ts-{self.task.pk}-{self.day:%Y%m%d}"

    @property
    def value(self) -> str:
        if self.typed is not None:
            return self.typed
        return services.hours_text(self.hours) if self.hours else ""

    @property
    def label(self) -> str:
        return f"Hours on {self.task.shot.code} {self.task.task_type.name}, {format_date(self.day, 'D j M')}"


@dataclass
class TaskRow:
    task: Task
    cells: list[Cell]

    @property
    def total(self) -> Decimal:
        return sum((cell.hours or ZERO for cell in self.cells), ZERO)

    @property
    def total_text(self) -> str:
        return services.hours_text(self.total)


@dataclass
class ShowGroup:
    show: Show
    lock: TimesheetLock | None
    rows: list[TaskRow] = field(default_factory=list)


@dataclass
class DayTotal:
    day: dt.date
    hours: Decimal

    @property
    def id(self) -> str:
        return f"day-total-{self.day:%Y%m%d}"

    @property
    def text(self) -> str:
        return services.hours_text(self.hours)


@dataclass
class PersonWeek:
    person: Person
    week_start: dt.date
    today: dt.date  # the person's today: later days take no hours
    groups: list[ShowGroup]
    editable: bool

    @property
    def days(self) -> list[dt.date]:
        return week_days(self.week_start)

    @property
    def rows(self) -> list[TaskRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def day_totals(self) -> list[DayTotal]:
        totals = [DayTotal(day, ZERO) for day in self.days]
        for row in self.rows:
            for n, cell in enumerate(row.cells):
                totals[n].hours += cell.hours or ZERO
        return totals

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), ZERO)

    @property
    def total_text(self) -> str:
        return services.hours_text(self.total)

    @property
    def has_editable_cells(self) -> bool:
        return any(cell.editable for row in self.rows for cell in row.cells)

    def row_of(self, task_id: int) -> TaskRow | None:
        return next((row for row in self.rows if row.task.pk == task_id), None)


def person_week(
    viewer: Person, person: Person, week_start: dt.date, *, show: Show | None = None, editable: bool
) -> PersonWeek:
    """`person`'s week as `viewer` sees it: the tasks with hours logged that week and the person's assigned open
    tasks (on `show` only, when given), grouped by show, one cell per day. Cells take hours when `editable`, the day
    is not after the person's today and the show's week is not locked. Four queries, whatever the week holds."""
    days = week_days(week_start)
    today = person_today(person)
    logs = permissions.visible(viewer, TimeLog).filter(person=person, date__range=(days[0], days[-1]))
    tasks = permissions.visible(viewer, Task)
    if show is not None:
        logs = logs.filter(task__shot__show=show)
        tasks = tasks.filter(shot__show=show)
    logged = list(logs.select_related("task__shot__show", "task__task_type").order_by())
    hours: dict[tuple[int, dt.date], Decimal] = {(log.task_id, log.date): log.hours for log in logged}
    by_id = {log.task_id: log.task for log in logged}
    assigned = Exists(Task.assignees.through.objects.filter(task_id=OuterRef("pk"), person_id=person.pk))
    open_tasks = (
        tasks.filter(assigned)
        .exclude(status__in=[*DONE_STATUSES, TaskStatus.OMITTED])
        .exclude(pk__in=list(by_id))
        .select_related("shot__show", "task_type")
        .order_by("shot__show__code", "shot__code", "task_type__order", "pk")[:OPEN_TASK_LIMIT]
    )
    for task in open_tasks:
        by_id[task.pk] = task
    ordered = sorted(
        by_id.values(), key=lambda t: (t.shot.show.code, t.shot.code, t.task_type.order, t.task_type.name, t.pk)
    )
    show_ids = sorted({task.shot.show_id for task in ordered})
    locks = {
        lock.show_id: lock
        for lock in permissions.visible(viewer, TimesheetLock)
        .filter(show_id__in=show_ids, week_start=week_start)
        .select_related("show", "locked_by")
    }
    groups: dict[int, ShowGroup] = {}
    for task in ordered:
        group = groups.get(task.shot.show_id)
        if group is None:
            group = groups[task.shot.show_id] = ShowGroup(task.shot.show, locks.get(task.shot.show_id))
        cells = [
            Cell(
                task=task,
                day=day,
                hours=hours.get((task.pk, day)),
                editable=editable and group.lock is None and day <= today,
            )
            for day in days
        ]
        group.rows.append(TaskRow(task, cells))
    return PersonWeek(
        person=person, week_start=week_start, today=today, groups=list(groups.values()), editable=editable
    )


# --- A show's week ---------------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    person: Person
    hours: list[Decimal | None]

    @property
    def texts(self) -> list[str]:
        return [services.hours_text(h) if h else "" for h in self.hours]

    @property
    def total(self) -> Decimal:
        return sum((h or ZERO for h in self.hours), ZERO)

    @property
    def total_text(self) -> str:
        return services.hours_text(self.total)


@dataclass
class ShowWeek:
    show: Show
    week_start: dt.date
    rows: list[PersonRow]
    lock: TimesheetLock | None

    @property
    def days(self) -> list[dt.date]:
        return week_days(self.week_start)

    @property
    def day_totals(self) -> list[Decimal]:
        return [sum((row.hours[n] or ZERO for row in self.rows), ZERO) for n in range(7)]

    @property
    def day_total_texts(self) -> list[str]:
        return [services.hours_text(total) for total in self.day_totals]

    @property
    def total(self) -> Decimal:
        return sum(self.day_totals, ZERO)

    @property
    def total_text(self) -> str:
        return services.hours_text(self.total)


def show_week(viewer: Person, show: Show, week_start: dt.date) -> ShowWeek:
    """Hours logged on the show that week, per person and day: the show's active staff (whether they logged or
    not, so a missing timesheet shows) and anyone else who logged hours on it. Three queries."""
    days = week_days(week_start)
    logs = permissions.visible(viewer, TimeLog).filter(task__shot__show=show, date__range=(days[0], days[-1]))
    sums = logs.order_by().values("person_id", "date").annotate(total=Sum("hours"))
    staff = ShowMembership.objects.filter(show=show, person=OuterRef("pk")).exclude(
        Q(role=Role.CLIENT) | Q(role="", person__role=Role.CLIENT)
    )
    logged = logs.filter(person=OuterRef("pk"))
    people = list(
        Person.objects.select_related(None)
        .filter((Q(Exists(staff)) & Q(is_active=True)) | Q(Exists(logged)))
        .order_by("first_name", "last_name", "username")
    )
    table: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for row in sums:
        table[row["person_id"]][row["date"]] = row["total"]
    rows = [PersonRow(person, [table[person.pk].get(day) for day in days]) for person in people]
    lock = (
        permissions.visible(viewer, TimesheetLock)
        .filter(show=show, week_start=week_start)
        .select_related("show", "locked_by")
        .first()
    )
    return ShowWeek(show=show, week_start=week_start, rows=rows, lock=lock)


def show_task_probe(show: Show) -> Task:
    """An unsaved task of the show, for asking the policy about time logs on the show."""
    return Task(shot=Shot(show=show))


# --- Demo data -----------------------------------------------------------------------------------------------


def seed_timesheet_demo(show: Show, people: dict[str, Person], today: dt.date) -> list[TimesheetLock]:
    """Lock the show's weeks older than two weeks, from its first logged week, locked by the demo producer: the
    last two weeks that ended and this week stay open. Idempotent (weeks already locked are left alone)."""
    first_day = TimeLog.objects.filter(task__shot__show=show).order_by("date").values_list("date", flat=True).first()
    if first_day is None:
        return []
    last_locked = week_start_of(today) - dt.timedelta(weeks=3)
    producer = people.get("producer")
    weeks = []
    week = week_start_of(first_day)
    while week <= last_locked:
        weeks.append(week)
        week += dt.timedelta(weeks=1)
    TimesheetLock.objects.bulk_create(
        [TimesheetLock(show=show, week_start=week, locked_by=producer) for week in weeks], ignore_conflicts=True
    )
    return list(TimesheetLock.objects.filter(show=show, week_start__in=weeks).order_by("week_start"))
