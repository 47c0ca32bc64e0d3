"""Every write to versions and notes goes through here: permission checked, validated, atomic.

Locks are taken in one order: the task first, then its versions. A version's number and a review's outcome are
decided under the task's row lock, so two submissions never get the same number and two reviewers never both
decide the same version.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from schedules.services import ev_mark_stale
from shots.models import ActivityVerb, Task
from shots.services import activity_record, task_update
from shots.workflow import TaskStatus
from studio import permissions
from studio.models import Person, Role, ShowMembership
from studio.services import show_summary_mark_stale

from .models import (
    Note,
    NoteAttachment,
    NoteCategory,
    NoteRecipient,
    RecipientKind,
    ReviewItem,
    ReviewSession,
    SessionKind,
    StatusChange,
    Version,
    VersionStatus,
)

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
    goes up by one). An optional note goes To the task's assignees (nobody in CC), written by note_create, which
    applies the review through the same `_review_apply`.
    """
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationError({"outcome": "Choose approve or retake."})
    if note_body.strip():
        role = permissions.role_on_show(actor, version.task.shot.show)
        category = NoteCategory.SUPERVISOR if role == Role.SUPERVISOR else NoteCategory.INTERNAL
        note = note_create(
            actor=actor, version=version, body=note_body, category=category, status_change=outcome, cc=[]
        )
        return note.version
    return _review_apply(actor=actor, version=version, outcome=outcome)


def _review_apply(*, actor: Person, version: Version, outcome: str) -> Version:
    """The one implementation of a review outcome; callers hold a transaction.

    The task's row is written here, under its lock, with its row_version bumped like any other task write:
    retake_count is not a field task_update lets anyone set.
    """
    version_status, task_status = REVIEW_OUTCOMES[outcome]
    task = _lock_task(version.task)
    ev_mark_stale(show_id=task.shot.show_id)  # the task's status, so its earned value, changes
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
    return locked


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


# --- Notes ------------------------------------------------------------------------------------------------

ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Images only, recognised by their first bytes (the name and the browser's content type are the sender's word).
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))
IMAGE_EXTENSIONS = {"png": ("png",), "jpg": ("jpg", "jpeg"), "gif": ("gif",), "webp": ("webp",)}


