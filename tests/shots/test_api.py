"""The breakdown API: sequences, shots and tasks, per role, on own and other shows; writes, filters, pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shots import services
from shots.models import Sequence, Shot, Task
from shots.workflow import TaskStatus
from studio.models import Person
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory
from tests.studio.test_api import ROLES, ApiWorld, api_client_for, build_api_world

pytestmark = pytest.mark.django_db

STAFF = ["artist", "supervisor", "coordinator", "production_manager", "producer"]
BREAKDOWN_EDITORS = ["coordinator", "production_manager", "producer", "admin"]


@pytest.fixture
def world() -> ApiWorld:
    return build_api_world()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def detail(name: str, obj) -> str:
    return reverse(f"api:{name}-detail", kwargs={"pk": obj.pk})


def counts() -> tuple[int, int, int]:
    return Sequence.objects.count(), Shot.objects.count(), Task.objects.count()


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# --- Reading: every role, own show and other show -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_only_the_persons_shows(world, role):
    client = api_client_for(world, role)
    sequences = ids(client.get(reverse("api:sequence-list")))
    shots = ids(client.get(reverse("api:shot-list")))
    tasks = ids(client.get(reverse("api:task-list")))
    w = world
    if role == "admin":
        assert sequences == sorted([w.sequence.pk, w.other_sequence.pk])
        assert shots == sorted([w.shot.pk, w.shot_2.pk, w.other_shot.pk])
        assert tasks == sorted([w.task.pk, w.artist_2_task.pk, w.lighting_task.pk, w.other_task.pk])
    elif role == "client":  # clients see client sessions and notes, never the breakdown
        assert (sequences, shots, tasks) == ([], [], [])
    else:
        assert sequences == [w.sequence.pk]
        assert shots == sorted([w.shot.pk, w.shot_2.pk])
        assert tasks == sorted([w.task.pk, w.artist_2_task.pk, w.lighting_task.pk])


@pytest.mark.parametrize(
    "role, own, other",
    [*((role, 200, 404) for role in STAFF), ("admin", 200, 200), ("client", 404, 404), ("anonymous", 401, 401)],
)
@pytest.mark.parametrize("name", ["sequence", "shot", "task"])
def test_detail_is_404_on_a_show_the_person_is_not_on(world, role, own, other, name):
    own_obj, other_obj = {
        "sequence": (world.sequence, world.other_sequence),
        "shot": (world.shot, world.other_shot),
        "task": (world.task, world.other_task),
    }[name]
    client = api_client_for(world, role)
    assert client.get(detail(name, own_obj)).status_code == own
    assert client.get(detail(name, other_obj)).status_code == other


def test_sequence_detail_shape(world):
    response = api_client_for(world, "artist").get(detail("sequence", world.sequence))
    assert response.json() == {
        "id": world.sequence.pk,
        "show": "RBT",
        "code": "SQ010",
        "name": "Opening",
        "status": "active",
        "order": 0,
    }


def test_shot_detail_shape(world):
    response = api_client_for(world, "artist").get(detail("shot", world.shot))
    assert response.json() == {
        "id": world.shot.pk,
        "code": "SQ010_SH0010",
        "show": "RBT",
        "sequence": {"id": world.sequence.pk, "code": "SQ010"},
        "cut_in": 1009,
        "cut_out": 1056,
        "head_in": 1001,
        "tail_out": 1064,
        "frame_count": 48,
        "status": "active",
        "description": "Wide",
        "order": 0,
    }


def test_task_detail_shape_has_no_money(world):
    response = api_client_for(world, "supervisor").get(detail("task", world.task))
    world.task.refresh_from_db()
    artist = world.people["artist"]
    assert response.json() == {
        "id": world.task.pk,
        "show": "RBT",
        "shot": {"id": world.shot.pk, "code": "SQ010_SH0010"},
        "task_type": {"id": world.animation_type.pk, "name": "Animation"},
        "department": {"id": world.animation.pk, "code": "ANIM", "name": "Animation"},
        "status": "ready",
        "assignees": [{"id": artist.pk, "username": "artist"}],
        "bid_days": "2.50",
        "start_date": "2026-03-02",
        "due_date": "2026-03-06",
        "retake_count": 0,
        "priority": 1,
        "row_version": 1,
        "updated_at": iso(world.task.updated_at),
    }


def test_non_numeric_ids_are_404(world):
    assert api_client_for(world, "admin").get("/api/v1/shots/abc/").status_code == 404


# --- Filters --------------------------------------------------------------------------------------------


def test_sequence_and_shot_filters(world):
    w = world
    other_seq = SequenceFactory(show=w.show, code="SQ020")
    on_hold = ShotFactory(sequence=other_seq, code="SQ020_SH0010", status="on_hold")
    client = api_client_for(world, "admin")
    url = reverse("api:shot-list")
    assert ids(client.get(reverse("api:sequence-list"), {"show": "RBT"})) == sorted([w.sequence.pk, other_seq.pk])
    assert ids(client.get(reverse("api:sequence-list"), {"show": "OTH"})) == [w.other_sequence.pk]
    assert ids(client.get(url, {"show": "OTH"})) == [w.other_shot.pk]
    assert ids(client.get(url, {"sequence": w.sequence.pk})) == sorted([w.shot.pk, w.shot_2.pk])
    assert ids(client.get(url, {"sequence_code": "SQ020"})) == [on_hold.pk]
    assert ids(client.get(url, {"sequence_code": "SQ010", "show": "RBT"})) == sorted([w.shot.pk, w.shot_2.pk])
    assert ids(client.get(url, {"status": "on_hold"})) == [on_hold.pk]
    assert ids(client.get(url, {"code": "sh0020"})) == [w.shot_2.pk]


def test_a_filter_never_widens_what_a_person_sees(world):
    client = api_client_for(world, "coordinator")
    assert ids(client.get(reverse("api:shot-list"), {"show": "OTH"})) == []
    assert ids(client.get(reverse("api:task-list"), {"shot": world.other_shot.pk})) == []


def test_task_filters(world):
    w = world
    client = api_client_for(world, "artist")
    url = reverse("api:task-list")
    all_three = sorted([w.task.pk, w.artist_2_task.pk, w.lighting_task.pk])
    assert ids(client.get(url, {"show": "RBT"})) == all_three
    assert ids(client.get(url, {"shot": w.shot.pk})) == sorted([w.task.pk, w.lighting_task.pk])
    assert ids(client.get(url, {"sequence": w.sequence.pk})) == all_three
    assert ids(client.get(url, {"sequence_code": "SQ010"})) == all_three
    assert ids(client.get(url, {"task_type": w.lighting_type.pk})) == [w.lighting_task.pk]
    assert ids(client.get(url, {"department": w.animation.pk})) == sorted([w.task.pk, w.artist_2_task.pk])
    assert ids(client.get(url, {"status": ["ready", "waiting"]})) == sorted([w.task.pk, w.lighting_task.pk])
    assert ids(client.get(url, {"assignee": "me"})) == [w.task.pk]
    assert ids(client.get(url, {"assignee": w.people["artist_2"].pk})) == [w.artist_2_task.pk]
    assert ids(client.get(url, {"due_before": "2026-03-06"})) == [w.task.pk]
    assert ids(client.get(url, {"due_before": "2026-03-05"})) == []
    assert ids(client.get(url, {"due_after": "2026-03-06"})) == [w.task.pk]
    assert ids(client.get(url, {"due_after": "2026-03-07"})) == []


def test_a_task_with_two_assignees_is_listed_once(world):
    world.task.assignees.add(world.people["artist_2"])
    client = api_client_for(world, "coordinator")
    assert ids(client.get(reverse("api:task-list"), {"assignee": world.people["artist"].pk})) == [world.task.pk]
    row = client.get(detail("task", world.task)).json()
    assert row["assignees"] == [
        {"id": world.people["artist"].pk, "username": "artist"},
        {"id": world.people["artist_2"].pk, "username": "artist_2"},
    ]


@pytest.mark.parametrize(
    "url_name, params, errors",
    [
        (
            "api:task-list",
            {"status": "done"},
            {"status": ["Select a valid choice. done is not one of the available choices."]},
        ),
        ("api:task-list", {"assignee": "bob"}, {"assignee": ['Give a person\'s id or "me".']}),
        ("api:task-list", {"due_before": "next week"}, {"due_before": ["Enter a valid date."]}),
        ("api:task-list", {"shot": "1.5"}, {"shot": ["Enter a whole number."]}),
        (
            "api:task-list",
            {"department": "99999999999999999999"},
            {"department": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        ("api:shot-list", {"sequence": "SQ010"}, {"sequence": ["Enter a whole number."]}),
        (
            "api:shot-list",
            {"status": "wip"},
            {"status": ["Select a valid choice. wip is not one of the available choices."]},
        ),
        (
            "api:sequence-list",
            {"status": "x"},
            {"status": ["Select a valid choice. x is not one of the available choices."]},
        ),
    ],
)
def test_invalid_filter_values_are_400_naming_the_parameter(world, url_name, params, errors):
    response = api_client_for(world, "coordinator").get(reverse(url_name), params)
    assert response.status_code == 400
    assert response.json() == errors


# --- Query counts: fixed whatever the page holds --------------------------------------------------------


def _queries_for(client, url: str, params: dict | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_task_list_makes_the_same_queries_for_3_and_30_tasks(world):
    client = api_client_for(world, "coordinator")
    url = reverse("api:task-list")
    small = _queries_for(client, url)
    for index in range(27):
        shot = ShotFactory(sequence=world.sequence, code=f"SQ010_SH{1000 + index:04d}")
        TaskFactory(
            shot=shot, task_type=world.animation_type, assignees=[world.people["artist"], world.people["artist_2"]]
        )
    large = _queries_for(client, url)
    # session, person, the person's show roles, tasks (with shot, show, task type, department), assignees
    assert small == (5, 3)
    assert large == (5, 30)
    filtered = {"assignee": world.people["artist"].pk, "status": ["wip", "ready"], "show": "RBT"}
    assert _queries_for(client, url, filtered) == (5, 28)


def test_shot_and_sequence_lists_make_the_same_queries_for_3_and_30_rows(world):
    client = api_client_for(world, "coordinator")
    SequenceFactory(show=world.show, code="SQ000")
    ShotFactory(sequence=world.sequence, code="SQ010_SH0030")
    small = (_queries_for(client, reverse("api:sequence-list")), _queries_for(client, reverse("api:shot-list")))
    for index in range(27):
        sequence = SequenceFactory(show=world.show, code=f"SQ{index + 100:03d}")
        ShotFactory(sequence=sequence, code=f"SQ{index + 100:03d}_SH0010")
    large = (_queries_for(client, reverse("api:sequence-list")), _queries_for(client, reverse("api:shot-list")))
    assert small == ((4, 2), (4, 3))  # session, person, show roles, rows (joined with show and sequence)
    assert large == ((4, 29), (4, 30))


# --- Sequences: writes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, expected",
    [
        ("artist", 403),
        ("supervisor", 403),
        ("coordinator", 201),
        ("production_manager", 201),
        ("producer", 201),
        ("admin", 201),
        ("client", 403),
        ("anonymous", 401),
    ],
)
def test_sequence_create_by_role(world, role, expected):
    before = Sequence.objects.count()
    response = api_client_for(world, role).post(
        reverse("api:sequence-list"), {"show": "RBT", "code": "SQ020", "name": "Chase", "order": 2}, format="json"
    )
    assert response.status_code == expected
    if expected == 201:
        created = Sequence.objects.get(show=world.show, code="SQ020")
        assert response.json() == {
            "id": created.pk,
            "show": "RBT",
            "code": "SQ020",
            "name": "Chase",
            "status": "active",
            "order": 2,
        }
    else:
        assert Sequence.objects.count() == before


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"show": "NOPE", "code": "SQ020"}, {"show": ["Object with code=NOPE does not exist."]}),
        ({"show": "OTH", "code": "SQ020"}, {"show": ["Object with code=OTH does not exist."]}),
        (
            {"show": "RBT", "code": "SQ 020"},
            {"code": ["Use letters, digits, '_', '-' or '.', starting with a letter or digit."]},
        ),
        ({"show": "RBT", "code": "SQ010"}, {"code": ["The show already has a sequence SQ010."]}),
        ({"code": "SQ020"}, {"show": ["This field is required."]}),
        ({"show": "RBT", "code": "SQ020", "colour": "red"}, {"colour": ["This field is not accepted here."]}),
    ],
)
def test_bad_sequence_input_is_400_naming_the_field_and_writes_nothing(world, payload, errors):
    before = counts()
    response = api_client_for(world, "coordinator").post(reverse("api:sequence-list"), payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert counts() == before


@pytest.mark.parametrize(
    "role, expected",
    [
        *((role, 403) for role in ("artist", "supervisor")),
        *((role, 200) for role in BREAKDOWN_EDITORS),
        ("client", 404),
    ],
)
def test_sequence_update_by_role(world, role, expected):
    response = api_client_for(world, role).patch(
        detail("sequence", world.sequence), {"name": "Opening titles", "status": "on_hold"}, format="json"
    )
    assert response.status_code == expected
    world.sequence.refresh_from_db()
    if expected == 200:
        assert (response.json()["name"], response.json()["status"]) == ("Opening titles", "on_hold")
        assert (world.sequence.name, world.sequence.status) == ("Opening titles", "on_hold")
    else:
        assert (world.sequence.name, world.sequence.status) == ("Opening", "active")


def test_sequence_rename_to_a_taken_code_is_400_naming_code(world):
    SequenceFactory(show=world.show, code="SQ020")
    response = api_client_for(world, "coordinator").patch(
        detail("sequence", world.sequence), {"code": "SQ020"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"code": ["The show already has a sequence SQ020."]}
    world.sequence.refresh_from_db()
    assert world.sequence.code == "SQ010"


def test_sequence_of_another_show_cannot_be_changed(world):
    response = api_client_for(world, "coordinator").patch(
        detail("sequence", world.other_sequence), {"name": "Mine"}, format="json"
    )
    assert response.status_code == 404


# --- Shots: writes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, expected",
    [
        ("artist", 403),
        ("supervisor", 403),
        ("coordinator", 201),
        ("production_manager", 201),
        ("producer", 201),
        ("admin", 201),
        # Clients cannot see the breakdown: the sequence reads as "does not exist".
        ("client", 400),
        ("anonymous", 401),
    ],
)
def test_shot_create_by_role(world, role, expected):
    before = counts()
    response = api_client_for(world, role).post(
        reverse("api:shot-list"),
        {"sequence": world.sequence.pk, "code": "SQ010_SH0030", "cut_in": 1009, "cut_out": 1104},
        format="json",
    )
    assert response.status_code == expected
    if expected != 201:
        assert counts() == before
        return
    shot = Shot.objects.get(show=world.show, code="SQ010_SH0030")
    assert response.json() == {
        "id": shot.pk,
        "code": "SQ010_SH0030",
        "show": "RBT",
        "sequence": {"id": world.sequence.pk, "code": "SQ010"},
        "cut_in": 1009,
        "cut_out": 1104,
        "head_in": 1001,
        "tail_out": 1112,
        "frame_count": 96,
        "status": "active",
        "description": "",
        "order": 0,
    }


def test_coordinator_creates_a_shot_from_a_frame_count_with_the_shows_defaults(world):
    response = api_client_for(world, "coordinator").post(
        reverse("api:shot-list"), {"sequence": world.sequence.pk, "code": "0040", "frame_count": 24}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["head_in"], body["cut_in"], body["cut_out"], body["tail_out"]) == (
        "0040",
        1001,
        1009,
        1032,
        1040,
    )
    assert Shot.objects.get(pk=body["id"]).code == "0040"  # leading zeros kept


@pytest.mark.parametrize(
    "payload, errors",
    [
        (
            {"code": "SQ010_SH0030", "cut_in": 1050, "cut_out": 1009},
            {"cut_out": ["Cut out must not be before cut in."]},
        ),
        (
            {"code": "SQ010_SH0030", "cut_in": 1009, "cut_out": 1050, "head_in": 1010},
            {"head_in": ["Head in must not be after cut in."]},
        ),
        (
            {"code": "SH 0030", "cut_in": 1009, "cut_out": 1050},
            {"code": ["Use letters, digits, '_', '-' or '.', starting with a letter or digit."]},
        ),
        ({"code": "SQ010_SH0030"}, {"cut_out": ["Give cut out or a frame count."]}),
        (
            {"code": "SQ010_SH0030", "frame_count": 0},
            {"frame_count": ["Ensure this value is greater than or equal to 1."]},
        ),
        ({"code": "SQ010_SH0030", "cut_in": "ten", "cut_out": 1050}, {"cut_in": ["A valid integer is required."]}),
        (
            {"code": "SQ010_SH0010", "frame_count": 10},
            {"code": ["The show already has a shot SQ010_SH0010."]},
        ),
    ],
)
def test_bad_shot_input_is_400_naming_the_field_and_writes_nothing(world, payload, errors):
    before = counts()
    response = api_client_for(world, "coordinator").post(
        reverse("api:shot-list"), {"sequence": world.sequence.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert counts() == before


@pytest.mark.parametrize("sequence", ["unknown", "other show"])
def test_shot_in_an_unknown_or_invisible_sequence_is_400_naming_sequence(world, sequence):
    sequence_id = 999_999 if sequence == "unknown" else world.other_sequence.pk
    before = counts()
    response = api_client_for(world, "coordinator").post(
        reverse("api:shot-list"), {"sequence": sequence_id, "code": "SQ010_SH0030", "frame_count": 10}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"sequence": [f'Invalid pk "{sequence_id}" - object does not exist.']}
    assert counts() == before


@pytest.mark.parametrize(
    "role, expected",
    [
        *((role, 403) for role in ("artist", "supervisor")),
        *((role, 200) for role in BREAKDOWN_EDITORS),
        ("client", 404),
    ],
)
def test_shot_update_by_role(world, role, expected):
    response = api_client_for(world, role).patch(detail("shot", world.shot), {"cut_out": 1080}, format="json")
    assert response.status_code == expected
    world.shot.refresh_from_db()
    if expected == 200:
        # The handles follow the cut: tail out stays 8 frames after cut out.
        assert (world.shot.cut_out, world.shot.tail_out) == (1080, 1088)
        assert (response.json()["frame_count"], response.json()["tail_out"]) == (72, 1088)
    else:
        assert (world.shot.cut_out, world.shot.tail_out) == (1056, 1064)


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"cut_out": 1000}, {"cut_out": ["Cut out must not be before cut in."]}),
        ({"cut_in": 1100}, {"cut_out": ["Cut out must not be before cut in."]}),
        ({"tail_out": 1050}, {"tail_out": ["Tail out must not be before cut out."]}),
        ({"code": "SQ010_SH0020"}, {"code": ["The show already has a shot SQ010_SH0020."]}),
        ({"status": "lost"}, {"status": ['"lost" is not a valid choice.']}),
        ({"sequence": 1}, {"sequence": ["This field is not accepted here."]}),
    ],
)
def test_bad_shot_update_is_400_naming_the_field_and_changes_nothing(world, payload, errors):
    response = api_client_for(world, "coordinator").patch(detail("shot", world.shot), payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    world.shot.refresh_from_db()
    assert (world.shot.code, world.shot.cut_in, world.shot.cut_out, world.shot.tail_out) == (
        "SQ010_SH0010",
        1009,
        1056,
        1064,
    )


def test_shot_of_another_show_cannot_be_changed(world):
    response = api_client_for(world, "producer").patch(detail("shot", world.other_shot), {"order": 3}, format="json")
    assert response.status_code == 404


# --- Tasks: writes --------------------------------------------------------------------------------------


@pytest.fixture
def shot_3(world) -> Shot:
    return ShotFactory(sequence=world.sequence, code="SQ010_SH0030")


@pytest.mark.parametrize(
    "role, task_type, expected",
    [
        ("artist", "animation", 403),
        ("supervisor", "animation", 201),  # their department
        ("supervisor", "lighting", 403),
        ("coordinator", "lighting", 201),
        ("production_manager", "lighting", 201),
        ("producer", "lighting", 201),
        ("admin", "lighting", 201),
        ("client", "lighting", 400),  # the shot reads as "does not exist"
        ("anonymous", "lighting", 401),
    ],
)
def test_task_create_by_role(world, shot_3, role, task_type, expected):
    task_type = world.animation_type if task_type == "animation" else world.lighting_type
    before = counts()
    response = api_client_for(world, role).post(
        reverse("api:task-list"),
        {
            "shot": shot_3.pk,
            "task_type": task_type.pk,
            "assignees": [world.people["artist_2"].pk],
            "bid_days": "3.25",
            "start_date": "2026-04-01",
            "due_date": "2026-04-03",
        },
        format="json",
    )
    assert response.status_code == expected
    if expected != 201:
        assert counts() == before
        return
    task = Task.objects.get(shot=shot_3)
    body = response.json()
    assert body["id"] == task.pk
    assert body["task_type"] == {"id": task_type.pk, "name": task_type.name}
    assert body["assignees"] == [{"id": world.people["artist_2"].pk, "username": "artist_2"}]
    assert (body["bid_days"], body["status"], body["row_version"]) == ("3.25", "waiting", 1)
    assert task.bid_days == Decimal("3.25")


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"bid_days": "-1"}, {"bid_days": ["Ensure this value is greater than or equal to 0."]}),
        ({"bid_days": "1.234"}, {"bid_days": ["Ensure that there are no more than 2 decimal places."]}),
        (
            {"start_date": "2026-04-03", "due_date": "2026-04-01"},
            {"due_date": ["The due date must not be before the start date."]},
        ),
        # A task due on 9999-12-31 would be drawn and listed past date.max (the Gantt chart, calendar feeds).
        ({"due_date": "9999-12-31"}, {"due_date": ["Give a date between 1970 and 2999."]}),
        ({"start_date": "1969-12-31"}, {"start_date": ["Give a date between 1970 and 2999."]}),
        ({"shot": 999_999}, {"shot": ['Invalid pk "999999" - object does not exist.']}),
        ({"task_type": None}, {"task_type": ["This field may not be null."]}),
        ({"assignees": [999_999]}, {"assignees": ['Invalid pk "999999" - object does not exist.']}),
        ({"status": "approved"}, {"status": ["This field is not accepted here."]}),
    ],
)
def test_bad_task_input_is_400_naming_the_field_and_writes_nothing(world, shot_3, payload, errors):
    before = counts()
    body = {"shot": shot_3.pk, "task_type": world.lighting_type.pk, **payload}
    response = api_client_for(world, "coordinator").post(reverse("api:task-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert counts() == before


def test_a_second_task_of_the_same_type_on_a_shot_is_400(world):
    before = counts()
    response = api_client_for(world, "coordinator").post(
        reverse("api:task-list"), {"shot": world.shot.pk, "task_type": world.animation_type.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"task_type": ["This shot already has a Animation task."]}
    assert counts() == before


def patch_task(client, task: Task, **changes):
    task.refresh_from_db()
    return client.patch(detail("task", task), {"row_version": task.row_version, **changes}, format="json")


@pytest.mark.parametrize("status", ["wip", "pending_review"])
def test_artist_moves_their_own_task_to_an_artist_status(world, status):
    response = patch_task(api_client_for(world, "artist"), world.task, status=status)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["row_version"]) == (status, 2)
    world.task.refresh_from_db()
    assert (world.task.status, world.task.row_version, world.task.updated_by) == (status, 2, world.people["artist"])


def test_artist_cannot_approve_their_own_task(world):
    response = patch_task(api_client_for(world, "artist"), world.task, status="approved")
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot set this task to 'approved'."}
    world.task.refresh_from_db()
    assert (world.task.status, world.task.row_version) == ("ready", 1)


def test_artist_cannot_change_another_artists_task(world):
    response = patch_task(api_client_for(world, "artist"), world.artist_2_task, status="wip")
    assert response.status_code == 403
    world.artist_2_task.refresh_from_db()
    assert (world.artist_2_task.status, world.artist_2_task.row_version) == ("wip", 1)


def test_artist_cannot_reassign_their_task(world):
    response = patch_task(api_client_for(world, "artist"), world.task, assignees=[world.people["artist_2"].pk])
    assert response.status_code == 403
    assert response.json() == {"detail": "Artists can change only the status of their own tasks."}
    assert list(world.task.assignees.values_list("username", flat=True)) == ["artist"]


@pytest.mark.parametrize(
    "role, own_department, other_department",
    [
        ("artist", 403, 403),  # approving: never, even their own task
        ("supervisor", 200, 403),
        ("coordinator", 200, 200),
        ("production_manager", 200, 200),
        ("producer", 200, 200),
        ("admin", 200, 200),
        ("client", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_approving_tasks_by_role(world, role, own_department, other_department):
    client = api_client_for(world, role)
    assert patch_task(client, world.task, status="approved").status_code == own_department  # Animation
    assert patch_task(client, world.lighting_task, status="approved").status_code == other_department
    world.task.refresh_from_db()
    world.lighting_task.refresh_from_db()
    assert world.task.status == ("approved" if own_department == 200 else "ready")
    assert world.lighting_task.status == ("approved" if other_department == 200 else "waiting")


@pytest.mark.parametrize("role, expected", [*((role, 404) for role in STAFF), ("admin", 200), ("client", 404)])
def test_tasks_of_another_show_are_404_to_change(world, role, expected):
    assert patch_task(api_client_for(world, role), world.other_task, status="wip").status_code == expected


def test_stale_row_version_is_409_naming_who_changed_it_and_nothing_is_written(world):
    coordinator = world.people["coordinator"]
    services.task_update(actor=coordinator, task=world.task, row_version=1, priority=2)
    world.task.refresh_from_db()
    changed_at = timezone.localtime(world.task.updated_at).strftime("%Y-%m-%d %H:%M")

    response = api_client_for(world, "artist").patch(
        detail("task", world.task), {"row_version": 1, "status": "wip"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "row_version": [f"This task was changed by {coordinator} at {changed_at} — reload to see their change."]
    }
    world.task.refresh_from_db()
    assert (world.task.status, world.task.row_version, world.task.updated_by) == ("ready", 2, coordinator)


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"status": "wip"}, {"row_version": ["This field is required."]}),
        ({"row_version": 1}, {"non_field_errors": ["Send at least one field to change."]}),
        ({"row_version": 1, "status": "done"}, {"status": ['"done" is not a valid choice.']}),
        ({"row_version": 1, "bid_days": "-0.5"}, {"bid_days": ["Ensure this value is greater than or equal to 0."]}),
        (
            {"row_version": 1, "due_date": "2026-03-01"},
            {"due_date": ["The due date must not be before the start date."]},
        ),
        (
            {"row_version": 1, "start_date": "2026-03-04", "due_date": "2026-03-03"},
            {"due_date": ["The due date must not be before the start date."]},
        ),
        ({"row_version": 1, "due_date": "9999-12-31"}, {"due_date": ["Give a date between 1970 and 2999."]}),
        ({"row_version": 1, "start_date": "0001-01-01"}, {"start_date": ["Give a date between 1970 and 2999."]}),
        ({"row_version": 1, "retake_count": 4}, {"retake_count": ["This field is not accepted here."]}),
        ({"row_version": 1, "priority": 9}, {"priority": ['"9" is not a valid choice.']}),
    ],
)
def test_bad_task_update_is_400_naming_the_field_and_changes_nothing(world, payload, errors):
    response = api_client_for(world, "coordinator").patch(detail("task", world.task), payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    world.task.refresh_from_db()
    assert (world.task.status, world.task.row_version, world.task.bid_days) == ("ready", 1, Decimal("2.50"))


def test_coordinator_plans_a_task(world):
    response = patch_task(
        api_client_for(world, "coordinator"),
        world.task,
        bid_days="4.75",
        due_date="2026-03-13",
        priority=3,
        assignees=[world.people["artist_2"].pk, world.people["artist"].pk],
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["bid_days"], body["due_date"], body["priority"], body["row_version"]) == ("4.75", "2026-03-13", 3, 2)
    assert [person["username"] for person in body["assignees"]] == ["artist", "artist_2"]
    world.task.refresh_from_db()
    assert (world.task.bid_days, world.task.due_date) == (Decimal("4.75"), dt.date(2026, 3, 13))
    assert set(world.task.assignees.all()) == {world.people["artist"], world.people["artist_2"]}


def test_token_authenticated_artist_moves_their_task(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=Person.objects.get(username="artist"))
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.patch(detail("task", world.task), {"row_version": 1, "status": TaskStatus.WIP}, format="json")
    assert response.status_code == 200
    world.task.refresh_from_db()
    assert world.task.status == "wip"


def test_artist_cannot_change_the_bid_or_dates_of_their_own_task(world):
    response = patch_task(api_client_for(world, "artist"), world.task, bid_days="40", due_date="2027-01-01")
    assert response.status_code == 403
    world.task.refresh_from_db()
    assert (world.task.bid_days, world.task.due_date) == (Decimal("2.50"), dt.date(2026, 3, 6))
