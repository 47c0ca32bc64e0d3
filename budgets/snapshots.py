"""Daily production snapshots: the history the producer dashboard's trends are drawn from.

production_snapshot_take(show_id, as_of) computes the show's cost figures (budgets.costs.cost_report) and the four
metrics (budgets.metrics) as of the end of `as_of` and stores them as ProductionSnapshot rows, one for the show
(department null) and one per department, replacing that day's rows in one transaction: running it twice for a
day leaves the same rows (idempotent), so a retried Celery task or a second nightly run does no harm.

Amounts are stored unrounded (rounded once at display); ratios at 1e-10; None where a figure is undefined.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from schedules import earned_value
from studio.models import Show, ShowStatus

from . import metrics as production
from .models import ProductionSnapshot

AMOUNT_PLACES = Decimal("0.000001")  # ProductionSnapshot's amounts: 6 decimal places
RATIO_PLACES = Decimal("0.0000000001")


def _amount(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(AMOUNT_PLACES)


def _ratio(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(RATIO_PLACES)


def _snapshot(show: Show, as_of: dt.date, cost, row: production.MetricsRow, computed_at) -> ProductionSnapshot:
    roi = row.roi
    return ProductionSnapshot(
        show=show,
        department=row.department,
        date=as_of,
        bac=_amount(cost.bac) if cost else Decimal(0),
        pv=_amount(cost.pv) if cost else Decimal(0),
        ev=_amount(cost.ev) if cost else Decimal(0),
        ac=_amount(cost.ac) if cost else Decimal(0),
        cpi=_ratio(cost.cpi) if cost else None,
        eac=_amount(cost.eac) if cost else None,
        spi=row.schedule.spi,
        sv_days=row.schedule.sv,
        first_pass_approval_rate=row.client.first_pass_approval_rate,
        client_retakes_per_shot=row.client.client_retakes_per_shot,
        roi_forecast=roi.forecast if roi else None,
        roi_to_date=roi.to_date if roi else None,
        approved_frames_per_artist_day=row.productivity.approved_frames_per_artist_day,
        computed_at=computed_at,
    )


def production_snapshot_take(*, show_id: int, as_of: dt.date | None = None) -> list[ProductionSnapshot]:
    """Store the show's figures as of `as_of` (default today); returns the rows written (none if the show is gone)."""
    from .costs import cost_report

    show = Show.objects.filter(pk=show_id).first()
    if show is None:
        return []
    as_of = as_of or timezone.localdate()
    # The figures first, without holding a lock; then the day's rows replaced at once.
    rules = earned_value.ShowRules.load(show)
    variance = earned_value.rollups(show, as_of, ("department", "show"), rules=rules)
    report = cost_report(show, as_of)
    figures = production.production_metrics(show, as_of, report=report, variance=variance)
    return production_snapshot_store(show=show, as_of=as_of, report=report, figures=figures)


def production_snapshot_store(*, show: Show, as_of: dt.date, report, figures: production.ProductionMetrics) -> list:
    """Replace the show's rows of `as_of` with these figures (a cost report and the metrics of that day), in one
    transaction. Writers of one show are serialised on its row, so two at once (a retried task and the nightly
    run, or two producers opening today's dashboard) leave one day's rows, never a unique-constraint error."""
    computed_at = timezone.now()
    rows = [_snapshot(show, as_of, report.total, figures.total, computed_at)]
    costs_by_department = {row.department_id: row for row in report.departments}
    metric_departments = {row.department.pk for row in figures.departments}
    for row in figures.departments:
        rows.append(_snapshot(show, as_of, costs_by_department.get(row.department.pk), row, computed_at))
    # A department with money but no task, hours or reviews (a budget line, an expense) has cost figures only.
    for department_id, cost in costs_by_department.items():
        if department_id not in metric_departments:
            department = report.department_names.get(department_id)
            empty = production.MetricsRow(
                department=department,
                client=production.ClientSatisfaction(),
                schedule=production.ScheduleVariance(),
                productivity=production.Productivity(hours_per_day=show.hours_per_day),
            )
            rows.append(_snapshot(show, as_of, cost, empty, computed_at))
    with transaction.atomic():
        list(Show.objects.select_for_update().filter(pk=show.pk).values_list("pk", flat=True))
        ProductionSnapshot.objects.filter(show_id=show.pk, date=as_of).delete()
        ProductionSnapshot.objects.bulk_create(rows)
    return rows


def production_snapshot_active_shows(*, today: dt.date | None = None) -> list[int]:
    """The nightly run: yesterday's final figures and today's first, for every active show."""
    today = today or timezone.localdate()
    show_ids = list(Show.objects.filter(status=ShowStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
    for show_id in show_ids:
        production_snapshot_take(show_id=show_id, as_of=today - dt.timedelta(days=1))
        production_snapshot_take(show_id=show_id, as_of=today)
    return show_ids


def seed_producer_demo(*, show_id: int, today: dt.date | None = None, days: int = 30) -> int:
    """Demo data for `make run`: the show's production snapshots of the last `days` days, so the producer
    dashboard's trends have a history. Returns the number of days taken."""
    today = today or timezone.localdate()
    for back in range(days, -1, -1):
        production_snapshot_take(show_id=show_id, as_of=today - dt.timedelta(days=back))
    return days + 1
