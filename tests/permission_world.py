"""A small studio in which every rule of studio.permissions has something to bite on.

Two shows, "own" (OWN) and "other" (OTH), built the same way, with one object of every governed model in
each; one person per role on OWN, a few people on OTH only, a person whose membership overrides their
studio role on OTH, and an inactive person. Every text a page could print (shot codes, note bodies, session
names, people's names...) is unique in the world, so a test can look for it in a response: `leak_markers`
pairs each such object with its text.

Use the module-scoped fixture (built once per test module, rolled back at the end of the module) by naming it
in the test module:

    from tests import permission_world

    world = permission_world.world
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import factory
import pytest
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from budgets.models import ProductionSnapshot
from dailies.models import Digest, NoteAttachment, NoteCategory, RecipientKind, SessionKind
from schedules.feeds import feed_token_digest
from schedules.models import (
    BaselineTask,
    CalendarFeed,
    CalendarFeedKind,
    DayOff,
    DayOffKind,
    Holiday,
    PartTime,
    StatusWeight,
    TimesheetLock,
)
from schedules.services import ev_recompute
from shots.models import Activity, ActivityVerb, CutImportJob, CutImportKind, CutImportState, Episode, TaskTemplateItem
from shots.workflow import TaskStatus
from studio.models import Department, Person, Role, Show, ShowMembership, ShowSummary
from studio.services import show_summary_refresh
from tests.budgets.factories import BudgetFactory, BudgetLineFactory, ExpenseFactory, PersonRateFactory, RateCardFactory
from tests.dailies.factories import (
    NoteFactory,
    NoteRecipientFactory,
    ReviewItemFactory,
    ReviewSessionFactory,
    VersionFactory,
)
from tests.schedules.factories import BaselineFactory, MilestoneFactory, TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

# --- Factories the app factory modules do not have yet --------------------------------------------------


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    show = factory.SubFactory(ShowFactory)
    code = factory.Sequence(lambda n: f"EP{n:02d}")


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    show = factory.SubFactory(ShowFactory)
    date = dt.date(2026, 12, 25)
    name = "Holiday"


class StatusWeightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusWeight

    show = factory.SubFactory(ShowFactory)
    status = TaskStatus.WIP
    weight = Decimal("0.300")


class BaselineTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaselineTask

    baseline = factory.SubFactory(BaselineFactory)
    task = factory.SubFactory(TaskFactory)
    bid_days = Decimal("3.00")
    start_date = dt.date(2026, 2, 2)
    due_date = dt.date(2026, 2, 6)


class NoteAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteAttachment

    note = factory.SubFactory(NoteFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"\x89PNG sketch", name="sketch.png"))


# --- The world ----------------------------------------------------------------------------------------


@dataclass
class ShowWorld:
    """Everything on one show. Attribute names say whose the object is in the OWN show's cast."""

    show: Show
    memberships: list[ShowMembership]
    summary: ShowSummary
    episode: Episode
    sequence: models.Model
    shot: models.Model  # carries the artist's Animation task and the Lighting task
    shot2: models.Model  # carries artist2's Animation task
    task: models.Model  # Animation, assigned to the artist, pending review
    task2: models.Model  # Animation, assigned to artist2, WIP
    lighting_task: models.Model  # Lighting, assigned to the lighter
    version: models.Model  # by the artist on `task`; shown in every session kind but the unreleased one
    version2: models.Model  # by artist2 on `task2`; shown internally and in the unreleased client session
    internal_session: models.Model
    client_session: models.Model  # client, released
    unreleased_session: models.Model  # client, not released yet
    items: list[models.Model]
    internal_note: models.Model  # supervisor's internal note on `version`, To: artist
    client_note: models.Model  # published client note on `version` (in the released client session)
    held_note: models.Model  # client note on `version`, held back (is_published False), To: artist
    unreleased_client_note: models.Model  # published client note on `version2` (only in the unreleased session)
    addressed_note: models.Model  # supervisor note on artist2's version, To: artist2, CC: artist
    recipients: list[models.Model]
    internal_attachment: models.Model
    held_attachment: models.Model
    time_log: models.Model  # the artist's, on `task`
    time_log2: models.Model  # artist2's, on `task2`
    lighting_time_log: models.Model  # the lighter's, on `lighting_task`
    milestone: models.Model
    holiday: models.Model
    status_weight: models.Model
    baseline: models.Model
    baseline_task: models.Model
    budget: models.Model
    budget_line: models.Model
    expense: models.Model
    task_template_item: models.Model
    activity: models.Model
    cut_import: models.Model  # a cut the coordinator uploaded; its report is ready to apply
    day_off: models.Model  # the artist's (artist2's on OWN: artist is shared by neither show's rows)
    part_time: models.Model  # the artist2's (on OTH: the other artist's)
    timesheet_lock: models.Model  # a locked past week of the show
    milestone_feed: models.Model  # the producer's calendar feed of the show's milestones
    production_snapshot: models.Model  # the show's money figures of one day

    @property
    def shot_codes(self) -> list[str]:
        return [self.shot.code, self.shot2.code]


