"""Who may see and change what: the one policy every page, partial and API endpoint asks.

Two questions, answered by the same rules:
- "which objects of this kind may this person see?"  ->  visible(person, Model_or_queryset)
- "may this person see / change this object?"        ->  can_view(person, obj) / can_change(person, obj)

`can_change` also answers "may this person create this object": pass the unsaved instance with its parents
set (a Shot with its show, a Task with its shot and task type). A test checks, for every fixture object and
role, that `can_view` agrees with `visible`.

Rules (PRODUCT.md): admins everything; producers and production managers their shows; coordinators and
supervisors their shows (supervisors change tasks only in their department); artists read their shows'
shots and tasks and change only their own tasks (artist-allowed statuses), time logs and versions; clients
only client sessions released to them and published client notes; rates, salaries and budget amounts only
producers and admins. A show membership may override a person's studio role on that show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from .models import Department, Person, Role, Show, ShowMembership, ShowSummary

ALL_STAFF = (Role.ARTIST, Role.SUPERVISOR, Role.COORDINATOR, Role.PRODUCTION_MANAGER, Role.PRODUCER)
REVIEWERS = (Role.SUPERVISOR, Role.COORDINATOR, Role.PRODUCTION_MANAGER, Role.PRODUCER)
BREAKDOWN_EDITORS = (Role.COORDINATOR, Role.PRODUCTION_MANAGER, Role.PRODUCER)
PLANNERS = (Role.PRODUCTION_MANAGER, Role.PRODUCER)
MONEY = (Role.PRODUCER,)
NOBODY: Q = Q(pk__in=[])


@dataclass
class Access:
    """What one person holds: admin or not, and their effective role on each of their shows."""

    person: Person | None
    is_admin: bool = False
    show_roles: dict[int, str] = field(default_factory=dict)

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person else None

    def role_on(self, show_id: int | None) -> str | None:
        return self.show_roles.get(show_id) if show_id is not None else None

    def has_role_on(self, show_id: int | None, roles: Iterable[str]) -> bool:
        return self.role_on(show_id) in roles

    def shows(self, roles: Iterable[str] = ALL_STAFF) -> list[int]:
        wanted = set(roles)
        return sorted(show_id for show_id, role in self.show_roles.items() if role in wanted)

    @property
    def is_studio_staff(self) -> bool:
        """Studio-wide reference data (departments, task types) is for everyone but clients."""
        return self.is_admin or bool(self.person and self.person.role != Role.CLIENT)

    @property
    def sees_rates(self) -> bool:
        """Admins, producers of a show, and studio producers on no show (heads of production). A producer whose
        every membership makes them something else (an artist on RBT) reads no rate."""
        studio_producer = bool(self.person and self.person.role == Role.PRODUCER and not self.show_roles)
        return self.is_admin or bool(self.shows(MONEY)) or studio_producer


_ACCESS_ATTR = "_slate_access"


def access_for(person) -> Access:
    """Load (once per person object, so once per request) the person's roles on their shows."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return Access(person=None)
    cached = getattr(person, _ACCESS_ATTR, None)
    if cached is not None:
        return cached
    if person.is_admin:
        access = Access(person=person, is_admin=True)
    else:
        rows = ShowMembership.objects.filter(person_id=person.pk).values_list("show_id", "role")
        access = Access(person=person, show_roles={show_id: role or person.role for show_id, role in rows})
    setattr(person, _ACCESS_ATTR, access)
    return access


def forget_access(person) -> None:
    """Drop the cached roles (after memberships change within one request)."""
    if person is not None and hasattr(person, _ACCESS_ATTR):
        delattr(person, _ACCESS_ATTR)


# --- Rules per model ------------------------------------------------------------------------------


class Rule:
    """How one model answers the two questions. `show_path` leads from the model to its show's id."""

    show_path: str = ""

    def visible_q(self, a: Access) -> Q:
        return Q(**{f"{self.show_path}__in": a.shows(ALL_STAFF)})

    def can_view(self, a: Access, obj) -> bool:
        return a.has_role_on(self.show_id(obj), ALL_STAFF)

    def can_change(self, a: Access, obj) -> bool:
        return False

    def show_id(self, obj) -> int | None:
        value = obj
        for part in self.show_path.split("__")[:-1]:
            value = getattr(value, part, None)
            if value is None:
                return None
        return getattr(value, self.show_path.split("__")[-1], None)


