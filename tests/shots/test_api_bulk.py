"""The pipeline endpoints: POST /api/v1/tasks/bulk/ and GET /api/v1/shows/<code>/shots-with-tasks/."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shots import services, streams
from shots.models import Activity, Task
from tests.shots.factories import ShotFactory, TaskFactory
from tests.studio.test_api import ApiWorld, api_client_for, build_api_world

pytestmark = pytest.mark.django_db

BULK = "/api/v1/tasks/bulk/"


@pytest.fixture
def world() -> ApiWorld:
    return build_api_world()


def test_the_urls():
    assert reverse("api:task-bulk") == BULK
    assert reverse("api:show-shots-with-tasks", kwargs={"code": "SQ.010"}) == "/api/v1/shows/SQ.010/shots-with-tasks/"


# --- Bulk -----------------------------------------------------------------------------------------------


def post_bulk(client, items):
    return client.post(BULK, {"items": items}, format="json")


def task_states(*tasks: Task) -> list[tuple]:
    return list(Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("pk").values_list("status", "row_version"))


def test_coordinator_changes_tasks_and_gets_them_back_in_item_order(world):
    w = world
    response = post_bulk(
        api_client_for(w, "coordinator"),
        [
            {"id": w.lighting_task.pk, "row_version": 1, "status": "ready", "assignees": [w.people["artist_2"].pk]},
            {"id": w.task.pk, "row_version": 1, "bid_days": "4.25", "priority": 3},
        ],
    )
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [item["id"] for item in items] == [w.lighting_task.pk, w.task.pk]
    w.task.refresh_from_db()
    assert items[1] == {
        "id": w.task.pk,
        "show": "RBT",
        "shot": {"id": w.shot.pk, "code": "SQ010_SH0010"},
        "task_type": {"id": w.animation_type.pk, "name": "Animation"},
        "department": {"id": w.animation.pk, "code": "ANIM", "name": "Animation"},
        "status": "ready",
        "assignees": [{"id": w.people["artist"].pk, "username": "artist"}],
        "bid_days": "4.25",
        "start_date": "2026-03-02",
        "due_date": "2026-03-06",
        "retake_count": 0,
        "priority": 3,
        "row_version": 2,
        "updated_at": w.task.updated_at.isoformat().replace("+00:00", "Z"),
    }
    assert (items[0]["status"], items[0]["assignees"], items[0]["row_version"]) == (
        "ready",
        [{"id": w.people["artist_2"].pk, "username": "artist_2"}],
        2,
    )


def test_refused_items_are_400_by_index_and_nothing_is_written(world):
    w = world
    before = (task_states(w.task, w.artist_2_task, w.other_task), Activity.objects.count())
    response = post_bulk(
        api_client_for(w, "supervisor"),  # Animation: may approve Animation tasks, not Lighting ones
        [
            {"id": w.task.pk, "row_version": 1, "status": "approved"},
            {"id": w.lighting_task.pk, "row_version": 1, "status": "approved"},
            {"id": w.other_task.pk, "row_version": 1, "status": "approved"},
        ],
    )
    assert response.status_code == 400
    assert response.json() == {
        "items": {
            "1": {"non_field_errors": ["You do not have permission to do that."]},
            "2": {"id": ["No task with this id on your shows."]},
        }
    }
    assert (task_states(w.task, w.artist_2_task, w.other_task), Activity.objects.count()) == before


def test_a_due_date_outside_1970_to_2999_is_refused_by_index_naming_it(world):
    w = world
    before = task_states(w.task, w.artist_2_task)
    response = post_bulk(
        api_client_for(w, "coordinator"),
        [
            {"id": w.task.pk, "row_version": 1, "due_date": "2026-03-20"},
            {"id": w.artist_2_task.pk, "row_version": 1, "due_date": "9999-12-31"},
        ],
    )
    assert (response.status_code, response.json()) == (
        400,
        {"items": {"1": {"due_date": ["Give a date between 1970 and 2999."]}}},
    )
    assert task_states(w.task, w.artist_2_task) == before


def test_a_bulk_refused_only_because_it_is_stale_is_409(world):
    w = world
    producer = w.people["producer"]
    services.task_update(actor=producer, task=w.task, row_version=1, priority=2)
    w.task.refresh_from_db()
    when = timezone.localtime(w.task.updated_at).strftime("%Y-%m-%d %H:%M")
    response = post_bulk(
        api_client_for(w, "coordinator"),
        [
            {"id": w.task.pk, "row_version": 1, "status": "wip"},
            {"id": w.lighting_task.pk, "row_version": 1, "status": "ready"},
        ],
    )
    assert response.status_code == 409
    assert response.json() == {
        "items": {
            "0": {"row_version": [f"This task was changed by {producer} at {when} — reload to see their change."]}
        }
    }
    assert (task_states(w.task), task_states(w.lighting_task)) == ([("ready", 2)], [("waiting", 1)])


@pytest.mark.parametrize(
    "body, errors",
    [
        ({}, {"items": ["This field is required."]}),
        ({"items": []}, {"items": ["This list may not be empty."]}),
        ({"items": "all"}, {"items": ['Expected a list of items but got type "str".']}),
        ({"items": [{"id": 1}]}, {"items": {"0": {"row_version": ["This field is required."]}}}),
        (
            {"items": [{"id": 1, "row_version": 1}]},
            {"items": {"0": {"non_field_errors": ["Send at least one field to change."]}}},
        ),
        (
            {"items": [{"id": 1, "row_version": 1, "status": "wip"}, {"id": "x", "row_version": 1, "retake_count": 2}]},
            {
                "items": {
                    "1": {"id": ["A valid integer is required."], "retake_count": ["This field is not accepted here."]}
                }
            },
        ),
        (
            {"items": [{"id": 1, "row_version": 1, "start_date": "2026-03-04", "due_date": "2026-03-03"}]},
            {"items": {"0": {"due_date": ["The due date must not be before the start date."]}}},
        ),
        (
            {"items": [{"id": 1, "row_version": 1, "status": "wip"}], "dry_run": True},
            {"dry_run": ["This field is not accepted here."]},
        ),
    ],
)
def test_malformed_bulks_are_400_naming_the_field(world, body, errors):
    before = task_states(world.task, world.lighting_task, world.artist_2_task)
    response = api_client_for(world, "coordinator").post(BULK, body, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert task_states(world.task, world.lighting_task, world.artist_2_task) == before


def test_more_than_the_maximum_is_400_naming_items(world):
    items = [{"id": world.task.pk, "row_version": 1, "priority": 2}] * (services.TASK_BULK_MAX_ITEMS + 1)
    response = post_bulk(api_client_for(world, "coordinator"), items)
    assert (response.status_code, response.json()) == (
        400,
        {"items": ["Ensure this field has no more than 1000 elements."]},
    )


def test_an_artist_moves_their_own_tasks_in_bulk(world):
    response = post_bulk(api_client_for(world, "artist"), [{"id": world.task.pk, "row_version": 1, "status": "wip"}])
    assert response.status_code == 200
    assert task_states(world.task) == [("wip", 2)]


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("client", 400)])
def test_anonymous_and_clients_change_nothing(world, role, expected):
    response = post_bulk(api_client_for(world, role), [{"id": world.task.pk, "row_version": 1, "status": "wip"}])
    assert response.status_code == expected
    if role == "client":  # the breakdown is not theirs to see: the task is "not found"
        assert response.json() == {"items": {"0": {"id": ["No task with this id on your shows."]}}}
    assert task_states(world.task) == [("ready", 1)]


def test_session_writes_need_the_csrf_token(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.people["coordinator"])
    response = post_bulk(client, [{"id": world.task.pk, "row_version": 1, "status": "wip"}])
    assert response.status_code == 403
    assert task_states(world.task) == [("ready", 1)]


def test_the_bulk_response_is_read_in_a_fixed_number_of_queries(world):
    """The answer itself (after the per-item writes) is two queries, whatever the number of tasks."""
    w = world
    tasks = [
        TaskFactory(shot=ShotFactory(sequence=w.sequence, code=f"SQ010_SH{500 + n}"), task_type=w.lighting_type)
        for n in range(12)
    ]
    client = api_client_for(w, "coordinator")

    def output_queries(chunk) -> list[str]:
        items = [{"id": t.pk, "row_version": Task.objects.get(pk=t.pk).row_version, "priority": 2} for t in chunk]
        with CaptureQueriesContext(connection) as queries:
            assert post_bulk(client, items).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        last_write = max(i for i, s in enumerate(sql) if s.startswith("RELEASE SAVEPOINT"))
        return sql[last_write + 1 :]

    small, large = output_queries(tasks[:2]), output_queries(tasks[2:12])
    assert (len(small), len(large)) == (2, 2)  # tasks with shot, show, type, department; their assignees


# --- A whole show, streamed -----------------------------------------------------------------------------


def stream_url(show) -> str:
    return reverse("api:show-shots-with-tasks", kwargs={"code": show.code})


def body_of(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_shots_with_tasks_streams_the_whole_show(world):
    response = api_client_for(world, "coordinator").get(stream_url(world.show))
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    body = body_of(response)
    assert body == b"".join(
        streams.json_array(streams.shots_with_tasks_python(world.people["coordinator"], world.show))
    )
    shots = json.loads(body)
    assert [shot["code"] for shot in shots] == ["SQ010_SH0010", "SQ010_SH0020"]
    assert [task["id"] for task in shots[0]["tasks"]] == [world.task.pk, world.lighting_task.pk]


@pytest.mark.parametrize(
    "role, own, other",
    [
        *((role, 200, 404) for role in ["artist", "supervisor", "coordinator", "production_manager", "producer"]),
        ("admin", 200, 200),
        ("client", 200, 404),
        ("anonymous", 401, 401),
    ],
)
def test_shots_with_tasks_by_role(world, role, own, other):
    client = api_client_for(world, role)
    response = client.get(stream_url(world.show))
    assert response.status_code == own
    if own == 200:
        shots = json.loads(body_of(response))
        # A client is on the show but the breakdown is not theirs: [] (as the shot and task lists answer them).
        assert [shot["id"] for shot in shots] == ([] if role == "client" else [world.shot.pk, world.shot_2.pk])
    assert client.get(stream_url(world.other_show)).status_code == other
    assert client.get("/api/v1/shows/NOPE/shots-with-tasks/").status_code == (401 if role == "anonymous" else 404)


def test_shots_with_tasks_makes_the_same_queries_for_3_and_30_shots(world):
    w = world
    client = api_client_for(w, "coordinator")

    def queries() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(stream_url(w.show))
            shots = json.loads(body_of(response))
        return len(captured), len(shots), sum(len(shot["tasks"]) for shot in shots)

    ShotFactory(sequence=w.sequence, code="SQ010_SH0030")
    small = queries()
    for n in range(27):
        shot = ShotFactory(sequence=w.sequence, code=f"SQ010_SH{1000 + n}")
        TaskFactory(shot=shot, task_type=w.animation_type, assignees=[w.people["artist"], w.people["artist_2"]])
        TaskFactory(shot=shot, task_type=w.lighting_type)
    large = queries()
    # session, person, show roles, the show; savepoint, settings, the JSON query, release
    assert small == (8, 3, 3)
    assert large == (8, 30, 57)


def test_shots_with_tasks_is_get_only(world):
    client = api_client_for(world, "admin")
    assert client.post(stream_url(world.show), {}, format="json").status_code == 405
    assert client.get(BULK).status_code == 405
