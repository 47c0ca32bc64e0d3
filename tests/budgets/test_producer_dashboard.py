"""The producer pages and budget revision pages: figures shown, exports to the cent, who may do what, query counts.

Money on top of the metrics scenario (tests/budgets/factories_producer.py), as of Thu 2026-03-12:
- rate card: artist/mid 400.00 a day; the artist logged 18.5 h on Animation (the omitted task's and the 13th's hours
  left out) and 10 h on Lighting: labour 925.00 and 500.00; a freelance invoice of 200.00 on Animation.
- locked budget: Animation 8 days / 4,000.00, Lighting 3 days / 1,500.00.
- EV days 5 of 8 (Animation), 2 of 3 (Lighting): EV$ 2,500.00 and 1,000.00.
- Animation: CPI 2500/1125, EAC = 4000 x 1125 / 2500 = 1,800.00, VAC 2,200.00.
- Lighting: CPI 2, EAC 750.00, VAC 750.00.
- Show: BAC 5,500, EV$ 3,500, AC$ 1,625; EAC = 5500 x 1625 / 3500 = 2,553.5714... -> 2,553.57; VAC 2,946.43.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets import revisions
from budgets.models import Budget, BudgetLine, ExpenseKind, ProductionSnapshot
from budgets.snapshots import production_snapshot_take
from dailies.models import NoteCategory, SessionKind, StatusChange
from schedules.models import EarnedValueSnapshot
from shots.workflow import TaskStatus
from studio.models import Role
from tests.budgets.factories import BudgetFactory, BudgetLineFactory, ExpenseFactory, RateCardFactory
from tests.budgets.factories_producer import AS_OF, build_scenario, written_on
from tests.dailies.factories import NoteFactory, ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db
Q = f"?as_of={AS_OF:%Y-%m-%d}"


def add_money(scenario):
    RateCardFactory(role=Role.ARTIST, day_rate=Decimal("400.00"), effective_from=dt.date(2026, 1, 1))
    ExpenseFactory(
        show=scenario.show,
        department=scenario.animation,
        supplier="Inbetween Studio",
        kind=ExpenseKind.FREELANCE,
        amount=Decimal("200.00"),
        date=dt.date(2026, 3, 5),
    )
    budget = BudgetFactory(show=scenario.show, revision=1, name="bid v1", is_locked=True, locked_at=timezone.now())
    BudgetLineFactory(budget=budget, department=scenario.animation, days=Decimal("8"), amount=Decimal("4000.00"))
    BudgetLineFactory(budget=budget, department=scenario.lighting, days=Decimal("3"), amount=Decimal("1500.00"))
    return budget


@pytest.fixture
def scenario():
    scenario = build_scenario()
    scenario.budget = add_money(scenario)
    return scenario


def member(show, role, **extra):
    person = PersonFactory(role=role, **extra)
    MembershipFactory(person=person, show=show)
    return person


def logged_in(client, person):
    client.force_login(person)
    return client


# --- Figures ---------------------------------------------------------------------------------------------------


def test_budget_vs_actuals_csv_to_the_cent(client, scenario):
    response = logged_in(client, scenario.producer).get(reverse("budgets:budget_vs_actuals_csv", args=["PRD"]) + Q)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="PRD-budget-vs-actuals-2026-03-12.csv"'
    assert response.content.decode().splitlines() == [
        "Department,BAC days,BAC (EUR),AC (EUR),EV (EUR),EAC (EUR),VAC (EUR)",
        "Animation,8.00,4000.00,1125.00,2500.00,1800.00,2200.00",
        "Lighting,3.00,1500.00,500.00,1000.00,750.00,750.00",
        "Total,11.00,5500.00,1625.00,3500.00,2553.57,2946.43",
    ]


def test_csv_leaves_an_undefined_eac_empty(client):
    show = ShowFactory(code="NEW")
    producer = member(show, Role.PRODUCER)
    response = logged_in(client, producer).get(reverse("budgets:budget_vs_actuals_csv", args=["NEW"]) + Q)
    assert response.content.decode().splitlines() == [
        "Department,BAC days,BAC (EUR),AC (EUR),EV (EUR),EAC (EUR),VAC (EUR)",
        "Total,0.00,0.00,0.00,0.00,,",
    ]


def test_dashboard_shows_the_four_metrics_and_the_cost_figures(client, scenario):
    response = logged_in(client, scenario.producer).get(reverse("budgets:producer_dashboard", args=["PRD"]) + Q)
    assert response.status_code == 200
    d = response.context["dashboard"]
    assert d.cards == {
        "first_pass": "50.0 %",
        "retakes_per_shot": "0.67",
        # (180,000 - 2,553.5714...) / 2,553.5714... and (180,000 - 1,625) / 1,625
        "roi_forecast": "6949.0 %",
        "roi_to_date": "10976.9 %",
        "sv": "-4.00",
        "spi": "0.64",
        "productivity": "33.7",
        "cpi": "2.15",
        "eac": "2,553.57 EUR",
        "contract_value": "180,000.00 EUR",
    }
    anim = d.cost_rows[0]
    assert (anim.name, anim.bac, anim.ac, anim.ev, anim.cv, anim.cpi, anim.eac, anim.vac, anim.etc, anim.freelance) == (
        "Animation",
        "4,000.00 EUR",
        "1,125.00 EUR",
        "2,500.00 EUR",
        "1,375.00 EUR",
        "2.22",
        "1,800.00 EUR",
        "2,200.00 EUR",
        "675.00 EUR",
        "200.00 EUR",
    )
    assert [row.name for row in d.metric_rows] == ["Animation", "Lighting", "Show"]
    assert d.metric_rows[0].first_pass == "50.0 %"
    assert d.metric_rows[0].productivity == "31.1"
    body = response.content.decode()
    for chart in ("trend-client", "trend-roi", "trend-schedule", "trend-productivity", "burn-up"):
        assert f'<canvas data-chart="{chart}"' in body
        assert f'<script id="{chart}" type="application/json">' in body
    assert "2,553.57 EUR" in body
    assert "<style" not in body and 'style="' not in body


def test_trends_read_the_daily_snapshots_then_today(client, scenario):
    production_snapshot_take(show_id=scenario.show.pk, as_of=dt.date(2026, 3, 10))
    response = logged_in(client, scenario.producer).get(reverse("budgets:producer_dashboard", args=["PRD"]) + Q)
    trends = {trend.chart_id: trend for trend in response.context["dashboard"].trends}
    client_trend = trends["trend-client"]
    # On the 10th, CS2's retake of the 10th counts already; the figures match the live ones of the 12th.
    assert [(day, values) for day, values in client_trend.rows] == [
        (dt.date(2026, 3, 10), ["50.0 %", "0.67"]),
        (dt.date(2026, 3, 12), ["50.0 %", "0.67"]),
    ]
    assert client_trend.config["data"]["labels"] == ["2026-03-10", "2026-03-12"]
    assert client_trend.config["data"]["datasets"][0]["data"] == ["50.00", "50.00"]
    productivity = trends["trend-productivity"]
    assert productivity.columns == ["Show", "Animation", "Lighting"]
    assert productivity.rows[-1] == (AS_OF, ["33.7", "31.1", "38.4"])


def test_burn_up_takes_earned_value_snapshot_days_and_today(client, scenario):
    EarnedValueSnapshot.objects.create(
        show=scenario.show,
        date=dt.date(2026, 3, 3),
        bid_days=Decimal("11"),
        pv=Decimal("4.4"),
        ev=Decimal("2"),
        ac_days=Decimal("1"),
        sv=Decimal("-2.4"),
        computed_at=timezone.now(),
    )
    response = logged_in(client, scenario.producer).get(reverse("budgets:producer_dashboard", args=["PRD"]) + Q)
    burn_up = response.context["dashboard"].burn_up
    assert [day for day, _ in burn_up.rows] == [dt.date(2026, 3, 3), AS_OF]
    assert burn_up.rows[-1][1] == ["5,500.00 EUR", "5,500.00 EUR", "3,500.00 EUR", "1,625.00 EUR"]
    assert [dataset["label"] for dataset in burn_up.config["data"]["datasets"]] == [
        "Budget (BAC)",
        "Planned value",
        "Earned value",
        "Actual cost",
    ]


def test_print_page_has_the_figures_and_no_navigation(client, scenario):
    response = logged_in(client, scenario.producer).get(reverse("budgets:producer_print", args=["PRD"]) + Q)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="topbar"' not in body and "<nav" not in body
    assert "2,553.57 EUR" in body and "50.0 %" in body
    assert "@media print" in open("static/css/budgets.css").read()


def test_a_bad_as_of_is_a_400_naming_the_field(client, scenario):
    response = logged_in(client, scenario.producer).get(
        reverse("budgets:producer_dashboard", args=["PRD"]) + "?as_of=2026-13-45"
    )
    assert response.status_code == 400
    assert "As of: Enter a valid date." in response.content.decode()
    csv_response = client.get(reverse("budgets:budget_vs_actuals_csv", args=["PRD"]) + "?as_of=x")
    assert (csv_response.status_code, csv_response.content.decode()) == (400, "As of: Enter a valid date.\n")


@pytest.mark.parametrize("as_of", ["9999-12-31", "3000-01-01", "1969-12-31"])
def test_an_as_of_outside_1970_to_2999_is_a_400_naming_the_field(client, scenario, as_of):
    """The studio's planning dates (studio.dates), the same rule as the production-metrics API."""
    response = logged_in(client, scenario.producer).get(
        reverse("budgets:producer_dashboard", args=["PRD"]), {"as_of": as_of}
    )
    assert response.status_code == 400
    assert "As of: Give a date between 1970 and 2999." in response.content.decode()
    csv_response = client.get(reverse("budgets:budget_vs_actuals_csv", args=["PRD"]), {"as_of": as_of})
    assert (csv_response.status_code, csv_response.content.decode()) == (
        400,
        "As of: Give a date between 1970 and 2999.\n",
    )


