"""Baselines: frozen copies of a show's plan (bids, start and due dates) that variance is measured against.

Writes (keyword-only, one transaction, studio.permissions asked, errors naming the field):
- baseline_freeze copies every non-omitted task's plan in ONE set-based INSERT ... SELECT, whatever the show's size;
- baseline_activate / baseline_deactivate: at most one active baseline per show (a partial unique index says so);
  the show's row is locked first, so two planners activating at once take turns instead of failing on the index;
- baseline_rename, baseline_delete. Deleting the active baseline is refused: it would silently move every
  variance figure and break the trend at that day. Deactivate it (or activate another) first, explicitly.
Every change of which plan is active marks the show's earned value stale (schedules.services.ev_mark_stale).

Reads: baseline_compare(show, a, b) compares two plans, each a Baseline or CURRENT_PLAN (the tasks' plan now):
per task the bid, start and due on each side, the bid change and the slips in working days of the show
(schedules.calendar.ShowCalendar: weekends and the show's holidays do not count), and summaries per department
and for the whole show. One query for the rows, one for the holidays, whatever the show's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from shots.models import Sequence, Shot, Task, TaskType
from shots.workflow import TaskStatus
from studio import permissions
from studio.models import Person, Show

from .calendar import ShowCalendar, sql_ordinal
from .models import Baseline, BaselineTask
from .services import ev_mark_stale

NAME_MAX_LENGTH = 120
CURRENT_PLAN = None  # one side of a comparison: the tasks' current plan rather than a baseline
CURRENT_PLAN_LABEL = "Current plan"


# --- Writes ------------------------------------------------------------------------------------------------------


def _clean_name(value: Any) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({"name": "Give the baseline's name as text."})
    name = (value or "").strip()
    if not name:
        raise ValidationError({"name": "Give the baseline a name, like “Award plan”."})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"A baseline's name has at most {NAME_MAX_LENGTH} characters."})
    return name


def _require_free_name(show: Show, name: str, *, exclude_pk: int | None = None) -> None:
    # Case-insensitive: "Award plan" and "award plan" side by side in a picker would only confuse.
    taken = Baseline.objects.filter(show=show, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    existing = taken.values_list("name", flat=True).first()
    if existing is not None:
        raise ValidationError({"name": f"{show.code} already has a baseline named “{existing}”: choose another name."})


def _lock_show(show_id: int) -> None:
    """Serialise the show's baseline writes on its Show row (taken before the earned-value state row)."""
    list(Show.objects.select_for_update().filter(pk=show_id).values_list("pk", flat=True))


def _lock_baseline(baseline: Baseline) -> Baseline:
    _lock_show(baseline.show_id)
    locked = Baseline.objects.select_related("show").filter(pk=baseline.pk).first()
    if locked is None:
        raise ValidationError({"baseline": "This baseline no longer exists."})
    return locked


