"""Earned-value snapshots: what ev_recompute stores, the stale flag the edits set, the debounce (a burst of edits is
one recompute), the beat sweep that catches up when a message was lost, and the nightly snapshot.

Unit tests run Celery eagerly: "commit" is django_capture_on_commit_callbacks, and a recompute enqueued on commit
runs when the callbacks run (the countdown only matters to a real worker: see the `worker` test at the end).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schedules import earned_value, services
from schedules.models import EarnedValueSnapshot, EarnedValueState
from schedules.tasks import recompute_earned_value, recompute_stale_earned_value, snapshot_earned_value_nightly
from shots.services import task_bulk_update, task_update
from shots.workflow import TaskStatus
from studio.models import Role, ShowStatus
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory
from tests.test_celery_worker import celery_worker, publishing_app, queue_name  # noqa: F401 (fixtures)

D = dt.date
T = D(2026, 3, 4)  # a Wednesday


def dec(text: str) -> Decimal:
    return Decimal(text)


def build_show(code: str = "EVS"):
    """Animation: WIP, B 4, Mon 2 .. Fri 6 March, 8 h logged on Mon 2. Lighting: approved, B 2, Mon 2 .. Tue 3."""
    show = ShowFactory(code=code)
    anm = DepartmentFactory(name="Animation EV", code="ANMEV", order=1)
    lgt = DepartmentFactory(name="Lighting EV", code="LGTEV", order=2)
    sequence = SequenceFactory(show=show, code="SQ010")
    shot = ShotFactory(sequence=sequence, code="SQ010_SH010")
    animation = TaskFactory(
        shot=shot,
        task_type=TaskTypeFactory(name="Animation EV", department=anm),
        status=TaskStatus.WIP,
        bid_days=dec("4"),
        start_date=D(2026, 3, 2),
        due_date=D(2026, 3, 6),
    )
    lighting = TaskFactory(
        shot=shot,
        task_type=TaskTypeFactory(name="Lighting EV", department=lgt),
        status=TaskStatus.APPROVED,
        bid_days=dec("2"),
        start_date=D(2026, 3, 2),
        due_date=D(2026, 3, 3),
    )
    TimeLogFactory(task=animation, date=D(2026, 3, 2), hours=dec("8"))
    manager = PersonFactory(role=Role.PRODUCTION_MANAGER)
    MembershipFactory(person=manager, show=show)
    return show, manager, {"anm": anm, "lgt": lgt}, {"animation": animation, "lighting": lighting}


def snapshot_figures(snapshot):
    return (
        snapshot.bid_days,
        snapshot.pv,
        snapshot.ev,
        snapshot.ac_days,
        snapshot.sv,
        snapshot.spi,
        snapshot.forecast_finish,
    )


def state_of(show) -> EarnedValueState:
    return EarnedValueState.objects.get(show=show)


# --- What a recompute stores -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recompute_stores_the_show_row_and_one_row_per_department():
    show, _, dept, _ = build_show()
    state = services.ev_recompute(show_id=show.pk, as_of=T)
    rows = {row.department_id: row for row in EarnedValueSnapshot.objects.filter(show=show, date=T)}
    assert set(rows) == {None, dept["anm"].pk, dept["lgt"].pk}
    # Animation: PV 4 x [2, 4] = 3 / [2, 6] = 5 = 2.4; WIP EV 4 x 0.25 = 1; AC 8 / 8 = 1; SV -1.4;
    # SPI 1 / 2.4 = 0.41666... -> 0.4166666667; velocity 1 / 3 days: ceil((4 - 1) x 3 / 1) = 9 working days after
    # Wed 4: 5, 6, 9, 10, 11, 12, 13, 16, Tue 17 March.
    assert snapshot_figures(rows[dept["anm"].pk]) == (
        dec("4"),
        dec("2.4"),
        dec("1"),
        dec("1"),
        dec("-1.4"),
        dec("0.4166666667"),
        D(2026, 3, 17),
    )
    # Lighting: due Tue 3 <= t: PV 2; approved: EV 2; SPI 1; nothing remains: finish = t.
    assert snapshot_figures(rows[dept["lgt"].pk]) == (dec("2"), dec("2"), dec("2"), dec("0"), dec("0"), dec("1"), T)
    # Show: B 6; PV 4.4; EV 3; AC 1; SPI 3 / 4.4 = 0.681818... -> 0.6818181818; ceil(3 x 3 / 3) = 3: Mon 9 March.
    assert snapshot_figures(rows[None]) == (
        dec("6"),
        dec("4.4"),
        dec("3"),
        dec("1"),
        dec("-1.4"),
        dec("0.6818181818"),
        D(2026, 3, 9),
    )
    assert (state.recompute_count, state.is_stale) == (1, False)
    assert len({row.computed_at for row in rows.values()}) == 1


@pytest.mark.django_db
def test_recompute_is_idempotent_and_keeps_one_row_per_day():
    show, manager, dept, tasks = build_show()
    services.ev_recompute(show_id=show.pk, as_of=T)
    services.ev_recompute(show_id=show.pk, as_of=T)
    services.ev_recompute(show_id=show.pk, as_of=T + dt.timedelta(days=1))
    assert EarnedValueSnapshot.objects.filter(show=show, date=T).count() == 3
    assert EarnedValueSnapshot.objects.filter(show=show).count() == 6
    # A department whose last task is omitted loses its row of the day; the show's row follows.
    task_update(actor=manager, task=tasks["lighting"], status=TaskStatus.OMITTED)
    services.ev_recompute(show_id=show.pk, as_of=T)
    assert sorted(
        EarnedValueSnapshot.objects.filter(show=show, date=T).values_list("department_id", flat=True),
        key=lambda pk: pk or 0,
    ) == [None, dept["anm"].pk]
    assert EarnedValueSnapshot.objects.get(show=show, date=T, department=None).bid_days == dec("4")
    assert state_of(show).recompute_count == 4


@pytest.mark.django_db
def test_recompute_of_a_deleted_show_does_nothing():
    assert services.ev_recompute(show_id=987654) is None
    assert recompute_earned_value.apply(args=[987654]).successful()


@pytest.mark.django_db
def test_the_recompute_reads_the_figures_in_one_statement():
    show, *_ = build_show()
    services.ev_recompute(show_id=show.pk, as_of=T)  # the state row exists from now on
    with CaptureQueriesContext(connection) as queries:
        services.ev_recompute(show_id=show.pk, as_of=T)
    # The show; savepoint, lock the show (key share), lock the state, release; the active baseline, the weights, the
    # holidays; THE statement; savepoint, lock the show, lock the state, delete the day's rows, insert them, update
    # the state, release.
    assert len(queries) == 16
    heavy = [q["sql"] for q in queries.captured_queries if "GROUPING SETS" in q["sql"]]
    assert len(heavy) == 1
    assert not any('JOIN "studio_show"' in q["sql"] for q in queries.captured_queries)


# --- Marking stale -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mark_stale_is_one_statement_and_only_the_first_mark_enqueues(django_capture_on_commit_callbacks):
    show, *_ = build_show()
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        services.ev_mark_stale(show_id=show.pk)
    assert len(queries) == 1
    assert len(callbacks) == 1
    state = state_of(show)
    assert (state.is_stale, state.generation, state.stale_generation) == (True, 1, 1)
    first_since = state.stale_since
    with django_capture_on_commit_callbacks() as callbacks:
        services.ev_mark_stale(show_id=show.pk)
        services.ev_mark_stale(show_id=show.pk)
    assert callbacks == []  # already stale: the recompute already asked for will see these edits too
    state = state_of(show)
    assert (state.is_stale, state.generation, state.stale_generation, state.stale_since) == (True, 3, 1, first_since)


@pytest.mark.django_db
def test_the_edits_that_change_the_figures_mark_the_show_stale(django_capture_on_commit_callbacks):
    show, manager, _, tasks = build_show()

    def generation() -> int:
        return EarnedValueState.objects.filter(show=show).values_list("generation", flat=True).first() or 0

    task_update(actor=manager, task=tasks["animation"], priority=3)
    assert generation() == 0  # the priority is not an earned-value figure
    task_update(actor=manager, task=tasks["animation"], status=TaskStatus.PENDING_REVIEW)
    task_update(actor=manager, task=tasks["animation"], bid_days=dec("5"))
    task_update(actor=manager, task=tasks["animation"], due_date=D(2026, 3, 9))
    assert generation() == 3
    task_bulk_update(
        actor=manager,
        items=[{"id": task.pk, "start_date": D(2026, 3, 3)} for task in tasks.values()],
    )
    assert generation() == 4  # once per show for the whole bulk
    log, _ = services.timelog_upsert(actor=manager, task=tasks["lighting"], date=D(2026, 3, 3), hours="2")
    services.timelog_update(actor=manager, time_log=log, hours="3")
    services.timelog_delete(actor=manager, time_log=log)
    assert generation() == 7


@pytest.mark.django_db
def test_fifty_edits_in_one_transaction_are_one_recompute(django_capture_on_commit_callbacks):
    show, manager, _, tasks = build_show()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for n in range(50):
                task_update(actor=manager, task=tasks["animation"], bid_days=Decimal(n + 1))
    state = state_of(show)
    assert (state.recompute_count, state.is_stale, state.generation) == (1, False, 50)
    today = EarnedValueSnapshot.objects.get(show=show, department=None, date=timezone.localdate())
    assert today.bid_days == dec("52")  # the last bid (50) + Lighting's 2: the recompute saw the last edit


@pytest.mark.django_db
def test_fifty_edits_in_quick_succession_are_one_recompute(django_capture_on_commit_callbacks):
    """Fifty transactions, each committed, before the countdown of the first one's recompute ends."""
    show, manager, _, tasks = build_show()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for n in range(25):
            task_update(actor=manager, task=tasks["animation"], bid_days=Decimal(n + 1))
            services.timelog_upsert(
                actor=manager, task=tasks["lighting"], date=D(2026, 1, 1) + dt.timedelta(n), hours=1
            )
    assert len(callbacks) == 1  # only the first edit found the flag off
    assert state_of(show).recompute_count == 0
    for callback in callbacks:
        callback()  # the countdown ends: the worker runs the one recompute
    state = state_of(show)
    assert (state.recompute_count, state.is_stale, state.generation) == (1, False, 50)
    # The next edit after the recompute starts a new burst.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        task_update(actor=manager, task=tasks["animation"], bid_days=dec("7"))
    assert (len(callbacks), state_of(show).recompute_count) == (1, 2)


