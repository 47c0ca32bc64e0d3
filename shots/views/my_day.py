"""The artist's and the supervisor's day: My tasks (due groups, notes to me, status, hours, versions) and the
review queue (approve, retake).

Every POST answers an htmx request with the one row it changed (the form re-rendered with a message naming the
field when the input was refused), and a plain form post with a redirect back to the page (or the page with the
row's message, status 400). Dates and times are shown in the person's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_POST

from dailies import selectors as dailies_selectors
from dailies import services as dailies_services
from dailies.models import NoteRecipient, StatusChange, Version
from schedules import services as schedules_services
from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Role

from .. import selectors, services
from ..models import Task
from ..my_day_forms import (
    TaskStatusForm,
    TimeLogForm,
    VersionReviewForm,
    VersionSubmitForm,
    add_service_errors,
    error_lines,
)
from ..workflow import ARTIST_STATUSES, TaskStatus

MY_TASKS = "shots/my_tasks.html"
REVIEW_QUEUE = "shots/review_queue.html"


# --- My tasks -------------------------------------------------------------------------------------------


@dataclass
class TaskRow:
    """One task of My tasks with what its row shows: the statuses the person may pick, the three small forms
    (bound, with errors, when a post was refused) and the message of the last action on it."""

    task: Task
    today: dt.date
    statuses: list[tuple[str, str]]
    status_form: TaskStatusForm | None = None
    hours_form: TimeLogForm | None = None
    version_form: VersionSubmitForm | None = None
    status_message: str = ""
    hours_message: str = ""
    version_message: str = ""
    stale: dict | None = None

    @property
    def can_set_status(self) -> bool:
        return len(self.statuses) > 1

    @property
    def status_errors(self) -> list[str]:
        return error_lines(self.status_form)

    @property
    def hours_errors(self) -> list[str]:
        return error_lines(self.hours_form)

    @property
    def version_errors(self) -> list[str]:
        return error_lines(self.version_form)

    @property
    def my_hours(self) -> str:
        return schedules_services.hours_text(self.task.my_hours)

    @property
    def last_version_code(self) -> str:
        return f"v{self.task.last_version:03d}" if self.task.last_version else ""

    @property
    def next_version_code(self) -> str:
        return f"v{(self.task.last_version or 0) + 1:03d}"

    @property
    def days_late(self) -> int:
        due = self.task.due_date
        return (self.today - due).days if due and due < self.today else 0


@dataclass
class DueGroup:
    key: str
    label: str
    rows: list[TaskRow] = field(default_factory=list)


def task_row(person, task: Task, today: dt.date, **extra) -> TaskRow:
    # Artist-allowed statuses and the current one, as far as the policy lets this person set them.
    options = [task.status, *(s for s in ARTIST_STATUSES if s != task.status)]
    allowed = [s for s in options if s == task.status or permissions.can_set_task_status(person, task, s)]
    statuses = [(value, label) for value, label in TaskStatus.choices if value in allowed]
    return TaskRow(task=task, today=today, statuses=statuses, **extra)


def due_groups(rows: list[TaskRow], today: dt.date) -> list[DueGroup]:
    """Overdue (due before today), Due today, This week (the rest of the ISO week) and Upcoming (later, or no due
    date); empty groups are left out. Rows keep their order (soonest due first)."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    groups = {
        "overdue": DueGroup("overdue", "Overdue"),
        "today": DueGroup("today", "Due today"),
        "week": DueGroup("week", "This week"),
        "upcoming": DueGroup("upcoming", "Upcoming"),
    }
    for row in rows:
        due = row.task.due_date
        if due is None or due > week_end:
            key = "upcoming"
        elif due < today:
            key = "overdue"
        elif due == today:
            key = "today"
        else:
            key = "week"
        groups[key].rows.append(row)
    return [group for group in groups.values() if group.rows]


