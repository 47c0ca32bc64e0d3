import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shots.workflow import TaskStatus
from studio import permissions

from .models import Note, NoteAttachment, NoteCategory, NoteRecipient, ReviewItem, ReviewSession, Version, VersionStatus


def recent_sessions(person, *, limit: int = 100) -> QuerySet[ReviewSession]:
    return (
        permissions.visible(person, ReviewSession)
        .select_related("show")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-date", "name")[:limit]
    )


def notes_to_me(person, *, limit: int = 50) -> QuerySet[NoteRecipient]:
    """The notes addressed to the person (To or CC), newest first, as their recipient rows (`read_at` says whether
    they read it). Only notes they may see: an artist never gets a held client note, not even as a row."""
    return (
        permissions.visible(person, NoteRecipient)
        .filter(person_id=person.pk)
        .select_related(
            "note__author", "note__version__task__shot__show", "note__version__task__task_type", "note__session"
        )
        .order_by("-note__created_at", "-note_id")[:limit]
    )


def unread_note_count(person) -> int:
    return permissions.visible(person, NoteRecipient).filter(person_id=person.pk, read_at__isnull=True).count()


# --- The inbox ------------------------------------------------------------------------------------------

INBOX_PAGE_SIZE = 50
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
INBOX_RELATED = (
    "note__author",
    "note__version__task__shot__show",
    "note__version__task__task_type",
    "note__session",
)


@dataclass(frozen=True)
class InboxCursor:
    """Where a page of the inbox ends: the last note's creation time and id (newest first, ties by id).

    Written as "<microseconds since the epoch>-<note id>": URL-safe, and a keyset, so page 300 costs what page 1
    costs and a note arriving meanwhile never shifts a page."""

    created_at: dt.datetime
    note_id: int

    def __str__(self) -> str:
        micros = (self.created_at - EPOCH) // dt.timedelta(microseconds=1)
        return f"{micros}-{self.note_id}"

    @classmethod
    def parse(cls, text: str) -> "InboxCursor":
        """Raises ValueError for anything that is not a cursor this class wrote."""
        micros, _, note_id = (text or "").partition("-")
        if not (micros.isascii() and micros.isdigit() and note_id.isascii() and note_id.isdigit()):
            raise ValueError(f"Not an inbox cursor: {text!r}")
        if len(micros) > 18 or len(note_id) > 18:
            raise ValueError(f"Not an inbox cursor: {text!r}")
        return cls(created_at=EPOCH + dt.timedelta(microseconds=int(micros)), note_id=int(note_id))


@dataclass
class InboxPage:
    rows: list[NoteRecipient]
    next_cursor: InboxCursor | None  # None: this is the last page


def inbox_rows(person) -> QuerySet[NoteRecipient]:
    """The person's own recipient rows of notes they may see (a held client note is not even a row to an artist),
    newest note first, with what a line of the inbox prints."""
    return (
        permissions.visible(person, NoteRecipient)
        .filter(person_id=person.pk)
        .select_related(*INBOX_RELATED)
        .order_by("-note__created_at", "-note_id")
    )


