"""Baselines: freezing the plan, one active per show, comparing two plans (hand-computed, with a holiday), who may,
the pages, and a fixed number of queries whatever the show's size.

The show RBT (tests.studio.test_api.build_api_world); Monday 9 March 2026 is a holiday. Frozen as "Award plan":
- "task" (Animation, SQ010_SH0010): bid 2.50, Mon 2 .. Fri 6 March;
- "artist_2_task" (Animation, SQ010_SH0020): bid 2.00, Mon 2 .. Wed 11 March;
- "lighting_task" (Lighting, SQ010_SH0010): bid 4.00, no dates.
Then the plan changes (the "current plan"):
- "task": bid 3.00, due Tue 10 March: slips 1 working day (Mon 9 is a holiday, so only Tue 10 is added);
- "artist_2_task": due Thu 5 March: pulled in 3 working days (Fri 6, Tue 10, Wed 11; not the holiday);
- "lighting_task" is omitted (only in the baseline); a new Lighting task on SQ010_SH0020, bid 1.50, Mon 16 ..
  Fri 20 March, exists only in the current plan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedules import baselines, services
from schedules.baselines import CURRENT_PLAN, baseline_compare
from schedules.models import Baseline, BaselineTask, EarnedValueState, Holiday
from shots.models import Task
from shots.workflow import TaskStatus
from studio.models import Person
from tests.concurrency import concurrently
from tests.shots.factories import ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.test_api import ApiWorld, build_api_world

pytestmark = pytest.mark.django_db

D = dt.date
PLANNERS = ["production_manager", "producer", "admin"]
NOT_PLANNERS = ["artist", "supervisor", "coordinator", "client"]


@pytest.fixture
def world() -> ApiWorld:
    world = build_api_world()
    Holiday.objects.create(show=world.show, date=D(2026, 3, 9), name="Studio day")
    Task.objects.filter(pk=world.task.pk).update(
        bid_days=Decimal("2.50"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 6)
    )
    Task.objects.filter(pk=world.artist_2_task.pk).update(
        bid_days=Decimal("2.00"), start_date=D(2026, 3, 2), due_date=D(2026, 3, 11)
    )
    Task.objects.filter(pk=world.lighting_task.pk).update(bid_days=Decimal("4.00"))
    return world


def freeze(world, name="Award plan", who="production_manager", **kwargs) -> Baseline:
    return baselines.baseline_freeze(actor=world.people[who], show=world.show, name=name, **kwargs)


def replan(world) -> Task:
    Task.objects.filter(pk=world.task.pk).update(bid_days=Decimal("3.00"), due_date=D(2026, 3, 10))
    Task.objects.filter(pk=world.artist_2_task.pk).update(due_date=D(2026, 3, 5))
    Task.objects.filter(pk=world.lighting_task.pk).update(status=TaskStatus.OMITTED)
    return TaskFactory(
        shot=world.shot_2,
        task_type=world.lighting_type,
        bid_days=Decimal("1.50"),
        start_date=D(2026, 3, 16),
        due_date=D(2026, 3, 20),
    )


def rows_of(baseline: Baseline) -> list[tuple]:
    return sorted(
        BaselineTask.objects.filter(baseline=baseline).values_list("task_id", "bid_days", "start_date", "due_date")
    )


# --- Freezing ---------------------------------------------------------------------------------------------------


def test_freeze_copies_every_non_omitted_task_of_the_show_and_activates(world):
    TaskFactory(shot=world.shot_2, task_type=TaskTypeFactory(name="FX"), status=TaskStatus.OMITTED)
    baseline = freeze(world)
    assert (baseline.name, baseline.is_active, baseline.created_by) == (
        "Award plan",
        True,
        world.people["production_manager"],
    )
    assert rows_of(baseline) == sorted(
        [
            (world.task.pk, Decimal("2.50"), D(2026, 3, 2), D(2026, 3, 6)),
            (world.artist_2_task.pk, Decimal("2.00"), D(2026, 3, 2), D(2026, 3, 11)),
            (world.lighting_task.pk, Decimal("4.00"), None, None),
        ]
    )  # not the omitted FX task, nor the other show's task


def test_freeze_is_one_insert_whatever_the_number_of_tasks(world):
    for _ in range(12):
        TaskFactory(shot=ShotFactory(sequence=world.sequence), task_type=world.animation_type)
    with CaptureQueriesContext(connection) as queries:
        baseline = freeze(world)
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"] and "baselinetask" in q["sql"]]
    assert len(inserts) == 1 and "SELECT" in inserts[0]
    assert BaselineTask.objects.filter(baseline=baseline).count() == 15


def test_activating_steps_the_previous_one_down_and_marks_earned_value_stale(world):
    award = freeze(world)
    generation = EarnedValueState.objects.get(show=world.show).generation
    replan_baseline = freeze(world, "Re-plan", activate=False)
    assert EarnedValueState.objects.get(show=world.show).generation == generation  # nothing active changed
    assert Baseline.objects.get(pk=award.pk).is_active and not replan_baseline.is_active

    baselines.baseline_activate(actor=world.people["producer"], baseline=replan_baseline)
    assert dict(Baseline.objects.filter(show=world.show).values_list("name", "is_active")) == {
        "Award plan": False,
        "Re-plan": True,
    }
    state = EarnedValueState.objects.get(show=world.show)
    assert (state.is_stale, state.generation) == (True, generation + 1)

    baselines.baseline_activate(actor=world.people["producer"], baseline=replan_baseline)  # already active: no-op
    assert EarnedValueState.objects.get(show=world.show).generation == generation + 1
    baselines.baseline_deactivate(actor=world.people["producer"], baseline=replan_baseline)
    assert not Baseline.objects.filter(show=world.show, is_active=True).exists()
    assert EarnedValueState.objects.get(show=world.show).generation == generation + 2


def test_freezing_an_active_baseline_marks_earned_value_stale(world):
    assert not EarnedValueState.objects.filter(show=world.show, is_stale=True).exists()
    freeze(world)
    assert EarnedValueState.objects.get(show=world.show).is_stale


@pytest.mark.parametrize("name", ["Award plan", "award PLAN", "  Award plan  "])
def test_a_name_is_unique_per_show_and_the_message_names_it(world, name):
    freeze(world)
    with pytest.raises(ValidationError) as error:
        freeze(world, name)
    assert error.value.message_dict == {"name": ["RBT already has a baseline named “Award plan”: choose another name."]}
    assert Baseline.objects.filter(show=world.show).count() == 1


def test_another_show_may_use_the_same_name(world):
    freeze(world)
    other = baselines.baseline_freeze(actor=world.people["admin"], show=world.other_show, name="Award plan")
    assert rows_of(other) == [(world.other_task.pk, Decimal("2.5"), None, None)]


@pytest.mark.parametrize(("name", "message"), [("", "Give the baseline a name"), ("x" * 121, "at most 120")])
def test_a_bad_name_is_refused_naming_the_field(world, name, message):
    with pytest.raises(ValidationError) as error:
        freeze(world, name)
    assert list(error.value.message_dict) == ["name"] and message in error.value.message_dict["name"][0]
    assert not Baseline.objects.exists() and not BaselineTask.objects.exists()


def test_rename(world):
    award = freeze(world)
    freeze(world, "Re-plan", activate=False)
    renamed = baselines.baseline_rename(actor=world.people["producer"], baseline=award, name="Award plan v2")
    assert Baseline.objects.get(pk=award.pk).name == renamed.name == "Award plan v2"
    baselines.baseline_rename(actor=world.people["producer"], baseline=award, name="award plan V2")  # its own name
    with pytest.raises(ValidationError) as error:
        baselines.baseline_rename(actor=world.people["producer"], baseline=award, name="Re-plan")
    assert list(error.value.message_dict) == ["name"]


def test_the_active_baseline_cannot_be_deleted_an_inactive_one_can(world):
    award = freeze(world)
    replan_baseline = freeze(world, "Re-plan", activate=False)
    with pytest.raises(ValidationError) as error:
        baselines.baseline_delete(actor=world.people["producer"], baseline=award)
    assert "“Award plan” is the active baseline" in error.value.message_dict["baseline"][0]
    baselines.baseline_delete(actor=world.people["producer"], baseline=replan_baseline)
    assert list(Baseline.objects.values_list("name", flat=True)) == ["Award plan"]
    assert not BaselineTask.objects.filter(baseline_id=replan_baseline.pk).exists()
    baselines.baseline_delete(actor=world.people["producer"], baseline=replan_baseline)  # twice: no error


@pytest.mark.parametrize("role", PLANNERS)
def test_planners_freeze_activate_rename_and_delete(world, role):
    baseline = freeze(world, who=role, activate=False)
    baselines.baseline_activate(actor=world.people[role], baseline=baseline)
    baselines.baseline_deactivate(actor=world.people[role], baseline=baseline)
    baselines.baseline_rename(actor=world.people[role], baseline=baseline, name="New name")
    baselines.baseline_delete(actor=world.people[role], baseline=baseline)
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("role", NOT_PLANNERS)
def test_other_roles_change_nothing(world, role):
    with pytest.raises(PermissionDenied):
        freeze(world, who=role)
    baseline = freeze(world, activate=False)
    person = world.people[role]
    for action in (baselines.baseline_activate, baselines.baseline_deactivate, baselines.baseline_delete):
        with pytest.raises(PermissionDenied):
            action(actor=person, baseline=baseline)
    with pytest.raises(PermissionDenied):
        baselines.baseline_rename(actor=person, baseline=baseline, name="Mine")
    assert list(Baseline.objects.values_list("name", "is_active")) == [("Award plan", False)]


def test_a_planner_of_another_show_changes_nothing_here(world):
    baseline = freeze(world)
    outsider = Person.objects.get(username="outsider")
    with pytest.raises(PermissionDenied):
        baselines.baseline_freeze(actor=outsider, show=world.show, name="Mine")
    with pytest.raises(PermissionDenied):
        baselines.baseline_deactivate(actor=outsider, baseline=baseline)


# --- At the same time as earned value (each race forced: tests.concurrency) ------------------------------------


def activating(world, baseline):
    """A planner's activation that pauses once it holds the show's row, before it marks earned value stale, until
    the test's own write waits for it; then it goes on and commits."""

    def activate(wait_for_the_test):
        mark = baselines.ev_mark_stale

        def mark_once_the_test_waits(*, show_id):
            wait_for_the_test()
            mark(show_id=show_id)

        with mock.patch.object(baselines, "ev_mark_stale", mark_once_the_test_waits):
            baselines.baseline_activate(actor=world.people["producer"], baseline=baseline)

    return activate


