"""The budget revisions API: the same rules as the pages, amounts rounded once, errors naming the field."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from budgets.models import Budget, BudgetLine
from studio.models import Role
from tests.budgets.factories import BudgetFactory, BudgetLineFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/shows/API/budgets/"


@pytest.fixture
def show():
    return ShowFactory(code="API", currency="EUR")


@pytest.fixture
def departments():
    return DepartmentFactory(name="Animation", code="ANIM", order=1), DepartmentFactory(name="FX", code="FX", order=2)


def api_as(show, role):
    person = PersonFactory(role=role)
    MembershipFactory(person=person, show=show)
    client = APIClient()
    client.force_authenticate(person)
    return client


@pytest.fixture
def producer(show):
    return api_as(show, Role.PRODUCER)


def test_create_set_lines_copy_and_lock(producer, departments):
    created = producer.post(BASE, {"name": "bid v1", "note": "first pass"}, format="json")
    assert created.status_code == 201
    assert created.json()["revision"] == 1
    line = producer.post(f"{BASE}1/lines/", {"department": "ANIM", "days": "120", "amount": "54000.005"}, format="json")
    assert line.status_code == 400
    assert list(line.json()) == ["amount"]
    line = producer.post(f"{BASE}1/lines/", {"department": "ANIM", "days": "120", "amount": "54000"}, format="json")
    assert line.status_code == 201
    assert line.json() == {
        "department": {"id": departments[0].pk, "code": "ANIM", "name": "Animation"},
        "days": "120.00",
        "amount": "54000.00",
    }
    again = producer.post(f"{BASE}1/lines/", {"department": "ANIM", "days": "121", "amount": "54450"}, format="json")
    assert again.status_code == 200
    producer.post(f"{BASE}1/lines/", {"department": "FX", "days": "10.5", "amount": "4725.50"}, format="json")
    locked = producer.post(f"{BASE}1/lock/")
    assert (locked.status_code, locked.json()["is_locked"]) == (200, True)
    assert locked.json()["total_amount"] == "59175.50"
    refused = producer.patch(f"{BASE}1/lines/FX/", {"days": "11"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "budget": ["Revision 1 (bid v1) is locked: it is the approved budget. Copy it to start the next revision."]
    }
    copy = producer.post(f"{BASE}1/copy/", {"name": "bid v2"}, format="json")
    assert copy.status_code == 201
    body = copy.json()
    assert (body["revision"], body["copied_from"], body["is_locked"], body["total_days"]) == (2, 1, False, "131.50")
    assert [line["department"]["code"] for line in body["lines"]] == ["ANIM", "FX"]
    patched = producer.patch(f"{BASE}2/lines/FX/", {"amount": "5000"}, format="json")
    assert patched.json()["amount"] == "5000.00"
    assert producer.delete(f"{BASE}2/lines/FX/").status_code == 204
    producer.post(f"{BASE}2/lock/")
    assert list(Budget.objects.filter(is_locked=True).values_list("revision", flat=True)) == [2]
    assert producer.delete(f"{BASE}2/").status_code == 400
    assert producer.delete(f"{BASE}1/").status_code == 204


def test_list_and_detail(producer, show, departments):
    budget = BudgetFactory(show=show, revision=1, name="bid v1")
    BudgetLineFactory(budget=budget, department=departments[0], days=Decimal("3"), amount=Decimal("1350.00"))
    listing = producer.get(BASE).json()
    assert listing["show"] == "API"
    assert [(b["revision"], b["total_amount"], b["currency"]) for b in listing["results"]] == [(1, "1350.00", "EUR")]
    assert producer.get(f"{BASE}1/lines/ANIM/").json()["amount"] == "1350.00"
    assert producer.get(f"{BASE}1/lines/FX/").status_code == 404
    assert producer.get(f"{BASE}2/").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [{}, {"name": ""}, {"name": "x" * 61}, {"name": "ok", "revision": 7}, {"name": ["x"]}],
)
def test_bad_create_input_is_a_400_naming_the_field(producer, payload):
    response = producer.post(BASE, payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"name", "revision"}
    assert not Budget.objects.exists()


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
def test_other_roles_get_no_amount(show, departments, role, expected):
    budget = BudgetFactory(show=show, revision=1, name="bid v1")
    BudgetLineFactory(budget=budget, department=departments[0], amount=Decimal("98765.43"))
    client = api_as(show, role)
    answers = [
        client.get(BASE),
        client.get(f"{BASE}1/"),
        client.get(f"{BASE}1/lines/"),
        client.get(f"{BASE}1/lines/ANIM/"),
        client.post(BASE, {"name": "mine"}, format="json"),
        client.post(f"{BASE}1/lock/"),
        client.post(f"{BASE}1/copy/", {"name": "mine"}, format="json"),
        client.patch(f"{BASE}1/lines/ANIM/", {"days": "1"}, format="json"),
        client.delete(f"{BASE}1/"),
    ]
    assert [r.status_code for r in answers] == [expected] * len(answers)
    assert all("98765" not in r.content.decode() for r in answers)
    assert Budget.objects.count() == 1 and BudgetLine.objects.count() == 1


def test_anonymous_is_challenged(show):
    assert APIClient().get(BASE).status_code == 401


def test_list_query_count_does_not_grow(producer, show, departments):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert producer.get(BASE).status_code == 200
        return len(queries)

    for revision in (1, 2):
        budget = BudgetFactory(show=show, revision=revision)
        BudgetLineFactory(budget=budget, department=departments[0])
    count()  # the first request also loads the person's roles (cached on the authenticated person object)
    small = count()
    for revision in range(3, 13):
        budget = BudgetFactory(show=show, revision=revision, locked_by=PersonFactory())
        BudgetLineFactory(budget=budget, department=departments[0])
        BudgetLineFactory(budget=budget, department=departments[1])
    assert count() == small


def test_production_metrics_exact(db):
    from tests.budgets.factories_producer import build_scenario
    from tests.budgets.test_producer_dashboard import add_money

    scenario = build_scenario()
    add_money(scenario)
    client = APIClient()
    client.force_authenticate(scenario.producer)
    body = client.get("/api/v1/shows/PRD/production-metrics/?as_of=2026-03-12").json()
    assert (body["show"], body["as_of"], body["currency"]) == ("PRD", "2026-03-12", "EUR")
    total = body["total"]
    assert total["department"] is None
    assert total["client"] == {
        "tasks_shown": 4,
        "first_pass_approved": 2,
        "first_pass_approval_rate": "0.5000000000",
        "client_retakes": 2,
        "shots_shown": 3,
        "client_retakes_per_shot": "0.6666666667",
    }
    assert total["schedule"]["sv"] == "-4.0000000000"
    assert total["schedule"]["spi"] == "0.6363636364"
    assert total["productivity"]["approved_frames_per_artist_day"] == "33.6842105263"
    # (180,000 - 2,553.5714...) / 2,553.5714... = 630,000,000 / 8,937,500 - 1
    assert total["roi"] == {
        "contract_value": "180000.00",
        "eac": "2553.57",
        "ac": "1625.00",
        "forecast": "69.4895104895",
        "to_date": "109.7692307692",
    }
    assert [row["department"]["code"] for row in body["departments"]] == ["ANIM", "LGT"]
    assert "roi" not in body["departments"][0]
    assert client.get("/api/v1/shows/PRD/production-metrics/?as_of=2026-02-30").status_code == 400


@pytest.mark.parametrize("as_of", ["9999-12-31", "3000-01-01", "1969-12-31"])
def test_production_metrics_as_of_outside_1970_to_2999_is_a_400_naming_it(db, as_of):
    """The producer pages' rule (test_producer_dashboard): the end of 9999-12-31 is past date.max."""
    from tests.budgets.factories_producer import build_scenario

    scenario = build_scenario()
    client = APIClient()
    client.force_authenticate(scenario.producer)
    response = client.get("/api/v1/shows/PRD/production-metrics/", {"as_of": as_of})
    assert response.status_code == 400
    assert response.json() == {"as_of": ["Give a date between 1970 and 2999."]}
