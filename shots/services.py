"""Every write to the breakdown goes through here: permission checked, validated, atomic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from schedules.services import ev_mark_stale
from studio import permissions
from studio.models import Person, Role, Show
from studio.services import refuse_unknown_fields, require_free, show_summary_mark_stale

from .models import Activity, ActivityVerb, BreakdownStatus, Sequence, Shot, Task, TaskTemplateItem, TaskType
from .workflow import TaskStatus


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
        ev_mark_stale(show_id=show.pk)
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
    ev_mark_stale(show_id=shot.show_id)
    return task


TASK_EDITABLE_FIELDS = {"status", "bid_days", "start_date", "due_date", "priority"}
EARNED_VALUE_FIELDS = frozenset({"status", "bid_days", "start_date", "due_date"})  # what schedules.earned_value reads


def _task_check_change(*, actor: Person, task: Task, row_version: int | None, changes: dict[str, Any]) -> None:
    """The rules of a task change, alone (task_update) or in a bulk (task_bulk_update): raises when it is refused.

    `task` is locked and has its shot, show and task type loaded, so the checks ask the database nothing (but
    whether an artist is assigned, unless the caller prefetched the assignees).
    """
    refuse_unknown_fields(changes, TASK_EDITABLE_FIELDS | {"assignees"})
    permissions.require_change(actor, task)
    if row_version is not None and row_version != task.row_version:
        raise StaleWrite(task)
    if "status" in changes and changes["status"] != task.status:
        permissions.require(
            permissions.can_set_task_status(actor, task, changes["status"]),
            f"You cannot set this task to '{changes['status']}'.",
        )
    if permissions.role_on_show(actor, task.shot.show) == Role.ARTIST and set(changes) - {"status"}:
        # Bids, dates, priority and assignees are the production's plan, not the artist's to move.
        raise PermissionDenied("Artists can change only the status of their own tasks.")


def _task_apply_change(*, actor: Person, task: Task, changes: dict[str, Any]) -> dict[str, list[str]]:
    """Write a change that passed _task_check_change to its locked task; returns its history ({field: [old, new]}).

    Raises ValidationError before writing anything when a value is invalid.
    """
    fields = {name: value for name, value in changes.items() if name != "assignees"}
    before = {name: _shown(task, name) for name in fields}
    for name, value in fields.items():
        setattr(task, name, value)
    task.row_version += 1
    task.updated_by = actor
    # Validate what changes, and Task.clean (which compares the dates): the other fields were valid when saved,
    # and checking them again (their foreign keys, the unique shot and task type) would cost queries for nothing.
    task.full_clean(exclude=[field.name for field in Task._meta.fields if field.name not in fields])
    task.save()
    history = _diff(task, before, fields)
    if changes.get("assignees") is not None:
        assignees = list(dict.fromkeys(changes["assignees"]))
        old = sorted(person.username for person in task.assignees.all())  # the caller's prefetch, if any
        task.assignees.set(assignees)
        new = sorted(person.username for person in assignees)
        if old != new:
            history["assignees"] = [", ".join(old), ", ".join(new)]
    return history


@transaction.atomic
def task_update(*, actor: Person, task: Task, row_version: int | None = None, **changes: Any) -> Task:
    """Change a task's fields (and assignees) with optimistic locking.

    `row_version` is the version the caller read; if the task moved on since, nothing is written and a
    StaleWrite names who changed it and when.
    """
    refuse_unknown_fields(changes, TASK_EDITABLE_FIELDS | {"assignees"})
    # Lock the task row only: updated_by is nullable (an outer join), and the shot and show stay editable.
    locked = (
        Task.objects.select_for_update(of=("self",))
        .select_related("shot__show", "task_type", "updated_by")
        .get(pk=task.pk)
    )
    _task_check_change(actor=actor, task=locked, row_version=row_version, changes=changes)
    history = _task_apply_change(actor=actor, task=locked, changes=changes)
    if history:
        activity_record(actor=actor, shot=locked.shot, task=locked, verb=ActivityVerb.CHANGED, changes=history)
    if "status" in changes:
        show_summary_mark_stale(show_id=locked.shot.show_id)
    if EARNED_VALUE_FIELDS & changes.keys():
        ev_mark_stale(show_id=locked.shot.show_id)
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


# --- Breakdown editing from the pages (shots/views/shot_page.py) ------------------------------------------


@transaction.atomic
def shot_edit(*, actor: Person, shot: Shot, sequence: Sequence | None = None, **changes: Any) -> Shot:
    """shot_update, and also move the shot to another sequence of its show (recorded in the history)."""
    if sequence is not None:
        locked = Shot.objects.select_for_update(of=("self",)).select_related("sequence").get(pk=shot.pk)
        permissions.require_change(actor, locked)
        if sequence.pk != locked.sequence_id:
            if sequence.show_id != locked.show_id:
                raise ValidationError({"sequence": "The sequence belongs to another show."})
            previous = locked.sequence.code
            Shot.objects.filter(pk=locked.pk).update(sequence=sequence, updated_at=timezone.now())
            activity_record(
                actor=actor, shot=locked, verb=ActivityVerb.CHANGED, changes={"sequence": [previous, sequence.code]}
            )
    return shot_update(actor=actor, shot=shot, **changes)


@transaction.atomic
def shot_omit(*, actor: Person, shot: Shot) -> tuple[Shot, int]:
    """Omit a shot and its tasks; returns the shot and how many tasks were omitted. Shots are never deleted.

    Omitted tasks are left out of every figure (PRODUCT.md), so a shot cut from the film must not leave its
    tasks counting. Each task's status change goes through task_update, which writes the earlier status into
    the activity history; shot_restore reads it back. Omitting an omitted shot changes nothing.
    """
    locked = Shot.objects.select_for_update(of=("self",)).get(pk=shot.pk)
    permissions.require_change(actor, locked)
    if locked.status == BreakdownStatus.OMITTED:
        return locked, 0
    locked = shot_update(actor=actor, shot=locked, status=BreakdownStatus.OMITTED)
    task_ids = Task.objects.filter(shot=locked).exclude(status=TaskStatus.OMITTED).order_by("pk").values_list("pk")
    items = [{"id": pk, "status": TaskStatus.OMITTED} for (pk,) in task_ids]
    if items:  # the same rules and history as any task change, about one query per task
        task_bulk_update(actor=actor, items=items)
    return locked, len(items)


@transaction.atomic
def shot_restore(*, actor: Person, shot: Shot) -> tuple[Shot, int]:
    """Undo shot_omit: the shot and each task it omitted get back the status they had; returns (shot, tasks).

    A task is put back only if its latest status change is the one the omission wrote: a task omitted on its
    own before, or changed since, is left as it is. The earlier status is read from the history's labels;
    a label no longer known (a renamed status) leaves the task omitted, for someone to set by hand.
    """
    locked = Shot.objects.select_for_update(of=("self",)).get(pk=shot.pk)
    permissions.require_change(actor, locked)
    if locked.status != BreakdownStatus.OMITTED:
        return locked, 0
    omitted_label = str(BreakdownStatus.OMITTED.label)
    omission = (
        Activity.objects.filter(shot=locked, task__isnull=True, changes__status__1=omitted_label)
        .order_by("-id")
        .first()
    )
    shot_status = BreakdownStatus.ACTIVE
    if omission is not None:
        shot_status = {str(label): value for value, label in BreakdownStatus.choices}.get(
            omission.changes["status"][0], BreakdownStatus.ACTIVE
        )
        if shot_status == BreakdownStatus.OMITTED:
            shot_status = BreakdownStatus.ACTIVE
    locked = shot_update(actor=actor, shot=locked, status=shot_status)
    if omission is None:
        return locked, 0
    task_status_by_label = {str(label): value for value, label in TaskStatus.choices}
    restored = 0
    for task in Task.objects.filter(shot=locked, status=TaskStatus.OMITTED).order_by("pk"):
        last = Activity.objects.filter(task=task, changes__has_key="status").order_by("-id").first()
        if last is None or last.pk < omission.pk or last.changes["status"][1] != str(TaskStatus.OMITTED.label):
            continue
        previous = task_status_by_label.get(last.changes["status"][0])
        if previous is None or previous == TaskStatus.OMITTED:
            continue
        task_update(actor=actor, task=task, status=previous)
        restored += 1
    return locked, restored


@transaction.atomic
def task_template_set(*, actor: Person, show: Show, items: dict[TaskType, Decimal]) -> list[TaskTemplateItem]:
    """Make the show's task template exactly these task types with these default bids (days).

    The template only shapes shots created from now on: existing shots keep their tasks.
    """
    permissions.require_change(actor, TaskTemplateItem(show=show))
    existing = {item.task_type_id: item for item in TaskTemplateItem.objects.select_for_update().filter(show=show)}
    for task_type, bid_days in items.items():
        item = existing.pop(task_type.pk, None) or TaskTemplateItem(show=show, task_type=task_type)
        item.default_bid_days = bid_days
        item.full_clean()
        item.save()
    TaskTemplateItem.objects.filter(pk__in=[item.pk for item in existing.values()]).delete()
    return list(TaskTemplateItem.objects.filter(show=show).select_related("task_type"))


@transaction.atomic
def tasks_add_type(*, actor: Person, shots: list[Shot], task_type: TaskType) -> list[Task]:
    """Give each shot a task of `task_type` unless it has one (bid from the show's task template); returns the new
    tasks. All or nothing: one shot the actor may not add the task to refuses the whole batch.
    """
    # Lock the shots, in id order, so two people adding the same task type to overlapping selections serialise
    # and the second finds the first one's tasks instead of tripping over the unique constraint.
    locked = list(Shot.objects.select_for_update().filter(pk__in={shot.pk for shot in shots}).order_by("pk"))
    for show_id in sorted({shot.show_id for shot in locked}):
        shot = next(shot for shot in locked if shot.show_id == show_id)
        permissions.require(
            permissions.can_change(actor, Task(shot=shot, task_type=task_type)),
            f"You cannot add {task_type} tasks on this show.",
        )
    existing = set(Task.objects.filter(shot__in=locked, task_type=task_type).values_list("shot_id", flat=True))
    bids = dict(
        TaskTemplateItem.objects.filter(show_id__in={shot.show_id for shot in locked}, task_type=task_type).values_list(
            "show_id", "default_bid_days"
        )
    )
    created = Task.objects.bulk_create(
        Task(shot=shot, task_type=task_type, bid_days=bids.get(shot.show_id, Decimal("0")), updated_by=actor)
        for shot in locked
        if shot.pk not in existing
    )
    Activity.objects.bulk_create(
        Activity(show_id=task.shot.show_id, shot=task.shot, task=task, actor=actor, verb=ActivityVerb.CREATED)
        for task in created
    )
    for show_id in sorted({task.shot.show_id for task in created}):
        show_summary_mark_stale(show_id=show_id)
        ev_mark_stale(show_id=show_id)
    return created


# --- Many task changes at once (the API's tasks/bulk/, the grid's bulk edits) ----------------------------

TASK_BULK_MAX_ITEMS = 1000
NON_FIELD_ERRORS_KEY = "non_field_errors"  # where a refusal that names no field goes, as in the API


class BulkUpdateError(ValidationError):
    """Some changes of a bulk were refused, so none was written.

    `item_errors` maps the index of each refused item to {field: [messages]}: a stale row_version under
    "row_version", a permission refusal under "non_field_errors". `stale_items` holds the indexes refused only
    because someone changed the task since the caller read it (reloading and resending fixes those).
    """

    def __init__(self, item_errors: dict[int, dict[str, list[str]]], stale_items: set[int], total: int):
        self.item_errors = item_errors
        self.stale_items = frozenset(stale_items)
        super().__init__(
            {"items": f"{len(item_errors)} of {total} changes were refused; nothing was saved."}, code="bulk"
        )

    @property
    def only_stale(self) -> bool:
        return set(self.item_errors) == self.stale_items


def _item_messages(error: ValidationError) -> dict[str, list[str]]:
    from django.core.exceptions import NON_FIELD_ERRORS  # "__all__": a model's clean() errors

    if not hasattr(error, "error_dict"):
        return {NON_FIELD_ERRORS_KEY: error.messages}
    return {
        (NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
        for name, messages in error.message_dict.items()
    }


def _task_id_of(item: Any) -> int | None:
    task_id = item.get("id") if isinstance(item, dict) else None
    return task_id if isinstance(task_id, int) and not isinstance(task_id, bool) else None


def _people_by_id(actor: Person, items: list[Any]) -> dict[int, Person]:
    """The people the items name by id as assignees (one query), among those the actor can see."""
    wanted = {
        value
        for item in items
        if isinstance(item, dict) and isinstance(item.get("assignees"), list | tuple)
        for value in item["assignees"]
        if isinstance(value, int) and not isinstance(value, bool)
    }
    if not wanted:
        return {}
    return {person.pk: person for person in permissions.visible(actor, Person).filter(pk__in=wanted)}


def _bulk_item_changes(item: Any, people: dict[int, Person]) -> tuple[int | None, dict[str, Any]]:
    """(row_version, changes) of one item, assignees given by id turned into people; refuses a malformed item."""
    if not isinstance(item, dict):
        raise ValidationError({NON_FIELD_ERRORS_KEY: "Each change is an object with the task's id."})
    if _task_id_of(item) is None:
        raise ValidationError({"id": "Give the task's id (a whole number)."})
    changes = {name: value for name, value in item.items() if name not in ("id", "row_version")}
    if not changes:
        raise ValidationError({NON_FIELD_ERRORS_KEY: "Send at least one field to change."})
    if isinstance(changes.get("assignees"), list | tuple):
        assignees = []
        for value in changes["assignees"]:
            if isinstance(value, Person):
                assignees.append(value)
            elif value in people:
                assignees.append(people[value])
            else:
                raise ValidationError({"assignees": f"No person with id {value} on your shows."})
        changes["assignees"] = list(dict.fromkeys(assignees))  # each person once
    return item.get("row_version"), changes


@transaction.atomic
def task_bulk_update(*, actor: Person, items: list[dict[str, Any]]) -> list[Task]:
    """Apply many task changes in one transaction: all of them, or none. Returns the changed tasks in item order.

    Each item is {"id": the task's id, "row_version": the version the caller read (optional), and the fields to
    change} (assignees as people or their ids). Every item is checked and written by the same two steps as
    task_update, so one change and many obey the same rules: permissions, the statuses an artist may set,
    artists change only the status, optimistic locking, validation. The tasks are locked first, in one query and
    in id order, so two bulks on overlapping tasks queue up instead of deadlocking; a task the actor cannot see is
    "not found", like a missing one. The history is written in one query, each show's summary marked stale once.

    Every item is tried, so the error names every refused one: if any is, BulkUpdateError is raised and nothing
    is written. A task may appear once per bulk (a second change would carry a row_version the first made stale).
    """
    if len(items) > TASK_BULK_MAX_ITEMS:
        raise ValidationError({"items": f"Send at most {TASK_BULK_MAX_ITEMS} changes at a time."})
    wanted = {task_id for task_id in map(_task_id_of, items) if task_id is not None}
    visible_tasks = (
        permissions.visible(actor, Task)
        .filter(pk__in=wanted)
        .select_related("shot__show", "task_type", "updated_by")
        .prefetch_related(Prefetch("assignees", queryset=Person.objects.select_related(None).only("id", "username")))
    )
    locked = {task.pk: task for task in visible_tasks.select_for_update(of=("self",)).order_by("pk")}
    people = _people_by_id(actor, items)
    changed: list[Task] = []
    history: list[Activity] = []
    errors: dict[int, dict[str, list[str]]] = {}
    stale: set[int] = set()
    first_index: dict[int, int] = {}
    summaries: set[int] = set()  # the shows whose summary a status change makes stale
    earned_values: set[int] = set()  # the shows whose earned value a status, bid or date change makes stale
    for index, item in enumerate(items):
        try:
            row_version, changes = _bulk_item_changes(item, people)
            task_id = item["id"]
            if task_id in first_index:
                raise ValidationError({"id": f"This task is already changed by item {first_index[task_id]}."})
            first_index[task_id] = index
            if task_id not in locked:
                raise ValidationError({"id": "No task with this id on your shows."})
            task = locked[task_id]
            _task_check_change(actor=actor, task=task, row_version=row_version, changes=changes)
            # Refused here, nothing of this item is written (validation comes before the save).
            if diff := _task_apply_change(actor=actor, task=task, changes=changes):
                history.append(
                    Activity(
                        show_id=task.shot.show_id,
                        shot=task.shot,
                        task=task,
                        actor=actor,
                        verb=ActivityVerb.CHANGED,
                        changes=diff,
                    )
                )
            changed.append(task)
            if "status" in changes:
                summaries.add(task.shot.show_id)
            if EARNED_VALUE_FIELDS & changes.keys():
                earned_values.add(task.shot.show_id)
        except StaleWrite as error:
            errors[index] = _item_messages(error)
            stale.add(index)
        except ValidationError as error:
            errors[index] = _item_messages(error)
        except PermissionDenied as error:
            errors[index] = {NON_FIELD_ERRORS_KEY: [str(error) or "You do not have permission to do that."]}
    if errors:
        raise BulkUpdateError(errors, stale, len(items))
    Activity.objects.bulk_create(history)
    for show_id in sorted(summaries):
        show_summary_mark_stale(show_id=show_id)
    for show_id in sorted(earned_values):
        ev_mark_stale(show_id=show_id)
    return changed