def _image_extension(upload: UploadedFile) -> str | None:
    """The image type the file's first bytes say it is (png, jpg, gif, webp), or None."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for signature, extension in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return extension
    return None


def _checked_attachments(attachments) -> list[UploadedFile]:
    """Images only, at most ATTACHMENT_MAX_COUNT of at most ATTACHMENT_MAX_BYTES each. The stored name gets the
    extension of what the file really is, so protected media serves it as that image type and nothing else."""
    files = [f for f in (attachments or ()) if f]
    if len(files) > ATTACHMENT_MAX_COUNT:
        raise ValidationError({"attachments": f"Attach at most {ATTACHMENT_MAX_COUNT} images ({len(files)} given)."})
    problems = []
    for upload in files:
        name = (upload.name or "image").rsplit("/", 1)[-1]
        if upload.size > ATTACHMENT_MAX_BYTES:
            problems.append(f"{name} is larger than {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB.")
            continue
        extension = _image_extension(upload)
        if extension is None:
            problems.append(f"{name} is not a PNG, JPEG, GIF or WebP image.")
            continue
        stem, dot, given = name.rpartition(".")
        if not dot or given.lower() not in IMAGE_EXTENSIONS[extension]:
            upload.name = f"{stem or given}.{extension}"
    if problems:
        raise ValidationError({"attachments": problems})
    return files


def default_recipients(version: Version) -> tuple[list[Person], list[Person]]:
    """To: the task's assignees. CC: the show's supervisors of the task type's department (their effective role on
    the show is supervisor), minus anyone already in To. Active people only."""
    task = version.task
    to = list(task.assignees.filter(is_active=True).order_by("pk"))
    supervisors = ShowMembership.objects.filter(show_id=task.shot.show_id).filter(
        Q(role=Role.SUPERVISOR) | Q(role="", person__role=Role.SUPERVISOR)
    )
    cc = list(
        Person.objects.filter(
            is_active=True, department_id=task.task_type.department_id, pk__in=supervisors.values("person_id")
        )
        .exclude(pk__in=[p.pk for p in to])
        .order_by("pk")
    )
    return to, cc


def recipient_choices(show_id: int):
    """The people a note on this show may be addressed to: its active staff members (never its clients)."""
    staff = ShowMembership.objects.filter(show_id=show_id).exclude(
        Q(role=Role.CLIENT) | Q(role="", person__role=Role.CLIENT)
    )
    return Person.objects.filter(is_active=True, pk__in=staff.values("person_id"))


def _checked_recipients(people, *, show_id: int, field: str) -> list[Person]:
    chosen = list(dict.fromkeys(people))  # keeps the order given, drops repeats
    if not chosen:
        return []
    allowed = set(recipient_choices(show_id).filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True))
    strangers = [str(p) for p in chosen if p.pk not in allowed]
    if strangers:
        raise ValidationError({field: f"Not on this show's staff: {', '.join(strangers)}."})
    return chosen


@transaction.atomic
def note_create(
    *,
    actor: Person,
    version: Version,
    body: str,
    category: str = NoteCategory.INTERNAL,
    status_change: str = "",
    to: list[Person] | None = None,
    cc: list[Person] | None = None,
    session: ReviewSession | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Note:
    """Write a note on a version, addressed To and CC people, optionally approving or sending the version back
    (through the same `_review_apply` as version_review: a retake counts), with image attachments. All or nothing.

    Recipients: `to=None` means the task's assignees, `cc=None` the department's supervisors on the show (see
    default_recipients); an explicit list (even empty) is used as given, after checking everyone is on the show's
    staff. A person in both lists is To only. The author is never a recipient of their own note: nobody needs a
    digest line or an unread mark for what they just typed.

    Client notes are held (not published) until note_publish: artists cannot see them and their recipients are not
    notified (digests take only rows of published notes). Every other note is published at once. A status change
    on a held client note applies at once all the same: the review is production's decision, only the words wait.
    """
    show_id = version.task.shot.show_id
    permissions.require(
        permissions.can_change(actor, Note(version=version, author=actor)), "You cannot write notes on this show."
    )
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = "Write the note."
    if category not in NoteCategory.values:
        errors["category"] = f"Choose one of: {', '.join(NoteCategory.values)}."
    if status_change not in StatusChange.values:
        errors["status_change"] = "Choose approve, retake or no change."
    if errors:
        raise ValidationError(errors)
    if session is not None:
        permissions.require_view(actor, session)
        if session.show_id != show_id:
            raise ValidationError({"session": "The session belongs to another show."})
    files = _checked_attachments(attachments)

    default_to, default_cc = default_recipients(version) if to is None or cc is None else ([], [])
    to_people = default_to if to is None else _checked_recipients(to, show_id=show_id, field="to")
    cc_people = default_cc if cc is None else _checked_recipients(cc, show_id=show_id, field="cc")
    to_ids = {p.pk for p in to_people}
    to_people = [p for p in to_people if p.pk != actor.pk]
    cc_people = [p for p in cc_people if p.pk != actor.pk and p.pk not in to_ids]

    if status_change:
        version = _review_apply(actor=actor, version=version, outcome=status_change)

    held = category == NoteCategory.CLIENT
    note = Note(
        version=version,
        session=session,
        author=actor,
        body=body,
        category=category,
        status_change=status_change,
        is_published=not held,
        published_at=None if held else timezone.now(),
    )
    note.full_clean()
    note.save()
    NoteRecipient.objects.bulk_create(
        [NoteRecipient(note=note, person=p, kind=RecipientKind.TO) for p in to_people]
        + [NoteRecipient(note=note, person=p, kind=RecipientKind.CC) for p in cc_people]
    )
    for upload in files:
        attachment = NoteAttachment(note=note, file=upload)
        attachment.save()  # one at a time: the storage writes each file on save()
    return note


def can_publish_notes(person: Person, show) -> bool:
    """Held client notes are published by the show's coordinators, production managers and producers (admins)."""
    role = permissions.role_on_show(person, show)
    return role == Role.ADMIN or role in permissions.BREAKDOWN_EDITORS


