import datetime as dt

import factory

from dailies.models import Note, NoteRecipient, ReviewItem, ReviewSession, Version
from tests.shots.factories import TaskFactory
from tests.studio.factories import PersonFactory


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Version

    task = factory.SubFactory(TaskFactory)
    number = factory.Sequence(lambda n: n + 1)
    author = factory.SubFactory(PersonFactory)
    studio_path = factory.LazyAttribute(lambda v: f"/mnt/shows/{v.task.shot.code}/v{v.number:03d}.mov")


class ReviewSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewSession

    show = factory.SubFactory("tests.studio.factories.ShowFactory")
    name = factory.Sequence(lambda n: f"Dailies {n:03d}")
    date = dt.date(2026, 11, 20)


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    session = factory.SubFactory(ReviewSessionFactory)
    version = factory.SubFactory(VersionFactory)
    order = factory.Sequence(lambda n: n)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    version = factory.SubFactory(VersionFactory)
    author = factory.SubFactory(PersonFactory)
    body = factory.Faker("sentence")


class NoteRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteRecipient

    note = factory.SubFactory(NoteFactory)
    person = factory.SubFactory(PersonFactory)