def _copy_plan(baseline: Baseline) -> int:
    """INSERT ... SELECT: the show's non-omitted tasks' bids and dates, in one statement. Returns the rows copied."""
    quote = connection.ops.quote_name
    baseline_task, task, shot = BaselineTask._meta.db_table, Task._meta.db_table, Shot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {quote(baseline_task)} (baseline_id, task_id, bid_days, start_date, due_date)
            SELECT %s, t.id, t.bid_days, t.start_date, t.due_date
            FROM {quote(task)} t JOIN {quote(shot)} sh ON sh.id = t.shot_id
            WHERE sh.show_id = %s AND t.status <> %s
            """,
            [baseline.pk, baseline.show_id, TaskStatus.OMITTED.value],
        )
        return cursor.rowcount


@transaction.atomic
def baseline_freeze(*, actor: Person, show: Show, name: str, activate: bool = True) -> Baseline:
    """Freeze the show's current plan (every non-omitted task's bid, start and due) as a new baseline named
    `name`; with `activate`, variance is measured against it from now on (the previous active one steps down)."""
    baseline = Baseline(show=show, created_by=actor, is_active=False)
    permissions.require_change(actor, baseline)
    baseline.name = _clean_name(name)
    _lock_show(show.pk)
    _require_free_name(show, baseline.name)
    baseline.full_clean()
    baseline.save()
    _copy_plan(baseline)
    if activate:
        _make_active(baseline)
    return baseline


def _make_active(baseline: Baseline) -> None:
    # Step the previous one down first: the partial unique index is checked per statement.
    Baseline.objects.filter(show_id=baseline.show_id, is_active=True).exclude(pk=baseline.pk).update(is_active=False)
    Baseline.objects.filter(pk=baseline.pk).update(is_active=True)
    baseline.is_active = True
    ev_mark_stale(show_id=baseline.show_id)


@transaction.atomic
def baseline_activate(*, actor: Person, baseline: Baseline) -> Baseline:
    """Measure the show's variance against this baseline; the show's previously active one is deactivated in the
    same transaction. Activating the active baseline changes nothing."""
    locked = _lock_baseline(baseline)
    permissions.require_change(actor, locked)
    if not locked.is_active:
        _make_active(locked)
    return locked


@transaction.atomic
def baseline_deactivate(*, actor: Person, baseline: Baseline) -> Baseline:
    """Stop measuring against this baseline: the show's variance then reads the tasks' current plan."""
    locked = _lock_baseline(baseline)
    permissions.require_change(actor, locked)
    if locked.is_active:
        Baseline.objects.filter(pk=locked.pk).update(is_active=False)
        locked.is_active = False
        ev_mark_stale(show_id=locked.show_id)
    return locked


@transaction.atomic
def baseline_rename(*, actor: Person, baseline: Baseline, name: str) -> Baseline:
    """A new name, unique on the show. No figure changes, so earned value stays as it is."""
    locked = _lock_baseline(baseline)
    permissions.require_change(actor, locked)
    locked.name = _clean_name(name)
    _require_free_name(locked.show, locked.name, exclude_pk=locked.pk)
    locked.full_clean()
    locked.save(update_fields=["name"])
    return locked


@transaction.atomic
def baseline_delete(*, actor: Person, baseline: Baseline) -> None:
    """Delete an inactive baseline and its rows. The active one is refused (see the module docstring)."""
    locked = Baseline.objects.filter(pk=baseline.pk).first()
    if locked is None:
        return  # already gone: deleting twice is no error
    locked = _lock_baseline(locked)
    permissions.require_change(actor, locked)
    if locked.is_active:
        raise ValidationError(
            {
                "baseline": f"“{locked.name}” is the active baseline: variance is measured against it. Activate "
                "another baseline or deactivate this one first, then delete it."
            }
        )
    BaselineTask.objects.filter(baseline_id=locked.pk).delete()  # one DELETE (no signals, nothing cascades)
    locked.delete()


# --- Reads -------------------------------------------------------------------------------------------------------


def with_totals(baselines):
    """Baselines, each with `task_count` and `total_bid_days` (in the same query)."""
    return baselines.select_related("show", "created_by").annotate(
        task_count=Count("tasks"),
        total_bid_days=Coalesce(Sum("tasks__bid_days"), Value(Decimal("0.00")), output_field=DecimalField()),
    )


def baselines_with_totals(show: Show):
    """The show's baselines, newest first, each with `task_count` and `total_bid_days` (one query)."""
    return with_totals(Baseline.objects.filter(show=show)).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class PlanSide:
    bid_days: Decimal
    start_date: dt.date | None
    due_date: dt.date | None


@dataclass(frozen=True)
class CompareRow:
    """One task in a comparison. `a`/`b` are None when the task is not in that plan. Slips are in working days
    of the show (positive: later in b than in a); None when a side or a date is missing."""

    task_id: int
    department_id: int
    sequence_id: int
    a: PlanSide | None
    b: PlanSide | None
    bid_change: Decimal | None
    start_slip: int | None
    due_slip: int | None

    @property
    def only_in(self) -> str | None:
        return "a" if self.b is None else "b" if self.a is None else None

    @property
    def differs(self) -> bool:
        return self.a != self.b

    @property
    def slipped(self) -> bool:
        return bool(self.due_slip and self.due_slip > 0)

    @property
    def pulled_in(self) -> bool:
        return bool(self.due_slip and self.due_slip < 0)


@dataclass
class CompareSummary:
    """Totals of a department (key: its id) or the whole show (key None)."""

    key: int | None
    tasks_a: int = 0
    tasks_b: int = 0
    bid_days_a: Decimal = Decimal("0.00")
    bid_days_b: Decimal = Decimal("0.00")
    only_in_a: int = 0
    only_in_b: int = 0
    changed: int = 0  # tasks in both plans whose bid or dates differ
    slipped: int = 0  # due later in b, by at least one working day
    pulled_in: int = 0  # due earlier in b
    max_slip: int = 0  # working days, 0 when nothing slipped

    @property
    def net_change(self) -> Decimal:
        return self.bid_days_b - self.bid_days_a

    def add(self, row: CompareRow) -> None:
        if row.a is not None:
            self.tasks_a += 1
            self.bid_days_a += row.a.bid_days
        if row.b is not None:
            self.tasks_b += 1
            self.bid_days_b += row.b.bid_days
        if row.only_in == "a":
            self.only_in_a += 1
        elif row.only_in == "b":
            self.only_in_b += 1
        elif row.differs:
            self.changed += 1
        if row.slipped:
            self.slipped += 1
            self.max_slip = max(self.max_slip, row.due_slip)
        elif row.pulled_in:
            self.pulled_in += 1


