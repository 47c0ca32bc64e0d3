"""What the producer pages read (selectors): the show's dashboard, the overview across shows, the budget-vs-actuals
export, and the department totals production managers see. Each makes a fixed number of queries whatever the data
size: cost figures and metrics are set-based (budgets.costs, budgets.metrics), trends come from the daily
ProductionSnapshot rows (one query), the burn-up from budgets.costs.cost_history over sampled dates (fixed).

Figures are formatted here, once, for the pages (rounded half-up: money by budgets.money to the currency's minor
unit, ratios to 2 places, rates as percentages to 1 place); the chart data carry the same rounded figures as strings
(Chart.js reads numeric strings; no float is ever made).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from schedules import earned_value
from schedules.models import EarnedValueSnapshot
from studio.models import Department, Show

from . import metrics as production
from .costs import CostFigures, CostReport, cost_history, cost_report, paid_people
from .models import BudgetLine, ProductionSnapshot
from .money import EM_DASH, money, money_plain
from .money import ratio as index_text  # CPI and SPI: the one formatter's ratio form ("0.95")

TREND_DAYS = 180  # the trends show the last six months of daily snapshots
BURN_UP_DAYS = 366
BURN_UP_POINTS = 53  # at most a point a week over a year
PALETTE = ["#60a5fa", "#f59e0b", "#34d399", "#f472b6", "#a78bfa", "#f87171", "#22d3ee", "#facc15", "#fb923c"]


# --- Formatting -------------------------------------------------------------------------------------------------


def _q(value: Decimal | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0


def percent(value: Decimal | None) -> str:
    """A rate shown as a percentage, half-up to 0.1: 0.6666666667 -> "66.7 %"; "—" when undefined."""
    return EM_DASH if value is None else f"{_q(Decimal(value) * 100, 1):f} %"


def number(value: Decimal | None, places: int = 2) -> str:
    return EM_DASH if value is None else f"{_q(value, places):,f}"


def chart_percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{_q(Decimal(value) * 100, 2):f}"


def chart_number(value: Decimal | None, places: int = 2) -> str | None:
    return None if value is None else f"{_q(value, places):f}"


def line_chart(labels: list[str], datasets: list[dict], *, y_title: str = "", y1_title: str = "") -> dict:
    """A Chart.js line chart config (static/js/charts.js draws it)."""
    for i, dataset in enumerate(datasets):
        colour = dataset.pop("colour", PALETTE[i % len(PALETTE)])
        dataset.setdefault("borderColor", colour)
        dataset.setdefault("backgroundColor", colour)
        dataset.setdefault("pointRadius", 2)
        dataset.setdefault("spanGaps", True)
        dataset.setdefault("tension", 0)
    scales = {"y": {"title": {"display": bool(y_title), "text": y_title}}}
    if y1_title:
        scales["y1"] = {
            "position": "right",
            "title": {"display": True, "text": y1_title},
            "grid": {"drawOnChartArea": False},
        }
    return {
        "type": "line",
        "data": {"labels": labels, "datasets": datasets},
        "options": {"scales": scales, "interaction": {"mode": "index", "intersect": False}},
    }


# --- Cost figures per department ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostRow:
    name: str
    code: str
    bac: str
    ac: str
    ev: str
    cv: str
    cpi: str
    eac: str
    vac: str
    etc: str
    freelance: str
    forecast_finish: dt.date | None
    negative_cv: bool


def _cost_row(name: str, code: str, figures: CostFigures, currency: str, finish: dt.date | None) -> CostRow:
    return CostRow(
        name=name,
        code=code,
        bac=money(figures.bac, currency),
        ac=money(figures.ac, currency),
        ev=money(figures.ev, currency),
        cv=money(figures.cv, currency),
        cpi=index_text(figures.cpi),
        eac=money(figures.eac, currency),
        vac=money(figures.vac, currency),
        etc=money(figures.etc, currency),
        freelance=money(figures.freelance_spend, currency),
        forecast_finish=finish,
        negative_cv=figures.cv < 0,
    )


# --- Metrics per department --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricRow:
    name: str
    code: str
    first_pass: str
    first_pass_counts: str
    retakes_per_shot: str
    retakes_counts: str
    sv: str
    spi: str
    productivity: str
    productivity_counts: str


def _metric_row(name: str, code: str, row: production.MetricsRow) -> MetricRow:
    c, s, p = row.client, row.schedule, row.productivity
    return MetricRow(
        name=name,
        code=code,
        first_pass=percent(c.first_pass_approval_rate),
        first_pass_counts=f"{c.first_pass_approved} of {c.tasks_shown} tasks",
        retakes_per_shot=number(c.client_retakes_per_shot),
        retakes_counts=f"{c.client_retakes} over {c.shots_shown} shots",
        sv=number(s.sv),
        spi=index_text(s.spi),
        productivity=number(p.approved_frames_per_artist_day, 1),
        productivity_counts=f"{p.approved_frames} frames over {number(p.artist_days)} artist-days",
    )


# --- Trends ------------------------------------------------------------------------------------------------------


@dataclass
class Trend:
    """One chart and the table beside it: `columns` name the series; `rows` are (date, [shown values])."""

    chart_id: str
    title: str
    config: dict
    columns: list[str]
    rows: list[tuple[dt.date, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Point:
    """One day's figures of the show (department None) or a department: a snapshot's, or the live ones."""

    first_pass: Decimal | None
    retakes: Decimal | None
    roi_forecast: Decimal | None
    roi_to_date: Decimal | None
    sv: Decimal | None
    spi: Decimal | None
    productivity: Decimal | None


def _snapshot_point(s: ProductionSnapshot) -> _Point:
    return _Point(
        s.first_pass_approval_rate,
        s.client_retakes_per_shot,
        s.roi_forecast,
        s.roi_to_date,
        s.sv_days,
        s.spi,
        s.approved_frames_per_artist_day,
    )


def _live_point(row: production.MetricsRow) -> _Point:
    roi = row.roi
    return _Point(
        row.client.first_pass_approval_rate,
        row.client.client_retakes_per_shot,
        roi.forecast if roi else None,
        roi.to_date if roi else None,
        row.schedule.sv,
        row.schedule.spi,
        row.productivity.approved_frames_per_artist_day,
    )


def _trends(
    points: dict[dt.date, dict[int | None, _Point]], names: dict[int, str], department_ids: list[int]
) -> list[Trend]:
    dates = sorted(points)
    labels = [day.isoformat() for day in dates]

    def series(key: int | None, attr: str, convert) -> list[str | None]:
        return [convert(getattr(points[day][key], attr)) if key in points[day] else None for day in dates]

    def shown(key: int | None, attr: str, fmt) -> list[str]:
        return [fmt(getattr(points[day][key], attr)) if key in points[day] else EM_DASH for day in dates]

    def rows(columns: list[list[str]]) -> list[tuple[dt.date, list[str]]]:
        return [(day, [column[i] for column in columns]) for i, day in enumerate(dates)]

    trends = []
    # 1. Client satisfaction (the show's).
    trends.append(
        Trend(
            chart_id="trend-client",
            title="Client satisfaction",
            config=line_chart(
                labels,
                [
                    {
                        "label": "First-pass approval (%)",
                        "data": series(None, "first_pass", chart_percent),
                        "yAxisID": "y",
                    },
                    {
                        "label": "Client retakes per shot",
                        "data": series(None, "retakes", chart_number),
                        "yAxisID": "y1",
                    },
                ],
                y_title="%",
                y1_title="retakes per shot",
            ),
            columns=["First-pass approval", "Client retakes per shot"],
            rows=rows([shown(None, "first_pass", percent), shown(None, "retakes", number)]),
        )
    )
    # 2. Return on investment (the show's).
    trends.append(
        Trend(
            chart_id="trend-roi",
            title="Return on investment",
            config=line_chart(
                labels,
                [
                    {"label": "ROI forecast (%)", "data": series(None, "roi_forecast", chart_percent)},
                    {"label": "ROI to date (%)", "data": series(None, "roi_to_date", chart_percent)},
                ],
                y_title="%",
            ),
            columns=["ROI forecast", "ROI to date"],
            rows=rows([shown(None, "roi_forecast", percent), shown(None, "roi_to_date", percent)]),
        )
    )
    keys: list[int | None] = [None, *department_ids]
    labels_for = {None: "Show", **names}
    # 3. Schedule variance: SPI per department and the show.
    trends.append(
        Trend(
            chart_id="trend-schedule",
            title="Schedule performance (SPI)",
            config=line_chart(
                labels,
                [{"label": f"SPI {labels_for[key]}", "data": series(key, "spi", chart_number)} for key in keys],
                y_title="SPI",
            ),
            columns=[f"{labels_for[key]} SPI / SV (days)" for key in keys],
            rows=rows(
                [
                    [
                        f"{spi} / {sv}"
                        for spi, sv in zip(shown(key, "spi", number), shown(key, "sv", number), strict=True)
                    ]
                    for key in keys
                ]
            ),
        )
    )
    # 4. Productivity: approved frames per artist-day per department and the show.
    trends.append(
        Trend(
            chart_id="trend-productivity",
            title="Productivity (approved frames per artist-day)",
            config=line_chart(
                labels,
                [
                    {"label": labels_for[key], "data": series(key, "productivity", lambda v: chart_number(v, 1))}
                    for key in keys
                ],
                y_title="frames per artist-day",
            ),
            columns=[labels_for[key] for key in keys],
            rows=rows([shown(key, "productivity", lambda v: number(v, 1)) for key in keys]),
        )
    )
    return trends


# --- Burn-up -----------------------------------------------------------------------------------------------------


def _sample(dates: list[dt.date], limit: int) -> list[dt.date]:
    """At most `limit` of the dates, evenly spread, always keeping the first and the last."""
    if len(dates) <= limit:
        return dates
    step = (len(dates) - 1) / (limit - 1)
    return sorted({dates[round(i * step)] for i in range(limit)})


def _burn_up(show: Show, report: CostReport, as_of: dt.date) -> Trend:
    """Budget, planned value, earned value and actual cost over time: cost_history at the days the show has an
    earned-value snapshot (sampled), then today's live figures."""
    days = list(
        EarnedValueSnapshot.objects.filter(
            show_id=show.pk, department__isnull=True, date__lt=as_of, date__gte=as_of - dt.timedelta(days=BURN_UP_DAYS)
        )
        .order_by("date")
        .values_list("date", flat=True)
    )
    days = _sample(days, BURN_UP_POINTS - 1)
    history = cost_history(show, days) if days else {}
    totals = [(day, history[day].total) for day in days if day in history] + [(as_of, report.total)]
    cur = show.currency
    series = {
        "bac": [money_plain(t.bac, cur) for _, t in totals],
        "pv": [money_plain(t.pv, cur) for _, t in totals],
        "ev": [money_plain(t.ev, cur) for _, t in totals],
        "ac": [money_plain(t.ac, cur) for _, t in totals],
    }
    config = line_chart(
        [day.isoformat() for day, _ in totals],
        [
            {"label": "Budget (BAC)", "data": series["bac"], "borderDash": [6, 4], "colour": "#9aa3b2"},
            {"label": "Planned value", "data": series["pv"], "colour": "#60a5fa"},
            {"label": "Earned value", "data": series["ev"], "colour": "#34d399"},
            {"label": "Actual cost", "data": series["ac"], "colour": "#f87171"},
        ],
        y_title=cur,
    )
    rows = [(day, [money(t.bac, cur), money(t.pv, cur), money(t.ev, cur), money(t.ac, cur)]) for day, t in totals]
    return Trend(
        chart_id="burn-up",
        title="Burn-up",
        config=config,
        columns=["Budget (BAC)", "Planned value", "Earned value", "Actual cost"],
        rows=rows,
    )