@dataclass
class World:
    own: ShowWorld
    other: ShowWorld
    animation: Department
    lighting: Department
    animation_type: models.Model
    lighting_type: models.Model
    rate_card: models.Model
    person_rate: models.Model  # the artist's personal day rate
    digest: models.Model  # the artist's note digest
    task_feed: models.Model  # the artist's calendar feed of their due tasks
    people: dict[str, Person] = field(default_factory=dict)

    def fresh(self, name: str) -> Person:
        """The person reloaded from the database: no cached access, no cached relations."""
        return Person.objects.get(pk=self.people[name].pk)

    def show(self, which: str) -> ShowWorld:
        return {"own": self.own, "other": self.other}[which]


# name -> (first name, last name, studio role, department)
CAST = {
    "artist": ("Ada", "Arden", Role.ARTIST, "Animation"),
    "artist2": ("Bea", "Brook", Role.ARTIST, "Animation"),
    "lighter": ("Lou", "Lumen", Role.ARTIST, "Lighting"),
    "supervisor": ("Sam", "Sutter", Role.SUPERVISOR, "Animation"),
    "lighting_supervisor": ("Lena", "Luxford", Role.SUPERVISOR, "Lighting"),
    "coordinator": ("Cora", "Cole", Role.COORDINATOR, None),
    "production_manager": ("Pia", "Planner", Role.PRODUCTION_MANAGER, None),
    "producer": ("Pete", "Pryce", Role.PRODUCER, None),
    "client": ("Cleo", "Clarke", Role.CLIENT, None),
    "admin": ("Adam", "Rooter", Role.ADMIN, None),
    "other_producer": ("Otto", "Oakes", Role.PRODUCER, None),
    "other_artist": ("Olga", "Orrin", Role.ARTIST, "Animation"),
    "other_client": ("Omar", "Ocean", Role.CLIENT, None),
    # Studio role artist; an artist on OWN, but producer on OTH through a membership override.
    "override": ("Vic", "Vale", Role.ARTIST, "Animation"),
    # A producer on OWN who has left: must see nothing.
    "inactive": ("Ina", "Idle", Role.PRODUCER, None),
}
OWN_MEMBERS = [
    "artist",
    "artist2",
    "lighter",
    "supervisor",
    "lighting_supervisor",
    "coordinator",
    "production_manager",
    "producer",
    "client",
    "override",
    "inactive",
]
OTHER_MEMBERS = ["other_producer", "other_artist", "other_client"]
HELD_NOTE_BODY = "{code} HELD client note: the director wants the tail trimmed"


