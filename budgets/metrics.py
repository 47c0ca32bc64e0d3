"""The four production metrics of PRODUCT.md, per show and per department, as of the end of a day.

Every figure is set-based SQL: a fixed number of aggregate queries per call, whatever the number of tasks, notes,
versions or time logs (they run on PostgreSQL and on the SQLite demo alike). Omitted tasks are left out of every
figure, as in earned value. Ratios are Decimals rounded half-up (away from zero) to 1e-10, the precision of
ProductionSnapshot; None when undefined (shown as "—").

1. Client satisfaction
   - A version is *shown to the client* when it is an item of a client review session (kind "client", released or
     not: the session took place) dated on or before t.
   - A task's *first version shown* is the one of its versions shown earliest: the lowest (session date, version
     number).
   - first-pass client approval rate = tasks whose first version shown got an approving client note (category
     client, status change approve, written on or before t; held or published alike) / tasks with at least one
     version shown. None when no task has been shown to the client yet (no client session).
   - client retakes per shot = client notes carrying a retake (category client, status change retake, written on or
     before t) / shots with at least one version shown. None when no shot has been shown yet.
   - Per department: the tasks of the department's task types, their versions and notes; a shot counts for each
     department whose version of it was shown. The show's rates take the show's counts (a shot shown by two
     departments is one shot of the show).
   - "Written on or before t": the note's creation time, in the studio's time zone (settings.TIME_ZONE).
2. Return on investment (the show only: the contract is the show's), from budgets.costs.cost_report's total:
   - forecast = (contract value - EAC) / EAC; to date = (contract value - AC$) / AC$.
   - None when the show has no contract value, when EAC is undefined (no CPI yet: nothing earned or nothing spent)
     or 0, or when AC$ is 0.
3. Schedule variance: SV = EV - PV (days) and SPI = EV / PV, per department and show, from schedules.earned_value
   (the same figures as the schedule dashboard; SPI None when PV is 0).
4. Productivity: approved frames per artist-day = frames of the shots whose task in the department is approved or
   final (cut out - cut in + 1, each shot once per department however many of the department's task types it has)
   / (hours logged on the department's tasks on or before t / the show's hours per day). The show's figure sums the
   departments' frames (a shot approved in Animation and in Lighting is two departments' work) and their hours.
   None when no hour is logged. Statuses are the tasks' current ones (as earned value's EV): a snapshot taken
   today for an earlier day uses today's statuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from dailies.models import Note, NoteCategory, ReviewItem, ReviewSession, SessionKind, StatusChange, Version
from schedules import earned_value
from schedules.models import TimeLog
from shots.models import Shot, Task, TaskType
from shots.workflow import DONE_STATUSES, TaskStatus
from studio.models import Department, Show

PLACES = 10
QUANTUM = Decimal(1).scaleb(-PLACES)


def ratio(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    """numerator / denominator rounded half-up (away from zero) to 1e-10, exactly; None when the denominator is
    0 or unknown."""
    if denominator is None or numerator is None or denominator == 0:
        return None
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    sign = -1 if (numerator < 0) != (denominator < 0) and numerator != 0 else 1
    value = earned_value.rounded_ratio(abs(numerator), abs(denominator))
    return value if sign == 1 else -value


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the studio's time zone: notes written before it count as of `day`."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# --- Results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientSatisfaction:
    tasks_shown: int = 0
    first_pass_approved: int = 0
    client_retakes: int = 0
    shots_shown: int = 0

    @property
    def first_pass_approval_rate(self) -> Decimal | None:
        return ratio(self.first_pass_approved, self.tasks_shown)

    @property
    def client_retakes_per_shot(self) -> Decimal | None:
        return ratio(self.client_retakes, self.shots_shown)


@dataclass(frozen=True)
class Productivity:
    approved_frames: int = 0
    hours: Decimal = Decimal(0)
    hours_per_day: Decimal = Decimal(8)

    @property
    def artist_days(self) -> Decimal:
        return ratio(self.hours, self.hours_per_day) or Decimal(0)

    @property
    def approved_frames_per_artist_day(self) -> Decimal | None:
        # frames / (hours / hours per day) = frames x hours per day / hours, computed exactly.
        return ratio(Decimal(self.approved_frames) * self.hours_per_day, self.hours) if self.hours else None


@dataclass(frozen=True)
class ScheduleVariance:
    bid_days: Decimal = Decimal(0)
    pv: Decimal = Decimal(0)
    ev: Decimal = Decimal(0)
    sv: Decimal = Decimal(0)
    spi: Decimal | None = None


@dataclass(frozen=True)
class ReturnOnInvestment:
    contract_value: Decimal | None
    eac: Decimal | None
    ac: Decimal | None

    @property
    def forecast(self) -> Decimal | None:
        if self.contract_value is None or self.eac is None:
            return None
        return ratio(self.contract_value - self.eac, self.eac)

    @property
    def to_date(self) -> Decimal | None:
        if self.contract_value is None or self.ac is None:
            return None
        return ratio(self.contract_value - self.ac, self.ac)


@dataclass(frozen=True)
class MetricsRow:
    """One department's metrics (department None: the whole show's, which alone has an ROI)."""

    department: Department | None
    client: ClientSatisfaction
    schedule: ScheduleVariance
    productivity: Productivity
    roi: ReturnOnInvestment | None = None


@dataclass(frozen=True)
class ProductionMetrics:
    show: Show
    as_of: dt.date
    total: MetricsRow
    departments: list[MetricsRow] = field(default_factory=list)

    def department(self, department_id: int) -> MetricsRow | None:
        return next((row for row in self.departments if row.department.pk == department_id), None)


# --- The queries -----------------------------------------------------------------------------------------------


def _client_items(show: Show, as_of: dt.date):
    return ReviewItem.objects.filter(
        session__show_id=show.pk, session__kind=SessionKind.CLIENT, session__date__lte=as_of
    ).exclude(version__task__status=TaskStatus.OMITTED)


def _first_pass_counts(show: Show, as_of: dt.date) -> dict[int, tuple[int, int]]:
    """Per department: (tasks with a version shown to the client, of which the first shown was approved).

    One statement: the client items ranked per task by (session date, version number) with ROW_NUMBER (PostgreSQL
    and SQLite alike), the first of each task checked for an approving client note."""
    item, session, version = (m._meta.db_table for m in (ReviewItem, ReviewSession, Version))
    task, task_type, note = Task._meta.db_table, TaskType._meta.db_table, Note._meta.db_table
    sql = f"""
        WITH ranked AS (
            SELECT ri.version_id, tt.department_id,
                   ROW_NUMBER() OVER (PARTITION BY v.task_id ORDER BY s.date, v.number, v.id) AS rank_in_task
            FROM {item} ri
            JOIN {session} s ON s.id = ri.session_id
            JOIN {version} v ON v.id = ri.version_id
            JOIN {task} t ON t.id = v.task_id
            JOIN {task_type} tt ON tt.id = t.task_type_id
            WHERE s.show_id = %s AND s.kind = %s AND s.date <= %s AND t.status <> %s
        )
        SELECT r.department_id, COUNT(*),
               SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM {note} n
                   WHERE n.version_id = r.version_id AND n.category = %s AND n.status_change = %s
                     AND n.created_at < %s
               ) THEN 1 ELSE 0 END)
        FROM ranked r
        WHERE r.rank_in_task = 1
        GROUP BY r.department_id
    """
    params = [
        show.pk,
        SessionKind.CLIENT.value,
        as_of,
        TaskStatus.OMITTED.value,
        NoteCategory.CLIENT.value,
        StatusChange.APPROVE.value,
        connection.ops.adapt_datetimefield_value(end_of_day(as_of)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {department_id: (int(shown), int(approved)) for department_id, shown, approved in cursor.fetchall()}


def _client_retakes(show: Show, as_of: dt.date) -> dict[int, int]:
    rows = (
        Note.objects.filter(
            version__task__shot__show_id=show.pk,
            category=NoteCategory.CLIENT,
            status_change=StatusChange.RETAKE,
            created_at__lt=end_of_day(as_of),
        )
        .exclude(version__task__status=TaskStatus.OMITTED)
        .values("version__task__task_type__department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["version__task__task_type__department_id"]: row["n"] for row in rows}


def _shots_shown(show: Show, as_of: dt.date) -> tuple[dict[int, int], int]:
    """(per department: shots with a version of the department's shown, the show's shots with a version shown)."""
    items = _client_items(show, as_of)
    per_department = {
        row["version__task__task_type__department_id"]: row["n"]
        for row in items.values("version__task__task_type__department_id")
        .annotate(n=Count("version__task__shot_id", distinct=True))
        .order_by()
    }
    total = items.aggregate(n=Count("version__task__shot_id", distinct=True))["n"]
    return per_department, total


def _approved_frames(show: Show) -> dict[int, int]:
    """Per department: the frames of the shots with an approved or final task of the department (once per shot)."""
    task, shot, task_type = Task._meta.db_table, Shot._meta.db_table, TaskType._meta.db_table
    placeholders = ", ".join(["%s"] * len(DONE_STATUSES))
    sql = f"""
        SELECT done.department_id, SUM(done.frames)
        FROM (
            SELECT DISTINCT tt.department_id, sh.id, sh.cut_out - sh.cut_in + 1 AS frames
            FROM {task} t
            JOIN {shot} sh ON sh.id = t.shot_id
            JOIN {task_type} tt ON tt.id = t.task_type_id
            WHERE sh.show_id = %s AND t.status IN ({placeholders})
        ) done
        GROUP BY done.department_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [show.pk, *DONE_STATUSES])
        return {department_id: int(frames) for department_id, frames in cursor.fetchall()}