# --- The show's dashboard ----------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    show: Show
    as_of: dt.date
    report: CostReport
    metrics: production.ProductionMetrics
    cards: dict[str, str]
    metric_rows: list[MetricRow]
    cost_rows: list[CostRow]
    cost_total: CostRow
    trends: list[Trend]
    burn_up: Trend
    budget_name: str | None
    missing_rates: list


def producer_dashboard(show: Show, as_of: dt.date, *, with_charts: bool = True) -> Dashboard:
    rules = earned_value.ShowRules.load(show)
    variance = earned_value.rollups(show, as_of, ("department", "show"), rules=rules)
    report = cost_report(show, as_of)
    figures = production.production_metrics(show, as_of, report=report, variance=variance)
    names = {pk: d.name for pk, d in report.department_names.items()}
    names |= {row.department.pk: row.department.name for row in figures.departments}
    codes = {pk: d.code for pk, d in report.department_names.items()}
    codes |= {row.department.pk: row.department.code for row in figures.departments}
    finishes = {row.key: row.forecast_finish for row in variance["department"]}
    total = figures.total
    cur = show.currency
    cards = {
        "first_pass": percent(total.client.first_pass_approval_rate),
        "retakes_per_shot": number(total.client.client_retakes_per_shot),
        "roi_forecast": percent(total.roi.forecast),
        "roi_to_date": percent(total.roi.to_date),
        "sv": number(total.schedule.sv),
        "spi": index_text(total.schedule.spi),
        "productivity": number(total.productivity.approved_frames_per_artist_day, 1),
        "cpi": index_text(report.total.cpi),
        "eac": money(report.total.eac, cur),
        "contract_value": money(show.contract_value, cur),
    }
    metric_rows = [_metric_row(row.department.name, row.department.code, row) for row in figures.departments]
    metric_rows.append(_metric_row("Show", "", total))
    cost_rows = [
        _cost_row(
            names.get(row.department_id, ""),
            codes.get(row.department_id, ""),
            row,
            cur,
            finishes.get(row.department_id),
        )
        for row in report.departments
    ]
    show_finish = variance["show"][0].forecast_finish if variance["show"] else None
    cost_total = _cost_row("Show", "", report.total, cur, show_finish)

    trends: list[Trend] = []
    burn_up = None
    if with_charts:
        snapshots = ProductionSnapshot.objects.filter(
            show_id=show.pk, date__lt=as_of, date__gt=as_of - dt.timedelta(days=TREND_DAYS)
        ).order_by("date", "department_id")
        points: dict[dt.date, dict[int | None, _Point]] = defaultdict(dict)
        for snapshot in snapshots:
            points[snapshot.date][snapshot.department_id] = _snapshot_point(snapshot)
        points[as_of][None] = _live_point(total)
        for row in figures.departments:
            points[as_of][row.department.pk] = _live_point(row)
        department_ids = sorted({key for day in points.values() for key in day if key is not None})
        unknown = [pk for pk in department_ids if pk not in names]
        if unknown:
            names |= {d.pk: d.name for d in Department.objects.filter(pk__in=unknown)}
        order = {row.department.pk: i for i, row in enumerate(figures.departments)}
        department_ids.sort(key=lambda pk: (order.get(pk, len(order)), names.get(pk, "")))
        trends = _trends(points, names, department_ids)
        burn_up = _burn_up(show, report, as_of)
    return Dashboard(
        show=show,
        as_of=as_of,
        report=report,
        metrics=figures,
        cards=cards,
        metric_rows=metric_rows,
        cost_rows=cost_rows,
        cost_total=cost_total,
        trends=trends,
        burn_up=burn_up,
        budget_name=report.budget.name if report.budget else None,
        missing_rates=report.missing_rates,
    )


