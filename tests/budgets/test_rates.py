"""Rate cards and personal rates: services (periods, overlaps, admins only) and the rates pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from budgets import services
from budgets.models import PersonRate, PersonRateKind, RateCard
from studio.models import Role, Seniority
from tests.budgets.factories import PersonRateFactory, RateCardFactory
from tests.budgets.factories_costs import show_cast
from tests.concurrency import concurrently
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def cast():
    return show_cast(ShowFactory(code="RAT"))


def http(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def card(actor, start, rate="400", end=None, seniority=Seniority.MID, currency="EUR"):
    return services.rate_card_create(
        actor=actor, role=Role.ARTIST, seniority=seniority, day_rate=rate, effective_from=start,
        effective_to=end, currency=currency,
    )  # fmt: skip


# --- Rate cards -------------------------------------------------------------------------------------------------


def test_a_new_card_ends_the_open_one_the_day_before(cast):
    first = card(cast["admin"], D(2026, 1, 1), "400")
    second = card(cast["admin"], D(2026, 3, 16), "440,00")
    first.refresh_from_db()
    assert first.effective_to == D(2026, 3, 15)
    assert (second.day_rate, second.effective_to) == (Decimal("440.00"), None)


def test_an_overlapping_card_is_refused_naming_effective_from(cast):
    card(cast["admin"], D(2026, 1, 1), "400", end=D(2026, 6, 30))
    with pytest.raises(ValidationError) as caught:
        card(cast["admin"], D(2026, 3, 1), "450")
    assert list(caught.value.message_dict) == ["effective_from"]
    assert "2026-01-01 to 2026-06-30" in caught.value.message_dict["effective_from"][0]
    # Another currency or seniority is another card.
    card(cast["admin"], D(2026, 3, 1), "450", currency="USD")
    card(cast["admin"], D(2026, 3, 1), "450", seniority=Seniority.SENIOR)
    assert RateCard.objects.count() == 3


@pytest.mark.parametrize("role", ["producer", "production_manager", "artist", "client"])
def test_only_admins_write_rate_cards(cast, role):
    with pytest.raises(PermissionDenied):
        card(cast[role], D(2026, 1, 1))
    existing = RateCardFactory()
    with pytest.raises(PermissionDenied):
        services.rate_card_end(actor=cast[role], rate_card=existing, effective_to=D(2026, 2, 1))


def test_update_and_end_a_card(cast):
    existing = card(cast["admin"], D(2026, 1, 1))
    services.rate_card_update(actor=cast["admin"], rate_card=existing, day_rate="410.5")
    ended = services.rate_card_end(actor=cast["admin"], rate_card=existing, effective_to=D(2026, 5, 31))
    assert (ended.day_rate, ended.effective_to) == (Decimal("410.50"), D(2026, 5, 31))
    with pytest.raises(ValidationError) as caught:
        services.rate_card_end(actor=cast["admin"], rate_card=existing, effective_to=D(2025, 12, 31))
    assert list(caught.value.message_dict) == ["effective_to"]
    with pytest.raises(ValidationError) as caught:
        services.rate_card_update(actor=cast["admin"], rate_card=existing, role=Role.PRODUCER)
    assert list(caught.value.message_dict) == ["role"]


# --- Personal rates ---------------------------------------------------------------------------------------------


def test_person_rates_never_overlap(cast):
    person = PersonFactory()
    services.person_rate_set(actor=cast["admin"], person=person, kind=PersonRateKind.OVERRIDE, day_rate="500",
                             effective_from=D(2026, 1, 1), effective_to=D(2026, 3, 31))  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.person_rate_set(actor=cast["admin"], person=person, kind=PersonRateKind.CONTRACT_DAY, day_rate="600",
                                 effective_from=D(2026, 3, 15))  # fmt: skip
    assert list(caught.value.message_dict) == ["effective_from"]
    assert "2026-01-01 to 2026-03-31" in caught.value.message_dict["effective_from"][0]
    later = services.person_rate_set(actor=cast["admin"], person=person, kind=PersonRateKind.CONTRACT_FIXED,
                                     fixed_fee="3000", effective_from=D(2026, 4, 1))  # fmt: skip
    assert (later.fixed_fee, later.day_rate) == (Decimal("3000.00"), None)
    # Changing a rate's own terms does not clash with itself.
    services.person_rate_set(actor=cast["admin"], person=person, person_rate=later, kind=PersonRateKind.CONTRACT_FIXED,
                             fixed_fee="3500", effective_from=D(2026, 4, 2))  # fmt: skip
    assert PersonRate.objects.get(pk=later.pk).fixed_fee == Decimal("3500.00")


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        (PersonRateKind.CONTRACT_FIXED, {"day_rate": "500"}, "fixed_fee"),
        (PersonRateKind.OVERRIDE, {"fixed_fee": "500"}, "day_rate"),
        ("bonus", {"day_rate": "500"}, "kind"),
        (PersonRateKind.OVERRIDE, {"day_rate": "-1"}, "day_rate"),
    ],
)
def test_a_person_rate_needs_the_amount_of_its_kind(cast, kind, values, field):
    with pytest.raises(ValidationError) as caught:
        services.person_rate_set(actor=cast["admin"], person=PersonFactory(), kind=kind, effective_from=D(2026, 1, 1),
                                 **values)  # fmt: skip
    assert list(caught.value.message_dict) == [field]


def test_only_admins_set_person_rates(cast):
    with pytest.raises(PermissionDenied):
        services.person_rate_set(actor=cast["producer"], person=PersonFactory(), kind=PersonRateKind.OVERRIDE,
                                 day_rate="1", effective_from=D(2026, 1, 1))  # fmt: skip


# --- Pages ------------------------------------------------------------------------------------------------------


def test_producers_read_rates_without_forms(cast):
    RateCardFactory(day_rate=Decimal("4321.00"))
    PersonRateFactory(day_rate=Decimal("8765.00"))
    response = http(cast["producer"]).get(reverse("budgets:rate_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "4,321.00 EUR" in body and "8,765.00 EUR" in body
    assert 'id="rate-card-form"' not in body and "Edit" not in body
    assert http(cast["producer"]).post(reverse("budgets:rate_list"), {"form": "card"}).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [("artist", 403), ("supervisor", 403), ("coordinator", 403), ("production_manager", 403), ("client", 404)],
)
def test_nobody_else_sees_a_rate(cast, role, status):
    RateCardFactory(day_rate=Decimal("4321.00"))
    rate = PersonRateFactory(day_rate=Decimal("8765.00"))
    for url in (reverse("budgets:rate_list"), reverse("budgets:person_rate_update", args=[rate.pk])):
        response = http(cast[role]).get(url)
        assert response.status_code == status
        assert "4321" not in response.content.decode() and "8765" not in response.content.decode()


def test_a_studio_producer_reads_rates_only_as_a_producer(cast):
    """The studio role counts for a producer on no show (a head of production); a membership that makes them
    something else on their shows wins, as it does on the show's money pages."""
    RateCardFactory(day_rate=Decimal("4321.00"))
    PersonRateFactory(day_rate=Decimal("8765.00"))
    urls = (reverse("budgets:rate_list"), "/api/v1/rate-cards/", "/api/v1/person-rates/")
    head_of_production = PersonFactory(role=Role.PRODUCER)
    assert [http(head_of_production).get(url).status_code for url in urls] == [200, 200, 200]
    demoted = PersonFactory(role=Role.PRODUCER)
    MembershipFactory(person=demoted, show=ShowFactory(code="DMT"), role=Role.ARTIST)
    for url in urls:
        response = http(demoted).get(url)
        assert response.status_code == 403, url
        assert "4321" not in response.content.decode() and "8765" not in response.content.decode()