@pytest.mark.django_db
def test_a_recompute_enqueued_twice_runs_once(django_capture_on_commit_callbacks):
    show, *_ = build_show()
    with django_capture_on_commit_callbacks(execute=False):
        services.ev_mark_stale(show_id=show.pk)
    recompute_earned_value.apply(args=[show.pk])
    recompute_earned_value.apply(args=[show.pk])  # e.g. retried, or the sweep got there first: nothing to do
    assert state_of(show).recompute_count == 1


@pytest.mark.django_db
def test_an_edit_during_the_recompute_keeps_the_show_stale_and_asks_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    show, *_ = build_show()
    with django_capture_on_commit_callbacks(execute=False):
        services.ev_mark_stale(show_id=show.pk)
    computing = earned_value.rollups

    def rollups_while_someone_edits(*args, **kwargs):
        services.ev_mark_stale(show_id=show.pk)  # finds the flag on: enqueues nothing itself
        return computing(*args, **kwargs)

    monkeypatch.setattr(earned_value, "rollups", rollups_while_someone_edits)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ev_recompute(show_id=show.pk, only_if_stale=True)
    state = state_of(show)
    assert (state.is_stale, state.recompute_count) == (True, 1)
    assert len(callbacks) == 1  # the recompute asked for the next one
    monkeypatch.setattr(earned_value, "rollups", computing)
    callbacks[0]()
    state = state_of(show)
    assert (state.is_stale, state.recompute_count) == (False, 2)