# --- Across shows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    show: Show
    date: dt.date | None
    first_pass: str
    retakes_per_shot: str
    roi_forecast: str
    roi_to_date: str
    sv: str
    spi: str
    productivity: str
    cpi: str
    eac: str


def producer_overview(shows) -> list[OverviewRow]:
    """One row per show from its latest show-level snapshot (two queries, whatever the number of shows); a show
    without a snapshot yet shows "—"."""
    shows = list(shows.order_by("code"))
    latest = (
        ProductionSnapshot.objects.filter(show_id=OuterRef("show_id"), department__isnull=True)
        .order_by("-date")
        .values("date")[:1]
    )
    snapshots = {
        s.show_id: s
        for s in ProductionSnapshot.objects.filter(
            show_id__in=[show.pk for show in shows], department__isnull=True, date=Subquery(latest)
        )
    }
    rows = []
    for show in shows:
        s = snapshots.get(show.pk)
        if s is None:
            rows.append(OverviewRow(show, None, *([EM_DASH] * 9)))
            continue
        rows.append(
            OverviewRow(
                show=show,
                date=s.date,
                first_pass=percent(s.first_pass_approval_rate),
                retakes_per_shot=number(s.client_retakes_per_shot),
                roi_forecast=percent(s.roi_forecast),
                roi_to_date=percent(s.roi_to_date),
                sv=number(s.sv_days),
                spi=index_text(s.spi),
                productivity=number(s.approved_frames_per_artist_day, 1),
                cpi=index_text(s.cpi),
                eac=money(s.eac, show.currency),
            )
        )
    return rows


