"""The hand-computed cost scenario "CST" (tests/budgets/test_costs.py has the arithmetic), reused by the API and
page tests of the costs helper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from budgets.models import ExpenseKind, PersonRateKind
from shots.workflow import TaskStatus
from studio.models import Department, Person, Role, Seniority, Show
from tests.budgets.factories import BudgetFactory, BudgetLineFactory, ExpenseFactory, PersonRateFactory, RateCardFactory
from tests.schedules.factories import TimeLogFactory
from tests.shots.factories import SequenceFactory, ShotFactory, TaskFactory, TaskTypeFactory
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

D = dt.date
AS_OF = D(2026, 3, 18)  # a Wednesday


@dataclass
class Scenario:
    show: Show
    anm: Department
    lgt: Department
    people: dict[str, Person]
    tasks: dict


def build_cost_scenario(code: str = "CST") -> Scenario:
    show = ShowFactory(code=code, name=f"{code} cost picture", hours_per_day=Decimal("7.5"), currency="EUR")
    anm = DepartmentFactory(name="Animation", code="ANIM", order=4)
    lgt = DepartmentFactory(name="Lighting", code="LGT", order=6)
    anm_type = TaskTypeFactory(name="Animation", department=anm)
    lgt_type = TaskTypeFactory(name="Lighting", department=lgt)
    seq = SequenceFactory(show=show, code="SQ010")
    shots = [ShotFactory(sequence=seq, code=f"SQ010_SH{n:04d}") for n in (10, 20, 30)]

    def task(shot, task_type, status, bid, start, due):
        return TaskFactory(
            shot=shot, task_type=task_type, status=status, bid_days=Decimal(bid), start_date=start, due_date=due
        )

    tasks = {
        "A1": task(shots[0], anm_type, TaskStatus.WIP, "10", D(2026, 3, 2), D(2026, 3, 13)),
        "A2": task(shots[1], anm_type, TaskStatus.APPROVED, "4", D(2026, 3, 2), D(2026, 3, 5)),
        "A3": task(shots[2], anm_type, TaskStatus.OMITTED, "5", D(2026, 3, 2), D(2026, 3, 6)),
        "L1": task(shots[0], lgt_type, TaskStatus.PENDING_REVIEW, "5", D(2026, 3, 9), D(2026, 3, 13)),
        "L2": task(shots[1], lgt_type, TaskStatus.READY, "3", D(2026, 3, 16), D(2026, 3, 20)),
    }

    def person(name, seniority, department, *, freelancer=False):
        p = PersonFactory(
            username=f"{code.lower()}-{name}",
            first_name=name.capitalize(),
            last_name=f"{code} Costed",
            role=Role.ARTIST,
            seniority=seniority,
            department=department,
            is_freelancer=freelancer,
        )
        MembershipFactory(person=p, show=show)
        return p

    people = {
        "ana": person("ana", Seniority.MID, anm),
        "ben": person("ben", Seniority.SENIOR, anm),
        "fay": person("fay", Seniority.MID, lgt, freelancer=True),
        "fix": person("fix", Seniority.MID, lgt, freelancer=True),
        "nora": person("nora", Seniority.JUNIOR, anm),
    }
    # Rate cards: artist mid changes on Mon 16 March; artist senior runs on; a USD card must be ignored.
    RateCardFactory(
        role=Role.ARTIST, seniority=Seniority.MID, day_rate=Decimal("400.00"), effective_from=D(2026, 1, 1),
        effective_to=D(2026, 3, 15),
    )  # fmt: skip
    RateCardFactory(
        role=Role.ARTIST, seniority=Seniority.MID, day_rate=Decimal("440.00"), effective_from=D(2026, 3, 16)
    )
    RateCardFactory(
        role=Role.ARTIST, seniority=Seniority.MID, day_rate=Decimal("999.00"), currency="USD",
        effective_from=D(2026, 1, 1),
    )  # fmt: skip
    RateCardFactory(
        role=Role.ARTIST, seniority=Seniority.SENIOR, day_rate=Decimal("500.00"), effective_from=D(2026, 1, 1)
    )
    # Ben's personal rate from Wed 18 March; Fay's freelance day rate for March; Fix's fixed fee.
    PersonRateFactory(person=people["ben"], kind=PersonRateKind.OVERRIDE, day_rate=Decimal("560.00"),
                      effective_from=D(2026, 3, 18))  # fmt: skip
    PersonRateFactory(
        person=people["fay"], kind=PersonRateKind.CONTRACT_DAY, day_rate=Decimal("600.00"),
        effective_from=D(2026, 3, 1), effective_to=D(2026, 3, 31),
    )  # fmt: skip
    PersonRateFactory(
        person=people["fix"], kind=PersonRateKind.CONTRACT_FIXED, day_rate=None, fixed_fee=Decimal("3000.00"),
        effective_from=D(2026, 3, 9), effective_to=D(2026, 3, 20),
    )  # fmt: skip

    def log(who, task_name, day, hours):
        TimeLogFactory(person=people[who], task=tasks[task_name], date=D(2026, 3, day), hours=Decimal(hours))

    log("ana", "A1", 2, "7.5")
    log("ana", "A1", 13, "6")
    log("ana", "A1", 16, "7.5")
    log("ana", "A1", 18, "3.75")
    log("ana", "A1", 19, "7.5")  # after as_of
    log("ana", "A3", 4, "7.5")  # omitted task
    log("ben", "A2", 3, "7.5")
    log("ben", "A2", 17, "5")
    log("ben", "A2", 18, "5")
    log("fay", "L1", 9, "7.5")
    log("fay", "L1", 10, "4")
    log("fix", "L1", 11, "7.5")
    log("fix", "L1", 12, "7.5")
    log("nora", "A1", 5, "3")  # no rate for a junior artist

    ExpenseFactory(show=show, department=anm, supplier=f"{code} Wacom", kind=ExpenseKind.HARDWARE,
                   amount=Decimal("1000.00"), date=D(2026, 3, 10))  # fmt: skip
    ExpenseFactory(show=show, department=lgt, supplier=f"{code} Roto Ltd", kind=ExpenseKind.FREELANCE,
                   amount=Decimal("250.50"), date=D(2026, 3, 18))  # fmt: skip
    ExpenseFactory(show=show, department=lgt, supplier=f"{code} SideFX", kind=ExpenseKind.SOFTWARE,
                   amount=Decimal("999.99"), date=D(2026, 3, 19))  # fmt: skip
    ExpenseFactory(show=show, department=anm, supplier=f"{code} Catering", kind=ExpenseKind.OTHER,
                   amount=Decimal("100.00"), date=D(2026, 3, 19))  # fmt: skip

    draft = BudgetFactory(show=show, revision=1, name="bid v1")  # not locked: ignored
    BudgetLineFactory(budget=draft, department=anm, days=Decimal("10"), amount=Decimal("77777.00"))
    locked = BudgetFactory(show=show, revision=2, name="bid v2", is_locked=True, locked_at=timezone.now())
    BudgetLineFactory(budget=locked, department=anm, days=Decimal("30"), amount=Decimal("12000.00"))
    BudgetLineFactory(budget=locked, department=lgt, days=Decimal("20"), amount=Decimal("9000.00"))
    return Scenario(show=show, anm=anm, lgt=lgt, people=people, tasks=tasks)


def show_cast(show: Show, prefix: str | None = None) -> dict[str, Person]:
    """One person per role on the show (the admin is studio-wide), for the access tests."""
    prefix = prefix or show.code.lower()
    cast = {}
    for role in (
        Role.ARTIST,
        Role.SUPERVISOR,
        Role.COORDINATOR,
        Role.PRODUCTION_MANAGER,
        Role.PRODUCER,
        Role.CLIENT,
        Role.ADMIN,
    ):
        person = PersonFactory(
            username=f"{prefix}-{role}", role=role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN
        )
        if role != Role.ADMIN:
            MembershipFactory(person=person, show=show)
        cast[str(role)] = person
    return cast