@pytest.mark.django_db
def test_an_edit_during_a_recompute_of_a_clean_show_asks_once(monkeypatch, django_capture_on_commit_callbacks):
    show, *_ = build_show()
    services.ev_recompute(show_id=show.pk)
    computing = earned_value.rollups

    def rollups_while_someone_edits(*args, **kwargs):
        services.ev_mark_stale(show_id=show.pk)  # turns the flag on: enqueues the recompute itself
        return computing(*args, **kwargs)

    monkeypatch.setattr(earned_value, "rollups", rollups_while_someone_edits)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ev_recompute(show_id=show.pk)
    assert len(callbacks) == 1  # the edit's own, and no second one from the recompute
    assert state_of(show).is_stale is True


# --- Lost messages, the sweep, the nightly run -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_recomputes_shows_whose_message_was_lost(django_capture_on_commit_callbacks):
    show, manager, _, tasks = build_show()
    fresh, *_ = build_show("EVF")
    with django_capture_on_commit_callbacks(execute=False):  # committed, but the broker was down: never sent
        task_update(actor=manager, task=tasks["animation"], status=TaskStatus.PENDING_REVIEW)
        services.ev_mark_stale(show_id=fresh.pk)
    EarnedValueState.objects.filter(show=show).update(stale_since=timezone.now() - dt.timedelta(minutes=2))
    assert recompute_stale_earned_value.apply().get() == 1
    assert (state_of(show).is_stale, state_of(show).recompute_count) == (False, 1)
    # Stale for less than the grace period: its own recompute is still due, the sweep leaves it.
    assert (state_of(fresh).is_stale, state_of(fresh).recompute_count) == (True, 0)
    assert services.ev_recompute_stale(grace_seconds=0) == [fresh.pk]
    assert recompute_stale_earned_value.apply().get() == 0