@pytest.mark.parametrize("as_of", ["1970-01-01", "2999-12-31"])
def test_the_first_and_last_planning_days_are_as_of_days(client, scenario, as_of):
    response = logged_in(client, scenario.producer).get(
        reverse("budgets:producer_dashboard", args=["PRD"]), {"as_of": as_of}
    )
    assert (response.status_code, response.context["as_of"].isoformat()) == (200, as_of)


def test_overview_lists_the_producers_shows_from_their_latest_snapshot(client, scenario):
    production_snapshot_take(show_id=scenario.show.pk, as_of=dt.date(2026, 3, 10))
    production_snapshot_take(show_id=scenario.show.pk, as_of=AS_OF)
    other = ShowFactory(code="ZZZ", name="Not produced here")
    MembershipFactory(person=scenario.producer, show=ShowFactory(code="NOSNAP"))
    response = logged_in(client, scenario.producer).get(reverse("budgets:producer_overview"))
    rows = response.context["rows"]
    assert [row.show.code for row in rows] == ["NOSNAP", "PRD"]
    prd = rows[1]
    assert (prd.date, prd.first_pass, prd.spi, prd.cpi, prd.eac) == (AS_OF, "50.0 %", "0.64", "2.15", "2,553.57 EUR")
    assert rows[0].date is None and rows[0].eac == "—"
    assert other.name not in response.content.decode()