class ShowRule(Rule):
    show_path = "id"

    def visible_q(self, a):
        return Q(id__in=list(a.show_roles))

    def can_view(self, a, obj):
        return obj.pk in a.show_roles

    def can_change(self, a, obj):
        return a.has_role_on(obj.pk, MONEY)


class ShowStaffRule(Rule):
    """Show-scoped data every staff member of the show may read; managers of the show may change."""

    def __init__(self, show_path: str, editors: tuple[str, ...]):
        self.show_path = show_path
        self.editors = editors

    def can_change(self, a, obj):
        return a.has_role_on(self.show_id(obj), self.editors)


class MembershipRule(Rule):
    show_path = "show_id"

    def visible_q(self, a):
        return Q(show_id__in=a.shows(ALL_STAFF)) | Q(person_id=a.person_id)

    def can_view(self, a, obj):
        return a.has_role_on(obj.show_id, ALL_STAFF) or obj.person_id == a.person_id

    def can_change(self, a, obj):
        return a.has_role_on(obj.show_id, MONEY)


class TaskRule(Rule):
    show_path = "shot__show_id"

    def can_change(self, a, obj):
        role = a.role_on(self.show_id(obj))
        if role in BREAKDOWN_EDITORS:
            return True
        if role == Role.SUPERVISOR:
            return a.person.department_id is not None and obj.task_type.department_id == a.person.department_id
        if role == Role.ARTIST:
            return obj.pk is not None and is_assignee(a.person, obj)
        return False


def is_assignee(person, task) -> bool:
    """Uses prefetched assignees when the caller loaded them, else one query."""
    cache = getattr(task, "_prefetched_objects_cache", {})
    if "assignees" in cache:
        return any(p.pk == person.pk for p in cache["assignees"])
    return task.assignees.filter(pk=person.pk).exists()


def _released_client_items(a: Access, version_ref: str) -> Exists:
    from dailies.models import ReviewItem, SessionKind

    return Exists(
        ReviewItem.objects.filter(
            version_id=OuterRef(version_ref),
            session__kind=SessionKind.CLIENT,
            session__released_at__isnull=False,
            session__show_id__in=a.shows([Role.CLIENT]),
        )
    )


class VersionRule(Rule):
    show_path = "task__shot__show_id"

    def visible_q(self, a):
        q = super().visible_q(a)
        if a.shows([Role.CLIENT]):
            q |= Q(_released_client_items(a, "pk"))
        return q

    def can_view(self, a, obj):
        role = a.role_on(self.show_id(obj))
        if role in ALL_STAFF:
            return True
        if role == Role.CLIENT:
            return obj.review_items.filter(session__kind="client", session__released_at__isnull=False).exists()
        return False

    def can_change(self, a, obj):
        role = a.role_on(self.show_id(obj))
        if role in REVIEWERS:
            return True
        if role == Role.ARTIST:
            # An artist submits versions on their own tasks and edits only their own versions.
            if obj.pk is None:
                return obj.author_id == a.person_id and is_assignee(a.person, obj.task)
            return obj.author_id == a.person_id
        return False


class ReviewSessionRule(Rule):
    show_path = "show_id"

    def visible_q(self, a):
        return Q(show_id__in=a.shows(ALL_STAFF)) | Q(
            show_id__in=a.shows([Role.CLIENT]), kind="client", released_at__isnull=False
        )

    def can_view(self, a, obj):
        role = a.role_on(obj.show_id)
        if role in ALL_STAFF:
            return True
        return role == Role.CLIENT and obj.kind == "client" and obj.released_at is not None

    def can_change(self, a, obj):
        return a.has_role_on(obj.show_id, REVIEWERS)