@dataclass(frozen=True)
class RowFilter:
    """Which of the differing tasks a comparison's pages list."""

    department_id: int | None = None
    sequence_id: int | None = None
    slipped_only: bool = False

    def keeps(self, row: CompareRow) -> bool:
        return (
            row.differs
            and (self.department_id is None or row.department_id == self.department_id)
            and (self.sequence_id is None or row.sequence_id == self.sequence_id)
            and (not self.slipped_only or row.slipped)
        )


BREAKDOWN_ORDER = "breakdown"  # sequence, shot, pipeline step (the page)
TASK_ORDER = "task"  # task id (the API's cursor pages)


@dataclass
class Comparison:
    """Plan a against plan b: the summaries of every task, how many differing tasks the filter keeps (`matching`),
    and their rows a page at a time (page())."""

    show_obj: Show
    a: Baseline | None  # None: the current plan
    b: Baseline | None
    filter: RowFilter
    departments: list[CompareSummary] = field(default_factory=list)  # in department order
    show: CompareSummary = field(default_factory=lambda: CompareSummary(key=None))
    matching: int = 0
    _rows: list[CompareRow] | None = None  # the Python path keeps every row
    _calendar: ShowCalendar | None = None

    def page(
        self, *, order: str = BREAKDOWN_ORDER, offset: int = 0, after_task_id: int | None = None, limit: int | None
    ) -> list[CompareRow]:
        """The differing rows the filter keeps, in `order`, from `offset` (or after a task id, in task order)."""
        if self._rows is not None:
            rows = [row for row in self._rows if self.filter.keeps(row)]
            if order == TASK_ORDER:
                rows.sort(key=lambda row: row.task_id)
            if after_task_id is not None:
                rows = [row for row in rows if row.task_id > after_task_id]
            return rows[offset : None if limit is None else offset + limit]
        return _sql_page(self, order=order, offset=offset, after_task_id=after_task_id, limit=limit)

    def differing(self) -> list[CompareRow]:
        return self.page(limit=None)

    @property
    def rows(self) -> list[CompareRow]:
        """Every task in either plan, differing or not, in breakdown order (tests and small shows)."""
        if self._rows is not None:
            return self._rows
        return _sql_page(self, order=BREAKDOWN_ORDER, offset=0, after_task_id=None, limit=None, every_row=True)


def side_label(baseline: Baseline | None) -> str:
    return CURRENT_PLAN_LABEL if baseline is None else baseline.name


def _slip(calendar: ShowCalendar, before: dt.date | None, after: dt.date | None) -> int | None:
    """Working days from `before` to `after` (negative when earlier): a due moved from Friday to the next Monday
    slips 1; to the Saturday, 0; across a holiday Monday to the Tuesday, 1."""
    if before is None or after is None:
        return None
    return calendar.ordinal_after(after) - calendar.ordinal_after(before)


def _date(value) -> dt.date | None:
    # SQLite may hand a raw cursor's dates back as text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _side(bid, start, due) -> PlanSide:
    return PlanSide(Decimal(str(bid)).quantize(Decimal("0.01")), _date(start), _date(due))


def _in_python(in_python: bool | None) -> bool:
    return connection.vendor != "postgresql" if in_python is None else in_python


