"""Note digests with a real Celery worker against Redis, mailing through Django's file backend: a worker killed
(SIGKILL) while it sends one person's digest loses nothing and duplicates nothing. Every recipient ends with each
of their notes in exactly one message, the killed digest keeps its Message-ID, and runs repeated afterwards (the
daily run, the sweep, a redelivered send) send nothing more.

The kill comes before the message reaches the backend: the recoverable case. A worker dying after the SMTP server
accepted a message but before "sent" was committed would send it again (same Message-ID); see dailies/digests.py.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import connection
from kombu import pools

from dailies import digests
from dailies.models import Digest, DigestState, NoteRecipient
from dailies.tasks import resend_claimed_digests, send_digest, send_due_digests
from tests import test_celery_worker
from tests.dailies.test_digests import add_note, build_cast, mark_of
from tests.test_celery_worker import CeleryWorker, publishing_app, queue_name  # noqa: F401 - fixtures

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in a file of Django's file backend

WORKER_SETTINGS = """\
import os

from studio.settings_test import *  # noqa: F403

EMAIL_BACKEND = "tests.dailies.test_digest_worker.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["DIGEST_TEST_MAIL_DIR"]
CELERY_TASK_ALWAYS_EAGER = False  # the worker queues send_digest for real, on the test's own queue
CELERY_TASK_DEFAULT_QUEUE = os.environ["DIGEST_TEST_QUEUE"]
SLATE_BASE_URL = "https://slate.example"
"""


class SlowFileBackend(FileBackend):
    """Django's file backend; for the address in DIGEST_TEST_SLOW_TO it first leaves a marker file and waits, so the
    test can kill the worker while it holds that digest, before the message is handed over."""

    def send_messages(self, email_messages):
        slow_to = os.environ.get("DIGEST_TEST_SLOW_TO", "")
        if slow_to and any(slow_to in address for message in email_messages for address in message.to):
            Path(os.environ["DIGEST_TEST_SLOW_MARKER"]).write_text("sending")
            time.sleep(120)
        return super().send_messages(email_messages)


class DigestWorker(CeleryWorker):
    """test_celery_worker's worker, with the settings module above and a SIGKILL."""

    def __init__(self, queue: str, log_path: Path, extra_env: dict[str, str]):
        super().__init__(queue, log_path)
        self.extra_env = extra_env

    def start(self) -> None:
        env = {
            **os.environ,
            **self.extra_env,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
        }
        env.pop("CELERY_BROKER_URL", None)
        command = [
            *(sys.executable, "-m", "celery", "-A", "studio", "worker"),
            *("--pool=solo", "--concurrency=1", "-l", "info", "-Q", self.queue_name, "-n", f"{self.queue_name}@%h"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(lambda: " ready." in self.log() or self.process.poll() is not None, "the worker to start", self)
        if self.process.poll() is not None:
            pytest.fail(f"The Celery worker exited with {self.process.returncode}:\n{self.log()}")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the worker and anything it started
        self.process.wait(timeout=10)


def wait_for(condition, what: str, worker: CeleryWorker | None = None, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}." + (f"\n{worker.log()}" if worker else ""))
        time.sleep(0.1)


@pytest.fixture
def fresh_broker_pools():
    """As in tests/shots/test_cut_import_worker.py: fresh kombu pools before and after (requested first)."""

    def fresh() -> None:
        test_celery_worker._reset_broker_connections()
        pools.reset()

    fresh()
    yield
    fresh()


@pytest.fixture
def workers(fresh_broker_pools, transactional_db, publishing_app, queue_name, tmp_path):  # noqa: F811
    """Start workers with `workers.start(**env)`; all are stopped (before the database is flushed) at the end, and
    the message the killed worker held (kombu's unacked hash in Redis) is dropped."""
    (tmp_path / "digest_worker_settings.py").write_text(WORKER_SETTINGS)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started: list[DigestWorker] = []

    class Workers:
        mail = mail_dir
        slow_marker = tmp_path / "slow-send-started"

        def start(self, **extra_env: str) -> DigestWorker:
            env = {
                "DJANGO_SETTINGS_MODULE": "digest_worker_settings",
                "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
                "DIGEST_TEST_MAIL_DIR": str(mail_dir),
                "DIGEST_TEST_QUEUE": queue_name,
                "DIGEST_TEST_SLOW_MARKER": str(self.slow_marker),
                **extra_env,
            }
            worker = DigestWorker(queue_name, tmp_path / f"worker-{len(started) + 1}.log", env)
            started.append(worker)
            worker.start()
            return worker

    yield Workers()
    for worker in started:
        worker.stop()
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        for tag, payload in client.hgetall("unacked").items():
            if queue_name.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


def mailed(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def state(digest: Digest) -> tuple[str, int]:
    digest.refresh_from_db()
    return digest.state, digest.attempts


def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(workers, queue_name):  # noqa: F811
    cast = build_cast()
    people = ["artist", "artist2", "coordinator"]
    for name in people:
        add_note(cast, to=[name])
        add_note(cast, to=[name], where="ZED SQ010_SH0020")
    add_note(cast, to=["artist", "artist2"], cc=["coordinator"], where="RBT SQ010_SH0020")
    slow = cast["artist2"]

    # "Send notes now" for the three of them: claimed here, three send_digest messages queued on commit.
    first, held, last = digests.digests_send_now(actor=cast["admin"], person_ids=[cast[name].pk for name in people])
    assert [d.person for d in (first, held, last)] == [cast["artist"], slow, cast["coordinator"]]
    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert broker.llen(queue_name) == 3
    finally:
        broker.close()

    doomed = workers.start(DIGEST_TEST_SLOW_TO=slow.email)
    wait_for(workers.slow_marker.exists, "the worker to start sending the held digest", doomed)
    doomed.kill()  # SIGKILL, while it holds the second digest and before the backend has it

    assert [state(d) for d in (first, held, last)] == [
        (DigestState.SENT, 1),
        (DigestState.CLAIMED, 1),
        (DigestState.CLAIMED, 0),
    ]
    assert len(mailed(workers.mail)) == 1

    survivor = workers.start()
    wait_for(lambda: state(last)[0] == DigestState.SENT, "the third digest's queued message", survivor)

    # The beat's sweep finds the digest the dead worker held (its message is stuck, unacknowledged, for an hour).
    # Postgres frees the dead worker's row lock when it sees the connection close: until then the sweep skips it.
    def swept() -> bool:
        if state(held)[0] != DigestState.SENT:
            resend_claimed_digests.delay(0)
            time.sleep(1)
        return state(held)[0] == DigestState.SENT

    wait_for(swept, "the sweep to send the held digest", survivor)
    assert state(held) == (DigestState.SENT, 2)

    # The daily run through the worker, for two people who had no digest today; then every run again.
    add_note(cast, to=["supervisor", "producer"], author="coordinator")
    add_note(cast, to=["producer"], where="ZED SQ010_SH0010", author="coordinator")
    send_due_digests.delay()
    wait_for(lambda: Digest.objects.filter(state=DigestState.SENT).count() == 5, "the daily run's digests", survivor)
    send_due_digests.delay()
    resend_claimed_digests.delay(0)
    send_digest.delay(held.pk)  # a redelivered message for a digest that went out
    wait_for(lambda: "'already sent'" in survivor.log(), "the repeated runs (the last one queued)", survivor)
    survivor.stop()

    # Every recipient has each of their notes in exactly one message, text and HTML; no message was sent twice.
    messages = mailed(workers.mail)
    digest_by_message_id = {d.message_id: d for d in Digest.objects.select_related("person")}
    assert sorted(m["Message-ID"] for m in messages) == sorted(digest_by_message_id)
    problems = []
    rows = NoteRecipient.objects.select_related("note", "person", "digest")
    assert rows.count() == 12 and all(row.digest and row.digest.state == DigestState.SENT for row in rows)
    for row in rows:
        mark = mark_of(row.note)
        to_them = [m for m in messages if row.person.email in m["To"]]
        carrying = [m for m in to_them if mark in parts(m)[0]]
        if len(carrying) != 1 or mark not in parts(carrying[0])[1]:
            problems.append(f"{mark} to {row.person.username}: in {len(carrying)} messages")
        elif carrying[0]["Message-ID"] != row.digest.message_id:
            problems.append(f"{mark} to {row.person.username}: carried by another digest's message")
    assert problems == []
    assert sorted(m["To"].addresses[0].username for m in messages) == [
        "artist",
        "artist2",
        "coordinator",
        "producer",
        "supervisor",
    ]
    assert Digest.objects.filter(state=DigestState.CLAIMED).count() == 0
