"""Input for the shot grid: its filters, the inline edit of a task cell, and the bulk edit of a selection.

The forms check types, ranges and choices and name the field that is wrong; the services (shots/services.py)
decide what is allowed and write. Choices (sequences, people, task types) are handed in by the view, loaded once,
so validating a form costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from studio.models import Person

from .models import BreakdownStatus, Sequence, Task, TaskType
from .selectors import GRID_SORTS, BadGridCursor, GridFilters, grid_cursor_decode
from .workflow import ARTIST_STATUSES, TaskStatus

DUE_BEFORE_START = "The due date must not be before the start date."  # as Task.clean says it
MAX_ID = 2**63 - 1  # a bigint primary key; a larger number is "invalid", not a database error


def person_label(person: Person) -> str:
    return person.get_full_name() or person.username


class NamedErrorsMixin:
    """error_summary(): each error as "<the field's label>: <message>", so a message always names its field."""

    def error_summary(self) -> list[str]:
        lines = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            label = (field.label or name.replace("_", " ").capitalize()) if field is not None else ""
            lines += [f"{label}: {message}" if label else message for message in errors]
        return lines


class GridFilterForm(NamedErrorsMixin, forms.Form):
    """The grid's GET parameters. Every field is optional; an unknown value is an error naming the field."""

    q = forms.CharField(label="Search", required=False, max_length=100, strip=True)
    sequence = forms.TypedChoiceField(label="Sequence", required=False, coerce=int, empty_value=None)
    shot_status = forms.ChoiceField(
        label="Shot status", required=False, choices=[("", "Any shot status"), *BreakdownStatus.choices]
    )
    task_type = forms.TypedChoiceField(label="Task type", required=False, coerce=int, empty_value=None)
    task_status = forms.ChoiceField(
        label="Task status", required=False, choices=[("", "Any task status"), *TaskStatus.choices]
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)
    department = forms.TypedChoiceField(label="Department", required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(label="Sort", required=False, choices=list(GRID_SORTS.items()))
    cursor = forms.CharField(label="Page link", required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(
        self,
        data,
        *,
        person: Person,
        sequences: list[Sequence],
        people: list[Person],
        columns: list[TaskType],
    ):
        super().__init__(data)
        self.person = person
        self.fields["sequence"].choices = [("", "All sequences")] + [(s.pk, s.code) for s in sequences]
        self.fields["task_type"].choices = [("", "Any task type")] + [(t.pk, t.name) for t in columns]
        people_choices = [(str(p.pk), person_label(p)) for p in people]
        self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me"), *people_choices]
        departments = {t.department_id: t.department for t in columns}
        self.fields["department"].choices = [("", "All departments")] + [
            (d.pk, d.name) for d in sorted(departments.values(), key=lambda d: (d.order, d.name))
        ]
        for name in ("q", "sequence", "shot_status", "task_type", "task_status", "assignee", "department", "sort"):
            self.fields[name].widget.attrs["id"] = f"grid-{name}"

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or "order"

    def clean(self):
        cleaned = super().clean()
        cursor = cleaned.get("cursor")
        if cursor and "sort" in cleaned:
            try:
                cleaned["after"] = grid_cursor_decode(cursor, cleaned["sort"])
            except BadGridCursor as error:
                self.add_error("cursor", str(error))
        else:
            cleaned["after"] = None
        return cleaned

    def filters(self) -> GridFilters:
        data = self.cleaned_data
        assignee = data["assignee"]
        return GridFilters(
            text=data["q"],
            sequence_id=data["sequence"],
            shot_status=data["shot_status"],
            task_type_id=data["task_type"],
            task_status=data["task_status"],
            assignee_id=self.person.pk if assignee == "me" else (int(assignee) if assignee else None),
            department_id=data["department"],
            sort=data["sort"],
        )

    def is_filtered(self) -> bool:
        data = self.cleaned_data
        filters = ("q", "sequence", "shot_status", "task_type", "task_status", "assignee", "department")
        return any(data.get(name) for name in filters)


class ServiceErrorsMixin(NamedErrorsMixin):
    """Put a service's ValidationError on the fields it names (others on the form as a whole)."""

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            if name in self.fields:
                self.add_error(name, messages)
            else:
                prefix = "" if name == NON_FIELD_ERRORS else f"{name.replace('_', ' ').capitalize()}: "
                self.add_error(None, [prefix + message for message in messages])


def people_for_task(people: list[Person], task: Task) -> list[Person]:
    """Its assignees first, then its department's people (whom a coordinator most likely assigns), then the rest."""
    assigned = {p.pk for p in task.assignees.all()}
    department_id = task.task_type.department_id
    return sorted(
        people, key=lambda p: (p.pk not in assigned, p.department_id != department_id, person_label(p).lower())
    )


class TaskCellForm(ServiceErrorsMixin, forms.Form):
    """The inline edit of one task: status, assignees, bid, start and due dates. Artists get the status only, and only
    the statuses an artist may set (plus the task's current one, so the form shows it)."""

    row_version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status")
    assignees = forms.TypedMultipleChoiceField(
        label="Assignees", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    bid_days = forms.DecimalField(label="Bid (days)", min_value=Decimal("0"), max_digits=6, decimal_places=2)
    start_date = forms.DateField(
        label="Start", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_date = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, *, task: Task, people: list[Person], status_only: bool):
        initial = {
            "row_version": task.row_version,
            "status": task.status,
            "assignees": [p.pk for p in task.assignees.all()],
            "bid_days": task.bid_days,
            "start_date": task.start_date,
            "due_date": task.due_date,
        }
        super().__init__(data, initial=initial, auto_id=f"task-{task.pk}-%s")
        self.task = task
        self.status_only = status_only
        statuses = TaskStatus.choices
        if status_only:
            statuses = [(value, label) for value, label in statuses if value in ARTIST_STATUSES or value == task.status]
        self.fields["status"].choices = statuses
        self.fields["status"].widget.attrs["autofocus"] = True
        if status_only:
            for name in ("assignees", "bid_days", "start_date", "due_date"):
                del self.fields[name]
        else:
            ordered = people_for_task(people, task)
            self.people_by_id = {p.pk: p for p in ordered}
            self.fields["assignees"].choices = [(p.pk, person_label(p)) for p in ordered]
            self.fields["bid_days"].widget.attrs.update({"step": "0.25", "min": "0", "inputmode": "decimal"})

    def _sends_start_date(self) -> bool:
        # A form drawn before the start date was editable (an open editor, a script) does not send it: keep the
        # task's start date then, rather than clearing it.
        return "start_date" in self.fields and self.data is not None and "start_date" in self.data

    def clean(self):
        cleaned = super().clean()
        if self.status_only or "start_date" in self.errors or "due_date" in self.errors:
            return cleaned
        start = cleaned.get("start_date") if self._sends_start_date() else self.task.start_date
        due = cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", DUE_BEFORE_START)
        return cleaned

    def changes(self) -> dict:
        """The keyword arguments for services.task_update (without row_version)."""
        data = self.cleaned_data
        if self.status_only:
            return {"status": data["status"]}
        changes = {
            "status": data["status"],
            "assignees": [self.people_by_id[pk] for pk in data["assignees"]],
            "bid_days": data["bid_days"],
            "due_date": data["due_date"],
        }
        if self._sends_start_date():
            changes["start_date"] = data["start_date"]
        return changes


@dataclass(frozen=True)
class SelectedShot:
    shot_id: int
    seen: dict[int, int]  # task id -> the row_version the grid showed


def parse_selection_token(token: str) -> SelectedShot:
    """'12:40.3,41.1' (see selectors.GridRow.selection_token) -> SelectedShot(12, {40: 3, 41: 1})."""
    shot_part, sep, tasks_part = token.partition(":")
    if not sep or not _is_id(shot_part):
        raise ValueError(token)
    seen = {}
    for pair in filter(None, tasks_part.split(",")):
        task_id, dot, row_version = pair.partition(".")
        if not dot or not _is_id(task_id) or not _is_id(row_version):
            raise ValueError(token)
        seen[int(task_id)] = int(row_version)
    return SelectedShot(int(shot_part), seen)


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID


BULK_MAX_SHOTS = 900  # a bulk edit is one request: below Django's 1,000 form fields and task_bulk_update's cap


class SelectionField(forms.Field):
    """The checked rows' selection tokens -> [SelectedShot], one per shot."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Select at least one shot.",
        "invalid": "The selection is not valid any more; reload the grid.",
        "too_many": f"Select at most {BULK_MAX_SHOTS} shots at a time.",
    }

    def to_python(self, value) -> list[SelectedShot]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        if len(value) > BULK_MAX_SHOTS:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            selected = [parse_selection_token(token) for token in value]
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return list({s.shot_id: s for s in selected}.values())


class BulkAction:
    STATUS = "status"
    ASSIGNEES = "assignees"
    BID_DAYS = "bid_days"
    START_DATE = "start_date"
    DUE_DATE = "due_date"
    ADD_TASK_TYPE = "add_task_type"
    CHOICES = [
        (STATUS, "Set status"),
        (ASSIGNEES, "Set assignees"),
        (BID_DAYS, "Set bid"),
        (START_DATE, "Set start date"),
        (DUE_DATE, "Set due date"),
        (ADD_TASK_TYPE, "Add task type"),
    ]


class GridBulkForm(NamedErrorsMixin, forms.Form):
    """A bulk edit of the selected shots' tasks of one type. Each submit button names its action."""

    action = forms.ChoiceField(choices=BulkAction.CHOICES)
    shot = SelectionField(label="Selection")
    task_type = forms.TypedChoiceField(label="Task type", coerce=int)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Status…"), *TaskStatus.choices])
    assignees = forms.TypedMultipleChoiceField(label="Assignees", required=False, coerce=int)
    bid_days = forms.DecimalField(
        label="Bid (days)", required=False, min_value=Decimal("0"), max_digits=6, decimal_places=2
    )
    start_date = forms.DateField(
        label="Start date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    REQUIRED_BY_ACTION = {
        BulkAction.STATUS: ("status", "Choose the status to set."),
        BulkAction.BID_DAYS: ("bid_days", "Give the bid to set, in days."),
        BulkAction.START_DATE: ("start_date", "Choose the start date to set."),
        BulkAction.DUE_DATE: ("due_date", "Choose the due date to set."),
        # Never an empty set by a slip of the mouse: unassigning is done task by task.
        BulkAction.ASSIGNEES: ("assignees", "Tick at least one person to assign."),
    }

    def __init__(self, data=None, *, task_types: list[TaskType], people: list[Person]):
        super().__init__(data, prefix="bulk", auto_id="%s")
        self.fields["bid_days"].widget.attrs.update({"step": "0.25", "min": "0", "inputmode": "decimal"})
        self.fields["task_type"].choices = [("", "Task type…")] + [(t.pk, t.name) for t in task_types]
        self.fields["assignees"].choices = [(p.pk, person_label(p)) for p in people]
        self.task_types_by_id = {t.pk: t for t in task_types}
        self.people_by_id = {p.pk: p for p in people}

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in self.REQUIRED_BY_ACTION:
            name, message = self.REQUIRED_BY_ACTION[action]
            if cleaned.get(name) in (None, "", []) and name not in self.errors:
                self.add_error(name, message)
        if "task_type" in cleaned:
            cleaned["task_type_obj"] = self.task_types_by_id[cleaned["task_type"]]
        if action == BulkAction.ASSIGNEES and "assignees" in cleaned:
            cleaned["people"] = [self.people_by_id[pk] for pk in cleaned["assignees"]]
        return cleaned