def _render(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    with timezone.override(selectors.person_zone(request.user)):
        return render_page(request, template, context, partial=partial, status=status)


def _render_fragment(request, name: str, context: dict) -> str:
    with timezone.override(selectors.person_zone(request.user)):
        return render_to_string(name, context, request=request)


def _my_tasks_page(request, *, replace: TaskRow | None = None, status: int = 200):
    person = request.user
    today = selectors.person_today(person)
    tasks = list(selectors.my_open_tasks(person))
    rows = [task_row(person, task, today) for task in tasks]
    if replace is not None:
        if any(row.task.pk == replace.task.pk for row in rows):
            rows = [replace if row.task.pk == replace.task.pk else row for row in rows]
        else:  # a task no longer open: its row is not on the page, so its message goes to the top
            for line in replace.status_errors + replace.hours_errors + replace.version_errors:
                messages.error(request, f"{replace.task.shot.code} {replace.task.task_type.name}: {line}")
    context = {"tasks": tasks, "groups": due_groups(rows, today), "today": today}
    if not wants_partial(request):  # the notes panel is not part of the table partial: not read for it
        context["notes"] = list(dailies_selectors.notes_to_me(person))
        context["unread_count"] = dailies_selectors.request_unread_count(request)  # shared with the header
    return _render(request, MY_TASKS, context, partial="task-table", status=status)


@login_required
def my_tasks(request):
    return _my_tasks_page(request)


def _my_task(request, task_id: int) -> Task:
    """A task assigned to the person (any status), shaped for its row; anything else is a 404."""
    return get_object_or_404(selectors.my_tasks_queryset(request.user), pk=task_id)


def _row_response(request, row: TaskRow, *, ok: bool, message: str = "") -> HttpResponse:
    if wants_partial(request):
        # 200 even when the input was refused: htmx swaps only 2xx answers, and the row carries the message.
        return _render(request, MY_TASKS, {"row": row}, partial="task-row")
    if ok:
        messages.success(request, message)
        return redirect("shots:my_tasks")
    return _my_tasks_page(request, replace=row, status=400)


def _stale(person, task: Task) -> dict:
    zone = selectors.person_zone(person)
    changed = timezone.localtime(task.updated_at, zone)
    fmt = "H:i" if changed.date() == selectors.person_today(person) else "D j M H:i"
    return {"who": str(task.updated_by or "someone"), "when": format_date(changed, fmt)}


@require_POST
@login_required
def task_status(request, task_id: int):
    person = request.user
    task = _my_task(request, task_id)
    today = selectors.person_today(person)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        return _row_response(request, task_row(person, task, today, status_form=form), ok=False)
    new_status = form.cleaned_data["status"]
    if new_status == task.status and form.cleaned_data["row_version"] == task.row_version:
        return _row_response(request, task_row(person, task, today), ok=True, message="Nothing to change.")
    try:
        services.task_set_status(
            actor=person, task=task, status=new_status, row_version=form.cleaned_data["row_version"]
        )
    except services.StaleWrite:
        fresh = _my_task(request, task_id)
        return _row_response(request, task_row(person, fresh, today, stale=_stale(person, fresh)), ok=False)
    except ValidationError as error:
        add_service_errors(form, error)
        return _row_response(request, task_row(person, task, today, status_form=form), ok=False)
    fresh = _my_task(request, task_id)
    message = f"{fresh.shot.code} {fresh.task_type.name} is now {fresh.get_status_display()}."
    return _row_response(request, task_row(person, fresh, today, status_message="Saved."), ok=True, message=message)


@require_POST
@login_required
def task_log_hours(request, task_id: int):
    person = request.user
    task = _my_task(request, task_id)
    today = selectors.person_today(person)
    form = TimeLogForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            log, created = schedules_services.timelog_upsert(
                actor=person, task=task, date=data["date"], hours=data["hours"], comment=data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hours = schedules_services.hours_text(log.hours)
            on = format_date(log.date, "D j M")
            note = f"Logged {hours} h on {on}." if created else f"Now {hours} h on {on} (replaces what you logged)."
            fresh = _my_task(request, task_id)
            row = task_row(person, fresh, today, hours_message=note)
            return _row_response(request, row, ok=True, message=f"{fresh.shot.code} {fresh.task_type.name}: {note}")
    return _row_response(request, task_row(person, task, today, hours_form=form), ok=False)


@require_POST
@login_required
def task_submit_version(request, task_id: int):
    person = request.user
    task = _my_task(request, task_id)
    today = selectors.person_today(person)
    form = VersionSubmitForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = dailies_services.version_submit(
                actor=person,
                task=task,
                media=data["media"],
                studio_path=data["studio_path"],
                comment=data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            fresh = _my_task(request, task_id)
            note = f"{version.code} submitted: the task is {fresh.get_status_display()}."
            row = task_row(person, fresh, today, version_message=note)
            return _row_response(request, row, ok=True, message=f"{fresh.shot.code} {fresh.task_type.name}: {note}")
    return _row_response(request, task_row(person, task, today, version_form=form), ok=False)


@require_POST
@login_required
def note_mark_read(request, note_id: int):
    person = request.user
    rows = permissions.visible(person, NoteRecipient).filter(person_id=person.pk)
    recipient = get_object_or_404(rows.select_related("note"), note_id=note_id)
    dailies_services.note_mark_read(actor=person, note=recipient.note)
    if not wants_partial(request):
        messages.success(request, "Note marked as read.")
        return redirect("shots:my_tasks")
    item = get_object_or_404(
        rows.select_related(
            "note__author", "note__version__task__shot__show", "note__version__task__task_type", "note__session"
        ),
        note_id=note_id,
    )
    html = _render_fragment(request, f"{MY_TASKS}#note-item", {"item": item})
    unread = dailies_selectors.unread_note_count(person)
    html += _render_fragment(request, f"{MY_TASKS}#unread-count", {"unread_count": unread, "oob": True})
    html += _render_fragment(request, "htmx/unread_badge.html", {"unread": unread, "oob": True})  # the header
    return HttpResponse(html)


# --- Review queue ---------------------------------------------------------------------------------------


@dataclass
class VersionRow:
    version: Version
    form: VersionReviewForm | None = None

    @property
    def errors(self) -> list[str]:
        return error_lines(self.form)


@login_required
def review_queue(request):
    return _review_page(request)


def _review_page(request, *, replace: VersionRow | None = None, status: int = 200):
    versions = list(selectors.pending_review_versions(request.user))
    rows = [VersionRow(version) for version in versions]
    if replace is not None:
        if any(row.version.pk == replace.version.pk for row in rows):
            rows = [replace if row.version.pk == replace.version.pk else row for row in rows]
        else:  # already reviewed: no longer in the queue, so its message goes to the top
            for line in replace.errors:
                messages.error(request, line)
    department = request.user.department if permissions.access_for(request.user).shows([Role.SUPERVISOR]) else None
    context = {"versions": versions, "rows": rows, "department": department}
    return _render(request, REVIEW_QUEUE, context, partial="version-table", status=status)


@require_POST
@login_required
def version_review(request, version_id: int):
    person = request.user
    version = get_object_or_404(
        permissions.visible(person, Version).select_related("task__shot__show", "task__task_type", "author"),
        pk=version_id,
    )
    form = VersionReviewForm(request.POST)
    if form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            reviewed = dailies_services.version_review(
                actor=person, version=version, outcome=outcome, note_body=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            task = reviewed.task
            verb = "approved" if outcome == StatusChange.APPROVE else "sent back for a retake"
            message = f"{task.shot.code} {task.task_type.name} {reviewed.code} {verb}."
            if not wants_partial(request):
                messages.success(request, message)
                return redirect("shots:review_queue")
            return _render(
                request,
                REVIEW_QUEUE,
                {"version": reviewed, "message": message, "outcome": outcome},
                partial="reviewed-row",
            )
    row = VersionRow(version, form=form)
    if wants_partial(request):
        return _render(request, REVIEW_QUEUE, {"row": row}, partial="version-row")
    return _review_page(request, replace=row, status=400)


urlpatterns = [
    path("my/tasks/", my_tasks, name="my_tasks"),
    path("my/tasks/<int:task_id>/status/", task_status, name="task_status"),
    path("my/tasks/<int:task_id>/hours/", task_log_hours, name="task_log_hours"),
    path("my/tasks/<int:task_id>/versions/", task_submit_version, name="task_submit_version"),
    path("my/notes/<int:note_id>/read/", note_mark_read, name="note_mark_read"),
    path("review/", review_queue, name="review_queue"),
    path("review/<int:version_id>/", version_review, name="version_review"),
]
