"""Note digests: built from the database, each note in exactly one sent digest per recipient, whatever happens
between claim and send; the pages (my digest, outbox) and who may send what now."""

from __future__ import annotations

import datetime as dt
import email
import logging
import smtplib
import threading
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dailies import digests, tasks
from dailies.models import Digest, DigestState, Note, NoteCategory, NoteRecipient, RecipientKind, SessionKind
from studio.celery import app
from studio.models import Person, Role, Show
from tests.dailies.factories import NoteFactory, ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.studio.test_csp import EXPECTED_POLICY, inspect, policy
from tests.test_celery_worker import _closed_port_url, _reset_broker_connections

pytestmark = pytest.mark.django_db

BASE = "https://slate.example"
SCRIPT_BODY = '<script>alert("owned")</script> & <b>bold</b> "quoted"'


@pytest.fixture(autouse=True)
def _base_url():
    with override_settings(SLATE_BASE_URL=BASE + "/"):
        yield


@dataclass
class Cast:
    show: Show
    other_show: Show
    people: dict[str, Person]
    shots: dict[str, object]
    versions: dict[str, object]

    def __getitem__(self, name: str) -> Person:
        return self.people[name]


def build_cast() -> Cast:
    animation = DepartmentFactory(name="Animation", code="ANI")
    anim = TaskTypeFactory(name="Animation", department=animation)
    show = ShowFactory(code="RBT", name="Robot Holiday")
    other_show = ShowFactory(code="ZED", name="Zed Zone")
    cast = {
        "artist": ("Ada", "Arden", Role.ARTIST),
        "artist2": ("Bea", "Brook", Role.ARTIST),
        "supervisor": ("Sam", "Sutter", Role.SUPERVISOR),
        "coordinator": ("Cora", "Cole", Role.COORDINATOR),
        "producer": ("Pete", "Pryce", Role.PRODUCER),
        "client": ("Cleo", "Clarke", Role.CLIENT),
    }
    people = {}
    for username, (first, last, role) in cast.items():
        people[username] = PersonFactory(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            email=f"{username}@studio.example",
            department=animation,
            digest_time=dt.time(0, 0),  # UTC midnight: due once a day, at any time of day the test runs
        )
        MembershipFactory(person=people[username], show=show)
        MembershipFactory(person=people[username], show=other_show)
    people["admin"] = PersonFactory(
        username="admin", first_name="Adam", last_name="Rooter", role=Role.ADMIN, is_superuser=True, is_staff=True
    )
    people["stranger"] = PersonFactory(username="stranger", role=Role.COORDINATOR)  # on no show
    shots, versions = {}, {}
    for s in (show, other_show):
        sequence = SequenceFactory(show=s, code="SQ010")
        for code in ("SQ010_SH0010", "SQ010_SH0020"):
            shot = ShotFactory(sequence=sequence, code=code)
            task = TaskFactory(shot=shot, task_type=anim, assignees=[people["artist"], people["artist2"]])
            shots[f"{s.code} {code}"] = shot
            versions[f"{s.code} {code}"] = VersionFactory(task=task, number=3, author=people["artist"])
    return Cast(show=show, other_show=other_show, people=people, shots=shots, versions=versions)


@pytest.fixture
def cast() -> Cast:
    return build_cast()


_marks = iter(range(1, 1_000_000))


def add_note(
    cast: Cast,
    *,
    to: list[str],
    cc: list[str] = (),
    where: str = "RBT SQ010_SH0010",
    body: str | None = None,
    author: str = "supervisor",
    category: str = NoteCategory.SUPERVISOR,
    published: bool = True,
    session=None,
    status_change: str = "",
    at: dt.datetime | None = None,
) -> Note:
    """A note with its recipient rows, as the note service writes them. Each body carries a unique marker."""
    body = body if body is not None else f"[mark-{next(_marks):04d}] tighten the arc"
    note = NoteFactory(
        version=cast.versions[where],
        author=cast[author],
        body=body,
        category=category,
        is_published=published,
        published_at=timezone.now() if published else None,
        session=session,
        status_change=status_change,
    )
    if at is not None:
        Note.objects.filter(pk=note.pk).update(created_at=at)
        note.refresh_from_db()
    for name in to:
        NoteRecipient.objects.create(note=note, person=cast[name], kind=RecipientKind.TO)
    for name in cc:
        NoteRecipient.objects.create(note=note, person=cast[name], kind=RecipientKind.CC)
    return note


