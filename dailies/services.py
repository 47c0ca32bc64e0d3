"""Every write to versions and notes goes through here: permission checked, validated, atomic.

Locks are taken in one order: the task first, then its versions. A version's number and a review's outcome are
decided under the task's row lock, so two submissions never get the same number and two reviewers never both
decide the same version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shots.models import ActivityVerb, Task
from shots.services import activity_record, task_update
from shots.workflow import TaskStatus
from studio import permissions
from studio.models import Person, Role
from studio.services import show_summary_mark_stale

from .models import Note, NoteCategory, NoteRecipient, RecipientKind, StatusChange, Version, VersionStatus

# A version is work in progress being shown: not on a task that is parked, dropped or already signed off.
NO_SUBMISSION_STATUSES = {
    TaskStatus.ON_HOLD: "on hold",
    TaskStatus.OMITTED: "omitted",
    TaskStatus.APPROVED: "approved",
    TaskStatus.FINAL: "final",
}

REVIEW_OUTCOMES = {
    StatusChange.APPROVE: (VersionStatus.APPROVED, TaskStatus.APPROVED),
    StatusChange.RETAKE: (VersionStatus.RETAKE, TaskStatus.RETAKE),
}


def _lock_task(task: Task) -> Task:
    # Only the task row: updated_by is a nullable (outer) join, and the shot stays editable by others meanwhile.
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("shot__show", "task_type", "updated_by")
        .get(pk=task.pk)
    )


@transaction.atomic
def version_submit(
    *,
    actor: Person,
    task: Task,
    media: UploadedFile | None = None,
    studio_path: str = "",
    frame_in: int | None = None,
    frame_out: int | None = None,
    comment: str = "",
) -> Version:
    """Submit the next version of a task for review: an uploaded file or a path on the studio file server.

    The task moves to pending review (through shots.services.task_update, so the artist-allowed statuses and the
    history apply), and any earlier version still waiting for review is superseded by this one.
    """
    studio_path = (studio_path or "").strip()
    if media and studio_path:
        raise ValidationError({"studio_path": "Give a studio path or upload a file, not both."})
    if not media and not studio_path:
        raise ValidationError({"studio_path": "Give a studio path or upload a file."})
    if frame_in is not None and frame_out is not None and frame_out < frame_in:
        raise ValidationError({"frame_out": "Frame out must not be before frame in."})

    locked = _lock_task(task)
    number = (Version.objects.filter(task=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    version = Version(
        task=locked,
        number=number,
        author=actor,
        studio_path=studio_path,
        frame_in=frame_in,
        frame_out=frame_out,
        comment=comment.strip(),
        status=VersionStatus.PENDING_REVIEW,
    )
    permissions.require_change(actor, version)
    if locked.status != TaskStatus.PENDING_REVIEW:
        # Asked before anything is stored: the move to pending review is part of submitting.
        permissions.require(
            permissions.can_set_task_status(actor, locked, TaskStatus.PENDING_REVIEW),
            "You cannot submit versions on this task.",
        )
    if locked.status in NO_SUBMISSION_STATUSES:
        raise ValidationError(
            {"task": f"This task is {NO_SUBMISSION_STATUSES[locked.status]}: it takes no new versions."}
        )
    if media:
        version.media = media  # stored on save(), under versions/<show>/<shot>/<task type>/v<number>/
    version.full_clean()
    Version.objects.filter(task=locked, status=VersionStatus.PENDING_REVIEW).update(status=VersionStatus.SUPERSEDED)
    version.save()
    activity_record(
        actor=actor, shot=locked.shot, task=locked, verb=ActivityVerb.CREATED, changes={"version": ["", version.code]}
    )
    if locked.status != TaskStatus.PENDING_REVIEW:
        task_update(actor=actor, task=locked, status=TaskStatus.PENDING_REVIEW)
    return version


def can_review(person: Person, version: Version) -> bool:
    """Approve or retake: the show's reviewers who may also move the task there (a supervisor only in their
    department; coordinators, production managers and producers in all; admins everywhere). Artists never."""
    task = version.task
    return permissions.can_change(person, version) and all(
        permissions.can_set_task_status(person, task, status) for _, status in REVIEW_OUTCOMES.values()
    )


@transaction.atomic
def version_review(*, actor: Person, version: Version, outcome: str, note_body: str = "") -> Version:
    """Approve a version (the task is approved) or send it back (the task goes to retake and its retake count
    goes up by one). An optional note goes to the task's assignees.

    The task's row is written here, under its lock, with its row_version bumped like any other task write:
    retake_count is not a field task_update lets anyone set.
    """
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationError({"outcome": "Choose approve or retake."})
    version_status, task_status = REVIEW_OUTCOMES[outcome]
    task = _lock_task(version.task)
    locked = Version.objects.select_for_update().get(pk=version.pk)
    locked.task = task
    permissions.require(can_review(actor, locked), "You cannot review this version.")
    if locked.status != VersionStatus.PENDING_REVIEW:
        raise ValidationError(
            {"version": f"{locked.code} is no longer waiting for review: it is {locked.get_status_display()}."}
        )

    locked.status = version_status
    locked.full_clean()
    locked.save(update_fields=["status"])

    before = {"status": task.get_status_display(), "retake_count": str(task.retake_count)}
    task.status = task_status
    if outcome == StatusChange.RETAKE:
        task.retake_count += 1
    task.row_version += 1
    task.updated_by = actor
    task.full_clean()
    task.save()
    after = {"status": task.get_status_display(), "retake_count": str(task.retake_count)}
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    changes["version"] = [locked.code, locked.get_status_display()]
    activity_record(actor=actor, shot=task.shot, task=task, verb=ActivityVerb.CHANGED, changes=changes)
    show_summary_mark_stale(show_id=task.shot.show_id)

    if note_body.strip():
        _review_note(actor=actor, version=locked, outcome=outcome, body=note_body.strip())
    return locked


def _review_note(*, actor: Person, version: Version, outcome: str, body: str) -> Note:
    role = permissions.role_on_show(actor, version.task.shot.show)
    note = Note(
        version=version,
        author=actor,
        body=body,
        category=NoteCategory.SUPERVISOR if role == Role.SUPERVISOR else NoteCategory.INTERNAL,
        status_change=outcome,
        is_published=True,
        published_at=timezone.now(),
    )
    if not permissions.can_change(actor, note):
        raise PermissionDenied("You cannot write notes on this show.")
    note.full_clean()
    note.save()
    assignees = version.task.assignees.all()
    NoteRecipient.objects.bulk_create(
        NoteRecipient(note=note, person=person, kind=RecipientKind.TO) for person in assignees
    )
    return note


@transaction.atomic
def note_mark_read(*, actor: Person, note: Note) -> NoteRecipient:
    """Mark a note addressed to the actor as read (idempotent: the first read time is kept)."""
    row = NoteRecipient.objects.select_for_update().filter(note=note, person=actor).first()
    if row is None:
        raise ValidationError({"note": "This note is not addressed to you."})
    row.note = note
    permissions.require_change(actor, row)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row
