"""Note digests: one email a day per person (HTML and plain text) with the notes addressed to them since their last
digest, grouped by show and shot; plus "send now" for one person or for everyone who received notes in a session.

Exactly once (dailies.models.Digest). Digests are built from the database, never from queued messages, so a note
saved while Redis is down is still delivered by the next run:

1. `digest_claim` takes, in one transaction, the person's row lock, then their pending recipient rows (note
   published, not in a digest yet) under FOR UPDATE; it renders the message from those rows, stores it on a new
   Digest (state "claimed") and points the rows at that digest in one UPDATE. A row joins one digest only: the
   person lock serialises two claims for one person, and the second one reads the rows the first has taken.
2. `digest_send` hands a claimed digest to Django's email backend with the digest's own Message-ID, and marks it
   sent in the same transaction, under the digest's row lock (SKIP LOCKED: a digest another worker is sending is
   left to that worker, so a retry and the sweep never send it side by side). An SMTP error keeps it claimed with
   `last_error`. A sent digest is never sent again.
3. Beat: `digests_run_due` (every 5 minutes) claims the digests of the people whose local digest time has passed
   today and who had no digest since, and queues their sending; `digests_resend_claimed` (every minute) sends
   every digest left claimed for more than a minute (a worker died, the broker lost the message, SMTP was down).

The window no design closes: the SMTP server accepted the message and the worker died before its transaction
committed "sent". The sweep then sends it again with the same Message-ID, which mail stores and clients use to
show it once. Everything before the hand-off (a worker killed while building or connecting) is recovered with no
duplicate.

People without an email address are not claimed: their rows stay pending and go out in their first digest once an
address is set (nothing is marked delivered that nobody received). A person who switches digests off keeps their
notes in the inbox; the rows stay pending until they switch digests back on.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import formataddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shots.selectors import person_zone
from studio import permissions
from studio.models import Person
from studio.services import enqueue_on_commit

from .models import Digest, DigestState, NoteRecipient, RecipientKind, ReviewSession

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# A digest carries at most this many notes (a message stays well under SMTP size limits); a person with more
# pending gets several digests in the same run.
MAX_NOTES_PER_DIGEST = 500
MAX_DIGESTS_PER_RUN = 20
# A digest claimed longer ago than this and still not sent is sent again by the sweep.
RESEND_AFTER = dt.timedelta(minutes=1)
ATTEMPTS_CEILING = 32_767  # PositiveSmallIntegerField
NO_EMAIL_ERROR = "no email address"
SUBJECT_MAX = 200


class SendOutcome(enum.StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"  # a retry of a digest that went out: nothing is sent
    BUSY = "busy"  # another worker holds it (it is sending it now)
    MISSING = "missing"
    FAILED = "failed"  # kept claimed with last_error; sent again by a retry or the sweep


# --- Reads ----------------------------------------------------------------------------------------------------


def pending_rows() -> QuerySet[NoteRecipient]:
    """Recipient rows waiting for a digest: the note is published, the row is in no digest yet (and was not marked
    digested before digests were records: the demo's history)."""
    return NoteRecipient.objects.filter(digest__isnull=True, digested_at__isnull=True, note__is_published=True)


def pending_note_count(person: Person) -> int:
    """What the person's next digest would carry now (only notes they may see)."""
    return permissions.visible(person, pending_rows().filter(person_id=person.pk)).count()


def recent_digests(person: Person, *, limit: int = 10) -> QuerySet[Digest]:
    return (
        Digest.objects.filter(person_id=person.pk)
        .defer("text_body", "html_body")
        .order_by("-created_at", "-id")[:limit]
    )


def outbox_digests(viewer: Person) -> QuerySet[Digest]:
    """The outbox: every digest for admins, one's own for everyone else (studio.permissions.OwnRule); newest first."""
    return (
        permissions.visible(viewer, Digest).select_related("person").defer("html_body").order_by("-created_at", "-id")
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_moment(now: dt.datetime, zone: ZoneInfo, digest_time: dt.time) -> dt.datetime:
    """Today's digest time where the person is, as an aware datetime."""
    local = now.astimezone(zone)
    return dt.datetime.combine(local.date(), digest_time.replace(tzinfo=None), tzinfo=zone)


def is_due(now: dt.datetime, zone: ZoneInfo, digest_time: dt.time, last_digest_at: dt.datetime | None) -> bool:
    """Their local digest time has passed today and they have had no digest since (a "send now" earlier in the day
    does not cancel the evening digest)."""
    moment = digest_moment(now, zone, digest_time)
    return now >= moment and (last_digest_at is None or last_digest_at < moment)


def next_digest_at(person: Person, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the person's next scheduled digest is due (None when digests are off): today's time if it is still to
    come (or has come and nothing was sent since), else tomorrow's."""
    if not person.digest_enabled:
        return None
    now = now or timezone.now()
    zone = person_zone(person)
    moment = digest_moment(now, zone, person.digest_time)
    if now < moment:
        return moment
    last = Digest.objects.filter(person_id=person.pk).aggregate(last=Max("created_at"))["last"]
    if last is None or last < moment:
        return moment
    tomorrow = now.astimezone(zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, person.digest_time.replace(tzinfo=None), tzinfo=zone)


def digests_due(*, now: dt.datetime | None = None) -> list[tuple[int, dt.datetime]]:
    """(person id, today's digest moment) of everyone due for their daily digest, in one query."""
    now = now or timezone.now()
    people = (
        Person.objects.filter(is_active=True, digest_enabled=True)
        .exclude(email="")
        .filter(Exists(pending_rows().filter(person_id=OuterRef("pk"))))
        .annotate(last_digest_at=Max("digests__created_at"))
        .values_list("pk", "timezone", "digest_time", "last_digest_at")
        .order_by("pk")
    )
    due = []
    for person_id, zone_name, digest_time, last_digest_at in people:
        zone = _zone(zone_name)
        if is_due(now, zone, digest_time, last_digest_at):
            due.append((person_id, digest_moment(now, zone, digest_time)))
    return due


# --- The message ------------------------------------------------------------------------------------------------


def base_url() -> str:
    return (getattr(settings, "SLATE_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    return base_url() + path


def inbox_url() -> str:
    """The inbox page (dailies:inbox); My tasks' notes panel until the inbox exists."""
    try:
        return absolute(reverse("dailies:inbox"))
    except NoReverseMatch:
        return absolute(reverse("shots:my_tasks"))


@dataclass
class NoteLine:
    row: NoteRecipient

    @property
    def note(self):
        return self.row.note

    @property
    def author(self) -> str:
        return str(self.note.author)

    @property
    def category(self) -> str:
        return self.note.get_category_display()

    @property
    def status_change(self) -> str:
        return {"approve": "Approved", "retake": "Retake"}.get(self.note.status_change, "")

    @property
    def is_cc(self) -> bool:
        return self.row.kind == RecipientKind.CC

    @property
    def task_type(self) -> str:
        return self.note.version.task.task_type.name

    @property
    def version_code(self) -> str:
        return self.note.version.code

    @property
    def session(self) -> str:
        return self.note.session.name if self.note.session_id else ""

    @property
    def written_at(self) -> dt.datetime:
        return self.note.created_at

    @property
    def body(self) -> str:
        return self.note.body

    @property
    def indented_body(self) -> str:
        """The body for the plain-text message, as written (no escaping), each line indented under its heading."""
        return "\n".join(f"    {line}".rstrip() for line in self.note.body.splitlines() or [""])


@dataclass
class ShotGroup:
    code: str
    url: str
    notes: list[NoteLine] = field(default_factory=list)


@dataclass
class ShowGroup:
    code: str
    name: str
    shots: list[ShotGroup] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.code} - {self.name}"

    @property
    def underline(self) -> str:
        return "=" * len(self.heading)


def group_by_show_and_shot(rows: Iterable[NoteRecipient]) -> list[ShowGroup]:
    """Shows by code, shots by code, and in each shot the notes in the order they were written (oldest first)."""
    shows: dict[str, ShowGroup] = {}
    shots: dict[tuple[str, str], ShotGroup] = {}
    ordered = sorted(
        rows,
        key=lambda r: (
            r.note.version.task.shot.show.code,
            r.note.version.task.shot.code,
            r.note.created_at,
            r.note_id,
        ),
    )
    for row in ordered:
        shot = row.note.version.task.shot
        show = shot.show
        group = shows.get(show.code)
        if group is None:
            group = shows[show.code] = ShowGroup(code=show.code, name=show.name)
        key = (show.code, shot.code)
        if key not in shots:
            shots[key] = ShotGroup(
                code=shot.code, url=absolute(reverse("shots:shot_detail", args=[show.code, shot.code]))
            )
            group.shots.append(shots[key])
        shots[key].notes.append(NoteLine(row))
    return list(shows.values())


def digest_subject(shows: list[ShowGroup], note_count: int) -> str:
    notes = f"{note_count} note{'s' if note_count != 1 else ''}"
    shot_count = sum(len(show.shots) for show in shows)
    if shot_count == 1:
        where = f"{shows[0].code} {shows[0].shots[0].code}"
    else:
        where = f"{shot_count} shots in {', '.join(show.code for show in shows)}"
    return f"Slate: {notes} on {where}"[:SUBJECT_MAX]


def render_digest(person: Person, rows: list[NoteRecipient]) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a digest carrying these rows. Note bodies are text: escaped in the HTML,
    as written in the plain text. Times in the person's time zone."""
    shows = group_by_show_and_shot(rows)
    subject = digest_subject(shows, len(rows))
    context = {
        "person": person,
        "greeting": person.first_name or str(person),
        "subject": subject,
        "shows": shows,
        "note_count": len(rows),
        "inbox_url": inbox_url(),
        "settings_url": absolute(reverse("dailies:digest_settings")),
        "zone": person_zone(person).key,
    }
    with timezone.override(person_zone(person)):
        text = render_to_string("dailies/email/digest.txt", context)
        html = render_to_string("dailies/email/digest.html", context)
    return subject, text, html


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    person = digest.person
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=digest.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((str(person), person.email.strip()))],
        headers={"Message-ID": digest.message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(digest.html_body, "text/html")
    return message


# --- Writes -----------------------------------------------------------------------------------------------------


@transaction.atomic
def digest_claim(*, person_id: int, unless_digest_since: dt.datetime | None = None) -> Digest | None:
    """Put the person's pending notes into a new claimed digest, rendered and ready to send. None when there is
    nothing to send (no pending note they may see, digests off, no email address), or when `unless_digest_since`
    is given and they already had a digest since then (the daily run, racing another run).

    A fixed number of queries, whatever the number of notes.
    """
    # Locks in one order: the person, then their rows. Two claims for one person queue here. NO KEY: rows that
    # merely refer to the person (a note addressed to them, a time log) are still written meanwhile.
    person = (
        Person.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=person_id, is_active=True, digest_enabled=True)
        .exclude(email="")
        .first()
    )
    if person is None:
        return None
    if (
        unless_digest_since is not None
        and Digest.objects.filter(person_id=person_id, created_at__gte=unless_digest_since).exists()
    ):
        return None
    rows = list(
        permissions.visible(person, pending_rows().filter(person_id=person_id))
        .select_for_update(of=("self",))
        .select_related(
            "note__author",
            "note__session",
            "note__version__task__task_type",
            "note__version__task__shot__show",
        )
        .order_by("note__created_at", "note_id")[:MAX_NOTES_PER_DIGEST]
    )
    if not rows:
        return None
    subject, text, html = render_digest(person, rows)
    digest = Digest.objects.create(
        person=person,
        state=DigestState.CLAIMED,
        subject=subject,
        text_body=text,
        html_body=html,
        note_count=len(rows),
    )
    taken = NoteRecipient.objects.filter(pk__in=[row.pk for row in rows], digest__isnull=True).update(
        digest=digest, digested_at=timezone.now()
    )
    if taken != len(rows):  # cannot happen under the locks; if it did, nothing is kept
        raise RuntimeError(f"Digest claim for person {person_id}: {taken} of {len(rows)} rows were still pending.")
    return digest


def digest_claim_all(*, person_id: int, unless_digest_since: dt.datetime | None = None) -> list[Digest]:
    """Claim everything pending for the person: one digest, or several when more than MAX_NOTES_PER_DIGEST wait."""
    digests = []
    while len(digests) < MAX_DIGESTS_PER_RUN:
        digest = digest_claim(person_id=person_id, unless_digest_since=None if digests else unless_digest_since)
        if digest is None:
            break
        digests.append(digest)
        if digest.note_count < MAX_NOTES_PER_DIGEST:
            break
    return digests


def _busy_or_missing(digest_id: int) -> SendOutcome:
    return SendOutcome.BUSY if Digest.objects.filter(pk=digest_id).exists() else SendOutcome.MISSING


def digest_send(*, digest_id: int) -> SendOutcome:
    """Send a claimed digest and mark it sent. Idempotent: a sent digest is never sent again, and a digest another
    worker is sending is left to it. On an SMTP error the digest stays claimed with `last_error`."""
    # The attempt is counted in its own transaction, so it is on record even if this worker dies while sending.
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(skip_locked=True)
            .only("pk", "state", "attempts")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None:
            return _busy_or_missing(digest_id)
        if digest.state == DigestState.SENT:
            return SendOutcome.ALREADY_SENT
        digest.attempts = min(digest.attempts + 1, ATTEMPTS_CEILING)
        digest.save(update_fields=["attempts"])

    # Sent and marked sent under the row lock: whoever else wants it meanwhile skips it.
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None:
            return _busy_or_missing(digest_id)
        if digest.state == DigestState.SENT:
            return SendOutcome.ALREADY_SENT
        if not digest.person.email.strip():
            digest.last_error = NO_EMAIL_ERROR
            digest.save(update_fields=["last_error"])
            return SendOutcome.FAILED
        try:
            digest_message(digest).send()
        except (smtplib.SMTPException, OSError) as error:
            digest.last_error = f"{type(error).__name__}: {error}"[:2000]
            digest.save(update_fields=["last_error"])
            logger.warning("Digest %s to %s not sent: %s", digest.pk, digest.person_id, digest.last_error)
            return SendOutcome.FAILED
        digest.state = DigestState.SENT
        digest.sent_at = timezone.now()
        digest.last_error = ""
        digest.save(update_fields=["state", "sent_at", "last_error"])
    return SendOutcome.SENT


def _queue_sending(digests: list[Digest]) -> None:
    from .tasks import send_digest

    for digest in digests:
        enqueue_on_commit(send_digest, digest.pk)


def _claim_and_queue(person_ids: Iterable[int]) -> list[Digest]:
    digests = []
    for person_id in sorted(set(person_ids)):
        claimed = digest_claim_all(person_id=person_id)
        _queue_sending(claimed)
        digests += claimed
    return digests


def digests_send_now(*, actor: Person, person_ids: Iterable[int]) -> list[Digest]:
    """Send these people their pending notes now rather than at their digest time: one's own, or anyone's for an
    admin. Claimed here; sent by a worker once the transaction commits (or by the sweep, if the broker is down).
    Returns the claimed digests (empty when nothing was pending)."""
    person_ids = list(person_ids)
    permissions.require(
        permissions.access_for(actor).is_admin or set(person_ids) <= {actor.pk},
        "You can only send your own digest.",
    )
    return _claim_and_queue(person_ids)


def send_session_digests_now(*, actor: Person, session: ReviewSession) -> list[Digest]:
    """After the session: queue the digests of everyone with pending notes from it (each digest carries all of that
    person's pending notes, not only this session's). The show's supervisors, coordinators, production managers
    and producers (and admins) may do it. Held client notes are not pending: they go out once published."""
    permissions.require(
        permissions.can_change(actor, session), "Only the show's production team can send this session's notes."
    )
    person_ids = pending_rows().filter(note__session=session).values_list("person_id", flat=True).distinct()
    return _claim_and_queue(person_ids)


def digests_run_due(*, now: dt.datetime | None = None) -> list[Digest]:
    """The daily run (beat, every few minutes): claim the digests of everyone due and queue their sending."""
    digests = []
    for person_id, moment in digests_due(now=now):
        claimed = digest_claim_all(person_id=person_id, unless_digest_since=moment)
        _queue_sending(claimed)
        digests += claimed
    return digests


def claimed_digest_ids(*, older_than: dt.timedelta = RESEND_AFTER, now: dt.datetime | None = None) -> list[int]:
    cutoff = (now or timezone.now()) - older_than
    return list(
        Digest.objects.filter(state=DigestState.CLAIMED, created_at__lte=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )


def digests_resend_claimed(*, older_than: dt.timedelta = RESEND_AFTER) -> dict[SendOutcome, int]:
    """The sweep: send every digest still claimed after `older_than` (its worker died, its message was lost, SMTP
    was down). Sent one after another here, not queued: the sweep is what runs when queued messages failed."""
    outcomes: dict[SendOutcome, int] = {}
    for digest_id in claimed_digest_ids(older_than=older_than):
        outcome = digest_send(digest_id=digest_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@transaction.atomic
def digest_settings_update(*, actor: Person, person: Person, digest_enabled: bool, digest_time: dt.time) -> Person:
    """A person's digest on or off, and its local time of day (minutes; seconds are dropped)."""
    locked = Person.objects.select_for_update(of=("self",), no_key=True).get(pk=person.pk)
    permissions.require_change(actor, locked)
    locked.digest_enabled = bool(digest_enabled)
    locked.digest_time = digest_time.replace(second=0, microsecond=0, tzinfo=None)
    locked.save(update_fields=["digest_enabled", "digest_time"])
    return locked