@pytest.mark.django_db(transaction=True)
def test_a_recompute_during_an_activation_waits_for_it_instead_of_deadlocking(world):
    """The recompute (Celery, on the commit of an earlier edit) took the earned-value state row, then needed the
    show's row for its snapshots while the activation held the show's row and waited for the state row."""
    baseline = freeze(world, activate=False)
    services.ev_mark_stale(show_id=world.show.pk)
    with concurrently(activating(world, baseline)) as race:
        services.ev_recompute(show_id=world.show.pk)
    assert race.waited
    assert list(Baseline.objects.filter(is_active=True).values_list("pk", flat=True)) == [baseline.pk]
    state = EarnedValueState.objects.get(show=world.show)
    assert (state.generation, state.is_stale) == (2, False)  # the figures include the activation


@pytest.mark.django_db(transaction=True)
def test_a_shows_first_edit_during_an_activation_waits_for_it_instead_of_deadlocking(world):
    """The show's first mark inserts its state row, and that INSERT needs the show's row: it used to take the state
    row first, while the activation held the show's row and waited for the state row."""
    baseline = freeze(world, activate=False)
    assert not EarnedValueState.objects.filter(show=world.show).exists()
    with concurrently(activating(world, baseline)) as race:
        services.ev_mark_stale(show_id=world.show.pk)  # what a time log or a task's new status does
    assert race.waited
    assert list(Baseline.objects.filter(is_active=True).values_list("pk", flat=True)) == [baseline.pk]
    assert EarnedValueState.objects.get(show=world.show).generation == 2


