"""Earned value, exactly as PRODUCT.md defines it ("The numbers producers want"), per task and rolled up.

As of t (the end of day t), per task with bid B days, planned start S and due D (both inclusive):
- plan: the active baseline's row for the task (bid, start, due) when the show has an active baseline and the row
  exists; else the task's current plan. (A task added after the baseline was frozen is measured against its own
  plan rather than left out: its work and hours are real.)
- planned fraction = 0 if t < S; 1 if t >= D; else working days in [S, t] / working days in [S, D]
  (schedules.calendar). A task without a start or without a due date is not scheduled yet: PV 0, while it still
  counts in B, EV and AC. A span with no working day at all (S and D on one weekend) is 0 until t >= D.
- PV = B x planned fraction, rounded half-up to 1e-10 day per task (the only rounding of PV; the sums are exact).
- EV = B x the weight of the task's current status: the show's StatusWeight row, else shots.workflow's default.
- AC days = hours logged on the task with date <= t / the show's hours per day.
- Omitted tasks are left out of every figure (their bids, hours and dates too).
A roll-up (department, sequence, show) sums B, PV, EV and the hours of its tasks, then:
- AC days = the summed hours / hours per day, rounded half-up to 1e-10 (summed first, so no rounding adds up);
- SV = EV - PV; SPI = EV / PV rounded half-up to 1e-10, None when PV = 0;
- forecast finish: velocity = EV / working days in [the group's earliest planned start, t]; finish = t + ceil((B -
  EV) / velocity) working days (calendar.add_working_days: the n-th working day after t; t itself when nothing
  remains). None when velocity is 0, when no working day has passed since the earliest start (velocity
  undefined), when no task of the group has a start date, or past the year 9999. PRODUCT.md defines it per
  department; the same formula is given for sequences and the whole show.

Two paths give identical Decimals: on PostgreSQL one SQL statement (CTEs, the calendar's ordinal formula, integer
rounding with div()) per call, whatever the number of tasks; elsewhere (the SQLite demo) `python_*` reads the rows
and computes in Python. Tests run both on the same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from shots.models import Shot, Task, TaskType
from shots.workflow import WORKFLOW, TaskStatus
from studio.models import Show

from .calendar import ShowCalendar, sql_ordinal
from .models import Baseline, BaselineTask, StatusWeight, TimeLog

PLACES = 10
QUANTUM = Decimal(1).scaleb(-PLACES)  # 1e-10
SCALE = 10**PLACES
ZERO = Decimal(0).quantize(QUANTUM)
GROUPINGS = ("department", "sequence", "show")


def exact(value: Decimal) -> Decimal:
    """A figure that is already exact at 1e-10 (sums of bids, EV), in the one representation every path returns."""
    return value.quantize(QUANTUM)


def rounded_ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator rounded half-up to 1e-10, computed exactly (integers), for non-negative inputs."""
    num_scaled, den_scaled = _as_integers(numerator, denominator)
    return Decimal((2 * num_scaled * SCALE + den_scaled) // (2 * den_scaled)).scaleb(-PLACES).quantize(QUANTUM)


def ceil_ratio(numerator: Decimal, denominator: Decimal) -> int:
    """ceil(numerator / denominator), exactly, for non-negative numerator and positive denominator."""
    num_scaled, den_scaled = _as_integers(numerator, denominator)
    return -((-num_scaled) // den_scaled)


def _as_integers(a: Decimal, b: Decimal) -> tuple[int, int]:
    """(a, b) multiplied by the same power of ten so both are integers."""
    places = max(0, -a.as_tuple().exponent, -b.as_tuple().exponent)
    return int(a.scaleb(places)), int(b.scaleb(places))


# --- What a computation needs to know about the show ------------------------------------------------------------


@dataclass(frozen=True)
class ShowRules:
    """The show's settings the figures depend on: weights, calendar, baseline, hours per day (three queries)."""

    show: Show
    weights: dict[str, Decimal]  # every status but omitted
    calendar: ShowCalendar
    baseline_id: int | None
    baseline_name: str | None
    hours_per_day: Decimal

    @classmethod
    def load(cls, show: Show) -> ShowRules:
        active = Baseline.objects.filter(show=show, is_active=True).order_by()  # no join for the default ordering
        baseline_id, baseline_name = active.values_list("pk", "name").first() or (None, None)
        return cls(
            show=show,
            weights=status_weights(show),
            calendar=ShowCalendar.for_show(show),
            baseline_id=baseline_id,
            baseline_name=baseline_name,
            hours_per_day=show.hours_per_day,
        )


def status_weights(show: Show) -> dict[str, Decimal]:
    """Each status's weight on this show: its StatusWeight row, else the workflow default. Omitted has none."""
    custom = dict(StatusWeight.objects.filter(show=show).values_list("status", "weight"))
    return {
        status: custom.get(status, flags.default_weight)
        for status, flags in WORKFLOW.items()
        if status != TaskStatus.OMITTED
    }


# --- Results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFigures:
    task_id: int
    department_id: int
    sequence_id: int
    bid_days: Decimal
    pv: Decimal
    ev: Decimal
    ac_days: Decimal


@dataclass(frozen=True)
class Figures:
    """One roll-up row. `key` is the department or sequence id, None for the whole show."""

    by: str
    key: int | None
    task_count: int
    bid_days: Decimal
    pv: Decimal
    ev: Decimal
    ac_days: Decimal
    sv: Decimal
    spi: Decimal | None
    earliest_start: dt.date | None
    velocity_days: int | None  # working days in [earliest start, t]
    forecast_finish: dt.date | None


@dataclass
class _Sums:
    task_count: int = 0
    bid_days: Decimal = Decimal(0)
    pv: Decimal = Decimal(0)
    ev: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    earliest_start: dt.date | None = None


def _figures(by: str, key: int | None, sums: _Sums, rules: ShowRules, as_of: dt.date) -> Figures:
    bid_days, pv, ev = exact(sums.bid_days), exact(sums.pv), exact(sums.ev)
    spi = rounded_ratio(ev, pv) if pv else None
    velocity_days = None
    finish = None
    if sums.earliest_start is not None:
        velocity_days = rules.calendar.working_days_between(sums.earliest_start, as_of)
        if velocity_days and ev:
            # (B - EV) / (EV / days) = (B - EV) x days / EV
            remaining = ceil_ratio((bid_days - ev) * velocity_days, ev)
            try:
                finish = rules.calendar.add_working_days(as_of, remaining)
            except OverflowError:
                finish = None
    return Figures(
        by=by,
        key=key,
        task_count=sums.task_count,
        bid_days=bid_days,
        pv=pv,
        ev=ev,
        ac_days=rounded_ratio(sums.hours, rules.hours_per_day),
        sv=exact(ev - pv),
        spi=spi,
        earliest_start=sums.earliest_start,
        velocity_days=velocity_days,
        forecast_finish=finish,
    )


# --- The public functions --------------------------------------------------------------------------------------


def _in_python(in_python: bool | None) -> bool:
    """The SQL path needs PostgreSQL; tests ask for the Python path on PostgreSQL to compare the two."""
    return connection.vendor != "postgresql" if in_python is None else in_python


def task_figures(
    show: Show, as_of: dt.date, *, rules: ShowRules | None = None, in_python: bool | None = None
) -> list[TaskFigures]:
    """B, PV, EV and AC days of each of the show's tasks (omitted ones left out), in task id order."""
    rules = rules or ShowRules.load(show)
    if _in_python(in_python):
        return python_task_figures(rules, as_of)
    return _sql_task_figures(rules, as_of)


def rollup(
    show: Show,
    as_of: dt.date,
    by: str = "department",
    *,
    rules: ShowRules | None = None,
    in_python: bool | None = None,
) -> list[Figures]:
    """The roll-up per department, per sequence, or for the whole show (one row, even without tasks)."""
    return rollups(show, as_of, (by,), rules=rules, in_python=in_python)[by]


def rollups(
    show: Show,
    as_of: dt.date,
    by: Sequence[str],
    *,
    rules: ShowRules | None = None,
    in_python: bool | None = None,
) -> dict[str, list[Figures]]:
    """Several roll-ups of the same figures at once: one SQL statement on PostgreSQL (GROUPING SETS)."""
    unknown = set(by) - set(GROUPINGS)
    if unknown or not by:
        raise ValueError(f"by must be among {', '.join(GROUPINGS)}")
    rules = rules or ShowRules.load(show)
    if _in_python(in_python):
        grouped = python_grouped_sums(rules, as_of, tuple(dict.fromkeys(by)))
    else:
        grouped = _sql_grouped_sums(rules, as_of, tuple(dict.fromkeys(by)))
    # Rows in key order (ids; the whole show's single row has no key), the same on both paths.
    return {
        grouping: [
            _figures(grouping, key, sums, rules, as_of)
            for key, sums in sorted(grouped[grouping].items(), key=lambda item: item[0] or 0)
        ]
        for grouping in by
    }


# --- The Python path (SQLite, and the reference the SQL is tested against) ---------------------------------------


def planned_value(calendar: ShowCalendar, bid: Decimal, start, due, as_of: dt.date) -> Decimal:
    """PV of one task, per the module docstring."""
    if start is None or due is None or as_of < start:
        return ZERO
    if as_of >= due:
        return exact(bid)
    planned = calendar.working_days_between(start, due)
    if planned == 0:
        return ZERO
    return rounded_ratio(bid * calendar.working_days_between(start, as_of), Decimal(planned))


@dataclass(frozen=True)
class _TaskRow:
    task_id: int
    department_id: int
    sequence_id: int
    bid_days: Decimal
    start: dt.date | None
    pv: Decimal
    ev: Decimal
    hours: Decimal


def _python_rows(rules: ShowRules, as_of: dt.date) -> list[_TaskRow]:
    tasks = (
        Task.objects.filter(shot__show_id=rules.show.pk)
        .exclude(status=TaskStatus.OMITTED)
        .order_by("pk")
        .values_list(
            "pk", "task_type__department_id", "shot__sequence_id", "status", "bid_days", "start_date", "due_date"
        )
    )
    baseline = {}
    if rules.baseline_id is not None:
        baseline = {
            task_id: (bid, start, due)
            for task_id, bid, start, due in BaselineTask.objects.filter(baseline_id=rules.baseline_id).values_list(
                "task_id", "bid_days", "start_date", "due_date"
            )
        }
    hours: dict[int, Decimal] = {}
    logs = TimeLog.objects.filter(task__shot__show_id=rules.show.pk, date__lte=as_of)
    for task_id, logged in logs.values_list("task_id", "hours"):
        hours[task_id] = hours.get(task_id, Decimal(0)) + logged
    rows = []
    for task_id, department_id, sequence_id, status, bid, start, due in tasks:
        if task_id in baseline:
            bid, start, due = baseline[task_id]
        rows.append(
            _TaskRow(
                task_id=task_id,
                department_id=department_id,
                sequence_id=sequence_id,
                bid_days=bid,
                start=start,
                pv=planned_value(rules.calendar, bid, start, due, as_of),
                ev=bid * rules.weights[status],
                hours=hours.get(task_id, Decimal(0)),
            )
        )
    return rows


def python_task_figures(rules: ShowRules, as_of: dt.date) -> list[TaskFigures]:
    return [
        TaskFigures(
            task_id=row.task_id,
            department_id=row.department_id,
            sequence_id=row.sequence_id,
            bid_days=exact(row.bid_days),
            pv=exact(row.pv),
            ev=exact(row.ev),
            ac_days=rounded_ratio(row.hours, rules.hours_per_day),
        )
        for row in _python_rows(rules, as_of)
    ]


def python_grouped_sums(rules: ShowRules, as_of: dt.date, by: Iterable[str]) -> dict[str, dict[int | None, _Sums]]:
    by = tuple(by)
    grouped: dict[str, dict[int | None, _Sums]] = {grouping: {} for grouping in by}
    if "show" in by:
        grouped["show"][None] = _Sums()
    for row in _python_rows(rules, as_of):
        for grouping in by:
            key = {"department": row.department_id, "sequence": row.sequence_id, "show": None}[grouping]
            sums = grouped[grouping].setdefault(key, _Sums())
            sums.task_count += 1
            sums.bid_days += row.bid_days
            sums.pv += row.pv
            sums.ev += row.ev
            sums.hours += row.hours
            if row.start is not None and (sums.earliest_start is None or row.start < sums.earliest_start):
                sums.earliest_start = row.start
    return grouped


# --- The PostgreSQL path ---------------------------------------------------------------------------------------


def _figures_sql(rules: ShowRules) -> str:
    """The CTEs `plan` (per task: the plan used, the status weight) and `figures` (per task: B, S, PV, EV).

    PV in the middle of a span is rounded half-up with integers: div(2 x B x done x 1e10 + planned, 2 x planned)
    is floor(B x done / planned x 1e10 + 1/2), exactly what planned_value() computes in Python. The working-day
    ordinals are computed only for the tasks in progress at t.
    """
    task, shot, task_type = Task._meta.db_table, Shot._meta.db_table, TaskType._meta.db_table
    baseline_task = BaselineTask._meta.db_table
    weights = ", ".join(f"(%(status{i})s, %(weight{i})s::numeric)" for i in range(len(rules.weights)))
    ord_start = sql_ordinal("p.s", "%(holidays)s")
    ord_after_due = sql_ordinal("(p.d + 1)", "%(holidays)s")
    return f"""
        WITH plan AS (
            SELECT t.id AS task_id, tt.department_id, sh.sequence_id, w.weight,
                   CASE WHEN bt.id IS NULL THEN t.bid_days ELSE bt.bid_days END AS b,
                   CASE WHEN bt.id IS NULL THEN t.start_date ELSE bt.start_date END AS s,
                   CASE WHEN bt.id IS NULL THEN t.due_date ELSE bt.due_date END AS d
            FROM {task} t
            JOIN {shot} sh ON sh.id = t.shot_id
            JOIN {task_type} tt ON tt.id = t.task_type_id
            JOIN (VALUES {weights}) AS w (status, weight) ON w.status = t.status
            LEFT JOIN {baseline_task} bt ON bt.task_id = t.id AND bt.baseline_id = %(baseline_id)s
            WHERE sh.show_id = %(show_id)s AND t.status <> %(omitted)s
        ),
        spans AS (
            SELECT p.*,
                   CASE WHEN p.s <= %(as_of)s AND %(as_of)s < p.d THEN {ord_start} END AS ord_s,
                   CASE WHEN p.s <= %(as_of)s AND %(as_of)s < p.d THEN {ord_after_due} END AS ord_d1
            FROM plan p
        ),
        figures AS (
            SELECT s.task_id, s.department_id, s.sequence_id, s.b, s.s, s.b * s.weight AS ev,
                   CASE
                       WHEN s.s IS NULL OR s.d IS NULL OR %(as_of)s < s.s THEN 0
                       WHEN %(as_of)s >= s.d THEN s.b
                       WHEN s.ord_d1 = s.ord_s THEN 0
                       ELSE div(
                           2 * s.b * (%(ord_after_as_of)s - s.ord_s) * {SCALE} + (s.ord_d1 - s.ord_s),
                           2 * (s.ord_d1 - s.ord_s)
                       ) * {QUANTUM:f}
                   END AS pv
            FROM spans s
        )
    """


def _execute(sql: str, rules: ShowRules, as_of: dt.date) -> list[tuple]:
    params = {
        "show_id": rules.show.pk,
        "baseline_id": rules.baseline_id,
        "omitted": TaskStatus.OMITTED.value,
        "as_of": as_of,
        "ord_after_as_of": rules.calendar.ordinal_after(as_of),
        "holidays": list(rules.calendar.holidays),
    }
    for i, (status, weight) in enumerate(rules.weights.items()):
        params[f"status{i}"], params[f"weight{i}"] = status, weight
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sql_task_figures(rules: ShowRules, as_of: dt.date) -> list[TaskFigures]:
    sql = (
        _figures_sql(rules)
        + f"""
        , hours AS (
            SELECT tl.task_id, SUM(tl.hours) AS h
            FROM {TimeLog._meta.db_table} tl JOIN plan p ON p.task_id = tl.task_id
            WHERE tl.date <= %(as_of)s
            GROUP BY tl.task_id
        )
        SELECT f.task_id, f.department_id, f.sequence_id, f.b, f.pv, f.ev, COALESCE(h.h, 0)
        FROM figures f LEFT JOIN hours h ON h.task_id = f.task_id
        ORDER BY f.task_id
    """
    )
    return [
        TaskFigures(
            task_id=task_id,
            department_id=department_id,
            sequence_id=sequence_id,
            bid_days=exact(bid),
            pv=exact(pv),
            ev=exact(ev),
            ac_days=rounded_ratio(hours, rules.hours_per_day),
        )
        for task_id, department_id, sequence_id, bid, pv, ev, hours in _execute(sql, rules, as_of)
    ]


_GROUP_COLUMNS = {"department": "department_id", "sequence": "sequence_id"}


def _sql_grouped_sums(rules: ShowRules, as_of: dt.date, by: tuple[str, ...]) -> dict[str, dict[int | None, _Sums]]:
    """One statement: the tasks' sums and the hours' sums, each aggregated straight into the grouping sets (no
    per-task hour totals to build and join), then matched on the group."""
    named = [grouping for grouping in by if grouping != "show"]
    columns = [_GROUP_COLUMNS[grouping] for grouping in named]

    def grouped_by(alias: str) -> tuple[str, str]:
        # Per grouped column: GROUPING() is 0 on the rows grouped by it, then the column's value.
        keys = ", ".join(f"GROUPING({alias}.{c}) AS g_{c}, {alias}.{c} AS k_{c}" for c in columns)
        sets = ", ".join([f"({alias}.{c})" for c in columns] + (["()"] if "show" in by else []))
        return (keys + ", " if keys else ""), sets

    task_keys, task_sets = grouped_by("f")
    hour_keys, hour_sets = grouped_by("p")
    match = " AND ".join(
        ["TRUE"] + [f"hs.g_{c} = ts.g_{c} AND hs.k_{c} IS NOT DISTINCT FROM ts.k_{c}" for c in columns]
    )
    selected = "".join(f"ts.g_{c}, ts.k_{c}, " for c in columns)
    sql = (
        _figures_sql(rules)
        + f"""
        , task_sums AS (
            SELECT {task_keys}COUNT(*) AS n, COALESCE(SUM(f.b), 0) AS b, COALESCE(SUM(f.pv), 0) AS pv,
                   COALESCE(SUM(f.ev), 0) AS ev, MIN(f.s) AS s
            FROM figures f
            GROUP BY GROUPING SETS ({task_sets})
        ),
        hour_sums AS (
            SELECT {hour_keys}SUM(tl.hours) AS h
            FROM {TimeLog._meta.db_table} tl JOIN plan p ON p.task_id = tl.task_id
            WHERE tl.date <= %(as_of)s
            GROUP BY GROUPING SETS ({hour_sets})
        )
        SELECT {selected}ts.n, ts.b, ts.pv, ts.ev, COALESCE(hs.h, 0), ts.s
        FROM task_sums ts LEFT JOIN hour_sums hs ON {match}
    """
    )
    grouped: dict[str, dict[int | None, _Sums]] = {grouping: {} for grouping in by}
    for row in _execute(sql, rules, as_of):
        key_part, (count, bid, pv, ev, hours, earliest) = row[: 2 * len(named)], row[2 * len(named) :]
        grouping, key = "show", None
        for i, name in enumerate(named):
            if key_part[2 * i] == 0:
                grouping, key = name, key_part[2 * i + 1]
                break
        grouped[grouping][key] = _Sums(
            task_count=count, bid_days=bid, pv=pv, ev=ev, hours=hours, earliest_start=earliest
        )
    return grouped