class ReviewItemRule(Rule):
    show_path = "session__show_id"

    def visible_q(self, a):
        return Q(session__show_id__in=a.shows(ALL_STAFF)) | Q(
            session__show_id__in=a.shows([Role.CLIENT]), session__kind="client", session__released_at__isnull=False
        )

    def can_view(self, a, obj):
        return ReviewSessionRule().can_view(a, obj.session)

    def can_change(self, a, obj):
        return a.has_role_on(self.show_id(obj), REVIEWERS)


class NoteRule(Rule):
    show_path = "version__task__shot__show_id"

    def visible_q(self, a):
        from dailies.models import NoteRecipient
        from shots.models import Task

        assigned = Exists(
            Task.assignees.through.objects.filter(task_id=OuterRef("version__task_id"), person_id=a.person_id)
        )
        addressed = Exists(NoteRecipient.objects.filter(note_id=OuterRef("pk"), person_id=a.person_id))
        q = Q(version__task__shot__show_id__in=a.shows(REVIEWERS))
        q |= Q(version__task__shot__show_id__in=a.shows([Role.ARTIST]), is_published=True) & (
            Q(assigned) | Q(addressed) | Q(author_id=a.person_id)
        )
        if a.shows([Role.CLIENT]):
            q |= Q(category="client", is_published=True) & Q(_released_client_items(a, "version_id"))
        return q

    def can_view(self, a, obj):
        show_id = self.show_id(obj)
        role = a.role_on(show_id)
        if role in REVIEWERS:
            return True
        if role == Role.ARTIST:
            return obj.is_published and (
                obj.author_id == a.person_id
                or is_assignee(a.person, obj.version.task)
                or obj.recipient_rows.filter(person_id=a.person_id).exists()
            )
        if role == Role.CLIENT:
            return obj.category == "client" and obj.is_published and VersionRule().can_view(a, obj.version)
        return False

    def can_change(self, a, obj):
        role = a.role_on(self.show_id(obj))
        if role in BREAKDOWN_EDITORS:
            return True
        # Supervisors write notes; anyone edits only their own.
        return role == Role.SUPERVISOR and (obj.pk is None or obj.author_id == a.person_id)


class NoteRecipientRule(Rule):
    show_path = "note__version__task__shot__show_id"

    def visible_q(self, a):
        from dailies.models import Note

        # A recipient sees their row only while they may see the note: a held client note's row would tell an
        # artist it exists (an inbox count, a digest line).
        visible_notes = Note.objects.filter(NoteRule().visible_q(a)).values("pk")
        return Q(person_id=a.person_id, note__in=visible_notes) | Q(
            note__version__task__shot__show_id__in=a.shows(REVIEWERS)
        )

    def can_view(self, a, obj):
        if a.has_role_on(self.show_id(obj), REVIEWERS):
            return True
        return obj.person_id == a.person_id and NoteRule().can_view(a, obj.note)

    def can_change(self, a, obj):
        # Recipients mark their own rows read; reviewers edit the recipient list of the show's notes.
        return self.can_view(a, obj)


class NoteAttachmentRule(Rule):
    show_path = "note__version__task__shot__show_id"

    def visible_q(self, a):
        from dailies.models import Note

        return Q(note__in=Note.objects.filter(NoteRule().visible_q(a)).values("pk"))

    def can_view(self, a, obj):
        return NoteRule().can_view(a, obj.note)

    def can_change(self, a, obj):
        return NoteRule().can_change(a, obj.note)


class TimeLogRule(Rule):
    show_path = "task__shot__show_id"

    def visible_q(self, a):
        return (
            Q(task__shot__show_id__in=a.shows((Role.COORDINATOR, *PLANNERS)))
            | Q(
                task__shot__show_id__in=a.shows([Role.SUPERVISOR]),
                task__task_type__department_id=getattr(a.person, "department_id", None) or -1,
            )
            | Q(task__shot__show_id__in=a.shows(ALL_STAFF), person_id=a.person_id)
        )

    def can_view(self, a, obj):
        role = a.role_on(self.show_id(obj))
        if role in (Role.COORDINATOR, *PLANNERS):
            return True
        if role == Role.SUPERVISOR and obj.task.task_type.department_id == a.person.department_id:
            return True
        return role in ALL_STAFF and obj.person_id == a.person_id

    def can_change(self, a, obj):
        role = a.role_on(self.show_id(obj))
        return role in PLANNERS or (role in ALL_STAFF and obj.person_id == a.person_id)