def test_marking_a_show_that_is_gone_does_nothing(world):
    services.ev_mark_stale(show_id=987654)
    assert not EarnedValueState.objects.filter(show_id=987654).exists()


# --- Comparing --------------------------------------------------------------------------------------------------


def by_task(comparison) -> dict[int, tuple]:
    return {
        row.task_id: (row.only_in, row.bid_change, row.start_slip, row.due_slip, row.slipped, row.pulled_in)
        for row in comparison.rows
    }


def summary(s) -> dict:
    return {
        "tasks": (s.tasks_a, s.tasks_b),
        "bid_days": (s.bid_days_a, s.bid_days_b),
        "net_change": s.net_change,
        "slipped": s.slipped,
        "pulled_in": s.pulled_in,
        "max_slip": s.max_slip,
        "only": (s.only_in_a, s.only_in_b),
        "changed": s.changed,
    }


SHOW_SUMMARY = {
    "tasks": (3, 3),
    "bid_days": (Decimal("8.50"), Decimal("6.50")),
    "net_change": Decimal("-2.00"),
    "slipped": 1,
    "pulled_in": 1,
    "max_slip": 1,
    "only": (1, 1),
    "changed": 2,
}


def expected_rows(world, new_task):
    return {
        world.task.pk: (None, Decimal("0.50"), 0, 1, True, False),
        world.artist_2_task.pk: (None, Decimal("0.00"), 0, -3, False, True),
        world.lighting_task.pk: ("a", None, None, None, False, False),
        new_task.pk: ("b", None, None, None, False, False),
    }