# --- Budget against actuals (CSV) ---------------------------------------------------------------------------------


def budget_vs_actuals(show: Show, as_of: dt.date) -> tuple[list[str], list[list[str]]]:
    """Per department and for the show: BAC days (the locked budget's line), BAC, AC$, EV$, EAC, VAC, rounded
    half-up to the currency's minor unit once; an undefined EAC or VAC is an empty cell."""
    report = cost_report(show, as_of)
    days = dict(
        BudgetLine.objects.filter(budget__show_id=show.pk, budget__is_locked=True).values_list("department_id", "days")
    )
    cur = show.currency
    header = ["Department", "BAC days", f"BAC ({cur})", f"AC ({cur})", f"EV ({cur})", f"EAC ({cur})", f"VAC ({cur})"]

    def line(name: str, bac_days: Decimal, f: CostFigures) -> list[str]:
        return [
            name,
            f"{Decimal(bac_days).quantize(Decimal('0.01')):f}",
            money_plain(f.bac, cur),
            money_plain(f.ac, cur),
            money_plain(f.ev, cur),
            money_plain(f.eac, cur) or "",
            money_plain(f.vac, cur) or "",
        ]

    names = report.department_names
    rows = [
        line(names[row.department_id].name if row.department_id in names else "", days.get(row.department_id, 0), row)
        for row in report.departments
    ]
    rows.append(line("Total", sum(days.values(), Decimal(0)), report.total))
    return header, rows