def test_admins_add_and_edit_on_the_page(cast):
    client = http(cast["admin"])
    url = reverse("budgets:rate_list")
    data = {"form": "card", "card-role": "artist", "card-seniority": "mid", "card-day_rate": "400,00",
            "card-currency": "eur", "card-effective_from": "2026-01-01"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    created = RateCard.objects.get()
    assert (created.day_rate, created.currency) == (Decimal("400.00"), "EUR")
    overlap = client.post(url, {**data, "card-effective_to": "2026-12-31", "card-effective_from": "2025-06-01"})
    assert overlap.status_code == 400 and "Effective from:" not in overlap.content.decode()
    assert "From: The Artist Mid rate in EUR of 2026-01-01 on overlaps this period." in overlap.content.decode()
    edit = reverse("budgets:rate_card_update", args=[created.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"day_rate": "abc", "effective_from": "2026-01-01"}).status_code == 400
    assert client.post(edit, {"day_rate": "420", "effective_from": "2026-01-01"}).status_code == 302
    assert RateCard.objects.get().day_rate == Decimal("420.00")

    person = PersonFactory()
    person_data = {"form": "person", "person-person": person.pk, "person-kind": "contract_fixed",
                   "person-fixed_fee": "3000", "person-currency": "EUR",
                   "person-effective_from": "2026-03-09"}  # fmt: skip
    assert client.post(url, person_data).status_code == 302
    missing_fee = client.post(url, {**person_data, "person-fixed_fee": "", "person-effective_from": "2027-01-01"})
    assert (
        missing_fee.status_code == 400
        and "Fixed fee: A fixed-fee contract needs its fee." in missing_fee.content.decode()
    )
    rate = PersonRate.objects.get()
    assert client.post(reverse("budgets:person_rate_delete", args=[rate.pk])).status_code == 302
    assert not PersonRate.objects.exists()


def test_the_rates_page_makes_the_same_number_of_queries_at_two_sizes(cast):
    client = http(cast["admin"])

    made = 0

    def count(n: int) -> int:
        nonlocal made
        for _ in range(n):
            made += 1
            RateCardFactory(seniority=Seniority.LEAD, effective_from=D(2020, 1, 1) + dt.timedelta(days=made))
            PersonRateFactory(effective_from=D(2020, 1, 1))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("budgets:rate_list")).status_code == 200
        return len(ctx)

    assert count(2) == count(12)