def mark_of(note: Note) -> str:
    return note.body.split("]", 1)[0] + "]"


def mails_to(person: Person) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if any(person.email in to for to in m.to)]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_each_note_mailed_once() -> None:
    """Every row of a published note is in a sent digest, and its note is in exactly one email to that person (in
    the text and in the HTML part), carrying that digest's Message-ID."""
    problems = []
    for row in NoteRecipient.objects.filter(note__is_published=True).select_related("note", "person", "digest"):
        mark = mark_of(row.note)
        carrying = [m for m in mails_to(row.person) if mark in m.body]
        if row.digest is None or row.digest.state != DigestState.SENT:
            problems.append(f"{mark} to {row.person.username}: row not in a sent digest")
        if len(carrying) != 1:
            problems.append(f"{mark} to {row.person.username}: in {len(carrying)} emails")
        elif mark not in html_of(carrying[0]) or carrying[0].extra_headers["Message-ID"] != row.digest.message_id:
            problems.append(f"{mark} to {row.person.username}: HTML part or Message-ID wrong")
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(message_ids) == len(set(message_ids)), "a digest was mailed twice"
    assert problems == []


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service as the worker would: its after-commit sends run (eagerly, settings_test) once it returns."""

    def call(function, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


def tomorrow() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


# --- The message --------------------------------------------------------------------------------------------


def test_the_digest_groups_notes_by_show_then_shot_with_links(cast):
    cast["artist"].timezone = "Europe/Paris"
    cast["artist"].save()
    session = ReviewSessionFactory(show=cast.show, name="Anim dailies")
    day = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)
    add_note(cast, to=["artist"], where="ZED SQ010_SH0010", body="Zed: hold the pose\nthen ease out", at=day)
    add_note(
        cast,
        to=["artist"],
        where="RBT SQ010_SH0020",
        body="Second shot: retake the hand",
        status_change="retake",
        session=session,
        at=day + dt.timedelta(minutes=1),
    )
    add_note(cast, to=["artist2"], cc=["artist"], body="First shot, later", at=day + dt.timedelta(minutes=3))
    add_note(cast, to=["artist"], body="First shot, earlier", author="coordinator", category="internal", at=day)

    digest = digests.digest_claim(person_id=cast["artist"].pk)

    assert (digest.state, digest.note_count, digest.attempts) == (DigestState.CLAIMED, 4, 0)
    assert digest.subject == "Slate: 4 notes on 3 shots in RBT, ZED"
    assert digest.text_body == (
        "Hello Ada,\n"
        "\n"
        "4 notes for you since your last digest.\n"
        "\n"
        "RBT - Robot Holiday\n"
        "===================\n"
        "\n"
        f"SQ010_SH0010  {BASE}/shows/RBT/shot/SQ010_SH0010/\n"
        "\n"
        "  Animation v003 - Cora Cole - Internal\n"
        "  Fri 20 Nov 2026 15:05\n"
        "    First shot, earlier\n"
        "\n"
        "  Animation v003 - Sam Sutter - Supervisor - CC\n"
        "  Fri 20 Nov 2026 15:08\n"
        "    First shot, later\n"
        "\n"
        f"SQ010_SH0020  {BASE}/shows/RBT/shot/SQ010_SH0020/\n"
        "\n"
        "  Animation v003 - Sam Sutter - Supervisor - Retake\n"
        "  Anim dailies, Fri 20 Nov 2026 15:06\n"
        "    Second shot: retake the hand\n"
        "\n"
        "ZED - Zed Zone\n"
        "==============\n"
        "\n"
        f"SQ010_SH0010  {BASE}/shows/ZED/shot/SQ010_SH0010/\n"
        "\n"
        "  Animation v003 - Sam Sutter - Supervisor\n"
        "  Fri 20 Nov 2026 15:05\n"
        "    Zed: hold the pose\n"
        "    then ease out\n"
        "\n"
        f"Your inbox: {digests.inbox_url()}\n"
        f"Digest time and on/off: {BASE}/me/digest/\n"
        "(Times are in Europe/Paris.)\n"
    )
    html = digest.html_body
    assert html.index("RBT — Robot Holiday") < html.index("ZED — Zed Zone")
    assert html.index("First shot, earlier") < html.index("First shot, later") < html.index("Second shot")
    assert f'<h3><a href="{BASE}/shows/RBT/shot/SQ010_SH0010/">SQ010_SH0010</a></h3>' in html
    assert "Zed: hold the pose<br>then ease out" in html
    assert '<span class="chip retake">Retake</span>' in html
    assert f'<a href="{digests.inbox_url()}">Open your inbox in Slate</a>' in html
    assert digest.message_id == f"<slate-digest-{digest.pk}@slate>"


def test_html_and_script_in_a_note_are_text_in_the_email(cast, run):
    add_note(cast, to=["artist"], body=f"[mark-x] {SCRIPT_BODY}")
    cast["supervisor"].first_name = "<i>Sam</i>"
    cast["supervisor"].save()

    run(digests.digests_send_now, actor=cast["artist"], person_ids=[cast["artist"].pk])

    [message] = mail.outbox
    html = html_of(message)
    assert "<script>" not in html and "<b>bold</b>" not in html and "<i>Sam</i>" not in html
    assert (
        "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;" in html
    )
    assert "&lt;i&gt;Sam&lt;/i&gt; Sutter" in html
    assert f"    [mark-x] {SCRIPT_BODY}\n" in message.body  # the plain text is the note as written
    assert "  Animation v003 - <i>Sam</i> Sutter - Supervisor\n" in message.body


def test_the_email_goes_to_the_person_with_the_digests_message_id(cast, run):
    add_note(cast, to=["artist"])
    [digest] = run(digests.digests_send_now, actor=cast["artist"], person_ids=[cast["artist"].pk])

    [message] = mail.outbox
    assert message.to == ["Ada Arden <artist@studio.example>"]
    assert message.subject == "Slate: 1 note on RBT SQ010_SH0010"
    assert message.extra_headers == {"Message-ID": digest.message_id, "Auto-Submitted": "auto-generated"}
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed["Message-ID"] == digest.message_id
    assert [part.get_content_type() for part in parsed.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    digest.refresh_from_db()
    assert (digest.state, digest.attempts, digest.last_error) == (DigestState.SENT, 1, "")
    assert digest.sent_at is not None


# --- Exactly once ---------------------------------------------------------------------------------------------


def test_repeated_runs_send_each_note_once_per_recipient(cast, run):
    add_note(cast, to=["artist", "artist2"], cc=["coordinator"])
    add_note(cast, to=["artist"], where="ZED SQ010_SH0020")
    add_note(cast, to=["artist2"], where="RBT SQ010_SH0020")

    first = run(digests.digests_run_due)
    assert sorted(d.person.username for d in first) == ["artist", "artist2", "coordinator"]
    assert len(mail.outbox) == 3
    for _ in range(3):  # the beat comes back every five minutes, and the sweep every minute
        assert run(digests.digests_run_due) == []
        assert run(digests.digests_resend_claimed, older_than=dt.timedelta(0)) == {}
    assert len(mail.outbox) == 3
    assert_each_note_mailed_once()

    # New notes arrive after today's digest: they wait for tomorrow's, which carries only them.
    late = add_note(cast, to=["artist"], cc=["artist2"])
    assert run(digests.digests_run_due) == []
    second = run(digests.digests_run_due, now=tomorrow())
    assert sorted((d.person.username, d.note_count) for d in second) == [("artist", 1), ("artist2", 1)]
    assert run(digests.digests_run_due, now=tomorrow()) == []
    assert len(mail.outbox) == 5
    assert_each_note_mailed_once()
    assert all(mark_of(late) in m.body for m in mail.outbox[3:])
    assert Digest.objects.filter(state=DigestState.CLAIMED).count() == 0


def test_a_held_client_note_waits_until_it_is_published(cast, run):
    held = add_note(cast, to=["artist"], category=NoteCategory.CLIENT, published=False, author="coordinator")
    internal = add_note(cast, to=["artist"])

    [digest] = run(digests.digests_run_due)
    assert digest.note_count == 1
    assert mark_of(internal) in mail.outbox[0].body and mark_of(held) not in mail.outbox[0].body
    assert NoteRecipient.objects.get(note=held).digest is None

    Note.objects.filter(pk=held.pk).update(is_published=True, published_at=timezone.now())  # note_publish
    [digest] = run(digests.digests_run_due, now=tomorrow())
    assert digest.note_count == 1
    assert mark_of(held) in mail.outbox[1].body and mark_of(internal) not in mail.outbox[1].body
    assert_each_note_mailed_once()


def test_a_note_saved_with_no_celery_at_all_goes_out_with_the_next_run(cast, run):
    """Saving a note queues nothing: the run finds it in the database."""
    note = add_note(cast, to=["artist"])
    assert mail.outbox == []
    assert run(tasks.send_due_digests) == 1  # the beat task, in-process; send_digest runs eagerly
    assert len(mail.outbox) == 1 and mark_of(note) in mail.outbox[0].body
    assert_each_note_mailed_once()


@pytest.fixture
def broker_down():
    """The test process publishes for real, to a Redis port where nothing listens."""
    saved = {key: getattr(app.conf, key) for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = _closed_port_url()
    _reset_broker_connections()
    yield
    for key, value in saved.items():
        setattr(app.conf, key, value)
    _reset_broker_connections()


def test_send_now_while_redis_is_down_is_sent_by_the_sweep(cast, run, broker_down, caplog):
    note = add_note(cast, to=["artist"])
    with caplog.at_level(logging.WARNING, logger="studio.services"):
        [digest] = run(digests.digests_send_now, actor=cast["artist"], person_ids=[cast["artist"].pk])
    assert [r.getMessage() for r in caplog.records if r.name == "studio.services"] == [
        f"Could not enqueue dailies.tasks.send_digest({digest.pk},); the periodic sweep will pick it up."
    ]
    assert mail.outbox == []
    digest.refresh_from_db()
    assert (digest.state, digest.attempts) == (DigestState.CLAIMED, 0)

    assert digests.claimed_digest_ids() == []  # younger than a minute: its own task may still come
    assert digests.claimed_digest_ids(now=timezone.now() + dt.timedelta(minutes=2)) == [digest.pk]
    assert tasks.resend_claimed_digests(older_than_seconds=0) == {"sent": 1}
    assert tasks.resend_claimed_digests(older_than_seconds=0) == {}
    assert len(mail.outbox) == 1 and mark_of(note) in mail.outbox[0].body
    assert_each_note_mailed_once()


def test_a_worker_dying_between_claim_and_send_leaves_a_digest_the_sweep_sends_once(cast, run):
    add_note(cast, to=["artist"])
    add_note(cast, to=["artist"], where="RBT SQ010_SH0020")
    digest = digests.digest_claim(person_id=cast["artist"].pk)  # ...and the worker died here
    assert mail.outbox == []

    assert digests.digests_resend_claimed(older_than=dt.timedelta(0)) == {digests.SendOutcome.SENT: 1}
    assert digests.digests_resend_claimed(older_than=dt.timedelta(0)) == {}
    assert run(digests.digests_run_due) == []  # the rows are taken: the daily run has nothing more
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == digest.message_id
    assert_each_note_mailed_once()


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the service catches it."""


