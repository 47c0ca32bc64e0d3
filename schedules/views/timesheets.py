"""Weekly timesheets (routes in `urlpatterns`, included by schedules/urls.py).

- GET  /my/timesheet/?week=YYYY-MM-DD                          the person's week: tasks × days, edited in place
- POST /my/timesheet/cell/                                     one cell (task, date, hours) of it
- GET  /shows/<code>/timesheets/?week=                         a show's week: people × days, lock state
- POST /shows/<code>/timesheets/                              lock or open a week (`action`, `week`)
- GET  /shows/<code>/timesheets/<username>/?week=              one person's week on that show (the same grid)
- POST /shows/<code>/timesheets/<username>/cell/               one cell of it

My timesheet is for staff (a client gets a 404, as on every staff page). A show's timesheets are for its
coordinators, production managers and producers and admins: the show's other staff get 403, clients and strangers
404. A person's week on a show is editable by those who may change their time logs there (production managers,
producers, admins, and the person themselves); coordinators read it.

A cell posts on change (htmx) and gets back the cell re-rendered, with the row, day and week totals swapped out of
band; a refused value stays in the input with the message beside it. Without JavaScript a cell is a small form:
the page comes back (a redirect, or the page with the message and status 400).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shots.models import Task
from shots.selectors import person_today, person_zone
from studio import permissions
from studio.dates import PlanningDateField, is_planning_date
from studio.htmx import render_page, wants_partial
from studio.models import Person, Role, Show, ShowMembership

from .. import timesheets
from ..models import TimeLog, TimesheetLock
from ..timesheets import Cell, PersonWeek, day_text, week_start_of

WEEK_PAGE = "schedules/timesheet_week.html"
SHOW_PAGE = "schedules/timesheet_show.html"
TIMESHEET_READERS = (Role.ADMIN, Role.COORDINATOR, *permissions.PLANNERS)
NOT_A_READER = "A show's timesheets are for its coordinators, production managers and producers."
NOT_A_LOCKER = "Only the show's producers lock and unlock its weeks."


# --- Input -------------------------------------------------------------------------------------------------------


class CellForm(forms.Form):
    task = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    date = PlanningDateField(input_formats=["%Y-%m-%d"])
    hours = forms.CharField(required=False, max_length=32, strip=True)


class LockForm(forms.Form):
    action = forms.ChoiceField(choices=[("lock", "Lock"), ("unlock", "Unlock")])
    week = PlanningDateField(input_formats=["%Y-%m-%d"], error_messages={"invalid": "Give a date, like 2026-03-02."})


def _week(request: HttpRequest, today: dt.date) -> tuple[dt.date, str]:
    """The Monday of the week asked for in ?week= (any day of it will do), else this week; and what was wrong with
    the parameter, if anything."""
    raw = request.GET.get("week", "").strip()
    if not raw:
        return week_start_of(today), ""
    try:
        day = dt.datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        return week_start_of(today), "week: give a date, like 2026-03-02. Showing this week."
    if not is_planning_date(day):
        return week_start_of(today), "week: give a date between 1970 and 2999. Showing this week."
    return week_start_of(day), ""


def _nav(url: str, week_start: dt.date, today: dt.date) -> dict:
    def at(day: dt.date) -> str:
        return f"{url}?week={day:%Y-%m-%d}"

    this_week = week_start_of(today)
    previous, following = week_start - dt.timedelta(weeks=1), week_start + dt.timedelta(weeks=1)
    return {
        "prev_url": at(previous) if previous >= timesheets.FIRST_WEEK else "",
        "next_url": at(following) if following <= timesheets.LAST_WEEK else "",
        "this_url": at(this_week),
        "is_this_week": week_start == this_week,
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
    }


def _require_staff(person: Person) -> None:
    """Clients (with no staff role anywhere) get a 404 on staff pages, like a page that does not exist."""
    access = permissions.access_for(person)
    if not (access.is_studio_staff or access.shows(permissions.ALL_STAFF)):
        raise Http404


def _render(request: HttpRequest, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    with timezone.override(person_zone(request.user)):
        return render_page(request, template, context, partial=partial, status=status)


# --- A person's week: My timesheet, and one person's week on a show -------------------------------------------


class WeekScope:
    """Whose week, on which show (None: all the person's shows), the URLs of the page and its cells, and whether
    the viewer may change the hours."""

    def __init__(self, *, person: Person, show: Show | None, page_url: str, cell_url: str, editable: bool):
        self.person, self.show = person, show
        self.page_url, self.cell_url, self.editable = page_url, cell_url, editable

    @property
    def is_mine(self) -> bool:
        return self.show is None


def _my_scope(request: HttpRequest) -> WeekScope:
    person = request.user
    _require_staff(person)
    return WeekScope(
        person=person,
        show=None,
        page_url=reverse("schedules:my_timesheet"),
        cell_url=reverse("schedules:my_timesheet_cell"),
        editable=True,  # their own hours; the services still refuse a show where they may not log
    )


def _timesheet_show(request: HttpRequest, code: str) -> Show:
    show = permissions.staff_show(request.user, code)
    permissions.require(permissions.role_on_show(request.user, show) in TIMESHEET_READERS, NOT_A_READER)
    return show


def _show_person(show: Show, username: str) -> Person:
    """A staff member of the show, or anyone who logged hours on it; anyone else is a 404."""
    member = ShowMembership.objects.filter(show=show, person=OuterRef("pk")).exclude(
        Q(role=Role.CLIENT) | Q(role="", person__role=Role.CLIENT)
    )
    logged = TimeLog.objects.filter(task__shot__show=show, person=OuterRef("pk"))
    people = Person.objects.select_related(None).filter(Q(Exists(member)) | Q(Exists(logged)))
    return get_object_or_404(people, username=username)


def _person_scope(request: HttpRequest, code: str, username: str) -> WeekScope:
    show = _timesheet_show(request, code)
    person = _show_person(show, username)
    probe = TimeLog(person=person, task=timesheets.show_task_probe(show))
    return WeekScope(
        person=person,
        show=show,
        page_url=reverse("schedules:person_timesheet", args=[show.code, person.username]),
        cell_url=reverse("schedules:person_timesheet_cell", args=[show.code, person.username]),
        editable=permissions.can_change(request.user, probe),
    )


def _week_context(request: HttpRequest, scope: WeekScope, sheet: PersonWeek, **extra) -> dict:
    viewer_today = person_today(request.user)
    return {
        "scope": scope,
        "show": scope.show,
        "person": scope.person,
        "sheet": sheet,
        "today": sheet.today,
        "nav": _nav(scope.page_url, sheet.week_start, viewer_today),
        "cell_url": scope.cell_url,
        **extra,
    }


def _week_page(request: HttpRequest, scope: WeekScope, *, week_start=None, week_error="", replace=None, status=200):
    if week_start is None:
        week_start, week_error = _week(request, person_today(request.user))
    sheet = timesheets.person_week(request.user, scope.person, week_start, show=scope.show, editable=scope.editable)
    if replace is not None:
        _put_cell(sheet, replace)
    status = 400 if week_error else status
    context = _week_context(request, scope, sheet, week_error=week_error)
    return _render(request, WEEK_PAGE, context, status=status)


def _put_cell(sheet: PersonWeek, cell: Cell) -> None:
    row = sheet.row_of(cell.task.pk)
    if row is not None:
        row.cells = [cell if c.day == cell.day else c for c in row.cells]


def _save_cell(request: HttpRequest, scope: WeekScope) -> HttpResponse:
    form = CellForm(request.POST)
    if not form.is_valid():
        lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    tasks = permissions.visible(request.user, Task).select_related("shot__show", "task_type")
    if scope.show is not None:
        tasks = tasks.filter(shot__show=scope.show)
    task = get_object_or_404(tasks, pk=form.cleaned_data["task"])
    day = form.cleaned_data["date"]
    permissions.require(scope.editable, "You may not change these hours.")
    typed = form.cleaned_data["hours"]
    error = ""
    try:
        timesheets.timesheet_cell_save(actor=request.user, person=scope.person, task=task, day=day, hours=typed)
    except ValidationError as refused:
        error = timesheets.error_text(refused)
    week_start = week_start_of(day)
    sheet = timesheets.person_week(request.user, scope.person, week_start, show=scope.show, editable=scope.editable)
    row = sheet.row_of(task.pk)
    cell = next((c for c in row.cells if c.day == day), None) if row else None
    if cell is None:  # no hours left on a task no longer open: the row stays on the page until it is reloaded
        cell = Cell(task=task, day=day, hours=None, editable=True)
    if error:
        cell.editable, cell.typed, cell.error = True, typed, error
    if not wants_partial(request):
        if error:
            return _week_page(request, scope, week_start=week_start, replace=cell, status=400)
        messages.success(request, f"{task.shot.code} {task.task_type.name}, {day_text(day)}: saved.")
        return redirect(f"{scope.page_url}?week={week_start:%Y-%m-%d}")
    context = _week_context(request, scope, sheet, cell=cell, row=row, oob=True)
    context["day_total"] = next(total for total in sheet.day_totals if total.day == day)
    with timezone.override(person_zone(request.user)):
        html = render_to_string(f"{WEEK_PAGE}#cell", context, request=request)
        html += render_to_string(f"{WEEK_PAGE}#totals", context, request=request)
    return HttpResponse(html)


@login_required
def my_timesheet(request):
    return _week_page(request, _my_scope(request))


@require_POST
@login_required
def my_timesheet_cell(request):
    return _save_cell(request, _my_scope(request))


@login_required
def person_timesheet(request, code: str, username: str):
    return _week_page(request, _person_scope(request, code, username))


@require_POST
@login_required
def person_timesheet_cell(request, code: str, username: str):
    return _save_cell(request, _person_scope(request, code, username))


# --- A show's week ---------------------------------------------------------------------------------------------


def _show_page(request: HttpRequest, show: Show, *, week_start=None, week_error="", lock_error="", status=200):
    today = person_today(request.user)
    if week_start is None:
        week_start, week_error = _week(request, today)
    week = timesheets.show_week(request.user, show, week_start)
    can_lock = permissions.can_change(request.user, TimesheetLock(show=show))
    context = {
        "show": show,
        "week": week,
        "nav": _nav(reverse("schedules:show_timesheets", args=[show.code]), week_start, today),
        "today": today,
        "has_ended": week_start + dt.timedelta(days=6) < today,
        "can_lock": can_lock,
        "week_error": week_error,
        "lock_error": lock_error,
    }
    return _render(request, SHOW_PAGE, context, status=400 if (week_error or lock_error) else status)


@require_http_methods(["GET", "POST"])
@login_required
def show_timesheets(request, code: str):
    """The show's week; a POST (producers, admins) locks the week or opens it again: `action` lock or unlock,
    `week` its Monday."""
    show = _timesheet_show(request, code)
    if request.method == "POST":
        return _lock_action(request, show)
    return _show_page(request, show)


def _lock_action(request: HttpRequest, show: Show) -> HttpResponse:
    permissions.require(permissions.can_change(request.user, TimesheetLock(show=show)), NOT_A_LOCKER)
    form = LockForm(request.POST)
    if not form.is_valid():
        lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return _show_page(request, show, lock_error=" ".join(lines))
    week_start, action = form.cleaned_data["week"], form.cleaned_data["action"]
    try:
        if action == "lock":
            timesheets.timesheet_week_lock(actor=request.user, show=show, week_start=week_start)
            done = f"The week of {day_text(week_start)} is locked on {show.code}."
        else:
            existing = TimesheetLock.objects.filter(show=show, week_start=week_start).first()
            if existing is None:
                raise ValidationError({"week": f"The week of {day_text(week_start)} is not locked on {show.code}."})
            timesheets.timesheet_week_unlock(actor=request.user, lock=existing)
            done = f"The week of {day_text(week_start)} is open again on {show.code}."
    except ValidationError as refused:
        return _show_page(
            request, show, week_start=week_start_of(week_start), lock_error=timesheets.error_text(refused)
        )
    messages.success(request, done)
    return redirect(f"{reverse('schedules:show_timesheets', args=[show.code])}?week={week_start:%Y-%m-%d}")


urlpatterns = [
    path("my/timesheet/", my_timesheet, name="my_timesheet"),
    path("my/timesheet/cell/", my_timesheet_cell, name="my_timesheet_cell"),
    path("shows/<str:code>/timesheets/", show_timesheets, name="show_timesheets"),
    path("shows/<str:code>/timesheets/<str:username>/", person_timesheet, name="person_timesheet"),
    path("shows/<str:code>/timesheets/<str:username>/cell/", person_timesheet_cell, name="person_timesheet_cell"),
]