@pytest.mark.django_db(transaction=True)
def test_the_same_card_posted_twice_at_once_is_one_card_and_a_400_naming_effective_from(cast):
    """Rate-card writes take turns (an advisory lock): the second sees the first card and names effective_from,
    rather than failing on rate_card_unique_start (a 500, or a 409 naming no field)."""

    def first(wait_for_the_test):
        card(cast["admin"], D(2026, 1, 1), "400")
        wait_for_the_test()

    api = APIClient()
    api.force_authenticate(cast["admin"])
    data = {"role": "artist", "seniority": "mid", "day_rate": "400", "currency": "EUR", "effective_from": "2026-01-01"}
    with concurrently(first) as race:
        response = api.post(reverse("api:rate-card-list"), data, format="json")
    assert race.waited
    assert (response.status_code, response.json()) == (
        400,
        {"effective_from": ["The Artist Mid rate in EUR of 2026-01-01 on overlaps this period."]},
    )
    assert list(RateCard.objects.values_list("effective_from", "effective_to")) == [(D(2026, 1, 1), None)]


@pytest.mark.django_db(transaction=True)
def test_new_cards_from_two_dates_at_once_close_each_other_as_if_one_after_the_other(cast):
    card(cast["admin"], D(2026, 1, 1), "400")

    def first(wait_for_the_test):
        card(cast["admin"], D(2026, 3, 1), "420")
        wait_for_the_test()

    with concurrently(first) as race:
        card(cast["admin"], D(2026, 6, 1), "440")
    assert race.waited
    assert list(RateCard.objects.order_by("effective_from").values_list("effective_from", "effective_to")) == [
        (D(2026, 1, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2026, 5, 31)),
        (D(2026, 6, 1), None),
    ]