# --- Department totals for production managers --------------------------------------------------------------------


# Production managers may see the money per department but no one's rate. A total that moves with time logs gives a
# rate away when one person's days are in it (cost / days), or between two dates when one person logged in between.
# So the panel is coarse on purpose: as of the end of the last complete week (no day-by-day differences), in whole
# thousands, and a department's cost only once at least PANEL_MIN_PEOPLE people's pay is in it.
PANEL_MIN_PEOPLE = 3
PANEL_UNIT = Decimal(1000)


@dataclass(frozen=True)
class DepartmentTotal:
    name: str
    bac: str
    ac: str  # "" when withheld (too few people's pay in it)
    eac: str


@dataclass(frozen=True)
class DepartmentTotals:
    """Budget, actual cost and forecast per department, coarse (see PANEL_MIN_PEOPLE): never a rate or a person."""

    as_of: dt.date  # the end (a Sunday) of the last complete week
    currency: str
    rows: list[DepartmentTotal]
    total: DepartmentTotal
    min_people: int = PANEL_MIN_PEOPLE


def week_closed_by(day: dt.date) -> dt.date:
    """The Sunday ending the last week complete at the end of `day` (`day` itself on a Sunday)."""
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _thousands(value: Decimal | None, currency: str) -> str:
    if value is None:
        return EM_DASH
    return f"{(value / PANEL_UNIT).quantize(Decimal(1), rounding=ROUND_HALF_UP) + 0:,}k {currency}"


def department_totals(show: Show, as_of: dt.date) -> DepartmentTotals:
    """For the schedule dashboard of the show's production managers (permissions.can_see_department_totals): the
    figures of the last week complete by `as_of`, coarse (PANEL_MIN_PEOPLE). A fixed number of queries."""
    week_end = week_closed_by(min(as_of, timezone.localdate()))  # a future as_of would show the week under way
    report = cost_report(show, week_end)
    paid = paid_people(show, week_end)
    cur = show.currency
    names = report.department_names

    def total(name: str, f: CostFigures, people: set[int]) -> DepartmentTotal:
        shown = not people or len(people) >= PANEL_MIN_PEOPLE  # no pay in it: expenses only, no one's rate
        return DepartmentTotal(
            name=name,
            bac=_thousands(f.bac, cur),
            ac=_thousands(f.ac, cur) if shown else "",
            eac=_thousands(f.eac, cur) if shown else "",
        )

    rows, withheld = [], set()
    for row in report.departments:
        people = paid.get(row.department_id, set())
        rows.append(total(names[row.department_id].name, row, people))
        if not rows[-1].ac:
            withheld |= people
    # The show's cost less the shown departments' would give a withheld department's away: the show's cost is
    # shown only when the people withheld are PANEL_MIN_PEOPLE together.
    return DepartmentTotals(as_of=week_end, currency=cur, rows=rows, total=total("Show", report.total, withheld))
