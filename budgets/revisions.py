"""Budget revisions: every write to budgets and their lines goes through here.

A show's budget has revisions (bid v1, v2, ...), numbered 1, 2, 3 per show. One revision at most is locked: the
approved budget, whose lines are the budget at completion (BAC) every cost figure is measured against. A locked
revision is frozen: its lines are not edited; copy it to start the next revision. Locking a revision unlocks the
previously locked one in the same transaction.

Writes to one show's budgets are serialised on the show's row, then its Budget rows (select_for_update, in
revision order), so two people creating revisions at once get numbers 3 and 4 (or 1 and 2 on a show with none
yet: no Budget row to lock then, hence the show's), never two 3s, and two locks never leave two revisions locked.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from studio import permissions
from studio.models import Department, Person, Show

from .models import Budget, BudgetLine

LOCKED_MESSAGE = (
    "Revision {revision} ({name}) is locked: it is the approved budget. Copy it to start the next revision."
)
MAX_DAYS = Decimal("999999.99")
MAX_AMOUNT = Decimal("999999999999.99")


def _lock_show_budgets(show_id: int) -> list[Budget]:
    # NO KEY UPDATE: budget writers wait for each other, not the show's other rows being inserted meanwhile.
    list(Show.objects.select_for_update(no_key=True).filter(pk=show_id).values_list("pk", flat=True))
    return list(Budget.objects.select_for_update().filter(show_id=show_id).order_by("revision"))


def _next_revision(show_id: int) -> int:
    return (Budget.objects.filter(show_id=show_id).aggregate(top=Max("revision"))["top"] or 0) + 1


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": "Give the revision a name, like 'bid v2'."})
    return name.strip()


def _refuse_locked(budget: Budget) -> None:
    if budget.is_locked:
        raise ValidationError({"budget": LOCKED_MESSAGE.format(revision=budget.revision, name=budget.name)})


def _clean_decimal(value: Any, field: str, maximum: Decimal, example: str) -> Decimal:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: f"Give the {field}, like {example}."})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"Give the {field} as a number, like {example}."}) from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise ValidationError({field: f"The {field} must be between 0 and {maximum:,}."})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: f"Give the {field} with at most two decimal places."})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def budget_create(*, actor: Person, show: Show, name: str, note: str = "") -> Budget:
    """A new, empty revision with the show's next revision number."""
    budget = Budget(show=show, name=_clean_name(name), note=note or "", created_by=actor)
    permissions.require_change(actor, budget)
    _lock_show_budgets(show.pk)
    budget.revision = _next_revision(show.pk)
    budget.full_clean()
    budget.save()
    return budget


@transaction.atomic
def budget_copy(*, actor: Person, budget: Budget, name: str) -> Budget:
    """A new revision with the same lines as `budget` (locked or not), unlocked, remembering where it came from."""
    permissions.require_change(actor, budget)
    copy = Budget(show_id=budget.show_id, name=_clean_name(name), copied_from=budget, created_by=actor)
    permissions.require_change(actor, copy)
    _lock_show_budgets(budget.show_id)
    copy.revision = _next_revision(budget.show_id)
    copy.full_clean()
    copy.save()
    BudgetLine.objects.bulk_create(
        BudgetLine(budget=copy, department_id=department_id, days=days, amount=amount)
        for department_id, days, amount in BudgetLine.objects.filter(budget=budget)
        .order_by("department_id")
        .values_list("department_id", "days", "amount")
    )
    return copy


@transaction.atomic
def budget_update(*, actor: Person, budget: Budget, name: str | None = None, note: str | None = None) -> Budget:
    """Rename a revision or change its note (allowed on a locked one: neither changes a figure)."""
    permissions.require_change(actor, budget)
    if name is not None:
        budget.name = _clean_name(name)
    if note is not None:
        budget.note = note
    budget.full_clean()
    budget.save(update_fields=["name", "note"])
    return budget


@transaction.atomic
def budget_delete(*, actor: Person, budget: Budget) -> None:
    """Delete an unlocked revision and its lines (the approved budget cannot be deleted: unlock it first)."""
    permissions.require_change(actor, budget)
    _lock_show_budgets(budget.show_id)
    budget.refresh_from_db(fields=["is_locked"])
    if budget.is_locked:
        raise ValidationError(
            {"budget": f"Revision {budget.revision} ({budget.name}) is the approved budget: unlock it first."}
        )
    budget.delete()


@transaction.atomic
def budget_lock(*, actor: Person, budget: Budget) -> Budget:
    """Make `budget` the show's approved budget; the revision locked until now is unlocked."""
    permissions.require_change(actor, budget)
    for other in _lock_show_budgets(budget.show_id):
        if other.is_locked and other.pk != budget.pk:
            other.is_locked, other.locked_at, other.locked_by = False, None, None
            other.save(update_fields=["is_locked", "locked_at", "locked_by"])
    budget.refresh_from_db(fields=["is_locked"])
    if not budget.is_locked:
        budget.is_locked, budget.locked_at, budget.locked_by = True, timezone.now(), actor
        budget.save(update_fields=["is_locked", "locked_at", "locked_by"])
    return budget


@transaction.atomic
def budget_unlock(*, actor: Person, budget: Budget) -> Budget:
    """The show has no approved budget until another revision is locked (cost figures then have no BAC)."""
    permissions.require_change(actor, budget)
    _lock_show_budgets(budget.show_id)
    budget.is_locked, budget.locked_at, budget.locked_by = False, None, None
    budget.save(update_fields=["is_locked", "locked_at", "locked_by"])
    return budget


@transaction.atomic
def budget_line_set(*, actor: Person, budget: Budget, department: Department, days: Any, amount: Any) -> BudgetLine:
    """Set a department's line (days and money) on an unlocked revision: created, or replaced."""
    permissions.require_change(actor, budget)
    locked = Budget.objects.select_for_update().get(pk=budget.pk)
    _refuse_locked(locked)
    if not isinstance(department, Department) or department.pk is None:
        raise ValidationError({"department": "Choose a department."})
    days = _clean_decimal(days, "days", MAX_DAYS, "120")
    amount = _clean_decimal(amount, "amount", MAX_AMOUNT, "54000.00")
    line = BudgetLine.objects.filter(budget=budget, department=department).first() or BudgetLine(
        budget=budget, department=department
    )
    permissions.require_change(actor, line)
    line.days, line.amount = days, amount
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_delete(*, actor: Person, line: BudgetLine) -> None:
    permissions.require_change(actor, line)
    _refuse_locked(Budget.objects.select_for_update().get(pk=line.budget_id))
    line.delete()
