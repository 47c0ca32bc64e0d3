"""Every write to the breakdown goes through here: permission checked, validated, atomic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from studio import permissions
from studio.models import Person, Role, Show
from studio.services import refuse_unknown_fields, require_free, show_summary_mark_stale

from .models import Activity, ActivityVerb, Sequence, Shot, Task, TaskTemplateItem, TaskType


class StaleWrite(ValidationError):
    """Someone else changed the object since the caller read it."""

    def __init__(self, task: Task):
        who = task.updated_by or "someone"
        when = timezone.localtime(task.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            {"row_version": f"This task was changed by {who} at {when} — reload to see their change."},
            code="stale",
        )


def _shown(instance, field: str) -> str:
    """A field's value as people read it (choice labels, '' for empty), for the activity history."""
    value = getattr(instance, field)
    if value is None:
        return ""
    display = getattr(instance, f"get_{field}_display", None)
    return str(display()) if display else str(value)


def _diff(instance, before: dict[str, str], fields) -> dict[str, list[str]]:
    return {name: [before[name], _shown(instance, name)] for name in fields if before[name] != _shown(instance, name)}


def activity_record(
    *, actor: Person | None, shot: Shot, verb: str, task: Task | None = None, changes: dict | None = None
) -> Activity:
    return Activity.objects.create(
        show_id=shot.show_id, shot=shot, task=task, actor=actor, verb=verb, changes=changes or {}
    )


@transaction.atomic
def sequence_create(*, actor: Person, show: Show, code: str, name: str = "", order: int = 0) -> Sequence:
    sequence = Sequence(show=show, code=code.strip(), name=name, order=order)
    permissions.require_change(actor, sequence)
    require_free(
        Sequence.objects.filter(show=show, code=sequence.code),
        "code",
        f"The show already has a sequence {sequence.code}.",
    )
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
    with_template: bool = True,
) -> Shot:
    """Create a shot. Cut in defaults to the show's head in + handles; give cut out or a frame count.

    With `with_template` the show's task template adds its task types to the new shot.
    """
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
    require_free(Shot.objects.filter(show=show, code=shot.code), "code", f"The show already has a shot {shot.code}.")
    shot.full_clean()
    shot.save()
    activity_record(actor=actor, shot=shot, verb=ActivityVerb.CREATED)
    if with_template:
        template = TaskTemplateItem.objects.filter(show=show)
        Task.objects.bulk_create(
            Task(shot=shot, task_type_id=item.task_type_id, bid_days=item.default_bid_days, updated_by=actor)
            for item in template
        )
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
    require_free(
        Task.objects.filter(shot=shot, task_type=task_type), "task_type", f"This shot already has a {task_type} task."
    )
    task.full_clean()
    task.save()
    if assignees:
        task.assignees.set(assignees)
    activity_record(actor=actor, shot=shot, task=task, verb=ActivityVerb.CREATED)
    show_summary_mark_stale(show_id=shot.show_id)
    return task


TASK_EDITABLE_FIELDS = {"status", "bid_days", "start_date", "due_date", "priority"}


