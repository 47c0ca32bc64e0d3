"""The review sessions API: what each role lists and reads, the playlist with its order, building and changing a
session through dailies.services, errors that name the field, filters, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from dailies import services
from dailies.models import Digest, ReviewItem, ReviewSession, SessionKind
from tests.dailies.factories import NoteFactory, ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.dailies.test_sessions import DAY, SessionWorld, build_session_world
from tests.shots.factories import ShotFactory, TaskFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/sessions/"


@pytest.fixture
def world() -> SessionWorld:
    world = build_session_world()
    world.client_session = ReviewSessionFactory(
        show=world.show, name="Client look", kind=SessionKind.CLIENT, date=DAY + dt.timedelta(days=1)
    )
    ReviewItemFactory(session=world.client_session, version=world.versions[0], order=1)
    world.other_session = ReviewSessionFactory(show=world.other_show, name="Other dailies", date=DAY)
    return world


def api(world, name: str) -> APIClient:
    client = APIClient()
    if name != "anonymous":
        client.force_login(world.people[name])
    return client


def detail(session) -> str:
    return reverse("api:session-detail", kwargs={"pk": session.pk})


def action(session, name: str) -> str:
    return reverse(f"api:session-{name}", kwargs={"pk": session.pk})


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- Reading ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("artist", ["Anim dailies", "Client look"]),
        ("coordinator", ["Anim dailies", "Client look"]),
        ("client", []),
        ("stranger", ["Other dailies"]),
        ("admin", ["Anim dailies", "Client look", "Other dailies"]),
    ],
)
def test_the_list_holds_the_sessions_the_person_may_see(world, role, expected):
    """In the order they were made (the API's cursor pages go by id; filter by date to narrow them)."""
    assert names(api(world, role).get(LIST)) == expected


def test_clients_list_client_sessions_once_released(world):
    services.session_release(actor=world.people["producer"], session=world.client_session)
    assert names(api(world, "client").get(LIST)) == ["Client look"]
    response = api(world, "client").get(detail(world.client_session))
    assert [item["version"]["id"] for item in response.json()["items"]] == [world.versions[0].pk]
    assert api(world, "client").get(detail(world.session)).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("show=RBT", ["Anim dailies", "Client look"]),
        ("show=OTH", []),
        ("kind=client", ["Client look"]),
        ("date=2026-11-23", ["Anim dailies"]),
        ("date_from=2026-11-24", ["Client look"]),
        ("date_to=2026-11-23", ["Anim dailies"]),
        ("is_closed=true", []),
    ],
)
def test_filters(world, query, expected):
    assert names(api(world, "coordinator").get(f"{LIST}?{query}")) == expected


def test_an_invalid_filter_is_a_400_naming_it(world):
    response = api(world, "coordinator").get(f"{LIST}?date=soon&kind=weekly")
    assert response.status_code == 400
    assert set(response.json()) == {"date", "kind"}


def test_detail_shape(world):
    v = world.versions
    NoteFactory(version=v[0], session=world.session, author=world.people["supervisor"])
    response = api(world, "coordinator").get(detail(world.session))
    assert response.status_code == 200
    data = response.json()
    items = data.pop("items")
    assert data == {
        "id": world.session.pk,
        "show": "RBT",
        "name": "Anim dailies",
        "date": "2026-11-23",
        "kind": "internal",
        "released_at": None,
        "is_closed": False,
        "created_by": {"id": world.people["coordinator"].pk, "username": "coordinator"},
        "created_at": data["created_at"],
        "item_count": 3,
    }
    assert [(i["position"], i["version"]["id"], i["note_count"]) for i in items] == [
        (1, v[0].pk, 1),
        (2, v[1].pk, 0),
        (3, v[2].pk, 0),
    ]
    assert items[0]["version"]["shot"] == {"id": v[0].task.shot_id, "code": "SQ010_SH0010"}
    assert items[0]["version"]["code"] == "v001"
    assert items[0]["id"] == world.items()[0].pk


@pytest.mark.parametrize(("role", "own", "other"), [("artist", 200, 404), ("admin", 200, 200), ("anonymous", 401, 401)])
def test_detail_is_404_on_a_show_the_person_is_not_on(world, role, own, other):
    client = api(world, role)
    assert client.get(detail(world.session)).status_code == own
    assert client.get(detail(world.other_session)).status_code == other


# --- Writing ------------------------------------------------------------------------------------------------


