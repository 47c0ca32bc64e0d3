"""The costs API (and the costs page) on the hand-computed scenario of test_costs.py: figures as strings to the cent,
the rules per role (403 on the show, 404 for clients and strangers, no amount in any error), rates and expenses CRUD,
constant query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from budgets.models import Expense, PersonRate, RateCard
from studio.models import Role, Seniority
from tests.budgets.factories import ExpenseFactory, PersonRateFactory, RateCardFactory
from tests.budgets.factories_costs import AS_OF, build_cost_scenario, show_cast
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db
AMOUNTS = ("7725", "4170", "8341", "3586", "12000", "12,000", "600.00", "440.00", "1000.00", "250.50")


@pytest.fixture
def cst():
    scenario = build_cost_scenario()
    scenario.cast = show_cast(scenario.show)
    return scenario


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def costs_url(code="CST"):
    return reverse("api:show-costs", args=[code])


def test_costs_to_the_cent(cst):
    response = api_as(cst.cast["producer"]).get(costs_url(), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert (body["show"], body["as_of"], body["currency"], body["budget"]) == (
        "CST",
        "2026-03-18",
        "EUR",
        {"revision": 2, "name": "bid v2"},
    )
    anm, lgt = body["departments"]
    assert anm["department"]["code"] == "ANIM" and lgt["department"]["code"] == "LGT"
    money_keys = ("bac", "pv", "ev", "ac_labour", "ac_expenses", "ac", "cv", "eac", "vac", "etc", "freelance_spend")
    assert {k: anm[k] for k in money_keys} == {
        "bac": "12000.00", "pv": "12000.00", "ev": "5571.43", "ac_labour": "2586.67", "ac_expenses": "1000.00",
        "ac": "3586.67", "cv": "1984.76", "eac": "7725.13", "vac": "4274.87", "etc": "4138.46",
        "freelance_spend": "0.00",
    }  # fmt: skip
    assert {k: lgt[k] for k in money_keys} == {
        "bac": "9000.00", "pv": "7650.00", "ev": "4500.00", "ac_labour": "3920.00", "ac_expenses": "250.50",
        "ac": "4170.50", "cv": "329.50", "eac": "8341.00", "vac": "659.00", "etc": "4170.50",
        "freelance_spend": "4170.50",
    }  # fmt: skip
    total = body["total"]
    assert {k: total[k] for k in money_keys} == {
        "bac": "21000.00", "pv": "19650.00", "ev": "10071.43", "ac_labour": "6506.67", "ac_expenses": "1250.50",
        "ac": "7757.17", "cv": "2314.26", "eac": "16174.52", "vac": "4825.48", "etc": "8417.35",
        "freelance_spend": "4170.50",
    }  # fmt: skip
    assert (anm["cpi"], lgt["cpi"], total["cpi"]) == ("1.5533722783", "1.0790073133", "1.2983385564")
    assert (anm["bid_days"], anm["ev_days"], anm["percent_complete"]) == (
        "14.0000000000",
        "6.5000000000",
        "0.4642857143",
    )
    assert anm["missing_rate_hours"] == "3.0000000000"
    assert body["missing_rates"] == [
        {"person": cst.people["nora"].pk, "person_name": "Nora CST Costed", "reason": "no_rate",
         "first_date": "2026-03-05", "last_date": "2026-03-05", "hours": "3.00"}
    ]  # fmt: skip


def test_undefined_ratios_are_null(cst):
    body = api_as(cst.cast["admin"]).get(costs_url(), {"as_of": "2026-03-01"}).json()
    assert (body["total"]["ac"], body["total"]["cpi"], body["total"]["eac"], body["total"]["etc"]) == (
        "0.00",
        None,
        None,
        None,
    )


def test_a_bad_date_is_a_400_naming_as_of(cst):
    response = api_as(cst.cast["producer"]).get(costs_url(), {"as_of": "2026-02-30"})
    assert response.status_code == 400 and list(response.json()) == ["as_of"]


@pytest.mark.parametrize("as_of", ["9999-12-31", "1969-12-31"])
def test_an_as_of_outside_1970_to_2999_is_a_400_naming_it(cst, as_of):
    response = api_as(cst.cast["producer"]).get(costs_url(), {"as_of": as_of})
    assert (response.status_code, response.json()) == (400, {"as_of": ["Give a date between 1970 and 2999."]})
    page = APIClient()
    page.force_login(cst.cast["producer"])
    response = page.get(reverse("budgets:show_costs", args=["CST"]), {"as_of": as_of, "start": "0001-01-01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "As of: Give a date between 1970 and 2999." in body
    assert "Labour from: Give a date between 1970 and 2999." in body


@pytest.mark.parametrize(
    ("role", "status"),
    [("artist", 403), ("supervisor", 403), ("coordinator", 403), ("production_manager", 403), ("client", 404)],
)
def test_everyone_else_gets_no_amount(cst, role, status):
    client = api_as(cst.cast[role])
    expense = Expense.objects.filter(show=cst.show).first()
    urls = [
        costs_url(),
        reverse("api:show-expense-list", args=["CST"]),
        reverse("api:show-expense-detail", args=["CST", expense.pk]),
        reverse("api:rate-card-list"),
        reverse("api:person-rate-list"),
        reverse("api:person-rate-detail", args=[PersonRate.objects.first().pk]),
    ]
    for url in urls:
        for response in (client.get(url, {"as_of": AS_OF.isoformat()}), client.post(url, {"amount": "1"})):
            assert response.status_code in (status, 405), url
            text = response.content.decode()
            assert not [a for a in AMOUNTS if a in text], (url, text)
    page = APIClient()
    page.force_login(cst.cast[role])
    response = page.get(reverse("budgets:show_costs", args=["CST"]), {"as_of": AS_OF.isoformat()})
    assert response.status_code == status and not [a for a in AMOUNTS if a in response.content.decode()]


def test_a_producer_of_another_show_gets_a_404(cst):
    outsider = PersonFactory(role=Role.PRODUCER)
    MembershipFactory(person=outsider, show=ShowFactory(code="ELS"))
    client = api_as(outsider)
    assert client.get(costs_url()).status_code == 404
    assert client.get(reverse("api:show-expense-list", args=["CST"])).status_code == 404
    # ...while rates are studio-wide: a producer of any show reads them.
    assert client.get(reverse("api:rate-card-list")).status_code == 200


def test_the_costs_page_shows_the_figures_and_the_missing_rate_warning(cst):
    page = APIClient()
    page.force_login(cst.cast["producer"])
    response = page.get(reverse("budgets:show_costs", args=["CST"]), {"as_of": "2026-03-18"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<td class="num">7,725.13 EUR</td>' in body and '<td class="num">16,174.52 EUR</td>' in body
    assert 'id="missing-rates"' in body and "Nora CST Costed" in body
    assert '<td class="num">1,380.00 EUR</td>' in body  # Ana's labour in the by-person table
    bad = page.get(reverse("budgets:show_costs", args=["CST"]), {"as_of": "soon"})
    assert bad.status_code == 400 and "As of:" in bad.content.decode()


# --- Rates and expenses ----------------------------------------------------------------------------------------------


def test_rate_cards_api(cst):
    admin, producer = api_as(cst.cast["admin"]), api_as(cst.cast["producer"])
    data = {
        "role": "artist",
        "seniority": "lead",
        "day_rate": "650,00",
        "currency": "EUR",
        "effective_from": "2026-01-01",
    }
    assert producer.post(reverse("api:rate-card-list"), data, format="json").status_code == 403
    response = admin.post(reverse("api:rate-card-list"), data, format="json")
    assert response.status_code == 201 and response.json()["day_rate"] == "650.00"
    card_id = response.json()["id"]
    listed = producer.get(reverse("api:rate-card-list")).json()["results"]
    assert {c["id"] for c in listed} == set(RateCard.objects.values_list("pk", flat=True))
    detail = reverse("api:rate-card-detail", args=[card_id])
    assert producer.patch(detail, {"day_rate": "1"}, format="json").status_code == 403
    patched = admin.patch(detail, {"effective_to": "2026-06-30"}, format="json")
    assert patched.status_code == 200 and patched.json()["effective_to"] == "2026-06-30"
    bad = admin.patch(detail, {"effective_to": "2025-01-01"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["effective_to"]
    assert admin.patch(detail, {"colour": "red"}, format="json").status_code == 400
    assert admin.get(reverse("api:rate-card-detail", args=["999999999999999999999"])).status_code == 404


def test_person_rates_api_refuses_an_overlap_naming_effective_from(cst):
    admin = api_as(cst.cast["admin"])
    data = {"person": cst.people["ana"].pk, "kind": "override", "day_rate": "480", "effective_from": "2026-02-01"}
    response = admin.post(reverse("api:person-rate-list"), data, format="json")
    assert response.status_code == 201
    again = admin.post(reverse("api:person-rate-list"), {**data, "effective_from": "2026-05-01"}, format="json")
    assert again.status_code == 400 and list(again.json()) == ["effective_from"]
    detail = reverse("api:person-rate-detail", args=[response.json()["id"]])
    patched = admin.patch(detail, {"effective_to": "2026-04-30"}, format="json")
    assert patched.status_code == 200 and patched.json()["day_rate"] == "480.00"
    assert (
        admin.post(reverse("api:person-rate-list"), {**data, "effective_from": "2026-05-01"}, format="json").status_code
        == 201
    )
    assert api_as(cst.cast["producer"]).delete(detail).status_code == 403
    assert admin.delete(detail).status_code == 204


def test_expenses_api_crud(cst):
    producer = api_as(cst.cast["producer"])
    url = reverse("api:show-expense-list", args=["CST"])
    data = {"date": "2026-03-20", "department": "LGT", "supplier": "Roto Ltd", "kind": "freelance", "amount": "99,95",
            "reference": "INV-77"}  # fmt: skip
    created = producer.post(url, data, format="json")
    assert created.status_code == 201
    assert (created.json()["amount"], created.json()["department"]["code"]) == ("99.95", "LGT")
    duplicate = producer.post(url, data, format="json")
    assert duplicate.status_code == 400 and list(duplicate.json()) == ["reference"]
    bad = producer.post(url, {**data, "amount": -3, "reference": "X"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["amount"]
    detail = reverse("api:show-expense-detail", args=["CST", created.json()["id"]])
    assert producer.patch(detail, {"amount": "100"}, format="json").json()["amount"] == "100.00"
    assert producer.patch(detail, {"department": "NOPE"}, format="json").status_code == 400
    assert producer.delete(detail).status_code == 204
    assert producer.get(detail).status_code == 404


def test_expense_list_query_count_is_constant(cst):
    producer = api_as(cst.cast["producer"])
    url = reverse("api:show-expense-list", args=["CST"])

    def count(n: int) -> int:
        for _ in range(n):
            ExpenseFactory(show=cst.show, department=cst.lgt, person=cst.people["fay"])
        with CaptureQueriesContext(connection) as ctx:
            assert producer.get(url).status_code == 200
        return len(ctx)

    count(0)  # the person's roles are loaded once per person object
    assert count(2) == count(12)


def test_costs_api_query_count_is_constant(cst):
    producer = api_as(cst.cast["producer"])

    def count() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert producer.get(costs_url(), {"as_of": "2026-03-18"}).status_code == 200
        return [q["sql"][:60] for q in ctx]

    count()  # the person's roles are loaded once per person object
    small = count()
    for n in range(10):
        person = PersonFactory(seniority=Seniority.LEAD)
        PersonRateFactory(person=person, day_rate=Decimal("300"), effective_from=dt.date(2026, 1, 1))
        ExpenseFactory(show=cst.show, department=cst.anm, date=dt.date(2026, 3, 1 + n))
    RateCardFactory(seniority=Seniority.LEAD, day_rate=Decimal("700"))
    assert count() == small
