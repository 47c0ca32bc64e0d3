"""Demo and benchmark data, built by `manage.py seed_demo`.

- `seed_demo()` builds a believable show (RBT) to click through. Every role has a login, every task status
  appears, some tasks are due today and some are overdue, dailies have notes, and the budget has figures. A
  second small show (KTL) gives the permissions an "other show".
- `seed_film(shots=3000)` builds PRODUCT.md's film scale on a show of its own (FLM), for benchmarks.

This is a seeding tool, not a user action. It writes with bulk_create because the services check permissions
and validate one object at a time, which would take hours at film scale. Each show is built inside one
transaction, so a failure leaves nothing half-written. Seeding is idempotent: a show that exists is left
alone, and the studio reference data and the demo logins are ensured on every run.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import get_hasher, make_password
from django.db import models, transaction
from django.utils import timezone

from budgets.models import Budget, BudgetLine, Expense, ExpenseKind, PersonRate, PersonRateKind, RateCard
from budgets.snapshots import seed_producer_demo
from dailies.models import (
    Note,
    NoteCategory,
    NoteRecipient,
    RecipientKind,
    ReviewItem,
    ReviewSession,
    SessionKind,
    StatusChange,
    Version,
    VersionStatus,
)
from schedules.baselines import seed_baseline_demo
from schedules.dashboard import seed_schedule_dashboard_demo
from schedules.models import Baseline, BaselineTask, Holiday, Milestone, TimeLog
from schedules.planning import seed_planning_demo
from schedules.services import ev_recompute
from schedules.timesheets import seed_timesheet_demo
from shots.models import BreakdownStatus, Priority, Sequence, Shot, Task, TaskTemplateItem, TaskType
from shots.workflow import TaskStatus

from .models import Department, Person, Role, Seniority, Show, ShowMembership, ShowStatus
from .services import show_summary_refresh

DEMO_PASSWORD = "slate-demo"
DEMO_SHOW_CODE = "RBT"
OTHER_SHOW_CODE = "KTL"
FILM_SHOW_CODE = "FLM"
BATCH_SIZE = 5000

CENT = Decimal("0.01")
HOURS_PER_DAY = Decimal("8")

# --- Studio reference data --------------------------------------------------------------------------

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("MOD", "Modelling"),
    ("RIG", "Rigging"),
    ("LAY", "Layout"),
    ("ANM", "Animation"),
    ("FX", "FX"),
    ("LGT", "Lighting"),
    ("CMP", "Compositing"),
)


@dataclass(frozen=True)
class TaskTypeSpec:
    name: str
    short_name: str
    department: str  # department code
    order: int
    colour: str


# Two pipeline steps per department, in pipeline order. The film puts all of them on a shot (Crowd only on
# every third shot); the demo show uses the five that every animated shot goes through.
TASK_TYPES: tuple[TaskTypeSpec, ...] = (
    TaskTypeSpec("Previz", "PVZ", "LAY", 10, "#a855f7"),
    TaskTypeSpec("Layout", "LAY", "LAY", 20, "#8b5cf6"),
    TaskTypeSpec("Modelling", "MOD", "MOD", 30, "#0ea5e9"),
    TaskTypeSpec("Texturing", "TEX", "MOD", 40, "#06b6d4"),
    TaskTypeSpec("Rigging", "RIG", "RIG", 50, "#14b8a6"),
    TaskTypeSpec("Crowd", "CRWD", "RIG", 60, "#10b981"),
    TaskTypeSpec("Blocking", "BLK", "ANM", 70, "#84cc16"),
    TaskTypeSpec("Animation", "ANIM", "ANM", 80, "#22c55e"),
    TaskTypeSpec("Character FX", "CFX", "FX", 90, "#f59e0b"),
    TaskTypeSpec("FX", "FX", "FX", 100, "#f97316"),
    TaskTypeSpec("Lighting", "LGT", "LGT", 110, "#eab308"),
    TaskTypeSpec("Rendering", "RND", "LGT", 120, "#d97706"),
    TaskTypeSpec("Roto & prep", "ROTO", "CMP", 130, "#f43f5e"),
    TaskTypeSpec("Compositing", "COMP", "CMP", 140, "#ef4444"),
)
FILM_OPTIONAL_TASK_TYPE = "Crowd"

# Studio day rates (EUR) per role and seniority: junior, mid, senior, lead.
RATE_CARD: dict[str, tuple[str, str, str, str]] = {
    Role.ARTIST: ("300.00", "420.00", "540.00", "620.00"),
    Role.SUPERVISOR: ("560.00", "640.00", "720.00", "800.00"),
    Role.COORDINATOR: ("260.00", "320.00", "380.00", "440.00"),
    Role.PRODUCTION_MANAGER: ("400.00", "480.00", "560.00", "640.00"),
    Role.PRODUCER: ("520.00", "620.00", "720.00", "850.00"),
}
SENIORITY_ORDER = (Seniority.JUNIOR, Seniority.MID, Seniority.SENIOR, Seniority.LEAD)


@dataclass
class Reference:
    departments: dict[str, Department]  # by code
    task_types: dict[str, TaskType]  # by name


def ensure_reference_data(*, today: dt.date) -> Reference:
    """Departments, task types and rate cards: studio-wide, created once and reused by every show."""
    departments = {}
    for order, (code, name) in enumerate(DEPARTMENTS, start=1):
        department = Department.objects.filter(name=name).first() or Department.objects.filter(code=code).first()
        if department is None:
            department = Department.objects.create(name=name, code=code, order=order * 10)
        departments[code] = department
    task_types = {}
    for spec in TASK_TYPES:
        task_types[spec.name], _ = TaskType.objects.get_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "department": departments[spec.department],
                "order": spec.order,
                "colour": spec.colour,
            },
        )
    # A rate card only when the studio has none for that role and seniority yet: the studio's own rates win.
    rates_from = dt.date(today.year - 2, 1, 1)
    for role, rates in RATE_CARD.items():
        for seniority, rate in zip(SENIORITY_ORDER, rates, strict=True):
            if not RateCard.objects.filter(role=role, seniority=seniority, currency="EUR").exists():
                RateCard.objects.create(
                    role=role, seniority=seniority, day_rate=Decimal(rate), currency="EUR", effective_from=rates_from
                )
    return Reference(departments=departments, task_types=task_types)


def demo_password_hash() -> str:
    """One hash for every seeded login, so thousands of people cost one hashing, not minutes.

    The salt is fixed so that re-seeding writes the same string: nobody is logged out and nothing changes.
    The password is published in the README and the command's output, so the salt protects nothing here.
    """
    try:
        return get_hasher().encode(DEMO_PASSWORD, "slatedemopublishedsalt0")
    except (TypeError, ValueError):  # a hasher that insists on its own salt format (bcrypt)
        return make_password(DEMO_PASSWORD)


# --- Demo people --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str
    label: str
    department: str | None = None  # department code
    seniority: str = Seniority.MID
    is_freelancer: bool = False
    shows: tuple[str, ...] = (DEMO_SHOW_CODE,)
    is_superuser: bool = False


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "Sam", "Okafor", Role.ADMIN, "Admin (superuser: /admin/)", shows=(), is_superuser=True),
    DemoPerson(
        "producer",
        "Priya",
        "Raman",
        Role.PRODUCER,
        "Producer (RBT and KTL)",
        seniority=Seniority.SENIOR,
        shows=(DEMO_SHOW_CODE, OTHER_SHOW_CODE),
    ),
    DemoPerson("pm", "Marco", "Bellini", Role.PRODUCTION_MANAGER, "Production manager"),
    DemoPerson("coordinator", "Chloé", "Martin", Role.COORDINATOR, "Coordinator (runs dailies)"),
    DemoPerson("anim.sup", "Hiro", "Tanaka", Role.SUPERVISOR, "Supervisor, Animation", "ANM", Seniority.LEAD),
    DemoPerson("light.sup", "Lena", "Vogel", Role.SUPERVISOR, "Supervisor, Lighting", "LGT", Seniority.LEAD),
    DemoPerson("artist", "Alex", "Moreau", Role.ARTIST, "Artist, Animation", "ANM"),
    DemoPerson("artist2", "Bea", "Santos", Role.ARTIST, "Artist, Animation", "ANM", Seniority.JUNIOR),
    DemoPerson("artist3", "Chen", "Wei", Role.ARTIST, "Artist, Lighting", "LGT", Seniority.SENIOR),
    DemoPerson("artist4", "Dara", "Kelly", Role.ARTIST, "Artist, FX", "FX"),
    DemoPerson("artist5", "Emil", "Novak", Role.ARTIST, "Artist, Compositing", "CMP"),
    DemoPerson("artist6", "Farah", "Haddad", Role.ARTIST, "Artist, Layout", "LAY", Seniority.SENIOR),
    DemoPerson(
        "freelancer", "Gus", "Lindqvist", Role.ARTIST, "Artist, Compositing (freelance)", "CMP", is_freelancer=True
    ),
    DemoPerson("client", "Claire", "Dubois", Role.CLIENT, "Client (sees released client sessions of RBT)"),
    DemoPerson("ktl.artist", "Kai", "Tran", Role.ARTIST, "Artist on KTL only", "ANM", shows=(OTHER_SHOW_CODE,)),
)
DEMO_LOGINS: list[tuple[str, str]] = [(p.username, p.label) for p in DEMO_PEOPLE]


def ensure_demo_people(ref: Reference, *, password_hash: str) -> dict[str, Person]:
    """Create the demo logins, or put back their role, department and password if someone changed them."""
    existing = {p.username: p for p in Person.objects.filter(username__in=[p.username for p in DEMO_PEOPLE])}
    people = {}
    for spec in DEMO_PEOPLE:
        wanted = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@demo.slate.example",
            "role": spec.role,
            "seniority": spec.seniority,
            "department_id": ref.departments[spec.department].pk if spec.department else None,
            "is_freelancer": spec.is_freelancer,
            "is_staff": spec.is_superuser,
            "is_superuser": spec.is_superuser,
            "is_active": True,
            "password": password_hash,
        }
        person = existing.get(spec.username)
        if person is None:
            person = Person(username=spec.username, **wanted)
            person.save()
        else:
            changed = [name for name, value in wanted.items() if getattr(person, name) != value]
            for name in changed:
                setattr(person, name, wanted[name])
            if changed:
                person.save(update_fields=[name.removesuffix("_id") for name in changed])
        people[spec.username] = person
    return people


def ensure_demo_memberships(people: dict[str, Person]) -> None:
    shows = {s.code: s for s in Show.objects.filter(code__in=[DEMO_SHOW_CODE, OTHER_SHOW_CODE])}
    for spec in DEMO_PEOPLE:
        for code in spec.shows:
            if code in shows:
                ShowMembership.objects.get_or_create(person=people[spec.username], show=shows[code])


# --- Dates ----------------------------------------------------------------------------------------------


class WorkingCalendar:
    """Monday to Friday minus the show's holidays, kept as a sorted list so shifting by n working days is
    an index lookup (the film shifts dates a few hundred thousand times)."""

    def __init__(self, first: dt.date, last: dt.date, holidays: Iterable[dt.date] = ()):
        off = set(holidays)
        span = (last - first).days + 1
        self.days = [
            day for day in (first + dt.timedelta(days=n) for n in range(span)) if day.weekday() < 5 and day not in off
        ]

    def index(self, day: dt.date) -> int:
        """The index of `day`, or of the first working day after it."""
        return bisect_left(self.days, day)

    def at(self, index: int) -> dt.date:
        return self.days[min(max(index, 0), len(self.days) - 1)]

    def shift(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after (n > 0) or before (n < 0) `day`; `day` itself when n is 0."""
        if n == 0:
            return day
        i = self.index(day)
        if n > 0:
            is_working_day = i < len(self.days) and self.days[i] == day
            return self.at(i + n if is_working_day else i + n - 1)
        return self.at(i + n)

    def between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        return self.days[bisect_left(self.days, first) : bisect_right(self.days, last)]

    def is_working_day(self, day: dt.date) -> bool:
        i = self.index(day)
        return i < len(self.days) and self.days[i] == day