class ShowReadersRule(Rule):
    """Show figures only some roles of the show read (schedule variance: planners); written by services only."""

    def __init__(self, show_path: str, readers: tuple[str, ...]):
        self.show_path = show_path
        self.readers = readers

    def visible_q(self, a):
        return Q(**{f"{self.show_path}__in": a.shows(self.readers)})

    def can_view(self, a, obj):
        return a.has_role_on(self.show_id(obj), self.readers)


class MoneyRule(Rule):
    """Budgets, their lines and expenses: the show's producers (and admins) only."""

    def __init__(self, show_path: str):
        self.show_path = show_path

    def visible_q(self, a):
        return Q(**{f"{self.show_path}__in": a.shows(MONEY)})

    def can_view(self, a, obj):
        return a.has_role_on(self.show_id(obj), MONEY)

    def can_change(self, a, obj):
        return self.can_view(a, obj)


class RateRule(Rule):
    """Studio rate cards and personal rates: producers read, admins write."""

    def visible_q(self, a):
        return Q() if a.sees_rates else NOBODY

    def can_view(self, a, obj):
        return a.sees_rates

    def can_change(self, a, obj):
        return False  # admins only, handled before any rule


class StudioReferenceRule(Rule):
    """Departments and task types: every staff member reads them, admins change them."""

    def visible_q(self, a):
        return Q() if a.is_studio_staff else NOBODY

    def can_view(self, a, obj):
        return a.is_studio_staff

    def can_change(self, a, obj):
        return False


class OwnRule(Rule):
    """A person's own records (their note digests): theirs alone; admins see all (the outbox)."""

    def visible_q(self, a):
        return Q(person_id=a.person_id)

    def can_view(self, a, obj):
        return obj.person_id == a.person_id

    def can_change(self, a, obj):
        return False  # written by services only


class OwnFeedRule(Rule):
    """A person's calendar feeds: theirs alone to see, make and revoke (admins: all)."""

    def visible_q(self, a):
        return Q(person_id=a.person_id)

    def can_view(self, a, obj):
        return obj.person_id == a.person_id

    def can_change(self, a, obj):
        if obj.person_id != a.person_id:
            return False
        # A show's milestone feed only for a show the person works on as staff.
        return obj.show_id is None or a.has_role_on(obj.show_id, ALL_STAFF)


class AvailabilityRule(Rule):
    """Days off and part time: the person reads their own; the production managers and producers of a show the
    person is on read and change them (capacity is theirs to plan). A person records their own days off."""

    def __init__(self, *, person_may_change: bool):
        self.person_may_change = person_may_change

    def _planned_people(self, a: Access):
        return ShowMembership.objects.filter(show_id__in=a.shows(PLANNERS)).values("person_id")

    def visible_q(self, a):
        return Q(person_id=a.person_id) | Q(person_id__in=self._planned_people(a))

    def can_view(self, a, obj):
        return obj.person_id == a.person_id or self._planned_people(a).filter(person_id=obj.person_id).exists()

    def can_change(self, a, obj):
        if obj.person_id == a.person_id and self.person_may_change:
            return True
        return self._planned_people(a).filter(person_id=obj.person_id).exists()


class PersonRule(Rule):
    def visible_q(self, a):
        if a.person is None:
            return NOBODY
        if a.person.role == Role.CLIENT:
            return Q(pk=a.person_id)
        shared = ShowMembership.objects.filter(show_id__in=a.shows(ALL_STAFF)).values("person_id")
        return Q(pk=a.person_id) | Q(pk__in=shared)

    def can_view(self, a, obj):
        if a.person is None:
            return False
        if obj.pk == a.person_id:
            return True
        if a.person.role == Role.CLIENT:
            return False
        return ShowMembership.objects.filter(person_id=obj.pk, show_id__in=a.shows(ALL_STAFF)).exists()

    def can_change(self, a, obj):
        return obj.pk is not None and obj.pk == a.person_id