def test_a_coordinator_builds_a_session(world):
    v = world.versions
    response = api(world, "coordinator").post(
        LIST,
        {"show": "RBT", "date": "2026-11-25", "name": "Wednesday", "versions": [v[2].pk, v[0].pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["kind"], data["item_count"]) == ("Wednesday", "internal", 2)
    assert [i["version"]["id"] for i in data["items"]] == [v[2].pk, v[0].pk]
    assert ReviewSession.objects.get(pk=data["id"]).created_by == world.people["coordinator"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"date": "2026-11-25", "name": "X"}, {"show": ["This field is required."]}),
        (
            {"show": "RBT", "date": "soon", "name": "X"},
            {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"show": "RBT", "date": "2026-11-25", "name": "X", "colour": "red"},
            {"colour": ["This field is not accepted here."]},
        ),
        ({"show": "OTH", "date": "2026-11-25", "name": "X"}, {"show": ["Object with code=OTH does not exist."]}),
        (
            {"show": "RBT", "date": "2026-11-25", "name": "X", "kind": "weekly"},
            {"kind": ['"weekly" is not a valid choice.']},
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, body, errors):
    response = api(world, "coordinator").post(LIST, body, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert ReviewSession.objects.filter(name="X").count() == 0


def test_a_version_of_another_show_is_named(world):
    response = api(world, "admin").post(
        LIST, {"show": "RBT", "date": "2026-11-25", "name": "X", "versions": [world.other_version.pk]}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"versions": ["Not on RBT: SQ010_SH0010 Animation v001."]})


@pytest.mark.parametrize("role", ["artist", "client"])
def test_artists_and_clients_build_no_sessions(world, role):
    response = api(world, role).post(LIST, {"show": "RBT", "date": "2026-11-25", "name": "X"}, format="json")
    assert response.status_code == 403
    assert ReviewSession.objects.filter(name="X").count() == 0


def test_patch_renames_moves_and_closes(world):
    client = api(world, "supervisor")
    response = client.patch(detail(world.session), {"name": "Anim dailies (late)", "is_closed": True}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["is_closed"]) == ("Anim dailies (late)", True)
    response = client.post(action(world.session, "items"), {"versions": [world.versions[0].pk]}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"session": ["This session is closed: reopen it to change its versions."]},
    )
    assert api(world, "artist").patch(detail(world.session), {"name": "Mine"}, format="json").status_code == 403
    response = client.patch(detail(world.session), {}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Send at least one field to change."]},
    )


def test_items_are_added_reordered_and_removed(world):
    v = world.versions
    client = api(world, "coordinator")
    extra = VersionFactory(
        task=TaskFactory(shot=ShotFactory(sequence=world.sequence, code="SQ010_SH0500"), task_type=v[0].task.task_type),
        number=1,
    )
    response = client.post(action(world.session, "items"), {"versions": [extra.pk, v[0].pk]}, format="json")
    assert response.status_code == 200
    assert [i["version"]["id"] for i in response.json()["items"]] == [v[0].pk, v[1].pk, v[2].pk, extra.pk]

    ids = [item.pk for item in ReviewItem.objects.filter(session=world.session).order_by("order")]
    response = client.post(action(world.session, "reorder"), {"items": ids[::-1]}, format="json")
    assert [i["id"] for i in response.json()["items"]] == ids[::-1]
    response = client.post(action(world.session, "reorder"), {"items": ids[:2]}, format="json")
    assert response.status_code == 400
    assert response.json()["item_ids"][0].startswith("Send every item of the session exactly once (missing: ")

    NoteFactory(version=v[1], session=world.session, author=world.people["supervisor"])
    response = client.post(action(world.session, "remove-item"), {"item": ids[1]}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"item": ["SQ020_SH0020 Animation v002 has notes in this session: it stays on the notes sheet."]},
    )
    response = client.post(action(world.session, "remove-item"), {"item": ids[3]}, format="json")
    assert [i["version"]["id"] for i in response.json()["items"]] == [v[2].pk, v[1].pk, v[0].pk]
    response = client.post(action(world.session, "remove-item"), {"item": 999999}, format="json")
    assert (response.status_code, response.json()) == (400, {"item": ["Not an item of this session."]})


def test_artists_change_no_playlist(world):
    client = api(world, "artist")
    ids = [item.pk for item in world.items()]
    assert client.post(action(world.session, "reorder"), {"items": ids[::-1]}, format="json").status_code == 403
    assert client.post(action(world.session, "remove-item"), {"item": ids[0]}, format="json").status_code == 403
    assert client.post(action(world.session, "release")).status_code == 403
    assert client.post(action(world.session, "send-notes")).status_code == 403
    assert [item.pk for item in world.items()] == ids


def test_release_and_send_notes(world, django_capture_on_commit_callbacks):
    client = api(world, "producer")
    response = client.post(action(world.session, "release"))
    assert (response.status_code, response.json()) == (
        400,
        {"kind": ["Only client sessions are released to the client; this one is internal."]},
    )
    response = client.post(action(world.client_session, "release"))
    assert response.status_code == 200 and response.json()["released_at"] is not None

    services.note_create(
        actor=world.people["coordinator"], version=world.versions[1], body="Tail", session=world.session
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action(world.session, "send-notes"))
    assert response.status_code == 200
    people = sorted(Digest.objects.values_list("person_id", flat=True))
    assert response.json() == {"queued": 2, "people": people}
    assert sorted(Digest.objects.values_list("person__username", flat=True)) == ["artist2", "supervisor"]


# --- Query counts -------------------------------------------------------------------------------------------


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_and_detail_make_a_fixed_number_of_queries(world):
    client = api(world, "coordinator")
    small = (count(client, LIST), count(client, detail(world.session)))
    for n in range(10):
        ReviewSessionFactory(show=world.show, date=DAY - dt.timedelta(days=n + 1))
        version = VersionFactory(
            task=TaskFactory(shot=ShotFactory(sequence=world.sequence), task_type=world.versions[0].task.task_type)
        )
        ReviewItemFactory(session=world.session, version=version, order=10 + n)
        NoteFactory(version=version, session=world.session, author=world.people["supervisor"])
    large = (count(client, LIST), count(client, detail(world.session)))
    # list: session, user, memberships, the page; detail: session, user, memberships, lookup, re-read, items
    assert (small, large) == ((4, 6), (4, 6))
