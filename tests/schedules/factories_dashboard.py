"""Factories for the schedule dashboard's tests: holidays, days off, part time and earned-value snapshots."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from schedules.models import DayOff, EarnedValueSnapshot, Holiday, PartTime
from tests.studio.factories import PersonFactory, ShowFactory


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    show = factory.SubFactory(ShowFactory)
    date = dt.date(2026, 12, 25)
    name = "Holiday"


class DayOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DayOff

    person = factory.SubFactory(PersonFactory)
    start_date = dt.date(2026, 12, 7)
    end_date = factory.SelfAttribute("start_date")


class PartTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartTime

    person = factory.SubFactory(PersonFactory)
    fraction = Decimal("0.5")
    effective_from = dt.date(2026, 1, 1)
    effective_to = None


class SnapshotFactory(factory.django.DjangoModelFactory):
    """A day's earned-value figures of a show (department None) or a department; SV follows EV and PV."""

    class Meta:
        model = EarnedValueSnapshot

    show = factory.SubFactory(ShowFactory)
    department = None
    date = dt.date(2026, 12, 7)
    bid_days = Decimal("10")
    pv = Decimal("4")
    ev = Decimal("3")
    ac_days = Decimal("2")
    sv = factory.LazyAttribute(lambda s: s.ev - s.pv)
    spi = factory.LazyAttribute(lambda s: (s.ev / s.pv).quantize(Decimal("1e-10")) if s.pv else None)
    computed_at = factory.LazyFunction(timezone.now)
