"""The notes API and the inbox API: what each role lists and reads, writing a note with a status change in one call
(JSON, or multipart with images), default and explicit recipients, errors naming the field, filters, marking read,
and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from dailies.models import Note, NoteAttachment, NoteCategory, NoteRecipient, RecipientKind, VersionStatus
from shots.workflow import TaskStatus
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, VersionFactory
from tests.dailies.test_notes import PNG, build_cast
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory

pytestmark = pytest.mark.django_db

NOTES = "/api/v1/notes/"
INBOX = "/api/v1/inbox/"
INBOX_READ = "/api/v1/inbox/read/"
T0 = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def cast():
    return build_cast()


def api(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def notes(cast):
    """internal: Sam's, To Ana, CC Sue, in the internal session; held: Cora's client note, To Ana; other_show: a
    note on another show; lighting: Lena's note on Lou's lighting task, To Lou."""
    p = cast.people
    internal = NoteFactory(version=cast.version, author=p["sam"], body="Arc is floaty.", session=cast.session)
    NoteRecipientFactory(note=internal, person=p["ana"], kind=RecipientKind.TO)
    NoteRecipientFactory(note=internal, person=p["sue"], kind=RecipientKind.CC, read_at=T0)
    held = NoteFactory(
        version=cast.version, author=p["cora"], category=NoteCategory.CLIENT, is_published=False, body="HELD"
    )
    NoteRecipientFactory(note=held, person=p["ana"])
    other_show = NoteFactory(
        version=VersionFactory(task=TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=cast.other_show)))),
        author=p["otto"],
    )
    lighting = NoteFactory(
        version=VersionFactory(task=cast.lighting_task, number=1, author=p["lou"]),
        author=p["lena"],
        category=NoteCategory.SUPERVISOR,
    )
    NoteRecipientFactory(note=lighting, person=p["lou"])
    return {"internal": internal, "held": held, "other_show": other_show, "lighting": lighting}


# --- Reading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("ana", ["internal"]),  # her task's published notes; never the held one
        ("ben", ["internal"]),  # assigned to the task too
        ("lou", ["lighting"]),  # his task's note, not the animation ones
        ("stan", ["other_show"]),  # an artist on this show (nothing of his), a supervisor on the other one
        ("sam", ["internal", "held", "lighting"]),  # reviewers see every note of the show
        ("cora", ["internal", "held", "lighting"]),
        ("cleo", []),  # the API is the staff's
        ("otto", ["other_show"]),
        ("admin", ["internal", "held", "other_show", "lighting"]),
    ],
)
def test_the_list_holds_the_notes_the_person_may_see(cast, notes, who, expected):
    assert ids(api(cast.people[who]).get(NOTES)) == sorted(notes[name].pk for name in expected)


def test_a_note_reads_with_its_version_shot_task_and_recipients(cast, notes):
    note = notes["internal"]
    data = api(cast.people["cora"]).get(reverse("api:note-detail", args=[note.pk])).json()
    assert data == {
        "id": note.pk,
        "show": "RBT",
        "shot": {"id": cast.task.shot_id, "code": "SQ010_SH0010"},
        "task": {"id": cast.task.pk, "task_type": {"id": cast.task.task_type_id, "name": "Animation"}},
        "version": {"id": cast.version.pk, "code": "v001"},
        "session": {"id": cast.session.pk, "name": "Anim dailies"},
        "author": {"id": cast.people["sam"].pk, "username": "sam"},
        "body": "Arc is floaty.",
        "category": "internal",
        "status_change": "",
        "is_published": True,
        "published_at": None,
        "created_at": data["created_at"],
        "recipients": [
            {"person": {"id": cast.people["ana"].pk, "username": "ana"}, "kind": "to", "read_at": None},
            {
                "person": {"id": cast.people["sue"].pk, "username": "sue"},
                "kind": "cc",
                "read_at": "2026-11-04T09:00:00Z",
            },
        ],
        "attachments": [],
    }


def test_an_artist_sees_only_their_own_recipient_row(cast, notes):
    data = api(cast.people["ana"]).get(reverse("api:note-detail", args=[notes["internal"].pk])).json()
    assert data["recipients"] == [
        {"person": {"id": cast.people["ana"].pk, "username": "ana"}, "kind": "to", "read_at": None}
    ]
    assert (
        api(cast.people["ben"]).get(reverse("api:note-detail", args=[notes["internal"].pk])).json()["recipients"] == []
    )


@pytest.mark.parametrize("who", ["ana", "cleo", "otto"])
def test_a_note_the_person_may_not_see_is_a_404(cast, notes, who):
    assert api(cast.people[who]).get(reverse("api:note-detail", args=[notes["held"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"version": "VERSION"}, ["internal", "held"]),
        ({"shot": "SHOT"}, ["internal", "held", "lighting"]),
        ({"show": "RBT"}, ["internal", "held", "lighting"]),
        ({"show": "ZZZ"}, []),
        ({"session": "SESSION"}, ["internal"]),
        ({"category": ["client", "supervisor"]}, ["held", "lighting"]),
        ({"author": "me"}, ["held"]),
        ({"author": "SAM"}, ["internal"]),
    ],
)
def test_filters(cast, notes, query, expected):
    values = {
        "VERSION": cast.version.pk,
        "SHOT": cast.task.shot_id,
        "SESSION": cast.session.pk,
        "SAM": cast.people["sam"].pk,
    }
    query = {key: values.get(value, value) if isinstance(value, str) else value for key, value in query.items()}
    assert ids(api(cast.people["cora"]).get(NOTES, query)) == sorted(notes[name].pk for name in expected)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"version": "abc"}, {"version": ["Enter a whole number."]}),
        ({"category": "gossip"}, {"category": ["Select a valid choice. gossip is not one of the available choices."]}),
        ({"author": "someone"}, {"author": ['Give a person\'s id or "me".']}),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(cast, notes, query, errors):
    response = api(cast.people["cora"]).get(NOTES, query)
    assert (response.status_code, response.json()) == (400, errors)


# --- Writing -----------------------------------------------------------------------------------------------------


def test_a_note_with_a_retake_in_one_call(cast):
    p = cast.people
    response = api(p["sam"]).post(
        NOTES,
        {
            "version": cast.version.pk,
            "body": "  Arc is floaty.  ",
            "category": "director",
            "status_change": "retake",
            "session": cast.session.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    note = Note.objects.get()
    assert (data["id"], data["body"], data["category"], data["status_change"], data["session"]["id"]) == (
        note.pk,
        "Arc is floaty.",
        "director",
        "retake",
        cast.session.pk,
    )
    assert [(r["person"]["username"], r["kind"]) for r in data["recipients"]] == [
        ("ana", "to"),
        ("ben", "to"),
        ("sue", "cc"),
    ]
    cast.version.refresh_from_db()
    cast.task.refresh_from_db()
    assert (cast.version.status, cast.task.status, cast.task.retake_count) == (
        VersionStatus.RETAKE,
        TaskStatus.RETAKE,
        1,
    )


def test_explicit_and_empty_recipients(cast):
    p = cast.people
    response = api(p["cora"]).post(
        NOTES, {"version": cast.version.pk, "body": "FYI", "to": [p["lou"].pk], "cc": []}, format="json"
    )
    assert response.status_code == 201, response.content
    assert [(r["person"]["username"], r["kind"]) for r in response.json()["recipients"]] == [("lou", "to")]


def test_a_client_note_is_held(cast):
    response = api(cast.people["cora"]).post(
        NOTES, {"version": cast.version.pk, "body": "Client wants it shorter.", "category": "client"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["is_published"], response.json()["published_at"]) == (False, None)
    assert ids(api(cast.people["ana"]).get(NOTES)) == []


def test_images_go_with_a_multipart_note(cast):
    p = cast.people
    response = api(p["sam"]).post(
        NOTES,
        {
            "version": cast.version.pk,
            "body": "See the paint-over.",
            "to": [p["ana"].pk, p["ben"].pk],
            "attachments": [SimpleUploadedFile("over.png", PNG), SimpleUploadedFile("again", PNG)],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    urls = [a["url"] for a in response.json()["attachments"]]
    assert [url.rsplit("/", 1)[-1] for url in urls] == ["over.png", "again.png"]
    assert all(url.startswith("/media/notes/") for url in urls)
    assert [(r["person"]["username"], r["kind"]) for r in response.json()["recipients"]] == [
        ("ana", "to"),
        ("ben", "to"),
        ("sue", "cc"),
    ]
    assert api(p["ana"]).get(urls[0]).status_code == 200


@pytest.mark.parametrize(
    ("who", "data", "status", "errors"),
    [
        ("sam", {"body": "x"}, 400, {"version": ["This field is required."]}),
        ("sam", {"version": "VERSION"}, 400, {"body": ["This field is required."]}),
        ("sam", {"version": "VERSION", "body": "   "}, 400, {"body": ["Write the note."]}),
        (
            "sam",
            {"version": "VERSION", "body": "x", "category": "gossip", "status_change": "maybe"},
            400,
            {
                "category": ['"gossip" is not a valid choice.'],
                "status_change": ['"maybe" is not a valid choice.'],
            },
        ),
        (
            "sam",
            {"version": "VERSION", "body": "x", "colour": "red"},
            400,
            {"colour": ["This field is not accepted here."]},
        ),
        (
            "sam",
            {"version": "VERSION", "body": "x", "to": ["CLEO"]},
            400,
            {"to": ["Not on this show's staff: Cleo Doe."]},
        ),
        (
            "sam",
            {"version": "VERSION", "body": "x", "cc": [999999]},
            400,
            {"cc": ['Invalid pk "999999" - object does not exist.']},
        ),
        ("sam", {"version": "OTHER", "body": "x"}, 400, {"version": ['Invalid pk "OTHER" - object does not exist.']}),
        (
            "lena",
            {"version": "VERSION", "body": "x", "status_change": "approve"},
            403,
            {"detail": "You cannot review this version."},
        ),
        ("ana", {"version": "VERSION", "body": "x"}, 403, {"detail": "You cannot write notes on this show."}),
        (
            "cleo",
            {"version": "VERSION", "body": "x"},
            400,
            {"version": ['Invalid pk "VERSION" - object does not exist.']},
        ),
    ],
)
def test_refused_writes_say_why_and_write_nothing(cast, who, data, status, errors):
    p = cast.people
    other_version = VersionFactory(task=TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=cast.other_show))))
    values = {"VERSION": cast.version.pk, "OTHER": other_version.pk, "CLEO": p["cleo"].pk}
    data = {
        key: ([values.get(v, v) for v in value] if isinstance(value, list) else values.get(value, value))
        for key, value in data.items()
    }
    errors = {
        key: [m.replace('"VERSION"', f'"{cast.version.pk}"').replace('"OTHER"', f'"{other_version.pk}"') for m in value]
        if isinstance(value, list)
        else value
        for key, value in errors.items()
    }
    response = api(p[who]).post(NOTES, data, format="json")
    assert (response.status_code, response.json()) == (status, errors)
    assert (Note.objects.count(), NoteRecipient.objects.count()) == (0, 0)
    cast.version.refresh_from_db()
    assert cast.version.status == VersionStatus.PENDING_REVIEW


def test_a_file_that_is_not_an_image_is_a_400_naming_attachments(cast):
    response = api(cast.people["sam"]).post(
        NOTES,
        {"version": cast.version.pk, "body": "x", "attachments": [SimpleUploadedFile("page.html", b"<html></html>")]},
        format="multipart",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"attachments": ["page.html is not a PNG, JPEG, GIF or WebP image."]},
    )
    assert (Note.objects.count(), NoteAttachment.objects.count()) == (0, 0)


def test_notes_are_not_changed_through_the_api(cast, notes):
    client = api(cast.people["cora"])
    assert (
        client.patch(reverse("api:note-detail", args=[notes["internal"].pk]), {"body": "x"}, format="json").status_code
        == 405
    )


# --- Inbox --------------------------------------------------------------------------------------------------------


def test_my_inbox_lists_my_rows_newest_first(cast, notes):
    p = cast.people
    later = NoteFactory(version=cast.version, author=p["sam"], body="Later")
    row = NoteRecipientFactory(note=later, person=p["ana"], kind=RecipientKind.CC)
    data = api(p["ana"]).get(INBOX).json()
    assert [(r["id"], r["kind"], r["read_at"], r["note"]["id"]) for r in data["results"]] == [
        (row.pk, "cc", None, later.pk),
        (NoteRecipient.objects.get(note=notes["internal"], person=p["ana"]).pk, "to", None, notes["internal"].pk),
    ]
    assert data["results"][1]["note"]["recipients"] == [
        {"person": {"id": p["ana"].pk, "username": "ana"}, "kind": "to", "read_at": None}
    ]


def test_the_unread_filter(cast, notes):
    p = cast.people
    assert [r["note"]["id"] for r in api(p["sue"]).get(INBOX, {"unread": "true"}).json()["results"]] == []
    assert [r["note"]["id"] for r in api(p["sue"]).get(INBOX, {"unread": "false"}).json()["results"]] == [
        notes["internal"].pk
    ]
    response = api(p["sue"]).get(INBOX, {"unread": "perhaps"})
    assert (response.status_code, response.json()) == (
        400,
        {"unread": ["Select a valid choice. perhaps is not one of the available choices."]},
    )


def test_marking_read_some_then_all(cast, notes):
    p = cast.people
    extra = NoteFactory(version=cast.version, author=p["sam"])
    NoteRecipientFactory(note=extra, person=p["ana"])
    client = api(p["ana"])
    response = client.post(INBOX_READ, {"notes": [notes["internal"].pk]}, format="json")
    assert (response.status_code, response.json()) == (200, {"marked": 1, "unread": 1})
    response = client.post(INBOX_READ, {"all": True}, format="json")
    assert (response.status_code, response.json()) == (200, {"marked": 1, "unread": 0})
    assert NoteRecipient.objects.get(note=notes["held"]).read_at is None


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"notes": ['Give the notes\' ids, or "all": true (not both).']}),
        ({"all": True, "notes": [1]}, {"notes": ['Give the notes\' ids, or "all": true (not both).']}),
        ({"notes": []}, {"notes": ["This list may not be empty."]}),
        ({"notes": ["x"]}, {"notes": {"0": ["A valid integer is required."]}}),
        ({"notes": ["HELD", "LIGHTING"]}, {"notes": ["Not notes addressed to you: HELD, LIGHTING."]}),
    ],
)
def test_bad_mark_read_requests_are_400s_naming_notes(cast, notes, data, errors):
    held, lighting = str(notes["held"].pk), str(notes["lighting"].pk)
    data = {
        k: [{"HELD": notes["held"].pk, "LIGHTING": notes["lighting"].pk}.get(v, v) for v in value]
        if isinstance(value, list)
        else value
        for k, value in data.items()
    }
    errors = {
        k: [m.replace("HELD", held).replace("LIGHTING", lighting) for m in v] if isinstance(v, list) else v
        for k, v in errors.items()
    }
    response = api(cast.people["ana"]).post(INBOX_READ, data, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert NoteRecipient.objects.filter(person=cast.people["ana"], read_at__isnull=False).count() == 0


# --- Queries: fixed, whatever the data size -----------------------------------------------------------------------


def add_notes(cast, n: int) -> None:
    p = cast.people
    for _ in range(n):
        note = NoteFactory(version=cast.version, author=p["sam"])
        NoteRecipientFactory(note=note, person=p["ana"])
        NoteRecipientFactory(note=note, person=p["ben"], kind=RecipientKind.CC)
        NoteRecipientFactory(note=note, person=p["cora"], kind=RecipientKind.CC)
        NoteAttachment.objects.create(note=note, file="notes/2026/11/x.png")


def count(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("who", ["ana", "cora"])
def test_the_lists_make_a_fixed_number_of_queries(cast, who):
    client = api(cast.people[who])
    add_notes(cast, 2)
    small = (count(client, NOTES)[0], count(client, INBOX)[0])
    add_notes(cast, 25)
    # session, person, memberships, the notes (version, task, shot, show, type, author, session joined), their
    # recipients as the person may see them, their attachments; the inbox the same with the recipient rows first
    assert count(client, NOTES) == (6, 27)
    assert (small, count(client, INBOX)[0]) == ((6, 6), 6)