def _registry() -> dict[type[models.Model], Rule]:
    from budgets.models import Budget, BudgetLine, Expense, PersonRate, ProductionSnapshot, RateCard
    from dailies.models import Digest, Note, NoteAttachment, NoteRecipient, ReviewItem, ReviewSession, Version
    from schedules.models import (
        Baseline,
        BaselineTask,
        CalendarFeed,
        DayOff,
        EarnedValueSnapshot,
        EarnedValueState,
        Holiday,
        Milestone,
        PartTime,
        StatusWeight,
        TimeLog,
        TimesheetLock,
    )
    from shots.models import Activity, CutImportJob, Episode, Sequence, Shot, Task, TaskTemplateItem, TaskType

    return {
        Show: ShowRule(),
        ShowMembership: MembershipRule(),
        ShowSummary: ShowStaffRule("show_id", ()),
        Person: PersonRule(),
        Department: StudioReferenceRule(),
        TaskType: StudioReferenceRule(),
        Episode: ShowStaffRule("show_id", BREAKDOWN_EDITORS),
        Sequence: ShowStaffRule("show_id", BREAKDOWN_EDITORS),
        Shot: ShowStaffRule("show_id", BREAKDOWN_EDITORS),
        Task: TaskRule(),
        TaskTemplateItem: ShowStaffRule("show_id", BREAKDOWN_EDITORS),
        Activity: ShowStaffRule("show_id", ()),  # written by services only
        CutImportJob: ShowStaffRule("show_id", BREAKDOWN_EDITORS),
        Version: VersionRule(),
        ReviewSession: ReviewSessionRule(),
        ReviewItem: ReviewItemRule(),
        Note: NoteRule(),
        NoteRecipient: NoteRecipientRule(),
        NoteAttachment: NoteAttachmentRule(),
        Digest: OwnRule(),
        TimeLog: TimeLogRule(),
        Milestone: ShowStaffRule("show_id", PLANNERS),
        Holiday: ShowStaffRule("show_id", PLANNERS),
        StatusWeight: ShowStaffRule("show_id", PLANNERS),
        Baseline: ShowStaffRule("show_id", PLANNERS),
        BaselineTask: ShowStaffRule("baseline__show_id", PLANNERS),
        EarnedValueState: ShowStaffRule("show_id", ()),  # a stale flag, written by services only
        # AC sums every department's hours: production managers and producers read variance, not supervisors.
        EarnedValueSnapshot: ShowReadersRule("show_id", PLANNERS),
        DayOff: AvailabilityRule(person_may_change=True),
        PartTime: AvailabilityRule(person_may_change=False),
        # Every staff member of the show sees which weeks are locked; its producers lock and unlock them.
        TimesheetLock: ShowStaffRule("show_id", MONEY),
        CalendarFeed: OwnFeedRule(),
        Budget: MoneyRule("show_id"),
        BudgetLine: MoneyRule("budget__show_id"),
        Expense: MoneyRule("show_id"),
        ProductionSnapshot: MoneyRule("show_id"),
        RateCard: RateRule(),
        PersonRate: RateRule(),
    }


_RULES: dict[type[models.Model], Rule] | None = None


def rule_for(model: type[models.Model]) -> Rule:
    global _RULES
    if _RULES is None:
        _RULES = _registry()
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"No permission rule for {model.__name__}: add one to studio/permissions.py") from None


def governed_models() -> list[type[models.Model]]:
    rule_for(Show)
    return list(_RULES)


# --- The public questions -------------------------------------------------------------------------


