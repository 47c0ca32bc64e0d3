"""Review sessions: building one (the services and the page), changing its playlist (add, remove, move, reorder),
releasing it, sending its notes, and its notes sheet (page and CSV). The session page itself, its notes and its
keyboard are in test_session_page.py; the API in test_api_sessions.py.

`build_session_world` is shared with those modules: one show with a person in every role, three versions waiting for
review (two Animation, one Lighting) on three shots, and an internal session showing them; another show with its own
version, so a session never takes versions across shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dailies import services
from dailies.models import Digest, Note, NoteCategory, ReviewItem, ReviewSession, SessionKind, Version, VersionStatus
from shots.workflow import TaskStatus
from studio.models import Department, Person, Role, Show
from tests.dailies.factories import (
    NoteFactory,
    NoteRecipientFactory,
    ReviewItemFactory,
    ReviewSessionFactory,
    VersionFactory,
)
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 23)
STAFF = ["artist", "supervisor", "coordinator", "production_manager", "producer"]
REVIEWERS = ["supervisor", "coordinator", "production_manager", "producer", "admin"]


@dataclass
class SessionWorld:
    show: Show
    other_show: Show
    animation: Department
    lighting: Department
    people: dict[str, Person]
    sequence: object
    sequence_2: object
    tasks: list  # Animation SH0010, Animation SH0020 (SQ020), Lighting SH0010; all pending review
    versions: list[Version]  # one per task, in that order
    other_version: Version  # on the other show
    session: ReviewSession  # internal, on DAY, showing `versions` in order

    def items(self, session=None) -> list[ReviewItem]:
        return list(ReviewItem.objects.filter(session=session or self.session).order_by("order", "pk"))

    def playlist(self, session=None) -> list[tuple[int, int]]:
        """(order, version id) of the session's items."""
        return [(item.order, item.version_id) for item in self.items(session)]