BOTH_PATHS = pytest.mark.parametrize("in_python", [False, True], ids=["sql", "python"])


@BOTH_PATHS
def test_compare_a_baseline_with_the_current_plan(world, in_python):
    award = freeze(world)
    new_task = replan(world)
    comparison = baseline_compare(
        world.show, award, CURRENT_PLAN, department_order=[world.lighting.pk], in_python=in_python
    )
    assert by_task(comparison) == expected_rows(world, new_task)
    # Breakdown order: SQ010_SH0010's Animation and Lighting, then SQ010_SH0020's.
    assert [row.task_id for row in comparison.rows] == [
        world.task.pk,
        world.lighting_task.pk,
        world.artist_2_task.pk,
        new_task.pk,
    ]
    assert summary(comparison.show) == SHOW_SUMMARY
    assert [(s.key, summary(s)) for s in comparison.departments] == [
        (
            world.lighting.pk,
            {
                "tasks": (1, 1),
                "bid_days": (Decimal("4.00"), Decimal("1.50")),
                "net_change": Decimal("-2.50"),
                "slipped": 0,
                "pulled_in": 0,
                "max_slip": 0,
                "only": (1, 1),
                "changed": 0,
            },
        ),
        (
            world.animation.pk,
            {
                "tasks": (2, 2),
                "bid_days": (Decimal("4.50"), Decimal("5.00")),
                "net_change": Decimal("0.50"),
                "slipped": 1,
                "pulled_in": 1,
                "max_slip": 1,
                "only": (0, 0),
                "changed": 2,
            },
        ),
    ]
    assert comparison.matching == 4
    slipped = baseline_compare(world.show, award, CURRENT_PLAN, slipped_only=True, in_python=in_python)
    assert ([row.task_id for row in slipped.differing()], slipped.matching) == ([world.task.pk], 1)
    lighting = baseline_compare(world.show, award, CURRENT_PLAN, department_id=world.lighting.pk, in_python=in_python)
    assert [row.task_id for row in lighting.differing()] == [world.lighting_task.pk, new_task.pk]
    assert summary(lighting.show) == SHOW_SUMMARY  # the filters choose rows, never the summaries
    by_sequence = baseline_compare(world.show, award, CURRENT_PLAN, sequence_id=world.sequence.pk, in_python=in_python)
    assert by_sequence.matching == 4
    # Pages: in breakdown order, or by task id after a cursor.
    assert [row.task_id for row in comparison.page(offset=1, limit=2)] == [
        world.lighting_task.pk,
        world.artist_2_task.pk,
    ]
    ids = sorted([world.task.pk, world.lighting_task.pk, world.artist_2_task.pk, new_task.pk])
    assert [row.task_id for row in comparison.page(order="task", after_task_id=ids[1], limit=5)] == ids[2:]