def visible(person, model_or_queryset: type[models.Model] | models.QuerySet) -> models.QuerySet:
    """The objects of this kind (or of this queryset) the person may see."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset, model = model_or_queryset, model_or_queryset.model
    else:
        model = model_or_queryset
        queryset = model._default_manager.all()
    a = access_for(person)
    if a.person is None:
        return queryset.none()
    if a.is_admin:
        return queryset
    return queryset.filter(rule_for(model).visible_q(a))


def can_view(person, obj: models.Model) -> bool:
    a = access_for(person)
    if a.person is None:
        return False
    return a.is_admin or rule_for(type(obj)).can_view(a, obj)


def can_change(person, obj: models.Model) -> bool:
    """May the person save this object (an unsaved one with its parents set: may they create it)."""
    a = access_for(person)
    if a.person is None:
        return False
    return a.is_admin or rule_for(type(obj)).can_change(a, obj)


def can_set_task_status(person, task, status: str) -> bool:
    """Artists move their own tasks only among artist-allowed statuses; others as can_change says."""
    from shots.workflow import flags

    if not can_change(person, task):
        return False
    a = access_for(person)
    if a.is_admin:
        return True
    if a.role_on(TaskRule().show_id(task)) == Role.ARTIST:
        return flags(status).artist_may_set
    return True


def can_see_money(person, show: Show | None = None) -> bool:
    """Rates, salaries and budget amounts: producers (of this show, when one is given) and admins."""
    a = access_for(person)
    if a.person is None:
        return False
    if a.is_admin:
        return True
    return a.has_role_on(show.pk, MONEY) if show is not None else a.sees_rates


def can_see_department_totals(person, show: Show) -> bool:
    """Department money totals (budget, actual cost, forecast per department; never a rate or a person's cost):
    the show's production managers besides those who see money, and admins."""
    a = access_for(person)
    if a.person is None:
        return False
    return a.is_admin or a.has_role_on(show.pk, PLANNERS)


def visible_shows(person, roles: Iterable[str] | None = None) -> models.QuerySet:
    """The person's shows, optionally only those where their effective role is one of `roles`."""
    a = access_for(person)
    if a.person is None:
        return Show.objects.none()
    if a.is_admin:
        return Show.objects.all()
    return Show.objects.filter(id__in=a.shows(roles) if roles is not None else list(a.show_roles))


MONEY_ONLY = "Budgets, costs and expenses are for the show's producers and admins."


def staff_show(person, code: str) -> Show:
    """The show with this code if the person works on it as staff (or is an admin); else Http404 — another show, a
    client's show (staff information) and a missing one answer alike."""
    return get_object_or_404(visible_shows(person, roles=ALL_STAFF), code=code)


def money_show(person, code: str) -> Show:
    """The show with this code if the person may see its money: its producers and admins. The show's other staff
    get a 403 that names no amount; its clients and strangers a 404 (staff_show)."""
    show = staff_show(person, code)
    require(can_see_money(person, show), MONEY_ONLY)
    return show


def role_on_show(person, show: Show) -> str | None:
    a = access_for(person)
    return Role.ADMIN if a.is_admin else a.role_on(show.pk)


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_view(person, obj) -> None:
    require(can_view(person, obj))


def require_change(person, obj) -> None:
    require(can_change(person, obj))


def can_read_schedule(person, show: Show) -> bool:
    """Schedule figures of a show (variance, the schedule dashboard, the load view): its production managers and
    producers, who own the schedule, and admins. Not supervisors (AC rolls up every department's hours), nor
    coordinators and artists. Callers first find the show among visible_shows(person, roles=ALL_STAFF), so a
    client's or a stranger's show is a 404, and answer False here with a 403."""
    a = access_for(person)
    if a.person is None:
        return False
    return a.is_admin or a.has_role_on(show.pk, PLANNERS)


def can_have_calendar_feeds(person) -> bool:
    """Calendar feeds (schedules.feeds) are for studio staff and admins: clients have no tasks or milestones to
    subscribe to, so they get no feeds page and no feed reads for them."""
    return access_for(person).is_studio_staff


def can_change_task_dates(person, task) -> bool:
    """Start and due dates are the production's plan: whoever may change the task, but not its artists
    (shots.services.task_update lets an artist change only the status of their own tasks)."""
    if not can_change(person, task):
        return False
    a = access_for(person)
    return a.is_admin or a.role_on(TaskRule().show_id(task)) != Role.ARTIST
