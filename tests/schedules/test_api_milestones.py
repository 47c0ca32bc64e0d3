"""The milestones API: who reads and writes, filters, bad input naming the field, a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedules.models import Milestone
from studio.models import Person
from tests.schedules.factories import MilestoneFactory
from tests.studio.test_api import ApiWorld, api_client_for, build_api_world

pytestmark = pytest.mark.django_db

D = dt.date
LIST = reverse("api:milestone-list")


def detail(milestone) -> str:
    return reverse("api:milestone-detail", kwargs={"pk": milestone.pk})


@pytest.fixture
def world() -> ApiWorld:
    world = build_api_world()
    MilestoneFactory(show=world.show, name="Client screening", date=D(2026, 4, 10))
    MilestoneFactory(show=world.show, department=world.animation, name="Animation lock", date=D(2026, 6, 5))
    MilestoneFactory(show=world.other_show, name="Elsewhere delivery", date=D(2026, 5, 1))
    return world


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- Reading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["artist", "supervisor", "coordinator", "production_manager", "producer"])
def test_the_shows_staff_read_its_milestones(world, role):
    assert names(api_client_for(world, role).get(LIST)) == ["Client screening", "Animation lock"]


def test_admins_read_all_clients_none_strangers_their_own(world):
    assert names(api_client_for(world, "admin").get(LIST)) == [
        "Client screening",
        "Animation lock",
        "Elsewhere delivery",
    ]
    assert names(api_client_for(world, "client").get(LIST)) == []
    client = api_client_for(world, "anonymous")
    client.force_login(Person.objects.get(username="outsider"))
    assert names(client.get(LIST)) == ["Elsewhere delivery"]
    assert client.get(detail(Milestone.objects.get(name="Client screening"))).status_code == 404


def test_one_milestone(world):
    milestone = Milestone.objects.get(name="Animation lock")
    response = api_client_for(world, "artist").get(detail(milestone))
    assert response.json() == {
        "id": milestone.pk,
        "show": "RBT",
        "name": "Animation lock",
        "date": "2026-06-05",
        "department": {"id": world.animation.pk, "code": "ANIM", "name": "Animation"},
    }
    assert api_client_for(world, "client").get(detail(milestone)).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"show": "RBT"}, ["Client screening", "Animation lock"]),
        ({"show": "OTH"}, ["Elsewhere delivery"]),
        ({"department": "PLACEHOLDER"}, ["Animation lock"]),
        ({"whole_show": "true"}, ["Client screening", "Elsewhere delivery"]),
        ({"date_from": "2026-04-11"}, ["Animation lock", "Elsewhere delivery"]),  # cursor pages: in id order
        ({"date_from": "2026-04-01", "date_to": "2026-05-01"}, ["Client screening", "Elsewhere delivery"]),
    ],
)
def test_filters(world, query, expected):
    if query.get("department") == "PLACEHOLDER":
        query = {"department": world.animation.pk}
    assert names(api_client_for(world, "admin").get(LIST, query)) == expected


@pytest.mark.parametrize(
    ("query", "field"), [({"date_from": "soon"}, "date_from"), ({"department": "x"}, "department")]
)
def test_a_bad_filter_is_a_400_naming_it(world, query, field):
    response = api_client_for(world, "admin").get(LIST, query)
    assert response.status_code == 400 and list(response.json()) == [field]


# --- Writing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("production_manager", 201),
        ("producer", 201),
        ("admin", 201),
        ("coordinator", 403),
        ("supervisor", 403),
        ("artist", 403),
        ("client", 403),
    ],
)
def test_who_adds_a_milestone(world, role, status):
    body = {"show": "RBT", "name": "Layout lock", "date": "2026-03-20", "department": world.animation.pk}
    if role == "client":
        del body["department"]  # clients do not see departments: the refusal is about the show's milestones
    response = api_client_for(world, role).post(LIST, body, format="json")
    assert response.status_code == status, response.content
    if status == 201:
        milestone = Milestone.objects.get(name="Layout lock")
        assert response.json() == {
            "id": milestone.pk,
            "show": "RBT",
            "name": "Layout lock",
            "date": "2026-03-20",
            "department": {"id": world.animation.pk, "code": "ANIM", "name": "Animation"},
        }
    else:
        assert not Milestone.objects.filter(name="Layout lock").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"show": "RBT", "date": "2026-03-20"}, "name"),
        ({"show": "RBT", "name": "   ", "date": "2026-03-20"}, "name"),
        ({"show": "RBT", "name": "Lock", "date": "2026-02-30"}, "date"),
        ({"show": "RBT", "name": "Lock", "date": "2026-03-20", "department": 999999}, "department"),
        ({"show": "OTH", "name": "Lock", "date": "2026-03-20"}, "show"),  # another show reads as unknown
        ({"show": "RBT", "name": "Lock", "date": "2026-03-20", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, body, field):
    response = api_client_for(world, "production_manager").post(LIST, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert Milestone.objects.count() == 3


@pytest.mark.parametrize("date", ["9999-12-31", "1969-12-31"])
def test_a_date_outside_1970_to_2999_is_a_400_naming_it(world, date):
    """A milestone on 9999-12-31 made the show's calendar feed step past date.max (a 500)."""
    client = api_client_for(world, "production_manager")
    response = client.post(LIST, {"show": "RBT", "name": "Lock", "date": date}, format="json")
    assert (response.status_code, response.json()) == (400, {"date": ["Give a date between 1970 and 2999."]})
    milestone = Milestone.objects.get(name="Animation lock")
    response = client.patch(detail(milestone), {"date": date}, format="json")
    assert (response.status_code, response.json()) == (400, {"date": ["Give a date between 1970 and 2999."]})
    assert Milestone.objects.count() == 3
    assert Milestone.objects.get(pk=milestone.pk).date == milestone.date


def test_change_and_delete(world):
    milestone = Milestone.objects.get(name="Animation lock")
    client = api_client_for(world, "producer")
    response = client.patch(detail(milestone), {"date": "2026-06-12", "department": None}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["date"], response.json()["department"]) == ("2026-06-12", None)
    response = client.patch(detail(milestone), {"date": "tomorrow"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["date"]
    response = client.patch(detail(milestone), {}, format="json")
    assert response.status_code == 400
    assert client.delete(detail(milestone)).status_code == 204
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize("role", ["coordinator", "artist", "supervisor"])
def test_other_staff_may_not_change_or_delete(world, role):
    milestone = Milestone.objects.get(name="Animation lock")
    client = api_client_for(world, role)
    assert client.patch(detail(milestone), {"name": "Mine"}, format="json").status_code == 403
    assert client.delete(detail(milestone)).status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).name == "Animation lock"


def test_another_shows_milestone_is_a_404_for_writes_too(world):
    milestone = Milestone.objects.get(name="Elsewhere delivery")
    client = api_client_for(world, "producer")
    assert client.patch(detail(milestone), {"name": "Mine"}, format="json").status_code == 404
    assert client.delete(detail(milestone)).status_code == 404


def test_the_list_asks_a_fixed_number_of_queries(world):
    client = api_client_for(world, "producer")
    counts = []
    for n in (2, 12):
        MilestoneFactory.create_batch(n, show=world.show, department=world.lighting)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
