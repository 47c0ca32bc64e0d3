"""The baselines API (freeze, rename, activate, rows, compare) and per-task variance: roles, another show's 404,
bad input naming the field, the same compare figures as the page, cursor pages, a fixed number of queries.

The show and its plans are tests/schedules/test_baselines.py's (a holiday on Monday 9 March 2026).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedules.models import Baseline, BaselineTask
from shots.models import Task
from shots.workflow import TaskStatus
from studio.models import Person
from tests.schedules.test_baselines import freeze, grow, replan
from tests.schedules.test_baselines import world as world  # noqa: PLC0414 - the fixture
from tests.studio.test_api import api_client_for

pytestmark = pytest.mark.django_db

D = dt.date
LIST = reverse("api:baseline-list")


def detail(baseline, name="detail") -> str:
    return reverse(f"api:baseline-{name}", kwargs={"pk": baseline.pk})


def compare_url(code="RBT") -> str:
    return reverse("api:show-baseline-compare", kwargs={"code": code})


def tasks_url(code="RBT") -> str:
    return reverse("api:show-variance-tasks", kwargs={"code": code})


def outsider_client(world):
    client = api_client_for(world, "anonymous")
    client.force_login(Person.objects.get(username="outsider"))  # a producer of OTH only
    return client


# --- Reading ----------------------------------------------------------------------------------------------------


def test_a_baseline_as_json(world):
    award = freeze(world)
    response = api_client_for(world, "artist").get(detail(award))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": award.pk,
        "show": "RBT",
        "name": "Award plan",
        "is_active": True,
        "created_by": {"id": world.people["production_manager"].pk, "username": "production_manager"},
        "created_at": body["created_at"],
        "tasks": 3,
        "bid_days": "8.50",
    }


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("artist", 200, 404),
        ("supervisor", 200, 404),
        ("coordinator", 200, 404),
        ("production_manager", 200, 404),
        ("producer", 200, 404),
        ("admin", 200, 200),
        ("client", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_who_reads_a_baseline_its_rows_and_the_comparison(world, role, own, other):
    award = freeze(world)
    elsewhere = Baseline.objects.create(show=world.other_show, name="Elsewhere")
    client = api_client_for(world, role)
    for name in ("detail", "tasks"):
        assert client.get(detail(award, name)).status_code == own
        assert client.get(detail(elsewhere, name)).status_code == other
    assert client.get(compare_url("RBT")).status_code == own
    assert client.get(compare_url("OTH")).status_code == other


def test_the_list_shows_your_shows_baselines_only(world):
    freeze(world)
    Baseline.objects.create(show=world.other_show, name="Elsewhere")
    assert [row["name"] for row in api_client_for(world, "coordinator").get(LIST).json()["results"]] == ["Award plan"]
    assert api_client_for(world, "client").get(LIST).json()["results"] == []
    assert [row["name"] for row in outsider_client(world).get(LIST).json()["results"]] == ["Elsewhere"]
    response = api_client_for(world, "admin").get(LIST, {"show": "OTH"})
    assert [row["name"] for row in response.json()["results"]] == ["Elsewhere"]


# --- Freezing and the other writes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("production_manager", 201),
        ("producer", 201),
        ("admin", 201),
        ("coordinator", 403),
        ("supervisor", 403),
        ("artist", 403),
        ("client", 403),
    ],
)
def test_who_freezes_the_plan(world, role, status):
    response = api_client_for(world, role).post(LIST, {"show": "RBT", "name": "Award plan"}, format="json")
    assert response.status_code == status, response.content
    if status == 201:
        assert (response.json()["tasks"], response.json()["bid_days"], response.json()["is_active"]) == (
            3,
            "8.50",
            True,
        )
    else:
        assert not Baseline.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"show": "RBT"}, "name"),
        ({"show": "RBT", "name": ""}, "name"),
        ({"show": "RBT", "name": "award plan"}, "name"),  # taken (any case)
        ({"show": "OTH", "name": "Mine"}, "show"),  # another show reads as unknown
        ({"show": "RBT", "name": "Mine", "activate": "maybe"}, "activate"),
        ({"show": "RBT", "name": "Mine", "tasks": [1]}, "tasks"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, body, field):
    freeze(world)
    response = api_client_for(world, "producer").post(LIST, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert Baseline.objects.count() == 1


def test_the_taken_name_message_names_it(world):
    freeze(world)
    response = api_client_for(world, "producer").post(LIST, {"show": "RBT", "name": "AWARD PLAN"}, format="json")
    assert response.json() == {"name": ["RBT already has a baseline named “Award plan”: choose another name."]}


def test_activate_deactivate_rename_delete(world):
    award = freeze(world)
    client = api_client_for(world, "producer")
    response = client.post(LIST, {"show": "RBT", "name": "Re-plan", "activate": False}, format="json")
    replanned = Baseline.objects.get(pk=response.json()["id"])
    assert response.json()["is_active"] is False

    response = client.post(detail(replanned, "activate"))
    assert (response.status_code, response.json()["is_active"]) == (200, True)
    assert client.get(detail(award)).json()["is_active"] is False

    response = client.delete(detail(replanned))
    assert response.status_code == 400
    assert response.json() == {
        "baseline": [
            "“Re-plan” is the active baseline: variance is measured against it. Activate another baseline or "
            "deactivate this one first, then delete it."
        ]
    }
    response = client.post(detail(replanned, "deactivate"))
    assert (response.status_code, response.json()["is_active"]) == (200, False)
    response = client.patch(detail(award), {"name": "Re-plan"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["name"]
    response = client.patch(detail(award), {"name": "Award v1"}, format="json")
    assert (response.status_code, response.json()["name"]) == (200, "Award v1")
    assert client.delete(detail(replanned)).status_code == 204
    assert list(Baseline.objects.values_list("name", flat=True)) == ["Award v1"]


@pytest.mark.parametrize("role", ["coordinator", "supervisor", "artist"])
def test_other_staff_change_nothing(world, role):
    award = freeze(world, activate=False)
    client = api_client_for(world, role)
    assert client.post(detail(award, "activate")).status_code == 403
    assert client.post(detail(award, "deactivate")).status_code == 403
    assert client.patch(detail(award), {"name": "Mine"}, format="json").status_code == 403
    assert client.delete(detail(award)).status_code == 403
    assert list(Baseline.objects.values_list("name", "is_active")) == [("Award plan", False)]


def test_another_shows_baseline_is_a_404_for_writes(world):
    award = freeze(world)
    client = outsider_client(world)
    assert client.post(detail(award, "activate")).status_code == 404
    assert client.delete(detail(award)).status_code == 404


# --- A baseline's rows ------------------------------------------------------------------------------------------


def test_rows_page_by_cursor_and_filter(world):
    award = freeze(world)
    client = api_client_for(world, "artist")
    frozen_order = list(BaselineTask.objects.filter(baseline=award).order_by("pk").values_list("task_id", flat=True))
    first = client.get(detail(award, "tasks"), {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert second["next"] is None
    rows = first["results"] + second["results"]
    assert [row["task"]["id"] for row in rows] == frozen_order and len(first["results"]) == 2
    assert next(row for row in rows if row["task"]["id"] == world.task.pk) == {
        "task": {
            "id": world.task.pk,
            "shot": "SQ010_SH0010",
            "task_type": "Animation",
            "department": "ANIM",
            "sequence": "SQ010",
        },
        "bid_days": "2.50",
        "start_date": "2026-03-02",
        "due_date": "2026-03-06",
    }
    response = client.get(detail(award, "tasks"), {"department": "LGT"})
    assert [row["task"]["id"] for row in response.json()["results"]] == [world.lighting_task.pk]
    response = client.get(detail(award, "tasks"), {"sequence": "SQ999"})
    assert response.status_code == 400 and list(response.json()) == ["sequence"]
    response = client.get(detail(award, "tasks"), {"department": "NOPE"})
    assert response.status_code == 400 and list(response.json()) == ["department"]


# --- Comparing --------------------------------------------------------------------------------------------------


def test_the_comparison_has_the_pages_figures(world):
    award = freeze(world)
    new_task = replan(world)
    response = api_client_for(world, "supervisor").get(compare_url())  # defaults: active baseline vs current
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["a"], body["b"]) == ({"id": award.pk, "name": "Award plan"}, {"id": None, "name": "Current plan"})
    assert body["total"] == {
        "department": None,
        "tasks_a": 3,
        "tasks_b": 3,
        "bid_days_a": "8.50",
        "bid_days_b": "6.50",
        "net_change": "-2.00",
        "slipped": 1,
        "pulled_in": 1,
        "max_slip": 1,
        "only_in_a": 1,
        "only_in_b": 1,
        "changed": 2,
    }
    assert [(row["department"]["code"], row["net_change"], row["slipped"]) for row in body["departments"]] == [
        ("ANIM", "0.50", 1),
        ("LGT", "-2.50", 0),
    ]
    rows = {row["task"]["id"]: row for row in body["results"]}
    assert rows[world.task.pk] == {
        "task": {
            "id": world.task.pk,
            "shot": "SQ010_SH0010",
            "task_type": "Animation",
            "department": "ANIM",
            "sequence": "SQ010",
        },
        "a": {"bid_days": "2.50", "start_date": "2026-03-02", "due_date": "2026-03-06"},
        "b": {"bid_days": "3.00", "start_date": "2026-03-02", "due_date": "2026-03-10"},
        "bid_change": "0.50",
        "start_slip": 0,
        "due_slip": 1,
        "slipped": True,
    }
    assert (rows[world.artist_2_task.pk]["due_slip"], rows[world.artist_2_task.pk]["slipped"]) == (-3, False)
    assert (rows[world.lighting_task.pk]["b"], rows[world.lighting_task.pk]["bid_change"]) == (None, None)
    assert rows[new_task.pk]["a"] is None
    assert [row["task"]["id"] for row in body["results"]] == sorted(rows)  # task id order
    assert body["count"] == 4


def test_comparison_filters_and_pages(world):
    award = freeze(world)
    replan(world)
    replanned = freeze(world, "Re-plan")
    client = api_client_for(world, "artist")
    response = client.get(compare_url(), {"a": award.pk, "b": replanned.pk, "slipped": "true"})
    assert [row["task"]["id"] for row in response.json()["results"]] == [world.task.pk]
    seen = []
    response = client.get(compare_url(), {"a": award.pk, "b": replanned.pk, "page_size": 1})
    while True:
        body = response.json()
        seen += [row["task"]["id"] for row in body["results"]]
        if body["next"] is None:
            break
        response = client.get(body["next"])
    assert len(seen) == 4 and seen == sorted(seen)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"a": "999999"}, "a"),
        ({"b": "nope"}, "b"),
        ({"department": "NOPE"}, "department"),
        ({"sequence": "SQ999"}, "sequence"),
        ({"cursor": "%%not-a-cursor"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"slipped": "maybe"}, "slipped"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_comparison_query_is_a_400_naming_it(world, query, field):
    freeze(world)
    response = api_client_for(world, "producer").get(compare_url(), query)
    assert response.status_code == 400 and field in response.json(), response.content


def test_another_shows_baseline_is_not_a_side(world):
    elsewhere = Baseline.objects.create(show=world.other_show, name="Elsewhere")
    response = api_client_for(world, "admin").get(compare_url(), {"a": elsewhere.pk})
    assert response.status_code == 400 and list(response.json()) == ["a"]


# --- Variance per task ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("artist", 403, 404),
        ("supervisor", 403, 404),
        ("coordinator", 403, 404),
        ("production_manager", 200, 404),
        ("producer", 200, 404),
        ("admin", 200, 200),
        ("client", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_who_reads_variance_per_task(world, role, own, other):
    client = api_client_for(world, role)
    assert client.get(tasks_url("RBT")).status_code == own
    assert client.get(tasks_url("OTH")).status_code == other


def test_variance_per_task(world):
    """As of Tuesday 10 March (Monday 9 a holiday): "task" is ready (weight 0), bid 2.50, due Fri 6: PV 2.50, EV
    0; "artist_2_task" is WIP (0.25), bid 2.00, Mon 2 .. Wed 11: PV = 2 x 6 / 7 working days = 1.7142857143, EV
    0.50, SV -1.2142857143, SPI 0.5 / 1.7142857143 = 0.2916666667; "lighting_task" waiting, bid 4, no dates."""
    Task.objects.filter(pk=world.artist_2_task.pk).update(status=TaskStatus.WIP)
    award = freeze(world)
    response = api_client_for(world, "production_manager").get(tasks_url(), {"as_of": "2026-03-10"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in ("show", "as_of", "hours_per_day", "baseline", "next", "previous")} == {
        "show": "RBT",
        "as_of": "2026-03-10",
        "hours_per_day": "8.00",
        "baseline": {"id": award.pk, "name": "Award plan"},
        "next": None,
        "previous": None,
    }
    figures = {
        row["task"]["id"]: (row["bid_days"], row["pv"], row["ev"], row["ac_days"], row["sv"], row["spi"])
        for row in body["results"]
    }
    assert figures == {
        world.task.pk: ("2.50", "2.50", "0.00", "0.00", "-2.50", "0.00"),
        world.artist_2_task.pk: ("2.00", "1.7142857143", "0.50", "0.00", "-1.2142857143", "0.2916666667"),
        world.lighting_task.pk: ("4.00", "0.00", "0.00", "0.00", "0.00", None),
    }
    response = api_client_for(world, "producer").get(tasks_url(), {"department": "LGT", "sequence": "SQ010"})
    assert [row["task"]["id"] for row in response.json()["results"]] == [world.lighting_task.pk]


def test_variance_per_task_pages(world):
    client = api_client_for(world, "producer")
    first = client.get(tasks_url(), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert [row["task"]["id"] for row in first["results"] + second["results"]] == sorted(
        [world.task.pk, world.artist_2_task.pk, world.lighting_task.pk]
    )
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [({"as_of": "2026-13-45"}, "as_of"), ({"department": "NOPE"}, "department"), ({"cursor": "abc"}, "cursor")],
)
def test_a_bad_variance_query_is_a_400_naming_it(world, query, field):
    response = api_client_for(world, "producer").get(tasks_url(), query)
    assert response.status_code == 400 and list(response.json()) == [field], response.content


# --- Queries ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["list", "tasks", "compare", "variance-tasks"])
def test_query_counts_do_not_grow_with_the_show(world, endpoint):
    client = api_client_for(world, "producer")
    counts = []
    for n in (2, 12):
        grow(world, n)
        award = freeze(world, f"Plan {n}")
        Task.objects.filter(shot__show=world.show).update(due_date=D(2026, 3, 27))
        url = {
            "list": LIST,
            "tasks": detail(award, "tasks"),
            "compare": f"{compare_url()}?a={award.pk}&b=current",
            "variance-tasks": f"{tasks_url()}?as_of=2026-03-10",
        }[endpoint]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_page_of_task_figures_is_the_same_on_both_paths(world):
    from schedules import variance_tasks
    from schedules.earned_value import ShowRules, task_figures

    Task.objects.filter(pk=world.artist_2_task.pk).update(status=TaskStatus.WIP)
    freeze(world)
    grow(world, 5)
    rules = ShowRules.load(world.show)
    every = task_figures(world.show, D(2026, 3, 10), rules=rules)
    ids = [row.task_id for row in every]
    for kwargs in ({}, {"after_task_id": ids[2]}, {"department_id": world.lighting.pk}, {"sequence_id": 999}):
        pages = [
            variance_tasks.task_figures_page(rules, D(2026, 3, 10), limit=3, in_python=in_python, **kwargs)
            for in_python in (False, True)
        ]
        assert pages[0] == pages[1], kwargs
    assert variance_tasks.task_figures_page(rules, D(2026, 3, 10), limit=3, after_task_id=ids[2]) == every[3:6]