def _hours(show: Show, as_of: dt.date) -> dict[int, Decimal]:
    rows = (
        TimeLog.objects.filter(task__shot__show_id=show.pk, date__lte=as_of)
        .exclude(task__status=TaskStatus.OMITTED)
        .values("task__task_type__department_id")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    return {row["task__task_type__department_id"]: row["h"] for row in rows}


def _schedule(figures: earned_value.Figures | None) -> ScheduleVariance:
    if figures is None:
        return ScheduleVariance()
    return ScheduleVariance(bid_days=figures.bid_days, pv=figures.pv, ev=figures.ev, sv=figures.sv, spi=figures.spi)


def production_metrics(
    show: Show,
    as_of: dt.date,
    *,
    report=None,
    variance: dict[str, list[earned_value.Figures]] | None = None,
) -> ProductionMetrics:
    """The four metrics as of the end of `as_of`, for the show and each department that has tasks, client reviews,
    hours or approved work. `report` is budgets.costs.cost_report(show, as_of) when the caller has it already (the
    ROI's EAC and AC$); `variance` earned_value.rollups(show, as_of, ("department", "show"))."""
    if report is None:
        from .costs import cost_report

        report = cost_report(show, as_of)
    if variance is None:
        variance = earned_value.rollups(show, as_of, ("department", "show"))
    first_pass = _first_pass_counts(show, as_of)
    retakes = _client_retakes(show, as_of)
    shots_shown, show_shots_shown = _shots_shown(show, as_of)
    frames = _approved_frames(show)
    hours = _hours(show, as_of)
    by_department = {row.key: row for row in variance["department"]}

    keys = set(first_pass) | set(retakes) | set(shots_shown) | set(frames) | set(hours) | set(by_department)
    departments = sorted(Department.objects.in_bulk(keys).values(), key=lambda d: (d.order, d.name))
    hpd = show.hours_per_day
    rows = []
    for department in departments:
        key = department.pk
        shown, approved = first_pass.get(key, (0, 0))
        rows.append(
            MetricsRow(
                department=department,
                client=ClientSatisfaction(
                    tasks_shown=shown,
                    first_pass_approved=approved,
                    client_retakes=retakes.get(key, 0),
                    shots_shown=shots_shown.get(key, 0),
                ),
                schedule=_schedule(by_department.get(key)),
                productivity=Productivity(
                    approved_frames=frames.get(key, 0), hours=hours.get(key, Decimal(0)), hours_per_day=hpd
                ),
            )
        )
    total_cost = report.total if report is not None else None
    total = MetricsRow(
        department=None,
        client=ClientSatisfaction(
            tasks_shown=sum(shown for shown, _ in first_pass.values()),
            first_pass_approved=sum(approved for _, approved in first_pass.values()),
            client_retakes=sum(retakes.values()),
            shots_shown=show_shots_shown,
        ),
        schedule=_schedule(variance["show"][0] if variance["show"] else None),
        productivity=Productivity(
            approved_frames=sum(frames.values()), hours=sum(hours.values(), Decimal(0)), hours_per_day=hpd
        ),
        roi=ReturnOnInvestment(
            contract_value=show.contract_value,
            eac=getattr(total_cost, "eac", None),
            ac=getattr(total_cost, "ac", None),
        ),
    )
    return ProductionMetrics(show=show, as_of=as_of, total=total, departments=rows)


def quantize(value: Decimal | None) -> Decimal | None:
    """A ratio as stored in a snapshot (already at 1e-10; kept for values computed elsewhere)."""
    return None if value is None else value.quantize(QUANTUM, rounding=ROUND_HALF_UP)
