import datetime as dt
from decimal import Decimal

import factory

from budgets.models import Budget, BudgetLine, Expense, PersonRate, RateCard
from studio.models import Role, Seniority
from tests.studio.factories import DepartmentFactory, PersonFactory, ShowFactory


class RateCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RateCard

    role = Role.ARTIST
    seniority = Seniority.MID
    day_rate = Decimal("450.00")
    effective_from = dt.date(2026, 1, 1)


class PersonRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonRate

    person = factory.SubFactory(PersonFactory)
    day_rate = Decimal("520.00")
    effective_from = dt.date(2026, 1, 1)


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    show = factory.SubFactory(ShowFactory)
    revision = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda b: f"bid v{b.revision}")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    budget = factory.SubFactory(BudgetFactory)
    department = factory.SubFactory(DepartmentFactory)
    days = Decimal("120.00")
    amount = Decimal("54000.00")


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    show = factory.SubFactory(ShowFactory)
    department = factory.SubFactory(DepartmentFactory)
    supplier = "Render farm Ltd"
    amount = Decimal("1200.00")
    date = dt.date(2026, 3, 2)
