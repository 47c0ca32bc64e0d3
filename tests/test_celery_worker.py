"""Celery against the real Redis: a real worker refreshes a show summary after commit, and a dead or hung broker
loses nothing (the request still succeeds, the stale flag stays, the beat sweep catches up)."""

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from shots.services import task_update
from shots.workflow import TaskStatus
from studio.celery import app
from studio.models import Role, ShowSummary
from studio.tasks import refresh_stale_show_summaries
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_READY_TIMEOUT = 30
SUMMARY_TIMEOUT = 30

# After the artist moves their WIP task to pending review (see _show_with_tasks).
EXPECTED_TASKS_BY_STATUS = {
    "waiting": 1,
    "ready": 0,
    "wip": 1,
    "pending_review": 1,
    "retake": 0,
    "approved": 1,
    "final": 1,
    "on_hold": 0,
    "omitted": 1,
}


@pytest.fixture
def queue_name():
    """A queue of this test's own, so no other worker on the same Redis takes our message (and vice versa)."""
    name = f"slate-test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(name)  # purge before anything starts
    yield name
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    client.close()


@pytest.fixture
def publishing_app(queue_name):
    """The test process publishes to Redis for real (settings_test runs tasks eagerly) and routes to our queue."""
    saved = {key: getattr(app.conf, key) for key in ("task_always_eager", "task_default_queue", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue_name
    yield app
    for key, value in saved.items():
        setattr(app.conf, key, value)
    _reset_broker_connections()


def _reset_broker_connections() -> None:
    """Make the app open fresh connections to whatever `broker_url` now says.

    The app caches its connection pool and producer pool (both keyed by the broker URL at first use); changing
    `app.conf.broker_url` alone keeps publishing to the old broker. This is what Celery itself does after fork.
    """
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()  # kombu's global producer pools would otherwise hand out a closed connection


class CeleryWorker:
    """A real `celery worker` subprocess on our queue, against the test database and the test Redis."""

    def __init__(self, queue_name: str, log_path: Path):
        self.queue_name = queue_name
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "studio.settings_test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
        }
        env.pop("CELERY_BROKER_URL", None)  # would override the broker Celery reads from settings
        command = [
            *(sys.executable, "-m", "celery", "-A", "studio", "worker"),
            *("--pool=solo", "--concurrency=1", "-l", "info", "-Q", self.queue_name, "-n", f"{self.queue_name}@%h"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),  # start in a second, not in five
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while " ready." not in self.log():
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker was not ready within {WORKER_READY_TIMEOUT} s:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def celery_worker(transactional_db, publishing_app, queue_name, tmp_path):
    """A worker the test starts when it wants; stopped (before the database is flushed) whatever happens."""
    worker = CeleryWorker(queue_name, tmp_path / "worker.log")
    yield worker
    worker.stop()


def _show_with_tasks():
    """A show with 3 shots and 6 tasks (one per status of interest); returns the show, the artist and their task."""
    show = ShowFactory(code="CEL")
    artist = PersonFactory(role=Role.ARTIST)
    MembershipFactory(person=artist, show=show)
    sequence = SequenceFactory(show=show, code="SQ010")
    shots = [ShotFactory(sequence=sequence, code=f"SQ010_SH{n:04d}") for n in (10, 20, 30)]
    artist_task = TaskFactory(shot=shots[0], status=TaskStatus.WIP, assignees=[artist])
    TaskFactory(shot=shots[0], status=TaskStatus.WIP)
    TaskFactory(shot=shots[1], status=TaskStatus.WAITING)
    TaskFactory(shot=shots[1], status=TaskStatus.APPROVED)
    TaskFactory(shot=shots[2], status=TaskStatus.FINAL)
    TaskFactory(shot=shots[2], status=TaskStatus.OMITTED)
    return show, artist, artist_task


def _assert_refreshed(summary: ShowSummary) -> None:
    assert summary.is_stale is False
    assert summary.tasks_by_status == EXPECTED_TASKS_BY_STATUS
    assert summary.shot_count == 3
    assert summary.task_count == 5  # six tasks, omitted left out
    assert summary.done_task_count == 2  # approved + final
    assert summary.refreshed_at is not None


def test_worker_refreshes_show_summary_only_after_commit(celery_worker, queue_name):
    show, artist, task = _show_with_tasks()
    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        with transaction.atomic():
            task_update(actor=artist, task=task, status=TaskStatus.PENDING_REVIEW)
            assert ShowSummary.objects.get(show=show).is_stale is True
            assert broker.llen(queue_name) == 0, "the refresh was published before the transaction committed"
        # Two messages on commit: the summary refresh and the (debounced) earned-value recompute.
        assert broker.llen(queue_name) == 2, "the refresh was not published on commit"
    finally:
        broker.close()

    celery_worker.start()

    deadline = time.monotonic() + SUMMARY_TIMEOUT
    summary = ShowSummary.objects.get(show=show)
    while summary.is_stale and time.monotonic() < deadline:
        time.sleep(0.1)
        summary.refresh_from_db()
    assert summary.is_stale is False, f"The worker did not refresh within {SUMMARY_TIMEOUT} s:\n{celery_worker.log()}"
    _assert_refreshed(summary)
    assert "studio.tasks.refresh_show_summary" in celery_worker.log()
    assert "succeeded" in celery_worker.log()


@pytest.fixture
def hung_broker():
    """A TCP port that accepts connections and never answers: a hung Redis, the worst case for a web request."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def _closed_port_url() -> str:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: connections are refused
    return f"redis://127.0.0.1:{port}/0"


@pytest.mark.parametrize("broker_state", ["refused", "hung"])
def test_broker_down_loses_nothing(broker_state, publishing_app, hung_broker, caplog):
    show, artist, task = _show_with_tasks()
    publishing_app.conf.broker_url = hung_broker if broker_state == "hung" else _closed_port_url()
    _reset_broker_connections()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="studio.services"):
        updated = task_update(actor=artist, task=task, status=TaskStatus.PENDING_REVIEW)
    elapsed = time.monotonic() - started

    assert elapsed < 6, f"A {broker_state} broker held the request for {elapsed:.1f} s"
    assert updated.status == TaskStatus.PENDING_REVIEW
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING_REVIEW
    assert [r.getMessage() for r in caplog.records if r.name == "studio.services"] == [
        f"Could not enqueue studio.tasks.refresh_show_summary({show.pk},); the periodic sweep will pick it up."
    ]
    summary = ShowSummary.objects.get(show=show)
    assert summary.is_stale is True
    assert summary.refreshed_at is None

    assert refresh_stale_show_summaries() == 1

    summary.refresh_from_db()
    _assert_refreshed(summary)
    assert refresh_stale_show_summaries() == 0  # nothing stale is left