def build_session_world() -> SessionWorld:
    show = ShowFactory(code="RBT", name="Robot Holiday")
    other_show = ShowFactory(code="OTH", name="Other Show")
    animation = DepartmentFactory(name="Animation", code="ANI", order=1)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=2)
    people = {}
    for name, first, role, department in [
        ("artist", "Ana", Role.ARTIST, animation),
        ("artist2", "Ben", Role.ARTIST, animation),
        ("lighter", "Lou", Role.ARTIST, lighting),
        ("supervisor", "Sam", Role.SUPERVISOR, animation),
        ("lighting_supervisor", "Lena", Role.SUPERVISOR, lighting),
        ("coordinator", "Cora", Role.COORDINATOR, None),
        ("production_manager", "Pia", Role.PRODUCTION_MANAGER, None),
        ("producer", "Pete", Role.PRODUCER, None),
        ("client", "Cleo", Role.CLIENT, None),
        ("admin", "Adam", Role.ADMIN, None),
    ]:
        people[name] = PersonFactory(
            username=name,
            first_name=first,
            last_name="Doe",
            role=role,
            department=department,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        if role != Role.ADMIN:
            MembershipFactory(person=people[name], show=show)
    people["stranger"] = PersonFactory(username="stranger", first_name="Otto", role=Role.PRODUCER)
    MembershipFactory(person=people["stranger"], show=other_show)

    anim = TaskTypeFactory(name="Animation", department=animation, order=4)
    light = TaskTypeFactory(name="Lighting", department=lighting, order=6)
    sequence = SequenceFactory(show=show, code="SQ010", order=1)
    sequence_2 = SequenceFactory(show=show, code="SQ020", order=2)
    shot_1 = ShotFactory(sequence=sequence, code="SQ010_SH0010", order=1)
    shot_2 = ShotFactory(sequence=sequence_2, code="SQ020_SH0020", order=1)
    tasks = [
        TaskFactory(shot=shot_1, task_type=anim, status=TaskStatus.PENDING_REVIEW, assignees=[people["artist"]]),
        TaskFactory(shot=shot_2, task_type=anim, status=TaskStatus.PENDING_REVIEW, assignees=[people["artist2"]]),
        TaskFactory(shot=shot_1, task_type=light, status=TaskStatus.PENDING_REVIEW, assignees=[people["lighter"]]),
    ]
    versions = [
        VersionFactory(task=task, number=n, author=task.assignees.first()) for n, task in enumerate(tasks, start=1)
    ]
    other_task = TaskFactory(
        shot=ShotFactory(sequence=SequenceFactory(show=other_show, code="SQ010"), code="SQ010_SH0010"),
        task_type=anim,
        status=TaskStatus.PENDING_REVIEW,
    )
    other_version = VersionFactory(task=other_task, number=1)
    session = ReviewSessionFactory(show=show, name="Anim dailies", date=DAY, created_by=people["coordinator"])
    for order, version in enumerate(versions, start=1):
        ReviewItemFactory(session=session, version=version, order=order)
    return SessionWorld(
        show=show,
        other_show=other_show,
        animation=animation,
        lighting=lighting,
        people=people,
        sequence=sequence,
        sequence_2=sequence_2,
        tasks=tasks,
        versions=versions,
        other_version=other_version,
        session=session,
    )


@pytest.fixture
def world() -> SessionWorld:
    return build_session_world()


def login(client, world: SessionWorld, name: str):
    client.force_login(world.people[name])
    return client


HTMX = {"HX-Request": "true"}


# --- Services: building a session ---------------------------------------------------------------------------


def test_a_coordinator_builds_a_session_with_versions_in_the_order_given(world):
    v = world.versions
    session = services.session_create(
        actor=world.people["coordinator"],
        show=world.show,
        date=DAY,
        name="  Morning dailies ",
        kind=SessionKind.CLIENT,
        versions=[v[2], v[0]],
    )
    session.refresh_from_db()
    assert (session.name, session.date, session.kind, session.created_by, session.released_at) == (
        "Morning dailies",
        DAY,
        SessionKind.CLIENT,
        world.people["coordinator"],
        None,
    )
    assert world.playlist(session) == [(1, v[2].pk), (2, v[0].pk)]


def test_a_session_may_start_empty(world):
    session = services.session_create(actor=world.people["supervisor"], show=world.show, date=DAY, name="By hand")
    assert world.playlist(session) == []


@pytest.mark.parametrize("role", ["artist", "client", "stranger"])
def test_only_the_shows_reviewers_build_sessions(world, role):
    with pytest.raises(PermissionDenied):
        services.session_create(actor=world.people[role], show=world.show, date=DAY, name="Nope")
    assert ReviewSession.objects.filter(name="Nope").count() == 0


def test_a_version_of_another_show_is_refused_by_name_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as refused:
        services.session_create(
            actor=world.people["admin"],
            show=world.show,
            date=DAY,
            name="Mixed",
            versions=[world.versions[0], world.other_version],
        )
    assert refused.value.message_dict == {"versions": ["Not on RBT: SQ010_SH0010 Animation v001."]}
    assert ReviewSession.objects.filter(name="Mixed").count() == 0


def test_a_version_the_actor_cannot_see_reads_as_missing(world):
    with pytest.raises(ValidationError) as refused:
        services.session_create(
            actor=world.people["coordinator"], show=world.show, date=DAY, name="X", versions=[world.other_version]
        )
    assert refused.value.message_dict == {"versions": [f"No such version: {world.other_version.pk}."]}


def test_a_blank_name_and_an_unknown_kind_are_named(world):
    with pytest.raises(ValidationError) as refused:
        services.session_create(actor=world.people["coordinator"], show=world.show, date=DAY, name=" ", kind="weekly")
    assert set(refused.value.message_dict) == {"name", "kind"}


# --- Services: changing the playlist ------------------------------------------------------------------------


def test_adding_appends_new_versions_and_leaves_those_already_there(world):
    v = world.versions
    session = services.session_create(
        actor=world.people["coordinator"], show=world.show, date=DAY, name="S", versions=[v[1]]
    )
    added = services.session_add_versions(actor=world.people["supervisor"], session=session, versions=[v[0], v[1]])
    assert [item.version_id for item in added] == [v[0].pk]
    assert world.playlist(session) == [(1, v[1].pk), (2, v[0].pk)]


def test_removing_renumbers_the_playlist(world):
    v = world.versions
    items = world.items()
    services.session_remove_item(actor=world.people["coordinator"], session=world.session, item=items[0])
    assert world.playlist() == [(1, v[1].pk), (2, v[2].pk)]


def test_a_version_with_notes_in_the_session_stays(world):
    items = world.items()
    NoteFactory(version=world.versions[0], session=world.session, author=world.people["coordinator"])
    with pytest.raises(ValidationError) as refused:
        services.session_remove_item(actor=world.people["coordinator"], session=world.session, item=items[0])
    assert refused.value.message_dict == {
        "item": ["SQ010_SH0010 Animation v001 has notes in this session: it stays on the notes sheet."]
    }
    assert len(world.items()) == 3


def test_reordering_takes_every_item_exactly_once(world):
    v = world.versions
    a, b, c = (item.pk for item in world.items())
    services.session_reorder(actor=world.people["producer"], session=world.session, item_ids=[c, a, b])
    assert world.playlist() == [(1, v[2].pk), (2, v[0].pk), (3, v[1].pk)]
    with pytest.raises(ValidationError) as refused:
        services.session_reorder(actor=world.people["producer"], session=world.session, item_ids=[a, a, 999999])
    assert refused.value.message_dict == {
        "item_ids": [
            f"Send every item of the session exactly once (items named twice: {a}; not in this session: 999999; "
            f"missing: {c}, {b})."
        ]
    }
    assert world.playlist() == [(1, v[2].pk), (2, v[0].pk), (3, v[1].pk)]


def test_moving_stops_at_either_end(world):
    v = world.versions
    first, _, last = world.items()
    services.session_move_item(actor=world.people["coordinator"], session=world.session, item=last, by=-1)
    assert world.playlist() == [(1, v[0].pk), (2, v[2].pk), (3, v[1].pk)]
    services.session_move_item(actor=world.people["coordinator"], session=world.session, item=first, by=-1)
    services.session_move_item(actor=world.people["coordinator"], session=world.session, item=last, by=-5)
    assert world.playlist() == [(1, v[2].pk), (2, v[0].pk), (3, v[1].pk)]


@pytest.mark.parametrize("role", ["artist", "client", "stranger"])
def test_only_reviewers_change_the_playlist(world, role):
    items = world.items()
    person = world.people[role]
    for change in (
        lambda: services.session_add_versions(actor=person, session=world.session, versions=[world.versions[0]]),
        lambda: services.session_remove_item(actor=person, session=world.session, item=items[0]),
        lambda: services.session_reorder(actor=person, session=world.session, item_ids=[i.pk for i in items][::-1]),
        lambda: services.session_move_item(actor=person, session=world.session, item=items[0], by=1),
        lambda: services.session_release(actor=person, session=world.session),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert world.playlist() == [(n, v.pk) for n, v in enumerate(world.versions, start=1)]


def test_a_closed_session_keeps_its_playlist_until_reopened(world):
    session = services.session_update(actor=world.people["coordinator"], session=world.session, is_closed=True)
    with pytest.raises(ValidationError) as refused:
        services.session_add_versions(actor=world.people["coordinator"], session=session, versions=[world.versions[0]])
    assert refused.value.message_dict == {"session": ["This session is closed: reopen it to change its versions."]}
    session = services.session_update(actor=world.people["coordinator"], session=session, is_closed=False)
    services.session_move_item(actor=world.people["coordinator"], session=session, item=world.items()[0], by=1)


def test_release_is_for_client_sessions_and_keeps_the_first_time(world):
    with pytest.raises(ValidationError) as refused:
        services.session_release(actor=world.people["coordinator"], session=world.session)
    assert refused.value.message_dict == {
        "kind": ["Only client sessions are released to the client; this one is internal."]
    }
    client_session = ReviewSessionFactory(show=world.show, kind=SessionKind.CLIENT)
    first = services.session_release(actor=world.people["producer"], session=client_session).released_at
    assert first is not None
    assert services.session_release(actor=world.people["coordinator"], session=client_session).released_at == first
    with pytest.raises(ValidationError) as refused:
        services.session_update(actor=world.people["coordinator"], session=client_session, kind=SessionKind.INTERNAL)
    assert refused.value.message_dict == {
        "kind": ["This session was released to the client: it stays a client session."]
    }


# --- The session list -----------------------------------------------------------------------------------------


def test_the_list_links_each_session_and_offers_new_sessions_to_reviewers(client, world):
    body = login(client, world, "coordinator").get(reverse("dailies:session_list")).content.decode()
    assert f'<a href="/dailies/{world.session.pk}/">Anim dailies</a>' in body
    assert 'href="/shows/RBT/dailies/new/"' in body
    client.logout()
    body = login(client, world, "artist").get(reverse("dailies:session_list")).content.decode()
    assert f'<a href="/dailies/{world.session.pk}/">Anim dailies</a>' in body
    assert "/dailies/new/" not in body


def count_queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


def grow_sessions(world, n: int) -> None:
    for i in range(n):
        session = ReviewSessionFactory(show=world.show, date=DAY - dt.timedelta(days=i + 1))
        for version in world.versions:
            ReviewItemFactory(session=session, version=version)


def test_the_list_makes_a_fixed_number_of_queries(client, world):
    login(client, world, "coordinator")
    grow_sessions(world, 2)
    small = count_queries(client, reverse("dailies:session_list"))
    grow_sessions(world, 12)
    large = count_queries(client, reverse("dailies:session_list"))
    # session, user, memberships, the unread count, the sessions, the shows to build sessions on
    assert (small, large) == (6, 6)


# --- Building a session: the page ---------------------------------------------------------------------------

NEW = "/shows/RBT/dailies/new/"


def test_the_form_offers_the_shows_pending_versions_ticked_in_shot_order(client, world):
    v = world.versions
    v[0].status = VersionStatus.APPROVED  # reviewed already: not offered
    v[0].save()
    response = login(client, world, "coordinator").get(NEW)
    assert response.status_code == 200
    assert [version.pk for version in response.context["candidates"]] == [v[2].pk, v[1].pk]
    body = response.content.decode()
    assert f'name="versions" value="{v[2].pk}" id="version-{v[2].pk}" checked' in body
    assert str(world.other_version.pk) not in [str(c.pk) for c in response.context["candidates"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("department={animation}", [0, 1]),
        ("department={lighting}", [2]),
        ("sequence={sequence_2}", [1]),
        ("task_type={lighting_type}", [2]),
        ("department={animation}&sequence={sequence}", [0]),
    ],
)
def test_filters_narrow_the_versions_offered(client, world, query, expected):
    ids = {
        "animation": world.animation.pk,
        "lighting": world.lighting.pk,
        "sequence": world.sequence.pk,
        "sequence_2": world.sequence_2.pk,
        "lighting_type": world.tasks[2].task_type_id,
    }
    response = login(client, world, "coordinator").get(f"{NEW}?{query.format(**ids)}", headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="candidates"')
    assert ticked_versions(body) == [world.versions[i].pk for i in expected]


def ticked_versions(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="versions" value="(\d+)"', body)]


def test_creating_a_session_from_ticked_versions(client, world):
    v = world.versions
    response = login(client, world, "supervisor").post(
        NEW, {"date": "2026-11-24", "name": "", "kind": "internal", "versions": [v[1].pk, v[2].pk, v[0].pk]}
    )
    session = ReviewSession.objects.get(date=dt.date(2026, 11, 24))
    assert response.status_code == 302
    assert response["Location"] == f"/dailies/{session.pk}/"
    assert (session.name, session.kind, session.created_by) == (
        "Dailies Tue 24 Nov",
        "internal",
        world.people["supervisor"],
    )
    # The form lists the versions in shot order (SQ010_SH0010 Animation, its Lighting, SQ020_SH0020); so does the
    # session.
    assert world.playlist(session) == [(1, v[0].pk), (2, v[2].pk), (3, v[1].pk)]


def test_bad_input_comes_back_with_messages_naming_the_fields(client, world):
    response = login(client, world, "coordinator").post(
        NEW, {"date": "24/13/2026", "name": "x" * 130, "kind": "weekly", "versions": [world.other_version.pk]}
    )
    assert response.status_code == 400
    assert response.context["errors"] == [
        "Date: Enter a valid date.",
        "Name: Ensure this value has at most 120 characters (it has 130).",
        "Kind: Select a valid choice. weekly is not one of the available choices.",
        f"Versions: Version {world.other_version.pk} is not a version of this show you can see.",
    ]
    assert ReviewSession.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("artist", 403), ("client", 404), ("stranger", 404), ("producer", 200)])
def test_the_form_is_for_the_shows_reviewers(client, world, role, status):
    assert login(client, world, role).get(NEW).status_code == status
    assert login(client, world, role).post(NEW, {"date": "2026-11-24", "kind": "internal"}).status_code in (
        status,
        302,
    )


def test_the_form_makes_a_fixed_number_of_queries(client, world):
    login(client, world, "coordinator")
    small = count_queries(client, NEW)
    for n in range(10):
        task = TaskFactory(
            shot=ShotFactory(sequence=world.sequence, code=f"SQ010_SH9{n:03d}"),
            task_type=world.tasks[0].task_type,
            status=TaskStatus.PENDING_REVIEW,
        )
        VersionFactory(task=task, number=1)
    large = count_queries(client, NEW)
    # session, user, memberships, the show, departments, sequences, task types, candidates, the unread count
    assert (small, large) == (9, 9)


# --- The playlist from the page -----------------------------------------------------------------------------


def url(name: str, world: SessionWorld, item=None) -> str:
    args = [world.session.pk] + ([item.pk] if item is not None else [])
    return reverse(f"dailies:{name}", args=args)


def test_the_arrow_buttons_move_an_item_and_return_the_playlist(client, world):
    v = world.versions
    last = world.items()[2]
    response = login(client, world, "coordinator").post(
        url("session_item_move", world, last), {"direction": "up"}, headers=HTMX
    )
    assert response.status_code == 200
    assert world.playlist() == [(1, v[0].pk), (2, v[2].pk), (3, v[1].pk)]
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="playlist"')
    assert body.index(f'id="item-{last.pk}"') < body.index(f'id="item-{world.items()[2].pk}"')


def test_a_drag_posts_the_whole_order(client, world):
    v = world.versions
    a, b, c = (item.pk for item in world.items())
    response = login(client, world, "coordinator").post(
        url("session_reorder", world), {"item": [b, c, a]}, headers=HTMX
    )
    assert response.status_code == 200
    assert world.playlist() == [(1, v[1].pk), (2, v[2].pk), (3, v[0].pk)]


def test_a_stale_order_is_refused_and_the_current_playlist_comes_back(client, world):
    a, b, _ = (item.pk for item in world.items())
    response = login(client, world, "coordinator").post(url("session_reorder", world), {"item": [b, a]}, headers=HTMX)
    assert response.status_code == 200
    assert "Not reordered: Send every item of the session exactly once" in response.content.decode()
    assert world.playlist() == [(n, ver.pk) for n, ver in enumerate(world.versions, start=1)]
    response = client.post(url("session_reorder", world), {"item": ["first", a]}, headers=HTMX)
    assert "Item: &#x27;first&#x27; is not the id of a session item." in response.content.decode()


def test_adding_by_hand_finds_versions_not_in_the_session(client, world):
    login(client, world, "coordinator")
    extra_task = TaskFactory(
        shot=ShotFactory(sequence=world.sequence, code="SQ010_SH0300"), task_type=world.tasks[0].task_type
    )
    extra = VersionFactory(task=extra_task, number=2)
    response = client.get(url("session_version_search", world) + "?q=SH0300&pending=on", headers=HTMX)
    assert re.findall(r'id="add-version-(\d+)"', response.content.decode()) == [str(extra.pk)]
    response = client.get(url("session_version_search", world) + "?q=SH0010&pending=on", headers=HTMX)
    # Both SH0010 versions are in the session already.
    assert "No version matches “SH0010”." in response.content.decode()
    response = client.post(url("session_items_add", world), {"version": extra.pk}, headers=HTMX)
    assert response["HX-Trigger"] == "versions-added"
    assert "Added 1 version at the end." in response.content.decode()
    assert world.playlist()[-1] == (4, extra.pk)
    response = client.post(url("session_items_add", world), {"version": world.other_version.pk}, headers=HTMX)
    assert f"No such version: {world.other_version.pk}." in response.content.decode()


def test_removing_from_the_page_says_why_it_cannot(client, world):
    first = world.items()[0]
    NoteFactory(version=first.version, session=world.session, author=world.people["coordinator"])
    response = login(client, world, "coordinator").post(url("session_item_remove", world, first), headers=HTMX)
    assert "has notes in this session: it stays on the notes sheet." in response.content.decode()
    second = world.items()[1]
    response = client.post(url("session_item_remove", world, second))  # no htmx: back to the page
    assert (response.status_code, response["Location"]) == (302, f"/dailies/{world.session.pk}/")
    assert len(world.items()) == 2


@pytest.mark.parametrize(("role", "status"), [("artist", 403), ("client", 404), ("stranger", 404)])
def test_playlist_changes_are_refused_to_non_reviewers(client, world, role, status):
    items = world.items()
    login(client, world, role)
    answers = [
        client.post(url("session_items_add", world), {"version": world.versions[0].pk}).status_code,
        client.post(url("session_item_remove", world, items[0])).status_code,
        client.post(url("session_item_move", world, items[0]), {"direction": "down"}).status_code,
        client.post(url("session_reorder", world), {"item": [i.pk for i in items][::-1]}).status_code,
        client.post(url("session_release", world)).status_code,
        client.post(url("session_send_notes", world)).status_code,
        client.get(url("session_version_search", world)).status_code,
    ]
    assert answers == [status] * 7
    assert world.playlist() == [(n, v.pk) for n, v in enumerate(world.versions, start=1)]


# --- After the session ----------------------------------------------------------------------------------------


def test_release_from_the_page(client, world):
    client_session = ReviewSessionFactory(show=world.show, kind=SessionKind.CLIENT, name="Client look")
    response = login(client, world, "producer").post(
        reverse("dailies:session_release", args=[client_session.pk]), headers=HTMX
    )
    assert response.status_code == 200
    assert "Released: the show&#x27;s clients see this session" in response.content.decode()
    client_session.refresh_from_db()
    assert client_session.released_at is not None
    response = client.post(url("session_release", world), headers=HTMX)
    assert "Only client sessions are released to the client" in response.content.decode()


def test_send_notes_now_queues_the_digests_of_the_sessions_recipients(
    client, world, django_capture_on_commit_callbacks
):
    services.note_create(
        actor=world.people["coordinator"], version=world.versions[0], body="Arc is floaty.", session=world.session
    )
    services.note_create(
        actor=world.people["coordinator"], version=world.versions[2], body="Warmer key.", session=world.session
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, world, "coordinator").post(url("session_send_notes", world), headers=HTMX)
    assert response.status_code == 200
    # To: the artist and the lighter; CC: the Animation and Lighting supervisors.
    assert "Queued the notes of 4 people: their digests go out now." in response.content.decode()
    assert sorted(Digest.objects.values_list("person__username", flat=True)) == [
        "artist",
        "lighter",
        "lighting_supervisor",
        "supervisor",
    ]
    response = client.post(url("session_send_notes", world), headers=HTMX)
    assert "Nobody has notes from this session waiting: nothing to send." in response.content.decode()


# --- The notes sheet ----------------------------------------------------------------------------------------


@pytest.fixture
def noted(world):
    """Three notes in the session (one a retake, one held for the client) and one in another session."""
    p, v = world.people, world.versions
    first = services.note_create(actor=p["supervisor"], version=v[0], body="Arc is floaty.", session=world.session)
    retake = services.note_create(
        actor=p["coordinator"], version=v[1], body="=SUM(A1) the tail", status_change="retake", session=world.session
    )
    held = services.note_create(
        actor=p["coordinator"],
        version=v[0],
        body="Client: trim the tail",
        category=NoteCategory.CLIENT,
        session=world.session,
    )
    elsewhere = ReviewSessionFactory(show=world.show, name="Yesterday")
    NoteRecipientFactory(
        note=NoteFactory(version=v[0], session=elsewhere, author=p["supervisor"], body="Old note"), person=p["artist"]
    )
    return first, retake, held


def test_the_sheet_groups_the_sessions_notes_by_shot(client, world, noted):
    first, retake, held = noted
    response = login(client, world, "coordinator").get(url("session_sheet", world))
    shots = response.context["shots"]
    assert [group.shot.code for group in shots] == ["SQ010_SH0010", "SQ020_SH0020"]
    assert [[(row.version.pk, [n.pk for n in row.notes]) for row in group.versions] for group in shots] == [
        [(world.versions[0].pk, [first.pk, held.pk]), (world.versions[2].pk, [])],
        [(world.versions[1].pk, [retake.pk])],
    ]
    body = response.content.decode()
    assert "Old note" not in body
    assert "4 versions" not in body and "3 versions, 3 notes" in body
    assert '<span class="chip held">Held</span>' in body


def test_artists_read_the_sheet_without_held_notes(client, world, noted):
    response = login(client, world, "artist").get(url("session_sheet", world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Arc is floaty." in body
    assert "Client: trim the tail" not in body


def test_the_csv_has_a_row_per_note_and_per_silent_version(client, world, noted):
    response = login(client, world, "coordinator").get(url("session_sheet_csv", world))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="RBT-2026-11-23-session-{world.session.pk}-notes.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:8] == ["session", "date", "sequence", "shot", "task type", "version", "version status", "artist"]
    table = [(r[3], r[4], r[5], r[8], r[10], r[11], r[12], r[13], r[15]) for r in rows[1:]]
    assert table == [
        ("SQ010_SH0010", "Animation", "v001", "Sam Doe", "", "", "Ana Doe", "", "Arc is floaty."),
        ("SQ010_SH0010", "Animation", "v001", "Cora Doe", "", "held", "Ana Doe", "Sam Doe", "Client: trim the tail"),
        ("SQ010_SH0010", "Lighting", "v003", "", "", "", "", "", ""),
        ("SQ020_SH0020", "Animation", "v002", "Cora Doe", "Retake", "", "Ben Doe", "Sam Doe", "'=SUM(A1) the tail"),
    ]


def test_the_sheet_makes_a_fixed_number_of_queries(client, world, noted):
    login(client, world, "coordinator")
    small = count_queries(client, url("session_sheet", world))
    for n in range(8):
        services.note_create(
            actor=world.people["coordinator"], version=world.versions[n % 3], body=f"Note {n}", session=world.session
        )
    large = count_queries(client, url("session_sheet", world))
    # session, user, memberships, the session, items, notes, their recipients, the unread count
    assert (small, large) == (8, 8)
    assert Note.objects.filter(session=world.session).count() == 11