def build_world() -> World:
    animation = DepartmentFactory(name="Animation", code="ANIM", order=4)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=6)
    departments = {"Animation": animation, "Lighting": lighting}
    animation_type = TaskTypeFactory(name="Animation", short_name="ANM", department=animation, order=4)
    lighting_type = TaskTypeFactory(name="Lighting", short_name="LGT", department=lighting, order=6)

    people = {}
    for name, (first, last, role, department) in CAST.items():
        people[name] = PersonFactory(
            username=name,
            first_name=first,
            last_name=last,
            email=f"{name}@studio.example",
            role=role,
            department=departments.get(department),
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            is_active=name != "inactive",
        )
    p = people

    own_show = ShowFactory(code="OWN", name="Own Show Picture")
    other_show = ShowFactory(code="OTH", name="Other Show Picture")
    own_memberships = [MembershipFactory(person=p[name], show=own_show) for name in OWN_MEMBERS]
    other_memberships = [MembershipFactory(person=p[name], show=other_show) for name in OTHER_MEMBERS]
    other_memberships.append(MembershipFactory(person=p["override"], show=other_show, role=Role.PRODUCER))

    own = _build_show(
        own_show,
        own_memberships,
        sequence_code="SQ010",
        shot_codes=("SQ010_SH0010", "SQ010_SH0020"),
        artist=p["artist"],
        artist2=p["artist2"],
        lighter=p["lighter"],
        supervisor=p["supervisor"],
        coordinator=p["coordinator"],
        animation_type=animation_type,
        lighting_type=lighting_type,
        animation=animation,
    )
    other = _build_show(
        other_show,
        other_memberships,
        sequence_code="SQ090",
        shot_codes=("SQ090_SH0910", "SQ090_SH0920"),
        artist=p["other_artist"],
        artist2=p["other_artist"],
        lighter=p["other_artist"],
        supervisor=p["other_producer"],
        coordinator=p["other_producer"],
        animation_type=animation_type,
        lighting_type=lighting_type,
        animation=animation,
    )
    rate_card = RateCardFactory(role=Role.ARTIST, day_rate=Decimal("450.00"))
    person_rate = PersonRateFactory(person=p["artist"], day_rate=Decimal("520.00"))
    digest = Digest.objects.create(person=p["artist"], subject="Notes for the artist", note_count=1)
    task_feed = CalendarFeed.objects.create(
        person=p["artist"], kind=CalendarFeedKind.MY_TASKS, token="artist-feed-token"
    )
    return World(
        own=own,
        other=other,
        animation=animation,
        lighting=lighting,
        animation_type=animation_type,
        lighting_type=lighting_type,
        rate_card=rate_card,
        person_rate=person_rate,
        digest=digest,
        task_feed=task_feed,
        people=people,
    )


