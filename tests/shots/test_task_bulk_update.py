"""services.task_bulk_update: many task changes in one transaction, every refused item named, all or nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shots import services
from shots.models import Activity, Task
from studio.models import Person
from tests.shots.factories import ShotFactory, TaskFactory
from tests.studio.test_api import ApiWorld, build_api_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ApiWorld:
    return build_api_world()


def state(task: Task) -> tuple:
    task.refresh_from_db()
    return task.status, task.priority, task.bid_days, task.row_version, sorted(p.username for p in task.assignees.all())


def stale_message(task: Task) -> str:
    task.refresh_from_db()
    when = timezone.localtime(task.updated_at).strftime("%Y-%m-%d %H:%M")
    return f"This task was changed by {task.updated_by or 'someone'} at {when} — reload to see their change."


def test_coordinator_changes_several_tasks_at_once(world):
    coordinator, artist_2 = world.people["coordinator"], world.people["artist_2"]
    changed = services.task_bulk_update(
        actor=coordinator,
        items=[
            {"id": world.lighting_task.pk, "row_version": 1, "status": "ready", "assignees": [artist_2.pk]},
            {"id": world.task.pk, "row_version": 1, "bid_days": Decimal("3.5"), "due_date": dt.date(2026, 3, 9)},
        ],
    )
    assert [task.pk for task in changed] == [world.lighting_task.pk, world.task.pk]  # in item order
    assert state(world.lighting_task) == ("ready", 1, Decimal("2.50"), 2, ["artist_2"])
    assert state(world.task) == ("ready", 1, Decimal("3.50"), 2, ["artist"])
    assert world.task.due_date == dt.date(2026, 3, 9)
    assert (world.task.updated_by, world.lighting_task.updated_by) == (coordinator, coordinator)
    history = Activity.objects.filter(actor=coordinator).order_by("id").values_list("task_id", "changes")
    assert list(history) == [
        (world.lighting_task.pk, {"status": ["Waiting", "Ready"], "assignees": ["", "artist_2"]}),
        (world.task.pk, {"bid_days": ["2.50", "3.5"], "due_date": ["2026-03-06", "2026-03-09"]}),
    ]


def test_one_refused_change_writes_nothing(world):
    before = (state(world.task), state(world.artist_2_task), Activity.objects.count())
    with pytest.raises(services.BulkUpdateError) as refused:
        services.task_bulk_update(
            actor=world.people["artist"],
            items=[
                {"id": world.task.pk, "row_version": 1, "status": "wip"},  # their own task: allowed alone
                {"id": world.artist_2_task.pk, "row_version": 1, "status": "pending_review"},  # someone else's
            ],
        )
    assert refused.value.item_errors == {1: {"non_field_errors": ["You do not have permission to do that."]}}
    assert (state(world.task), state(world.artist_2_task), Activity.objects.count()) == before


def test_every_refused_item_is_named(world):
    coordinator = world.people["coordinator"]
    extra = TaskFactory(shot=world.shot_2, task_type=world.lighting_type, status="waiting")
    outsider = Person.objects.get(username="outsider")  # on the other show only: the coordinator cannot see them
    services.task_update(actor=world.people["producer"], task=world.lighting_task, row_version=1, priority=2)
    with pytest.raises(services.BulkUpdateError) as refused:
        services.task_bulk_update(
            actor=coordinator,
            items=[
                {"id": world.task.pk, "row_version": 1, "priority": 3},  # fine on its own
                {"id": world.lighting_task.pk, "row_version": 1, "status": "ready"},  # stale
                {"id": world.other_task.pk, "row_version": 1, "status": "ready"},  # another show: not found
                {"id": 987654321, "row_version": 1, "status": "ready"},
                {"id": world.artist_2_task.pk, "start_date": dt.date(2026, 3, 5), "due_date": dt.date(2026, 3, 1)},
                {"id": world.task.pk, "row_version": 2, "priority": 0},
                {"id": extra.pk, "row_version": 1, "retake_count": 3},
                {"row_version": 1, "status": "wip"},
                {"id": extra.pk, "row_version": 1},
                {"id": world.artist_2_task.pk, "row_version": 1, "assignees": [outsider.pk]},
                "wip",
            ],
        )
    assert refused.value.item_errors == {
        1: {"row_version": [stale_message(world.lighting_task)]},
        2: {"id": ["No task with this id on your shows."]},
        3: {"id": ["No task with this id on your shows."]},
        4: {"due_date": ["The due date must not be before the start date."]},
        5: {"id": ["This task is already changed by item 0."]},
        6: {"retake_count": ["This field cannot be changed here."]},
        7: {"id": ["Give the task's id (a whole number)."]},
        8: {"non_field_errors": ["Send at least one field to change."]},
        9: {"assignees": [f"No person with id {outsider.pk} on your shows."]},
        10: {"non_field_errors": ["Each change is an object with the task's id."]},
    }
    assert (refused.value.stale_items, refused.value.only_stale) == ({1}, False)
    assert refused.value.messages == ["10 of 11 changes were refused; nothing was saved."]
    assert state(world.task) == ("ready", 1, Decimal("2.50"), 1, ["artist"])  # item 0 was rolled back too


def test_artists_change_only_the_status_of_their_own_tasks_in_bulk_too(world):
    with pytest.raises(services.BulkUpdateError) as refused:
        services.task_bulk_update(
            actor=world.people["artist"],
            items=[
                {"id": world.task.pk, "row_version": 1, "status": "approved"},
                {"id": world.task.pk, "row_version": 1, "bid_days": Decimal("9")},
            ],
        )
    assert refused.value.item_errors == {
        0: {"non_field_errors": ["You cannot set this task to 'approved'."]},
        1: {"id": ["This task is already changed by item 0."]},
    }
    with pytest.raises(services.BulkUpdateError) as refused:
        services.task_bulk_update(
            actor=world.people["artist"], items=[{"id": world.task.pk, "row_version": 1, "bid_days": Decimal("9")}]
        )
    assert refused.value.item_errors == {
        0: {"non_field_errors": ["Artists can change only the status of their own tasks."]}
    }
    assert state(world.task) == ("ready", 1, Decimal("2.50"), 1, ["artist"])


def test_a_bulk_refused_only_for_stale_rows_says_so(world):
    coordinator = world.people["coordinator"]
    for task in (world.task, world.lighting_task):
        services.task_update(actor=coordinator, task=task, row_version=1, priority=2)
    with pytest.raises(services.BulkUpdateError) as refused:
        services.task_bulk_update(
            actor=world.people["producer"],
            items=[
                {"id": world.task.pk, "row_version": 1, "status": "approved"},
                {"id": world.lighting_task.pk, "row_version": 1, "status": "approved"},
                {"id": world.artist_2_task.pk, "row_version": 1, "status": "approved"},
            ],
        )
    assert refused.value.item_errors == {
        0: {"row_version": [stale_message(world.task)]},
        1: {"row_version": [stale_message(world.lighting_task)]},
    }
    assert (refused.value.stale_items, refused.value.only_stale) == ({0, 1}, True)
    assert state(world.artist_2_task)[0] == "wip"


def test_too_many_items_are_refused_before_anything_is_read(world):
    items = [{"id": world.task.pk, "row_version": 1, "priority": 2}] * (services.TASK_BULK_MAX_ITEMS + 1)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        services.task_bulk_update(actor=world.people["coordinator"], items=items)
    assert refused.value.message_dict == {"items": ["Send at most 1000 changes at a time."]}
    assert [q["sql"] for q in queries.captured_queries if "shots_task" in q["sql"]] == []


def test_tasks_are_locked_in_one_query_in_id_order(world):
    items = [
        {"id": world.lighting_task.pk, "row_version": 1, "priority": 2},
        {"id": world.task.pk, "row_version": 1, "priority": 2},
    ]
    with CaptureQueriesContext(connection) as queries:
        services.task_bulk_update(actor=world.people["coordinator"], items=items)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    first = locking[0]
    assert 'FOR UPDATE OF "shots_task"' in first
    assert first.rstrip().endswith('ORDER BY "shots_task"."id" ASC FOR UPDATE OF "shots_task"')
    locked_ids = re.search(r'"shots_task"\."id" IN \(([\d, ]+)\)', first).group(1)
    assert {int(pk) for pk in locked_ids.split(", ")} == {world.task.pk, world.lighting_task.pk}
    assert len(locking) == 1


def test_queries_grow_by_one_update_per_item(world):
    """The tasks, their assignees and the people named are read once for the whole bulk, the history written in
    one query, each show's summary marked stale once: each item adds its UPDATE, whatever the size of the bulk."""
    coordinator = world.people["coordinator"]
    tasks = [
        TaskFactory(
            shot=ShotFactory(sequence=world.sequence, code=f"SQ010_SH{1000 + n}"), task_type=world.lighting_type
        )
        for n in range(25)
    ]
    services.task_bulk_update(actor=coordinator, items=[{"id": tasks[-1].pk, "row_version": 1, "status": "ready"}])

    def queries_for(chunk, **changes) -> int:
        items = [{"id": task.pk, "row_version": Task.objects.get(pk=task.pk).row_version, **changes} for task in chunk]
        with CaptureQueriesContext(connection) as queries:
            services.task_bulk_update(actor=coordinator, items=items)
        return len(queries)

    # savepoint, lock the tasks, their assignees, the history, release; + one UPDATE per item
    assert (queries_for(tasks[:4], priority=3), queries_for(tasks[4:24], priority=3)) == (5 + 4, 5 + 20)
    # + the show's summary and its earned value marked stale, once each
    assert (queries_for(tasks[:4], status="ready"), queries_for(tasks[4:24], status="ready")) == (7 + 4, 7 + 20)
