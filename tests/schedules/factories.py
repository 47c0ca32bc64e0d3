import datetime as dt
from decimal import Decimal

import factory

from schedules.models import Baseline, Milestone, TimeLog
from tests.shots.factories import TaskFactory
from tests.studio.factories import PersonFactory, ShowFactory


class TimeLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeLog

    person = factory.SubFactory(PersonFactory)
    task = factory.SubFactory(TaskFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 5) + dt.timedelta(days=n))
    hours = Decimal("7.5")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    show = factory.SubFactory(ShowFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    date = dt.date(2026, 12, 18)


class BaselineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baseline

    show = factory.SubFactory(ShowFactory)
    name = factory.Sequence(lambda n: f"Baseline {n}")