def baseline_compare(
    show: Show,
    a: Baseline | None,
    b: Baseline | None,
    *,
    department_id: int | None = None,
    sequence_id: int | None = None,
    slipped_only: bool = False,
    calendar: ShowCalendar | None = None,
    department_order: Iterable[int] | None = None,
    in_python: bool | None = None,
) -> Comparison:
    """Compare plan `a` with plan `b` (each a baseline of `show`, or CURRENT_PLAN). Deltas read "from a to b":
    bid change = b's bid - a's bid; a positive slip means b has the date later. Tasks in only one plan are
    listed (their side's bid counts in that side's totals) with no deltas. The summaries cover every task; the
    department, sequence and slipped-only filters choose the rows page() lists. `department_order`: the
    department ids in display order (the summaries' order; others follow by id).

    On PostgreSQL the summaries are one statement and each page another, whatever the show's size (the working
    days counted in SQL with the calendar's ordinal formula); elsewhere (the SQLite demo) Python reads every row.
    Both give the same figures (tests run both)."""
    for side in (a, b):
        if side is not None and side.show_id != show.pk:
            raise ValueError("Both baselines must be of the show compared.")
    calendar = calendar or ShowCalendar.for_show(show)
    comparison = Comparison(
        show_obj=show,
        a=a,
        b=b,
        filter=RowFilter(department_id=department_id, sequence_id=sequence_id, slipped_only=slipped_only),
        _calendar=calendar,
    )
    if _in_python(in_python):
        summaries = _python_compare(comparison, calendar)
    else:
        summaries = _sql_summaries(comparison)
    order = {department_id: i for i, department_id in enumerate(department_order or ())}
    comparison.departments = sorted(
        summaries.values(), key=lambda summary: (order.get(summary.key, len(order)), summary.key)
    )
    return comparison


# --- The Python path (SQLite, and the reference the SQL is tested against) ---------------------------------------


def _python_side_sql(baseline: Baseline | None, alias: str) -> tuple[str, list, str, list]:
    """(select list, its params, join, its params) for one side of the comparison."""
    if baseline is None:
        # The current plan: the task itself, unless it is omitted (then it is not in the plan).
        return (
            "CASE WHEN t.status <> %s THEN 1 ELSE 0 END, t.bid_days, t.start_date, t.due_date",
            [TaskStatus.OMITTED.value],
            "",
            [],
        )
    table = connection.ops.quote_name(BaselineTask._meta.db_table)
    return (
        f"CASE WHEN {alias}.id IS NULL THEN 0 ELSE 1 END, {alias}.bid_days, {alias}.start_date, {alias}.due_date",
        [],
        f"LEFT JOIN {table} {alias} ON {alias}.task_id = t.id AND {alias}.baseline_id = %s",
        [baseline.pk],
    )


def _tables() -> tuple[str, str, str, str]:
    quote = connection.ops.quote_name
    return tuple(quote(model._meta.db_table) for model in (Task, Shot, Sequence, TaskType))


