"""Reads of the schedule dashboard of a show (schedules/views/dashboard.py): variance per department, its trend,
late and at-risk tasks, milestones. Each selector asks the database a fixed number of times, whatever the show's
size; the load view is schedules/load.py.

Definitions shown in the page's hints:
- late: a task whose (current) due date is before the day of the dashboard, not done (approved, final) and not
  omitted;
- at risk: a task that is not late, not done, not omitted and not yet pending review, due on or after the day
  and within the next AT_RISK_WORKING_DAYS working days (the show's calendar) — or, whatever its due date, already
  past its planned start (start on or before the day) with no hours logged on it at all;
- a department's forecast finish is late when it falls after the department's latest planned due date (dates
  from the active baseline, else the current plan, as earned value measures them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Exists, F, FilteredRelation, Max, OuterRef, Q, QuerySet, When
from django.utils import timezone

from shots.models import Task
from shots.workflow import DONE_STATUSES, TaskStatus
from studio.models import Department, Show

from . import earned_value, services
from .models import EarnedValueSnapshot, Milestone, TimeLog

AT_RISK_WORKING_DAYS = 5
MILESTONE_HORIZON_DAYS = 60
NOT_OPEN = (*DONE_STATUSES, TaskStatus.OMITTED)
# Submitted or finished: the task is no longer at risk of missing its due date through lack of work.
SUBMITTED = (TaskStatus.PENDING_REVIEW, *DONE_STATUSES, TaskStatus.OMITTED)
# Line colours that read on the dark theme, one per department in order; the whole show in the text colour, dashed.
CHART_COLOURS = ("#60a5fa", "#f472b6", "#34d399", "#fbbf24", "#a78bfa", "#f87171", "#22d3ee", "#fb923c", "#a3e635")
SHOW_COLOUR = "#e5e7eb"


# --- Variance per department ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VarianceRow:
    department: Department | None  # None: the whole show
    figures: earned_value.Figures
    latest_due: dt.date | None

    @property
    def forecast_is_late(self) -> bool:
        finish = self.figures.forecast_finish
        return finish is not None and self.latest_due is not None and finish > self.latest_due


def latest_planned_due(show: Show, rules: earned_value.ShowRules) -> dict[int | None, dt.date | None]:
    """Per department (and None: the show), the latest planned due date of its tasks, omitted ones left out; the
    plan is the active baseline's row where the task has one, else the task's own dates (one query)."""
    tasks = Task.objects.filter(shot__show_id=show.pk).exclude(status=TaskStatus.OMITTED).order_by()
    planned_due = F("due_date")
    if rules.baseline_id is not None:
        tasks = tasks.annotate(
            frozen=FilteredRelation("baseline_rows", condition=Q(baseline_rows__baseline_id=rules.baseline_id))
        )
        planned_due = Case(When(frozen__id__isnull=False, then=F("frozen__due_date")), default=F("due_date"))
    rows = (
        tasks.annotate(planned_due=planned_due).values("task_type__department_id").annotate(latest=Max("planned_due"))
    )
    latest = {row["task_type__department_id"]: row["latest"] for row in rows}
    latest[None] = max((day for day in latest.values() if day is not None), default=None)
    return latest


def variance_rows(
    show: Show, as_of: dt.date, rules: earned_value.ShowRules
) -> tuple[list[VarianceRow], VarianceRow, dict[int, Department]]:
    """The departments' rows (in the studio's department order) and the show's total, as of the end of `as_of`:
    one earned-value statement, the latest due dates, and the departments (three queries)."""
    figures = earned_value.rollups(show, as_of, ("department", "show"), rules=rules)
    latest = latest_planned_due(show, rules)
    departments = Department.objects.order_by().in_bulk([row.key for row in figures["department"]])
    rows = sorted(
        (VarianceRow(departments[row.key], row, latest.get(row.key)) for row in figures["department"]),
        key=lambda row: (row.department.order, row.department.name),
    )
    total = VarianceRow(None, figures["show"][0], latest[None])
    return rows, total, departments


# --- The trend -------------------------------------------------------------------------------------------------


@dataclass
class TrendSeries:
    department: Department | None  # None: the whole show
    spi: dict[dt.date, Decimal | None] = field(default_factory=dict)
    sv: dict[dt.date, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.department.name if self.department else "Show"


@dataclass
class Trend:
    since: dt.date
    until: dt.date
    dates: list[dt.date]
    series: list[TrendSeries]  # departments in the studio's order, then the show

    @property
    def is_empty(self) -> bool:
        return not self.dates

    def table(self) -> list[tuple[dt.date, list[tuple[str, str]]]]:
        """Per date, per series: SPI and SV as shown (two places, half-up); "—" where the series has no figure."""
        return [
            (day, [(_table_number(s.spi.get(day)), _table_number(s.sv.get(day))) for s in self.series])
            for day in self.dates
        ]

    def chart(self, figure: str) -> dict:
        """A Chart.js line chart config of `figure` ("spi" or "sv") for charts.js: decimal strings, null for gaps."""
        datasets = []
        for i, s in enumerate(self.series):
            values = getattr(s, figure)
            data = [_chart_number(values.get(day)) for day in self.dates]
            colour = SHOW_COLOUR if s.department is None else CHART_COLOURS[i % len(CHART_COLOURS)]
            dataset = {
                "label": s.label,
                "data": data,
                "spanGaps": True,
                "pointRadius": 2,
                "borderWidth": 2,
                "borderColor": colour,
                "backgroundColor": colour,
            }
            if s.department is None:
                dataset.update(borderDash=[6, 4], borderWidth=3)
            datasets.append(dataset)
        title = "SPI (earned / planned)" if figure == "spi" else "SV (days)"
        return {
            "type": "line",
            "data": {"labels": [day.isoformat() for day in self.dates], "datasets": datasets},
            "options": {
                "interaction": {"mode": "index", "intersect": False},
                "scales": {"y": {"title": {"display": True, "text": title}}},
                "plugins": {"legend": {"position": "bottom"}},
            },
        }


def _table_number(value: Decimal | None) -> str:
    return "—" if value is None else str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _chart_number(value: Decimal | None) -> str | None:
    # Chart.js parses numeric strings: the figures stay decimal (no float) all the way to the browser.
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def variance_trend(show: Show, as_of: dt.date, days: int, departments: dict[int, Department] | None = None) -> Trend:
    """SPI and SV per department and for the show over the `days` days ending on `as_of`, from the daily
    snapshots (one query, plus one for departments not given)."""
    since = as_of - dt.timedelta(days=days - 1)
    snapshots = (
        EarnedValueSnapshot.objects.filter(show_id=show.pk, date__range=(since, as_of))
        .order_by("date", "department_id")
        .values_list("date", "department_id", "spi", "sv")
    )
    by_department: dict[int | None, TrendSeries] = {}
    dates: set[dt.date] = set()
    rows = list(snapshots)
    known = dict(departments or {})
    missing = {department_id for _, department_id, _, _ in rows if department_id is not None} - set(known)
    if missing:
        known.update(Department.objects.order_by().in_bulk(missing))
    for day, department_id, spi, sv in rows:
        series = by_department.get(department_id)
        if series is None:
            series = by_department[department_id] = TrendSeries(known.get(department_id))
        series.spi[day] = spi
        series.sv[day] = sv
        dates.add(day)
    ordered = sorted(
        (s for key, s in by_department.items() if key is not None),
        key=lambda s: (s.department.order, s.department.name),
    )
    if None in by_department:
        ordered.append(by_department[None])
    return Trend(since=since, until=as_of, dates=sorted(dates), series=ordered)


# --- Late and at-risk tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskList:
    tasks: list[Task]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.tasks)


def _open_tasks(show: Show) -> QuerySet[Task]:
    return Task.objects.filter(shot__show_id=show.pk).exclude(status__in=NOT_OPEN)


def _listed(tasks: QuerySet[Task], limit: int) -> TaskList:
    """The first `limit` tasks by due date with what the table shows, and how many there are in all (three
    queries: the rows, their assignees, the count)."""
    rows = list(
        tasks.select_related("shot", "task_type__department")
        .prefetch_related("assignees")
        .order_by(F("due_date").asc(nulls_last=True), "shot__code", "task_type__order", "pk")[:limit]
    )
    return TaskList(rows, tasks.count())


def late_tasks(show: Show, as_of: dt.date, limit: int) -> TaskList:
    return _listed(_open_tasks(show).filter(due_date__lt=as_of), limit)


def at_risk_horizon(as_of: dt.date, rules: earned_value.ShowRules) -> dt.date:
    """The last day of the at-risk window: the AT_RISK_WORKING_DAYS-th working day after `as_of`."""
    return rules.calendar.add_working_days(as_of, AT_RISK_WORKING_DAYS)


def at_risk_tasks(show: Show, as_of: dt.date, horizon: dt.date, limit: int) -> TaskList:
    logged = TimeLog.objects.filter(task_id=OuterRef("pk"))
    tasks = (
        Task.objects.filter(shot__show_id=show.pk)
        .exclude(status__in=SUBMITTED)
        .exclude(due_date__lt=as_of)  # late: listed as late
        .annotate(has_hours=Exists(logged))
        .filter(Q(due_date__range=(as_of, horizon)) | Q(start_date__lte=as_of, has_hours=False))
    )
    return _listed(tasks, limit)


# --- Milestones ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestones:
    as_of: dt.date
    upcoming: list[Milestone]
    last_passed: Milestone | None
    until: dt.date

    @property
    def upcoming_with_days(self) -> list[tuple[Milestone, int]]:
        """Each upcoming milestone with the calendar days from `as_of` to it (0: that very day)."""
        return [(milestone, (milestone.date - self.as_of).days) for milestone in self.upcoming]

    @property
    def last_passed_days_ago(self) -> int | None:
        return None if self.last_passed is None else (self.as_of - self.last_passed.date).days


def milestones(show: Show, as_of: dt.date, days: int = MILESTONE_HORIZON_DAYS) -> Milestones:
    """The show's milestones (show-wide and per department) from `as_of` over the next `days` days, and the last one
    before `as_of` (two queries)."""
    until = as_of + dt.timedelta(days=days)
    base = Milestone.objects.filter(show_id=show.pk).select_related("department")
    upcoming = list(base.filter(date__range=(as_of, until)).order_by("date", "name", "pk"))
    last_passed = base.filter(date__lt=as_of).order_by("-date", "-pk").first()
    return Milestones(as_of=as_of, upcoming=upcoming, last_passed=last_passed, until=until)


# --- Demo data ---------------------------------------------------------------------------------------------------


def seed_schedule_dashboard_demo(show: Show, *, days: int = 30, today: dt.date | None = None) -> int:
    """A trend for the demo: the show's earned-value snapshots of the last `days` days (today included), written by
    schedules.services.ev_recompute as the nightly run would have. Statuses have no history, so each past day's EV
    is today's; PV and AC follow the plan and the time logs day by day. Idempotent (each day's rows are replaced).
    Returns the number of days written."""
    today = today or timezone.localdate()
    for back in range(days - 1, -1, -1):
        services.ev_recompute(show_id=show.pk, as_of=today - dt.timedelta(days=back))
    return days