@transaction.atomic
def note_publish(*, actor: Person, notes) -> list[Note]:
    """Publish held client notes: artists see them from now on, and their recipients get them in the next digest.
    Refused as a whole if the actor may not publish on one of the notes' shows; notes already published are left
    as they are (publishing twice is harmless). Returns the notes published by this call."""
    ids = sorted({n.pk for n in notes})
    locked = list(
        Note.objects.select_for_update(of=("self",))
        .select_related("version__task__shot__show")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    shows = {note.version.task.shot.show for note in locked}
    permissions.require(all(can_publish_notes(actor, show) for show in shows), "You cannot publish notes on this show.")
    held = [note for note in locked if not note.is_published]
    now = timezone.now()
    for note in held:
        note.is_published = True
        note.published_at = now
    Note.objects.bulk_update(held, ["is_published", "published_at"])
    return held


def session_publish_client_notes(*, actor: Person, session: ReviewSession) -> list[Note]:
    """Publish every held client note written in this session."""
    permissions.require(can_publish_notes(actor, session.show), "You cannot publish notes on this show.")
    return note_publish(actor=actor, notes=list(session.notes.filter(is_published=False)))


@transaction.atomic
def inbox_mark_read(*, actor: Person, note_ids: list[int] | None = None) -> int:
    """Mark notes addressed to the actor read: those of `note_ids`, or all of them (None). Only rows the actor may
    see (a held client note stays unread, untouched and unmentioned); rows already read keep their first read time.
    Returns how many rows this call marked. An id that is not a note addressed to the actor is an error naming
    "notes", and nothing is marked."""
    rows = permissions.visible(actor, NoteRecipient).filter(person_id=actor.pk)
    if note_ids is not None:
        wanted = set(note_ids)
        found = set(rows.filter(note_id__in=wanted).values_list("note_id", flat=True))
        if wanted - found:
            missing = ", ".join(str(i) for i in sorted(wanted - found))
            raise ValidationError({"notes": f"Not notes addressed to you: {missing}."})
        rows = rows.filter(note_id__in=wanted)
    # read_at is asked again on the outer row: a concurrent "mark all read" that got there first keeps its time.
    unread = rows.filter(read_at__isnull=True).values("pk")
    return NoteRecipient.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=timezone.now())


# --- Review sessions ----------------------------------------------------------------------------------------
#
# A session's items are changed under the session's row lock (taken first, before any task or version lock), so
# two coordinators adding, removing or reordering at the same moment never interleave: each sees the other's
# result, and `order` stays 1..n without gaps or repeats after every change.


def _lock_session(session: ReviewSession) -> ReviewSession:
    return ReviewSession.objects.select_for_update(of=("self",)).select_related("show").get(pk=session.pk)


def _require_open(session: ReviewSession) -> None:
    if session.is_closed:
        raise ValidationError({"session": "This session is closed: reopen it to change its versions."})


def _version_label(shot_code: str, task_type: str, number: int) -> str:
    return f"{shot_code} {task_type} v{number:03d}"


def _checked_version_ids(actor: Person, session: ReviewSession, versions) -> list[int]:
    """The ids of `versions` (instances or ids), in the order given without repeats, after checking the actor may
    see each one and that each is on the session's show. One query."""
    ids = list(dict.fromkeys(v if isinstance(v, int) else v.pk for v in versions))
    if not ids:
        return []
    rows = (
        permissions.visible(actor, Version)
        .filter(pk__in=ids)
        .values_list("pk", "task__shot__show_id", "task__shot__code", "task__task_type__name", "number")
    )
    found = {pk: (show_id, _version_label(code, task_type, number)) for pk, show_id, code, task_type, number in rows}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"versions": f"No such version: {', '.join(missing)}."})
    elsewhere = [found[pk][1] for pk in ids if found[pk][0] != session.show_id]
    if elsewhere:
        raise ValidationError({"versions": f"Not on {session.show.code}: {', '.join(elsewhere)}."})
    return ids


def _append_items(session: ReviewSession, version_ids: list[int]) -> list[ReviewItem]:
    """Add the versions not yet in the session at its end, in the order given. Returns the new items."""
    current = list(ReviewItem.objects.filter(session=session).values_list("version_id", "order"))
    present = {version_id for version_id, _ in current}
    last = max((order for _, order in current), default=0)
    new = [version_id for version_id in version_ids if version_id not in present]
    items = [ReviewItem(session=session, version_id=vid, order=last + n) for n, vid in enumerate(new, start=1)]
    ReviewItem.objects.bulk_create(items)
    return items


@transaction.atomic
def session_create(
    *,
    actor: Person,
    show,
    date,
    name: str,
    kind: str = SessionKind.INTERNAL,
    versions=(),
) -> ReviewSession:
    """A review session of `show` on `date`, with `versions` (instances or ids of the show's versions) as its items
    in the order given. Reviewers of the show (supervisors, coordinators, production managers, producers) create
    sessions; a client session stays invisible to the show's clients until session_release."""
    session = ReviewSession(show=show, date=date, name=(name or "").strip(), kind=kind, created_by=actor)
    permissions.require(permissions.can_change(actor, session), "You cannot create review sessions on this show.")
    session.full_clean()
    version_ids = _checked_version_ids(actor, session, versions)
    session.save()
    _append_items(session, version_ids)
    return session


SESSION_FIELDS = ("name", "date", "kind", "is_closed")


