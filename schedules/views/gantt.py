"""Gantt charts (routes in `urlpatterns`, included by schedules/urls.py):

- GET  /shows/<code>/gantt/                        a show's chart: one sequence, filters, a date window, pages
- GET  /shows/<code>/gantt/people/<username>/      a person's tasks on the show
- GET  /my/gantt/                                  my tasks across my shows
- GET  /shows/<code>/gantt/tasks/<pk>/dates/       a task's dates on a plain page (the chart without JS)
- POST /shows/<code>/gantt/tasks/<pk>/dates/       save start and due (a drag, the keyboard form or the plain
                                                   page): htmx gets the row back, a plain post a redirect

Readers are the show's staff (clients, like strangers, get a 404). The dates go through
shots.services.task_update, which checks the permission, the row version and the dates; a refusal comes back as
the row drawn from the database (the dragged bar snaps back) with the message: 409 for a stale row, 403, 400
naming the field.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from shots import selectors as shot_selectors
from shots import services as shot_services
from shots.forms import NamedErrorsMixin, person_label
from shots.models import Task
from studio import permissions
from studio.dates import PlanningDateField
from studio.htmx import render_page, wants_partial
from studio.models import Person, Role, Show, ShowMembership

from .. import gantt
from ..gantt import Gantt, GanttFilters, Window

GANTT = "schedules/gantt.html"
TASK_DATES = "schedules/gantt_task.html"
MAX_PAGE = 10_000
MAX_ID = 2**63 - 1


# --- Filters -------------------------------------------------------------------------------------------------


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WindowForm(NamedErrorsMixin, forms.Form):
    """?from=&to= (the window, both days inclusive) and ?page=; every field optional."""

    page = forms.IntegerField(label="Page", required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, data, *, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        # "from" is a Python keyword: the fields are added by name. Planning dates only (1970 to 2999): a window at
        # the calendar's end would step past date.max to draw its scale and its link to the next window.
        self.fields["from"] = PlanningDateField(
            label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = PlanningDateField(
            label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.order_fields(["from", "to", "page"])

    def clean(self):
        cleaned = super().clean()
        if "from" not in cleaned or "to" not in cleaned:
            return cleaned
        default = Window.default(self.today)
        start, end = cleaned["from"], cleaned["to"]
        if start is None:
            start = default.start if end is None else end - dt.timedelta(days=default.days - 1)
        if end is None:
            end = start + dt.timedelta(days=default.days - 1)
        if end < start:
            self.add_error("to", "The end of the window must not be before its start.")
        elif (end - start).days + 1 > gantt.MAX_WINDOW_DAYS:
            self.add_error("to", f"Show at most {gantt.MAX_WINDOW_DAYS} days at a time.")
        else:
            cleaned["window"] = Window(start, end)
        cleaned["page"] = cleaned.get("page") or 1
        return cleaned

    @property
    def window(self) -> Window:
        return self.cleaned_data["window"]


class GanttFilterForm(WindowForm):
    sequence = forms.ChoiceField(label="Sequence", required=False)
    department = forms.TypedChoiceField(label="Department", required=False, coerce=int, empty_value=None)
    task_type = forms.TypedChoiceField(label="Task type", required=False, coerce=int, empty_value=None)
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, data, *, today, sequences, task_types, people):
        super().__init__(data, today=today)
        self.default_sequence = gantt.default_sequence(sequences)
        self.fields["sequence"].choices = [(str(s.pk), s.code) for s in sequences] + [("all", "All sequences")]
        self.fields["task_type"].choices = [("", "Any task type")] + [(t.pk, t.name) for t in task_types]
        departments = {t.department_id: t.department for t in task_types}
        self.fields["department"].choices = [("", "All departments")] + [
            (d.pk, d.name) for d in sorted(departments.values(), key=lambda d: (d.order, d.name))
        ]
        self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me")] + [
            (str(p.pk), person_label(p)) for p in people
        ]
        self.order_fields(["sequence", "department", "task_type", "assignee", "from", "to", "page"])
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"gantt-{name}"
        if self.default_sequence is not None and not self.data.get("sequence"):
            # A bound form draws its data, not its initial values: the select must name the sequence charted.
            self.data = self.data.copy()
            self.data["sequence"] = str(self.default_sequence.pk)

    def clean_sequence(self) -> int | None:
        value = self.cleaned_data["sequence"]
        if value == "all":
            return None
        if value:
            return int(value)
        return self.default_sequence.pk if self.default_sequence else None

    def filters(self, person: Person) -> GanttFilters:
        data = self.cleaned_data
        assignee = data["assignee"]
        return GanttFilters(
            sequence_id=data["sequence"],
            department_id=data["department"],
            task_type_id=data["task_type"],
            assignee_id=person.pk if assignee == "me" else int(assignee) if assignee else None,
        )


class TaskDatesForm(NamedErrorsMixin, forms.Form):
    start_date = forms.DateField(label="Start date", required=False, widget=_date_input())
    due_date = forms.DateField(label="Due date", required=False, widget=_date_input())
    row_version = forms.IntegerField(
        label="Row version", min_value=1, max_value=2**31 - 1, error_messages={"required": "Reload the chart."}
    )

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = name if name in self.fields else None
                for message in errors:
                    self.add_error(field, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


# --- Pages ---------------------------------------------------------------------------------------------------


def _staff_show(request: HttpRequest, code: str) -> Show:
    return permissions.staff_show(request.user, code)


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    for name in list(params):
        if not any(params.getlist(name)):
            del params[name]
    return params.urlencode()


def _page_links(request: HttpRequest, chart: Gantt) -> dict:
    base = request.path
    query = _query_without(request, "page")
    join = "&" if query else ""
    links = {}
    if chart.has_next:
        links["next_page_url"] = f"{base}?{query}{join}page={chart.page + 1}"
    if chart.has_previous:
        links["previous_page_url"] = f"{base}?{query}{join}page={chart.page - 1}"
    return links


def _window_links(request: HttpRequest, window: Window) -> dict:
    """The same filters over the window as long before this one, and after it."""
    params = request.GET.copy()
    for name in ("page", "from", "to"):
        params.pop(name, None)
    step = dt.timedelta(days=window.days)

    def url(start: dt.date) -> str:
        query = params.copy()
        query["from"], query["to"] = start.isoformat(), (start + step - dt.timedelta(days=1)).isoformat()
        return f"{request.path}?{query.urlencode()}"

    links = {}
    try:
        links["earlier_url"] = url(window.start - step)
    except OverflowError:
        pass
    try:
        links["later_url"] = url(window.start + step)
    except OverflowError:
        pass
    return links


def _render_chart(request: HttpRequest, context: dict, form: WindowForm, build) -> HttpResponse:
    """The page (htmx: the chart only) once the filters are valid; the page with their errors (400) otherwise."""
    context.update(form=form, next_url=request.get_full_path())
    if not form.is_valid():
        context["chart"] = None
        return render_page(request, GANTT, context, partial="gantt-chart", status=400)
    chart = build(form)
    # The date fields show the window drawn, also when it is the default one.
    form.data = form.data.copy()
    form.data["from"], form.data["to"] = chart.window.start.isoformat(), chart.window.end.isoformat()
    draw_rows(chart.rows, chart.window, request.get_full_path())
    context.update(chart=chart, **_page_links(request, chart), **_window_links(request, chart.window))
    return render_page(request, GANTT, context, partial="gantt-chart")


@login_required
@require_GET
def show_gantt(request, code: str):
    show = _staff_show(request, code)
    today = shot_selectors.person_today(request.user)
    form = GanttFilterForm(
        request.GET,
        today=today,
        sequences=gantt.gantt_sequences(request.user, show, today),
        task_types=shot_selectors.shot_grid_columns(request.user, show),
        people=shot_selectors.shot_grid_people(request.user, show),
    )
    context = {"show": show, "kind": "show", "page_url": reverse("schedules:gantt", args=[show.code])}

    def build(form: GanttFilterForm) -> Gantt:
        return gantt.show_gantt(
            request.user,
            show,
            form.filters(request.user),
            window=form.window,
            today=today,
            page=form.cleaned_data["page"],
        )

    return _render_chart(request, context, form, build)


@login_required
@require_GET
def person_gantt(request, code: str, username: str):
    show = _staff_show(request, code)
    staff = ShowMembership.objects.filter(show=show, person__is_active=True).exclude(role=Role.CLIENT)
    staff = staff.exclude(role="", person__role=Role.CLIENT)
    person = get_object_or_404(
        permissions.visible(request.user, Person).select_related(None).filter(pk__in=staff.values("person_id")),
        username=username,
    )
    today = shot_selectors.person_today(request.user)
    form = WindowForm(request.GET, today=today)
    context = {
        "show": show,
        "person": person,
        "kind": "person",
        "page_url": reverse("schedules:gantt_person", args=[show.code, person.username]),
    }

    def build(form: WindowForm) -> Gantt:
        return gantt.person_gantt(
            request.user, show, person, window=form.window, today=today, page=form.cleaned_data["page"]
        )

    return _render_chart(request, context, form, build)


@login_required
@require_GET
def my_gantt(request):
    if not permissions.access_for(request.user).is_studio_staff:
        raise Http404("Clients have no tasks to plan.")
    today = shot_selectors.person_today(request.user)
    form = WindowForm(request.GET, today=today)
    context = {"kind": "my", "page_url": reverse("schedules:my_gantt")}

    def build(form: WindowForm) -> Gantt:
        return gantt.my_gantt(request.user, window=form.window, today=today, page=form.cleaned_data["page"])

    return _render_chart(request, context, form, build)


# --- A task's dates ----------------------------------------------------------------------------------------------

_URL_MARKER_CODE = "SHOWCODE"
_URL_MARKER_NAME = "NAMEMARKER"
_URL_MARKER_PK = 987654321


def _url_template(name: str, *args) -> str:
    """A URL with {code}, {name} and {pk} holes: one reverse() for a page of 400 rows, not 1,200."""
    markers = {_URL_MARKER_CODE: "{code}", _URL_MARKER_NAME: "{name}", str(_URL_MARKER_PK): "{pk}"}
    url = reverse(name, args=args)
    for marker, hole in markers.items():
        url = url.replace(marker, hole)
    return url


def _date_text(day: dt.date | None, *, year: bool = False) -> str:
    if day is None:
        return "…"
    return f"{day.day} {MONTHS[day.month]}" + (f" {day.year}" if year else "")


MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
STATUS_LABELS = dict(Task._meta.get_field("status").choices)


def draw_rows(rows: list[gantt.GanttRow], window: Window, next_url: str) -> None:
    """Each row's HTML (row.html). A page has up to 400 rows: drawn here, in one function, they cost a small part of
    what as many template partials do (as the shot grid's cells). Every text is escaped; the numbers are ours."""
    dates_url = _url_template("schedules:gantt_task_dates", _URL_MARKER_CODE, _URL_MARKER_PK)
    shot_url = _url_template("shots:shot_detail", _URL_MARKER_CODE, _URL_MARKER_NAME)
    person_url = _url_template("schedules:gantt_person", _URL_MARKER_CODE, _URL_MARKER_NAME)
    edit_query = "?" + urlencode({"next": next_url})
    for row in rows:
        row.html = _row_html(row, window, dates_url, shot_url, person_url, edit_query)


def _row_html(row: gantt.GanttRow, window: Window, dates_url, shot_url, person_url, edit_query) -> SafeString:
    task, shot = row.task, row.task.shot
    code = quote(shot.show.code)
    name = f"{shot.code} {task.task_type.name}"
    row.dates_url = dates_url.format(code=code, pk=task.pk)
    start, due = row.bar_start, row.bar_due
    dates = f"{_date_text(task.start_date)} – {_date_text(task.due_date, year=True)}" if start else "No dates"
    people = " ".join(
        f'<a href="{person_url.format(code=code, name=quote(p.username))}" title="{escape(str(p))}">'
        f"{escape(p.initials)}</a>"
        for p in task.assignees.all()
    )
    label = [
        f'<span class="gantt-name"><a class="code" href="{shot_url.format(code=code, name=quote(shot.code))}">'
        f"{escape(shot.code)}</a> {escape(task.task_type.name)}</span>",
        f'<span class="assignees">{people}</span>' if people else "",
        f'<span class="gantt-dates" data-dates>{dates}</span>',
    ]
    if row.editable:
        label.append(
            f'<a class="gantt-edit-link" href="{row.dates_url}{escape(edit_query)}" data-gantt-edit>Edit dates</a>'
        )
    if row.message:
        label.append(f'<p class="notice error gantt-message" role="alert">{escape(row.message)}</p>')

    svg = [f'<use href="#{row.background_id}"/>']
    if row.baseline:
        b, b_y, b_h = row.baseline, gantt.BASELINE_Y, gantt.BASELINE_HEIGHT
        svg.append(
            f'<rect class="baseline" x="{b.x}" y="{b_y}" width="{b.width}" height="{b_h}">'
            f"<title>Baseline: {_date_text(row.baseline_start, year=True)} – {_date_text(row.baseline_due, year=True)}"
            "</title></rect>"
        )
    if row.bar:
        bar, status = row.bar, STATUS_LABELS[task.status]
        span_text = f"starts {_date_text(start, year=True)}, due {_date_text(due, year=True)}"
        if row.editable:
            focus = (
                f'tabindex="0" role="button" aria-label="{escape(name)}, {status}: {span_text}. Enter edits the dates"'
            )
        else:
            focus = f'role="img" aria-label="{escape(name)}, {status}: {span_text}"'
        classes = (
            f"bar bar-{task.status}" + (" cut-start" if bar.cut_start else "") + (" cut-end" if bar.cut_end else "")
        )
        y, h, w = gantt.BAR_Y, gantt.BAR_HEIGHT, gantt.HANDLE_WIDTH
        parts = [
            f'<g class="gantt-bar{" editable" if row.editable else ""}" {focus}>',
            f"<title>{escape(name)} · {status} · {_date_text(start)} – {_date_text(due, year=True)}</title>",
            f'<rect class="{classes}" x="{bar.x}" y="{y}" width="{bar.width}" height="{h}" rx="3"/>',
        ]
        if row.editable and not bar.cut_start:
            parts.append(f'<rect class="handle handle-start" x="{bar.x}" y="{y}" width="{w}" height="{h}"/>')
        if row.editable and not bar.cut_end:
            parts.append(f'<rect class="handle handle-due" x="{row.handle_due_x}" y="{y}" width="{w}" height="{h}"/>')
        parts.append("</g>")
        svg += parts

    attrs = [f'id="gantt-task-{task.pk}"', f'class="gantt-row{" refused" if row.message else ""}"']
    if row.editable:
        attrs += [
            f'data-url="{row.dates_url}"',
            f'data-row-version="{task.row_version}"',
            f'data-start="{start.isoformat() if start else ""}"',
            f'data-due="{due.isoformat() if due else ""}"',
            f'data-name="{escape(name)}"',
        ]
        if row.open_form:
            attrs.append("data-reopen")
    return mark_safe(
        f"<tr {' '.join(attrs)}>"
        f'<th scope="row" class="gantt-label">{"".join(label)}</th>'
        f'<td class="gantt-track"><svg class="gantt-svg" width="{window.width}" height="{gantt.ROW_HEIGHT}">'
        f"{''.join(svg)}</svg></td></tr>"
    )


def _next_url(request: HttpRequest, show: Show) -> str:
    next_url = request.POST.get("next", "") or request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return reverse("schedules:gantt", args=[show.code])


def _row_response(request, task: Task, *, status: int = 200, message: str = "", open_form: bool = False):
    """The task's row as the database has it now (the bar drawn at its saved dates), with a message if refused."""
    fresh = gantt.task_for_row(request.user, task.pk)
    window = _row_window(request)
    row = gantt.gantt_row(request.user, fresh, window)
    row.message, row.open_form = message, open_form
    draw_rows([row], window, _next_url(request, task.shot.show))
    return render_page(request, GANTT, {"row": row}, partial="gantt-row", status=status)


def _row_window(request: HttpRequest) -> Window:
    """The window of the chart the row came from (posted back by the row's form), else the default one."""
    today = shot_selectors.person_today(request.user)
    try:
        start = dt.date.fromisoformat(request.POST.get("window_start", ""))
        end = dt.date.fromisoformat(request.POST.get("window_end", ""))
    except ValueError:
        return Window.default(today)
    if start <= end and (end - start).days < gantt.MAX_WINDOW_DAYS:
        return Window(start, end)
    return Window.default(today)


@login_required
@require_http_methods(["GET", "POST"])
def task_dates(request, code: str, pk: int):
    show = _staff_show(request, code)
    if pk > MAX_ID:
        raise Http404
    try:
        task = gantt.task_for_row(request.user, pk)
    except Task.DoesNotExist:
        raise Http404 from None
    if task.shot.show_id != show.pk:
        raise Http404
    editable = permissions.can_change_task_dates(request.user, task)
    context = {"show": show, "task": task, "editable": editable, "next_url": _next_url(request, show)}
    if request.method == "GET":
        context["form"] = TaskDatesForm(
            initial={"start_date": task.start_date, "due_date": task.due_date, "row_version": task.row_version}
        )
        if not editable:
            context["denied"] = "You cannot change this task's dates."
        return render(request, TASK_DATES, context, status=200 if editable else 403)

    form = TaskDatesForm(request.POST)
    from_drag = request.POST.get("via") == "drag"
    status, message = 200, ""
    if not editable:
        status, message = 403, "You cannot change this task's dates."
    elif not form.is_valid():
        status = 400
    else:
        try:
            shot_services.task_update(
                actor=request.user,
                task=task,
                row_version=form.cleaned_data["row_version"],
                start_date=form.cleaned_data["start_date"],
                due_date=form.cleaned_data["due_date"],
            )
        except shot_services.StaleWrite as error:
            status, message = 409, error.messages[0]
        except PermissionDenied as error:
            status, message = 403, str(error) or "You cannot change this task's dates."
        except ValidationError as error:
            form.add_service_errors(error)
            status = 400
    if status == 400:
        message = " ".join(form.error_summary())
    if wants_partial(request):
        return _row_response(request, task, status=status, message=message, open_form=bool(message) and not from_drag)
    if status == 200:
        messages.success(request, f"{task.shot.code} {task.task_type.name}: dates saved.")
        return redirect(_next_url(request, show))
    if status == 409:
        # The chart's values stay in the form; the row version becomes the current one, so a second Save (after
        # a look at the current dates, shown above it) overwrites knowingly.
        context["task"] = gantt.task_for_row(request.user, task.pk)
        data = request.POST.copy()
        data["row_version"] = str(context["task"].row_version)
        form = TaskDatesForm(data)
        form.is_valid()
    context.update(form=form, denied=message if status in (403, 409) else "")
    return render(request, TASK_DATES, context, status=status)


urlpatterns = [
    path("shows/<str:code>/gantt/", show_gantt, name="gantt"),
    path("shows/<str:code>/gantt/people/<str:username>/", person_gantt, name="gantt_person"),
    path("shows/<str:code>/gantt/tasks/<int:pk>/dates/", task_dates, name="gantt_task_dates"),
    path("my/gantt/", my_gantt, name="my_gantt"),
]
