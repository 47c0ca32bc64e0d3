"""Submitting and reviewing versions, and marking notes read: who may, what is written, what is refused."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dailies import services
from dailies.models import Note, NoteCategory, NoteRecipient, RecipientKind, StatusChange, Version, VersionStatus
from shots.models import Activity, Task
from shots.workflow import TaskStatus
from studio.models import Person, Role, Show, ShowSummary
from tests.dailies.factories import NoteFactory, NoteRecipientFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db


@dataclass
class Cast:
    show: Show
    people: dict[str, Person]
    task: Task  # Animation, WIP, assigned to artist and artist2
    lighting_task: Task  # Lighting, WIP, assigned to the lighter
    other_task: Task  # on another show, assigned to the artist there... who is not on it


def build_cast() -> Cast:
    show = ShowFactory(code="RBT")
    animation = DepartmentFactory(name="Animation", code="ANI")
    lighting = DepartmentFactory(name="Lighting", code="LGT")
    anim = TaskTypeFactory(name="Animation", department=animation)
    light = TaskTypeFactory(name="Lighting", department=lighting)
    cast = {
        "artist": (Role.ARTIST, animation),
        "artist2": (Role.ARTIST, animation),
        "lighter": (Role.ARTIST, lighting),
        "supervisor": (Role.SUPERVISOR, animation),
        "lighting_supervisor": (Role.SUPERVISOR, lighting),
        "coordinator": (Role.COORDINATOR, None),
        "production_manager": (Role.PRODUCTION_MANAGER, None),
        "producer": (Role.PRODUCER, None),
        "client": (Role.CLIENT, None),
    }
    people = {}
    for username, (role, department) in cast.items():
        people[username] = PersonFactory(username=username, role=role, department=department)
        MembershipFactory(person=people[username], show=show)
    people["admin"] = PersonFactory(username="admin", role=Role.ADMIN, is_superuser=True)
    sequence = SequenceFactory(show=show, code="SQ010")
    shot = ShotFactory(sequence=sequence, code="SQ010_SH0010")
    task = TaskFactory(shot=shot, task_type=anim, assignees=[people["artist"], people["artist2"]])
    lighting_task = TaskFactory(shot=shot, task_type=light, assignees=[people["lighter"]])
    other_task = TaskFactory(shot=ShotFactory(sequence=SequenceFactory(show=ShowFactory(code="OTH"))), task_type=anim)
    return Cast(show=show, people=people, task=task, lighting_task=lighting_task, other_task=other_task)


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def submit(cast, who="artist", task=None, **fields):
    fields.setdefault("studio_path", "/mnt/shows/RBT/SQ010_SH0010/anim/SQ010_SH0010_anim_v001.mov")
    return services.version_submit(actor=cast.people[who], task=task or cast.task, **fields)


def state(task: Task) -> tuple:
    task.refresh_from_db()
    return task.status, task.row_version, task.retake_count


# --- version_submit -------------------------------------------------------------------------------------


def test_submitting_numbers_the_version_and_moves_the_task_to_pending_review(cast):
    version = submit(cast, frame_in=1009, frame_out=1056, comment="  First pass.  ")

    assert (version.number, version.code, version.status) == (1, "v001", VersionStatus.PENDING_REVIEW)
    assert (version.author, version.frame_in, version.frame_out, version.comment) == (
        cast.people["artist"],
        1009,
        1056,
        "First pass.",
    )
    assert version.studio_path == "/mnt/shows/RBT/SQ010_SH0010/anim/SQ010_SH0010_anim_v001.mov"
    assert not version.media
    assert state(cast.task) == (TaskStatus.PENDING_REVIEW, 2, 0)
    history = list(Activity.objects.filter(task=cast.task).order_by("id").values_list("verb", "changes"))
    assert history == [
        ("created", {"version": ["", "v001"]}),
        ("changed", {"status": ["WIP", "Pending review"]}),
    ]
    assert ShowSummary.objects.get(show=cast.show).is_stale is True


def test_a_new_version_supersedes_the_one_still_waiting(cast):
    first = submit(cast)
    VersionFactory(task=cast.task, number=5, status=VersionStatus.RETAKE)  # numbers continue after the highest
    second = submit(cast, who="artist2", studio_path="/mnt/v006.mov")

    assert second.number == 6
    assert dict(Version.objects.filter(task=cast.task).values_list("number", "status")) == {
        1: VersionStatus.SUPERSEDED,
        5: VersionStatus.RETAKE,
        6: VersionStatus.PENDING_REVIEW,
    }
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    # Already pending review: the task is not written again.
    assert state(cast.task) == (TaskStatus.PENDING_REVIEW, 2, 0)


def test_an_uploaded_file_is_stored_under_the_show_shot_and_version(cast, settings):
    media = SimpleUploadedFile("blocking.mov", b"\x00\x00\x00\x18ftypqt  ", content_type="video/quicktime")
    version = submit(cast, studio_path="", media=media)

    version.refresh_from_db()
    assert version.media.name == f"versions/RBT/SQ010_SH0010/{cast.task.task_type_id}/v001/blocking.mov"
    assert version.studio_path == ""
    assert (settings.MEDIA_ROOT / version.media.name).read_bytes() == b"\x00\x00\x00\x18ftypqt  "


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"studio_path": "   "}, {"studio_path": ["Give a studio path or upload a file."]}),
        (
            {"media": SimpleUploadedFile("a.mov", b"x")},
            {"studio_path": ["Give a studio path or upload a file, not both."]},
        ),
        ({"frame_in": 1056, "frame_out": 1009}, {"frame_out": ["Frame out must not be before frame in."]}),
        (
            {"studio_path": "/mnt/" + "x" * 500},
            {"studio_path": ["Ensure this value has at most 500 characters (it has 505)."]},
        ),
    ],
    ids=["neither", "both", "frames", "too-long"],
)
def test_bad_input_names_the_field_and_writes_nothing(cast, fields, errors):
    with pytest.raises(ValidationError) as caught:
        submit(cast, **fields)
    assert caught.value.message_dict == errors
    assert Version.objects.count() == 0
    assert state(cast.task) == (TaskStatus.WIP, 1, 0)


@pytest.mark.parametrize(
    ("status", "word"),
    [(TaskStatus.ON_HOLD, "on hold"), (TaskStatus.OMITTED, "omitted"), (TaskStatus.APPROVED, "approved")],
)
def test_parked_dropped_or_signed_off_tasks_take_no_version(cast, status, word):
    Task.objects.filter(pk=cast.task.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        submit(cast, who="coordinator")
    assert caught.value.message_dict == {"task": [f"This task is {word}: it takes no new versions."]}
    assert Version.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("artist", True),
        ("lighter", False),  # not their task
        ("supervisor", True),
        ("lighting_supervisor", False),  # may write versions on the show, but not move an Animation task
        ("coordinator", True),
        ("production_manager", True),
        ("producer", True),
        ("admin", True),
        ("client", False),
    ],
)
def test_who_may_submit(cast, who, allowed):
    if allowed:
        assert submit(cast, who=who).author == cast.people[who]
        assert state(cast.task)[0] == TaskStatus.PENDING_REVIEW
    else:
        with pytest.raises(PermissionDenied):
            submit(cast, who=who)
        assert Version.objects.count() == 0
        assert state(cast.task) == (TaskStatus.WIP, 1, 0)


def test_nobody_submits_on_a_show_they_are_not_on(cast):
    with pytest.raises(PermissionDenied):
        submit(cast, who="producer", task=cast.other_task)
    assert Version.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_get_consecutive_numbers():
    cast = build_cast()
    start = threading.Barrier(2)
    numbers, errors = [], []

    def run(who):
        try:
            start.wait()
            numbers.append(submit(cast, who=who).number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(who,)) for who in ("artist", "artist2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [1, 2]
    assert sorted(Version.objects.filter(task=cast.task).values_list("number", "status")) == [
        (1, VersionStatus.SUPERSEDED),
        (2, VersionStatus.PENDING_REVIEW),
    ]


# --- version_review ---------------------------------------------------------------------------------------


@pytest.fixture
def pending(cast) -> Version:
    return submit(cast)  # the task is now pending review, row_version 2


def test_approving_approves_the_version_and_the_task(cast, pending):
    reviewed = services.version_review(actor=cast.people["supervisor"], version=pending, outcome="approve")

    assert reviewed.status == VersionStatus.APPROVED
    pending.refresh_from_db()
    assert pending.status == VersionStatus.APPROVED
    assert state(cast.task) == (TaskStatus.APPROVED, 3, 0)
    cast.task.refresh_from_db()
    assert cast.task.updated_by == cast.people["supervisor"]
    assert Activity.objects.filter(task=cast.task).order_by("-id").values_list("changes", flat=True)[0] == {
        "status": ["Pending review", "Approved"],
        "version": ["v001", "Approved"],
    }
    assert Note.objects.count() == 0


def test_a_retake_counts_and_sends_the_note_to_the_assignees(cast, pending):
    services.version_review(
        actor=cast.people["supervisor"], version=pending, outcome="retake", note_body="  Arc is too floaty.\n"
    )

    pending.refresh_from_db()
    assert pending.status == VersionStatus.RETAKE
    assert state(cast.task) == (TaskStatus.RETAKE, 3, 1)
    note = Note.objects.get()
    assert (note.version, note.author, note.body, note.category, note.status_change, note.is_published) == (
        pending,
        cast.people["supervisor"],
        "Arc is too floaty.",
        NoteCategory.SUPERVISOR,
        StatusChange.RETAKE,
        True,
    )
    assert sorted(note.recipient_rows.values_list("person__username", "kind", "read_at")) == [
        ("artist", RecipientKind.TO, None),
        ("artist2", RecipientKind.TO, None),
    ]
    assert Activity.objects.filter(task=cast.task).order_by("-id").values_list("changes", flat=True)[0] == {
        "status": ["Pending review", "Retake"],
        "retake_count": ["0", "1"],
        "version": ["v001", "Retake"],
    }

    # The next version and the next retake count on.
    second = submit(cast, studio_path="/mnt/v002.mov")
    services.version_review(actor=cast.people["coordinator"], version=second, outcome="retake")
    assert state(cast.task) == (TaskStatus.RETAKE, 5, 2)
    assert Note.objects.count() == 1  # no note body: no note


def test_a_coordinators_note_is_internal(cast, pending):
    services.version_review(actor=cast.people["coordinator"], version=pending, outcome="approve", note_body="Nice.")
    note = Note.objects.get()
    assert (note.category, note.status_change) == (NoteCategory.INTERNAL, StatusChange.APPROVE)


def test_a_version_is_reviewed_once(cast, pending):
    services.version_review(actor=cast.people["supervisor"], version=pending, outcome="approve")
    with pytest.raises(ValidationError) as caught:
        services.version_review(actor=cast.people["coordinator"], version=pending, outcome="retake", note_body="No")
    assert caught.value.message_dict == {"version": ["v001 is no longer waiting for review: it is Approved."]}
    assert state(cast.task) == (TaskStatus.APPROVED, 3, 0)
    assert Note.objects.count() == 0


def test_an_unknown_outcome_names_the_field(cast, pending):
    with pytest.raises(ValidationError) as caught:
        services.version_review(actor=cast.people["supervisor"], version=pending, outcome="maybe")
    assert caught.value.message_dict == {"outcome": ["Choose approve or retake."]}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("artist", False),  # the author
        ("artist2", False),
        ("supervisor", True),
        ("lighting_supervisor", False),  # another department
        ("coordinator", True),
        ("production_manager", True),
        ("producer", True),
        ("admin", True),
        ("client", False),
    ],
)
def test_who_may_review(cast, pending, who, allowed):
    if allowed:
        services.version_review(actor=cast.people[who], version=pending, outcome="retake", note_body="Again")
        assert state(cast.task) == (TaskStatus.RETAKE, 3, 1)
    else:
        with pytest.raises(PermissionDenied):
            services.version_review(actor=cast.people[who], version=pending, outcome="retake", note_body="Again")
        pending.refresh_from_db()
        assert pending.status == VersionStatus.PENDING_REVIEW
        assert state(cast.task) == (TaskStatus.PENDING_REVIEW, 2, 0)
        assert Note.objects.count() == 0


# --- note_mark_read -----------------------------------------------------------------------------------------


def test_marking_a_note_read_keeps_the_first_time(cast, pending):
    note = NoteFactory(version=pending, author=cast.people["supervisor"])
    NoteRecipientFactory(note=note, person=cast.people["artist"])

    first = services.note_mark_read(actor=cast.people["artist"], note=note)
    again = services.note_mark_read(actor=cast.people["artist"], note=note)

    assert first.read_at is not None
    assert again.read_at == first.read_at
    assert NoteRecipient.objects.get(note=note, person=cast.people["artist"]).read_at == first.read_at


def test_only_a_recipient_marks_a_note_read(cast, pending):
    note = NoteFactory(version=pending, author=cast.people["supervisor"])
    NoteRecipientFactory(note=note, person=cast.people["artist"])
    with pytest.raises(ValidationError) as caught:
        services.note_mark_read(actor=cast.people["artist2"], note=note)
    assert caught.value.message_dict == {"note": ["This note is not addressed to you."]}


def test_an_artist_cannot_touch_a_held_client_note(cast, pending):
    held = NoteFactory(
        version=pending, author=cast.people["coordinator"], category=NoteCategory.CLIENT, is_published=False
    )
    NoteRecipientFactory(note=held, person=cast.people["artist"])
    with pytest.raises(PermissionDenied):
        services.note_mark_read(actor=cast.people["artist"], note=held)
    assert NoteRecipient.objects.get(note=held).read_at is None
