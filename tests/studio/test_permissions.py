"""studio.permissions: the rules, one by one, and the promise that the object check agrees with the queryset."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from budgets.models import Budget, BudgetLine, Expense, PersonRate, RateCard
from dailies.models import Note, NoteAttachment, NoteRecipient, ReviewItem, ReviewSession, Version
from schedules.models import Baseline, BaselineTask, Holiday, Milestone, StatusWeight, TimeLog
from shots.models import Episode, Sequence, Shot, Task
from studio import permissions
from studio.models import Department, Person, Role, Show, ShowMembership, ShowSummary
from tests import permission_world
from tests.permission_world import CAST, OTHER_MEMBERS, OWN_MEMBERS

pytestmark = pytest.mark.django_db
world = permission_world.world  # the module-scoped fixture

GOVERNED_APPS = ("studio", "shots", "dailies", "schedules", "budgets")
# Person-scoped records have no show path either: days off, part time and calendar feeds belong to a person.
STUDIO_WIDE = {
    "Person",
    "Department",
    "TaskType",
    "RateCard",
    "PersonRate",
    "Digest",
    "DayOff",
    "PartTime",
    "CalendarFeed",
}
EVERYONE = [*CAST, "anonymous"]


def person(world, name):
    """A fresh person object (nothing cached), or AnonymousUser."""
    return AnonymousUser() if name == "anonymous" else world.fresh(name)


def seen(world, name, model):
    return set(permissions.visible(person(world, name), model))


def fresh(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


# --- The world covers every rule ------------------------------------------------------------------


def test_every_model_of_the_governed_apps_has_a_rule():
    concrete = {
        model
        for label in GOVERNED_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and not model._meta.abstract
    }
    assert set(permissions.governed_models()) == concrete


def test_world_has_objects_of_every_governed_model_in_both_shows(world):
    missing = []
    for model in permissions.governed_models():
        show_path = permissions.rule_for(model).show_path
        if not show_path:
            assert model.__name__ in STUDIO_WIDE, f"{model.__name__} has no show path but is not studio-wide"
            if not model._default_manager.exists():
                missing.append(f"{model.__name__}: none")
            continue
        for sw in (world.own, world.other):
            if not model._default_manager.filter(**{show_path: sw.show.pk}).exists():
                missing.append(f"{model.__name__}: none on {sw.show.code}")
    assert missing == []


# --- Consistency: can_view(person, obj) == visible(person, Model) contains obj ------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_object_check_agrees_with_queryset_for_every_object(world, name):
    mismatches = []
    checked = 0
    for model in permissions.governed_models():
        for pk in model._default_manager.values_list("pk", flat=True):
            checked += 1
            obj = model._default_manager.get(pk=pk)  # fresh: no prefetched cache can hide a bug
            says_object = permissions.can_view(person(world, name), obj)
            says_queryset = permissions.visible(person(world, name), model).filter(pk=pk).exists()
            if says_object != says_queryset:
                mismatches.append(f"{model.__name__} #{pk} {obj}: can_view={says_object} visible={says_queryset}")
    assert mismatches == []
    assert checked >= 100  # the whole world, not an empty database


@pytest.mark.parametrize("name", EVERYONE)
def test_visible_querysets_have_no_duplicates(world, name):
    duplicated = []
    for model in permissions.governed_models():
        queryset = permissions.visible(person(world, name), model)
        if queryset.count() != queryset.distinct().count():
            duplicated.append(model.__name__)
    assert duplicated == []


# --- Roles and memberships ----------------------------------------------------------------------------


def test_access_reads_effective_roles_from_memberships(world):
    assert permissions.access_for(world.fresh("override")).show_roles == {
        world.own.show.pk: Role.ARTIST,
        world.other.show.pk: Role.PRODUCER,
    }
    assert permissions.access_for(world.fresh("client")).show_roles == {world.own.show.pk: Role.CLIENT}
    admin = permissions.access_for(world.fresh("admin"))
    assert (admin.is_admin, admin.show_roles) == (True, {})


def test_forget_access_drops_the_cached_roles(world):
    producer = world.fresh("producer")
    assert set(permissions.visible(producer, Budget)) == {world.own.budget}
    ShowMembership.objects.create(person=producer, show=world.other.show)
    assert set(permissions.visible(producer, Budget)) == {world.own.budget}  # cached for this person object
    permissions.forget_access(producer)
    assert set(permissions.visible(producer, Budget)) == {world.own.budget, world.other.budget}


@pytest.mark.parametrize("name", ["inactive", "anonymous"])
def test_inactive_person_and_anonymous_see_and_change_nothing(world, name):
    seen_something = [m.__name__ for m in permissions.governed_models() if seen(world, name, m)]
    assert seen_something == []
    who = person(world, name)
    for obj in (world.own.show, world.own.shot, world.own.task, world.own.budget, world.rate_card):
        assert (permissions.can_view(who, obj), permissions.can_change(who, obj)) == (False, False)
    assert permissions.can_see_money(who) is False
    assert permissions.can_see_money(who, world.own.show) is False
    assert list(permissions.visible_shows(who)) == []


def test_admin_sees_and_changes_everything(world):
    for model in permissions.governed_models():
        assert permissions.visible(world.fresh("admin"), model).count() == model._default_manager.count()
    admin = world.fresh("admin")
    for obj in (world.other.show, world.other.task, world.other.budget, world.person_rate, world.own.held_note):
        assert (permissions.can_view(admin, obj), permissions.can_change(admin, obj)) == (True, True)
    assert permissions.can_set_task_status(admin, world.own.task, "final") is True
    assert permissions.role_on_show(admin, world.own.show) == Role.ADMIN


def test_visible_shows_by_role(world):
    own, other = world.own.show, world.other.show
    assert set(permissions.visible_shows(world.fresh("artist"))) == {own}
    assert set(permissions.visible_shows(world.fresh("client"))) == {own}
    assert set(permissions.visible_shows(world.fresh("client"), roles=permissions.ALL_STAFF)) == set()
    assert set(permissions.visible_shows(world.fresh("override"))) == {own, other}
    assert set(permissions.visible_shows(world.fresh("override"), roles=[Role.PRODUCER])) == {other}
    assert set(permissions.visible_shows(world.fresh("admin"))) == {own, other}
    assert permissions.role_on_show(world.fresh("override"), other) == Role.PRODUCER
    assert permissions.role_on_show(world.fresh("override"), own) == Role.ARTIST
    assert permissions.role_on_show(world.fresh("artist"), other) is None


# --- Artists ----------------------------------------------------------------------------------------


def test_artist_reads_own_show_breakdown_only(world):
    own = world.own
    assert seen(world, "artist", Episode) == {own.episode}
    assert seen(world, "artist", Sequence) == {own.sequence}
    assert seen(world, "artist", Shot) == {own.shot, own.shot2}
    assert seen(world, "artist", Task) == {own.task, own.task2, own.lighting_task}
    assert seen(world, "artist", Version) == {own.version, own.version2}
    assert seen(world, "artist", ReviewSession) == {own.internal_session, own.client_session, own.unreleased_session}
    assert seen(world, "artist", ShowSummary) == {own.summary}
    artist = world.fresh("artist")
    assert permissions.can_view(artist, fresh(world.other.shot)) is False
    assert permissions.can_view(artist, fresh(world.other.task)) is False


def test_artist_changes_only_own_tasks(world):
    artist = world.fresh("artist")
    own, other = world.own, world.other
    assert permissions.can_change(artist, fresh(own.task)) is True
    assert permissions.can_change(artist, fresh(own.task2)) is False
    assert permissions.can_change(artist, fresh(own.lighting_task)) is False
    assert permissions.can_change(artist, fresh(other.task)) is False
    assert permissions.can_change(artist, fresh(own.shot)) is False
    assert permissions.can_change(artist, fresh(own.sequence)) is False


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("waiting", False),
        ("ready", False),
        ("wip", True),
        ("pending_review", True),
        ("retake", False),
        ("approved", False),
        ("final", False),
        ("on_hold", False),
        ("omitted", False),
    ],
)
def test_artist_sets_only_artist_statuses_on_own_task(world, status, allowed):
    assert permissions.can_set_task_status(world.fresh("artist"), fresh(world.own.task), status) is allowed
    assert permissions.can_set_task_status(world.fresh("artist"), fresh(world.own.task2), status) is False


def test_artist_versions_and_time_logs(world):
    own = world.own
    artist = world.fresh("artist")
    assert permissions.can_change(artist, fresh(own.version)) is True
    assert permissions.can_change(artist, fresh(own.version2)) is False
    # Submitting: a new version on the artist's own task, by the artist; not on artist2's task, not as artist2.
    assert permissions.can_change(artist, Version(task=own.task, number=2, author=artist)) is True
    assert permissions.can_change(artist, Version(task=own.task2, number=2, author=artist)) is False
    assert permissions.can_change(artist, Version(task=own.task, number=2, author=world.fresh("artist2"))) is False
    assert seen(world, "artist", TimeLog) == {own.time_log}
    assert permissions.can_change(artist, fresh(own.time_log)) is True
    assert permissions.can_view(artist, fresh(own.time_log2)) is False
    assert permissions.can_change(artist, fresh(own.time_log2)) is False
    assert permissions.can_change(artist, TimeLog(person=artist, task=own.task, hours=1)) is True
    assert permissions.can_change(artist, TimeLog(person=world.fresh("artist2"), task=own.task, hours=1)) is False


def test_artist_notes_published_and_addressed_only(world):
    own = world.own
    # The internal and published client notes on the artist's own version, and the note on artist2's version
    # the artist is copied on; never the held client note, never a note on someone else's task they are not on.
    assert seen(world, "artist", Note) == {own.internal_note, own.client_note, own.addressed_note}
    assert seen(world, "artist2", Note) == {own.addressed_note, own.unreleased_client_note}
    assert seen(world, "lighter", Note) == set()
    artist = world.fresh("artist")
    assert permissions.can_view(artist, fresh(own.held_note)) is False
    assert permissions.can_view(artist, fresh(own.addressed_note)) is True
    assert seen(world, "artist", NoteAttachment) == {own.internal_attachment}
    assert permissions.can_change(artist, fresh(own.internal_note)) is False


def test_artist_never_sees_the_recipient_row_of_a_held_note(world):
    """The row alone tells the artist a held client note exists (an inbox count, a digest line)."""
    own = world.own
    held_row = next(r for r in own.recipients if r.note_id == own.held_note.pk)
    assert permissions.can_view(world.fresh("artist"), fresh(held_row)) is False
    assert held_row not in seen(world, "artist", NoteRecipient)


def test_artist_sees_own_show_people_only(world):
    members = {world.people[name] for name in OWN_MEMBERS}
    assert seen(world, "artist", Person) == members
    assert seen(world, "other_artist", Person) == {world.people[n] for n in [*OTHER_MEMBERS, "override"]}


# --- Supervisors and coordinators ---------------------------------------------------------------------------


def test_supervisor_changes_tasks_of_their_department_only(world):
    own = world.own
    animation_sup = world.fresh("supervisor")
    lighting_sup = world.fresh("lighting_supervisor")
    assert (
        permissions.can_change(animation_sup, fresh(own.task)),
        permissions.can_change(animation_sup, fresh(own.task2)),
    ) == (True, True)
    assert permissions.can_change(animation_sup, fresh(own.lighting_task)) is False
    assert permissions.can_change(lighting_sup, fresh(own.lighting_task)) is True
    assert permissions.can_change(lighting_sup, fresh(own.task)) is False
    assert permissions.can_change(animation_sup, fresh(world.other.task)) is False
    assert permissions.can_set_task_status(animation_sup, fresh(own.task), "approved") is True
    assert permissions.can_set_task_status(animation_sup, fresh(own.lighting_task), "approved") is False
    assert permissions.can_change(animation_sup, fresh(own.shot)) is False
    assert seen(world, "supervisor", Task) == {own.task, own.task2, own.lighting_task}


def test_supervisor_sees_time_logs_of_their_department(world):
    own = world.own
    assert seen(world, "supervisor", TimeLog) == {own.time_log, own.time_log2}
    assert seen(world, "lighting_supervisor", TimeLog) == {own.lighting_time_log}
    assert permissions.can_change(world.fresh("supervisor"), fresh(own.time_log)) is False


def test_supervisor_notes(world):
    own = world.own
    supervisor = world.fresh("supervisor")
    all_own_notes = {own.internal_note, own.client_note, own.held_note, own.unreleased_client_note, own.addressed_note}
    assert seen(world, "supervisor", Note) == all_own_notes
    assert permissions.can_change(supervisor, fresh(own.internal_note)) is True  # their own
    assert permissions.can_change(supervisor, fresh(own.held_note)) is False  # the coordinator's
    assert permissions.can_change(supervisor, Note(version=own.version, author=supervisor, body="x")) is True
    assert permissions.can_change(supervisor, Note(version=world.other.version, author=supervisor, body="x")) is False


def test_coordinator_keeps_own_show_breakdown_and_dailies(world):
    own, other = world.own, world.other
    coordinator = world.fresh("coordinator")
    for obj in (own.sequence, own.shot, own.task, own.lighting_task, own.client_session, own.held_note):
        assert permissions.can_change(coordinator, fresh(obj)) is True, obj
    for obj in (other.sequence, other.shot, other.task, other.client_session):
        assert permissions.can_change(coordinator, fresh(obj)) is False, obj
    for obj in (own.milestone, own.baseline, own.status_weight, own.budget, own.show):
        assert permissions.can_change(coordinator, fresh(obj)) is False, obj
    assert seen(world, "coordinator", TimeLog) == {own.time_log, own.time_log2, own.lighting_time_log}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("coordinator", True),
        ("production_manager", True),
        ("producer", True),
        ("admin", True),
        ("supervisor", False),
        ("artist", False),
        ("client", False),
        ("other_producer", False),
        ("inactive", False),
        ("anonymous", False),
    ],
)
def test_creating_a_shot_on_own_show(world, name, allowed):
    shot = Shot(show=world.own.show, sequence=world.own.sequence, code="SQ010_SH0030", cut_in=1009, cut_out=1020)
    assert permissions.can_change(person(world, name), shot) is allowed


def test_creating_a_task_follows_department_and_role(world):
    own = world.own
    new_lighting = Task(shot=own.shot2, task_type=world.lighting_type)
    assert permissions.can_change(world.fresh("lighting_supervisor"), new_lighting) is True
    assert permissions.can_change(world.fresh("supervisor"), new_lighting) is False
    assert permissions.can_change(world.fresh("coordinator"), new_lighting) is True
    assert permissions.can_change(world.fresh("lighter"), new_lighting) is False  # artists never create tasks


# --- Planners and money -------------------------------------------------------------------------------


def test_production_manager_plans_but_sees_no_money(world):
    own = world.own
    pm = world.fresh("production_manager")
    for obj in (own.milestone, own.holiday, own.status_weight, own.baseline, own.baseline_task, own.time_log2):
        assert permissions.can_change(pm, fresh(obj)) is True, obj
    for model in (Budget, BudgetLine, Expense, RateCard, PersonRate):
        assert seen(world, "production_manager", model) == set(), model
    assert permissions.can_view(pm, fresh(own.budget)) is False
    assert permissions.can_see_money(pm, own.show) is False
    assert permissions.can_see_money(pm) is False


@pytest.mark.parametrize(
    ("name", "own_show", "other_show"),
    [
        ("producer", True, False),
        ("admin", True, True),
        ("production_manager", False, False),
        ("coordinator", False, False),
        ("supervisor", False, False),
        ("artist", False, False),
        ("client", False, False),
        ("other_producer", False, True),
        ("override", False, True),
        ("inactive", False, False),
        ("anonymous", False, False),
    ],
)
def test_can_see_money_per_show(world, name, own_show, other_show):
    who = person(world, name)
    assert permissions.can_see_money(who, world.own.show) is own_show
    assert permissions.can_see_money(person(world, name), world.other.show) is other_show


def test_producer_sees_own_show_money_and_studio_rates(world):
    own = world.own
    assert seen(world, "producer", Budget) == {own.budget}
    assert seen(world, "producer", BudgetLine) == {own.budget_line}
    assert seen(world, "producer", Expense) == {own.expense}
    assert seen(world, "producer", RateCard) == {world.rate_card}
    assert seen(world, "producer", PersonRate) == {world.person_rate}
    producer = world.fresh("producer")
    assert permissions.can_change(producer, fresh(own.budget)) is True
    assert permissions.can_change(producer, fresh(world.other.budget)) is False
    assert permissions.can_change(producer, fresh(world.rate_card)) is False  # admins write rates
    assert permissions.can_change(producer, fresh(own.show)) is True


@pytest.mark.parametrize("name", ["artist", "artist2", "supervisor", "coordinator", "client", "other_artist"])
def test_nobody_else_sees_money(world, name):
    for model in (Budget, BudgetLine, Expense, RateCard, PersonRate):
        assert seen(world, name, model) == set(), model


def test_membership_override_makes_a_producer_on_that_show_only(world):
    own, other = world.own, world.other
    override = world.fresh("override")
    assert seen(world, "override", Budget) == {other.budget}
    assert seen(world, "override", Expense) == {other.expense}
    assert seen(world, "override", Shot) == {own.shot, own.shot2, other.shot, other.shot2}
    assert seen(world, "override", TimeLog) == {other.time_log, other.time_log2, other.lighting_time_log}
    assert permissions.can_change(override, fresh(other.shot)) is True
    assert permissions.can_change(override, fresh(own.shot)) is False
    assert permissions.can_change(override, fresh(own.task)) is False  # an artist on OWN, not assigned
    assert permissions.can_set_task_status(override, fresh(other.task), "final") is True
    # A producer anywhere reads the studio's rate cards and personal rates.
    assert seen(world, "override", PersonRate) == {world.person_rate}


# --- Clients -------------------------------------------------------------------------------------------


def test_client_sees_released_client_sessions_and_published_client_notes_only(world):
    own = world.own
    released_item = next(i for i in own.items if i.session_id == own.client_session.pk)
    assert seen(world, "client", ReviewSession) == {own.client_session}
    assert seen(world, "client", ReviewItem) == {released_item}
    assert seen(world, "client", Version) == {own.version}
    assert seen(world, "client", Note) == {own.client_note}
    assert seen(world, "client", Show) == {own.show}
    assert seen(world, "client", Person) == {world.people["client"]}
    client = world.fresh("client")
    assert permissions.can_view(client, fresh(own.held_note)) is False
    assert permissions.can_view(client, fresh(own.unreleased_client_note)) is False
    assert permissions.can_view(client, fresh(own.unreleased_session)) is False
    assert permissions.can_view(client, fresh(own.version2)) is False


def test_client_sees_no_breakdown_schedule_or_staff_data(world):
    for model in (
        Episode,
        Sequence,
        Shot,
        Task,
        ShowSummary,
        NoteRecipient,
        NoteAttachment,
        TimeLog,
        Milestone,
        Holiday,
        StatusWeight,
        Baseline,
        BaselineTask,
        Department,
        apps.get_model("shots", "TaskType"),
    ):
        assert seen(world, "client", model) == set(), model.__name__
    assert seen(world, "client", ShowMembership) == {m for m in world.own.memberships if m.person.username == "client"}


def test_client_changes_nothing(world):
    client = world.fresh("client")
    for obj in (world.own.client_session, world.own.client_note, world.own.version, world.own.show):
        assert permissions.can_change(client, fresh(obj)) is False, obj
    assert permissions.can_change(client, Note(version=world.own.version, author=client, body="x")) is False


def test_other_show_client_sees_nothing_of_own_show(world):
    other = world.other
    assert seen(world, "other_client", ReviewSession) == {other.client_session}
    assert seen(world, "other_client", Note) == {other.client_note}
    assert seen(world, "other_client", Version) == {other.version}


def test_releasing_a_session_shows_it_and_its_published_client_notes_to_the_client(world):
    own = world.own
    ReviewSession.objects.filter(pk=own.unreleased_session.pk).update(released_at=own.client_session.released_at)
    assert seen(world, "client", ReviewSession) == {own.client_session, own.unreleased_session}
    assert seen(world, "client", Note) == {own.client_note, own.unreleased_client_note}
    assert seen(world, "client", Version) == {own.version, own.version2}


# --- The queryset form ----------------------------------------------------------------------------------


def test_visible_narrows_a_given_queryset(world):
    own = world.own
    queryset = Shot.objects.filter(code__in=[own.shot.code, world.other.shot.code])
    assert list(permissions.visible(world.fresh("artist"), queryset)) == [own.shot]
    assert set(permissions.visible(world.fresh("admin"), queryset)) == {own.shot, world.other.shot}


def test_require_change_raises_permission_denied(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        permissions.require_change(world.fresh("artist"), fresh(world.own.task2))
    permissions.require_change(world.fresh("artist"), fresh(world.own.task))
    with pytest.raises(PermissionDenied):
        permissions.require_view(world.fresh("client"), fresh(world.own.shot))