@transaction.atomic
def task_update(*, actor: Person, task: Task, row_version: int | None = None, **changes: Any) -> Task:
    """Change a task's fields (and assignees) with optimistic locking.

    `row_version` is the version the caller read; if the task moved on since, nothing is written and a
    StaleWrite names who changed it and when.
    """
    refuse_unknown_fields(changes, TASK_EDITABLE_FIELDS | {"assignees"})
    # Lock the task row only: updated_by is nullable (an outer join), and the shot and show stay editable.
    locked = (
        Task.objects.select_for_update(of=("self",)).select_related("shot", "task_type", "updated_by").get(pk=task.pk)
    )
    permissions.require_change(actor, locked)
    if row_version is not None and row_version != locked.row_version:
        raise StaleWrite(locked)
    if "status" in changes and changes["status"] != locked.status:
        permissions.require(
            permissions.can_set_task_status(actor, locked, changes["status"]),
            f"You cannot set this task to '{changes['status']}'.",
        )
    if permissions.role_on_show(actor, locked.shot.show) == Role.ARTIST and set(changes) - {"status"}:
        # Bids, dates, priority and assignees are the production's plan, not the artist's to move.
        raise PermissionDenied("Artists can change only the status of their own tasks.")
    assignees = changes.pop("assignees", None)
    before = {name: _shown(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.row_version += 1
    locked.updated_by = actor
    locked.full_clean()
    locked.save()
    history = _diff(locked, before, changes)
    if assignees is not None:
        old = sorted(locked.assignees.values_list("username", flat=True))
        locked.assignees.set(assignees)
        new = sorted(person.username for person in assignees)
        if old != new:
            history["assignees"] = [", ".join(old), ", ".join(new)]
    if history:
        activity_record(actor=actor, shot=locked.shot, task=locked, verb=ActivityVerb.CHANGED, changes=history)
    if "status" in changes:
        show_summary_mark_stale(show_id=locked.shot.show_id)
    return locked


def task_set_status(*, actor: Person, task: Task, status: str, row_version: int | None = None) -> Task:
    return task_update(actor=actor, task=task, row_version=row_version, status=status)


SEQUENCE_EDITABLE_FIELDS = frozenset({"code", "name", "status", "order"})
SHOT_EDITABLE_FIELDS = frozenset({"code", "description", "status", "order", "cut_in", "cut_out", "head_in", "tail_out"})


@transaction.atomic
def sequence_update(*, actor: Person, sequence: Sequence, **changes: Any) -> Sequence:
    """Rename, re-order or change the status of a sequence (the show's breakdown editors)."""
    refuse_unknown_fields(changes, SEQUENCE_EDITABLE_FIELDS)
    locked = Sequence.objects.select_for_update().get(pk=sequence.pk)
    permissions.require_change(actor, locked)
    if "code" in changes:
        changes["code"] = changes["code"].strip()
        require_free(
            Sequence.objects.filter(show_id=locked.show_id, code=changes["code"]).exclude(pk=locked.pk),
            "code",
            f"The show already has a sequence {changes['code']}.",
        )
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def shot_update(*, actor: Person, shot: Shot, **changes: Any) -> Shot:
    """Change a shot's code, description, status, order or frame range (the show's breakdown editors).

    Moving cut in or cut out keeps the shot's handles: head in and tail out follow unless they are given too.
    """
    refuse_unknown_fields(changes, SHOT_EDITABLE_FIELDS)
    locked = Shot.objects.select_for_update(of=("self",)).select_related("show", "sequence").get(pk=shot.pk)
    permissions.require_change(actor, locked)
    if "code" in changes:
        changes["code"] = changes["code"].strip()
        require_free(
            Shot.objects.filter(show_id=locked.show_id, code=changes["code"]).exclude(pk=locked.pk),
            "code",
            f"The show already has a shot {changes['code']}.",
        )
    head_handle = locked.cut_in - locked.head_in
    tail_handle = locked.tail_out - locked.cut_out
    before = {name: _shown(locked, name) for name in SHOT_EDITABLE_FIELDS}
    for name, value in changes.items():
        setattr(locked, name, value)
    if "cut_in" in changes and "head_in" not in changes:
        locked.head_in = locked.cut_in - head_handle
    if "cut_out" in changes and "tail_out" not in changes:
        locked.tail_out = locked.cut_out + tail_handle
    locked.full_clean()  # Shot.clean names cut_out / head_in / tail_out when the frame range is out of order
    locked.save()
    history = _diff(locked, before, sorted(SHOT_EDITABLE_FIELDS))
    if history:
        activity_record(actor=actor, shot=locked, verb=ActivityVerb.CHANGED, changes=history)
    if "status" in changes:
        show_summary_mark_stale(show_id=locked.show_id)
    return locked