@BOTH_PATHS
def test_two_baselines_compare_like_a_baseline_and_the_plan_it_froze(world, in_python):
    award = freeze(world)
    new_task = replan(world)
    replanned = freeze(world, "Re-plan")
    comparison = baseline_compare(world.show, award, replanned, in_python=in_python)
    assert by_task(comparison) == expected_rows(world, new_task)
    assert summary(comparison.show) == SHOW_SUMMARY
    # The other way round, every delta changes sign.
    reverse_rows = by_task(baseline_compare(world.show, replanned, award, in_python=in_python))
    assert reverse_rows[world.task.pk] == (None, Decimal("-0.50"), 0, -1, False, True)
    assert reverse_rows[world.artist_2_task.pk] == (None, Decimal("0.00"), 0, 3, True, False)
    assert reverse_rows[new_task.pk][0] == "a"


@BOTH_PATHS
def test_a_slip_over_a_weekend_and_a_holiday(world, in_python):
    award = freeze(world)
    # Due Fri 6 March -> Mon 9 (the holiday): no working day added; -> Sat 7: none either; -> Fri 13: 4.
    for due, slip in ((D(2026, 3, 9), 0), (D(2026, 3, 7), 0), (D(2026, 3, 13), 4)):
        Task.objects.filter(pk=world.task.pk).update(due_date=due)
        comparison = baseline_compare(world.show, award, CURRENT_PLAN, in_python=in_python)
        row = next(r for r in comparison.rows if r.task_id == world.task.pk)
        assert row.due_slip == slip, due


@BOTH_PATHS
def test_comparing_a_plan_with_itself_finds_nothing(world, in_python):
    award = freeze(world)
    comparison = baseline_compare(world.show, award, CURRENT_PLAN, in_python=in_python)
    assert (comparison.differing(), comparison.matching) == ([], 0)
    assert summary(comparison.show)["changed"] == 0


@BOTH_PATHS
def test_a_show_without_tasks_compares_to_zeros(world, in_python):
    Task.objects.filter(shot__show=world.show).update(status=TaskStatus.OMITTED)
    comparison = baseline_compare(world.show, CURRENT_PLAN, CURRENT_PLAN, in_python=in_python)
    assert (comparison.rows, comparison.departments, summary(comparison.show)["tasks"]) == ([], [], (0, 0))


# --- Pages ------------------------------------------------------------------------------------------------------


def page_client(client, world, role):
    client.force_login(world.people[role])
    return client


def list_url(code="RBT"):
    return reverse("schedules:baseline_list", args=[code])


@pytest.mark.parametrize(
    ("role", "status", "can_plan"),
    [
        ("artist", 200, False),
        ("supervisor", 200, False),
        ("coordinator", 200, False),
        ("production_manager", 200, True),
        ("producer", 200, True),
        ("admin", 200, True),
        ("client", 404, None),
    ],
)
def test_the_list_page_per_role(client, world, role, status, can_plan):
    freeze(world)
    response = page_client(client, world, role).get(list_url())
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert response.context["can_plan"] is can_plan
        assert ("Freeze the current plan as…" in body) is can_plan
        assert ('id="freeze-form"' in body) is can_plan
        assert "Award plan" in body and '<span class="chip baseline-active">Active</span>' in body
        row = response.context["baselines"][0]
        assert (row.task_count, row.total_bid_days) == (3, Decimal("8.50"))
        assert " style=" not in body and "<script>" not in body


