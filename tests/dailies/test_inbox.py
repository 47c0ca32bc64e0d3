"""The inbox page (newest first, unread marked, unread only, mark read, mark all read, load more), the header's
unread count, and the held client notes page (who sees it, publishing the ticked notes, a session's, all);
note bodies shown as text; every POST per role; fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dailies import selectors
from dailies.models import Note, NoteAttachment, NoteCategory, NoteRecipient, RecipientKind
from dailies.views import inbox as inbox_views
from tests import permission_world
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, VersionFactory
from tests.dailies.test_notes import build_cast
from tests.studio.test_csp import inspect
from tests.studio.test_views import parse

pytestmark = pytest.mark.django_db
world = permission_world.world  # the module-scoped fixture, for the POST matrix at the end

HTMX = {"HX-Request": "true"}
INBOX = "/inbox/"
T0 = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def cast():
    return build_cast()


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def note_to(cast, person, *, minutes: int, body: str = "", kind=RecipientKind.TO, read=False, **fields) -> Note:
    """A note written `minutes` after T0 by Sam, addressed to `person`."""
    fields.setdefault("version", cast.version)
    fields.setdefault("author", cast.people["sam"])
    note = NoteFactory(body=body or f"Note written at +{minutes} min", **fields)
    Note.objects.filter(pk=note.pk).update(created_at=T0 + dt.timedelta(minutes=minutes))
    NoteRecipientFactory(note=note, person=person, kind=kind, read_at=T0 if read else None)
    return note


@pytest.fixture
def anas_notes(cast):
    p = cast.people
    return {
        "oldest": note_to(cast, p["ana"], minutes=1, read=True, body="Old news, already read."),
        "cc": note_to(cast, p["ana"], minutes=2, kind=RecipientKind.CC, body="Copied: the lighting pass is in."),
        "newest": note_to(cast, p["ana"], minutes=3, body="Arc is floaty on the jump.", author=p["cora"]),
        "bens": note_to(cast, p["ben"], minutes=4, body="Only for Ben."),
        "held": note_to(
            cast,
            p["ana"],
            minutes=5,
            body="HELD: the director wants it shorter.",
            category=NoteCategory.CLIENT,
            is_published=False,
        ),
    }


def body_of(li) -> str:
    return li.find("p", cls="note-body").text


def items(page) -> list[tuple[str, str, str]]:
    """(id, unread or read, body) of each note on the page, in order."""
    return [
        (
            li.attrs["id"],
            "unread" if "unread" in li.attrs["class"].split() else "read",
            li.find("p", cls="note-body").text,
        )
        for li in page.find_all("li", cls="inbox-item")
    ]


def header_badge(page) -> str:
    return page.find("span", id="header-unread").text


# --- The page -------------------------------------------------------------------------------------------------


def test_the_inbox_lists_my_notes_newest_first_unread_marked(cast, anas_notes):
    n = anas_notes
    response = logged_in(cast.people["ana"]).get(INBOX)
    page = parse(response)
    assert response.status_code == 200
    assert items(page) == [
        (f"inbox-note-{n['newest'].pk}", "unread", "Arc is floaty on the jump."),
        (f"inbox-note-{n['cc'].pk}", "unread", "Copied: the lighting pass is in."),
        (f"inbox-note-{n['oldest'].pk}", "read", "Old news, already read."),
    ]
    newest = page.find("li", id=f"inbox-note-{n['newest'].pk}")
    assert newest.find("span", cls="note-what").text == "SQ010_SH0010 Animation v001 RBT"
    assert newest.find("span", cls="note-meta").text == "Cora Doe · Wed 4 Nov 09:03"
    assert page.find("li", id=f"inbox-note-{n['cc'].pk}").find("span", cls="note-meta").text == (
        "Sam Doe · CC · Wed 4 Nov 09:02"
    )
    assert page.find("span", id="page-unread").text == "2 unread"
    assert header_badge(page) == "2 unread"
    assert [b.text for b in page.find_all("button", id=f"inbox-read-{n['newest'].pk}")] == [
        "Mark read: the note on SQ010_SH0010 v001"
    ]
    assert page.find("span", id=f"inbox-read-{n['oldest'].pk}").text == "Read"
    body = response.content.decode()
    assert "HELD: the director" not in body and "Only for Ben." not in body
    assert page.find_all("li", id="inbox-more") == []


def test_unread_only(cast, anas_notes):
    page = parse(logged_in(cast.people["ana"]).get(INBOX, {"unread": "1"}))
    assert [row[0] for row in items(page)] == [
        f"inbox-note-{anas_notes['newest'].pk}",
        f"inbox-note-{anas_notes['cc'].pk}",
    ]
    tabs = page.find("nav", cls="filter-tabs").find_all("a")
    assert [(a.text, a.attrs["href"], a.attrs.get("aria-current")) for a in tabs] == [
        ("All", "/inbox/", None),
        ("Unread only", "/inbox/?unread=1", "page"),
    ]


def test_an_empty_inbox_says_so(cast):
    page = parse(logged_in(cast.people["ana"]).get(INBOX))
    assert page.find("p", cls="empty-text").text == "No notes addressed to you yet."
    assert page.find("span", id="page-unread").text == "0 unread"
    page = parse(logged_in(cast.people["ana"]).get(INBOX, {"unread": "1"}))
    assert page.find("p", cls="empty-text").text == "No unread notes. See all notes"


def test_note_bodies_holding_html_show_as_text(cast):
    note_to(cast, cast.people["ana"], minutes=1, body='<script>alert(1)</script> <img src=x onerror="alert(2)">')
    response = logged_in(cast.people["ana"]).get(INBOX)
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert items(parse(response))[0][2] == '<script>alert(1)</script> <img src=x onerror="alert(2)">'
    assert inspect(response).problems == []


def test_attachments_show_as_thumbnails_served_as_protected_media(cast):
    note = note_to(cast, cast.people["ana"], minutes=1)
    NoteAttachment.objects.create(note=note, file=ContentFile(b"\x89PNG\r\n\x1a\n", name="arc.png"))
    page = parse(logged_in(cast.people["ana"]).get(INBOX))
    image = page.find("ul", cls="attachments").find("img")
    assert image.attrs["src"].startswith("/media/notes/") and image.attrs["src"].endswith(".png")
    assert image.attrs["alt"] == "Image 1 of the note on SQ010_SH0010 v001"
    assert logged_in(cast.people["ana"]).get(image.attrs["src"]).status_code == 200
    assert logged_in(cast.people["lou"]).get(image.attrs["src"]).status_code == 404


# --- The header's unread count ------------------------------------------------------------------------------


def test_every_page_shows_my_unread_count_linking_to_the_inbox(cast, anas_notes):
    page = parse(logged_in(cast.people["ana"]).get("/my/tasks/"))
    link = page.find("a", cls="inbox-link")
    assert (link.attrs["href"], link.text, link.attrs.get("aria-current")) == ("/inbox/", "Inbox 2 unread", None)
    assert parse(logged_in(cast.people["ana"]).get(INBOX)).find("a", cls="inbox-link").attrs["aria-current"] == "page"
    zero = parse(logged_in(cast.people["lou"]).get("/my/tasks/")).find("span", id="header-unread")
    assert (zero.text, zero.attrs["class"]) == ("0 unread", "badge zero")


def test_clients_have_no_inbox_link(cast):
    page = parse(logged_in(cast.people["cleo"]).get("/dailies/"))
    assert page.find_all("a", cls="inbox-link") == []


def test_the_count_is_one_query_and_only_on_full_pages(cast, anas_notes):
    client = logged_in(cast.people["cora"])

    def count(headers) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dailies/", headers=headers).status_code == 200
        return len([q for q in captured.captured_queries if "dailies_noterecipient" in q["sql"]])

    assert (count({}), count(HTMX)) == (1, 0)


# --- Marking read ---------------------------------------------------------------------------------------------


def test_marking_a_note_read_with_htmx_swaps_the_note_and_both_counts(cast, anas_notes):
    note = anas_notes["newest"]
    response = logged_in(cast.people["ana"]).post(reverse("dailies:note_read", args=[note.pk]), headers=HTMX)
    assert response.status_code == 200
    fragment = parse(response)
    item = fragment.find("li", cls="inbox-item")
    assert (item.attrs["id"], item.attrs["class"]) == (f"inbox-note-{note.pk}", "note inbox-item")
    assert item.find("span", cls="read-state").text == "Read"
    header = fragment.find("span", id="header-unread")
    assert (header.text, header.attrs["hx-swap-oob"]) == ("1 unread", "true")
    counter = fragment.find("span", id="page-unread")
    assert (counter.text, counter.attrs["hx-swap-oob"]) == ("1 unread", "true")
    assert NoteRecipient.objects.get(note=note).read_at is not None


def test_marking_read_without_htmx_goes_back_to_the_inbox(cast, anas_notes):
    client = logged_in(cast.people["ana"])
    note = anas_notes["cc"]
    response = client.post(reverse("dailies:note_read", args=[note.pk]), {"next": "/inbox/?unread=1"})
    assert (response.status_code, response["Location"]) == (302, "/inbox/?unread=1")
    response = client.post(reverse("dailies:note_read", args=[note.pk]), {"next": "https://evil.example/inbox/"})
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    page = parse(client.get("/inbox/"))
    assert [li.text for li in page.find_all("li", cls="message")] == ["Note marked as read."] * 2
    assert NoteRecipient.objects.get(note=note).read_at is not None


@pytest.mark.parametrize("which", ["bens", "held"])
def test_a_note_not_addressed_to_me_or_held_is_a_404(cast, anas_notes, which):
    note = anas_notes[which]
    response = logged_in(cast.people["ana"]).post(reverse("dailies:note_read", args=[note.pk]), headers=HTMX)
    assert response.status_code == 404
    assert NoteRecipient.objects.filter(note=note, read_at__isnull=False).count() == 0


def test_mark_all_read_with_htmx_returns_the_list_and_the_counts(cast, anas_notes):
    response = logged_in(cast.people["ana"]).post(reverse("dailies:inbox_read_all"), {"unread": "1"}, headers=HTMX)
    fragment = parse(response)
    section = fragment.find("section", id="inbox-list")
    assert section.find("p", cls="row-note").text == "2 notes marked as read."
    assert section.find("p", cls="empty-text").text == "No unread notes. See all notes"
    assert fragment.find("span", id="header-unread").text == "0 unread"
    assert fragment.find("span", id="page-unread").text == "0 unread"
    assert NoteRecipient.objects.get(note=anas_notes["held"]).read_at is None  # not hers to see: untouched
    assert NoteRecipient.objects.get(note=anas_notes["bens"]).read_at is None


def test_mark_all_read_without_htmx(cast, anas_notes):
    client = logged_in(cast.people["ana"])
    response = client.post(reverse("dailies:inbox_read_all"))
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    assert parse(client.get(INBOX)).find("li", cls="message").text == "2 notes marked as read."
    client.post(reverse("dailies:inbox_read_all"))
    assert parse(client.get(INBOX)).find("li", cls="message").text == "Nothing was unread."


# --- Paging ----------------------------------------------------------------------------------------------------


def test_load_more_brings_the_next_notes_with_a_keyset_cursor(cast):
    notes = [note_to(cast, cast.people["ana"], minutes=m) for m in range(53)]
    client = logged_in(cast.people["ana"])
    page = parse(client.get(INBOX))
    assert [row[0] for row in items(page)] == [f"inbox-note-{n.pk}" for n in reversed(notes[3:])]
    more = page.find("li", id="inbox-more").find("a")
    cursor = selectors.InboxCursor(T0 + dt.timedelta(minutes=3), notes[3].pk)
    assert more.attrs["href"] == more.attrs["hx-get"] == f"/inbox/?after={cursor}"

    fragment = parse(client.get(more.attrs["href"], headers=HTMX))
    assert [row[0] for row in items(fragment)] == [f"inbox-note-{n.pk}" for n in reversed(notes[:3])]
    assert fragment.find_all("li", id="inbox-more") == [] and fragment.find_all("h1") == []

    # Without JavaScript the link is a page of its own.
    older = parse(client.get(more.attrs["href"]))
    assert len(items(older)) == 3 and older.find("h1").text == "Inbox 53 unread"


def test_a_bad_cursor_is_a_400_that_says_so(cast):
    note_to(cast, cast.people["ana"], minutes=1)
    response = logged_in(cast.people["ana"]).get(INBOX, {"after": "yesterday"})
    assert response.status_code == 400
    page = parse(response)
    assert page.find("li", cls="message").text == (
        "That page of the inbox does not exist (its “after” position is not valid)."
    )
    assert len(items(page)) == 1  # the first page instead


# --- Queries: fixed, whatever the data size -------------------------------------------------------------------


def add_notes(cast, n: int, start: int) -> None:
    for m in range(start, start + n):
        note = note_to(cast, cast.people["ana"], minutes=m, read=m % 2 == 0)
        NoteAttachment.objects.create(note=note, file=f"notes/2026/11/{m}.png")


def queries(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_inbox_makes_a_fixed_number_of_queries(cast):
    client = logged_in(cast.people["ana"])
    add_notes(cast, 3, 0)
    small = (queries(client, INBOX), queries(client, INBOX, **HTMX))
    add_notes(cast, 60, 3)
    cursor = selectors.inbox_page(cast.people["ana"]).next_cursor
    large = (queries(client, INBOX), queries(client, INBOX, **HTMX))
    # session, person, memberships, the rows (note, version, task, shot, show, type, author and session joined), their
    # attachments, the unread count (shared by the page and the header); a partial has no count
    assert (small, large) == ((6, 5), (6, 5))
    assert queries(client, f"{INBOX}?after={cursor}", **HTMX) == 5


def test_the_held_notes_page_makes_a_fixed_number_of_queries(cast):
    client = logged_in(cast.people["cora"])
    path = reverse("dailies:held_notes", args=["RBT"])

    def add_held(n):
        for _ in range(n):
            note = NoteFactory(
                version=cast.version,
                author=cast.people["cora"],
                session=cast.client_session,
                category=NoteCategory.CLIENT,
                is_published=False,
            )
            NoteRecipientFactory(note=note, person=cast.people["ana"])
            NoteAttachment.objects.create(note=note, file="notes/2026/11/x.png")

    add_held(2)
    small = queries(client, path)
    add_held(20)
    # session, person, memberships, the show, the notes (author, session, version, task, shot, type), their
    # recipients with the person, their attachments, the header's unread count
    assert (small, queries(client, path)) == (8, 8)


# --- Held client notes -------------------------------------------------------------------------------------------


@pytest.fixture
def held(cast):
    p = cast.people
    other_version = VersionFactory(task=cast.lighting_task, number=1, author=p["lou"])
    notes = {
        "a": note_to(
            cast,
            p["ana"],
            minutes=1,
            body="Client: the arc reads well.",
            session=cast.client_session,
            category=NoteCategory.CLIENT,
            is_published=False,
            author=p["cora"],
        ),
        "b": note_to(
            cast,
            p["lou"],
            minutes=2,
            body="Client: warmer key light.",
            session=cast.client_session,
            category=NoteCategory.CLIENT,
            is_published=False,
            author=p["cora"],
            version=other_version,
        ),
        "loose": note_to(
            cast,
            p["ana"],
            minutes=3,
            body="Client, by phone: <b>trim</b> the tail.",
            category=NoteCategory.CLIENT,
            is_published=False,
            author=p["pia"],
        ),
        "published": note_to(
            cast,
            p["ana"],
            minutes=4,
            body="Client: already out.",
            category=NoteCategory.CLIENT,
            is_published=True,
            published_at=T0,
        ),
    }
    NoteRecipientFactory(note=notes["a"], person=p["sam"], kind=RecipientKind.CC)
    return notes


def test_a_long_list_shows_the_first_notes_and_says_so(cast, held, monkeypatch):
    monkeypatch.setattr(inbox_views, "HELD_NOTES_SHOWN", 2)
    page = parse(logged_in(cast.people["cora"]).get(held_url()))
    assert page.find("h1").text == "Held client notes 2+"
    assert len(page.find_all("li", cls="held-note")) == 2
    assert (
        page.find("p", cls="notice").text == "Showing the first 2 held notes. “Publish all” publishes the others too."
    )


def held_url(code="RBT") -> str:
    return reverse("dailies:held_notes", args=[code])


def test_the_held_notes_page_groups_the_held_notes_by_session(cast, held):
    response = logged_in(cast.people["cora"]).get(held_url())
    page = parse(response)
    groups = [
        (
            section.find("h2").text,
            [li.find("p", cls="note-body").text for li in section.find_all("li", cls="held-note")],
        )
        for section in page.find_all("section", cls="held-group")
    ]
    assert groups == [
        ("Client review Fri 20 Nov 2026", ["Client: the arc reads well.", "Client: warmer key light."]),
        ("Not in a session", ["Client, by phone: <b>trim</b> the tail."]),
    ]
    assert page.find("h1").text == "Held client notes 3"
    first = page.find("li", id=f"held-note-{held['a'].pk}")
    assert first.find("p", cls="note-recipients").text == "To: Ana Doe · CC: Sam Doe"
    buttons = [(b.attrs["name"], b.attrs["value"], b.text) for b in page.find_all("button") if b.attrs.get("name")]
    assert buttons == [
        ("publish", "selected", "Publish selected"),
        ("publish", "all", "Publish all held notes of RBT"),
        ("publish", f"session:{cast.client_session.pk}", "Publish all 2 of this session"),
    ]
    assert "Client: already out." not in response.content.decode()
    assert "&lt;b&gt;trim&lt;/b&gt;" in response.content.decode()
    assert inspect(response).problems == []


def published(held) -> dict[str, bool]:
    return {key: Note.objects.get(pk=note.pk).is_published for key, note in held.items()}


def test_publishing_the_ticked_notes(cast, held):
    client = logged_in(cast.people["cora"])
    response = client.post(held_url(), {"publish": "selected", "note": [held["a"].pk, held["loose"].pk]})
    assert (response.status_code, response["Location"]) == (302, held_url())
    assert published(held) == {"a": True, "b": False, "loose": True, "published": True}
    assert parse(client.get(held_url())).find("li", cls="message").text == (
        "2 client notes published: artists see them now, and their recipients get them in their next digest."
    )
    assert selectors.unread_note_count(cast.people["ana"]) == 3


def test_publishing_a_session(cast, held):
    response = logged_in(cast.people["pia"]).post(held_url(), {"publish": f"session:{cast.client_session.pk}"})
    assert response.status_code == 302
    assert published(held) == {"a": True, "b": True, "loose": False, "published": True}


def test_publishing_all(cast, held):
    response = logged_in(cast.people["pete"]).post(held_url(), {"publish": "all", "note": [held["a"].pk]})
    assert response.status_code == 302
    assert published(held) == {"a": True, "b": True, "loose": True, "published": True}
    page = parse(logged_in(cast.people["pete"]).get(held_url()))
    assert page.find("p", cls="empty-text").text == "No held client notes on RBT."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"publish": "selected"}, "Tick the notes to publish."),
        (
            {"publish": "selected", "note": ["999999"]},
            "Note 999999 is no longer held: someone may have published it meanwhile.",
        ),
        ({"publish": "session:999999"}, "That session has no held notes here."),
        ({"publish": "everything"}, "Choose what to publish."),
        ({}, "Choose what to publish."),
    ],
)
def test_a_bad_publish_request_says_what_is_wrong_and_publishes_nothing(cast, held, data, message):
    response = logged_in(cast.people["cora"]).post(held_url(), data)
    assert response.status_code == 400
    errors = parse(response).find("div", id="held-errors")
    assert [li.text for li in errors.find_all("li")] == [message]
    assert published(held) == {"a": False, "b": False, "loose": False, "published": True}


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("ana", "RBT", 403),
        ("sam", "RBT", 403),
        ("cleo", "RBT", 404),
        ("otto", "RBT", 404),
        ("otto", "NOPE", 404),
        ("admin", "RBT", 200),
    ],
)
def test_who_sees_the_held_notes_page(cast, held, who, code, status):
    client = logged_in(cast.people[who])
    assert client.get(held_url(code)).status_code == status
    if status != 200:
        assert client.post(held_url(code), {"publish": "all"}).status_code == status
        assert published(held)["a"] is False


# --- Every POST, per role, on the role's show and on another show -----------------------------------------------

ROLES = ("artist", "supervisor", "coordinator", "production_manager", "producer", "admin", "client", "anonymous")


def expect(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES} | {"anonymous": by_role.get("anonymous", "LOGIN")}


POSTS = [
    # The internal note is To: the artist only.
    ("dailies:note_read", lambda s: {"note_id": s.internal_note.pk}, {}, expect(404, artist=200), expect(404)),
    ("dailies:inbox_read_all", None, {}, expect(200), expect(200)),
    (
        "dailies:held_notes",
        lambda s: {"code": s.show.code},
        {"publish": "all"},
        expect(403, coordinator=302, production_manager=302, producer=302, admin=302, client=404),
        expect(404, admin=302),
    ),
]


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "data", "own", "other"), POSTS, ids=[p[0] for p in POSTS])
def test_post_per_role(world, name, kwargs, data, own, other, role, which):
    sw = world.show(which)
    path = reverse(name, kwargs=kwargs(sw) if kwargs else None)
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role])
    response = client.post(path, data, headers=HTMX if name != "dailies:held_notes" else {})
    expected = (own if which == "own" else other)[role]
    if expected == "LOGIN":
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")
    else:
        assert response.status_code == expected


def test_an_artist_never_marks_or_sees_a_held_note(world):
    client = Client()
    client.force_login(world.people["artist"])
    held_note = world.own.held_note
    assert client.post(reverse("dailies:note_read", args=[held_note.pk]), headers=HTMX).status_code == 404
    client.post(reverse("dailies:inbox_read_all"), headers=HTMX)
    assert NoteRecipient.objects.get(note=held_note, person=world.people["artist"]).read_at is None
    body = client.get(INBOX).content.decode()
    assert held_note.body not in body
    assert world.own.internal_note.body in body and world.own.addressed_note.body in body


# --- CSP --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "path", "headers"),
    [
        ("ana", INBOX, {}),
        ("ana", INBOX, HTMX),
        ("cora", "/shows/RBT/held-notes/", {}),
    ],
)
def test_the_pages_need_no_inline_code(cast, held, who, path, headers):
    response = logged_in(cast.people[who]).get(path, headers=headers)
    assert response.status_code == 200
    assert inspect(response).problems == []