def _python_compare(comparison: Comparison, calendar: ShowCalendar) -> dict[int, CompareSummary]:
    task, shot, sequence, task_type = _tables()
    select_a, select_a_params, join_a, join_a_params = _python_side_sql(comparison.a, "ba")
    select_b, select_b_params, join_b, join_b_params = _python_side_sql(comparison.b, "bb")
    sql = f"""
        SELECT t.id, tt.department_id, sh.sequence_id, {select_a}, {select_b}
        FROM {task} t
        JOIN {shot} sh ON sh.id = t.shot_id
        JOIN {sequence} sq ON sq.id = sh.sequence_id
        JOIN {task_type} tt ON tt.id = t.task_type_id
        {join_a}
        {join_b}
        WHERE sh.show_id = %s
        ORDER BY sq."order", sq.code, sh."order", sh.code, tt."order", tt.name, t.id
    """
    params = [*select_a_params, *select_b_params, *join_a_params, *join_b_params, comparison.show_obj.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for task_id, department_id, sequence_id, *sides in fetched:
        in_a, bid_a, start_a, due_a, in_b, bid_b, start_b, due_b = sides
        side_a = _side(bid_a, start_a, due_a) if in_a else None
        side_b = _side(bid_b, start_b, due_b) if in_b else None
        if side_a is None and side_b is None:
            continue
        both = side_a is not None and side_b is not None
        rows.append(
            CompareRow(
                task_id=task_id,
                department_id=department_id,
                sequence_id=sequence_id,
                a=side_a,
                b=side_b,
                bid_change=side_b.bid_days - side_a.bid_days if both else None,
                start_slip=_slip(calendar, side_a.start_date, side_b.start_date) if both else None,
                due_slip=_slip(calendar, side_a.due_date, side_b.due_date) if both else None,
            )
        )
    comparison._rows = rows
    per_department: dict[int, CompareSummary] = {}
    for row in rows:
        comparison.show.add(row)
        per_department.setdefault(row.department_id, CompareSummary(key=row.department_id)).add(row)
        if comparison.filter.keeps(row):
            comparison.matching += 1
    return per_department


# --- The PostgreSQL path -----------------------------------------------------------------------------------------


def _sql_compare_cte(comparison: Comparison) -> tuple[str, dict]:
    """The CTE `cmp`: per task in either plan, both sides, the deltas and whether it differs (named parameters)."""
    task, shot, sequence, task_type = _tables()
    baseline_task = connection.ops.quote_name(BaselineTask._meta.db_table)
    params = {
        "show_id": comparison.show_obj.pk,
        "omitted": TaskStatus.OMITTED.value,
        "holidays": list(comparison._calendar.holidays),
    }
    selects, joins = [], []
    for tag, baseline in (("a", comparison.a), ("b", comparison.b)):
        if baseline is None:
            selects.append(
                f"(t.status <> %(omitted)s) AS in_{tag}, t.bid_days AS bid_{tag}, t.start_date AS start_{tag}, "
                f"t.due_date AS due_{tag}"
            )
        else:
            params[f"baseline_{tag}"] = baseline.pk
            selects.append(
                f"(b{tag}.id IS NOT NULL) AS in_{tag}, b{tag}.bid_days AS bid_{tag}, b{tag}.start_date AS start_{tag}, "
                f"b{tag}.due_date AS due_{tag}"
            )
            joins.append(
                f"LEFT JOIN {baseline_task} b{tag} ON b{tag}.task_id = t.id AND b{tag}.baseline_id = %(baseline_{tag})s"
            )

    def slip(column: str) -> str:
        after_b = sql_ordinal(f"(s.{column}_b + 1)", "%(holidays)s")
        after_a = sql_ordinal(f"(s.{column}_a + 1)", "%(holidays)s")
        return f"CASE WHEN s.in_a AND s.in_b THEN {after_b} - {after_a} END"

    sql = f"""
        WITH sides AS (
            SELECT t.id AS task_id, tt.department_id, sh.sequence_id,
                   sq."order" AS sq_order, sq.code AS sq_code, sh."order" AS sh_order, sh.code AS sh_code,
                   tt."order" AS tt_order, tt.name AS tt_name,
                   {selects[0]}, {selects[1]}
            FROM {task} t
            JOIN {shot} sh ON sh.id = t.shot_id
            JOIN {sequence} sq ON sq.id = sh.sequence_id
            JOIN {task_type} tt ON tt.id = t.task_type_id
            {" ".join(joins)}
            WHERE sh.show_id = %(show_id)s
        ),
        cmp AS (
            SELECT s.*,
                   CASE WHEN s.in_a AND s.in_b THEN s.bid_b - s.bid_a END AS bid_change,
                   {slip("start")} AS start_slip,
                   {slip("due")} AS due_slip,
                   (NOT (s.in_a AND s.in_b) OR s.bid_a <> s.bid_b OR s.start_a IS DISTINCT FROM s.start_b
                    OR s.due_a IS DISTINCT FROM s.due_b) AS differs
            FROM sides s
            WHERE s.in_a OR s.in_b
        )
    """
    return sql, params


def _sql_filter(comparison: Comparison, params: dict) -> str:
    conditions = ["differs"]
    if comparison.filter.department_id is not None:
        conditions.append("department_id = %(department_id)s")
        params["department_id"] = comparison.filter.department_id
    if comparison.filter.sequence_id is not None:
        conditions.append("sequence_id = %(sequence_id)s")
        params["sequence_id"] = comparison.filter.sequence_id
    if comparison.filter.slipped_only:
        conditions.append("due_slip > 0")
    return " AND ".join(conditions)


def _sql_summaries(comparison: Comparison) -> dict[int, CompareSummary]:
    cte, params = _sql_compare_cte(comparison)
    keeps = _sql_filter(comparison, params)
    sql = f"""{cte}
        SELECT GROUPING(department_id), department_id,
               COUNT(*) FILTER (WHERE in_a), COUNT(*) FILTER (WHERE in_b),
               COALESCE(SUM(bid_a) FILTER (WHERE in_a), 0), COALESCE(SUM(bid_b) FILTER (WHERE in_b), 0),
               COUNT(*) FILTER (WHERE in_a AND NOT in_b), COUNT(*) FILTER (WHERE in_b AND NOT in_a),
               COUNT(*) FILTER (WHERE in_a AND in_b AND differs),
               COUNT(*) FILTER (WHERE due_slip > 0), COUNT(*) FILTER (WHERE due_slip < 0),
               COALESCE(MAX(due_slip) FILTER (WHERE due_slip > 0), 0),
               COUNT(*) FILTER (WHERE {keeps})
        FROM cmp
        GROUP BY GROUPING SETS ((department_id), ())
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    per_department: dict[int, CompareSummary] = {}
    for grouped, department_id, *figures in fetched:
        tasks_a, tasks_b, bid_a, bid_b, only_a, only_b, changed, slipped, pulled_in, max_slip, matching = figures
        summary = CompareSummary(
            key=None if grouped else department_id,
            tasks_a=tasks_a,
            tasks_b=tasks_b,
            bid_days_a=Decimal(bid_a).quantize(Decimal("0.01")),
            bid_days_b=Decimal(bid_b).quantize(Decimal("0.01")),
            only_in_a=only_a,
            only_in_b=only_b,
            changed=changed,
            slipped=slipped,
            pulled_in=pulled_in,
            max_slip=max_slip,
        )
        if grouped:
            comparison.show = summary
            comparison.matching = matching
        else:
            per_department[department_id] = summary
    return per_department


def _sql_page(
    comparison: Comparison,
    *,
    order: str,
    offset: int,
    after_task_id: int | None,
    limit: int | None,
    every_row: bool = False,
) -> list[CompareRow]:
    cte, params = _sql_compare_cte(comparison)
    keeps = "TRUE" if every_row else _sql_filter(comparison, params)
    if after_task_id is not None:
        keeps += " AND task_id > %(after)s"
        params["after"] = after_task_id
    ordering = "task_id" if order == TASK_ORDER else "sq_order, sq_code, sh_order, sh_code, tt_order, tt_name, task_id"
    params.update(limit=limit, offset=offset)
    sql = f"""{cte}
        SELECT task_id, department_id, sequence_id, in_a, bid_a, start_a, due_a, in_b, bid_b, start_b, due_b,
               bid_change, start_slip, due_slip
        FROM cmp
        WHERE {keeps}
        ORDER BY {ordering}
        LIMIT %(limit)s OFFSET %(offset)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        CompareRow(
            task_id=task_id,
            department_id=department_id,
            sequence_id=sequence_id,
            a=_side(bid_a, start_a, due_a) if in_a else None,
            b=_side(bid_b, start_b, due_b) if in_b else None,
            bid_change=None if bid_change is None else Decimal(bid_change).quantize(Decimal("0.01")),
            start_slip=start_slip,
            due_slip=due_slip,
        )
        for (
            task_id,
            department_id,
            sequence_id,
            in_a,
            bid_a,
            start_a,
            due_a,
            in_b,
            bid_b,
            start_b,
            due_b,
            bid_change,
            start_slip,
            due_slip,
        ) in fetched
    ]


