"""Writing notes (dailies.services.note_create), publishing held client notes, and marking the inbox read:
default and explicit recipients, categories, status changes through the one review implementation, image
attachments, who may, and nothing half-written when something is refused."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from dailies import selectors, services
from dailies.forms import NoteForm
from dailies.models import (
    Note,
    NoteAttachment,
    NoteCategory,
    NoteRecipient,
    RecipientKind,
    ReviewSession,
    SessionKind,
    StatusChange,
    Version,
    VersionStatus,
)
from shots.models import Activity, Task
from shots.workflow import TaskStatus
from studio import permissions
from studio.models import Person, Role, Show
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, ReviewSessionFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


@dataclass
class Cast:
    show: Show
    other_show: Show
    people: dict[str, Person]
    task: Task  # Animation, pending review, assigned to ana and ben
    version: Version  # ana's v001 on `task`, pending review
    lighting_task: Task  # Lighting, assigned to lou
    session: ReviewSession  # internal dailies on RBT
    client_session: ReviewSession  # client session on RBT, released


# name: (studio role, department, membership role on RBT ("" = the studio role; None = not on RBT), active)
PEOPLE = {
    "ana": (Role.ARTIST, "Animation", "", True),
    "ben": (Role.ARTIST, "Animation", "", True),
    "lou": (Role.ARTIST, "Lighting", "", True),
    "sam": (Role.SUPERVISOR, "Animation", "", True),  # the Animation supervisor: CC by default
    "sue": (Role.ARTIST, "Animation", Role.SUPERVISOR, True),  # supervisor on RBT through her membership: CC too
    "stan": (Role.SUPERVISOR, "Animation", Role.ARTIST, True),  # an artist on RBT: not CC
    "lena": (Role.SUPERVISOR, "Lighting", "", True),  # another department: not CC
    "olaf": (Role.SUPERVISOR, "Animation", None, True),  # not on the show: not CC
    "ivy": (Role.SUPERVISOR, "Animation", "", False),  # has left: not CC
    "cora": (Role.COORDINATOR, None, "", True),
    "pia": (Role.PRODUCTION_MANAGER, None, "", True),
    "pete": (Role.PRODUCER, None, "", True),
    "cleo": (Role.CLIENT, None, "", True),
    "otto": (Role.COORDINATOR, None, None, True),  # coordinator of another show only
}


def build_cast() -> Cast:
    show = ShowFactory(code="RBT", name="Robot Holiday")
    other_show = ShowFactory(code="ZZZ", name="Another Show")
    departments = {name: DepartmentFactory(name=name, code=name[:3].upper()) for name in ("Animation", "Lighting")}
    anim = TaskTypeFactory(name="Animation", department=departments["Animation"])
    light = TaskTypeFactory(name="Lighting", department=departments["Lighting"])
    people = {}
    for username, (role, department, membership, active) in PEOPLE.items():
        people[username] = PersonFactory(
            username=username,
            first_name=username.capitalize(),
            last_name="Doe",
            role=role,
            department=departments.get(department),
            is_active=active,
        )
        if membership is not None:
            MembershipFactory(person=people[username], show=show, role=membership)
    MembershipFactory(person=people["otto"], show=other_show)
    MembershipFactory(person=people["olaf"], show=other_show)
    MembershipFactory(person=people["stan"], show=other_show)  # a supervisor there: still an artist on RBT
    MembershipFactory(person=people["cleo"], show=other_show, role=Role.ARTIST)  # staff there, a client on RBT
    people["admin"] = PersonFactory(
        username="adam", first_name="Adam", last_name="Doe", role=Role.ADMIN, is_superuser=True
    )
    shot = ShotFactory(sequence=SequenceFactory(show=show, code="SQ010"), code="SQ010_SH0010")
    task = TaskFactory(
        shot=shot, task_type=anim, status=TaskStatus.PENDING_REVIEW, assignees=[people["ana"], people["ben"]]
    )
    lighting_task = TaskFactory(shot=shot, task_type=light, status=TaskStatus.WIP, assignees=[people["lou"]])
    version = VersionFactory(task=task, number=1, author=people["ana"], status=VersionStatus.PENDING_REVIEW)
    session = ReviewSessionFactory(show=show, name="Anim dailies")
    client_session = ReviewSessionFactory(
        show=show, name="Client review", kind=SessionKind.CLIENT, released_at=timezone.now()
    )
    return Cast(show, other_show, people, task, version, lighting_task, session, client_session)


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def write(cast, who="sam", **fields) -> Note:
    fields.setdefault("body", "Arc is floaty on the jump.")
    fields.setdefault("version", cast.version)
    return services.note_create(actor=cast.people[who], **fields)


def recipients(note) -> list[tuple[str, str]]:
    return sorted(note.recipient_rows.values_list("kind", "person__username"))


def task_state(task) -> tuple:
    task.refresh_from_db()
    return task.status, task.retake_count, task.row_version


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- Recipients ---------------------------------------------------------------------------------------------


def test_by_default_the_assignees_get_it_and_the_departments_supervisors_on_the_show_are_copied(cast):
    note = write(cast, who="cora")
    assert recipients(note) == [
        (RecipientKind.CC, "sam"),
        (RecipientKind.CC, "sue"),
        (RecipientKind.TO, "ana"),
        (RecipientKind.TO, "ben"),
    ]
    assert all(row.read_at is None and row.digest_id is None for row in note.recipient_rows.all())


def test_the_author_is_not_a_recipient_of_their_own_note(cast):
    assert recipients(write(cast, who="sam")) == [
        (RecipientKind.CC, "sue"),
        (RecipientKind.TO, "ana"),
        (RecipientKind.TO, "ben"),
    ]
    explicit = write(cast, who="sam", to=[cast.people["sam"], cast.people["ana"]], cc=[cast.people["sam"]])
    assert recipients(explicit) == [(RecipientKind.TO, "ana")]


def test_explicit_lists_are_used_as_given_and_to_wins_over_cc(cast):
    p = cast.people
    note = write(cast, who="cora", to=[p["lou"], p["ana"], p["lou"]], cc=[p["ana"], p["pia"]])
    assert recipients(note) == [(RecipientKind.CC, "pia"), (RecipientKind.TO, "ana"), (RecipientKind.TO, "lou")]


def test_empty_lists_mean_nobody(cast):
    assert recipients(write(cast, who="cora", to=[], cc=[])) == []
    # Only one list given: the other keeps its default.
    assert recipients(write(cast, who="cora", to=[])) == [(RecipientKind.CC, "sam"), (RecipientKind.CC, "sue")]
    assert recipients(write(cast, who="cora", cc=[])) == [(RecipientKind.TO, "ana"), (RecipientKind.TO, "ben")]


@pytest.mark.parametrize(
    ("field", "who", "message"),
    [
        ("to", "olaf", "Not on this show's staff: Olaf Doe."),  # another show's person
        ("cc", "cleo", "Not on this show's staff: Cleo Doe."),  # the show's client
        ("cc", "ivy", "Not on this show's staff: Ivy Doe."),  # left the studio
    ],
)
def test_recipients_must_be_the_shows_staff(cast, field, who, message):
    with pytest.raises(ValidationError) as caught:
        write(cast, who="cora", **{field: [cast.people["ana"], cast.people[who]]})
    assert caught.value.message_dict == {field: [message]}
    assert Note.objects.count() == 0


def test_a_task_without_assignees_is_only_copied_to_its_supervisors(cast):
    cast.task.assignees.clear()
    assert recipients(write(cast, who="cora")) == [(RecipientKind.CC, "sam"), (RecipientKind.CC, "sue")]


# --- Validation -------------------------------------------------------------------------------------------


def test_bad_input_names_each_field_and_writes_nothing(cast):
    with pytest.raises(ValidationError) as caught:
        write(cast, body="  \n ", category="gossip", status_change="maybe")
    assert caught.value.message_dict == {
        "body": ["Write the note."],
        "category": ["Choose one of: internal, supervisor, director, client."],
        "status_change": ["Choose approve, retake or no change."],
    }
    assert (Note.objects.count(), NoteRecipient.objects.count()) == (0, 0)


def test_the_body_is_stored_stripped_and_as_typed(cast):
    note = write(cast, body="\n  <b>Trim</b> the tail & <script>alert(1)</script>  \n")
    note.refresh_from_db()
    assert note.body == "<b>Trim</b> the tail & <script>alert(1)</script>"


def test_a_session_of_another_show_is_refused(cast):
    with pytest.raises(ValidationError) as caught:
        write(cast, who="admin", session=ReviewSessionFactory(show=cast.other_show))
    assert caught.value.message_dict == {"session": ["The session belongs to another show."]}


def test_the_note_remembers_its_session(cast):
    note = write(cast, session=cast.session)
    assert (note.session, note.category, note.status_change) == (cast.session, NoteCategory.INTERNAL, "")


# --- Who may write ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("ana", False),  # the version's author: artists do not write notes
        ("ben", False),
        ("stan", False),  # a supervisor by studio role, an artist on this show
        ("sue", True),  # an artist by studio role, a supervisor on this show
        ("sam", True),
        ("lena", True),  # supervisors write notes on any department's work (they review only their own)
        ("cora", True),
        ("pia", True),
        ("pete", True),
        ("admin", True),
        ("cleo", False),
        ("otto", False),  # another show's coordinator
    ],
)
def test_who_may_write_a_note(cast, who, allowed):
    if allowed:
        note = write(cast, who=who)
        assert (note.author, note.is_published) == (cast.people[who], True)
    else:
        with pytest.raises(PermissionDenied) as caught:
            write(cast, who=who, body="")  # refused before the input is even looked at
        assert str(caught.value) == "You cannot write notes on this show."
        assert Note.objects.count() == 0


# --- Status changes ---------------------------------------------------------------------------------------


def test_a_retake_note_sends_the_version_back_and_counts_the_retake(cast):
    note = write(cast, who="sam", status_change=StatusChange.RETAKE, category=NoteCategory.DIRECTOR)
    cast.version.refresh_from_db()
    assert (note.status_change, note.category, cast.version.status) == (
        StatusChange.RETAKE,
        NoteCategory.DIRECTOR,
        VersionStatus.RETAKE,
    )
    assert task_state(cast.task) == (TaskStatus.RETAKE, 1, 2)
    assert Activity.objects.filter(task=cast.task).order_by("-id").values_list("changes", flat=True)[0] == {
        "status": ["Pending review", "Retake"],
        "retake_count": ["0", "1"],
        "version": ["v001", "Retake"],
    }


def test_an_approve_note_approves_the_version_and_the_task(cast):
    note = write(cast, who="cora", status_change=StatusChange.APPROVE)
    cast.version.refresh_from_db()
    assert (note.status_change, cast.version.status) == (StatusChange.APPROVE, VersionStatus.APPROVED)
    assert task_state(cast.task) == (TaskStatus.APPROVED, 0, 2)


def test_a_status_change_needs_a_reviewer_of_the_department(cast):
    with pytest.raises(PermissionDenied) as caught:
        write(cast, who="lena", status_change=StatusChange.RETAKE)
    assert str(caught.value) == "You cannot review this version."
    assert Note.objects.count() == 0
    assert task_state(cast.task) == (TaskStatus.PENDING_REVIEW, 0, 1)


def test_a_version_already_reviewed_takes_notes_but_no_second_status_change(cast):
    write(cast, who="sam", status_change=StatusChange.APPROVE)
    with pytest.raises(ValidationError) as caught:
        write(cast, who="cora", status_change=StatusChange.RETAKE)
    assert caught.value.message_dict == {"version": ["v001 is no longer waiting for review: it is Approved."]}
    assert task_state(cast.task) == (TaskStatus.APPROVED, 0, 2)
    assert Note.objects.count() == 1
    write(cast, who="cora", body="Lovely, thanks.")  # a plain note is still welcome
    assert Note.objects.count() == 2


def test_version_review_with_a_note_is_note_create_to_the_assignees_only(cast):
    services.version_review(actor=cast.people["sam"], version=cast.version, outcome="retake", note_body=" Again ")
    note = Note.objects.get()
    assert (note.body, note.category, note.status_change) == ("Again", NoteCategory.SUPERVISOR, StatusChange.RETAKE)
    assert recipients(note) == [(RecipientKind.TO, "ana"), (RecipientKind.TO, "ben")]
    assert task_state(cast.task) == (TaskStatus.RETAKE, 1, 2)


def test_a_failure_after_the_review_rolls_the_review_back_too(cast, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(NoteRecipient.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        write(cast, who="sam", status_change=StatusChange.RETAKE)
    cast.version.refresh_from_db()
    assert (cast.version.status, Note.objects.count()) == (VersionStatus.PENDING_REVIEW, 0)
    assert task_state(cast.task) == (TaskStatus.PENDING_REVIEW, 0, 1)


# --- Held client notes --------------------------------------------------------------------------------------


def visible_to(person) -> list[int]:
    return sorted(permissions.visible(person, Note).values_list("pk", flat=True))


def test_a_client_note_is_held_from_artists_until_published(cast):
    p = cast.people
    note = write(cast, who="cora", category=NoteCategory.CLIENT, session=cast.client_session)
    assert (note.is_published, note.published_at) == (False, None)
    assert recipients(note) == [
        (RecipientKind.CC, "sam"),
        (RecipientKind.CC, "sue"),
        (RecipientKind.TO, "ana"),
        (RecipientKind.TO, "ben"),
    ]
    assert visible_to(p["ana"]) == []
    assert (selectors.unread_note_count(p["ana"]), list(selectors.inbox_rows(p["ana"]))) == (0, [])
    assert visible_to(p["cleo"]) == []  # the client sees it once published, not before
    assert visible_to(p["sam"]) == [note.pk]  # reviewers see held notes

    published = services.note_publish(actor=p["cora"], notes=[note])

    note.refresh_from_db()
    assert (published, note.is_published, note.published_at is not None) == ([note], True, True)
    assert visible_to(p["ana"]) == [note.pk]
    assert selectors.unread_note_count(p["ana"]) == 1
    assert visible_to(p["cleo"]) == []  # its version is in no released client session
    assert visible_to(Person.objects.get(pk=p["lou"].pk)) == []  # not his task, not addressed to him


def test_a_held_note_with_a_retake_sends_the_version_back_at_once(cast):
    write(cast, who="cora", category=NoteCategory.CLIENT, status_change=StatusChange.RETAKE)
    assert task_state(cast.task) == (TaskStatus.RETAKE, 1, 2)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("cora", True), ("pia", True), ("pete", True), ("admin", True), ("sam", False), ("ana", False), ("cleo", False)],
)
def test_who_may_publish(cast, who, allowed):
    held = NoteFactory(
        version=cast.version, author=cast.people["cora"], category=NoteCategory.CLIENT, is_published=False
    )
    if allowed:
        assert services.note_publish(actor=cast.people[who], notes=[held]) == [held]
    else:
        with pytest.raises(PermissionDenied):
            services.note_publish(actor=cast.people[who], notes=[held])
    held.refresh_from_db()
    assert held.is_published is allowed


def test_publishing_is_refused_as_a_whole_when_one_note_is_on_another_show(cast):
    p = cast.people
    mine = NoteFactory(version=cast.version, author=p["cora"], category=NoteCategory.CLIENT, is_published=False)
    theirs = NoteFactory(
        version=VersionFactory(task=TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=cast.other_show)))),
        author=p["otto"],
        category=NoteCategory.CLIENT,
        is_published=False,
    )
    with pytest.raises(PermissionDenied):
        services.note_publish(actor=p["cora"], notes=[mine, theirs])
    assert sorted(Note.objects.filter(is_published=False).values_list("pk", flat=True)) == sorted([mine.pk, theirs.pk])


def test_publishing_twice_keeps_the_first_time(cast):
    note = write(cast, who="cora", category=NoteCategory.CLIENT)
    services.note_publish(actor=cast.people["cora"], notes=[note])
    first = Note.objects.get(pk=note.pk).published_at
    assert services.note_publish(actor=cast.people["pia"], notes=[note]) == []
    assert Note.objects.get(pk=note.pk).published_at == first


def test_a_sessions_held_notes_are_published_together(cast):
    p = cast.people
    in_session = [
        write(cast, who="cora", category=NoteCategory.CLIENT, session=cast.client_session, body=f"Note {n}")
        for n in range(3)
    ]
    elsewhere = write(cast, who="cora", category=NoteCategory.CLIENT, body="Not in the session")
    internal = write(cast, who="cora", session=cast.client_session, body="Internal")

    published = services.session_publish_client_notes(actor=p["pete"], session=cast.client_session)

    assert sorted(n.pk for n in published) == sorted(n.pk for n in in_session)
    assert sorted(Note.objects.filter(is_published=False).values_list("pk", flat=True)) == [elsewhere.pk]
    assert Note.objects.get(pk=internal.pk).is_published is True
    with pytest.raises(PermissionDenied):
        services.session_publish_client_notes(actor=p["sam"], session=cast.client_session)


# --- Attachments ------------------------------------------------------------------------------------------


def test_images_are_attached_under_the_extension_of_what_they_are(cast):
    files = [
        upload("sketch.png", PNG),
        upload("frame.JPEG", JPEG),
        upload("loop", GIF),  # no extension: given the right one
        upload("paint-over.jpg", WEBP),  # a WebP named .jpg: stored as .webp, so it is served as what it is
    ]
    note = write(cast, attachments=files)
    names = [a.file.name.rsplit("/", 1)[-1] for a in note.attachments.order_by("pk")]
    assert names == ["sketch.png", "frame.JPEG", "loop.gif", "paint-over.webp"]
    assert note.attachments.order_by("pk")[0].file.read() == PNG


def test_a_file_that_is_not_an_image_is_refused_by_name_and_nothing_is_written(cast):
    files = [
        upload("ok.png", PNG),
        upload("evil.png", b"<html><script>alert(1)</script></html>"),
        upload("notes.pdf", b"%PDF-1.7"),
    ]
    with pytest.raises(ValidationError) as caught:
        write(cast, status_change=StatusChange.RETAKE, attachments=files)
    assert caught.value.message_dict == {
        "attachments": [
            "evil.png is not a PNG, JPEG, GIF or WebP image.",
            "notes.pdf is not a PNG, JPEG, GIF or WebP image.",
        ]
    }
    assert (Note.objects.count(), NoteAttachment.objects.count()) == (0, 0)
    assert task_state(cast.task) == (TaskStatus.PENDING_REVIEW, 0, 1)


def test_at_most_five_images(cast):
    with pytest.raises(ValidationError) as caught:
        write(cast, attachments=[upload(f"{n}.png", PNG) for n in range(6)])
    assert caught.value.message_dict == {"attachments": ["Attach at most 5 images (6 given)."]}


def test_at_most_ten_megabytes_each(cast):
    big = upload("huge.png", PNG + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        write(cast, attachments=[big])
    assert caught.value.message_dict == {"attachments": ["huge.png is larger than 10 MB."]}


# --- Marking the inbox read ---------------------------------------------------------------------------------


def test_marking_some_or_all_notes_read(cast):
    p = cast.people
    notes = [write(cast, who="sam", body=f"Note {n}", to=[p["ana"]], cc=[]) for n in range(3)]
    held = write(cast, who="cora", category=NoteCategory.CLIENT, to=[p["ana"]], cc=[])
    assert selectors.unread_note_count(p["ana"]) == 3

    assert services.inbox_mark_read(actor=p["ana"], note_ids=[notes[0].pk]) == 1
    assert services.inbox_mark_read(actor=p["ana"], note_ids=[notes[0].pk]) == 0  # already read
    first_read = NoteRecipient.objects.get(note=notes[0]).read_at
    assert services.inbox_mark_read(actor=p["ana"]) == 2
    assert NoteRecipient.objects.get(note=notes[0]).read_at == first_read
    assert selectors.unread_note_count(p["ana"]) == 0
    assert NoteRecipient.objects.get(note=held).read_at is None  # held: not hers to see, untouched


def test_marking_a_note_not_addressed_to_me_is_refused_and_marks_nothing(cast):
    p = cast.people
    mine = write(cast, who="sam", to=[p["ana"]], cc=[])
    theirs = write(cast, who="sam", to=[p["ben"]], cc=[])
    held = write(cast, who="cora", category=NoteCategory.CLIENT, to=[p["ana"]], cc=[])
    with pytest.raises(ValidationError) as caught:
        services.inbox_mark_read(actor=p["ana"], note_ids=[mine.pk, theirs.pk, held.pk])
    assert caught.value.message_dict == {"notes": [f"Not notes addressed to you: {theirs.pk}, {held.pk}."]}
    assert NoteRecipient.objects.filter(read_at__isnull=False).count() == 0


def test_the_inbox_pages_with_a_keyset_cursor(cast):
    p = cast.people
    rows = [
        NoteRecipientFactory(note=NoteFactory(version=cast.version, author=p["sam"]), person=p["ana"]) for _ in range(5)
    ]
    newest_first = [row.pk for row in reversed(rows)]
    first = selectors.inbox_page(p["ana"], limit=2)
    assert [row.pk for row in first.rows] == newest_first[:2]
    cursor = selectors.InboxCursor.parse(str(first.next_cursor))
    assert cursor == first.next_cursor
    second = selectors.inbox_page(p["ana"], limit=2, after=cursor)
    third = selectors.inbox_page(p["ana"], limit=2, after=second.next_cursor)
    assert ([r.pk for r in second.rows], [r.pk for r in third.rows]) == (newest_first[2:4], newest_first[4:])
    assert third.next_cursor is None


@pytest.mark.parametrize("text", ["", "abc", "12-", "-3", "1.5-2", "12-3-4", "9" * 19 + "-1", "١٢-٣"])
def test_a_cursor_this_code_did_not_write_is_refused(text):
    with pytest.raises(ValueError):
        selectors.InboxCursor.parse(text)


# --- NoteForm (the session page's and any page's note form) -------------------------------------------------


def test_the_form_offers_the_shows_staff_and_starts_with_the_default_recipients(cast):
    form = NoteForm(show=cast.show, version=cast.version)
    offered = [label for _, label in form.fields["to"].choices]
    assert offered == ["Ana Doe", "Ben Doe", "Cora Doe", "Lena Doe", "Lou Doe", "Pete Doe", "Pia Doe", "Sam Doe",
                       "Stan Doe", "Sue Doe"]  # fmt: skip
    assert (form.initial["to"], form.initial["cc"]) == (
        [cast.people["ana"].pk, cast.people["ben"].pk],
        [cast.people["sam"].pk, cast.people["sue"].pk],
    )
    assert form["recipients"].value() == "explicit"


def test_a_quick_form_without_the_pickers_leaves_the_recipients_to_the_defaults(cast):
    form = NoteForm({"body": " Hold 4 frames. ", "category": "director", "status_change": "retake"}, show=cast.show)
    assert form.is_valid(), form.errors
    assert form.service_kwargs() == {
        "body": "Hold 4 frames.",
        "category": "director",
        "status_change": "retake",
        "to": None,
        "cc": None,
        "attachments": [],
    }


def test_with_the_pickers_the_ticked_people_are_the_recipients_even_none(cast):
    p = cast.people
    data = {"body": "x", "category": "internal", "recipients": "explicit", "to": [str(p["lou"].pk)]}
    form = NoteForm(data, show=cast.show)
    assert form.is_valid(), form.errors
    assert (form.service_kwargs()["to"], form.service_kwargs()["cc"]) == ([p["lou"]], [])
    form = NoteForm({**data, "to": [str(p["cleo"].pk)]}, show=cast.show)  # the client is not offered
    assert not form.is_valid()
    assert form.errors["to"] == [f"Select a valid choice. {p['cleo'].pk} is not one of the available choices."]


def test_the_form_takes_several_images_and_shows_the_services_errors_on_their_field(cast):
    files = MultiValueDict({"attachments": [upload("a.png", PNG), upload("b.txt", b"hello")]})
    form = NoteForm({"body": "x", "category": "internal"}, files, show=cast.show)
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["attachments"]] == ["a.png", "b.txt"]
    with pytest.raises(ValidationError) as caught:
        services.note_create(actor=cast.people["sam"], version=cast.version, **form.service_kwargs())
    form.add_service_errors(caught.value)
    assert form.errors == {"attachments": ["b.txt is not a PNG, JPEG, GIF or WebP image."]}
    assert 'accept="image/png,image/jpeg,image/gif,image/webp" multiple' in str(form["attachments"])


def test_the_form_names_a_missing_body_and_a_bad_category(cast):
    form = NoteForm({"body": "  ", "category": "gossip"}, show=cast.show)
    assert not form.is_valid()
    assert form.errors == {
        "body": ["This field is required."],
        "category": ["Select a valid choice. gossip is not one of the available choices."],
    }
