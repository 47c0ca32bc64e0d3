"""The session page: the version on the stage (image, movie or studio path), the playlist, the version's notes;
saving a note (and an outcome) through dailies.services.note_create; the notes list polled with a stamp; what each
role gets; note bodies as text; the strict CSP; and a fixed number of queries at two data sizes."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dailies import selectors, services
from dailies.models import Note, NoteCategory, RecipientKind, SessionKind, Version, VersionStatus
from shots.workflow import TaskStatus
from tests.dailies.factories import (
    NoteFactory,
    NoteRecipientFactory,
    ReviewItemFactory,
    ReviewSessionFactory,
    VersionFactory,
)
from tests.dailies.test_sessions import HTMX, SessionWorld, build_session_world, login
from tests.shots.factories import ShotFactory, TaskFactory
from tests.studio.test_csp import EXPECTED_POLICY, inspect, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> SessionWorld:
    return build_session_world()


def page_url(world, item=None) -> str:
    url = reverse("dailies:session_detail", args=[world.session.pk])
    return f"{url}?item={item.pk}" if item is not None else url


def note_url(world, item) -> str:
    return reverse("dailies:session_note_create", args=[world.session.pk, item.pk])


def notes_url(world, item, since: str = "") -> str:
    url = reverse("dailies:session_notes", args=[world.session.pk, item.pk])
    return f"{url}?since={since}" if since else url


def stage_item(body: str) -> int:
    return int(re.search(r'id="stage" class="stage" aria-labelledby="stage-title" data-item="(\d+)"', body).group(1))


def recipients(note: Note) -> list[tuple[str, str]]:
    return sorted((row.kind, row.person.username) for row in note.recipient_rows.select_related("person"))


# --- The page -------------------------------------------------------------------------------------------------


def test_the_page_opens_on_the_first_version_with_the_playlist_beside_it(client, world):
    response = login(client, world, "coordinator").get(page_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    items = world.items()
    assert stage_item(body) == items[0].pk
    assert re.findall(r'<li id="item-(\d+)" class="playlist-item', body) == [str(i.pk) for i in items]
    assert f'<li id="item-{items[0].pk}" class="playlist-item current"' in body
    assert 'id="note-form"' in body and 'id="approve-version"' in body and 'id="retake-version"' in body
    # To: the task's assignee; CC: the department's supervisor.
    assert "To: Ana Doe · CC: Sam Doe" in body


def test_item_in_the_url_puts_that_version_on_the_stage(client, world):
    items = world.items()
    body = login(client, world, "coordinator").get(page_url(world, items[2])).content.decode()
    assert stage_item(body) == items[2].pk
    assert 'SQ010_SH0010</a>\n          <span class="stage-task">Lighting</span>' in body
    # An item of no session of this page (removed since, or mistyped) opens the first one rather than failing.
    for query in ("?item=999999", "?item=abc", "?item="):
        body = client.get(page_url(world) + query).content.decode()
        assert stage_item(body) == items[0].pk


def test_a_playlist_link_asks_for_the_stage_alone(client, world):
    items = world.items()
    response = login(client, world, "coordinator").get(page_url(world, items[1]), headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="stage"')
    assert "playlist-items" not in body and "<html" not in body
    assert stage_item(body) == items[1].pk
    assert response["Vary"] == "HX-Request, Cookie"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("blocking.png", b"\x89PNG\r\n\x1a\n", '<img src="/media/versions/RBT/SQ010_SH0010/'),
        ("blocking.mov", b"\x00\x00\x00\x14ftypqt", '<video src="/media/versions/RBT/SQ010_SH0010/'),
        ("blocking.exr", b"v/1\x01", "Download "),
    ],
)
def test_uploaded_media_is_shown_as_image_movie_or_download(client, world, name, content, expected):
    version = world.versions[0]
    version.studio_path = ""
    version.media.save(name, ContentFile(content))
    body = login(client, world, "coordinator").get(page_url(world)).content.decode()
    assert expected in body
    if name.endswith(".mov"):
        assert 'controls preload="metadata"' in body
    assert 'class="copy-path"' not in body


def test_a_studio_path_is_shown_large_with_a_copy_button(client, world):
    body = login(client, world, "coordinator").get(page_url(world)).content.decode()
    path = world.versions[0].studio_path
    assert f'<code id="studio-path-{world.versions[0].pk}" class="path-large">{path}</code>' in body
    assert f'data-copy="#studio-path-{world.versions[0].pk}"' in body


def test_the_versions_notes_are_listed_newest_first_with_recipients(client, world):
    p, v = world.people, world.versions
    older = NoteFactory(version=v[0], session=world.session, author=p["supervisor"], body="Older note")
    Note.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    newer = services.note_create(actor=p["coordinator"], version=v[0], body="Newer note", session=world.session)
    elsewhere = ReviewSessionFactory(show=world.show, name="Last week")
    NoteFactory(version=v[0], session=elsewhere, author=p["supervisor"], body="From last week")
    NoteFactory(version=v[1], session=world.session, author=p["supervisor"], body="On another version")
    body = login(client, world, "coordinator").get(page_url(world)).content.decode()
    listed = re.findall(r'<p class="note-body">([^<]*)</p>', body)
    assert listed == ["From last week", "Newer note", "Older note"]
    assert "in Last week" in body
    assert f'id="note-{newer.pk}"' in body
    assert "To: Ana Doe · CC: Sam Doe" in body


def test_note_bodies_holding_html_or_script_show_as_text(client, world):
    services.note_create(
        actor=world.people["coordinator"],
        version=world.versions[0],
        body='<script>alert("x")</script><b onmouseover="x()">bold</b>',
        session=world.session,
    )
    for url, headers in ((page_url(world), {}), (notes_url(world, world.items()[0]), HTMX)):
        body = login(client, world, "coordinator").get(url, headers=headers).content.decode()
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b onmouseover=&quot;x()&quot;&gt;bold&lt;/b&gt;"
            in body
        )
        assert "<script>alert" not in body and "<b onmouseover" not in body


def test_artists_read_the_session_without_the_note_box_or_playlist_tools(client, world):
    held = services.note_create(
        actor=world.people["coordinator"],
        version=world.versions[0],
        body="Held for the client",
        category=NoteCategory.CLIENT,
        session=world.session,
    )
    response = login(client, world, "artist").get(page_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="note-form"' not in body and "item-tools" not in body and "Send notes now" not in body
    assert "Add versions" not in body and 'draggable="true"' not in body
    assert held.body not in body


def test_clients_see_released_client_sessions_only(client, world):
    client_session = ReviewSessionFactory(show=world.show, kind=SessionKind.CLIENT, name="Client look")
    ReviewItemFactory(session=client_session, version=world.versions[0])
    login(client, world, "client")
    assert client.get(page_url(world)).status_code == 404
    detail = reverse("dailies:session_detail", args=[client_session.pk])
    assert client.get(detail).status_code == 404
    services.session_release(actor=world.people["producer"], session=client_session)
    published = services.note_create(
        actor=world.people["coordinator"],
        version=world.versions[0],
        body="Client says: lovely",
        category=NoteCategory.CLIENT,
        session=client_session,
    )
    services.note_publish(actor=world.people["coordinator"], notes=[published])
    NoteFactory(version=world.versions[0], session=world.session, author=world.people["supervisor"], body="Arc: floaty")
    body = client.get(detail).content.decode()
    assert "Client says: lovely" in body
    assert "Arc: floaty" not in body
    assert 'id="note-form"' not in body


def test_strangers_get_a_404(client, world):
    login(client, world, "stranger")
    assert client.get(page_url(world)).status_code == 404
    assert client.post(note_url(world, world.items()[0]), {"body": "x", "category": "internal"}).status_code == 404


# --- Saving notes -------------------------------------------------------------------------------------------


def post_note(client, world, item, **data):
    values = {"body": "", "category": "internal", "status_change": ""} | data
    return client.post(note_url(world, item), values, headers=HTMX)


def test_a_note_is_saved_for_its_version_and_session_with_the_default_recipients(client, world):
    item = world.items()[0]
    response = post_note(login(client, world, "coordinator"), world, item, body="  Arc is floaty.\nFix the tail. ")
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"notes-changed": {"item": item.pk}}
    # The item's playlist row, out of band, with its new note count.
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li id="item-{item.pk}" class="playlist-item" data-item-id="{item.pk}"')
    assert (
        'hx-swap-oob="true"' in body
        and '<span class="badge" title="Notes in this session">1<span class="visually-hidden"> note</span>' in body
    )
    note = Note.objects.get()
    assert (note.version, note.session, note.author.username, note.body, note.category, note.is_published) == (
        world.versions[0],
        world.session,
        "coordinator",
        "Arc is floaty.\nFix the tail.",
        NoteCategory.INTERNAL,
        True,
    )
    assert recipients(note) == [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist")]


def test_approve_and_retake_are_notes_with_a_status_change(client, world):
    first, second, _ = world.items()
    login(client, world, "coordinator")
    assert post_note(client, world, first, status_change="approve").status_code == 200
    assert post_note(client, world, second, body="Needs anticipation.", status_change="retake").status_code == 200
    approved, retaken = Note.objects.order_by("pk")
    assert (approved.body, approved.status_change, retaken.body, retaken.status_change) == (
        "Approved.",
        "approve",
        "Needs anticipation.",
        "retake",
    )
    v0, v1 = (Version.objects.select_related("task").get(pk=v.pk) for v in world.versions[:2])
    assert (v0.status, v0.task.status) == (VersionStatus.APPROVED, TaskStatus.APPROVED)
    assert (v1.status, v1.task.status, v1.task.retake_count) == (VersionStatus.RETAKE, TaskStatus.RETAKE, 1)
    assert recipients(retaken) == [(RecipientKind.CC, "supervisor"), (RecipientKind.TO, "artist2")]


def test_refusals_come_back_with_a_message_naming_the_problem(client, world):
    first = world.items()[0]
    login(client, world, "coordinator")
    response = post_note(client, world, first, body="   ")
    assert (response.status_code, response.content.decode().count("<li>Note: Write the note.</li>")) == (422, 1)
    post_note(client, world, first, status_change="approve")
    response = post_note(client, world, first, body="Again", status_change="retake")
    assert response.status_code == 422
    assert "Version: v001 is no longer waiting for review: it is Approved." in response.content.decode()
    response = post_note(client, world, first, body="x", category="gossip")
    assert "Category: Select a valid choice. gossip is not one of the available choices." in response.content.decode()
    assert Note.objects.count() == 1


def test_a_supervisor_writes_notes_everywhere_but_reviews_only_their_department(client, world):
    lighting_item = world.items()[2]
    login(client, world, "supervisor")  # Animation
    assert post_note(client, world, lighting_item, body="Nice light.").status_code == 200
    response = post_note(client, world, lighting_item, body="Approve it", status_change="approve")
    assert response.status_code == 403
    assert "You cannot" in response.content.decode()
    assert Note.objects.count() == 1
    assert Version.objects.get(pk=world.versions[2].pk).status == VersionStatus.PENDING_REVIEW


@pytest.mark.parametrize(("role", "status"), [("artist", 403), ("client", 404)])
def test_artists_and_clients_write_no_notes_here(client, world, role, status):
    response = post_note(login(client, world, role), world, world.items()[0], body="Me too")
    assert response.status_code == status
    assert Note.objects.count() == 0


def test_a_retry_of_a_note_the_server_already_has_does_not_store_it_twice(client, world):
    item = world.items()[1]
    login(client, world, "coordinator")
    assert post_note(client, world, item, body="Retake it", status_change="retake").status_code == 200
    # The answer was lost on the way back; the page sends it again, marked as a retry.
    assert post_note(client, world, item, body="Retake it", status_change="retake", retry="1").status_code == 200
    assert Note.objects.count() == 1
    assert Version.objects.get(pk=world.versions[1].pk).task.retake_count == 1
    # Not a retry: the same words again are a second note.
    assert post_note(client, world, item, body="Retake it").status_code == 200
    assert Note.objects.count() == 2


def test_without_htmx_a_note_goes_back_to_the_page_and_a_refusal_keeps_the_text(client, world):
    item = world.items()[0]
    login(client, world, "coordinator")
    response = client.post(note_url(world, item), {"body": "Plain post", "category": "internal"})
    assert (response.status_code, response["Location"]) == (302, f"/dailies/{world.session.pk}/?item={item.pk}")
    response = client.post(note_url(world, item), {"body": "Keep me", "category": "nope"})
    assert response.status_code == 400
    body = response.content.decode()
    assert ">Keep me</textarea>" in body
    assert "Category: Select a valid choice." in body


def test_a_client_session_writes_held_client_notes_by_default(client, world):
    client_session = ReviewSessionFactory(show=world.show, kind=SessionKind.CLIENT, name="Client look")
    item = ReviewItemFactory(session=client_session, version=world.versions[0])
    login(client, world, "coordinator")
    body = client.get(reverse("dailies:session_detail", args=[client_session.pk])).content.decode()
    assert '<option value="client" selected>Client</option>' in body
    assert "client notes are held until production publishes them" in body
    assert '<a class="button" href="/shows/RBT/held-notes/">Held client notes</a>' in body
    assert 'id="release-session"' in body
    client.force_login(world.people["supervisor"])  # a reviewer, but not one who publishes held notes
    body = client.get(reverse("dailies:session_detail", args=[client_session.pk])).content.decode()
    assert "Held client notes" not in body and 'id="release-session"' in body
    login(client, world, "coordinator")
    url = reverse("dailies:session_note_create", args=[client_session.pk, item.pk])
    assert client.post(url, {"body": "Director: love it", "category": "client"}, headers=HTMX).status_code == 200
    assert Note.objects.get().is_published is False


# --- The notes list, polled -----------------------------------------------------------------------------------


def test_an_unchanged_notes_list_is_answered_with_no_content(client, world):
    item = world.items()[0]
    login(client, world, "coordinator")
    stamp = selectors.version_notes_stamp(world.people["coordinator"], world.versions[0])
    body = client.get(page_url(world)).content.decode()
    assert f'hx-get="{notes_url(world, item, stamp)}" hx-trigger="every 3s, notes-changed from:body"' in body
    response = client.get(notes_url(world, item, stamp), headers=HTMX)
    assert (response.status_code, response.content) == (204, b"")
    # Someone else writes a note: the next poll brings the list, with the item's playlist row out of band.
    services.note_create(
        actor=world.people["supervisor"], version=world.versions[0], body="From the room", session=world.session
    )
    response = client.get(notes_url(world, item, stamp), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "From the room" in body
    new_stamp = selectors.version_notes_stamp(world.people["coordinator"], world.versions[0])
    assert new_stamp != stamp and f"?since={new_stamp}" in body
    assert f'<li id="item-{item.pk}" class="playlist-item current" data-item-id="{item.pk}"' in body
    assert 'hx-swap-oob="true"' in body
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_the_stamp_follows_what_the_person_may_see(world):
    artist, coordinator = world.people["artist"], world.people["coordinator"]
    version = world.versions[0]
    before = (selectors.version_notes_stamp(artist, version), selectors.version_notes_stamp(coordinator, version))
    held = services.note_create(
        actor=coordinator, version=version, body="Held", category=NoteCategory.CLIENT, session=world.session
    )
    assert selectors.version_notes_stamp(artist, version) == before[0]  # a held note changes nothing for artists
    assert selectors.version_notes_stamp(coordinator, version) != before[1]
    services.note_publish(actor=coordinator, notes=[held])
    assert selectors.version_notes_stamp(artist, version) != before[0]


# --- Query counts -------------------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """n more versions in the session, each with two notes (To and CC, one with an image), and notes elsewhere."""
    p = world.people
    first = 5000 + len(world.items())
    for i in range(n):
        task = TaskFactory(
            shot=ShotFactory(sequence=world.sequence, code=f"SQ010_SH{first + i:04d}"),
            task_type=world.tasks[0].task_type,
            status=TaskStatus.PENDING_REVIEW,
            assignees=[p["artist"], p["artist2"]],
        )
        version = VersionFactory(task=task, number=1, author=p["artist"])
        ReviewItemFactory(session=world.session, version=version, order=100 + i)
        for target in (version, world.versions[0]):
            note = NoteFactory(version=target, session=world.session, author=p["supervisor"], body=f"Note {i}")
            NoteRecipientFactory(note=note, person=p["artist"])
            NoteRecipientFactory(note=note, person=p["artist2"], kind=RecipientKind.CC)
            note.attachments.create(file=ContentFile(b"\x89PNG\r\n\x1a\n", name=f"sketch-{i}.png"))


def count(client, url, headers=None, status=200) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers or {})
    assert response.status_code == status
    return len(captured.captured_queries)


def counts_at_two_sizes(client, world, url, headers=None, status=200) -> tuple[int, int]:
    grow(world, 2)
    small = count(client, url, headers, status)
    grow(world, 12)
    return small, count(client, url, headers, status)


# session, user, memberships; the session, the playlist (note counts in it), the notes, their recipients, their
# attachments, the stamp, To (assignees) and CC (supervisors); the unread count in the header.
@pytest.mark.parametrize(("role", "queries"), [("coordinator", 12), ("supervisor", 12), ("artist", 10)])
def test_the_session_page_makes_a_fixed_number_of_queries(client, world, role, queries):
    login(client, world, role)
    assert counts_at_two_sizes(client, world, page_url(world)) == (queries, queries)


def test_the_stage_alone_makes_a_fixed_number_of_queries(client, world):
    login(client, world, "coordinator")
    # No playlist and no header: the current item instead, and nothing for the unread count.
    url = page_url(world, world.items()[0])
    assert counts_at_two_sizes(client, world, url, HTMX) == (11, 11)


def test_a_poll_makes_a_fixed_number_of_queries(client, world):
    item = world.items()[0]
    login(client, world, "coordinator")
    # Changed: session, user, memberships, the session, the item, the stamp, notes, recipients, attachments.
    assert counts_at_two_sizes(client, world, notes_url(world, item, "old"), HTMX) == (9, 9)
    # Unchanged: the same up to the stamp, and nothing more.
    stamp = selectors.version_notes_stamp(world.people["coordinator"], world.versions[0])
    assert count(client, notes_url(world, item, stamp), HTMX, status=204) == 6


# --- CSP ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "htmx"),
    [
        (lambda w: page_url(w), False),
        (lambda w: page_url(w, w.items()[1]), True),
        (lambda w: notes_url(w, w.items()[0]), True),
        (lambda w: reverse("dailies:session_playlist", args=[w.session.pk]), True),
        (lambda w: reverse("dailies:session_sheet", args=[w.session.pk]), False),
        (lambda w: reverse("dailies:session_create", args=["RBT"]), False),
        (lambda w: reverse("dailies:session_version_search", args=[w.session.pk]) + "?q=SH", True),
    ],
)
def test_session_pages_need_no_inline_code(client, world, url, htmx):
    services.note_create(
        actor=world.people["coordinator"], version=world.versions[0], body="<script>x()</script>", session=world.session
    )
    response = login(client, world, "coordinator").get(url(world), headers=HTMX if htmx else {})
    assert response.status_code == 200
    assert policy(response) == EXPECTED_POLICY
    found = inspect(response)
    assert found.problems == []
    assert found.scripts == (
        [] if htmx else ["/static/django_htmx/htmx-2.min.js", "/static/js/slate.js", "/static/js/dailies.js"]
    )
