"""The producer dashboard's scenario: a show whose four metrics are worked out by hand in tests/budgets/test_metrics.py.

Show PRD (8 hours a day, contract value 180,000.00), departments Animation (ANIM) and Lighting (LGT), as of
Thu 2026-03-12. Every task is planned Mon 2026-03-02 .. Fri 2026-03-06, so PV = its bid as of the 12th.

shot   frames  Animation (bid)            Lighting (bid)
SH0010   48    approved (2)               approved (1)
SH0020   24    final (2)                  -
SH0030  100    wip (4)                    retake (2)
SH0040   10    omitted (3)                -

Client sessions: CS1 Mon 03-02, CS2 Mon 03-09, CS3 Fri 03-20 (after the day), and one internal session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from dailies.models import NoteCategory, SessionKind, StatusChange
from shots.workflow import TaskStatus
from studio.models import Role
from tests.dailies.factories import NoteFactory, ReviewItemFactory, ReviewSessionFactory, VersionFactory
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

AS_OF = dt.date(2026, 3, 12)
START, DUE = dt.date(2026, 3, 2), dt.date(2026, 3, 6)


def written_on(note, day: dt.date, hour: int = 12):
    """Back-date a note (created_at is set on save)."""
    type(note).objects.filter(pk=note.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    )
    return note


@dataclass
class Scenario:
    show: object
    animation: object
    lighting: object
    producer: object
    artist: object
    tasks: dict = field(default_factory=dict)
    shots: dict = field(default_factory=dict)


def build_scenario(*, code: str = "PRD", contract_value: Decimal | None = Decimal("180000.00")) -> Scenario:
    show = ShowFactory(code=code, name=f"{code} producer picture", contract_value=contract_value)
    animation = DepartmentFactory(name="Animation", code="ANIM", order=4)
    lighting = DepartmentFactory(name="Lighting", code="LGT", order=6)
    anim_type = TaskTypeFactory(name="Animation", short_name="ANM", department=animation, order=4)
    lgt_type = TaskTypeFactory(name="Lighting", short_name="LGT", department=lighting, order=6)
    producer = PersonFactory(username=f"{code.lower()}-producer", role=Role.PRODUCER)
    artist = PersonFactory(username=f"{code.lower()}-artist", role=Role.ARTIST)
    coordinator = PersonFactory(username=f"{code.lower()}-coordinator", role=Role.COORDINATOR)
    for person in (producer, artist, coordinator):
        MembershipFactory(person=person, show=show)
    sequence = SequenceFactory(show=show, code="SQ010")
    frames = {"SH0010": 48, "SH0020": 24, "SH0030": 100, "SH0040": 10}
    shots = {
        name: ShotFactory(sequence=sequence, code=f"SQ010_{name}", cut_in=1001, cut_out=1000 + count)
        for name, count in frames.items()
    }

    def task(shot, task_type, status, bid):
        return TaskFactory(
            shot=shots[shot],
            task_type=task_type,
            status=status,
            bid_days=Decimal(bid),
            start_date=START,
            due_date=DUE,
            assignees=[artist],
        )

    tasks = {
        "A_anim": task("SH0010", anim_type, TaskStatus.APPROVED, "2"),
        "B_anim": task("SH0020", anim_type, TaskStatus.FINAL, "2"),
        "C_anim": task("SH0030", anim_type, TaskStatus.WIP, "4"),
        "D_anim": task("SH0040", anim_type, TaskStatus.OMITTED, "3"),
        "A_lgt": task("SH0010", lgt_type, TaskStatus.APPROVED, "1"),
        "C_lgt": task("SH0030", lgt_type, TaskStatus.RETAKE, "2"),
    }
    v = {}
    for key, count in (("A_anim", 2), ("B_anim", 2), ("C_anim", 1), ("D_anim", 1), ("A_lgt", 1), ("C_lgt", 1)):
        for number in range(1, count + 1):
            v[f"{key}_v{number}"] = VersionFactory(task=tasks[key], number=number, author=artist)

    cs1 = ReviewSessionFactory(show=show, name="CS1", kind=SessionKind.CLIENT, date=dt.date(2026, 3, 2))
    cs2 = ReviewSessionFactory(show=show, name="CS2", kind=SessionKind.CLIENT, date=dt.date(2026, 3, 9))
    cs3 = ReviewSessionFactory(show=show, name="CS3", kind=SessionKind.CLIENT, date=dt.date(2026, 3, 20))
    internal = ReviewSessionFactory(show=show, name="Internal", kind=SessionKind.INTERNAL, date=dt.date(2026, 3, 3))
    for session, version in (
        (cs1, "A_anim_v1"),
        (cs1, "B_anim_v1"),
        (cs1, "D_anim_v1"),
        (cs2, "B_anim_v2"),
        (cs2, "A_anim_v2"),
        (cs2, "A_lgt_v1"),
        (cs2, "C_lgt_v1"),
        (cs3, "C_anim_v1"),
        (internal, "C_anim_v1"),
    ):
        ReviewItemFactory(session=session, version=v[version])

    def note(version, day, *, category=NoteCategory.CLIENT, change=StatusChange.NONE, published=True):
        session = {dt.date(2026, 3, 2): cs1, dt.date(2026, 3, 9): cs2}.get(day)
        made = NoteFactory(
            version=v[version],
            session=session,
            author=coordinator,
            category=category,
            status_change=change,
            is_published=published,
        )
        return written_on(made, day)

    note("A_anim_v1", dt.date(2026, 3, 2), change=StatusChange.APPROVE)  # first pass approved
    note("B_anim_v1", dt.date(2026, 3, 2), change=StatusChange.RETAKE)  # a client retake
    note("B_anim_v2", dt.date(2026, 3, 9), change=StatusChange.APPROVE)  # approved, but not the first shown
    note("A_anim_v2", dt.date(2026, 3, 9))  # a client comment, no status change
    note("D_anim_v1", dt.date(2026, 3, 2), change=StatusChange.APPROVE)  # omitted task: left out
    # An internal approval of a version never shown to the client: not a client note.
    note("C_anim_v1", dt.date(2026, 3, 3), category=NoteCategory.SUPERVISOR, change=StatusChange.APPROVE)
    note("A_lgt_v1", dt.date(2026, 3, 9), change=StatusChange.APPROVE, published=False)  # held, still approves
    note("C_lgt_v1", dt.date(2026, 3, 10), change=StatusChange.RETAKE)  # a client retake
    note("C_lgt_v1", dt.date(2026, 3, 13), change=StatusChange.RETAKE)  # after the day

    for key, day, hours in (
        ("A_anim", dt.date(2026, 3, 2), "8"),
        ("B_anim", dt.date(2026, 3, 3), "4"),
        ("C_anim", dt.date(2026, 3, 4), "6.5"),
        ("C_anim", dt.date(2026, 3, 13), "8"),  # after the day
        ("D_anim", dt.date(2026, 3, 5), "8"),  # omitted task
        ("A_lgt", dt.date(2026, 3, 5), "6"),
        ("C_lgt", dt.date(2026, 3, 6), "4"),
    ):
        TimeLogFactory(person=artist, task=tasks[key], date=day, hours=Decimal(hours))

    return Scenario(
        show=show, animation=animation, lighting=lighting, producer=producer, artist=artist, tasks=tasks, shots=shots
    )