def test_another_shows_pages_are_a_404(client, world):
    award = freeze(world)
    client.force_login(Person.objects.get(username="outsider"))  # a producer of OTH only
    http = client
    assert http.get(list_url()).status_code == 404
    assert http.get(reverse("schedules:baseline_detail", args=["RBT", award.pk])).status_code == 404
    assert http.get(reverse("schedules:baseline_detail", args=["OTH", award.pk])).status_code == 404
    assert http.post(reverse("schedules:baseline_activate", args=["OTH", award.pk])).status_code == 404


def test_freeze_from_the_page(client, world):
    http = page_client(client, world, "production_manager")
    response = http.post(list_url(), {"name": "Award plan", "activate": "on"})
    assert (response.status_code, response["Location"]) == (302, list_url())
    assert list(Baseline.objects.values_list("name", "is_active")) == [("Award plan", True)]
    response = http.post(list_url(), {"name": "award plan"})
    assert response.status_code == 400
    assert "RBT already has a baseline named “Award plan”: choose another name." in response.content.decode()
    response = http.post(list_url(), {"name": "Re-plan"})  # the box unticked: not active
    assert dict(Baseline.objects.values_list("name", "is_active")) == {"Award plan": True, "Re-plan": False}


def test_only_planners_post(client, world):
    baseline = freeze(world, activate=False)
    http = page_client(client, world, "coordinator")
    assert http.post(list_url(), {"name": "Mine"}).status_code == 403
    for name in ("baseline_activate", "baseline_deactivate", "baseline_delete", "baseline_rename"):
        assert http.post(reverse(f"schedules:{name}", args=["RBT", baseline.pk]), {"name": "X"}).status_code == 403
    assert list(Baseline.objects.values_list("name", "is_active")) == [("Award plan", False)]


def test_actions_from_the_page(client, world):
    award = freeze(world)
    replanned = freeze(world, "Re-plan", activate=False)
    http = page_client(client, world, "producer")
    response = http.post(reverse("schedules:baseline_activate", args=["RBT", replanned.pk]))
    assert response.status_code == 302
    assert Baseline.objects.get(is_active=True) == replanned
    response = http.post(reverse("schedules:baseline_rename", args=["RBT", award.pk]), {"name": "Re-plan"})
    assert response.status_code == 400
    assert "RBT already has a baseline named “Re-plan”" in response.content.decode()
    response = http.post(reverse("schedules:baseline_rename", args=["RBT", award.pk]), {"name": "Award v1"})
    assert response.status_code == 302 and Baseline.objects.get(pk=award.pk).name == "Award v1"
    response = http.post(reverse("schedules:baseline_delete", args=["RBT", replanned.pk]))
    assert response.status_code == 400
    assert "“Re-plan” is the active baseline" in response.content.decode()
    response = http.post(reverse("schedules:baseline_deactivate", args=["RBT", replanned.pk]))
    response = http.post(reverse("schedules:baseline_delete", args=["RBT", replanned.pk]))
    assert response.status_code == 302
    assert list(Baseline.objects.values_list("name", flat=True)) == ["Award v1"]


def test_the_detail_page_pages_and_filters(client, world, monkeypatch):
    monkeypatch.setattr("schedules.views.baselines.PAGE_SIZE", 2)
    award = freeze(world)
    url = reverse("schedules:baseline_detail", args=["RBT", award.pk])
    http = page_client(client, world, "artist")
    response = http.get(url)
    assert response.status_code == 200
    assert [row.task_id for row in response.context["page"].object_list] == [world.task.pk, world.lighting_task.pk]
    assert response.context["totals"] == {"task_count": 3, "total_bid_days": Decimal("8.50")}
    assert 'href="?page=2"' in response.content.decode()
    response = http.get(url, {"page": 2})
    assert [row.task_id for row in response.context["page"].object_list] == [world.artist_2_task.pk]
    response = http.get(url, {"department": world.lighting.pk})
    assert [row.task_id for row in response.context["page"].object_list] == [world.lighting_task.pk]
    response = http.get(url, {"department": "abc", "page": "x"})
    assert response.status_code == 400


