"""The time-log API: what each role lists and reads, logging (and logging again), changing, deleting, filters,
pages and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schedules.models import TimeLog
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import ShotFactory, TaskFactory
from tests.studio.test_api import ApiWorld, api_client_for, build_api_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/time-logs/"
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def world() -> ApiWorld:
    world = build_api_world()
    p = world.people
    world.logs = {
        "artist": TimeLogFactory(
            person=p["artist"], task=world.task, date=DAY, hours=Decimal("7.5"), comment="blocking"
        ),
        "artist_2": TimeLogFactory(person=p["artist_2"], task=world.artist_2_task, date=DAY, hours=Decimal("6")),
        # The producer's own hours on the Lighting task: outside the Animation supervisor's department.
        "lighting": TimeLogFactory(person=p["producer"], task=world.lighting_task, date=DAY, hours=Decimal("1")),
        "other": TimeLogFactory(task=world.other_task, date=DAY),
    }
    return world


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def detail(log) -> str:
    return reverse("api:timelog-detail", kwargs={"pk": log.pk})


# --- Reading ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("artist", ["artist"]),
        ("supervisor", ["artist", "artist_2"]),  # the Animation department's
        ("coordinator", ["artist", "artist_2", "lighting"]),
        ("production_manager", ["artist", "artist_2", "lighting"]),
        ("producer", ["artist", "artist_2", "lighting"]),
        ("admin", ["artist", "artist_2", "lighting", "other"]),
        ("client", []),
    ],
)
def test_the_list_holds_the_hours_the_person_may_see(world, role, expected):
    assert ids(api_client_for(world, role).get(LIST)) == sorted(world.logs[key].pk for key in expected)


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("artist", 200, 404),
        ("supervisor", 200, 404),
        ("coordinator", 200, 404),
        ("producer", 200, 404),
        ("admin", 200, 200),
        ("client", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_detail_is_404_where_the_person_may_not_see_it(world, role, own, other):
    client = api_client_for(world, role)
    assert client.get(detail(world.logs["artist"])).status_code == own
    assert client.get(detail(world.logs["other"])).status_code == other


def test_detail_shape(world):
    log = world.logs["artist"]
    response = api_client_for(world, "artist").get(detail(log))
    assert response.json() == {
        "id": log.pk,
        "person": {"id": world.people["artist"].pk, "username": "artist"},
        "show": "RBT",
        "shot": {"id": world.shot.pk, "code": "SQ010_SH0010"},
        "task": {"id": world.task.pk, "task_type": {"id": world.animation_type.pk, "name": "Animation"}},
        "date": "2026-03-02",
        "hours": "7.50",
        "comment": "blocking",
        "created_at": log.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": log.updated_at.isoformat().replace("+00:00", "Z"),
    }


# --- Logging ----------------------------------------------------------------------------------------------


def test_logging_creates_then_replaces_the_days_hours(world):
    client = api_client_for(world, "artist")
    day = "2026-03-03"
    created = client.post(LIST, {"task": world.task.pk, "date": day, "hours": "2.5"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["hours"], created.json()["person"]["username"]) == ("2.50", "artist")

    replaced = client.post(LIST, {"task": world.task.pk, "date": day, "hours": "4", "comment": "rig"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["id"] == created.json()["id"]
    assert list(TimeLog.objects.filter(date=dt.date(2026, 3, 3)).values_list("hours", "comment")) == [
        (Decimal("4.00"), "rig")
    ]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"hours": "100"}, {"hours": ["Hours must be more than 0 and at most 24."]}),
        ({"hours": "1.125"}, {"hours": ["Ensure that there are no more than 2 decimal places."]}),
        ({"hours": "24.5"}, {"hours": ["Hours must be more than 0 and at most 24."]}),
        ({"hours": "0"}, {"hours": ["Hours must be more than 0 and at most 24."]}),
        ({"hours": "lots"}, {"hours": ["A valid number is required."]}),
        ({"hours": "17"}, None),  # 7.5 already on that day: 24.5 in all
        ({"date": "tomorrow"}, {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
        ({"person": 10**9}, {"person": ['Invalid pk "1000000000" - object does not exist.']}),
    ],
)
def test_bad_hours_are_400_naming_the_field(world, data, errors):
    other_task = TaskFactory(shot=ShotFactory(sequence=world.sequence, code="SQ010_SH0090"), assignees=[])
    payload = {"task": other_task.pk, "date": DAY.isoformat(), "hours": "1", **data}
    response = api_client_for(world, "artist").post(LIST, payload, format="json")
    assert response.status_code == 400
    if errors is None:
        assert list(response.json()) == ["hours"]
        assert response.json()["hours"][0].startswith("That makes 24.5 h on Mon 02 Mar 2026 across all tasks")
    else:
        assert response.json() == errors
    assert TimeLog.objects.filter(task=other_task).count() == 0


def test_a_future_day_is_refused(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = api_client_for(world, "artist").post(
        LIST, {"task": world.task.pk, "date": tomorrow.isoformat(), "hours": "1"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"date": ["Hours are logged on today or an earlier day, not a future one."]},
    )


@pytest.mark.parametrize(("role", "status"), [("production_manager", 201), ("supervisor", 403), ("artist_2", 403)])
def test_only_planners_log_for_someone_else(world, role, status):
    response = api_client_for(world, role).post(
        LIST,
        {"task": world.task.pk, "date": "2026-03-04", "hours": "3", "person": world.people["artist"].pk},
        format="json",
    )
    assert response.status_code == status
    assert TimeLog.objects.filter(date=dt.date(2026, 3, 4)).count() == (1 if status == 201 else 0)


def test_nobody_logs_on_a_show_they_are_not_on(world):
    response = api_client_for(world, "producer").post(
        LIST, {"task": world.other_task.pk, "date": "2026-03-04", "hours": "3"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["task"])


# --- Changing and deleting ----------------------------------------------------------------------------------


def test_changing_a_time_log(world):
    log = world.logs["artist"]
    response = api_client_for(world, "artist").patch(detail(log), {"hours": "6.25", "comment": ""}, format="json")
    assert (response.status_code, response.json()["hours"], response.json()["comment"]) == (200, "6.25", "")
    response = api_client_for(world, "artist").patch(detail(log), {"task": world.lighting_task.pk}, format="json")
    assert (response.status_code, response.json()) == (400, {"task": ["This field is not accepted here."]})
    response = api_client_for(world, "artist").patch(detail(log), {}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Send at least one field to change."]},
    )


@pytest.mark.parametrize(
    ("role", "patch", "delete"),
    [
        ("artist", 200, 204),
        ("artist_2", 404, 404),  # cannot even see it
        ("supervisor", 403, 403),  # sees the department's hours, changes only their own
        ("coordinator", 403, 403),
        ("production_manager", 200, 204),
        ("producer", 200, 204),
        ("client", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_who_changes_and_deletes(world, role, patch, delete):
    log = world.logs["artist"]
    client = api_client_for(world, role)
    assert client.patch(detail(log), {"hours": "5"}, format="json").status_code == patch
    assert client.delete(detail(log)).status_code == delete
    assert TimeLog.objects.filter(pk=log.pk).exists() is (delete != 204)


# --- Filters and pages --------------------------------------------------------------------------------------


def test_filters(world):
    logs = world.logs
    TimeLogFactory(person=world.people["artist"], task=world.task, date=dt.date(2026, 3, 9), hours=Decimal("2"))
    admin = api_client_for(world, "admin")
    mine = ids(api_client_for(world, "producer").get(LIST, {"person": "me"}))
    assert mine == [logs["lighting"].pk]
    assert ids(admin.get(LIST, {"person": world.people["artist_2"].pk})) == [logs["artist_2"].pk]
    assert len(ids(admin.get(LIST, {"task": world.task.pk}))) == 2
    assert ids(admin.get(LIST, {"show": "OTH"})) == [logs["other"].pk]
    assert len(ids(admin.get(LIST, {"date_from": "2026-03-03"}))) == 1
    assert len(ids(admin.get(LIST, {"date_to": "2026-03-02"}))) == 4
    assert len(ids(admin.get(LIST, {"date_from": "2026-03-02", "date_to": "2026-03-02", "show": "RBT"}))) == 3


@pytest.mark.parametrize("params", [{"date_from": "March"}, {"person": "you"}, {"task": "-1"}])
def test_a_bad_filter_is_a_400_naming_it(world, params):
    response = api_client_for(world, "admin").get(LIST, params)
    assert (response.status_code, list(response.json())) == (400, list(params))


def test_the_list_makes_the_same_queries_for_3_and_33_logs(world):
    client = api_client_for(world, "coordinator")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    small = count()
    for index in range(30):
        TimeLogFactory(person=world.people["artist"], task=world.task, date=DAY - dt.timedelta(days=index + 1))
    large = count()
    # session, person, the person's show roles, time logs (with person, task, shot, show, task type)
    assert (small, large) == ((4, 3), (4, 33))