def _build_show(
    show,
    memberships,
    *,
    sequence_code,
    shot_codes,
    artist,
    artist2,
    lighter,
    supervisor,
    coordinator,
    animation_type,
    lighting_type,
    animation,
) -> ShowWorld:
    code = show.code
    episode = EpisodeFactory(show=show, code=f"{code}EP01")
    sequence = SequenceFactory(show=show, episode=episode, code=sequence_code, name=f"{code} opening sequence")
    shot = ShotFactory(sequence=sequence, code=shot_codes[0], description=f"{code} shot one description")
    shot2 = ShotFactory(sequence=sequence, code=shot_codes[1], description=f"{code} shot two description")
    task = TaskFactory(shot=shot, task_type=animation_type, status=TaskStatus.PENDING_REVIEW, assignees=[artist])
    task2 = TaskFactory(shot=shot2, task_type=animation_type, status=TaskStatus.WIP, assignees=[artist2])
    lighting_task = TaskFactory(shot=shot, task_type=lighting_type, status=TaskStatus.READY, assignees=[lighter])
    summary = show_summary_refresh(show_id=show.pk)

    version = VersionFactory(task=task, number=1, author=artist, comment=f"{code} first pass blocking")
    version2 = VersionFactory(task=task2, number=1, author=artist2, comment=f"{code} second shot spline")

    internal_session = ReviewSessionFactory(show=show, name=f"{code} internal dailies", created_by=coordinator)
    client_session = ReviewSessionFactory(
        show=show,
        name=f"{code} released client review",
        kind=SessionKind.CLIENT,
        released_at=timezone.now(),
        created_by=coordinator,
    )
    unreleased_session = ReviewSessionFactory(
        show=show, name=f"{code} unreleased client review", kind=SessionKind.CLIENT, created_by=coordinator
    )
    items = [
        ReviewItemFactory(session=internal_session, version=version, order=1),
        ReviewItemFactory(session=internal_session, version=version2, order=2),
        ReviewItemFactory(session=client_session, version=version, order=1),
        ReviewItemFactory(session=unreleased_session, version=version2, order=1),
    ]

    internal_note = NoteFactory(
        version=version, session=internal_session, author=supervisor, body=f"{code} internal note: arc too floaty"
    )
    client_note = NoteFactory(
        version=version,
        session=client_session,
        author=coordinator,
        category=NoteCategory.CLIENT,
        is_published=True,
        published_at=timezone.now(),
        body=f"{code} published client note: lovely timing",
    )
    held_note = NoteFactory(
        version=version,
        session=client_session,
        author=coordinator,
        category=NoteCategory.CLIENT,
        is_published=False,
        body=HELD_NOTE_BODY.format(code=code),
    )
    unreleased_client_note = NoteFactory(
        version=version2,
        session=unreleased_session,
        author=coordinator,
        category=NoteCategory.CLIENT,
        is_published=True,
        published_at=timezone.now(),
        body=f"{code} client note in an unreleased session",
    )
    addressed_note = NoteFactory(
        version=version2,
        session=internal_session,
        author=supervisor,
        category=NoteCategory.SUPERVISOR,
        body=f"{code} supervisor note copied to the first artist",
    )
    recipients = [
        NoteRecipientFactory(note=internal_note, person=artist, kind=RecipientKind.TO),
        NoteRecipientFactory(note=client_note, person=artist, kind=RecipientKind.TO),
        NoteRecipientFactory(note=held_note, person=artist, kind=RecipientKind.TO),
        NoteRecipientFactory(note=addressed_note, person=artist2, kind=RecipientKind.TO),
    ]
    if artist != artist2:
        recipients.append(NoteRecipientFactory(note=addressed_note, person=artist, kind=RecipientKind.CC))
    internal_attachment = NoteAttachmentFactory(
        note=internal_note, file=ContentFile(b"\x89PNG arc", name=f"{code.lower()}-internal-arc.png")
    )
    held_attachment = NoteAttachmentFactory(
        note=held_note, file=ContentFile(b"\x89PNG tail", name=f"{code.lower()}-held-tail.png")
    )

    time_log = TimeLogFactory(person=artist, task=task, date=dt.date(2026, 3, 2), comment=f"{code} blocking hours")
    time_log2 = TimeLogFactory(person=artist2, task=task2, date=dt.date(2026, 3, 2), comment=f"{code} spline hours")
    lighting_time_log = TimeLogFactory(
        person=lighter, task=lighting_task, date=dt.date(2026, 3, 3), comment=f"{code} lighting hours"
    )
    ev_recompute(show_id=show.pk, as_of=dt.date(2026, 3, 3))  # the show's variance state and snapshots
    milestone = MilestoneFactory(show=show, department=animation, name=f"{code} animation lock")
    holiday = HolidayFactory(show=show, name=f"{code} studio holiday")
    status_weight = StatusWeightFactory(show=show, status=TaskStatus.WIP, weight=Decimal("0.300"))
    baseline = BaselineFactory(show=show, name=f"{code} baseline A", is_active=True)
    baseline_task = BaselineTaskFactory(baseline=baseline, task=task)
    budget = BudgetFactory(show=show, revision=1, name=f"{code} bid v1", is_locked=True, locked_at=timezone.now())
    budget_line = BudgetLineFactory(budget=budget, department=animation, days=Decimal("40.00"))
    expense = ExpenseFactory(show=show, department=animation, supplier=f"{code} Render Farm Ltd")
    task_template_item = TaskTemplateItem.objects.create(
        show=show, task_type=task.task_type, default_bid_days=Decimal("3")
    )
    activity = Activity.objects.create(
        show=show, shot=shot, task=task, verb=ActivityVerb.CHANGED, changes={"status": ["WIP", "Pending review"]}
    )

    cut_import = CutImportJob.objects.create(
        show=show,
        uploaded_by=coordinator,
        file=ContentFile(b"TITLE: REEL 1\n", name=f"{code.lower()}_reel1_v3.edl"),
        original_name=f"{code.lower()}_reel1_v3.edl",
        kind=CutImportKind.EDL,
        fps=show.fps,
        state=CutImportState.REPORTED,
    )

    day_off = DayOff.objects.create(
        person=artist,
        start_date=dt.date(2026, 3, 9),
        end_date=dt.date(2026, 3, 13),
        kind=DayOffKind.VACATION,
        note=f"{code} ski week",
    )
    part_time = PartTime.objects.create(person=artist2, fraction=Decimal("0.60"), effective_from=dt.date(2026, 1, 1))
    timesheet_lock = TimesheetLock.objects.create(show=show, week_start=dt.date(2026, 2, 23))
    production_snapshot = ProductionSnapshot.objects.create(
        show=show, date=dt.date(2026, 3, 3), bac=Decimal("98765.43"), ac=Decimal("12345.67"), computed_at=timezone.now()
    )
    feed_owner = next(m.person for m in memberships if m.effective_role == Role.PRODUCER)
    milestone_feed = CalendarFeed.objects.create(
        person=feed_owner,
        kind=CalendarFeedKind.SHOW_MILESTONES,
        show=show,
        token=feed_token_digest(f"{code.lower()}-milestone-token"),
    )

    return ShowWorld(
        show=show,
        memberships=memberships,
        summary=summary,
        episode=episode,
        sequence=sequence,
        shot=shot,
        shot2=shot2,
        task=task,
        task2=task2,
        lighting_task=lighting_task,
        version=version,
        version2=version2,
        internal_session=internal_session,
        client_session=client_session,
        unreleased_session=unreleased_session,
        items=items,
        internal_note=internal_note,
        client_note=client_note,
        held_note=held_note,
        unreleased_client_note=unreleased_client_note,
        addressed_note=addressed_note,
        recipients=recipients,
        internal_attachment=internal_attachment,
        held_attachment=held_attachment,
        time_log=time_log,
        time_log2=time_log2,
        lighting_time_log=lighting_time_log,
        milestone=milestone,
        holiday=holiday,
        status_weight=status_weight,
        baseline=baseline,
        baseline_task=baseline_task,
        budget=budget,
        budget_line=budget_line,
        expense=expense,
        task_template_item=task_template_item,
        activity=activity,
        cut_import=cut_import,
        day_off=day_off,
        part_time=part_time,
        timesheet_lock=timesheet_lock,
        milestone_feed=milestone_feed,
        production_snapshot=production_snapshot,
    )


