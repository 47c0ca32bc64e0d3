"""Cost figures, exactly as PRODUCT.md defines them ("In money"), per department and for the whole show.

As of t (the end of day t), per department with BAC = the amount of its line in the show's locked budget (0 when
the show has no locked budget, or the budget no line for the department):
- the days come from schedules.earned_value.rollups (not recomputed here): total bid days B, PV, EV, AC days of the
  department's tasks, omitted tasks left out;
- percent complete = EV days / B (None when B is 0); EV$ = BAC x EV days / B; PV$ = BAC x PV days / B (both 0 when
  B is 0);
- AC$ = labour + expenses:
  - labour = sum over the time logs dated <= t on the department's tasks (omitted tasks left out, as in every other
    figure) of hours / the show's hours per day x the day rate in force on the log's date, computed as
    (sum of hours x day rate) / hours per day so no per-log rounding adds up;
  - the day rate in force on date d: the person's PersonRate covering d ([effective_from, effective_to], an open
    end runs on), else the RateCard of the person's studio role and seniority covering d in the show's currency.
    When several rows cover d, the one that starts latest wins (then the newest row). A PersonRate in another
    currency than the show's is not converted: the log is reported as missing a rate. A log with no rate at all is
    NOT costed at zero silently: its person is listed in `CostReport.missing_rates` (pages show a warning) and its
    hours in the department's `missing_rate_hours`;
  - fixed-fee freelancers (PersonRate kind contract_fixed): their time logs in the contract period cost nothing per
    day; the whole fee is an actual cost dated on the contract's `effective_from`, in the person's department (else
    the department of their first time log on the show in the contract period). It counts on a show the freelancer
    is a member of, or logged time on during the contract. (A PersonRate has no show: a fixed fee for someone on
    two shows counts on both. Models would need PersonRate.show to say which.)
  - expenses: the show's expenses of the department dated <= t, every kind.
- freelance spend = labour of freelancers (Person.is_freelancer, or costed at a contract day rate) + fixed fees +
  expenses of kind freelance;
- CV = EV$ - AC$; CPI = EV$ / AC$ (None when AC$ is 0); EAC = BAC / CPI (None when CPI is None or 0; computed as
  BAC x AC$ / EV$, the same number without an intermediate rounding); VAC = BAC - EAC; cost to complete (etc) =
  EAC - AC$.

The show total sums the departments' BAC, PV$, EV$, AC$ (labour, expenses, freelance spend) and days, then takes the
ratios of those sums: the show's CPI is sum EV$ / sum AC$ and its EAC = show BAC / show CPI, which is NOT the sum of
the departments' EACs.

Amounts are unrounded Decimals (divisions carried to 40 significant digits); budgets.money rounds them half-up to
the currency's minor unit once, at display or export.

Two paths give identical Decimals for the labour: on PostgreSQL one set-based statement joins each time log to the
rate in force with LATERAL subqueries; elsewhere (the SQLite demo) `in_python` reads the logs and rates and applies
the same rules. Tests run both on the same data. cost_report makes a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery, Sum

from schedules import earned_value
from schedules.models import EarnedValueSnapshot, TimeLog
from shots.models import Shot, Task, TaskType
from shots.workflow import TaskStatus
from studio.models import Department, Person, Show, ShowMembership

from .models import Budget, BudgetLine, Expense, ExpenseKind, PersonRate, PersonRateKind, RateCard

ZERO = Decimal(0)
PRODUCT_PLACES = Decimal("0.0001")  # hours (2 places) x day rate (2 places): sums of products are exact at 1e-4
_CONTEXT = decimal.Context(prec=40, rounding=decimal.ROUND_HALF_EVEN)


def _div(numerator: Decimal, denominator: Decimal) -> Decimal:
    return _CONTEXT.divide(Decimal(numerator), Decimal(denominator))


def _mul(a: Decimal, b: Decimal) -> Decimal:
    return _CONTEXT.multiply(Decimal(a), Decimal(b))


# --- Results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostFigures:
    """One department (department_id set) or the show total (department_id None). Amounts in the show's currency,
    unrounded; ratios None when undefined (see the module docstring)."""

    department_id: int | None
    bac: Decimal  # the locked budget's line amount (show: sum of lines); 0 when no locked budget/line
    bid_days: Decimal  # total bid days of the department's non-omitted tasks (earned_value B)
    pv_days: Decimal
    ev_days: Decimal
    ac_days: Decimal
    percent_complete: Decimal | None  # EV days / total bid days (None when bid is 0)
    pv: Decimal  # BAC x PV days / total bid days
    ev: Decimal  # BAC x percent complete
    ac_labour: Decimal
    ac_expenses: Decimal
    ac: Decimal  # labour + expenses dated <= as_of
    freelance_spend: Decimal  # labour of freelancers + fixed fees + expenses of kind freelance
    cv: Decimal  # EV$ - AC$
    cpi: Decimal | None  # EV$ / AC$ (None when AC$ is 0)
    eac: Decimal | None  # BAC / CPI (None when CPI is None or 0)
    vac: Decimal | None  # BAC - EAC
    etc: Decimal | None  # EAC - AC$ (cost to complete)
    missing_rate_hours: Decimal = ZERO  # hours logged that no rate could cost (left out of ac_labour)


@dataclass(frozen=True)
class MissingRate:
    """A person whose time logs (or fixed fee) on these dates have no usable rate: left out of AC$, shown as a
    warning to producers. `reason`: "no_rate" (no person rate nor rate card), "currency" (their rate is in another
    currency than the show's), "no_department" (a fixed fee with no department to book it in)."""

    person_id: int
    person_name: str
    reason: str
    first_date: dt.date
    last_date: dt.date
    hours: Decimal

    @property
    def reason_text(self) -> str:
        return {
            "no_rate": "no personal rate and no rate card for their role and seniority",
            "currency": "their rate is in another currency than the show's",
            "no_department": "a fixed fee with no department to book it in",
        }.get(self.reason, self.reason)


@dataclass(frozen=True)
class CostReport:
    show: Show
    as_of: dt.date
    currency: str
    budget: Budget | None  # the locked revision
    departments: list[CostFigures]
    total: CostFigures
    department_names: dict[int, Department] = field(default_factory=dict)
    missing_rates: list[MissingRate] = field(default_factory=list)

    def department(self, department_id: int) -> CostFigures | None:
        return next((row for row in self.departments if row.department_id == department_id), None)


@dataclass(frozen=True)
class CostHistoryPoint:
    """One date of cost_history: money figures per department and for the show, the days from that date's
    EarnedValueSnapshot (has_earned_value False when the show has no snapshot of that date: PV$ and EV$ are then
    0, AC$ is still exact)."""

    date: dt.date
    has_earned_value: bool
    departments: list[CostFigures]
    total: CostFigures


@dataclass(frozen=True)
class PersonCost:
    """A person's labour on the show between two dates, in one department (producers only: it reveals a rate)."""

    person_id: int
    person_name: str
    department_id: int
    hours: Decimal
    days: Decimal  # hours / hours per day
    cost: Decimal  # costed hours only
    missing_rate_hours: Decimal
    is_freelancer: bool


# --- Figures from sums -----------------------------------------------------------------------------------------


def figures(
    *,
    department_id: int | None,
    bac: Decimal,
    bid_days: Decimal,
    pv_days: Decimal,
    ev_days: Decimal,
    ac_days: Decimal,
    ac_labour: Decimal,
    ac_expenses: Decimal,
    freelance_spend: Decimal,
    missing_rate_hours: Decimal = ZERO,
    pv: Decimal | None = None,
    ev: Decimal | None = None,
) -> CostFigures:
    """CostFigures of one department from its sums (PV$ and EV$ given for the show total, which sums them)."""
    percent = _div(ev_days, bid_days) if bid_days else None
    if pv is None:
        pv = _div(_mul(bac, pv_days), bid_days) if bid_days else ZERO
    if ev is None:
        ev = _div(_mul(bac, ev_days), bid_days) if bid_days else ZERO
    ac = _CONTEXT.add(ac_labour, ac_expenses)
    cpi = _div(ev, ac) if ac else None
    eac = _div(_mul(bac, ac), ev) if cpi else None  # BAC / (EV$ / AC$), without rounding the CPI first
    return CostFigures(
        department_id=department_id,
        bac=bac,
        bid_days=bid_days,
        pv_days=pv_days,
        ev_days=ev_days,
        ac_days=ac_days,
        percent_complete=percent,
        pv=pv,
        ev=ev,
        ac_labour=ac_labour,
        ac_expenses=ac_expenses,
        ac=ac,
        freelance_spend=freelance_spend,
        cv=_CONTEXT.subtract(ev, ac),
        cpi=cpi,
        eac=eac,
        vac=_CONTEXT.subtract(bac, eac) if eac is not None else None,
        etc=_CONTEXT.subtract(eac, ac) if eac is not None else None,
        missing_rate_hours=missing_rate_hours,
    )


def show_total(departments: list[CostFigures], *, ac_days: Decimal | None = None) -> CostFigures:
    """The show roll-up: sums of the departments' BAC, days, PV$, EV$, AC$; its CPI and EAC from those sums (EAC =
    show BAC / show CPI, not a sum of the departments' EACs). `ac_days` from the show's earned-value row when given
    (the roll-up's own rounding); else the departments' sum."""

    def total(name: str) -> Decimal:
        return sum((getattr(row, name) for row in departments), ZERO)

    return figures(
        department_id=None,
        bac=total("bac"),
        bid_days=total("bid_days"),
        pv_days=total("pv_days"),
        ev_days=total("ev_days"),
        ac_days=total("ac_days") if ac_days is None else ac_days,
        ac_labour=total("ac_labour"),
        ac_expenses=total("ac_expenses"),
        freelance_spend=total("freelance_spend"),
        missing_rate_hours=total("missing_rate_hours"),
        pv=total("pv"),
        ev=total("ev"),
    )


# --- Labour: time logs priced at the rate in force ---------------------------------------------------------------


@dataclass
class _LabourSums:
    """Per key: sum of hours x rate of costed logs, of freelancers' costed logs, and the hours without a rate."""

    rated: Decimal = ZERO  # sum of hours x day rate (divide by hours per day for money)
    freelance: Decimal = ZERO
    hours: Decimal = ZERO
    missing_hours: Decimal = ZERO
    is_freelancer: bool = False


@dataclass
class _Missing:
    reason: str
    first: dt.date
    last: dt.date
    hours: Decimal = ZERO


def _in_python(in_python: bool | None) -> bool:
    return connection.vendor != "postgresql" if in_python is None else in_python


def _logs_filter(show: Show, start: dt.date | None, end: dt.date) -> Q:
    q = Q(task__shot__show_id=show.pk, date__lte=end) & ~Q(task__status=TaskStatus.OMITTED)
    if start is not None:
        q &= Q(date__gte=start)
    return q


class _RateBook:
    """The Python path's rate lookup: every person rate of the people concerned and the show currency's cards."""

    def __init__(self, person_ids: Iterable[int], currency: str):
        self.currency = currency
        self.person_rates: dict[int, list[tuple]] = defaultdict(list)
        rows = PersonRate.objects.filter(person_id__in=set(person_ids)).values_list(
            "person_id", "kind", "day_rate", "currency", "effective_from", "effective_to", "pk"
        )
        for person_id, kind, rate, currency_, start, end, pk in rows:
            self.person_rates[person_id].append((start, pk, end, kind, rate, currency_))
        self.cards: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        cards = RateCard.objects.filter(currency=currency).values_list(
            "role", "seniority", "day_rate", "effective_from", "effective_to", "pk"
        )
        for role, seniority, rate, start, end, pk in cards:
            self.cards[(role, seniority)].append((start, pk, end, rate))
        for rates in (*self.person_rates.values(), *self.cards.values()):
            rates.sort(reverse=True)  # latest start first, then the newest row

    def price(self, person_id: int, role: str, seniority: str, day: dt.date) -> tuple[Decimal | None, str | None, str]:
        """(day rate or None, person rate kind or None, missing reason when the rate is None)."""
        for start, _pk, end, kind, rate, currency in self.person_rates.get(person_id, ()):
            if start <= day and (end is None or day <= end):
                if currency != self.currency:
                    return None, kind, "currency"
                return (ZERO if kind == PersonRateKind.CONTRACT_FIXED else rate), kind, ""
        for start, _pk, end, rate in self.cards.get((role, seniority), ()):
            if start <= day and (end is None or day <= end):
                return rate, None, ""
        return None, None, "no_rate"


def _python_priced_logs(show: Show, start: dt.date | None, end: dt.date):
    """Yield (person_id, department_id, date, hours, rate or None, freelance, missing reason) per time log."""
    logs = list(
        TimeLog.objects.filter(_logs_filter(show, start, end))
        .order_by("pk")
        .values_list(
            "person_id",
            "task__task_type__department_id",
            "date",
            "hours",
            "person__role",
            "person__seniority",
            "person__is_freelancer",
        )
    )
    book = _RateBook({row[0] for row in logs}, show.currency)
    for person_id, department_id, day, hours, role, seniority, is_freelancer in logs:
        rate, kind, reason = book.price(person_id, role, seniority, day)
        freelance = is_freelancer or kind in (PersonRateKind.CONTRACT_DAY, PersonRateKind.CONTRACT_FIXED)
        yield person_id, department_id, day, hours, rate, freelance, reason


def _priced_logs_sql() -> str:
    """The CTE `priced`: the show's time logs (omitted tasks left out) in [start, end], each with the rate in force
    (NULL when none can be used), whether it is freelance labour, and why a rate is missing.

    A range join, not a lookup per log: the effective periods of a person's rates (and of each role and seniority's
    cards) are cut at every start and every end + 1 into spans in which the same rows are in force, each span gets
    its winner once (the latest start, then the newest row), and each log joins the one span that holds its day:
    an equality on the person (or role and seniority) plus a range test, which PostgreSQL hashes."""
    log, task, shot, task_type = (m._meta.db_table for m in (TimeLog, Task, Shot, TaskType))
    person, person_rate, rate_card = Person._meta.db_table, PersonRate._meta.db_table, RateCard._meta.db_table
    fixed, day = PersonRateKind.CONTRACT_FIXED.value, PersonRateKind.CONTRACT_DAY.value
    return f"""
        WITH logs AS (
            SELECT tl.person_id, tl.date, tt.department_id, p.role, p.seniority, p.is_freelancer, tl.hours
            FROM {log} tl
            JOIN {task} t ON t.id = tl.task_id
            JOIN {shot} sh ON sh.id = t.shot_id
            JOIN {task_type} tt ON tt.id = t.task_type_id
            JOIN {person} p ON p.id = tl.person_id
            WHERE sh.show_id = %(show_id)s AND t.status <> %(omitted)s
              AND tl.date <= %(end)s AND (%(start)s::date IS NULL OR tl.date >= %(start)s::date)
        ),
        own_rates AS (SELECT r.* FROM {person_rate} r),  -- a few rows per person of the studio
        own_cuts AS (
            SELECT person_id, effective_from AS cut FROM own_rates
            UNION SELECT person_id, effective_to + 1 FROM own_rates WHERE effective_to IS NOT NULL
        ),
        own_spans AS (
            SELECT person_id, cut AS s, LEAD(cut) OVER (PARTITION BY person_id ORDER BY cut) AS e FROM own_cuts
        ),
        own_winners AS (
            SELECT sp.person_id, sp.s, sp.e, w.kind, w.day_rate, w.currency
            FROM own_spans sp
            JOIN LATERAL (
                SELECT r.kind, r.day_rate, r.currency FROM own_rates r
                WHERE r.person_id = sp.person_id AND r.effective_from <= sp.s
                  AND (r.effective_to IS NULL OR r.effective_to >= sp.s)
                ORDER BY r.effective_from DESC, r.id DESC LIMIT 1
            ) w ON TRUE
        ),
        cards AS (SELECT c.* FROM {rate_card} c WHERE c.currency = %(currency)s),
        card_cuts AS (
            SELECT role, seniority, effective_from AS cut FROM cards
            UNION SELECT role, seniority, effective_to + 1 FROM cards WHERE effective_to IS NOT NULL
        ),
        card_spans AS (
            SELECT role, seniority, cut AS s, LEAD(cut) OVER (PARTITION BY role, seniority ORDER BY cut) AS e
            FROM card_cuts
        ),
        card_winners AS (
            SELECT sp.role, sp.seniority, sp.s, sp.e, w.day_rate
            FROM card_spans sp
            JOIN LATERAL (
                SELECT c.day_rate FROM cards c
                WHERE c.role = sp.role AND c.seniority = sp.seniority AND c.effective_from <= sp.s
                  AND (c.effective_to IS NULL OR c.effective_to >= sp.s)
                ORDER BY c.effective_from DESC, c.id DESC LIMIT 1
            ) w ON TRUE
        ),
        priced AS (
            SELECT l.person_id, l.department_id, l.date, l.hours,
                   CASE
                       WHEN pr.kind IS NOT NULL THEN
                           CASE WHEN pr.currency <> %(currency)s THEN NULL
                                WHEN pr.kind = '{fixed}' THEN 0
                                ELSE pr.day_rate END
                       ELSE rc.day_rate
                   END AS rate,
                   (l.is_freelancer OR COALESCE(pr.kind IN ('{day}', '{fixed}'), FALSE)) AS freelance,
                   CASE
                       WHEN pr.kind IS NOT NULL AND pr.currency <> %(currency)s THEN 'currency'
                       WHEN pr.kind IS NULL AND rc.day_rate IS NULL THEN 'no_rate'
                       ELSE ''
                   END AS reason
            FROM logs l
            LEFT JOIN own_winners pr
              ON pr.person_id = l.person_id AND l.date >= pr.s AND (pr.e IS NULL OR l.date < pr.e)
            LEFT JOIN card_winners rc
              ON pr.kind IS NULL AND rc.role = l.role AND rc.seniority = l.seniority
                 AND l.date >= rc.s AND (rc.e IS NULL OR l.date < rc.e)
        )
    """


def _sql_rows(show: Show, start: dt.date | None, end: dt.date, select: str) -> list[tuple]:
    params = {
        "show_id": show.pk,
        "omitted": TaskStatus.OMITTED.value,
        "start": start,
        "end": end,
        "currency": show.currency,
    }
    with connection.cursor() as cursor:
        cursor.execute(_priced_logs_sql() + select, params)
        return cursor.fetchall()


def _labour(
    show: Show, start: dt.date | None, end: dt.date, *, by: str, in_python: bool | None
) -> tuple[dict, dict[tuple[int, str], _Missing]]:
    """Labour sums keyed by `by` ("department": department id; "person": (person id, department id); "day":
    (department id, date)), and the missing rates per (person, reason)."""
    sums: dict = defaultdict(_LabourSums)
    missing: dict[tuple[int, str], _Missing] = {}

    def key_of(person_id, department_id, day):
        return {"department": department_id, "person": (person_id, department_id), "day": (department_id, day)}[by]

    if _in_python(in_python):
        for person_id, department_id, day, hours, rate, freelance, reason in _python_priced_logs(show, start, end):
            s = sums[key_of(person_id, department_id, day)]
            s.hours += hours
            s.is_freelancer = s.is_freelancer or freelance
            if rate is None:
                s.missing_hours += hours
                m = missing.setdefault((person_id, reason), _Missing(reason, day, day))
                m.first, m.last, m.hours = min(m.first, day), max(m.last, day), m.hours + hours
                continue
            s.rated += hours * rate
            if freelance:
                s.freelance += hours * rate
    else:
        keys = {"department": "department_id", "person": "person_id, department_id", "day": "department_id, date"}[by]
        select = f"""
            SELECT 'sum', {keys},
                   COALESCE(SUM(hours * rate) FILTER (WHERE rate IS NOT NULL), 0),
                   COALESCE(SUM(hours * rate) FILTER (WHERE rate IS NOT NULL AND freelance), 0),
                   SUM(hours),
                   COALESCE(SUM(hours) FILTER (WHERE rate IS NULL), 0),
                   BOOL_OR(freelance), NULL::date, NULL::date, NULL
            FROM priced GROUP BY {keys}
            UNION ALL
            SELECT 'missing', person_id, {"NULL, " if by != "department" else ""}0, 0, SUM(hours), 0, FALSE,
                   MIN(date), MAX(date), reason
            FROM priced WHERE rate IS NULL GROUP BY person_id, reason
        """
        width = 1 if by == "department" else 2
        for row in _sql_rows(show, start, end, select):
            kind, key_part, rest = row[0], row[1 : 1 + width], row[1 + width :]
            rated, freelance, hours, missing_hours, is_freelancer, first, last, reason = rest
            if kind == "missing":
                missing[(key_part[0], reason)] = _Missing(reason, first, last, hours)
                continue
            key = key_part[0] if width == 1 else tuple(key_part)
            sums[key] = _LabourSums(
                rated=rated, freelance=freelance, hours=hours, missing_hours=missing_hours, is_freelancer=is_freelancer
            )
    for s in sums.values():
        s.rated, s.freelance = s.rated.quantize(PRODUCT_PLACES), s.freelance.quantize(PRODUCT_PLACES)
    return sums, missing


# --- Fixed fees and expenses -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FixedFee:
    person_id: int
    department_id: int | None
    date: dt.date
    fee: Decimal
    currency: str


def _fixed_fees(show: Show, end: dt.date) -> list[_FixedFee]:
    """The fixed-fee contracts that count on the show, started by `end` (one query)."""
    logs_since_start = TimeLog.objects.filter(
        person_id=OuterRef("person_id"), task__shot__show_id=show.pk, date__gte=OuterRef("effective_from")
    ).exclude(task__status=TaskStatus.OMITTED)
    logs_in_period = logs_since_start.filter(date__lte=OuterRef("effective_to"))
    first_department = logs_since_start.order_by("date", "pk").values("task__task_type__department_id")[:1]
    member = ShowMembership.objects.filter(person_id=OuterRef("person_id"), show_id=show.pk)
    rows = (
        PersonRate.objects.filter(kind=PersonRateKind.CONTRACT_FIXED, effective_from__lte=end)
        .filter(
            Q(Exists(member))
            | Q(Exists(logs_in_period))
            | (Q(effective_to__isnull=True) & Q(Exists(logs_since_start)))  # an open end runs on
        )
        .annotate(first_department=Subquery(first_department))
        .order_by("effective_from", "pk")
        .values_list(
            "person_id", "person__department_id", "first_department", "effective_from", "fixed_fee", "currency"
        )
    )
    return [
        _FixedFee(person_id, own_department or first_department, start, fee, currency)
        for person_id, own_department, first_department, start, fee, currency in rows
    ]


def _expenses(show: Show, end: dt.date, *, by_day: bool = False) -> dict:
    """Expense sums (all kinds, kind freelance) per department (or per (department, date)) dated <= end."""
    keys = ("department_id", "date") if by_day else ("department_id",)
    rows = (
        Expense.objects.filter(show_id=show.pk, date__lte=end)
        .order_by()
        .values(*keys)
        .annotate(total=Sum("amount"), freelance=Sum("amount", filter=Q(kind=ExpenseKind.FREELANCE)))
    )
    return {
        (tuple(row[k] for k in keys) if by_day else row["department_id"]): (row["total"], row["freelance"] or ZERO)
        for row in rows
    }


def locked_budget(show: Show) -> tuple[Budget | None, dict[int, Decimal]]:
    """The show's locked budget and its line amounts per department (one query)."""
    lines = list(
        BudgetLine.objects.filter(budget__show_id=show.pk, budget__is_locked=True)
        .select_related("budget")
        .order_by("department_id")
    )
    if not lines:
        return Budget.objects.filter(show_id=show.pk, is_locked=True).first(), {}
    return lines[0].budget, {line.department_id: line.amount for line in lines}


# --- The public functions ----------------------------------------------------------------------------------------


def cost_report(show: Show, as_of: dt.date, *, in_python: bool | None = None) -> CostReport:
    """The cost figures of each department and of the show as of the end of `as_of` (module docstring), in a
    fixed number of queries. `in_python` forces a path (tests); by default PostgreSQL computes the labour."""
    rules = earned_value.ShowRules.load(show)
    days = earned_value.rollups(show, as_of, ("department", "show"), rules=rules, in_python=in_python)
    budget, bac = locked_budget(show)
    labour, missing = _labour(show, None, as_of, by="department", in_python=in_python)
    expenses = _expenses(show, as_of)
    fees = _fixed_fees(show, as_of)

    fee_sums: dict[int, Decimal] = defaultdict(Decimal)
    fee_missing: list[tuple[int, str, dt.date]] = []
    for fee in fees:
        if fee.currency != show.currency:
            fee_missing.append((fee.person_id, "currency", fee.date))
        elif fee.department_id is None:
            fee_missing.append((fee.person_id, "no_department", fee.date))
        else:
            fee_sums[fee.department_id] += fee.fee

    ev_rows = {row.key: row for row in days["department"]}
    department_ids = set(ev_rows) | set(bac) | set(labour) | set(expenses) | set(fee_sums)
    departments_by_id = Department.objects.in_bulk(department_ids)
    rows = []
    for department_id in sorted(
        department_ids, key=lambda d: (departments_by_id[d].order, departments_by_id[d].name, d)
    ):
        ev_row = ev_rows.get(department_id)
        labour_sums = labour.get(department_id, _LabourSums())
        expense_total, expense_freelance = expenses.get(department_id, (ZERO, ZERO))
        fee = fee_sums.get(department_id, ZERO)
        labour_money = _div(labour_sums.rated, rules.hours_per_day) + fee
        freelance_labour = _div(labour_sums.freelance, rules.hours_per_day) + fee
        rows.append(
            figures(
                department_id=department_id,
                bac=bac.get(department_id, ZERO),
                bid_days=ev_row.bid_days if ev_row else earned_value.ZERO,
                pv_days=ev_row.pv if ev_row else earned_value.ZERO,
                ev_days=ev_row.ev if ev_row else earned_value.ZERO,
                ac_days=ev_row.ac_days if ev_row else earned_value.ZERO,
                ac_labour=labour_money,
                ac_expenses=expense_total,
                freelance_spend=freelance_labour + expense_freelance,
                missing_rate_hours=labour_sums.missing_hours,
            )
        )
    total = show_total(rows, ac_days=days["show"][0].ac_days)

    people_ids = {person_id for person_id, _ in missing} | {m[0] for m in fee_missing}
    names = {p.pk: str(p) for p in Person.objects.filter(pk__in=people_ids).select_related(None)} if people_ids else {}
    missing_rates = [
        MissingRate(person_id, names.get(person_id, ""), m.reason, m.first, m.last, m.hours)
        for (person_id, _), m in missing.items()
    ] + [
        MissingRate(person_id, names.get(person_id, ""), reason, day, day, ZERO)
        for person_id, reason, day in fee_missing
    ]
    missing_rates.sort(key=lambda m: (m.person_name, m.first_date, m.reason))
    return CostReport(
        show=show,
        as_of=as_of,
        currency=show.currency,
        budget=budget,
        departments=rows,
        total=total,
        department_names=departments_by_id,
        missing_rates=missing_rates,
    )


def cost_history(
    show: Show, dates: Iterable[dt.date], *, in_python: bool | None = None
) -> dict[dt.date, CostHistoryPoint]:
    """The burn-up chart's figures at each date, in a fixed number of queries whatever the number of dates: PV$ and
    EV$ from the EarnedValueSnapshot of that date (its pv, ev, bid days) and the locked budget's BAC as it is now;
    AC$ cumulative up to each date (labour priced as in cost_report, expenses, fixed fees from their start)."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    rules_hpd = show.hours_per_day
    last = dates[-1]
    budget, bac = locked_budget(show)
    snapshots = EarnedValueSnapshot.objects.filter(show_id=show.pk, date__in=dates).values_list(
        "date", "department_id", "bid_days", "pv", "ev", "ac_days"
    )
    days: dict[dt.date, dict[int | None, tuple]] = defaultdict(dict)
    for day, department_id, bid, pv, ev, ac_days in snapshots:
        days[day][department_id] = (bid, pv, ev, ac_days)
    labour, _missing = _labour(show, None, last, by="day", in_python=in_python)
    expenses = _expenses(show, last, by_day=True)
    fees = [fee for fee in _fixed_fees(show, last) if fee.currency == show.currency and fee.department_id]

    # Events (date, department, labour x rate, freelance x rate, money, freelance money, missing hours), by date.
    events: list[tuple] = []
    for (department_id, day), s in labour.items():
        events.append((day, department_id, s.rated, s.freelance, ZERO, ZERO, s.missing_hours))
    for (department_id, day), (total, freelance) in expenses.items():
        events.append((day, department_id, ZERO, ZERO, total, freelance, ZERO))
    fee_events = [(fee.date, fee.department_id, fee.fee) for fee in fees]
    events.sort(key=lambda e: e[0])
    fee_events.sort(key=lambda e: e[0])

    department_ids = {e[1] for e in events} | set(bac) | {f[1] for f in fee_events}
    for per_department in days.values():
        department_ids |= {d for d in per_department if d is not None}
    order = {d.pk: (d.order, d.name, d.pk) for d in Department.objects.filter(pk__in=department_ids)}
    department_ids = sorted(department_ids, key=lambda d: order.get(d, (0, "", d)))

    running: dict[int, list[Decimal]] = {d: [ZERO] * 5 for d in department_ids}
    fees_running: dict[int, Decimal] = defaultdict(Decimal)
    i = j = 0
    history: dict[dt.date, CostHistoryPoint] = {}
    for day in dates:
        while i < len(events) and events[i][0] <= day:
            _, department_id, rated, freelance, money, freelance_money, missing_hours = events[i]
            acc = running[department_id]
            acc[0] += rated
            acc[1] += freelance
            acc[2] += money
            acc[3] += freelance_money
            acc[4] += missing_hours
            i += 1
        while j < len(fee_events) and fee_events[j][0] <= day:
            fees_running[fee_events[j][1]] += fee_events[j][2]
            j += 1
        snapshot = days.get(day, {})
        rows = []
        for department_id in department_ids:
            bid, pv, ev, ac_days = snapshot.get(department_id, (ZERO, ZERO, ZERO, ZERO))
            rated, freelance, money, freelance_money, missing_hours = running[department_id]
            fee = fees_running.get(department_id, ZERO)
            rows.append(
                figures(
                    department_id=department_id,
                    bac=bac.get(department_id, ZERO),
                    bid_days=bid,
                    pv_days=pv,
                    ev_days=ev,
                    ac_days=ac_days,
                    ac_labour=_div(rated, rules_hpd) + fee,
                    ac_expenses=money,
                    freelance_spend=_div(freelance, rules_hpd) + fee + freelance_money,
                    missing_rate_hours=missing_hours,
                )
            )
        show_row = snapshot.get(None)
        history[day] = CostHistoryPoint(
            date=day,
            has_earned_value=bool(snapshot),
            departments=rows,
            total=show_total(rows, ac_days=show_row[3] if show_row else None),
        )
    return history


def labour_cost_by_person(
    show: Show, start: dt.date | None, end: dt.date, *, in_python: bool | None = None
) -> list[PersonCost]:
    """Each person's labour on the show's tasks with a date in [start, end] (start None: from the beginning), per
    department, costed at the rate in force on each day; hours without a rate are counted apart. Fixed fees are not
    labour of a day: see cost_report. Producers only (it tells a person's rate). Sorted by name, then department."""
    sums, _missing = _labour(show, start, end, by="person", in_python=in_python)
    people = {p.pk: p for p in Person.objects.filter(pk__in={k[0] for k in sums}).select_related(None)} if sums else {}
    hours_per_day = show.hours_per_day
    rows = [
        PersonCost(
            person_id=person_id,
            person_name=str(people[person_id]),
            department_id=department_id,
            hours=s.hours,
            days=_div(s.hours, hours_per_day),
            cost=_div(s.rated, hours_per_day),
            missing_rate_hours=s.missing_hours,
            is_freelancer=s.is_freelancer,
        )
        for (person_id, department_id), s in sums.items()
    ]
    rows.sort(key=lambda r: (r.person_name.lower(), r.department_id))
    return rows


def paid_people(show: Show, end: dt.date) -> dict[int, set[int]]:
    """Per department, the people whose pay is in its cost as of `end`: those with costed time logs, and fixed-fee
    contracts counted there (a fixed number of queries)."""
    people: dict[int, set[int]] = defaultdict(set)
    for row in labour_cost_by_person(show, None, end):
        if row.cost:
            people[row.department_id].add(row.person_id)
    for fee in _fixed_fees(show, end):
        if fee.department_id is not None and fee.currency == show.currency:
            people[fee.department_id].add(fee.person_id)
    return people


__all__ = [
    "CostFigures",
    "CostHistoryPoint",
    "CostReport",
    "MissingRate",
    "PersonCost",
    "cost_history",
    "cost_report",
    "figures",
    "labour_cost_by_person",
    "locked_budget",
    "paid_people",
    "show_total",
]