@transaction.atomic
def session_update(*, actor: Person, session: ReviewSession, **changes) -> ReviewSession:
    """Change a session's name, date, kind or closed state (reopen it with is_closed=False)."""
    unknown = sorted(set(changes) - set(SESSION_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    locked = _lock_session(session)
    permissions.require(permissions.can_change(actor, locked), "You cannot change this review session.")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if changes.get("kind") == SessionKind.INTERNAL and locked.released_at is not None:
        raise ValidationError({"kind": "This session was released to the client: it stays a client session."})
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def session_add_versions(*, actor: Person, session: ReviewSession, versions) -> list[ReviewItem]:
    """Add versions at the end of the session's playlist. Versions already in it are left where they are (adding
    twice is harmless); returns the items this call created."""
    locked = _lock_session(session)
    permissions.require(permissions.can_change(actor, locked), "You cannot change this review session.")
    _require_open(locked)
    version_ids = _checked_version_ids(actor, locked, versions)
    if not version_ids:
        raise ValidationError({"versions": "Choose at least one version to add."})
    return _append_items(locked, version_ids)


def _renumber(items: list[ReviewItem]) -> None:
    """Give the items the orders 1..n in list order, writing only the rows whose order changes."""
    changed = []
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            changed.append(item)
    ReviewItem.objects.bulk_update(changed, ["order"])


def _items_in_order(session: ReviewSession) -> list[ReviewItem]:
    return list(ReviewItem.objects.filter(session=session).order_by("order", "pk"))


@transaction.atomic
def session_remove_item(*, actor: Person, session: ReviewSession, item: ReviewItem) -> None:
    """Take a version out of the session. A version that already has notes in this session stays: its notes are on
    the session's notes sheet and in the digests of the people they went to."""
    locked = _lock_session(session)
    permissions.require(permissions.can_change(actor, locked), "You cannot change this review session.")
    _require_open(locked)
    row = (
        ReviewItem.objects.filter(pk=item.pk, session=locked)
        .values_list("version_id", "version__task__shot__code", "version__task__task_type__name", "version__number")
        .first()
    )
    if row is None:
        raise ValidationError({"item": "This version is not in the session (any more)."})
    version_id, shot_code, task_type, number = row
    if Note.objects.filter(session=locked, version_id=version_id).exists():
        label = _version_label(shot_code, task_type, number)
        raise ValidationError({"item": f"{label} has notes in this session: it stays on the notes sheet."})
    ReviewItem.objects.filter(pk=item.pk).delete()
    _renumber(_items_in_order(locked))


@transaction.atomic
def session_reorder(*, actor: Person, session: ReviewSession, item_ids: list[int]) -> list[ReviewItem]:
    """Put the session's items in the order of `item_ids`, which must name every item of the session exactly once
    (a list made before someone else added or removed a version is refused, naming the difference)."""
    locked = _lock_session(session)
    permissions.require(permissions.can_change(actor, locked), "You cannot change this review session.")
    _require_open(locked)
    items = {item.pk: item for item in _items_in_order(locked)}
    given = list(item_ids)
    problems = []
    repeated = sorted({pk for pk in given if given.count(pk) > 1})
    if repeated:
        problems.append(f"items named twice: {', '.join(map(str, repeated))}")
    unknown = [pk for pk in dict.fromkeys(given) if pk not in items]
    if unknown:
        problems.append(f"not in this session: {', '.join(map(str, unknown))}")
    missing = [pk for pk in items if pk not in given]
    if missing:
        problems.append(f"missing: {', '.join(map(str, missing))}")
    if problems:
        raise ValidationError({"item_ids": f"Send every item of the session exactly once ({'; '.join(problems)})."})
    ordered = [items[pk] for pk in given]
    _renumber(ordered)
    return ordered


@transaction.atomic
def session_move_item(*, actor: Person, session: ReviewSession, item: ReviewItem, by: int) -> list[ReviewItem]:
    """Move one item `by` places (negative: towards the start), stopping at either end: the keyboard's way to
    reorder a playlist."""
    locked = _lock_session(session)
    permissions.require(permissions.can_change(actor, locked), "You cannot change this review session.")
    _require_open(locked)
    items = _items_in_order(locked)
    position = next((n for n, row in enumerate(items) if row.pk == item.pk), None)
    if position is None:
        raise ValidationError({"item": "This version is not in the session (any more)."})
    moved = items.pop(position)
    items.insert(max(0, min(len(items), position + by)), moved)
    _renumber(items)
    return items


@transaction.atomic
def session_release(*, actor: Person, session: ReviewSession) -> ReviewSession:
    """Release a client session to the show's clients: from now on they see it, its versions and its published
    client notes. Releasing twice keeps the first release time."""
    locked = _lock_session(session)
    permissions.require(permissions.can_change(actor, locked), "You cannot release this review session.")
    if locked.kind != SessionKind.CLIENT:
        raise ValidationError({"kind": "Only client sessions are released to the client; this one is internal."})
    if locked.released_at is None:
        locked.released_at = timezone.now()
        locked.save(update_fields=["released_at"])
    return locked