def test_department_totals_for_production_managers_show_no_rate_or_person(client, scenario):
    """Production managers read the department totals on the schedule dashboard (a schedule page), nowhere else;
    coarse, so no one's rate can be worked out: the last complete week (to Sun 8 March), whole thousands, and no
    cost where fewer than three people's pay is in it (here one artist did all the work)."""
    manager = member(scenario.show, Role.PRODUCTION_MANAGER)
    response = logged_in(client, manager).get(reverse("schedules:schedule_dashboard", args=["PRD"]) + Q)
    assert response.status_code == 200
    totals = response.context["department_totals"]
    assert totals.as_of == dt.date(2026, 3, 8)
    assert [(row.name, row.bac, row.ac, row.eac) for row in [*totals.rows, totals.total]] == [
        ("Animation", "4k EUR", "", ""),
        ("Lighting", "2k EUR", "", ""),
        ("Show", "6k EUR", "", ""),
    ]
    # The section: the dashboard itself names people (their tasks, their load), the money in it never does.
    section = response.content.decode().split('id="department-totals"', 1)[1].split("</section>", 1)[0]
    assert section.count("for producers") == 3
    assert "400" not in section and "1,125" not in section  # the day rate, the cost
    assert str(scenario.artist) not in section
    assert "CPI" not in section and "Inbetween" not in section