def test_a_worker_dying_while_sending_leaves_the_digest_claimed_for_the_sweep(cast, monkeypatch):
    add_note(cast, to=["artist"])
    digest = digests.digest_claim(person_id=cast["artist"].pk)

    def die(self, fail_silently=False):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", die)
        with pytest.raises(WorkerKilled):
            digests.digest_send(digest_id=digest.pk)
    digest.refresh_from_db()
    assert (digest.state, digest.attempts, digest.sent_at) == (DigestState.CLAIMED, 1, None)  # the attempt counted

    assert digests.digest_send(digest_id=digest.pk) == digests.SendOutcome.SENT
    digest.refresh_from_db()
    assert (digest.state, digest.attempts) == (DigestState.SENT, 2)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [digest.message_id]
    assert_each_note_mailed_once()


def test_a_retried_send_of_a_sent_digest_sends_nothing(cast):
    add_note(cast, to=["artist"])
    digest = digests.digest_claim(person_id=cast["artist"].pk)
    assert tasks.send_digest(digest.pk) == "sent"
    assert tasks.send_digest(digest.pk) == "already sent"
    assert tasks.send_digest.delay(digest.pk).get() == "already sent"  # eager, as a redelivered message would
    assert tasks.send_digest(987654) == "missing"
    digest.refresh_from_db()
    assert (len(mail.outbox), digest.attempts) == (1, 1)