# --- Demo data ---------------------------------------------------------------------------------------------------

REPLAN_NAME = "Re-plan after client screening"


def seed_baseline_demo(show: Show, people: dict[str, Person], today: dt.date) -> Baseline | None:
    """A second, inactive baseline on the demo show, so the compare page has something to show against "Award
    plan": the plan as it stood after the client screening, with Lighting bids up 20% and the last sequence's
    dues a week later. Idempotent (nothing happens when the show already has it). Call it after the demo's tasks
    and its "Award plan" baseline exist, e.g. from studio.demo._build_demo_show:
    `seed_baseline_demo(show, people, today)`. `people` needs "pm" (the demo production manager)."""
    if Baseline.objects.filter(show=show, name=REPLAN_NAME).exists():
        return None
    calendar = ShowCalendar.for_show(show)
    creator = people.get("pm") or people.get("producer")
    baseline = Baseline.objects.create(show=show, name=REPLAN_NAME, is_active=False, created_by=creator)
    _copy_plan(baseline)
    last_sequence = Sequence.objects.filter(show=show).order_by("-order", "-code").values_list("pk", flat=True).first()
    changed = []
    rows = BaselineTask.objects.filter(baseline=baseline).select_related("task__shot", "task__task_type__department")
    for row in rows:
        department = row.task.task_type.department
        if department.code == "LGT":
            row.bid_days = (row.bid_days * Decimal("1.2")).quantize(Decimal("0.01"))
            changed.append(row)
        if row.task.shot.sequence_id == last_sequence and row.due_date is not None:
            row.due_date = calendar.add_working_days(row.due_date, 5)
            if row not in changed:
                changed.append(row)
        if row.start_date and row.due_date and row.due_date < row.start_date:
            row.due_date = row.start_date
    BaselineTask.objects.bulk_update(changed, ["bid_days", "due_date"])
    return baseline
