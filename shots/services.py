"""Every write to the breakdown goes through here: permission checked, validated, atomic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from studio import permissions
from studio.models import Person, Role, Show
from studio.services import show_summary_mark_stale

from .models import Sequence, Shot, Task, TaskType


class StaleWrite(ValidationError):
    """Someone else changed the object since the caller read it."""

    def __init__(self, task: Task):
        who = task.updated_by or "someone"
        when = timezone.localtime(task.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            {"row_version": f"This task was changed by {who} at {when} — reload to see their change."},
            code="stale",
        )


@transaction.atomic
def sequence_create(*, actor: Person, show: Show, code: str, name: str = "", order: int = 0) -> Sequence:
    sequence = Sequence(show=show, code=code.strip(), name=name, order=order)
    permissions.require_change(actor, sequence)
    sequence.full_clean()
    sequence.save()
    return sequence


@transaction.atomic
def shot_create(
    *,
    actor: Person,
    sequence: Sequence,
    code: str,
    cut_in: int | None = None,
    cut_out: int | None = None,
    frame_count: int | None = None,
    head_in: int | None = None,
    tail_out: int | None = None,
    description: str = "",
    order: int = 0,
) -> Shot:
    """Create a shot. Cut in defaults to the show's head in + handles; give cut out or a frame count."""
    show = sequence.show
    handles = show.default_handles
    if cut_in is None:
        cut_in = (head_in if head_in is not None else show.default_head_in) + handles
    if cut_out is None:
        if frame_count is None:
            raise ValidationError({"cut_out": "Give cut out or a frame count."})
        if frame_count < 1:
            raise ValidationError({"frame_count": "A shot has at least one frame."})
        cut_out = cut_in + frame_count - 1
    shot = Shot(
        show=show,
        sequence=sequence,
        code=code.strip(),
        description=description,
        order=order,
        cut_in=cut_in,
        cut_out=cut_out,
        head_in=head_in if head_in is not None else cut_in - handles,
        tail_out=tail_out if tail_out is not None else cut_out + handles,
    )
    permissions.require_change(actor, shot)
    shot.full_clean()
    shot.save()
    show_summary_mark_stale(show_id=show.pk)
    return shot


@transaction.atomic
def task_create(
    *,
    actor: Person,
    shot: Shot,
    task_type: TaskType,
    assignees: list[Person] | None = None,
    bid_days: Decimal = Decimal("0"),
    start_date: date | None = None,
    due_date: date | None = None,
) -> Task:
    task = Task(
        shot=shot,
        task_type=task_type,
        bid_days=bid_days,
        start_date=start_date,
        due_date=due_date,
        updated_by=actor,
    )
    permissions.require_change(actor, task)
    task.full_clean()
    task.save()
    if assignees:
        task.assignees.set(assignees)
    show_summary_mark_stale(show_id=shot.show_id)
    return task


TASK_EDITABLE_FIELDS = {"status", "bid_days", "start_date", "due_date", "priority"}


@transaction.atomic
def task_update(*, actor: Person, task: Task, row_version: int | None = None, **changes: Any) -> Task:
    """Change a task's fields (and assignees) with optimistic locking.

    `row_version` is the version the caller read; if the task moved on since, nothing is written and a
    StaleWrite names who changed it and when.
    """
    unknown = set(changes) - TASK_EDITABLE_FIELDS - {"assignees"}
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    locked = Task.objects.select_for_update().select_related("shot", "task_type", "updated_by").get(pk=task.pk)
    permissions.require_change(actor, locked)
    if row_version is not None and row_version != locked.row_version:
        raise StaleWrite(locked)
    if "status" in changes and changes["status"] != locked.status:
        permissions.require(
            permissions.can_set_task_status(actor, locked, changes["status"]),
            f"You cannot set this task to '{changes['status']}'.",
        )
    assignees = changes.pop("assignees", None)
    if assignees is not None:
        permissions.require(
            permissions.role_on_show(actor, locked.shot.show) != Role.ARTIST, "Artists cannot reassign tasks."
        )
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.row_version += 1
    locked.updated_by = actor
    locked.full_clean()
    locked.save()
    if assignees is not None:
        locked.assignees.set(assignees)
    if "status" in changes:
        show_summary_mark_stale(show_id=locked.shot.show_id)
    return locked


def task_set_status(*, actor: Person, task: Task, status: str, row_version: int | None = None) -> Task:
    return task_update(actor=actor, task=task, row_version=row_version, status=status)