def leak_markers(world: World) -> list[tuple[models.Model, str]]:
    """(object, text) pairs: if the object is not visible to a person, its text must appear in no response.

    The texts are unique in the world and none is part of another one that a person may legitimately see.
    """
    pairs: list[tuple[models.Model, str]] = []
    for person in world.people.values():
        pairs.append((person, person.get_full_name()))
    for sw in (world.own, world.other):
        pairs += [
            (sw.show, sw.show.name),
            (sw.episode, sw.episode.code),
            (sw.sequence, sw.sequence.name),
            (sw.shot, sw.shot.code),
            (sw.shot2, sw.shot2.code),
            (sw.shot, sw.shot.description),
            (sw.shot2, sw.shot2.description),
            (sw.version, sw.version.comment),
            (sw.version2, sw.version2.comment),
            (sw.internal_session, sw.internal_session.name),
            (sw.client_session, sw.client_session.name),
            (sw.unreleased_session, sw.unreleased_session.name),
            (sw.internal_note, sw.internal_note.body),
            (sw.client_note, sw.client_note.body),
            (sw.held_note, sw.held_note.body),
            (sw.unreleased_client_note, sw.unreleased_client_note.body),
            (sw.addressed_note, sw.addressed_note.body),
            (sw.internal_attachment, sw.internal_attachment.file.name.rsplit("/", 1)[-1]),
            (sw.held_attachment, sw.held_attachment.file.name.rsplit("/", 1)[-1]),
            (sw.time_log, sw.time_log.comment),
            (sw.time_log2, sw.time_log2.comment),
            (sw.lighting_time_log, sw.lighting_time_log.comment),
            (sw.milestone, sw.milestone.name),
            (sw.holiday, sw.holiday.name),
            (sw.baseline, sw.baseline.name),
            (sw.budget, sw.budget.name),
            (sw.expense, sw.expense.supplier),
            (sw.cut_import, sw.cut_import.original_name),
            (sw.day_off, sw.day_off.note),
            (sw.milestone_feed, sw.milestone_feed.token),
        ]
    pairs.append((world.task_feed, world.task_feed.token))
    return pairs


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per test module inside a transaction that is rolled back afterwards.

    Each test still runs in its own savepoint (pytest-django's `db`), so tests may change the world freely.
    """
    media_root = tmp_path_factory.mktemp("permission-world-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
