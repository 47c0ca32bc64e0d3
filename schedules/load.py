"""The load view: per person on a show and per week, the bid-days assigned to them against their capacity.

Definitions (the schedule dashboard's hint says the same):
- Assigned bid-days of a person in a week: for each task of the show assigned to them that is not done (approved,
  final) nor omitted and has both a start and a due date, its bid divided equally among its assignees, spread
  evenly over the working days of [start, due] (schedules.calendar), the part falling in the week. A span with no
  working day at all (start and due on one weekend) puts its whole share in the week of its due date. Tasks
  without a start or a due date are not spread: they are counted per person as "unscheduled".
- Capacity of a person in a week: the show's working days of the week (weekends and the show's holidays
  excluded) minus the person's days off, each counted at the part-time fraction in force that day (1 when no
  PartTime row covers it; when several do, the one that started last).
- A cell is overloaded when assigned > capacity (compared exactly); its ratio is assigned / capacity.

Everything is exact: capacity is a Decimal (sums of two-place fractions), assigned bid-days are Fractions until
shown (rounded half-up once, to 1e-10 day). Loading is set-based: a fixed number of queries (the show's staff,
the dated assignments in the window, the unscheduled ones aggregated per person, days off, part time), however
many people, tasks and weeks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Window

from shots.models import Task
from shots.workflow import DONE_STATUSES, TaskStatus
from studio.models import Person, Role, Show, ShowMembership

from .calendar import ShowCalendar
from .models import DayOff, PartTime

ONE_DAY = dt.timedelta(days=1)
FULL_TIME = Decimal(1)
DAYS_QUANTUM = Decimal("1e-10")
RATIO_QUANTUM = Decimal("0.01")
# Who the load view lists even with nothing assigned: the people who do tasks. Anyone else on the show (staff)
# is listed only when tasks are assigned to them.
WORKERS = (Role.ARTIST, Role.SUPERVISOR)
NOT_IN_LOAD = (*DONE_STATUSES, TaskStatus.OMITTED)


# --- Weeks -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: dt.date  # a Monday
    end: dt.date  # the Sunday after

    @property
    def label(self) -> str:
        return f"{self.start:%d %b}"


def week_of(day: dt.date) -> Week:
    start = day - dt.timedelta(days=day.weekday())
    return Week(start=start, end=start + dt.timedelta(days=6))


def weeks_from(day: dt.date, count: int) -> list[Week]:
    """`count` weeks, Monday to Sunday, the first the one `day` falls in."""
    first = week_of(day).start
    return [week_of(first + dt.timedelta(weeks=i)) for i in range(count)]


# --- Capacity ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartTimeSpan:
    fraction: Decimal
    effective_from: dt.date
    effective_to: dt.date | None = None  # inclusive; None: open-ended

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def fraction_on(day: dt.date, part_times: Sequence[PartTimeSpan]) -> Decimal:
    """The share of a full working day the person works on `day`: the part-time row in force (the latest started
    one when several overlap), else full time."""
    in_force = [span for span in part_times if span.covers(day)]
    if not in_force:
        return FULL_TIME
    return max(in_force, key=lambda span: span.effective_from).fraction


def is_day_off(day: dt.date, days_off: Sequence[tuple[dt.date, dt.date]]) -> bool:
    return any(first <= day <= last for first, last in days_off)


def capacity_days(
    calendar: ShowCalendar,
    start: dt.date,
    end: dt.date,
    *,
    days_off: Sequence[tuple[dt.date, dt.date]] = (),
    part_times: Sequence[PartTimeSpan] = (),
) -> Decimal:
    """A person's capacity in days over [start, end] (both inclusive): each working day of the show that is not
    one of the person's days off, counted at the part-time fraction in force that day. Exact."""
    if not days_off and not part_times:
        return Decimal(calendar.working_days_between(start, end))  # full time, nothing off: no walk over the days
    total = Decimal(0)
    day = start
    while day <= end:
        if calendar.is_working_day(day) and not is_day_off(day, days_off):
            total += fraction_on(day, part_times)
        day += ONE_DAY
    return total


# --- Assigned bid-days -------------------------------------------------------------------------------------------


def bid_share(bid_days: Decimal, assignee_count: int) -> Fraction:
    """One assignee's share of a task's bid: the bid divided equally among its assignees."""
    return Fraction(bid_days) / assignee_count


