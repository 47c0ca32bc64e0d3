import datetime as dt
from decimal import Decimal

import factory

from studio.models import Department, Person, Role, Show, ShowMembership

DEMO_PASSWORD = "slate-test-pass"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n:03d}")
    code = factory.Sequence(lambda n: f"D{n:03d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n:04d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda p: f"{p.username}@example.com")
    role = Role.ARTIST
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ShowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Show

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"Show {n:03d}")
    fps = Decimal("24")
    currency = "EUR"
    start_date = dt.date(2026, 1, 5)
    end_date = dt.date(2027, 6, 30)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowMembership

    person = factory.SubFactory(PersonFactory)
    show = factory.SubFactory(ShowFactory)
    role = ""