def test_an_smtp_error_keeps_the_digest_claimed_with_the_error(cast, monkeypatch):
    add_note(cast, to=["artist"])
    digest = digests.digest_claim(person_id=cast["artist"].pk)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        assert tasks.send_digest(digest.pk) == "failed"  # called in-process: no Celery retry, the sweep retries
        assert digests.digests_resend_claimed(older_than=dt.timedelta(0)) == {digests.SendOutcome.FAILED: 1}
    digest.refresh_from_db()
    assert (digest.state, digest.attempts) == (DigestState.CLAIMED, 2)
    assert digest.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    assert digests.digests_resend_claimed(older_than=dt.timedelta(0)) == {digests.SendOutcome.SENT: 1}
    digest.refresh_from_db()
    assert (digest.state, digest.attempts, digest.last_error) == (DigestState.SENT, 3, "")
    assert_each_note_mailed_once()


def test_digests_off_or_no_email_address_keep_the_notes_waiting(cast, run):
    add_note(cast, to=["artist", "artist2"])
    Person.objects.filter(pk=cast["artist"].pk).update(digest_enabled=False)
    Person.objects.filter(pk=cast["artist2"].pk).update(email="")
    assert digests.digests_due() == []
    assert run(digests.digests_run_due) == []
    assert digests.digest_claim(person_id=cast["artist"].pk) is None
    assert NoteRecipient.objects.filter(digest__isnull=False).count() == 0

    Person.objects.filter(pk=cast["artist"].pk).update(digest_enabled=True)
    Person.objects.filter(pk=cast["artist2"].pk).update(email="bea@studio.example")
    assert len(run(digests.digests_run_due)) == 2
    assert_each_note_mailed_once()