def week_parts(calendar: ShowCalendar, start: dt.date, due: dt.date, first_monday: dt.date, week_count: int):
    """How a task's span [start, due] falls into `week_count` weeks from `first_monday`: (planned, {week index:
    working days of the span in that week}), so the week's part of the bid is bid x days / planned. A span without
    any working day counts as one day, on its due date. Weeks the span does not touch are left out."""
    planned = calendar.working_days_between(start, due)
    first_week = max(0, (start - first_monday).days // 7)
    last_week = min(week_count - 1, (due - first_monday).days // 7)
    if planned == 0:
        due_week = (due - first_monday).days // 7
        return 1, ({due_week: 1} if 0 <= due_week < week_count else {})
    parts = {}
    for index in range(first_week, last_week + 1):
        monday = first_monday + dt.timedelta(weeks=index)
        days = calendar.working_days_between(max(start, monday), min(due, monday + dt.timedelta(days=6)))
        if days:
            parts[index] = days
    return planned, parts


def spread_in(calendar: ShowCalendar, share: Fraction, start: dt.date, due: dt.date, week: Week) -> Fraction:
    """The part of `share` falling in `week` when it is spread evenly over the working days of [start, due]."""
    planned, parts = week_parts(calendar, start, due, week.start, 1)
    return share * parts.get(0, 0) / planned


def as_days(value: Fraction) -> Decimal:
    """An exact Fraction of days as the Decimal shown: rounded half-up once, to 1e-10 day."""
    return _rounded(value, DAYS_QUANTUM)


def _rounded(value: Fraction, quantum: Decimal) -> Decimal:
    scale = 1 / Fraction(quantum)
    scaled = value * scale
    # Half-up for non-negative values (load is never negative): floor(x + 1/2).
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return (Decimal(whole) * quantum).quantize(quantum, rounding=ROUND_HALF_UP)


# --- The view's rows ---------------------------------------------------------------------------------------------


def _text(value: Decimal) -> str:
    return str(value.quantize(RATIO_QUANTUM, rounding=ROUND_HALF_UP))


class LoadCell:
    """One person's week. Assigned bid-days are added as integer numerators per denominator (bid in hundredths x
    days in the week, over 100 x assignees x planned days): exact, and cheap for thousands of tasks; the sum becomes
    one Fraction when first read."""

    def __init__(self, week: Week, capacity: Decimal):
        self.week = week
        self.capacity = capacity
        self._numerators: dict[int, int] = {}
        self._exact: Fraction | None = Fraction(0)

    def add(self, numerator: int, denominator: int) -> None:
        self._numerators[denominator] = self._numerators.get(denominator, 0) + numerator
        self._exact = None

    @property
    def assigned_exact(self) -> Fraction:
        if self._exact is None:
            self._exact = sum(
                (Fraction(numerator, denominator) for denominator, numerator in self._numerators.items()), Fraction(0)
            )
        return self._exact

    @cached_property
    def assigned(self) -> Decimal:
        return as_days(self.assigned_exact)

    @cached_property
    def overloaded(self) -> bool:
        return self.assigned_exact > Fraction(self.capacity)

    @cached_property
    def ratio(self) -> Decimal | None:
        """assigned / capacity to 0.01; None when the person has no capacity that week."""
        if not self.capacity:
            return None
        return _rounded(self.assigned_exact / Fraction(self.capacity), RATIO_QUANTUM)

    @cached_property
    def pressure(self) -> Fraction | None:
        """For sorting: the exact ratio; None (worse than any ratio) when work meets no capacity."""
        if not self.capacity:
            return None if self.assigned_exact else Fraction(0)
        return self.assigned_exact / Fraction(self.capacity)

    @property
    def assigned_text(self) -> str:
        return _text(self.assigned)

    @property
    def capacity_text(self) -> str:
        return _text(self.capacity)


@dataclass
class PersonLoad:
    person: Person
    role: str
    cells: list[LoadCell]
    unscheduled_count: int = 0
    unscheduled_exact: Fraction = Fraction(0)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def unscheduled_days(self) -> Decimal:
        return as_days(self.unscheduled_exact)

    @property
    def unscheduled_text(self) -> str:
        return _text(self.unscheduled_days)

    @property
    def overloaded_weeks(self) -> int:
        return sum(cell.overloaded for cell in self.cells)

    @property
    def sort_key(self) -> tuple:
        """Worst overload first: work with no capacity at all, then the highest ratio; then by name."""
        pressures = [cell.pressure for cell in self.cells]
        no_capacity = any(p is None for p in pressures)
        worst = max((p for p in pressures if p is not None), default=Fraction(0))
        return (not no_capacity, -worst, str(self.person).lower(), self.person.pk)


@dataclass
class ShowLoad:
    weeks: list[Week]
    people: list[PersonLoad] = field(default_factory=list)

    @property
    def overloaded_people(self) -> int:
        return sum(1 for person in self.people if person.overloaded_weeks)


def show_load(show: Show, weeks: list[Week], *, calendar: ShowCalendar | None = None) -> ShowLoad:
    """The load of the show's people over `weeks` (consecutive), in five queries (six without a calendar)."""
    calendar = calendar or ShowCalendar.for_show(show)
    first, last = weeks[0].start, weeks[-1].end

    members = [
        membership
        for membership in ShowMembership.objects.filter(show_id=show.pk, person__is_active=True)
        .select_related("person")
        .order_by()
        if (membership.role or membership.person.role) != Role.CLIENT
    ]
    people = {membership.person_id: membership for membership in members}
    assigned = Task.assignees.through.objects.filter(task__shot__show_id=show.pk).exclude(task__status__in=NOT_IN_LOAD)
    dated = (
        assigned.filter(task__start_date__lte=last, task__due_date__gte=first)
        # Every assignee of the task is in the filtered rows (the filter is on the task), so the window counts them.
        .annotate(assignee_count=Window(Count("pk"), partition_by=[F("task_id")]))
        .values_list("person_id", "task__bid_days", "task__start_date", "task__due_date", "assignee_count")
    )
    assignees_of_task = (
        Task.assignees.through.objects.filter(task_id=OuterRef("task_id"))
        .order_by()
        .values("task_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    unscheduled = (
        assigned.filter(Q(task__start_date__isnull=True) | Q(task__due_date__isnull=True))
        .annotate(assignee_count=Subquery(assignees_of_task))
        .order_by()
        .values("person_id", "assignee_count")
        .annotate(tasks=Count("task_id"), bids=Sum("task__bid_days"))
        .values_list("person_id", "assignee_count", "tasks", "bids")
    )
    people_ids = ShowMembership.objects.filter(show_id=show.pk).values("person_id")
    days_off: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for person_id, off_from, off_to in DayOff.objects.filter(
        person_id__in=people_ids, start_date__lte=last, end_date__gte=first
    ).values_list("person_id", "start_date", "end_date"):
        days_off.setdefault(person_id, []).append((off_from, off_to))
    part_times: dict[int, list[PartTimeSpan]] = {}
    for person_id, fraction, effective_from, effective_to in (
        PartTime.objects.filter(person_id__in=people_ids, effective_from__lte=last)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=first))
        .values_list("person_id", "fraction", "effective_from", "effective_to")
    ):
        part_times.setdefault(person_id, []).append(PartTimeSpan(fraction, effective_from, effective_to))

    rows: dict[int, PersonLoad] = {}

    def row_of(person_id: int) -> PersonLoad:
        if person_id not in rows:
            membership = people[person_id]
            rows[person_id] = PersonLoad(
                person=membership.person,
                role=membership.role or membership.person.role,
                cells=[
                    LoadCell(
                        week=week,
                        capacity=capacity_days(
                            calendar,
                            week.start,
                            week.end,
                            days_off=days_off.get(person_id, ()),
                            part_times=part_times.get(person_id, ()),
                        ),
                    )
                    for week in weeks
                ],
            )
        return rows[person_id]

    for membership in members:
        if (membership.role or membership.person.role) in WORKERS:
            row_of(membership.person_id)
    # Assignments of people no longer on the show are left out: the load view plans the show's own people.
    first_monday, week_count = weeks[0].start, len(weeks)
    for person_id, bid, start, due, assignee_count in dated:
        if person_id not in people:
            continue
        cells = row_of(person_id).cells
        planned, parts = week_parts(calendar, start, due, first_monday, week_count)
        # bid x days / (assignees x planned), with the bid in hundredths (a two-place decimal) to stay in integers.
        hundredths, denominator = int(bid * 100), 100 * assignee_count * planned
        for index, days in parts.items():
            cells[index].add(hundredths * days, denominator)
    for person_id, assignee_count, tasks, bids in unscheduled:
        if person_id not in people:
            continue
        row = row_of(person_id)
        row.unscheduled_count += tasks
        row.unscheduled_exact += bid_share(bids, assignee_count)
    return ShowLoad(weeks=weeks, people=sorted(rows.values(), key=lambda row: row.sort_key))