def test_department_totals_show_a_cost_once_three_peoples_pay_is_in_it_and_only_for_complete_weeks(scenario):
    from budgets.dashboard import department_totals

    others = [member(scenario.show, Role.ARTIST) for _ in range(2)]
    for person in others:  # Animation: three people's pay; Lighting still the artist's alone
        TimeLogFactory(person=person, task=scenario.tasks["C_anim"], date=dt.date(2026, 3, 5), hours=Decimal(8))
    totals = department_totals(scenario.show, AS_OF)
    # Animation AC 1,125 + 2 x 400 = 1,925; EAC = 4,000 x 1,925 / 2,500 = 3,080. The show's cost less Animation's
    # would be Lighting's: withheld too.
    assert [(row.name, row.ac, row.eac) for row in [*totals.rows, totals.total]] == [
        ("Animation", "2k EUR", "3k EUR"),
        ("Lighting", "", ""),
        ("Show", "", ""),
    ]
    for person in others:
        TimeLogFactory(person=person, task=scenario.tasks["C_lgt"], date=dt.date(2026, 3, 6), hours=Decimal(4))
    # Lighting AC 500 + 2 x 200 = 900, EAC = 1,500 x 900 / 1,000 = 1,350; the show's AC 2,825, EAC = 5,500 x 2,825
    # / 3,500 = 4,439.29.
    totals = department_totals(scenario.show, AS_OF)
    assert [(row.name, row.ac, row.eac) for row in [*totals.rows, totals.total]] == [
        ("Animation", "2k EUR", "3k EUR"),
        ("Lighting", "1k EUR", "1k EUR"),
        ("Show", "3k EUR", "4k EUR"),
    ]
    # A day's work inside the current week moves nothing until the week is over: no day-by-day differences.
    TimeLogFactory(person=others[0], task=scenario.tasks["C_anim"], date=dt.date(2026, 3, 10), hours=Decimal(8))
    assert department_totals(scenario.show, AS_OF) == totals
    assert department_totals(scenario.show, dt.date(2026, 3, 9)) == totals
    assert department_totals(scenario.show, dt.date(2026, 3, 15)).rows[0].ac == "3k EUR"  # 1,925 + 400 + the 13th's 400
    # A day in the future shows the last week complete today, not the week under way.
    today = timezone.localdate()
    assert department_totals(scenario.show, dt.date(2999, 12, 31)) == department_totals(scenario.show, today)


# --- Budget revision pages ---------------------------------------------------------------------------------------


