"""shots.streams: a whole show's shots with their tasks as JSON, written by PostgreSQL or by Python, the same bytes."""

from __future__ import annotations

import json

import pytest

from shots import streams
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import MembershipFactory, PersonFactory
from tests.studio.test_api import ApiWorld, build_api_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ApiWorld:
    return build_api_world()


def both_paths(person, show, **kwargs) -> tuple[bytes, bytes]:
    postgresql = b"".join(streams.json_array(streams.shots_with_tasks_postgresql(person, show, **kwargs)))
    python = b"".join(streams.json_array(streams.shots_with_tasks_python(person, show, **kwargs)))
    return postgresql, python


def expected_rbt(w: ApiWorld) -> list[dict]:
    return [
        {
            "id": w.shot.pk,
            "code": "SQ010_SH0010",
            "sequence": "SQ010",
            "status": "active",
            "cut_in": 1009,
            "cut_out": 1056,
            "head_in": 1001,
            "tail_out": 1064,
            "frame_count": 48,
            "tasks": [
                {
                    "id": w.task.pk,
                    "task_type": "Animation",
                    "status": "ready",
                    "assignees": ["artist"],
                    "bid_days": "2.50",
                    "start_date": "2026-03-02",
                    "due_date": "2026-03-06",
                    "priority": 1,
                    "row_version": 1,
                },
                {
                    "id": w.lighting_task.pk,
                    "task_type": "Lighting",
                    "status": "waiting",
                    "assignees": [],
                    "bid_days": "2.50",
                    "start_date": None,
                    "due_date": None,
                    "priority": 1,
                    "row_version": 1,
                },
            ],
        },
        {
            "id": w.shot_2.pk,
            "code": "SQ010_SH0020",
            "sequence": "SQ010",
            "status": "active",
            "cut_in": 1009,
            "cut_out": 1032,
            "head_in": 1001,
            "tail_out": 1040,
            "frame_count": 24,
            "tasks": [
                {
                    "id": w.artist_2_task.pk,
                    "task_type": "Animation",
                    "status": "wip",
                    "assignees": ["artist_2"],
                    "bid_days": "2.50",
                    "start_date": None,
                    "due_date": None,
                    "priority": 1,
                    "row_version": 1,
                }
            ],
        },
    ]


def compact(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_a_small_show_exactly_and_both_paths_write_the_same_bytes(world):
    postgresql, python = both_paths(world.people["coordinator"], world.show)
    assert postgresql == compact(expected_rbt(world))
    assert python == postgresql


def test_breakdown_order_and_shots_without_tasks(world):
    """Sequences by order then code, shots by order then code; tasks by task type order then name."""
    w = world
    early = SequenceFactory(show=w.show, code="SQ005", order=0)  # order 0 like SQ010: the code decides
    late = SequenceFactory(show=w.show, code="SQ001", order=5)
    empty = ShotFactory(sequence=early, code="SQ005_SH0010", order=0)
    first = ShotFactory(sequence=late, code="SQ001_SH0020", order=1)
    second = ShotFactory(sequence=late, code="SQ001_SH0010", order=2)
    comp = TaskTypeFactory(name="Compositing", department=w.lighting, order=9)
    layout = TaskTypeFactory(name="Layout", department=w.animation, order=0)
    TaskFactory(shot=first, task_type=comp)
    TaskFactory(shot=first, task_type=layout)
    postgresql, python = both_paths(w.people["producer"], w.show)
    assert python == postgresql
    shots = json.loads(postgresql)
    assert [shot["code"] for shot in shots] == [
        "SQ005_SH0010",
        "SQ010_SH0010",
        "SQ010_SH0020",
        "SQ001_SH0020",
        "SQ001_SH0010",
    ]
    assert shots[0]["id"] == empty.pk and shots[0]["tasks"] == []
    assert shots[4]["id"] == second.pk and shots[4]["tasks"] == []
    assert [task["task_type"] for task in shots[3]["tasks"]] == ["Layout", "Compositing"]


def test_text_is_escaped_the_same_way_by_both_paths(world):
    w = world
    odd = TaskTypeFactory(name='FX "hero" \\ 1/2\ttab\nline \x01 é 漢字 😀', department=w.animation, order=50)
    names = ["zoë", "o'brien", "a.b+c@d-e_f"]
    people = [PersonFactory(username=name) for name in names]
    for person in people:
        MembershipFactory(person=person, show=w.show)
    TaskFactory(shot=w.shot_2, task_type=odd, assignees=people)
    postgresql, python = both_paths(w.people["coordinator"], w.show)
    assert python == postgresql
    task = json.loads(postgresql)[1]["tasks"][1]
    assert (task["task_type"], task["assignees"]) == (odd.name, sorted(names))
    assert b'"FX \\"hero\\" \\\\ 1/2\\ttab\\nline \\u0001 \xc3\xa9 ' in postgresql  # UTF-8 as is, controls escaped


@pytest.mark.parametrize("chunk_size", [1, 2, 250])
def test_chunks_join_into_one_array(world, chunk_size):
    for n in range(3):
        ShotFactory(sequence=world.sequence, code=f"SQ010_SH{900 + n}", order=9)
    chunks = list(streams.shots_with_tasks_postgresql(world.people["coordinator"], world.show, chunk_size=chunk_size))
    assert [len(chunk) for chunk in chunks] == {1: [1] * 5, 2: [2, 2, 1], 250: [5]}[chunk_size]
    body = b"".join(streams.json_array(iter(chunks)))
    assert body == both_paths(world.people["coordinator"], world.show)[1]
    assert len(json.loads(body)) == 5


@pytest.mark.parametrize("role", ["artist", "supervisor", "production_manager", "admin"])
def test_staff_see_the_whole_breakdown_of_their_show(world, role):
    postgresql, python = both_paths(world.people[role], world.show)
    assert postgresql == python == compact(expected_rbt(world))


def test_a_client_and_a_stranger_get_an_empty_array(world):
    assert both_paths(world.people["client"], world.show) == (b"[]", b"[]")
    assert both_paths(world.people["coordinator"], world.other_show) == (b"[]", b"[]")


def test_the_other_shows_rows_never_appear(world):
    body = both_paths(world.people["admin"], world.other_show)[0]
    assert [shot["id"] for shot in json.loads(body)] == [world.other_shot.pk]
    assert [task["id"] for task in json.loads(body)[0]["tasks"]] == [world.other_task.pk]
