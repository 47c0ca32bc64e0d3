"""Budget revisions: numbering, copies, one locked revision per show, frozen lines, permissions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import revisions
from budgets.models import Budget, BudgetLine
from studio import permissions
from studio.models import Role
from tests.concurrency import concurrently
from tests.studio.factories import DepartmentFactory, MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return ShowFactory(code="REV")


def member(show, role):
    person = PersonFactory(role=role)
    MembershipFactory(person=person, show=show)
    return person


@pytest.fixture
def producer(show):
    return member(show, Role.PRODUCER)


@pytest.fixture
def departments():
    return DepartmentFactory(name="Animation", code="ANIM", order=1), DepartmentFactory(name="FX", code="FX", order=2)


def test_revisions_are_numbered_per_show(show, producer):
    first = revisions.budget_create(actor=producer, show=show, name="bid v1")
    second = revisions.budget_create(actor=producer, show=show, name=" bid v2 ")
    other_show = ShowFactory(code="OTHER")
    MembershipFactory(person=producer, show=other_show)
    permissions.forget_access(producer)
    elsewhere = revisions.budget_create(actor=producer, show=other_show, name="bid v1")
    assert (first.revision, second.revision, elsewhere.revision) == (1, 2, 1)
    assert (second.name, second.created_by, second.is_locked) == ("bid v2", producer, False)


def test_copy_takes_the_lines_and_remembers_its_source(show, producer, departments):
    anim, fx = departments
    v1 = revisions.budget_create(actor=producer, show=show, name="bid v1")
    revisions.budget_line_set(actor=producer, budget=v1, department=anim, days="120", amount="54000.00")
    revisions.budget_line_set(actor=producer, budget=v1, department=fx, days=Decimal("30.5"), amount="15250.50")
    revisions.budget_lock(actor=producer, budget=v1)
    v2 = revisions.budget_copy(actor=producer, budget=v1, name="bid v2")
    assert (v2.revision, v2.copied_from, v2.is_locked) == (2, v1, False)
    lines = sorted(BudgetLine.objects.filter(budget=v2).values_list("department__code", "days", "amount"))
    assert lines == [("ANIM", Decimal("120.00"), Decimal("54000.00")), ("FX", Decimal("30.50"), Decimal("15250.50"))]
    # The copy is its own: changing it leaves v1 alone.
    revisions.budget_line_set(actor=producer, budget=v2, department=anim, days="130", amount="58500")
    assert BudgetLine.objects.get(budget=v1, department=anim).amount == Decimal("54000.00")


def test_locking_a_revision_unlocks_the_previous_one(show, producer):
    v1 = revisions.budget_create(actor=producer, show=show, name="bid v1")
    v2 = revisions.budget_create(actor=producer, show=show, name="bid v2")
    revisions.budget_lock(actor=producer, budget=v1)
    revisions.budget_lock(actor=producer, budget=v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.is_locked, v1.locked_at, v1.locked_by) == (False, None, None)
    assert (v2.is_locked, v2.locked_by) == (True, producer)
    assert v2.locked_at is not None
    assert Budget.objects.filter(show=show, is_locked=True).count() == 1
    revisions.budget_unlock(actor=producer, budget=v2)
    assert Budget.objects.filter(show=show, is_locked=True).count() == 0


def test_a_locked_revision_refuses_line_changes_with_a_clear_message(show, producer, departments):
    anim, _ = departments
    v1 = revisions.budget_create(actor=producer, show=show, name="bid v1")
    line = revisions.budget_line_set(actor=producer, budget=v1, department=anim, days="10", amount="4500")
    revisions.budget_lock(actor=producer, budget=v1)
    with pytest.raises(ValidationError) as error:
        revisions.budget_line_set(actor=producer, budget=v1, department=anim, days="11", amount="4950")
    assert error.value.message_dict == {
        "budget": ["Revision 1 (bid v1) is locked: it is the approved budget. Copy it to start the next revision."]
    }
    with pytest.raises(ValidationError):
        revisions.budget_line_delete(actor=producer, line=line)
    with pytest.raises(ValidationError) as error:
        revisions.budget_delete(actor=producer, budget=v1)
    assert list(error.value.message_dict) == ["budget"]
    assert BudgetLine.objects.get(pk=line.pk).days == Decimal("10.00")


def test_line_set_replaces_and_delete_removes(show, producer, departments):
    anim, _ = departments
    v1 = revisions.budget_create(actor=producer, show=show, name="bid v1")
    first = revisions.budget_line_set(actor=producer, budget=v1, department=anim, days="10", amount="4500")
    again = revisions.budget_line_set(actor=producer, budget=v1, department=anim, days="12", amount="5400")
    assert first.pk == again.pk
    assert BudgetLine.objects.filter(budget=v1).count() == 1
    revisions.budget_line_delete(actor=producer, line=again)
    assert BudgetLine.objects.filter(budget=v1).count() == 0


@pytest.mark.parametrize(
    ("days", "amount", "field"),
    [
        ("", "10", "days"),
        ("ten", "10", "days"),
        ("-1", "10", "days"),
        ("NaN", "10", "days"),
        ("1.005", "10", "days"),
        ("10", "9e99", "amount"),
        ("10", None, "amount"),
        ("10", True, "amount"),
    ],
)
def test_bad_line_input_names_the_field_and_writes_nothing(show, producer, departments, days, amount, field):
    anim, _ = departments
    v1 = revisions.budget_create(actor=producer, show=show, name="bid v1")
    with pytest.raises(ValidationError) as error:
        revisions.budget_line_set(actor=producer, budget=v1, department=anim, days=days, amount=amount)
    assert list(error.value.message_dict) == [field]
    assert not BudgetLine.objects.filter(budget=v1).exists()


def test_a_name_is_required(show, producer):
    with pytest.raises(ValidationError) as error:
        revisions.budget_create(actor=producer, show=show, name="  ")
    assert list(error.value.message_dict) == ["name"]
    assert not Budget.objects.filter(show=show).exists()


@pytest.mark.parametrize("role", [Role.PRODUCTION_MANAGER, Role.COORDINATOR, Role.SUPERVISOR, Role.ARTIST, Role.CLIENT])
def test_only_producers_and_admins_write_budgets(show, producer, departments, role):
    anim, _ = departments
    v1 = revisions.budget_create(actor=producer, show=show, name="bid v1")
    someone = member(show, role)
    for attempt in (
        lambda: revisions.budget_create(actor=someone, show=show, name="mine"),
        lambda: revisions.budget_copy(actor=someone, budget=v1, name="mine"),
        lambda: revisions.budget_lock(actor=someone, budget=v1),
        lambda: revisions.budget_unlock(actor=someone, budget=v1),
        lambda: revisions.budget_line_set(actor=someone, budget=v1, department=anim, days="1", amount="1"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    admin = PersonFactory(role=Role.ADMIN)
    assert revisions.budget_create(actor=admin, show=show, name="admin's").revision == 2


def test_a_producer_of_another_show_cannot_write(show, producer):
    stranger = PersonFactory(role=Role.PRODUCER)
    MembershipFactory(person=stranger, show=ShowFactory(code="ELSE"))
    with pytest.raises(PermissionDenied):
        revisions.budget_create(actor=stranger, show=show, name="mine")


@pytest.mark.django_db(transaction=True)
def test_the_first_revisions_created_at_once_are_numbered_one_then_two(show, producer):
    """A show without revisions has no Budget row to lock: the show's row serialises the numbering."""

    def first(wait_for_the_test):
        revisions.budget_create(actor=producer, show=show, name="bid v1")
        wait_for_the_test()

    with concurrently(first) as race:
        second = revisions.budget_create(actor=producer, show=show, name="bid v1 again")
    assert race.waited
    assert second.revision == 2
    assert list(Budget.objects.filter(show=show).order_by("revision").values_list("revision", "name")) == [
        (1, "bid v1"),
        (2, "bid v1 again"),
    ]