def test_a_note_the_recipient_may_not_see_yet_waits_for_them(cast, run):
    """A client note from a client session not yet released: the client cannot see it, not even in a digest."""
    session = ReviewSessionFactory(show=cast.show, name="Client review", kind=SessionKind.CLIENT)
    ReviewItemFactory(session=session, version=cast.versions["RBT SQ010_SH0010"])
    note = add_note(cast, to=["client"], category=NoteCategory.CLIENT, session=session, author="coordinator")
    assert run(digests.digests_run_due) == []
    assert NoteRecipient.objects.get(note=note).digest is None

    session.released_at = timezone.now()
    session.save()
    [digest] = run(digests.digests_run_due)
    assert digest.person == cast["client"]
    assert_each_note_mailed_once()


def test_demo_history_marked_digested_is_not_sent_again(cast, run):
    old = add_note(cast, to=["artist"])
    NoteRecipient.objects.filter(note=old).update(digested_at=timezone.now() - dt.timedelta(days=3))
    new = add_note(cast, to=["artist"])
    [digest] = run(digests.digests_run_due)
    assert digest.note_count == 1
    assert mark_of(new) in mail.outbox[0].body and mark_of(old) not in mail.outbox[0].body


def test_a_long_backlog_is_split_into_digests_of_bounded_size(cast, run, monkeypatch):
    monkeypatch.setattr(digests, "MAX_NOTES_PER_DIGEST", 3)
    for _ in range(7):
        add_note(cast, to=["artist"])
    sent = run(digests.digests_run_due)
    assert [d.note_count for d in sent] == [3, 3, 1]
    assert run(digests.digests_run_due) == []
    assert_each_note_mailed_once()


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_and_sends_never_mail_a_note_twice():
    """Separate connections: a second claim for the same person waits for the first and finds nothing left; a send
    of a digest another connection is sending is skipped."""
    cast = build_cast()
    for _ in range(4):
        add_note(cast, to=["artist", "artist2"])
    artist = cast["artist"].pk
    first_claimed, release = threading.Event(), threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                results["first"] = digests.digest_claim(person_id=artist)
                first_claimed.set()
                release.wait(10)  # holding the person's lock and the rows, not committed yet
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            results["second"] = digests.digest_claim(person_id=artist)
            results["second_done_at"] = timezone.now()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_claimed.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(1)
    assert two.is_alive(), "the second claim did not wait for the first"
    released_at = timezone.now()
    release.set()
    one.join(10)
    two.join(10)
    assert errors == []
    assert results["second"] is None and results["second_done_at"] >= released_at
    assert results["first"].note_count == 4

    # Concurrent sends of the same digest: the one holding it sends, the other skips it.
    digest_id = results["first"].pk
    sending, finish = threading.Event(), threading.Event()
    outcomes = {}

    def slow_sender():
        try:
            with transaction.atomic():
                Digest.objects.select_for_update().get(pk=digest_id)  # what digest_send holds while on SMTP
                sending.set()
                finish.wait(10)
        finally:
            connection.close()

    def sweeper():
        try:
            outcomes["sweep"] = digests.digest_send(digest_id=digest_id)
        finally:
            connection.close()

    holder = threading.Thread(target=slow_sender)
    holder.start()
    assert sending.wait(10)
    sweep = threading.Thread(target=sweeper)
    sweep.start()
    sweep.join(10)
    finish.set()
    holder.join(10)
    assert outcomes["sweep"] == digests.SendOutcome.BUSY
    assert mail.outbox == []

    assert digests.digests_resend_claimed(older_than=dt.timedelta(0)) == {digests.SendOutcome.SENT: 1}
    assert len(digests.digests_run_due()) == 1  # artist2, never claimed; sent on commit (eagerly, settings_test)
    assert digests.digests_resend_claimed(older_than=dt.timedelta(0)) == {}
    assert_each_note_mailed_once()