def inbox_page(
    person, *, unread_only: bool = False, after: InboxCursor | None = None, limit: int = INBOX_PAGE_SIZE
) -> InboxPage:
    """One page of the inbox (two queries: the rows, their attachments), and the cursor of the next page."""
    rows = inbox_rows(person).prefetch_related(
        Prefetch("note__attachments", queryset=NoteAttachment.objects.order_by("pk"))
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if after is not None:
        rows = rows.filter(
            Q(note__created_at__lt=after.created_at) | Q(note__created_at=after.created_at, note_id__lt=after.note_id)
        )
    fetched = list(rows[: limit + 1])
    page, more = fetched[:limit], len(fetched) > limit
    last = page[-1].note if page else None
    return InboxPage(rows=page, next_cursor=InboxCursor(last.created_at, last.pk) if more and last else None)


_REQUEST_UNREAD = "_slate_unread_note_count"


def request_unread_count(request) -> int:
    """The person's unread note count, counted once per request (the header and a page showing it share it).
    Whoever marks notes read in the request counts afresh with `unread_note_count`."""
    if not hasattr(request, _REQUEST_UNREAD):
        setattr(request, _REQUEST_UNREAD, unread_note_count(request.user))
    return getattr(request, _REQUEST_UNREAD)


def held_client_notes(person, show) -> QuerySet[Note]:
    """The show's client notes held back from artists, as the person may see them, grouped by session then in the
    order they were typed; with their recipients (who will be told once published) and attachments."""
    return (
        permissions.visible(person, Note)
        .filter(version__task__shot__show=show, category=NoteCategory.CLIENT, is_published=False)
        .select_related("author", "session", "version__task__shot", "version__task__task_type")
        .prefetch_related(
            Prefetch(
                "recipient_rows",
                queryset=NoteRecipient.objects.select_related("person").order_by("-kind", "pk"),  # To, then CC
            ),
            Prefetch("attachments", queryset=NoteAttachment.objects.order_by("pk")),
        )
        .order_by(F("session__date").desc(nulls_last=True), "session_id", "created_at", "pk")
    )


# --- Review sessions (dailies/views/sessions.py, dailies/api/sessions.py) ------------------------------------
#
# Every read here asks a fixed number of queries whatever the session or the version holds: a playlist is one
# query (its note counts a subquery of it), a version's notes three (notes, their recipients, their attachments).

SESSION_ITEM_LIMIT = 500  # a playlist longer than a day of dailies is cut here, and the page says so
VERSION_NOTE_LIMIT = 200  # the session page lists at most this many notes of the current version, newest first
CANDIDATE_LIMIT = 500  # versions offered when a session is built
SEARCH_LIMIT = 20  # versions found when one is added by hand
ITEM_RELATED = (
    "version__task__shot__sequence",
    "version__task__shot__show",
    "version__task__task_type",
    "version__author",
)


def session_for(person, session_id) -> ReviewSession | None:
    """The session if the person may see it (staff of its show; clients only released client sessions)."""
    return permissions.visible(person, ReviewSession).select_related("show", "created_by").filter(pk=session_id).first()


def session_items_queryset(person, session: ReviewSession) -> QuerySet[ReviewItem]:
    """The session's items in playlist order, each with its version, task, shot and author joined and
    `note_count`: the notes written on it in this session that the person may see."""
    counts = (
        permissions.visible(person, Note)
        .filter(session_id=session.pk, version_id=OuterRef("version_id"))
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        permissions.visible(person, ReviewItem)
        .filter(session=session)
        .select_related(*ITEM_RELATED)
        .annotate(note_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
        .order_by("order", "pk")
    )


def session_items(person, session: ReviewSession, *, limit: int = SESSION_ITEM_LIMIT) -> tuple[list[ReviewItem], bool]:
    """(the playlist, whether it was cut at `limit`)."""
    fetched = list(session_items_queryset(person, session)[: limit + 1])
    return fetched[:limit], len(fetched) > limit


def session_item(person, session: ReviewSession, item_id) -> ReviewItem | None:
    return session_items_queryset(person, session).filter(pk=item_id).first()


def version_notes(person, version: Version, *, limit: int = VERSION_NOTE_LIMIT) -> tuple[list[Note], bool]:
    """The notes on the version the person may read, newest first, each with `shown_recipients` (To before CC)
    and `shown_attachments`, only rows the person may see. (notes, whether there are older ones)."""
    recipients = (
        permissions.visible(person, NoteRecipient)
        .select_related("person")
        .order_by("-kind", "person__first_name", "person__last_name", "person__username")
    )
    attachments = permissions.visible(person, NoteAttachment).order_by("pk")
    fetched = list(
        permissions.visible(person, Note)
        .filter(version=version)
        .select_related("author", "session")
        .prefetch_related(
            Prefetch("recipient_rows", queryset=recipients, to_attr="shown_recipients"),
            Prefetch("attachments", queryset=attachments, to_attr="shown_attachments"),
        )
        .order_by("-created_at", "-pk")[: limit + 1]
    )
    return fetched[:limit], len(fetched) > limit


def version_notes_stamp(person, version: Version) -> str:
    """A short fingerprint of what the notes list of `version` shows this person: it changes when a note is added,
    removed or published, or when the version's status changes. The session page polls with it, and an unchanged
    stamp is answered with no content: one small aggregate query."""
    found = (
        permissions.visible(person, Note)
        .filter(version=version)
        .aggregate(count=Count("pk"), last=Max("pk"), published=Max("published_at"))
    )
    published = found["published"].timestamp() if found["published"] else 0
    text = f"{version.status}|{found['count']}|{found['last'] or 0}|{published:.6f}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def recent_identical_note(person, *, version: Version, session: ReviewSession, body: str, status_change: str, since):
    """The note the person wrote on the version in the session since `since` with exactly this body and status
    change, if any: a retried save whose first attempt did reach the server must not write the note twice."""
    return (
        Note.objects.filter(
            author_id=person.pk,
            version=version,
            session=session,
            body=(body or "").strip(),
            status_change=status_change,
            created_at__gte=since,
        )
        .order_by("-pk")
        .first()
    )


def pending_versions_of_show(
    person, show, *, department=None, sequence=None, task_type=None, limit: int = CANDIDATE_LIMIT
) -> tuple[list[Version], bool]:
    """The show's versions waiting for review (the version and its task both pending review), in shot order then
    pipeline step, optionally of one department, sequence or task type: what a new session is built from."""
    versions = permissions.visible(person, Version).filter(
        task__shot__show=show, status=VersionStatus.PENDING_REVIEW, task__status=TaskStatus.PENDING_REVIEW
    )
    if department is not None:
        versions = versions.filter(task__task_type__department=department)
    if sequence is not None:
        versions = versions.filter(task__shot__sequence=sequence)
    if task_type is not None:
        versions = versions.filter(task__task_type=task_type)
    fetched = list(
        versions.select_related("task__shot__sequence", "task__task_type", "author").order_by(
            "task__shot__sequence__order",
            "task__shot__sequence__code",
            "task__shot__order",
            "task__shot__code",
            "task__task_type__order",
            "task__task_type__name",
            "-number",
        )[: limit + 1]
    )
    return fetched[:limit], len(fetched) > limit


def versions_to_add(person, session: ReviewSession, *, query: str = "", pending_only: bool = True, limit=SEARCH_LIMIT):
    """Versions of the session's show not in it yet, whose shot code (or task type) contains `query`: adding a
    version by hand during the session. Newest version of each task first."""
    versions = (
        permissions.visible(person, Version)
        .filter(task__shot__show_id=session.show_id)
        .exclude(review_items__session=session)
        .select_related("task__shot", "task__task_type", "author")
    )
    query = (query or "").strip()
    if query:
        versions = versions.filter(Q(task__shot__code__icontains=query) | Q(task__task_type__name__icontains=query))
    if pending_only:
        versions = versions.filter(status=VersionStatus.PENDING_REVIEW)
    return list(versions.order_by("task__shot__code", "task__task_type__order", "-number")[:limit])


@dataclass
class SheetVersion:
    version: Version
    order: int | None  # the place in the playlist (None: noted in the session but no longer on its playlist)
    notes: list[Note]


@dataclass
class SheetShot:
    shot: object
    versions: list[SheetVersion]

    @property
    def note_count(self) -> int:
        return sum(len(v.notes) for v in self.versions)


def session_sheet(person, session: ReviewSession) -> list[SheetShot]:
    """The session's notes sheet: every version shown, grouped by shot (in shot order), each with the notes written
    on it in this session that the person may read, oldest first, with their recipients. Three queries."""
    items = list(
        permissions.visible(person, ReviewItem)
        .filter(session=session)
        .select_related(*ITEM_RELATED)
        .order_by("order", "pk")
    )
    recipients = permissions.visible(person, NoteRecipient).select_related("person").order_by("-kind", "pk")
    notes = list(
        permissions.visible(person, Note)
        .filter(session=session)
        .select_related("author", "version__task__shot__sequence", "version__task__task_type", "version__author")
        .prefetch_related(Prefetch("recipient_rows", queryset=recipients, to_attr="shown_recipients"))
        .order_by("created_at", "pk")
    )
    rows: dict[int, SheetVersion] = {}
    for item in items:
        rows.setdefault(item.version_id, SheetVersion(version=item.version, order=item.order, notes=[]))
    for note in notes:
        rows.setdefault(note.version_id, SheetVersion(version=note.version, order=None, notes=[])).notes.append(note)

    def shot_key(row: SheetVersion):
        shot = row.version.task.shot
        return (shot.sequence.order, shot.sequence.code, shot.order, shot.code)

    shots: dict[int, SheetShot] = {}
    for row in sorted(rows.values(), key=shot_key):
        shot = row.version.task.shot
        shots.setdefault(shot.pk, SheetShot(shot=shot, versions=[])).versions.append(row)
    for group in shots.values():
        group.versions.sort(
            key=lambda r: (r.version.task.task_type.order, r.version.task.task_type.name, r.version.number)
        )
    return list(shots.values())
