"""The four production metrics on the hand-computed scenario of tests/budgets/factories_producer.py."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from budgets.metrics import ReturnOnInvestment, production_metrics, ratio
from tests.budgets.factories_producer import AS_OF, build_scenario
from tests.studio.factories import ShowFactory

pytestmark = pytest.mark.django_db


def report(eac, ac):
    """What budgets.costs.cost_report returns, as far as the metrics read it (the total's EAC and AC$)."""
    return SimpleNamespace(total=SimpleNamespace(eac=eac, ac=ac))


@pytest.fixture
def scenario():
    return build_scenario()


def by_code(metrics):
    return {row.department.code: row for row in metrics.departments}


def test_client_satisfaction_per_department_and_show(scenario):
    metrics = production_metrics(scenario.show, AS_OF, report=report(None, None))
    rows = by_code(metrics)
    assert list(rows) == ["ANIM", "LGT"]
    # Animation: SH0010 v1 approved at first showing; SH0020 v1 retaken (v2's approval is not a first pass); SH0030
    # only shown internally (and to the client after the day); SH0040 omitted.
    anim = rows["ANIM"].client
    assert (anim.tasks_shown, anim.first_pass_approved, anim.client_retakes, anim.shots_shown) == (2, 1, 1, 2)
    assert anim.first_pass_approval_rate == Decimal("0.5000000000")
    assert anim.client_retakes_per_shot == Decimal("0.5000000000")
    # Lighting: SH0010 approved by a held client note; SH0030 retaken on the 10th (the retake of the 13th is later).
    lgt = rows["LGT"].client
    assert (lgt.tasks_shown, lgt.first_pass_approved, lgt.client_retakes, lgt.shots_shown) == (2, 1, 1, 2)
    # The show: 4 tasks shown, 2 approved first time; 2 retakes over 3 shots (SH0010 was shown by both departments).
    total = metrics.total.client
    assert (total.tasks_shown, total.first_pass_approved, total.client_retakes, total.shots_shown) == (4, 2, 2, 3)
    assert total.first_pass_approval_rate == Decimal("0.5000000000")
    assert total.client_retakes_per_shot == Decimal("0.6666666667")


def test_client_satisfaction_later_includes_the_later_session_and_retake(scenario):
    metrics = production_metrics(scenario.show, dt.date(2026, 3, 20), report=report(None, None))
    rows = by_code(metrics)
    assert rows["ANIM"].client.first_pass_approval_rate == Decimal("0.3333333333")  # SH0030 shown on the 20th
    assert rows["ANIM"].client.client_retakes_per_shot == Decimal("0.3333333333")
    assert rows["LGT"].client.client_retakes_per_shot == Decimal("1.0000000000")
    assert metrics.total.client.first_pass_approval_rate == Decimal("0.4000000000")
    assert metrics.total.client.client_retakes_per_shot == Decimal("1.0000000000")


def test_productivity_is_approved_frames_per_logged_artist_day(scenario):
    metrics = production_metrics(scenario.show, AS_OF, report=report(None, None))
    rows = by_code(metrics)
    # Animation: SH0010 (48) + SH0020 (24) = 72 frames; 8 + 4 + 6.5 = 18.5 h (the omitted task's and the 13th's left
    # out) = 2.3125 days; 72 / 2.3125 = 31.135135...
    anim = rows["ANIM"].productivity
    assert (anim.approved_frames, anim.hours) == (72, Decimal("18.50"))
    assert anim.approved_frames_per_artist_day == Decimal("31.1351351351")
    # Lighting: SH0010 (48); 6 + 4 = 10 h = 1.25 days.
    assert rows["LGT"].productivity.approved_frames_per_artist_day == Decimal("38.4000000000")
    # The show: 120 frames over 28.5 h = 3.5625 days.
    assert metrics.total.productivity.approved_frames == 120
    assert metrics.total.productivity.approved_frames_per_artist_day == Decimal("33.6842105263")


def test_schedule_variance_per_department(scenario):
    metrics = production_metrics(scenario.show, AS_OF, report=report(None, None))
    rows = by_code(metrics)
    # Everything was due by the 6th: PV = bids. EV: approved/final 1, wip 0.25, retake 0.5.
    anim = rows["ANIM"].schedule
    assert (anim.pv, anim.ev, anim.sv, anim.spi) == (Decimal("8"), Decimal("5"), Decimal("-3"), Decimal("0.625"))
    lgt = rows["LGT"].schedule
    assert (lgt.pv, lgt.ev, lgt.sv, lgt.spi) == (Decimal("3"), Decimal("2"), Decimal("-1"), Decimal("0.6666666667"))
    total = metrics.total.schedule
    assert (total.sv, total.spi) == (Decimal("-4"), Decimal("0.6363636364"))


def test_return_on_investment_from_the_cost_report(scenario):
    metrics = production_metrics(scenario.show, AS_OF, report=report(Decimal("150000"), Decimal("60000")))
    roi = metrics.total.roi
    assert roi.forecast == Decimal("0.2000000000")  # (180,000 - 150,000) / 150,000
    assert roi.to_date == Decimal("2.0000000000")  # (180,000 - 60,000) / 60,000
    assert all(row.roi is None for row in metrics.departments)


@pytest.mark.parametrize(
    ("contract", "eac", "ac", "forecast", "to_date"),
    [
        (Decimal("100000"), Decimal("150000"), Decimal("90000"), Decimal("-0.3333333333"), Decimal("0.1111111111")),
        (None, Decimal("150000"), Decimal("90000"), None, None),  # no contract value
        (Decimal("100000"), None, Decimal("0"), None, None),  # no CPI yet, nothing spent
        (Decimal("100000"), Decimal("0"), Decimal("0"), None, None),
        (Decimal("0"), Decimal("3"), Decimal("3"), Decimal("-1.0000000000"), Decimal("-1.0000000000")),
    ],
)
def test_return_on_investment_edges(contract, eac, ac, forecast, to_date):
    roi = ReturnOnInvestment(contract_value=contract, eac=eac, ac=ac)
    assert (roi.forecast, roi.to_date) == (forecast, to_date)


def test_a_show_without_client_sessions_or_hours_has_no_ratios():
    show = ShowFactory(code="EMPTY")
    metrics = production_metrics(show, AS_OF, report=report(None, Decimal("0")))
    assert metrics.departments == []
    total = metrics.total
    assert total.client.first_pass_approval_rate is None
    assert total.client.client_retakes_per_shot is None
    assert total.productivity.approved_frames_per_artist_day is None
    assert total.schedule.spi is None
    assert (total.roi.forecast, total.roi.to_date) == (None, None)


def test_ratio_rounds_half_up_away_from_zero():
    assert ratio(1, 3) == Decimal("0.3333333333")
    assert ratio(2, 3) == Decimal("0.6666666667")
    assert ratio(-2, 3) == Decimal("-0.6666666667")
    assert ratio(1, 0) is None


def test_metrics_take_a_fixed_number_of_queries(django_assert_num_queries, scenario):
    show = scenario.show
    with django_assert_num_queries(11):
        production_metrics(show, AS_OF, report=report(None, None))


# --- Daily snapshots ------------------------------------------------------------------------------------------


def test_snapshot_stores_the_show_and_each_department_and_replaces_the_day(scenario):
    from budgets.models import ProductionSnapshot
    from budgets.snapshots import production_snapshot_take
    from budgets.tasks import take_production_snapshot

    production_snapshot_take(show_id=scenario.show.pk, as_of=AS_OF)
    take_production_snapshot.apply(args=(scenario.show.pk, AS_OF.isoformat())).get()  # the same day again
    rows = {
        (row.department.code if row.department else None): row
        for row in ProductionSnapshot.objects.filter(show=scenario.show, date=AS_OF).select_related("department")
    }
    assert sorted(rows, key=str) == ["ANIM", "LGT", None]
    show_row = rows[None]
    assert show_row.first_pass_approval_rate == Decimal("0.5000000000")
    assert show_row.client_retakes_per_shot == Decimal("0.6666666667")
    assert show_row.approved_frames_per_artist_day == Decimal("33.6842105263")
    assert (show_row.sv_days, show_row.spi) == (Decimal("-4"), Decimal("0.6363636364"))
    # No rates and no locked budget in the scenario: nothing is costed, so no CPI, EAC or ROI.
    assert (show_row.cpi, show_row.eac, show_row.roi_forecast, show_row.roi_to_date) == (None, None, None, None)
    assert rows["ANIM"].approved_frames_per_artist_day == Decimal("31.1351351351")
    assert rows["ANIM"].roi_forecast is None


def test_nightly_snapshots_cover_active_shows_yesterday_and_today(scenario):
    from budgets.models import ProductionSnapshot
    from budgets.snapshots import production_snapshot_active_shows

    assert production_snapshot_active_shows(today=dt.date(2026, 3, 13)) == [scenario.show.pk]
    dates = sorted(set(ProductionSnapshot.objects.filter(show=scenario.show).values_list("date", flat=True)))
    assert dates == [AS_OF, dt.date(2026, 3, 13)]


def test_beat_takes_the_production_snapshots_every_night_after_earned_value(settings, scenario):
    from budgets.models import ProductionSnapshot
    from budgets.tasks import take_production_snapshots_nightly

    entry = settings.CELERY_BEAT_SCHEDULE["take-production-snapshots-nightly"]
    assert entry["task"] == "budgets.tasks.take_production_snapshots_nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {45})  # after the 00:15 earned value
    assert take_production_snapshots_nightly.apply().get() == 1
    assert ProductionSnapshot.objects.filter(show=scenario.show, department__isnull=True).count() == 2