# --- Query counts ---------------------------------------------------------------------------------------------


def _notes_across_shots(cast, count: int, to: list[str]) -> None:
    places = list(cast.versions)
    for n in range(count):
        add_note(cast, to=to, cc=["coordinator"], where=places[n % len(places)])


@pytest.mark.parametrize("job", ["claim", "run"])
def test_a_digest_run_does_not_query_once_per_note(job, run):
    counts = {}
    for size in (3, 30):
        with transaction.atomic():
            cast = build_cast()
            _notes_across_shots(cast, size, to=["artist", "artist2"])
            with CaptureQueriesContext(connection) as captured:
                if job == "claim":
                    digest = digests.digest_claim(person_id=cast["artist"].pk)
                    assert digest.note_count == size
                else:
                    assert len(run(digests.digests_run_due)) == 3
                    assert len(mail.outbox) == 3
            counts[size] = len(captured)
            mail.outbox.clear()
            transaction.set_rollback(True)
    assert counts[3] == counts[30], counts


# --- Who is due when ----------------------------------------------------------------------------------------


def test_due_at_the_persons_local_digest_time(cast):
    tokyo, los_angeles = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")
    now = dt.datetime(2026, 11, 20, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo, 16:30 the day before in Los Angeles
    assert digests.is_due(now, tokyo, dt.time(9, 0), None)
    assert not digests.is_due(now, tokyo, dt.time(10, 0), None)
    assert not digests.is_due(now, los_angeles, dt.time(18, 0), None)
    assert digests.is_due(now + dt.timedelta(hours=2), los_angeles, dt.time(18, 0), None)
    # A digest since today's time: not again today. A "send now" this morning does not cancel this evening's.
    assert not digests.is_due(now, tokyo, dt.time(9, 0), now - dt.timedelta(minutes=10))
    assert digests.is_due(now, tokyo, dt.time(9, 0), now - dt.timedelta(hours=2))

    Person.objects.filter(pk=cast["artist"].pk).update(timezone="Asia/Tokyo", digest_time=dt.time(9, 0))
    Person.objects.filter(pk=cast["artist2"].pk).update(timezone="America/Los_Angeles", digest_time=dt.time(18, 0))
    add_note(cast, to=["artist", "artist2", "supervisor"], author="coordinator")
    Person.objects.filter(pk=cast["supervisor"].pk).update(timezone="Not/AZone")  # read as UTC
    assert digests.digests_due(now=now) == [
        (cast["artist"].pk, dt.datetime(2026, 11, 20, 9, 0, tzinfo=tokyo)),
        (cast["supervisor"].pk, dt.datetime(2026, 11, 20, 0, 0, tzinfo=ZoneInfo("UTC"))),
    ]


def test_next_digest_at(cast, run):
    artist = cast["artist"]
    artist.timezone, artist.digest_time = "Europe/Paris", dt.time(18, 0)
    artist.save()
    paris = ZoneInfo("Europe/Paris")
    morning = timezone.now().astimezone(paris).replace(hour=9, minute=0)
    today_at_six = morning.replace(hour=18, minute=0, second=0, microsecond=0)
    assert digests.next_digest_at(artist, now=morning) == today_at_six
    assert digests.next_digest_at(artist, now=today_at_six + dt.timedelta(hours=1)) == today_at_six  # due now
    artist.digest_enabled = False
    assert digests.next_digest_at(artist, now=morning) is None


# --- Send now -----------------------------------------------------------------------------------------------


def test_send_now_is_for_ones_own_digest_or_an_admin(cast, run):
    add_note(cast, to=["artist", "artist2"])
    with pytest.raises(PermissionDenied):
        digests.digests_send_now(actor=cast["artist"], person_ids=[cast["artist2"].pk])
    assert [d.person for d in run(digests.digests_send_now, actor=cast["artist"], person_ids=[cast["artist"].pk])] == [
        cast["artist"]
    ]
    assert run(digests.digests_send_now, actor=cast["artist"], person_ids=[cast["artist"].pk]) == []
    sent = run(digests.digests_send_now, actor=cast["admin"], person_ids=[cast["artist2"].pk, cast["artist"].pk])
    assert [d.person for d in sent] == [cast["artist2"]]
    assert_each_note_mailed_once()


def test_send_session_notes_now_queues_everyone_who_received_notes_in_it(cast, run):
    session = ReviewSessionFactory(show=cast.show, name="Anim dailies")
    add_note(cast, to=["artist"], cc=["coordinator"], session=session)
    add_note(cast, to=["artist2"], where="RBT SQ010_SH0020", session=session)
    earlier = add_note(cast, to=["artist"], where="ZED SQ010_SH0010")  # not from the session, pending all the same
    held = add_note(
        cast, to=["producer"], category=NoteCategory.CLIENT, published=False, session=session, author="coordinator"
    )
    add_note(
        cast, to=["supervisor"], author="coordinator"
    )  # not in the session: waits for the supervisor's digest time

    for who in ("artist", "client", "stranger"):
        with pytest.raises(PermissionDenied):
            digests.send_session_digests_now(actor=cast[who], session=session)
    sent = run(digests.send_session_digests_now, actor=cast["coordinator"], session=session)

    assert sorted((d.person.username, d.note_count) for d in sent) == [
        ("artist", 2),
        ("artist2", 1),
        ("coordinator", 1),
    ]
    assert len(mail.outbox) == 3
    assert mark_of(earlier) in mails_to(cast["artist"])[0].body
    assert NoteRecipient.objects.get(note=held).digest is None  # held: goes out once published
    assert NoteRecipient.objects.get(person=cast["supervisor"]).digest is None
    assert run(digests.send_session_digests_now, actor=cast["supervisor"], session=session) == []  # nothing left


# --- Pages ----------------------------------------------------------------------------------------------------


def test_my_digest_page_shows_what_waits_and_my_digests(client, cast, run):
    add_note(cast, to=["artist"], body="[mark-p1] <script>bad()</script>")
    run(digests.digests_send_now, actor=cast["artist"], person_ids=[cast["artist"].pk])
    add_note(cast, to=["artist"])
    add_note(cast, to=["artist2"])
    client.force_login(cast["artist"])

    response = client.get(reverse("dailies:digest_settings"))

    assert response.status_code == 200
    assert response.context["pending_count"] == 1
    assert [d.person for d in response.context["digests"]] == [cast["artist"]]
    body = response.content.decode()
    assert "Send my notes now" in body
    assert "Slate: 1 note on RBT SQ010_SH0010" in body
    assert policy(response) == EXPECTED_POLICY
    assert inspect(response).problems == []


def test_my_digest_settings_are_saved(client, cast):
    client.force_login(cast["artist"])
    response = client.post(reverse("dailies:digest_settings"), {"digest_time": "07:45"})
    assert (response.status_code, response["Location"]) == (302, reverse("dailies:digest_settings"))
    artist = Person.objects.get(pk=cast["artist"].pk)
    assert (artist.digest_enabled, artist.digest_time) == (False, dt.time(7, 45))

    response = client.post(reverse("dailies:digest_settings"), {"digest_enabled": "on", "digest_time": "25:00"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"digest_time": ["Enter a time of day like 18:00."]}
    assert "Digest time</a>: Enter a time of day like 18:00." in response.content.decode()
    response = client.post(
        reverse("dailies:digest_settings"), {"digest_enabled": "on", "digest_time": "18:30"}, follow=True
    )
    artist.refresh_from_db()
    assert (artist.digest_enabled, artist.digest_time) == (True, dt.time(18, 30))
    assert [str(m) for m in response.context["messages"]] == ["Your digest comes every day at 18:30 (UTC)."]


def test_send_mine_now_from_the_page(client, cast, django_capture_on_commit_callbacks):
    note = add_note(cast, to=["artist"])
    add_note(cast, to=["artist2"])
    client.force_login(cast["artist"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dailies:digest_send_now"), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Sending 1 note to artist@studio.example now."]
    assert len(mail.outbox) == 1 and mark_of(note) in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dailies:digest_send_now"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing to send: every note addressed to you has been in a digest already."
    ]
    assert "Send my notes now" not in response.content.decode()  # nothing waits: no button
    assert client.get(reverse("dailies:digest_send_now")).status_code == 405


def test_the_outbox_shows_ones_own_digests_and_admins_all(client, cast, run):
    add_note(cast, to=["artist"], body=f"[mark-o1] {SCRIPT_BODY}")
    add_note(cast, to=["artist2"], body="[mark-o2] for Bea")
    run(digests.digests_run_due)

    client.force_login(cast["artist"])
    response = client.get(reverse("dailies:outbox"))
    body = response.content.decode()
    assert [d.person for d in response.context["digests"]] == [cast["artist"]]
    assert "[mark-o2]" not in body and "Bea Brook" not in body
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in body and "<script>alert" not in body
    assert policy(response) == EXPECTED_POLICY
    assert inspect(response).problems == []

    client.force_login(cast["admin"])
    response = client.get(reverse("dailies:outbox"))
    assert sorted(d.person.username for d in response.context["digests"]) == ["artist", "artist2"]


def test_the_html_version_is_served_sandboxed_and_only_to_its_reader(client, cast, run):
    add_note(cast, to=["artist"], body=f"[mark-h] {SCRIPT_BODY}")
    [digest] = run(digests.digests_run_due)
    path = reverse("dailies:outbox_html", args=[digest.pk])

    client.force_login(cast["artist"])
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == digest.html_body
    assert policy(response) == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
        "sandbox": [],
    }
    assert "<script>" not in response.content.decode()

    for who, status in (("artist2", 404), ("coordinator", 404), ("admin", 200)):
        client.force_login(cast[who])
        assert client.get(path).status_code == status, who


def _digests_for(person: Person, count: int) -> None:
    Digest.objects.bulk_create(
        Digest(person=person, subject=f"Digest {n}", text_body=f"body {n}", note_count=1) for n in range(count)
    )


@pytest.mark.parametrize("name", ["dailies:outbox", "dailies:digest_settings"])
def test_the_pages_make_a_fixed_number_of_queries(client, name):
    counts = {}
    for size in (2, 12):
        with transaction.atomic():
            cast = build_cast()
            for person in (cast["artist"], cast["artist2"]):
                _digests_for(person, size)
            _notes_across_shots(cast, size, to=["artist", "admin"])
            for who in ("artist", "admin"):
                client.force_login(cast[who])
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(reverse(name)).status_code == 200
                counts[(who, size)] = len(captured)
            transaction.set_rollback(True)
    assert counts[("artist", 2)] == counts[("artist", 12)], counts
    assert counts[("admin", 2)] == counts[("admin", 12)], counts


def test_the_outbox_pages(client, cast):
    _digests_for(cast["artist"], 30)
    client.force_login(cast["artist"])
    response = client.get(reverse("dailies:outbox"))
    assert [d.subject for d in response.context["digests"]][:2] == ["Digest 29", "Digest 28"]
    assert len(response.context["digests"]) == 25
    response = client.get(reverse("dailies:outbox"), {"page": 2})
    assert [d.subject for d in response.context["digests"]] == [f"Digest {n}" for n in range(4, -1, -1)]
