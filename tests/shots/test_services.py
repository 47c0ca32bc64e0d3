from decimal import Decimal

import pytest

from shots import services
from shots.models import Activity, Task, TaskTemplateItem
from studio.models import Role
from tests.shots.factories import SequenceFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return PersonFactory(role=Role.COORDINATOR, username="coord")


def test_shot_create_adds_the_shows_task_template_with_default_bids(coordinator):
    sequence = SequenceFactory(code="SQ010")
    MembershipFactory(person=coordinator, show=sequence.show)
    animation = TaskTypeFactory(name="Animation", order=2)
    layout = TaskTypeFactory(name="Layout", order=1)
    TaskTemplateItem.objects.create(show=sequence.show, task_type=animation, default_bid_days=Decimal("4.5"))
    TaskTemplateItem.objects.create(show=sequence.show, task_type=layout, default_bid_days=Decimal("1"))

    shot = services.shot_create(actor=coordinator, sequence=sequence, code="SQ010_SH0010", frame_count=48)

    tasks = Task.objects.filter(shot=shot).order_by("task_type__order")
    assert [(t.task_type.name, t.bid_days, t.status) for t in tasks] == [
        ("Layout", Decimal("1.00"), "waiting"),
        ("Animation", Decimal("4.50"), "waiting"),
    ]
    assert (shot.cut_in, shot.cut_out, shot.head_in, shot.tail_out) == (1009, 1056, 1001, 1064)
    assert list(Activity.objects.filter(shot=shot).values_list("verb", "actor__username")) == [("created", "coord")]


def test_shot_create_without_template_adds_no_tasks(coordinator):
    sequence = SequenceFactory()
    MembershipFactory(person=coordinator, show=sequence.show)
    TaskTemplateItem.objects.create(show=sequence.show, task_type=TaskTypeFactory())
    shot = services.shot_create(
        actor=coordinator, sequence=sequence, code="SQ010_SH0020", frame_count=10, with_template=False
    )
    assert shot.tasks.count() == 0


def test_task_update_records_what_changed_as_people_read_it(coordinator):
    artist = PersonFactory(username="ada")
    task = TaskFactory(status="wip", bid_days=Decimal("2.5"))
    MembershipFactory(person=coordinator, show=task.shot.show)

    services.task_update(
        actor=coordinator, task=task, row_version=1, status="pending_review", bid_days=Decimal("3"), assignees=[artist]
    )
    services.task_update(actor=coordinator, task=task, row_version=2, status="pending_review")  # no change

    rows = list(Activity.objects.filter(task=task).values_list("verb", "actor__username", "changes"))
    assert rows == [
        (
            "changed",
            "coord",
            {"status": ["WIP", "Pending review"], "bid_days": ["2.50", "3"], "assignees": ["", "ada"]},
        )
    ]


def test_shot_update_records_frame_range_changes_and_keeps_handles(coordinator):
    sequence = SequenceFactory()
    MembershipFactory(person=coordinator, show=sequence.show)
    shot = services.shot_create(actor=coordinator, sequence=sequence, code="SQ010_SH0030", frame_count=48)

    services.shot_update(actor=coordinator, shot=shot, cut_out=1060)

    shot.refresh_from_db()
    assert (shot.cut_out, shot.tail_out) == (1060, 1068)
    change = Activity.objects.filter(shot=shot, verb="changed").get()
    assert change.changes == {"cut_out": ["1056", "1060"], "tail_out": ["1064", "1068"]}
