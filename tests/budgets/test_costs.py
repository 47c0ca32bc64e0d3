"""budgets.costs against figures computed by hand, on both paths (the PostgreSQL statement and the Python path the
SQLite demo uses), to the cent.

Show CST: EUR, hours per day 7.5, no holidays; as of Wed 18 March 2026. Locked budget (bid v2): Animation 12,000.00,
Lighting 9,000.00 (the unlocked bid v1 is ignored).

Rates: artist mid card 400.00 to Sun 15 March, 440.00 from Mon 16 March (a USD card of 999 is ignored); artist
senior card 500.00; Ben (senior) has a personal rate of 560.00 from Wed 18 March; Fay is a freelancer at a contract
day rate of 600.00 for March; Fix is a freelancer on a fixed fee of 3,000.00 from 9 to 20 March (Lighting); Nora is
a junior artist: no junior card, no personal rate.

| task | dept | status         | B  | plan            | PV days at 18 Mar | EV days        |
| A1   | ANM  | wip (0.25)     | 10 | 2..13 Mar       | 10                | 2.5            |
| A2   | ANM  | approved (1)   | 4  | 2..5 Mar        | 4                 | 4              |
| A3   | ANM  | omitted        | 5  | (left out)      | -                 | -              |
| L1   | LGT  | pending (0.8)  | 5  | 9..13 Mar       | 5                 | 4              |
| L2   | LGT  | ready (0)      | 3  | 16..20 Mar      | 3 x 3/5 = 1.8     | 0              |
Animation: B 14, PV 14, EV 6.5. Lighting: B 8, PV 6.8, EV 4.

Labour (hours / 7.5 x rate), logs dated <= 18 March, omitted A3 left out:
- Ana A1: 7.5h 2 Mar x 400 = 400; 6h 13 Mar x 400 = 320; 7.5h 16 Mar x 440 = 440; 3.75h 18 Mar x 440 = 220
  (7.5h on 19 Mar: after as_of; 7.5h on A3: omitted)                                                 = 1,380.00
- Ben A2: 7.5h 3 Mar x 500 = 500; 5h 17 Mar x 500 = 333.333..; 5h 18 Mar x 560 = 373.333..          = 1,206.666..
- Nora A1: 3h 5 Mar: no rate -> not costed, reported as missing
- Fay L1: 7.5h 9 Mar x 600 = 600; 4h 10 Mar x 600 = 320                                                =   920.00
- Fix L1: 15h at a fixed fee: 0 per day; the fee 3,000.00 dated 9 March in Lighting                     = 3,000.00
Expenses dated <= 18 March: Animation 1,000.00 (hardware); Lighting 250.50 (freelance). (19 March ones: after.)

Animation: AC$ = 2,586.666.. + 1,000 = 3,586.666..; EV$ = 12,000 x 6.5/14 = 5,571.428571..; PV$ = 12,000
  CV = 1,984.761904.. -> 1,984.76; CPI = 1.5533722..; EAC = 12,000 x 3,586.666.. / 5,571.428571.. = 7,725.128205..
  VAC = 4,274.87; cost to complete = 4,138.46; freelance spend 0.
Lighting: AC$ = 920 + 3,000 + 250.50 = 4,170.50; EV$ = 9,000 x 4/8 = 4,500; PV$ = 9,000 x 6.8/8 = 7,650
  CV = 329.50; CPI = 1.0790073..; EAC = 9,000 x 4,170.5 / 4,500 = 8,341.00; VAC = 659.00; cost to complete =
  4,170.50; freelance spend = 920 + 3,000 + 250.50 = 4,170.50.
Show: BAC 21,000; PV$ 19,650; EV$ 10,071.428571..; AC$ 7,757.166..; CV 2,314.26; CPI 1.2983386..;
  EAC = 21,000 / CPI = 16,174.52 (not 7,725.13 + 8,341.00 = 16,066.13); VAC 4,825.48; cost to complete 8,417.35.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets import costs
from budgets.models import PersonRateKind
from budgets.money import money, money_plain, ratio, round_money
from schedules.services import ev_recompute
from studio.models import Role, Seniority
from tests.budgets.factories import ExpenseFactory, PersonRateFactory, RateCardFactory
from tests.budgets.factories_costs import AS_OF, build_cost_scenario
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import ShotFactory, TaskFactory
from tests.studio.factories import PersonFactory

pytestmark = pytest.mark.django_db

PATHS = [pytest.param(False, id="sql"), pytest.param(True, id="python")]


@pytest.fixture
def cst():
    return build_cost_scenario()


def cents(value) -> str | None:
    return money_plain(value, "EUR")


def summary(row: costs.CostFigures) -> dict:
    return {
        "bac": cents(row.bac),
        "pv": cents(row.pv),
        "ev": cents(row.ev),
        "ac_labour": cents(row.ac_labour),
        "ac_expenses": cents(row.ac_expenses),
        "ac": cents(row.ac),
        "freelance": cents(row.freelance_spend),
        "cv": cents(row.cv),
        "cpi": ratio(row.cpi, 6),
        "eac": cents(row.eac),
        "vac": cents(row.vac),
        "etc": cents(row.etc),
    }


@pytest.mark.parametrize("in_python", PATHS)
def test_cost_report_matches_the_hand_computed_figures(cst, in_python):
    report = costs.cost_report(cst.show, AS_OF, in_python=in_python)
    assert report.currency == "EUR"
    assert report.budget.name == "bid v2"
    anm, lgt = report.departments
    assert (anm.department_id, lgt.department_id) == (cst.anm.pk, cst.lgt.pk)
    assert summary(anm) == {
        "bac": "12000.00",
        "pv": "12000.00",
        "ev": "5571.43",
        "ac_labour": "2586.67",
        "ac_expenses": "1000.00",
        "ac": "3586.67",
        "freelance": "0.00",
        "cv": "1984.76",
        "cpi": "1.553372",
        "eac": "7725.13",
        "vac": "4274.87",
        "etc": "4138.46",
    }
    assert summary(lgt) == {
        "bac": "9000.00",
        "pv": "7650.00",
        "ev": "4500.00",
        "ac_labour": "3920.00",
        "ac_expenses": "250.50",
        "ac": "4170.50",
        "freelance": "4170.50",
        "cv": "329.50",
        "cpi": "1.079007",
        "eac": "8341.00",
        "vac": "659.00",
        "etc": "4170.50",
    }
    assert summary(report.total) == {
        "bac": "21000.00",
        "pv": "19650.00",
        "ev": "10071.43",
        "ac_labour": "6506.67",
        "ac_expenses": "1250.50",
        "ac": "7757.17",
        "freelance": "4170.50",
        "cv": "2314.26",
        "cpi": "1.298339",
        "eac": "16174.52",
        "vac": "4825.48",
        "etc": "8417.35",
    }
    # Exact where the arithmetic is exact; the days are earned_value's.
    assert (anm.bid_days, anm.pv_days, anm.ev_days) == (Decimal(14), Decimal(14), Decimal("6.5"))
    assert (lgt.bid_days, lgt.pv_days, lgt.ev_days) == (Decimal(8), Decimal("6.8"), Decimal(4))
    assert anm.ac_days == Decimal("6.0333333333")  # (24.75 + 17.5 + 3) h / 7.5, Nora's hours are real work
    assert lgt.ac_days == Decimal("3.5333333333")
    assert lgt.ac == Decimal("4170.50") and lgt.eac == Decimal("8341") and lgt.cv == Decimal("329.50")
    assert ratio(anm.percent_complete, 10) == "0.4642857143"  # 6.5 / 14
    assert ratio(report.total.percent_complete, 10) == "0.4772727273"  # 10.5 / 22
    assert report.total.eac != anm.eac + lgt.eac  # the show's EAC is BAC / CPI of the sums
    # Nora's hours are not costed at zero silently.
    assert anm.missing_rate_hours == Decimal(3) and lgt.missing_rate_hours == 0
    assert [(m.person_name, m.reason, m.first_date, m.hours) for m in report.missing_rates] == [
        ("Nora CST Costed", "no_rate", dt.date(2026, 3, 5), Decimal(3))
    ]


def test_both_paths_give_identical_decimals(cst):
    sql = costs.cost_report(cst.show, AS_OF, in_python=False)
    python = costs.cost_report(cst.show, AS_OF, in_python=True)
    assert sql.departments == python.departments
    assert sql.total == python.total
    assert sql.missing_rates == python.missing_rates
    for day in (dt.date(2026, 3, 1), dt.date(2026, 3, 9), dt.date(2026, 3, 31)):
        assert (
            costs.cost_report(cst.show, day, in_python=False).total
            == costs.cost_report(cst.show, day, in_python=True).total
        )


def test_before_any_cost_ratios_are_undefined(cst):
    report = costs.cost_report(cst.show, dt.date(2026, 3, 1))
    assert report.total.ac == 0
    assert (report.total.cpi, report.total.eac, report.total.vac, report.total.etc) == (None, None, None, None)
    assert report.total.cv == report.total.ev  # EV weighs the current statuses


def test_a_show_without_a_locked_budget_has_bac_zero_and_no_eac(cst):
    cst.show.budgets.update(is_locked=False)
    report = costs.cost_report(cst.show, AS_OF)
    assert report.budget is None
    assert report.total.bac == 0 and report.total.ev == 0
    assert report.total.cpi == 0 and report.total.eac is None  # EV$ 0 -> CPI 0 -> no EAC
    assert cents(report.total.ac) == "7757.17"


@pytest.mark.parametrize("in_python", PATHS)
def test_a_rate_in_another_currency_is_reported_not_converted(cst, in_python):
    PersonRateFactory(person=cst.people["nora"], day_rate=Decimal("300.00"), currency="GBP",
                      effective_from=dt.date(2026, 3, 1))  # fmt: skip
    report = costs.cost_report(cst.show, AS_OF, in_python=in_python)
    assert [(m.person_name, m.reason) for m in report.missing_rates] == [("Nora CST Costed", "currency")]
    assert cents(report.total.ac_labour) == "6506.67"


@pytest.mark.parametrize("in_python", PATHS)
def test_labour_cost_by_person(cst, in_python):
    rows = costs.labour_cost_by_person(cst.show, dt.date(2026, 3, 1), AS_OF, in_python=in_python)
    assert [(r.person_name, cents(r.cost), r.hours, r.missing_rate_hours, r.is_freelancer) for r in rows] == [
        ("Ana CST Costed", "1380.00", Decimal("24.75"), 0, False),
        ("Ben CST Costed", "1206.67", Decimal("17.5"), 0, False),
        ("Fay CST Costed", "920.00", Decimal("11.5"), 0, True),
        ("Fix CST Costed", "0.00", Decimal("15"), 0, True),
        ("Nora CST Costed", "0.00", Decimal("3"), Decimal("3"), False),
    ]
    later = costs.labour_cost_by_person(cst.show, dt.date(2026, 3, 16), dt.date(2026, 3, 17), in_python=in_python)
    assert [(r.person_name, cents(r.cost)) for r in later] == [
        ("Ana CST Costed", "440.00"),
        ("Ben CST Costed", "333.33"),
    ]


@pytest.mark.parametrize("in_python", PATHS)
def test_cost_history_burn_up(cst, in_python):
    for day in (dt.date(2026, 3, 6), AS_OF):
        ev_recompute(show_id=cst.show.pk, as_of=day)
    dates = [dt.date(2026, 3, 1), dt.date(2026, 3, 6), AS_OF]
    history = costs.cost_history(cst.show, dates, in_python=in_python)
    assert list(history) == dates
    assert history[dt.date(2026, 3, 1)].has_earned_value is False
    assert history[dt.date(2026, 3, 1)].total.ac == 0
    # 6 March: Ana 400 (2 Mar), Ben 500 (3 Mar); Nora's hours not costed; no expense, no fee yet.
    assert cents(history[dt.date(2026, 3, 6)].total.ac) == "900.00"
    final = history[AS_OF]
    live = costs.cost_report(cst.show, AS_OF, in_python=in_python)
    assert final.has_earned_value
    assert [summary(r) for r in final.departments] == [summary(r) for r in live.departments]
    assert summary(final.total) == summary(live.total)


def test_query_count_does_not_grow_with_the_data(cst, django_assert_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            costs.cost_report(cst.show, AS_OF)
        return len(ctx)

    small = count()
    task = cst.tasks["A1"]
    for n in range(12):
        person = PersonFactory(role=Role.ARTIST, seniority=Seniority.LEAD if n % 2 else Seniority.MID)
        TimeLogFactory(person=person, task=task, date=dt.date(2026, 3, 2) + dt.timedelta(days=n), hours=Decimal(3))
        TaskFactory(shot=ShotFactory(sequence=task.shot.sequence), task_type=task.task_type)
        ExpenseFactory(show=cst.show, department=cst.anm, amount=Decimal("1.00"), date=dt.date(2026, 3, 3))
        PersonRateFactory(person=person, kind=PersonRateKind.CONTRACT_FIXED, day_rate=None, fixed_fee=Decimal(10),
                          effective_from=dt.date(2026, 3, 1))  # fmt: skip
    RateCardFactory(role=Role.ARTIST, seniority=Seniority.LEAD, day_rate=Decimal("700.00"))
    assert count() == small


def test_money_rounds_half_up_once():
    assert round_money(Decimal("2.675"), "EUR") == Decimal("2.68")
    assert round_money(Decimal("-2.675"), "EUR") == Decimal("-2.68")
    assert round_money(Decimal("-0.004"), "EUR") == Decimal("0.00") and str(round_money("-0.004", "EUR")) == "0.00"
    assert round_money(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert money(Decimal("1234567.125"), "EUR") == "1,234,567.13 EUR"
    assert money(None, "EUR") == "—"
    assert money_plain(Decimal("7725.128205"), "EUR") == "7725.13"
    assert money_plain(None, "EUR") is None


def test_cost_history_query_count_does_not_grow_with_dates_or_data(cst):
    def count(dates) -> int:
        with CaptureQueriesContext(connection) as ctx:
            costs.cost_history(cst.show, dates)
        return len(ctx)

    few = count([dt.date(2026, 3, 2), AS_OF])
    many = [dt.date(2026, 2, 1) + dt.timedelta(days=n) for n in range(60)]
    assert count(many) == few
    for n in range(10):
        ExpenseFactory(show=cst.show, department=cst.lgt, amount=Decimal("1.00"), date=dt.date(2026, 3, 1 + n))
    assert count(many) == few


@pytest.mark.parametrize("in_python", PATHS)
def test_overlapping_rows_the_latest_start_wins(cst, in_python):
    """Rows written past the services (admin, a script) may overlap: on each day the row that starts latest wins,
    and an earlier open-ended row is in force again once a later one ends."""
    from budgets.models import RateCard

    RateCard.objects.filter(role=Role.ARTIST, seniority=Seniority.MID, currency="EUR").delete()
    RateCardFactory(role=Role.ARTIST, seniority=Seniority.MID, day_rate=Decimal("400.00"),
                    effective_from=dt.date(2026, 1, 1))  # fmt: skip
    RateCardFactory(role=Role.ARTIST, seniority=Seniority.MID, day_rate=Decimal("440.00"),
                    effective_from=dt.date(2026, 3, 16))  # fmt: skip
    # Ana: her own rate of 600 from 1 March, open-ended, and one of 1000 for 13 March only, inside it.
    PersonRateFactory(person=cst.people["ana"], day_rate=Decimal("600.00"), effective_from=dt.date(2026, 3, 1))
    PersonRateFactory(person=cst.people["ana"], day_rate=Decimal("1000.00"), effective_from=dt.date(2026, 3, 13),
                      effective_to=dt.date(2026, 3, 13))  # fmt: skip
    rows = costs.labour_cost_by_person(cst.show, None, AS_OF, in_python=in_python)
    ana = next(r for r in rows if r.person_name == "Ana CST Costed")
    # (7.5h x 600 (2 Mar) + 6h x 1000 (13 Mar) + 7.5h x 600 (16 Mar) + 3.75h x 600 (18 Mar)) / 7.5 = 17,250 / 7.5
    assert cents(ana.cost) == "2300.00"
    # The whole show, with the overlapping cards, agrees between the two paths.
    assert (
        costs.cost_report(cst.show, AS_OF, in_python=in_python).total
        == costs.cost_report(cst.show, AS_OF, in_python=not in_python).total
    )