def test_create_copy_lock_through_the_pages(client, scenario):
    http = logged_in(client, scenario.producer)
    response = http.post(reverse("budgets:budget_list", args=["PRD"]), {"name": "bid v2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("budgets:budget_detail", args=["PRD", 2])
    response = http.post(reverse("budgets:budget_copy", args=["PRD", 1]), {"name": "bid v3"})
    assert response["Location"] == reverse("budgets:budget_detail", args=["PRD", 3])
    assert BudgetLine.objects.filter(budget__show=scenario.show, budget__revision=3).count() == 2
    http.post(reverse("budgets:budget_lock", args=["PRD", 3]))
    assert list(Budget.objects.filter(show=scenario.show, is_locked=True).values_list("revision", flat=True)) == [3]
    page = http.get(reverse("budgets:budget_list", args=["PRD"]))
    assert [b.revision for b in page.context["budgets"]] == [3, 2, 1]
    assert page.context["budgets"][0].total_money == "5,500.00 EUR"


def test_a_blank_name_re_renders_the_form_naming_the_field(client, scenario):
    response = logged_in(client, scenario.producer).post(reverse("budgets:budget_list", args=["PRD"]), {"name": " "})
    assert response.status_code == 400
    assert "Name: This field is required." in response.content.decode()
    assert Budget.objects.filter(show=scenario.show).count() == 1


def test_inline_line_edit_with_htmx(client, scenario):
    http = logged_in(client, scenario.producer)
    draft = revisions.budget_copy(actor=scenario.producer, budget=scenario.budget, name="bid v2")
    url = reverse("budgets:budget_line", args=["PRD", draft.revision, "ANIM"])
    form = http.get(url + "?edit=1", HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'name="days"' in form.content.decode() and "<html" not in form.content.decode()
    saved = http.post(url, {"days": "9", "amount": "4500.5"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert saved["HX-Trigger"] == "budgetLineSaved"
    assert "4,500.50 EUR" in saved.content.decode()
    assert BudgetLine.objects.get(budget=draft, department=scenario.animation).days == Decimal("9.00")
    totals = http.get(
        reverse("budgets:budget_detail", args=["PRD", draft.revision]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="budget-totals",
    )
    assert "6,000.50 EUR" in totals.content.decode()
    bad = http.post(url, {"days": "-1", "amount": "x"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    assert "Days: Ensure this value is greater than or equal to 0." in bad.content.decode()
    assert "Amount: Enter a number." in bad.content.decode()


def test_a_locked_revision_cannot_be_edited_inline(client, scenario):
    url = reverse("budgets:budget_line", args=["PRD", 1, "ANIM"])
    response = logged_in(client, scenario.producer).post(url, {"days": "9", "amount": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Copy it to start the next revision." in response.content.decode()
    assert BudgetLine.objects.get(budget=scenario.budget, department=scenario.animation).days == Decimal("8.00")


def test_add_and_remove_a_line(client, scenario):
    http = logged_in(client, scenario.producer)
    draft = revisions.budget_create(actor=scenario.producer, show=scenario.show, name="bid v2")
    response = http.post(
        reverse("budgets:budget_line_create", args=["PRD", draft.revision]),
        {"department": "LGT", "days": "2", "amount": "900"},
    )
    assert response.status_code == 302
    assert BudgetLine.objects.get(budget=draft).amount == Decimal("900.00")
    bad = http.post(reverse("budgets:budget_line_create", args=["PRD", draft.revision]), {"department": "LGT"})
    assert bad.status_code == 400
    http.post(reverse("budgets:budget_line_delete", args=["PRD", draft.revision, "LGT"]))
    assert not BudgetLine.objects.filter(budget=draft).exists()


# --- Who may do what ---------------------------------------------------------------------------------------------


def post_urls(revision: int = 1):
    return [
        (reverse("budgets:budget_list", args=["PRD"]), {"name": "mine"}),
        (reverse("budgets:budget_copy", args=["PRD", revision]), {"name": "mine"}),
        (reverse("budgets:budget_lock", args=["PRD", revision]), {}),
        (reverse("budgets:budget_unlock", args=["PRD", revision]), {}),
        (reverse("budgets:budget_line_create", args=["PRD", revision]), {"department": "LGT", "days": 1, "amount": 1}),
        (reverse("budgets:budget_line", args=["PRD", revision, "ANIM"]), {"days": 1, "amount": 1}),
        (reverse("budgets:budget_line_delete", args=["PRD", revision, "ANIM"]), {}),
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.PRODUCTION_MANAGER, 403),
        (Role.COORDINATOR, 403),
        (Role.SUPERVISOR, 403),
        (Role.ARTIST, 403),
        (Role.CLIENT, 404),
    ],
)
def test_only_producers_and_admins_post(client, scenario, role, expected):
    http = logged_in(client, member(scenario.show, role))
    answers = {url: http.post(url, data) for url, data in post_urls()}
    assert {url: r.status_code for url, r in answers.items()} == {url: expected for url in answers}
    for response in answers.values():
        assert "4,000" not in response.content.decode() and "4000" not in response.content.decode()
    assert Budget.objects.filter(show=scenario.show).count() == 1
    assert Budget.objects.get(show=scenario.show).is_locked


def test_a_producer_of_another_show_gets_404(client, scenario):
    stranger = member(ShowFactory(code="ELSE"), Role.PRODUCER)
    http = logged_in(client, stranger)
    for url, data in post_urls():
        assert http.post(url, data).status_code == 404, url
    assert http.get(reverse("budgets:producer_dashboard", args=["PRD"])).status_code == 404


def test_admins_may_do_everything(client, scenario):
    admin = PersonFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    http = logged_in(client, admin)
    assert http.post(reverse("budgets:budget_unlock", args=["PRD", 1])).status_code == 302
    assert http.get(reverse("budgets:producer_dashboard", args=["PRD"]) + Q).status_code == 200


# --- Query counts at two data sizes ------------------------------------------------------------------------------


def grow(scenario, first: int, count: int):
    """`count` more shots, each with an approved Animation task shown to the client, approved, and logged; as many
    more budget revisions with lines, days of snapshots, and shows the producer produces."""
    show = scenario.show
    anim_type = TaskTypeFactory(name="Animation", department=scenario.animation)
    session = ReviewSessionFactory(show=show, kind=SessionKind.CLIENT, date=dt.date(2026, 3, 4))
    sequence = next(iter(scenario.shots.values())).sequence
    for i in range(first, first + count):
        shot = ShotFactory(sequence=sequence, code=f"SQ010_SH9{i:03d}")
        task = TaskFactory(
            shot=shot,
            task_type=anim_type,
            status=TaskStatus.APPROVED,
            bid_days=Decimal("1"),
            start_date=dt.date(2026, 3, 2),
            due_date=dt.date(2026, 3, 6),
        )
        version = VersionFactory(task=task, number=1, author=scenario.artist)
        ReviewItemFactory(session=session, version=version)
        note = NoteFactory(
            version=version, category=NoteCategory.CLIENT, status_change=StatusChange.APPROVE, author=scenario.artist
        )
        written_on(note, dt.date(2026, 3, 4))
        TimeLogFactory(person=scenario.artist, task=task, date=dt.date(2026, 3, 3), hours=Decimal("1"))
        budget = BudgetFactory(show=show, revision=10 + i, name=f"bid v{10 + i}")
        BudgetLineFactory(budget=budget, department=scenario.animation)
        BudgetLineFactory(budget=budget, department=scenario.lighting)
        day = dt.date(2026, 2, 1) + dt.timedelta(days=i)
        EarnedValueSnapshot.objects.create(
            show=show, date=day, bid_days=1, pv=1, ev=1, ac_days=1, sv=0, computed_at=timezone.now()
        )
        production_snapshot_take(show_id=show.pk, as_of=day)
        other = ShowFactory(code=f"P{i:03d}")
        MembershipFactory(person=scenario.producer, show=other)
        ProductionSnapshot.objects.create(show=other, date=AS_OF, computed_at=timezone.now())


def count_queries(client, person, url: str) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    ("budgets:producer_dashboard", ["PRD"], Q),
    ("budgets:producer_print", ["PRD"], Q),
    ("budgets:budget_vs_actuals_csv", ["PRD"], Q),
    ("budgets:budget_list", ["PRD"], ""),
    ("budgets:budget_detail", ["PRD", 1], ""),
    ("budgets:producer_overview", [], ""),
]


@pytest.mark.parametrize(("name", "args", "query"), PAGES, ids=[p[0] for p in PAGES])
def test_query_count_does_not_grow_with_the_data(client, scenario, name, args, query):
    url = reverse(name, args=args) + query
    grow(scenario, 0, 2)
    small = count_queries(client, scenario.producer, url)
    grow(scenario, 2, 10)
    assert count_queries(client, scenario.producer, url) == small


def test_without_htmx_the_edit_link_shows_the_page_with_the_lines_form(client, scenario):
    draft = revisions.budget_copy(actor=scenario.producer, budget=scenario.budget, name="bid v2")
    url = reverse("budgets:budget_line", args=["PRD", draft.revision, "ANIM"])
    body = logged_in(client, scenario.producer).get(url + "?edit=1").content.decode()
    assert "<html" in body
    assert body.count('class="line-editor"') == 1
    assert 'id="line-LGT"' in body  # the other lines stay rows
    response = client.post(url, {"days": "9", "amount": "4500"})
    assert response["Location"] == reverse("budgets:budget_detail", args=["PRD", draft.revision])


def test_the_department_totals_partial_can_be_included(scenario):
    from django.template.loader import render_to_string

    from budgets.dashboard import department_totals

    html = render_to_string(
        "budgets/department_totals.html#department-totals", {"totals": department_totals(scenario.show, AS_OF)}
    )
    assert html.strip().startswith('<section class="department-totals"')
    assert "4k EUR" in html and "<html" not in html


def test_todays_dashboard_keeps_todays_snapshot_for_the_overview(client, scenario):
    http = logged_in(client, scenario.producer)
    assert http.get(reverse("budgets:producer_overview")).context["rows"][0].date is None
    http.get(reverse("budgets:producer_dashboard", args=["PRD"]))
    http.get(reverse("budgets:producer_dashboard", args=["PRD"]))  # the day's rows are replaced, not added
    today = timezone.localdate()
    assert ProductionSnapshot.objects.filter(show=scenario.show, date=today, department__isnull=True).count() == 1
    assert http.get(reverse("budgets:producer_overview")).context["rows"][0].date == today
    # A past day's dashboard changes no snapshot.
    http.get(reverse("budgets:producer_dashboard", args=["PRD"]) + Q)
    assert not ProductionSnapshot.objects.filter(show=scenario.show, date=AS_OF).exists()