def public_holidays(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """The studio's fixed-date holidays (Christmas, New Year, Labour Day) that fall between two dates."""
    found = []
    for year in range(first.year, last.year + 1):
        for month, day, name in ((1, 1, "New Year's Day"), (5, 1, "Labour Day"), (12, 25, "Christmas Day")):
            date = dt.date(year, month, day)
            if first <= date <= last:
                found.append((date, name))
    return sorted(found)


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime in the studio's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def half_days(value: Decimal) -> Decimal:
    """Round a bid to the nearest half day (at least half a day)."""
    return max(Decimal("0.5"), (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2)


def bid_span(bid: Decimal) -> int:
    """Working days a task is planned over: its bid rounded up."""
    return max(1, math.ceil(bid))


STARTED = frozenset(
    {
        TaskStatus.WIP,
        TaskStatus.PENDING_REVIEW,
        TaskStatus.RETAKE,
        TaskStatus.APPROVED,
        TaskStatus.FINAL,
        TaskStatus.ON_HOLD,
    }
)
REVIEWED = frozenset({TaskStatus.PENDING_REVIEW, TaskStatus.RETAKE, TaskStatus.APPROVED, TaskStatus.FINAL})
DONE = frozenset({TaskStatus.APPROVED, TaskStatus.FINAL})


@contextmanager
def explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk_create keep the created_at values we give.

    bulk_create stamps auto_now_add fields with the current time, but seeded history needs versions submitted
    and notes written over past weeks: the inbox, the digest and the review queue sort on these times.
    """
    saved = [(field, field.auto_now_add) for field in fields]
    for field, _ in saved:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, value in saved:
            field.auto_now_add = value


def _timestamped():
    return explicit_timestamps(Version._meta.get_field("created_at"), Note._meta.get_field("created_at"))


# --- The demo show --------------------------------------------------------------------------------------

DEMO_SEQUENCES = (
    ("SQ010", "The descent", 14),
    ("SQ020", "Trench chase", 13),
    ("SQ030", "Surfacing", 13),
)
DEMO_FRAME_COUNTS = (48, 72, 96, 36, 120, 64, 84, 57, 110, 42, 150, 66, 90)
DEMO_SHOT_DESCRIPTIONS = (
    "Wide: the submarine drops past the continental shelf",
    "Close on Pip's face lit by the sonar screen",
    "Over the shoulder: the hatch opens onto darkness",
    "Tracking the swarm of lantern fish",
    "Insert: the depth gauge needle shudders",
    "Two-shot, Pip and Bolt argue over the map",
)
# Which task is in progress on a shot, per sequence: SQ010 is in lighting and compositing (every third shot is
# finished), SQ020 in animation, SQ030 in layout.
DEMO_ACTIVE_STEP = {"SQ010": ("", "Compositing", "Lighting"), "SQ020": ("Animation",), "SQ030": ("Layout",)}
DEMO_ACTIVE_STATUSES = (
    TaskStatus.WIP,
    TaskStatus.PENDING_REVIEW,
    TaskStatus.WIP,
    TaskStatus.RETAKE,
    TaskStatus.READY,
    TaskStatus.PENDING_REVIEW,
    TaskStatus.WIP,
)
# Working days from today to the due date of the task in progress, cycled over the shots: some due today,
# some this week, some overdue.
DEMO_DUE_OFFSETS = (0, -3, 1, 2, 0, -1, 4, 3, -6, 1, 7, 0, 2)
DEMO_ON_HOLD_SHOT = "SQ020_SH0080"
DEMO_OMITTED_SHOT = "SQ030_SH0130"
DEMO_ASSIGNEES = {
    "Layout": ("artist6",),
    "Animation": ("artist", "artist2"),
    "FX": ("artist4",),
    "Lighting": ("artist3",),
    "Compositing": ("artist5", "freelancer"),
}
DEMO_SUPERVISORS = {"ANM": "anim.sup", "LGT": "light.sup"}

RETAKE_NOTES = {
    "Layout": "Camera feels too static — push in slowly over the last second and keep the horizon level.",
    "Animation": "Arc on the arm swing is broken around frame 1040; give the head a beat of anticipation.",
    "FX": "Bubbles rise too evenly; vary the size and let a few cling to the hull.",
    "Lighting": "Key is too cool against the sequence; warm the sonar bounce and lift the fill on Pip.",
    "Compositing": "Edges on the porthole glass are ringing; soften the matte and add a touch of grain.",
}
APPROVE_NOTES = (
    "Approved — lovely work.",
    "Approved, ship it.",
    "Looks great, approved for the next step.",
)
DIRECTOR_NOTES = (
    "Director: keep the pause before Bolt's line, it sells the joke.",
    "Director: can we feel more of the pressure on the hull here?",
)


@dataclass
class PlannedTask:
    task: Task
    type_name: str
    assignees: list[Person]
    version_count: int = 0


@dataclass
class DemoResult:
    created_shows: list[str]
    present_shows: list[str]


DEMO_HISTORY_DAYS = 21  # daily snapshots for the trend charts (each day is a full recompute: keep the seed quick)


@transaction.atomic
def seed_demo(*, today: dt.date | None = None) -> DemoResult:
    """Make sure the demo shows, people and reference data exist. Returns which shows it built."""
    today = today or timezone.localdate()
    ref = ensure_reference_data(today=today)
    people = ensure_demo_people(ref, password_hash=demo_password_hash())
    created, present = [], []
    for code, build in ((DEMO_SHOW_CODE, _build_demo_show), (OTHER_SHOW_CODE, _build_other_show)):
        if Show.objects.filter(code=code).exists():
            present.append(code)
        else:
            build(ref, people, today)
            created.append(code)
    ensure_demo_memberships(people)
    for show in Show.objects.filter(code__in=[DEMO_SHOW_CODE, OTHER_SHOW_CODE]):
        show_summary_refresh(show_id=show.pk)
        ev_recompute(show_id=show.pk)  # today's variance figures, so the demo has them before the nightly run
        if show.code == DEMO_SHOW_CODE and show.code in created:
            # Three weeks of history, as the nightly runs would have kept it, so the dashboards' trends have lines.
            seed_schedule_dashboard_demo(show, days=DEMO_HISTORY_DAYS, today=today)
            seed_producer_demo(show_id=show.pk, today=today, days=DEMO_HISTORY_DAYS)
    return DemoResult(created_shows=created, present_shows=present)


def _demo_bid(type_name: str, frames: int) -> Decimal:
    seconds = Decimal(frames) / Decimal(24)
    per_second = {
        "Layout": Decimal("0.25"),
        "Animation": Decimal("1.25"),
        "FX": Decimal("0.5"),
        "Lighting": Decimal("0.4"),
        "Compositing": Decimal("0.3"),
    }[type_name]
    base = {"Layout": 0, "Animation": 0, "FX": 2, "Lighting": 1, "Compositing": 1}[type_name]
    return half_days(Decimal(base) + seconds * per_second)


def _build_demo_show(ref: Reference, people: dict[str, Person], today: dt.date) -> None:
    start, end = today - dt.timedelta(days=81), today + dt.timedelta(days=221)
    show = Show.objects.create(
        code=DEMO_SHOW_CODE,
        name="Robots of the Deep",
        status=ShowStatus.ACTIVE,
        fps=Decimal("24"),
        resolution_width=2048,
        resolution_height=858,
        start_date=start,
        end_date=end,
        currency="EUR",
        hours_per_day=HOURS_PER_DAY,
        contract_value=Decimal("2400000.00"),
    )
    holidays = public_holidays(start, end)
    Holiday.objects.bulk_create([Holiday(show=show, date=date, name=name) for date, name in holidays])
    cal = WorkingCalendar(start - dt.timedelta(days=365), end + dt.timedelta(days=365), [d for d, _ in holidays])
    yesterday = cal.shift(today, -1)

    sequences = Sequence.objects.bulk_create(
        [Sequence(show=show, code=code, name=name, order=n * 10) for n, (code, name, _) in enumerate(DEMO_SEQUENCES)]
    )
    shots: list[Shot] = []
    for sequence, (_, _, shot_count) in zip(sequences, DEMO_SEQUENCES, strict=True):
        for j in range(shot_count):
            i = len(shots)
            frames = DEMO_FRAME_COUNTS[i % len(DEMO_FRAME_COUNTS)]
            cut_in = show.default_head_in + show.default_handles
            code = f"{sequence.code}_SH{(j + 1) * 10:04d}"
            shots.append(
                Shot(
                    show=show,
                    sequence=sequence,
                    code=code,
                    description=DEMO_SHOT_DESCRIPTIONS[i % len(DEMO_SHOT_DESCRIPTIONS)],
                    status=BreakdownStatus.OMITTED if code == DEMO_OMITTED_SHOT else BreakdownStatus.ACTIVE,
                    order=(j + 1) * 10,
                    cut_in=cut_in,
                    cut_out=cut_in + frames - 1,
                    head_in=cut_in - show.default_handles,
                    tail_out=cut_in + frames - 1 + show.default_handles,
                )
            )
    Shot.objects.bulk_create(shots)

    planned = _plan_demo_tasks(shots, ref, people, cal, today)
    Task.objects.bulk_create([p.task for p in planned])
    Task.assignees.through.objects.bulk_create(
        [Task.assignees.through(task_id=p.task.pk, person_id=a.pk) for p in planned for a in p.assignees]
    )

    # New shots made in the demo (by hand or from a cut) get the usual steps.
    TaskTemplateItem.objects.bulk_create(
        TaskTemplateItem(show=show, task_type=ref.task_types[name], default_bid_days=Decimal(bid))
        for name, bid in (("Layout", "1"), ("Animation", "4"), ("Lighting", "1.5"), ("Compositing", "1"))
    )

    versions = _demo_versions(planned, show, cal, today)
    _demo_dailies(show, planned, versions, people, cal, today)
    _demo_time_logs(planned, cal, yesterday)
    _demo_schedule(show, ref, planned, people, cal, today)
    _demo_money(show, ref, planned, people, cal, today)
    seed_planning_demo(show, people, today)  # days off, a part-time artist
    seed_timesheet_demo(show, people, today)  # older weeks locked by the producer
    seed_baseline_demo(show, people, today)  # a second plan to compare with the award plan


def _plan_demo_tasks(
    shots: list[Shot], ref: Reference, people: dict[str, Person], cal: WorkingCalendar, today: dt.date
) -> list[PlannedTask]:
    planned: list[PlannedTask] = []
    for i, shot in enumerate(shots):
        seq_code = shot.code.split("_")[0]
        type_names = ["Layout", "Animation"] + (["FX"] if i % 3 != 1 else []) + ["Lighting", "Compositing"]
        steps = DEMO_ACTIVE_STEP[seq_code]
        active_name = steps[i % len(steps)]
        active = type_names.index(active_name) if active_name else len(type_names)
        active_status = DEMO_ACTIVE_STATUSES[i % len(DEMO_ACTIVE_STATUSES)]
        if shot.code == DEMO_ON_HOLD_SHOT:
            active_status = TaskStatus.ON_HOLD

        statuses = []
        for k, name in enumerate(type_names):
            if k < active:
                early_step = name in ("Layout", "Animation")
                statuses.append(TaskStatus.FINAL if seq_code == "SQ010" and early_step else TaskStatus.APPROVED)
            elif k == active:
                statuses.append(active_status)
            else:
                statuses.append(TaskStatus.WAITING)
        if shot.status == BreakdownStatus.OMITTED:
            statuses = [TaskStatus.OMITTED] * len(type_names)

        bids = [_demo_bid(name, shot.frame_count) for name in type_names]
        starts, dues = _chain_dates(
            cal,
            today,
            spans=[bid_span(b) for b in bids],
            active=active,
            active_started=active < len(type_names) and statuses[active] in STARTED,
            offset=DEMO_DUE_OFFSETS[i % len(DEMO_DUE_OFFSETS)],
            finished_days_ago=2 + i % 5,
        )
        for k, name in enumerate(type_names):
            pool = DEMO_ASSIGNEES[name]
            unassigned = name == "FX" and seq_code == "SQ030"  # not cast yet
            assignees = [] if unassigned else [people[pool[i % len(pool)]]]
            task = Task(
                shot=shot,
                task_type=ref.task_types[name],
                status=statuses[k],
                bid_days=bids[k],
                start_date=starts[k],
                due_date=dues[k],
                priority=Priority.HIGH if statuses[k] == TaskStatus.RETAKE else Priority.NORMAL,
            )
            planned.append(PlannedTask(task=task, type_name=name, assignees=assignees))
    return planned


def _chain_dates(
    cal: WorkingCalendar,
    today: dt.date,
    *,
    spans: list[int],
    active: int,
    active_started: bool,
    offset: int,
    finished_days_ago: int,
) -> tuple[list[dt.date], list[dt.date]]:
    """Plan a shot's tasks back to back around the task in progress.

    The task in progress is due `offset` working days from today (negative: overdue); the tasks before it
    ended just before it started, the tasks after it follow it. A finished shot's last task ended
    `finished_days_ago` working days ago.
    """
    n = len(spans)
    starts: list[dt.date] = [today] * n
    dues: list[dt.date] = [today] * n
    if active < n:
        if active_started:
            due = cal.shift(today, offset)
            start = min(cal.shift(due, -(spans[active] - 1)), cal.shift(today, -2))
        else:  # ready: starts soon
            start = cal.shift(today, 1 + abs(offset) % 3)
            due = cal.shift(start, spans[active] - 1)
        starts[active], dues[active] = start, due
        before_start = start
        after_due = due
    else:
        before_start = cal.shift(today, -finished_days_ago + 1)
        after_due = before_start
    for k in range(min(active, n) - 1, -1, -1):
        dues[k] = cal.shift(before_start, -1)
        starts[k] = cal.shift(dues[k], -(spans[k] - 1))
        before_start = starts[k]
    for k in range(active + 1, n):
        starts[k] = cal.shift(after_due, 1)
        dues[k] = cal.shift(starts[k], spans[k] - 1)
        after_due = dues[k]
    return starts, dues


def _version_plan(status: str, i: int) -> tuple[int, int]:
    """How many versions a demo task has, and how many of them were sent back (its retake count)."""
    if status == TaskStatus.PENDING_REVIEW:
        n = 1 + i % 3
        return n, n - 1
    if status == TaskStatus.RETAKE:
        n = 1 + i % 2
        return n, n
    if status in DONE:
        n = 1 + i % 3
        return n, n - 1
    if status == TaskStatus.WIP and i % 4 == 0:  # working on a retake of v001
        return 1, 1
    return 0, 0


def _demo_versions(
    planned: list[PlannedTask], show: Show, cal: WorkingCalendar, today: dt.date
) -> dict[int, list[Version]]:
    """Versions per task (by task pk), oldest first. Earlier versions were sent back; the latest one carries
    the task's state (pending review, retake or approved)."""
    yesterday = cal.shift(today, -1)
    versions: list[Version] = []
    by_task: dict[int, list[Version]] = defaultdict(list)
    for i, p in enumerate(planned):
        task = p.task
        count, retakes = _version_plan(task.status, i)
        task.retake_count = retakes
        p.version_count = count
        if not count:
            continue
        window = cal.between(task.start_date, min(task.due_date, yesterday)) or [yesterday]
        short = task.task_type.short_name
        for number in range(1, count + 1):
            day = window[min(len(window) - 1, (number * len(window)) // (count + 1))]
            if number == count and task.status == TaskStatus.PENDING_REVIEW:
                day = yesterday  # submitted for today's dailies
            if number < count:
                status = VersionStatus.RETAKE
            else:
                status = {
                    TaskStatus.PENDING_REVIEW: VersionStatus.PENDING_REVIEW,
                    TaskStatus.APPROVED: VersionStatus.APPROVED,
                    TaskStatus.FINAL: VersionStatus.APPROVED,
                }.get(task.status, VersionStatus.RETAKE)
            version = Version(
                task=task,
                number=number,
                author=p.assignees[0],
                studio_path=f"/mnt/shows/{show.code}/{task.shot.code}/{short}/{task.shot.code}_{short}_v{number:03d}.mov",
                frame_in=task.shot.cut_in,
                frame_out=task.shot.cut_out,
                status=status,
                comment="Addressed the notes from dailies." if number > 1 else "First pass for review.",
                created_at=at_local(day, 16, (7 * i + 11 * number) % 60),
            )
            versions.append(version)
            by_task[task.pk].append(version)
    Task.objects.bulk_update([p.task for p in planned if p.task.retake_count], ["retake_count"])
    with _timestamped():
        Version.objects.bulk_create(versions)
    return by_task


def _demo_dailies(
    show: Show,
    planned: list[PlannedTask],
    versions: dict[int, list[Version]],
    people: dict[str, Person],
    cal: WorkingCalendar,
    today: dt.date,
) -> None:
    """Past internal dailies (closed, with notes), today's dailies (the pending versions, no notes yet) and a
    client session released to the client with one published client note and one held back."""
    coordinator, client = people["coordinator"], people["client"]
    yesterday = cal.shift(today, -1)
    next_dailies = today if cal.is_working_day(today) else cal.shift(today, 1)
    sessions: dict[dt.date, ReviewSession] = {}

    def session_on(day: dt.date) -> ReviewSession:
        if day not in sessions:
            sessions[day] = ReviewSession(
                show=show,
                name=f"Dailies {day:%a %d %b}",
                date=day,
                kind=SessionKind.INTERNAL,
                created_by=coordinator,
                is_closed=day < today,
            )
        return sessions[day]

    items: list[tuple[ReviewSession, Version]] = []
    notes: list[tuple[Note, list[tuple[Person, str]]]] = []
    for i, p in enumerate(planned):
        department = p.task.task_type.department
        supervisor = people.get(DEMO_SUPERVISORS.get(department.code, ""))
        for version in versions.get(p.task.pk, []):
            if version.status == VersionStatus.PENDING_REVIEW:
                items.append((session_on(next_dailies), version))
                continue
            review_day = min(cal.shift(version.created_at.date(), 1), yesterday)
            session = session_on(review_day)
            items.append((session, version))
            recipients = [(a, RecipientKind.TO) for a in p.assignees]
            if supervisor:
                recipients.append((supervisor, RecipientKind.CC))
            approve = version.status == VersionStatus.APPROVED
            body = APPROVE_NOTES[i % len(APPROVE_NOTES)] if approve else RETAKE_NOTES[p.type_name]
            written = at_local(review_day, 10, (3 * i) % 60)
            notes.append(
                (
                    Note(
                        version=version,
                        session=session,
                        author=coordinator,
                        body=body,
                        category=NoteCategory.SUPERVISOR if supervisor else NoteCategory.INTERNAL,
                        status_change=StatusChange.APPROVE if approve else StatusChange.RETAKE,
                        published_at=written,
                        created_at=written,
                    ),
                    recipients,
                )
            )
            if p.type_name == "Animation" and i % 4 == 1:
                notes.append(
                    (
                        Note(
                            version=version,
                            session=session,
                            author=coordinator,
                            body=DIRECTOR_NOTES[i % len(DIRECTOR_NOTES)],
                            category=NoteCategory.DIRECTOR,
                            published_at=written + dt.timedelta(minutes=1),
                            created_at=written + dt.timedelta(minutes=1),
                        ),
                        recipients,
                    )
                )

    # The client saw four finished SQ010 shots three days ago.
    client_day = cal.shift(today, -3)
    client_session = ReviewSession(
        show=show,
        name=f"Client review {client_day:%d %b}",
        date=client_day,
        kind=SessionKind.CLIENT,
        created_by=people["producer"],
        released_at=at_local(client_day, 9),
        is_closed=True,
    )
    shown = [
        p
        for p in planned
        if p.task.shot.code.startswith("SQ010")
        and p.type_name in ("Lighting", "Compositing")
        and p.task.status in DONE
        and p.task.pk in versions
    ][:4]
    for p in shown:
        items.append((client_session, versions[p.task.pk][-1]))
    ReviewSession.objects.bulk_create([*sorted(sessions.values(), key=lambda s: s.date), client_session])

    order_in_session: dict[int, int] = defaultdict(int)
    review_items = []
    for session, version in items:
        order_in_session[session.pk] += 1
        review_items.append(ReviewItem(session=session, version=version, order=order_in_session[session.pk] * 10))
    ReviewItem.objects.bulk_create(review_items)

    if shown:
        approved_by_client = shown[0]
        written = at_local(client_day, 15)
        supervisor = people.get(DEMO_SUPERVISORS.get(approved_by_client.task.task_type.department.code, ""))
        recipients = [(a, RecipientKind.TO) for a in approved_by_client.assignees]
        if supervisor:
            recipients.append((supervisor, RecipientKind.CC))
        notes.append(
            (
                Note(
                    version=versions[approved_by_client.task.pk][-1],
                    session=client_session,
                    author=client,
                    body="Beautiful — the glow on the hull is exactly what we hoped for. Approved.",
                    category=NoteCategory.CLIENT,
                    status_change=StatusChange.APPROVE,
                    is_published=True,
                    published_at=written + dt.timedelta(hours=2),
                    created_at=written,
                ),
                recipients,
            )
        )
    if len(shown) > 1:
        # Held until production decides what to pass on: no recipients (nobody is told) until it is published.
        notes.append(
            (
                Note(
                    version=versions[shown[1].task.pk][-1],
                    session=client_session,
                    author=client,
                    body="Could the running lights read a little warmer? Happy to discuss before it goes back.",
                    category=NoteCategory.CLIENT,
                    is_published=False,
                    published_at=None,
                    created_at=at_local(client_day, 15, 20),
                ),
                [],
            )
        )

    with _timestamped():
        Note.objects.bulk_create([note for note, _ in notes])
    read_before = cal.shift(today, -3)
    NoteRecipient.objects.bulk_create(
        [
            NoteRecipient(
                note=note,
                person=person,
                kind=kind,
                read_at=note.created_at + dt.timedelta(hours=1) if note.created_at.date() < read_before else None,
                digested_at=at_local(note.created_at.date(), 19) if note.created_at.date() < yesterday else None,
            )
            for note, recipients in notes
            for person, kind in recipients
        ]
    )


def _demo_time_logs(planned: list[PlannedTask], cal: WorkingCalendar, yesterday: dt.date) -> None:
    """Each artist logs an 8-hour day, split over the tasks they were working on that day."""
    windows: dict[int, list[tuple[Task, dt.date, dt.date]]] = defaultdict(list)
    for p in planned:
        task = p.task
        if task.status not in STARTED or not p.assignees:
            continue
        if task.status in DONE:
            last = task.due_date
        elif task.status == TaskStatus.ON_HOLD:
            last = cal.shift(task.start_date, 2)
        else:
            last = yesterday
        for person in p.assignees:
            windows[person.pk].append((task, task.start_date, min(last, yesterday)))
    rng = random.Random(7)
    logs = []
    for person_id, person_windows in sorted(windows.items()):
        first = min(start for _, start, _ in person_windows)
        for day in cal.between(first, yesterday):
            active = [task for task, start, last in person_windows if start <= day <= last]
            if not active or rng.random() < 0.06:  # a day off now and then
                continue
            share = (HOURS_PER_DAY / len(active)).quantize(Decimal("0.25"), rounding=ROUND_DOWN)
            remainder = HOURS_PER_DAY - share * len(active)
            for n, task in enumerate(active):
                hours = share + (remainder if n == 0 else 0)
                if hours > 0:
                    logs.append(TimeLog(person_id=person_id, task=task, date=day, hours=hours))
    TimeLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)


def _demo_schedule(
    show: Show,
    ref: Reference,
    planned: list[PlannedTask],
    people: dict[str, Person],
    cal: WorkingCalendar,
    today: dt.date,
) -> None:
    Milestone.objects.bulk_create(
        [
            Milestone(show=show, department=ref.departments["LAY"], name="Layout lock", date=cal.shift(today, -10)),
            Milestone(show=show, name="Client screening", date=cal.shift(today, 15)),
            Milestone(show=show, department=ref.departments["ANM"], name="Animation lock", date=cal.shift(today, 40)),
            Milestone(
                show=show, department=ref.departments["LGT"], name="Lighting complete", date=cal.shift(today, 95)
            ),
            Milestone(show=show, name="Final delivery", date=show.end_date),
        ]
    )
    # The plan at award had animation three working days earlier than it is now: the show is slipping there.
    baseline = Baseline.objects.create(show=show, name="Award plan", is_active=True, created_by=people["pm"])
    rows = []
    for p in planned:
        task = p.task
        if task.status == TaskStatus.OMITTED:
            continue
        slip = 3 if task.shot.code.startswith("SQ020") else 0
        rows.append(
            BaselineTask(
                baseline=baseline,
                task=task,
                bid_days=task.bid_days,
                start_date=cal.shift(task.start_date, -slip),
                due_date=cal.shift(task.due_date, -slip),
            )
        )
    BaselineTask.objects.bulk_create(rows)


DEMO_BLENDED_DAY_RATE = Decimal("480.00")


def _demo_money(
    show: Show,
    ref: Reference,
    planned: list[PlannedTask],
    people: dict[str, Person],
    cal: WorkingCalendar,
    today: dt.date,
) -> None:
    """Budget bid v1 (locked): per department, the bid days plus 10% contingency at a blended day rate."""
    budget = Budget.objects.create(
        show=show, revision=1, name="bid v1", is_locked=True, locked_at=at_local(show.start_date, 11)
    )
    bid_days: dict[str, Decimal] = defaultdict(Decimal)
    for p in planned:
        if p.task.status != TaskStatus.OMITTED:
            bid_days[p.task.task_type.department.code] += p.task.bid_days
    lines = []
    for code, _ in DEPARTMENTS:
        if code in bid_days:
            days = half_days(bid_days[code] * Decimal("1.1"))
            amount = (days * DEMO_BLENDED_DAY_RATE).quantize(CENT)
            lines.append(BudgetLine(budget=budget, department=ref.departments[code], days=days, amount=amount))
    BudgetLine.objects.bulk_create(lines)

    PersonRate.objects.bulk_create(
        [
            PersonRate(
                person=people["freelancer"],
                kind=PersonRateKind.CONTRACT_DAY,
                day_rate=Decimal("575.00"),
                effective_from=show.start_date,
                effective_to=show.end_date,
            ),
            PersonRate(
                person=people["artist3"],
                kind=PersonRateKind.OVERRIDE,
                day_rate=Decimal("590.00"),
                effective_from=show.start_date,
            ),
        ]
    )
    Expense.objects.bulk_create(
        [
            Expense(
                show=show,
                department=ref.departments["LGT"],
                supplier="Nimbus Render Farm",
                description="Cloud render burst, SQ010",
                kind=ExpenseKind.OTHER,
                amount=Decimal("4850.00"),
                date=cal.shift(today, -8),
            ),
            Expense(
                show=show,
                department=ref.departments["FX"],
                supplier="SideFX",
                description="Two extra Houdini FX licences, 6 months",
                kind=ExpenseKind.SOFTWARE,
                amount=Decimal("3960.00"),
                date=cal.shift(today, -35),
            ),
            Expense(
                show=show,
                department=ref.departments["CMP"],
                supplier="Frameworks Roto Ltd",
                description="Outsourced roto, SQ010",
                kind=ExpenseKind.FREELANCE,
                amount=Decimal("2275.50"),
                date=cal.shift(today, -4),
            ),
            Expense(
                show=show,
                department=ref.departments["ANM"],
                supplier="Wacom",
                description="Three pen displays",
                kind=ExpenseKind.HARDWARE,
                amount=Decimal("2997.00"),
                date=cal.shift(today, -50),
            ),
        ]
    )


def _build_other_show(ref: Reference, people: dict[str, Person], today: dt.date) -> None:
    """KTL: a small show in bidding with its own artist, so the demo has work other people must not see."""
    start, end = today - dt.timedelta(days=20), today + dt.timedelta(days=150)
    show = Show.objects.create(
        code=OTHER_SHOW_CODE,
        name="Kettle Lake",
        status=ShowStatus.BIDDING,
        start_date=start,
        end_date=end,
        currency="EUR",
        hours_per_day=HOURS_PER_DAY,
    )
    cal = WorkingCalendar(start - dt.timedelta(days=365), end + dt.timedelta(days=365))
    yesterday = cal.shift(today, -1)
    sequence = Sequence.objects.create(show=show, code="SQ010", name="Pitch", order=10)
    cut_in = show.default_head_in + show.default_handles
    shots = Shot.objects.bulk_create(
        [
            Shot(
                show=show,
                sequence=sequence,
                code=f"SQ010_SH{n * 10:04d}",
                order=n * 10,
                cut_in=cut_in,
                cut_out=cut_in + frames - 1,
                head_in=cut_in - show.default_handles,
                tail_out=cut_in + frames - 1 + show.default_handles,
            )
            for n, frames in ((1, 60), (2, 84), (3, 40))
        ]
    )
    artist = people["ktl.artist"]
    animation_statuses = (TaskStatus.APPROVED, TaskStatus.PENDING_REVIEW, TaskStatus.WIP)
    tasks = []
    for n, (shot, status) in enumerate(zip(shots, animation_statuses, strict=True)):
        start_day = cal.shift(today, -8 + 2 * n)
        tasks.append(
            Task(
                shot=shot,
                task_type=ref.task_types["Animation"],
                status=status,
                bid_days=Decimal("3"),
                start_date=start_day,
                due_date=cal.shift(start_day, 4),
            )
        )
        tasks.append(
            Task(
                shot=shot,
                task_type=ref.task_types["Lighting"],
                status=TaskStatus.WAITING,
                bid_days=Decimal("2"),
                start_date=cal.shift(start_day, 5),
                due_date=cal.shift(start_day, 6),
            )
        )
    Task.objects.bulk_create(tasks)
    animation = [t for t in tasks if t.task_type.name == "Animation"]
    Task.assignees.through.objects.bulk_create(
        [Task.assignees.through(task_id=t.pk, person_id=artist.pk) for t in animation]
    )
    _demo_time_logs([PlannedTask(task=t, type_name="Animation", assignees=[artist]) for t in animation], cal, yesterday)
    approved, pending = animation[0], animation[1]
    with _timestamped():
        versions = Version.objects.bulk_create(
            [
                Version(
                    task=t,
                    number=1,
                    author=artist,
                    studio_path=f"/mnt/shows/KTL/{t.shot.code}/ANIM/{t.shot.code}_ANIM_v001.mov",
                    frame_in=t.shot.cut_in,
                    frame_out=t.shot.cut_out,
                    status=status,
                    created_at=at_local(cal.shift(today, -days), 17),
                )
                for t, status, days in (
                    (approved, VersionStatus.APPROVED, 3),
                    (pending, VersionStatus.PENDING_REVIEW, 1),
                )
            ]
        )
    session = ReviewSession.objects.create(
        show=show, name="Pitch review", date=cal.shift(today, -2), created_by=people["producer"], is_closed=True
    )
    ReviewItem.objects.create(session=session, version=versions[0], order=10)
    written = at_local(session.date, 11)
    with _timestamped():
        note = Note.objects.create(
            version=versions[0],
            session=session,
            author=people["producer"],
            body="Great energy in the kettle's hop — approved for the pitch reel.",
            category=NoteCategory.INTERNAL,
            status_change=StatusChange.APPROVE,
            published_at=written,
            created_at=written,
        )
    NoteRecipient.objects.create(note=note, person=artist, kind=RecipientKind.TO)


# --- Film scale -----------------------------------------------------------------------------------------

FILM_SHOTS = 3000
FILM_SHOTS_PER_SEQUENCE = 50
FILM_STAFF: tuple[tuple[str, str, int], ...] = (  # role, username stem, how many
    (Role.PRODUCER, "producer", 2),
    (Role.PRODUCTION_MANAGER, "pm", 3),
    (Role.COORDINATOR, "coord", 6),
    (Role.CLIENT, "client", 2),
)
FILM_ARTISTS = 230  # + 20 staff (7 supervisors, one per department) = PRODUCT.md's 250 people
# Share of the artists per department (largest remainder, at least one each).
FILM_ARTIST_WEIGHTS = {"MOD": 8, "RIG": 7, "LAY": 10, "ANM": 35, "FX": 10, "LGT": 15, "CMP": 15}
FIRST_NAMES = (
    "Ada Ben Cleo Dev Eli Femi Gia Hugo Ines Jun Kofi Lea Mika Nia Omar Pia Quin Rosa Sven Tara Umi Vik Wren Xia "
    "Yuri Zoe"
).split()
LAST_NAMES = (
    "Abbott Berg Costa Diaz Eze Fischer Gupta Hale Ito Jensen Khan Lopez Mori Nakamura Olsen Petrov Quinn Rossi "
    "Sato Tanaka Ueda Vance Weber Xu Yilmaz Zhou"
).split()
FILM_NOTE_BODIES = {
    NoteCategory.SUPERVISOR: (
        "Timing feels rushed in the middle; hold the key pose two frames longer.",
        "Silhouette reads better now, keep pushing the overlap on the fins.",
        "Contact shadows are missing under the feet.",
        "Match the sequence key: a touch warmer and less contrast.",
    ),
    NoteCategory.INTERNAL: (
        "Tech check: frame range matches the cut.",
        "Please publish the cache before lighting picks it up.",
        "Render has a few fireflies around frame 1050.",
    ),
    NoteCategory.DIRECTOR: (
        "Director: I want to feel the weight of the whale here.",
        "Director: lovely, keep the camera drift.",
    ),
    NoteCategory.CLIENT: ("Client: approved, thank you.", "Client: beautiful shot, approved."),
}


@dataclass(frozen=True)
class FilmPlan:
    """How much data `seed_film(shots=n)` makes: PRODUCT.md's film at 3,000 shots, proportional below."""

    shots: int

    @property
    def sequences(self) -> int:
        return math.ceil(self.shots / FILM_SHOTS_PER_SEQUENCE)

    @property
    def crowd_shots(self) -> int:
        """Every third shot (the first, fourth...) also has a Crowd task."""
        return math.ceil(self.shots / 3)

    @property
    def tasks(self) -> int:
        return (len(TASK_TYPES) - 1) * self.shots + self.crowd_shots

    @property
    def versions(self) -> int:
        return 10 * self.shots

    @property
    def notes(self) -> int:
        return 5 * self.versions

    @property
    def time_logs(self) -> int:
        return 33 * self.shots + self.crowd_shots

    @property
    def artists(self) -> int:
        return max(len(DEPARTMENTS), (FILM_ARTISTS * self.shots + FILM_SHOTS // 2) // FILM_SHOTS)

    @property
    def people(self) -> int:
        return self.artists + len(DEPARTMENTS) + sum(count for _, _, count in FILM_STAFF)


@dataclass
class FilmResult:
    created: bool
    plan: FilmPlan
    seconds: float
    counts: dict[str, int]


def film_logins() -> list[tuple[str, str]]:
    """Some logins on the film show (all with the demo password), for benchmarks and trying it out."""
    return [
        ("flm.producer1", "Producer on FLM"),
        ("flm.pm1", "Production manager on FLM"),
        ("flm.coord1", "Coordinator on FLM"),
        ("flm.sup.anm", "Supervisor, Animation on FLM"),
        ("flm.artist001", "Artist on FLM"),
        ("flm.client1", "Client on FLM"),
    ]


def seed_film(
    *,
    shots: int = FILM_SHOTS,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> FilmResult:
    """Build the film-scale show FLM (skipped if it exists). `shots` scales every count proportionally."""
    if shots < 1:
        raise ValueError("shots must be at least 1.")
    plan = FilmPlan(shots)
    started = time.monotonic()
    existing = Show.objects.filter(code=FILM_SHOW_CODE).first()
    if existing is None:
        today = today or timezone.localdate()
        ref = ensure_reference_data(today=today)
        with transaction.atomic():
            show = _FilmBuilder(plan, ref, random.Random(seed), today, progress or (lambda message: None)).build()
            show_summary_refresh(show_id=show.pk)
    else:
        show = existing
    return FilmResult(created=existing is None, plan=plan, seconds=time.monotonic() - started, counts=film_counts(show))


def film_counts(show: Show) -> dict[str, int]:
    return {
        "sequences": Sequence.objects.filter(show=show).count(),
        "shots": Shot.objects.filter(show=show).count(),
        "tasks": Task.objects.filter(shot__show=show).count(),
        "people": ShowMembership.objects.filter(show=show).count(),
        "versions": Version.objects.filter(task__shot__show=show).count(),
        "notes": Note.objects.filter(version__task__shot__show=show).count(),
        "note recipients": NoteRecipient.objects.filter(note__version__task__shot__show=show).count(),
        "time logs": TimeLog.objects.filter(task__shot__show=show).count(),
    }


class _FilmBuilder:
    """Builds FLM with bulk inserts, one model at a time, keeping only ids and small tuples in memory."""

    def __init__(self, plan: FilmPlan, ref: Reference, rng: random.Random, today: dt.date, progress):
        self.plan, self.ref, self.rng, self.today, self.progress = plan, ref, rng, today, progress
        # Mid-production: as much behind as ahead.
        self.start = today - dt.timedelta(days=45 * 7)
        self.end = today + dt.timedelta(days=45 * 7)
        holidays = public_holidays(self.start, self.end)
        self.holidays = holidays
        self.cal = WorkingCalendar(
            self.start - dt.timedelta(days=730), self.end + dt.timedelta(days=730), [d for d, _ in holidays]
        )
        self.today_index = self.cal.index(today)
        self.yesterday_index = self.today_index - 1
        self._clock = time.monotonic()

    def step(self, message: str) -> None:
        now = time.monotonic()
        self.progress(f"{message} ({now - self._clock:.1f} s)")
        self._clock = now

    def build(self) -> Show:
        self.show = Show.objects.create(
            code=FILM_SHOW_CODE,
            name="Leviathan",
            status=ShowStatus.ACTIVE,
            fps=Decimal("24"),
            resolution_width=4096,
            resolution_height=1716,
            start_date=self.start,
            end_date=self.end,
            currency="EUR",
            hours_per_day=HOURS_PER_DAY,
            contract_value=Decimal("60000000.00"),
        )
        Holiday.objects.bulk_create([Holiday(show=self.show, date=d, name=name) for d, name in self.holidays])
        self._people()
        self.step(f"{self.plan.people} people")
        self._breakdown()
        self.step(f"{self.plan.sequences} sequences, {self.plan.shots} shots")
        self._tasks()
        self.step(f"{len(self.tasks)} tasks")
        self._versions_and_notes()
        self._time_logs()
        self.step("time logs")
        self._money_and_milestones()
        return self.show

    # People ---------------------------------------------------------------------------------------------

    def _people(self) -> None:
        password = demo_password_hash()
        specs: list[tuple[str, str, str | None, str]] = []  # username, role, department code, seniority
        for role, stem, count in FILM_STAFF:
            specs += [(f"flm.{stem}{n}", role, None, Seniority.SENIOR) for n in range(1, count + 1)]
        specs += [(f"flm.sup.{code.lower()}", Role.SUPERVISOR, code, Seniority.LEAD) for code, _ in DEPARTMENTS]
        seniorities = (Seniority.JUNIOR, Seniority.MID, Seniority.MID, Seniority.SENIOR, Seniority.LEAD)
        n = 0
        for code, count in self._artists_per_department().items():
            for _ in range(count):
                n += 1
                specs.append((f"flm.artist{n:03d}", Role.ARTIST, code, seniorities[n % len(seniorities)]))
        people = [
            Person(
                username=username,
                first_name=FIRST_NAMES[k % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(k // len(FIRST_NAMES) + k) % len(LAST_NAMES)],
                email=f"{username}@film.slate.example",
                role=role,
                seniority=seniority,
                department_id=self.ref.departments[code].pk if code else None,
                is_freelancer=role == Role.ARTIST and k % 9 == 0,
                password=password,
            )
            for k, (username, role, code, seniority) in enumerate(specs)
        ]
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        ShowMembership.objects.bulk_create(
            [ShowMembership(person=p, show=self.show) for p in people], batch_size=BATCH_SIZE
        )
        self.artists: dict[int, list[int]] = defaultdict(list)  # department id -> artist ids
        self.supervisor: dict[int, int] = {}
        for p in people:
            if p.role == Role.ARTIST:
                self.artists[p.department_id].append(p.pk)
            elif p.role == Role.SUPERVISOR:
                self.supervisor[p.department_id] = p.pk
        self.coordinators = [p.pk for p in people if p.role == Role.COORDINATOR]
        self.clients = [p.pk for p in people if p.role == Role.CLIENT]
        self.producers = [p.pk for p in people if p.role == Role.PRODUCER]

    def _artists_per_department(self) -> dict[str, int]:
        total, weights = self.plan.artists, FILM_ARTIST_WEIGHTS
        spare = total - len(weights)
        exact = {code: spare * w / sum(weights.values()) for code, w in weights.items()}
        counts = {code: 1 + int(x) for code, x in exact.items()}
        by_remainder = sorted(weights, key=lambda code: (-(exact[code] - int(exact[code])), code))
        for code in by_remainder[: total - sum(counts.values())]:
            counts[code] += 1
        return counts

    # Breakdown and tasks --------------------------------------------------------------------------------

    def _breakdown(self) -> None:
        width = max(3, len(str(self.plan.sequences * 10)))
        sequences = Sequence.objects.bulk_create(
            [
                Sequence(show=self.show, code=f"SQ{(q + 1) * 10:0{width}d}", order=(q + 1) * 10)
                for q in range(self.plan.sequences)
            ]
        )
        shots = []
        cut_in = self.show.default_head_in + self.show.default_handles
        handles = self.show.default_handles
        for i in range(self.plan.shots):
            q, j = divmod(i, FILM_SHOTS_PER_SEQUENCE)
            frames = self.rng.randint(24, 240)
            shots.append(
                Shot(
                    show=self.show,
                    sequence=sequences[q],
                    code=f"{sequences[q].code}_SH{(j + 1) * 10:04d}",
                    order=(j + 1) * 10,
                    # One shot in fifty was cut from the film.
                    status=BreakdownStatus.OMITTED if j == 37 else BreakdownStatus.ACTIVE,
                    cut_in=cut_in,
                    cut_out=cut_in + frames - 1,
                    head_in=cut_in - handles,
                    tail_out=cut_in + frames - 1 + handles,
                )
            )
        self.shots = Shot.objects.bulk_create(shots, batch_size=BATCH_SIZE)

    def _tasks(self) -> None:
        """Plan every shot's steps back to back from the day its sequence enters production (sequences enter
        one after another across the show), then read each task's status off its dates as of today: done
        before today, in progress across today, waiting after, and everything behind a late step waits."""
        rng, t = self.rng, self.today_index
        first, last = self.cal.index(self.start), self.cal.index(self.end)
        # Sequences enter production over the first 80% of the show, the first two weeks in: prep before,
        # and time for the last sequence's pipeline after.
        first += 10
        spread = (last - first) * 80 // 100
        types_all = [self.ref.task_types[spec.name] for spec in TASK_TYPES]
        types_most = [tt for tt in types_all if tt.name != FILM_OPTIONAL_TASK_TYPE]
        tasks: list[Task] = []
        self.worked: list[str] = []  # status before an omission: versions and time logs follow it
        self.task_shot: list[int] = []  # shot index of each task
        self.assignees: list[list[int]] = []
        for i, shot in enumerate(self.shots):
            q, j = divmod(i, FILM_SHOTS_PER_SEQUENCE)
            day = first + q * spread // self.plan.sequences + (2 * j) % 20
            previous_done, blocked = True, False
            for k, task_type in enumerate(types_all if i % 3 == 0 else types_most):
                bid = half_days(Decimal(rng.randint(2, 8)) / 2 + Decimal(shot.frame_count) / 240)
                start = day + rng.randint(0, 2)  # hand-over between departments
                due = start + bid_span(bid) - 1
                day = due + 1
                if blocked:
                    status = TaskStatus.WAITING
                elif due < t:
                    if due >= t - 5 and rng.random() < 0.3:  # running late
                        status = rng.choice((TaskStatus.WIP, TaskStatus.PENDING_REVIEW, TaskStatus.RETAKE))
                    else:
                        status = TaskStatus.FINAL if due < t - 30 else TaskStatus.APPROVED
                elif start <= t:
                    status = rng.choices(
                        (
                            TaskStatus.WIP,
                            TaskStatus.PENDING_REVIEW,
                            TaskStatus.RETAKE,
                            TaskStatus.READY,
                            TaskStatus.ON_HOLD,
                        ),
                        weights=(50, 20, 10, 12, 8),
                    )[0]
                else:
                    status = TaskStatus.READY if previous_done else TaskStatus.WAITING
                previous_done = status in DONE
                blocked = blocked or not previous_done
                pool = self.artists[task_type.department_id]
                people = [pool[(i * 7 + k) % len(pool)]]
                if task_type.name == "Animation" and i % 10 == 0 and len(pool) > 1:
                    people.append(pool[(i * 7 + k + 1) % len(pool)])
                if status == TaskStatus.WAITING and rng.random() < 0.5:
                    people = []  # not cast yet
                self.worked.append(status)
                self.task_shot.append(i)
                self.assignees.append(people)
                tasks.append(
                    Task(
                        shot=shot,
                        task_type=task_type,
                        status=TaskStatus.OMITTED if shot.status == BreakdownStatus.OMITTED else status,
                        bid_days=bid,
                        start_date=self.cal.at(start),
                        due_date=self.cal.at(due),
                        priority=Priority.HIGH if status == TaskStatus.RETAKE else Priority.NORMAL,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
        through = Task.assignees.through
        through.objects.bulk_create(
            [
                through(task_id=task.pk, person_id=person_id)
                for task, people in zip(tasks, self.assignees, strict=True)
                for person_id in people
            ],
            batch_size=BATCH_SIZE,
        )
        self.tasks = tasks

    def _spread(self, positions: list[int], total: int) -> dict[int, int]:
        """Share `total` items over the tasks at `positions`: one each first, the rest at random. (If there
        were more tasks than items, a random `total` of them get one.)"""
        if not positions:
            raise RuntimeError("The film plan has no finished work to hang versions and time logs on.")
        if len(positions) >= total:
            return dict.fromkeys(self.rng.sample(positions, total), 1)
        counts = dict.fromkeys(positions, 1)
        for _ in range(total - len(positions)):
            counts[positions[self.rng.randrange(len(positions))]] += 1
        return counts

    # Versions, dailies and notes ------------------------------------------------------------------------

    def _versions_and_notes(self) -> None:
        """Ten versions per shot on average, on the tasks that went to review; five notes on each, written in
        the dailies that reviewed it (and, for every seventh shot's approved work, a client review)."""
        rng, cal = self.rng, self.cal
        yesterday = self.yesterday_index
        reviewed = [k for k, status in enumerate(self.worked) if status in REVIEWED]
        counts = self._spread(reviewed, self.plan.versions)
        versions: list[Version] = []
        version_task: list[int] = []  # position in self.tasks
        shown_to_client: list[bool] = []
        retakes: dict[int, int] = defaultdict(int)
        for k in sorted(counts):
            count, task, status = counts[k], self.tasks[k], self.worked[k]
            first = cal.index(task.start_date)
            last = max(min(cal.index(task.due_date), yesterday), first)
            short = task.task_type.short_name
            for number in range(1, count + 1):
                day_index = first + (number * (last - first)) // (count + 1)
                if number < count:
                    version_status = VersionStatus.RETAKE
                elif status in DONE:
                    version_status = VersionStatus.APPROVED
                elif status == TaskStatus.RETAKE:
                    version_status = VersionStatus.RETAKE
                else:
                    version_status = VersionStatus.PENDING_REVIEW
                    day_index = max(day_index, yesterday)
                if version_status == VersionStatus.RETAKE:
                    retakes[k] += 1
                versions.append(
                    Version(
                        task=task,
                        number=number,
                        author_id=self.assignees[k][0],
                        studio_path=f"/mnt/shows/FLM/{task.shot.code}/{short}/v{number:03d}.exr",
                        frame_in=task.shot.head_in,
                        frame_out=task.shot.tail_out,
                        status=version_status,
                        created_at=at_local(cal.at(day_index), 15 + number % 4, rng.randint(0, 59)),
                    )
                )
                version_task.append(k)
                shown_to_client.append(version_status == VersionStatus.APPROVED and self.task_shot[k] % 7 == 0)
        for k, count in retakes.items():
            self.tasks[k].retake_count = count
        Task.objects.bulk_update([self.tasks[k] for k in retakes], ["retake_count"], batch_size=BATCH_SIZE)
        with _timestamped():
            Version.objects.bulk_create(versions, batch_size=BATCH_SIZE)
        self.step(f"{len(versions)} versions")

        # Internal dailies every working day up to today; client reviews on Fridays, released to the client.
        internal: dict[int, ReviewSession] = {}
        client: dict[int, ReviewSession] = {}
        placements = []  # (internal session day, client session day or None) per version
        for version, to_client in zip(versions, shown_to_client, strict=True):
            created = cal.index(version.created_at.date())
            pending = version.status == VersionStatus.PENDING_REVIEW
            review = self.today_index if pending else min(created + 1, self.today_index)
            client_day = None
            if to_client:
                client_day = review
                while cal.at(client_day).weekday() != 4:
                    client_day += 1
                if client_day >= self.today_index:
                    client_day = None
            placements.append((review, client_day))
            internal.setdefault(review, None)
            if client_day is not None:
                client.setdefault(client_day, None)
        for day in internal:
            date = cal.at(day)
            internal[day] = ReviewSession(
                show=self.show,
                name=f"Dailies {date:%Y-%m-%d}",
                date=date,
                kind=SessionKind.INTERNAL,
                created_by_id=self.coordinators[day % len(self.coordinators)],
                is_closed=day < self.today_index,
            )
        for day in client:
            date = cal.at(day)
            client[day] = ReviewSession(
                show=self.show,
                name=f"Client review {date:%Y-%m-%d}",
                date=date,
                kind=SessionKind.CLIENT,
                created_by_id=self.producers[0],
                released_at=at_local(date, 9),
                is_closed=True,
            )
        ReviewSession.objects.bulk_create([*internal.values(), *client.values()], batch_size=BATCH_SIZE)
        order: dict[int, int] = defaultdict(int)
        items = []
        for version, (review, client_day) in zip(versions, placements, strict=True):
            for session in (internal[review], client.get(client_day)):
                if session is not None:
                    order[session.pk] += 10
                    items.append(ReviewItem(session=session, version=version, order=order[session.pk]))
        ReviewItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        self.step(f"{len(internal) + len(client)} review sessions, {len(items)} review items")

        notes: list[Note] = []
        recipients: list[list[tuple[int, str]]] = []
        for version, k, (review, client_day) in zip(versions, version_task, placements, strict=True):
            supervisor = self.supervisor.get(self.tasks[k].task_type.department_id)
            to = self.assignees[k]
            for n in range(5):
                session = internal[review]
                category = (NoteCategory.SUPERVISOR, NoteCategory.INTERNAL, NoteCategory.DIRECTOR)[n % 3]
                author = supervisor if category == NoteCategory.SUPERVISOR else self.coordinators[n % 2]
                status_change = StatusChange.NONE
                if n == 4:  # the last word carries the decision
                    status_change = {
                        VersionStatus.APPROVED: StatusChange.APPROVE,
                        VersionStatus.RETAKE: StatusChange.RETAKE,
                    }.get(version.status, StatusChange.NONE)
                    if client_day is not None:
                        session, category, author = client[client_day], NoteCategory.CLIENT, self.clients[0]
                written = at_local(session.date, 10 + n, rng.randint(0, 59))
                notes.append(
                    Note(
                        version=version,
                        session=session,
                        author_id=author,
                        body=rng.choice(FILM_NOTE_BODIES[category]),
                        category=category,
                        status_change=status_change,
                        published_at=written,
                        created_at=written,
                    )
                )
                rows = [(person_id, RecipientKind.TO) for person_id in to]
                if supervisor not in to and supervisor != author:
                    rows.append((supervisor, RecipientKind.CC))
                recipients.append(rows)
        with _timestamped():
            Note.objects.bulk_create(notes, batch_size=BATCH_SIZE)
        self.step(f"{len(notes)} notes")
        read_before = cal.at(self.today_index - 3)
        digested_before = cal.at(yesterday)
        rows = []
        for note, people in zip(notes, recipients, strict=True):
            day = note.created_at.date()
            read_at = note.created_at + dt.timedelta(hours=2) if day < read_before else None
            digested_at = at_local(day, 19) if day < digested_before else None
            rows += [
                NoteRecipient(note=note, person_id=person_id, kind=kind, read_at=read_at, digested_at=digested_at)
                for person_id, kind in people
            ]
        NoteRecipient.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.step(f"{len(rows)} note recipients")

    # Time logs ------------------------------------------------------------------------------------------

    def _time_logs(self) -> None:
        """The time logs, shared over the tasks that were worked on: each task's on consecutive working days
        up to its due date (or yesterday), by its first assignee, so one row per person, task and date."""
        hours_choices = tuple(Decimal(h) for h in ("2", "2.5", "3", "3.5", "4", "4.5", "5"))
        started = [k for k, status in enumerate(self.worked) if status in STARTED]
        logs = []
        for k, count in sorted(self._spread(started, self.plan.time_logs).items()):
            task = self.tasks[k]
            last = min(self.cal.index(task.due_date), self.yesterday_index)
            person_id = self.assignees[k][0]
            for day_index in range(last - count + 1, last + 1):
                logs.append(
                    TimeLog(
                        person_id=person_id,
                        task=task,
                        date=self.cal.at(day_index),
                        hours=self.rng.choice(hours_choices),
                    )
                )
        TimeLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)

    # Budget and milestones ------------------------------------------------------------------------------

    def _money_and_milestones(self) -> None:
        bid_days: dict[int, Decimal] = defaultdict(Decimal)
        for task in self.tasks:
            if task.status != TaskStatus.OMITTED:
                bid_days[task.task_type.department_id] += task.bid_days
        budget = Budget.objects.create(
            show=self.show, revision=1, name="bid v1", is_locked=True, locked_at=at_local(self.start, 11)
        )
        lines = []
        for code, _ in DEPARTMENTS:
            department = self.ref.departments[code]
            if department.pk in bid_days:
                days = half_days(bid_days[department.pk] * Decimal("1.1"))
                lines.append(
                    BudgetLine(
                        budget=budget,
                        department=department,
                        days=days,
                        amount=(days * Decimal("500.00")).quantize(CENT),
                    )
                )
        BudgetLine.objects.bulk_create(lines)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    show=self.show,
                    department=self.ref.departments["ANM"],
                    name="Animation lock",
                    date=self.cal.shift(self.today, 120),
                ),
                Milestone(show=self.show, name="Final delivery", date=self.end),
            ]
        )
