from decimal import Decimal

import factory

from shots.models import Sequence, Shot, Task, TaskType
from shots.workflow import TaskStatus
from tests.studio.factories import DepartmentFactory, ShowFactory


class SequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sequence

    show = factory.SubFactory(ShowFactory)
    code = factory.Sequence(lambda n: f"SQ{n:03d}0")


class ShotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shot

    sequence = factory.SubFactory(SequenceFactory)
    show = factory.SelfAttribute("sequence.show")
    code = factory.Sequence(lambda n: f"SH{n:04d}")
    cut_in = 1009
    cut_out = factory.LazyAttribute(lambda s: s.cut_in + 47)
    head_in = factory.LazyAttribute(lambda s: s.cut_in - 8)
    tail_out = factory.LazyAttribute(lambda s: s.cut_out + 8)


class TaskTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Step {n:03d}")
    department = factory.SubFactory(DepartmentFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    shot = factory.SubFactory(ShotFactory)
    task_type = factory.SubFactory(TaskTypeFactory)
    status = TaskStatus.WIP
    bid_days = Decimal("2.5")

    @factory.post_generation
    def assignees(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.assignees.set(extracted)