@pytest.mark.django_db
def test_nightly_snapshots_yesterday_and_today_for_active_shows(django_capture_on_commit_callbacks):
    show, *_ = build_show()
    archived, *_ = build_show("EVA")
    archived.status = ShowStatus.ARCHIVED
    archived.save()
    with django_capture_on_commit_callbacks(execute=False):
        services.ev_mark_stale(show_id=show.pk)
    assert services.ev_snapshot_active_shows(today=D(2026, 3, 5)) == [show.pk]
    dates = sorted(set(EarnedValueSnapshot.objects.filter(show=show).values_list("date", flat=True)))
    assert dates == [D(2026, 3, 4), D(2026, 3, 5)]
    assert not EarnedValueSnapshot.objects.filter(show=archived).exists()
    # Only a run for the real today settles the flag: the nightly run of another day leaves it for the recompute.
    assert state_of(show).is_stale is True
    assert snapshot_earned_value_nightly.apply().get() == 1
    assert state_of(show).is_stale is False
    assert EarnedValueSnapshot.objects.filter(show=show, date=timezone.localdate()).count() == 3


def test_beat_runs_the_sweep_every_minute_and_the_snapshot_every_night():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    sweep = next(
        entry for entry in schedule.values() if entry["task"] == "schedules.tasks.recompute_stale_earned_value"
    )
    nightly = next(
        entry for entry in schedule.values() if entry["task"] == "schedules.tasks.snapshot_earned_value_nightly"
    )
    assert sweep["schedule"] == 60.0
    assert (nightly["schedule"].hour, nightly["schedule"].minute) == ({0}, {15})


# --- A real worker --------------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_committed_edits_is_one_recompute_by_a_real_worker(celery_worker, queue_name, settings):  # noqa: F811
    settings.SLATE_EV_DEBOUNCE_SECONDS = 2
    show, manager, _, tasks = build_show("EVW")
    for n in range(50):  # fifty transactions, each committed (no status change: no summary refresh either)
        task_update(actor=manager, task=tasks["animation"], bid_days=Decimal(n + 1))
    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        messages = [json.loads(raw) for raw in broker.lrange(queue_name, 0, -1)]
    finally:
        broker.close()
    assert [m["headers"]["task"] for m in messages] == ["schedules.tasks.recompute_earned_value"]
    assert messages[0]["headers"]["eta"] is not None  # the countdown
    assert state_of(show).recompute_count == 0

    celery_worker.start()
    deadline = time.monotonic() + 30
    while state_of(show).is_stale and time.monotonic() < deadline:
        time.sleep(0.1)
    state = state_of(show)
    assert state.is_stale is False, celery_worker.log()
    assert (state.recompute_count, state.generation) == (1, 50)
    assert EarnedValueSnapshot.objects.get(show=show, department=None, date=timezone.localdate()).bid_days == dec("52")