def test_the_compare_page(client, world):
    award = freeze(world)
    new_task = replan(world)
    http = page_client(client, world, "supervisor")
    url = reverse("schedules:baseline_compare", args=["RBT"])
    response = http.get(url)  # defaults: the active baseline against the current plan
    assert response.status_code == 200
    assert (response.context["a_label"], response.context["b_label"]) == ("Award plan", "Current plan")
    assert summary(response.context["comparison"].show) == SHOW_SUMMARY
    assert [row.task_id for _, _, row in response.context["page_rows"]] == [
        world.task.pk,
        world.lighting_task.pk,
        world.artist_2_task.pk,
        new_task.pk,
    ]
    body = response.content.decode()
    assert '<td class="num">-2.00</td>' in body and '<td class="num">+1</td>' in body
    response = http.get(url, {"a": award.pk, "b": "current", "slipped": "on"})
    assert [row.task_id for _, _, row in response.context["page_rows"]] == [world.task.pk]
    response = http.get(url, {"a": "999999", "b": "nope"})
    assert response.status_code == 400
    assert "Plan A: Select a valid choice." in response.content.decode()


def test_the_compare_page_without_any_baseline(client, world):
    response = page_client(client, world, "artist").get(reverse("schedules:baseline_compare", args=["RBT"]))
    assert response.status_code == 200
    assert response.context["differing_count"] == 0


def test_an_htmx_filter_gets_the_results_only(client, world):
    award = freeze(world)
    http = page_client(client, world, "artist")
    response = http.get(reverse("schedules:baseline_compare", args=["RBT"]), headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="compare-results">')
    response = http.get(reverse("schedules:baseline_detail", args=["RBT", award.pk]), headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="baseline-rows">')


def grow(world, n: int) -> None:
    for _ in range(n):
        shot = ShotFactory(sequence=world.sequence)
        TaskFactory(shot=shot, task_type=world.animation_type, start_date=D(2026, 3, 2), due_date=D(2026, 3, 20))


def count_queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "detail", "compare"])
def test_query_counts_do_not_grow_with_the_show(client, world, page):
    http = page_client(client, world, "producer")
    counts = []
    for n in (2, 12):
        grow(world, n)
        award = freeze(world, f"Plan {n}")
        Task.objects.filter(shot__show=world.show).update(due_date=D(2026, 3, 27))  # every task slips
        url = {
            "list": list_url(),
            "detail": reverse("schedules:baseline_detail", args=["RBT", award.pk]),
            "compare": reverse("schedules:baseline_compare", args=["RBT"]) + f"?a={award.pk}&b=current",
        }[page]
        counts.append(count_queries(http, url))
    assert counts[0] == counts[1]


# --- Demo data --------------------------------------------------------------------------------------------------


def test_the_demo_replan_differs_from_the_award_plan(world):
    award = freeze(world)
    replanned = baselines.seed_baseline_demo(world.show, world.people, D(2026, 3, 2))
    assert (replanned.name, replanned.is_active, replanned.created_by) == (
        "Re-plan after client screening",
        False,
        world.people["producer"],
    )
    # Lighting bids up 20%; the last sequence's dues five working days later (Mon 9 March is a holiday).
    assert rows_of(replanned) == sorted(
        [
            (world.task.pk, Decimal("2.50"), D(2026, 3, 2), D(2026, 3, 16)),
            (world.artist_2_task.pk, Decimal("2.00"), D(2026, 3, 2), D(2026, 3, 18)),
            (world.lighting_task.pk, Decimal("4.80"), None, None),
        ]
    )
    comparison = baseline_compare(world.show, award, replanned)
    assert (comparison.show.slipped, comparison.show.max_slip, comparison.show.net_change) == (2, 5, Decimal("0.80"))
    assert baselines.seed_baseline_demo(world.show, world.people, D(2026, 3, 2)) is None  # once only
    assert Baseline.objects.filter(show=world.show).count() == 2
