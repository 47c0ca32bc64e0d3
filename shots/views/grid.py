"""The shot grid of a show: filters, paging, inline and bulk edits, CSV export.

- GET  /shows/<code>/shots/             the grid page (htmx: the results only, for the filter form)
- GET  /shows/<code>/shots/rows/        the next page of rows after `cursor` (infinite scroll)
- GET  /shows/<code>/shots/export.csv   every matching shot, same filters and sort
- POST /shows/<code>/shots/bulk/        a bulk edit of the selected shots' tasks of one type
- GET  /tasks/<id>/cell/                a task's cell (?edit=1: its inline edit form); POST saves the form

Every write goes through shots.services: the permission is checked there (and asked here first to answer with
the right page), a stale row_version is refused there and shown here as "changed by X at T — reload".
"""

from __future__ import annotations

import calendar
import csv
from collections.abc import Iterator
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, TooManyFieldsSent, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Person, Role, Show

from .. import selectors, services
from ..forms import BULK_MAX_SHOTS, BulkAction, GridBulkForm, GridFilterForm, TaskCellForm
from ..models import Shot, Task, TaskType
from ..selectors import GridCell
from ..workflow import TaskStatus

PAGE_SIZE = 100
GRID = "shots/shot_grid.html"
CELL = "shots/task_cell.html"
# Who gets the selection column and the bulk bar. Supervisors too: the services let them change their
# department's tasks only, and say so for the others.
BULK_EDITORS = (Role.ADMIN, *permissions.BREAKDOWN_EDITORS, Role.SUPERVISOR)
SORTABLE_HEADERS = {"code": "code", "sequence": "order", "length": "length", "status": "status"}
TOO_MANY_SHOTS = f"Select at most {BULK_MAX_SHOTS} shots at a time."


def _staff_show(request: HttpRequest, code: str) -> Show:
    # Clients belong to shows too, but the breakdown is staff information: they get a 404 like a stranger.
    return permissions.staff_show(request.user, code)


def _may_bulk_edit(person, show: Show) -> bool:
    return permissions.role_on_show(person, show) in BULK_EDITORS


def _filter_form(request: HttpRequest, show: Show, data=None) -> tuple[GridFilterForm, list[TaskType], list[Person]]:
    columns = selectors.shot_grid_columns(request.user, show)
    people = selectors.shot_grid_people(request.user, show)
    form = GridFilterForm(
        request.GET if data is None else data,
        person=request.user,
        sequences=selectors.shot_grid_sequences(request.user, show),
        people=people,
        columns=columns,
    )
    return form, columns, people


# --- The grid ---------------------------------------------------------------------------------------------


@login_required
def shot_grid(request, code: str):
    return _grid_response(request, code, partial="grid-results")


@login_required
def shot_grid_rows(request, code: str):
    """The rows after `cursor`, for infinite scroll; without htmx the same page as the grid."""
    return _grid_response(request, code, partial="grid-rows")


def _grid_response(request: HttpRequest, code: str, *, partial: str) -> HttpResponse:
    show = _staff_show(request, code)
    form, columns, people = _filter_form(request, show)
    fragment = wants_partial(request)
    can_bulk_edit = _may_bulk_edit(request.user, show)
    context = {
        "show": show,
        "form": form,
        "page": None,
        "can_bulk_edit": can_bulk_edit,
        "selected": set(),
        "grid_url": reverse("shots:shot_grid", args=[show.code]),
    }
    if can_bulk_edit and not fragment:
        context["bulk_form"] = GridBulkForm(task_types=_task_types(request.user), people=people)
    if not form.is_valid():
        return render_page(request, GRID, context, partial=partial, status=400)
    filters = form.filters()
    page = selectors.shot_grid_page(
        request.user,
        show,
        filters,
        after=form.cleaned_data["after"],
        limit=PAGE_SIZE,
        columns=columns,
        with_total=not (fragment and partial == "grid-rows"),
    )
    _draw_cells(page.rows)
    context.update(_links(request, show, page))
    context.update(page=page, filtered=form.is_filtered(), first_page=form.cleaned_data["after"] is None)
    response = render_page(request, GRID, context, partial=partial)
    if fragment and partial == "grid-results":
        # The filter form pushes its URL into the history; without its empty fields it is shorter to share.
        response["HX-Push-Url"] = _shareable_url(request, show)
    return response


def _shareable_url(request: HttpRequest, show: Show) -> str:
    query = _filter_params(request).urlencode()
    return reverse("shots:shot_grid", args=[show.code]) + (f"?{query}" if query else "")


def _filter_params(request: HttpRequest):
    """The request's filters without the empty fields, the default sort or the page cursor."""
    params = request.GET.copy()
    for name in list(params):
        values = [value for value in params.getlist(name) if value and (name, value) != ("sort", "order")]
        if values and name != "cursor":
            params.setlist(name, values)
        else:
            del params[name]
    return params


def _links(request: HttpRequest, show: Show, page: selectors.GridPage) -> dict:
    """URLs that keep the filters: the next page, the CSV export, and each sortable header."""
    params = _filter_params(request)
    grid_url = reverse("shots:shot_grid", args=[show.code])
    links = {
        "csv_url": f"{reverse('shots:shot_grid_csv', args=[show.code])}?{params.urlencode()}".rstrip("?"),
        "first_page_url": f"{grid_url}?{params.urlencode()}".rstrip("?"),
    }
    if page.next_after:
        params["cursor"] = page.next_cursor
        links["next_page_url"] = f"{grid_url}?{params.urlencode()}"
        links["next_rows_url"] = f"{reverse('shots:shot_grid_rows', args=[show.code])}?{params.urlencode()}"
        params.pop("cursor")
    current = page.filters.sort
    headers = {}
    for header, sort in SORTABLE_HEADERS.items():
        sort_params = params.copy()
        sort_params["sort"] = f"-{sort}" if current == sort else sort
        headers[header] = {
            "url": f"{grid_url}?{sort_params.urlencode()}",
            "aria_sort": "ascending" if current == sort else "descending" if current == f"-{sort}" else "",
        }
    links["sort_headers"] = headers
    return links


# --- Task cells ------------------------------------------------------------------------------------------
# A page has up to 1,400 task cells: drawn here, in one small function, they cost a fraction of what as many
# template includes do. The same function draws the single cell an inline edit sends back.

STATUS_LABELS = {value: escape(label) for value, label in TaskStatus.choices}
MONTH_ABBR = list(calendar.month_abbr)
_CELL_URL_MARKER = 987654321


def _cell_url_template() -> str:
    return reverse("shots:task_cell", args=[_CELL_URL_MARKER]).replace(str(_CELL_URL_MARKER), "{}") + "?edit=1"


def task_cell_html(cell: GridCell, edit_url_template: str | None = None) -> SafeString:
    """A task's status chip, its assignees' initials and its due date (its start date in the tooltip, or alone
    when there is no due date); a link to its editor when editable."""
    task = cell.task
    if task is None:
        return mark_safe('<span class="no-task">—</span>')
    # Status values and labels are ours (TaskStatus); names are escaped.
    html = f'<span class="chip status-{task.status}">{STATUS_LABELS[task.status]}</span>'
    people = task.assignees.all()
    if people:
        initials = " ".join(f'<abbr title="{escape(str(p))}">{escape(p.initials)}</abbr>' for p in people)
        html += f' <span class="assignees">{initials}</span>'
    start = task.start_date
    if task.due_date:
        starts = f' title="Starts {start.day} {MONTH_ABBR[start.month]} {start.year}"' if start else ""
        html += f' <span class="due"{starts}>{task.due_date.day} {MONTH_ABBR[task.due_date.month]}</span>'
    elif start:
        html += f' <span class="due">from {start.day} {MONTH_ABBR[start.month]}</span>'
    if not cell.editable:
        return mark_safe(f'<span class="cell-link">{html}</span>')
    url = (edit_url_template or _cell_url_template()).format(task.pk)
    return mark_safe(f'<a class="cell-link" href="{url}" hx-get="{url}">{html}</a>')


def _draw_cells(rows: list[selectors.GridRow]) -> None:
    url_template = _cell_url_template()
    for row in rows:
        for cell in row.cells:
            cell.html = task_cell_html(cell, url_template)


def _task_types(person) -> list[TaskType]:
    return list(permissions.visible(person, TaskType).select_related("department").order_by("order", "name"))


# --- CSV export -------------------------------------------------------------------------------------------

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str) -> str:
    """Free text as a spreadsheet will not run it: a leading =, +, - or @ would make it a formula."""
    return f"'{value}" if value.startswith(CSV_FORMULA_STARTS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def shot_grid_csv(request, code: str):
    show = _staff_show(request, code)
    data = request.GET.copy()
    data.pop("cursor", None)  # the export is every matching shot, not one page
    form, columns, _people = _filter_form(request, show, data)
    if not form.is_valid():
        body = "The export could not use these filters:\n" + "\n".join(form.error_summary()) + "\n"
        return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    export = selectors.shot_grid_export(request.user, show, form.filters(), columns=columns)
    # Built whole (a film's 3,000 shots make about 2 MB): every read is done before the first byte is sent.
    response = HttpResponse("".join(_csv_lines(export)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{show.code}-shots.csv"'
    return response


def _csv_lines(export: selectors.GridExport) -> Iterator[str]:
    writer = csv.writer(_Echo())
    header = ["Shot", "Sequence", "Status", "Cut in", "Cut out", "Frames", "Latest version", "Description"]
    for task_type in export.columns:
        header += [f"{task_type.name} status", f"{task_type.name} assignees", f"{task_type.name} bid (days)"]
        header += [f"{task_type.name} due"]
    yield writer.writerow(header)
    status_labels = dict(Task._meta.get_field("status").choices)
    shot_status_labels = dict(Shot._meta.get_field("status").choices)
    for shot in export.shots:
        line = [
            shot["code"],
            shot["sequence__code"],
            shot_status_labels[shot["status"]],
            shot["cut_in"],
            shot["cut_out"],
            shot["cut_out"] - shot["cut_in"] + 1,
            export.latest_versions.get(shot["id"], ""),
            _csv_text(shot["description"]),
        ]
        for task_type in export.columns:
            task = export.tasks.get((shot["id"], task_type.pk))
            if task is None:
                line += ["", "", "", ""]
            else:
                line += [
                    status_labels[task["status"]],
                    _csv_text("; ".join(task["assignees"])),
                    task["bid_days"],
                    task["due_date"].isoformat() if task["due_date"] else "",
                ]
        yield writer.writerow(line)


# --- One task's cell: show, edit, save ----------------------------------------------------------------------


def _assignees_prefetch() -> Prefetch:
    return Prefetch("assignees", queryset=Person.objects.select_related(None))


@login_required
@require_http_methods(["GET", "POST"])
def task_cell(request, pk: int):
    task = get_object_or_404(
        permissions.visible(request.user, Task)
        .select_related("shot__show", "shot__sequence", "task_type__department", "updated_by")
        .prefetch_related(_assignees_prefetch()),
        pk=pk,
    )
    editable = permissions.can_change(request.user, task)
    context = _cell_context(task, editable)
    if request.method == "GET" and not request.GET.get("edit"):
        return render_page(request, CELL, context, partial="task-cell")
    if not editable:
        context["denied"] = "You cannot change this task: it is not yours to edit."
        return render_page(request, CELL, context, partial="task-cell-denied", status=403)
    form = _cell_form(request, task)
    context["form"] = form
    # In the grid, a saved cell refreshes its row's selection token (see below): the form sends the row's box.
    context["with_selection"] = _in_grid(request) and _may_bulk_edit(request.user, task.shot.show)
    if request.method == "GET":
        return render_page(request, CELL, context, partial="task-cell-form")
    if not form.is_valid():
        return render_page(request, CELL, context, partial="task-cell-form", status=422)
    try:
        saved = services.task_update(
            actor=request.user, task=task, row_version=form.cleaned_data["row_version"], **form.changes()
        )
    except services.StaleWrite as error:
        context["stale"] = error.messages[0]
        context["current"] = _fresh_task(request, task.pk)
        return render_page(request, CELL, context, partial="task-cell-form", status=409)
    except PermissionDenied as error:
        context["denied"] = str(error) or "You cannot make this change."
        return render_page(request, CELL, context, partial="task-cell-form", status=403)
    except ValidationError as error:
        form.add_service_errors(error)
        return render_page(request, CELL, context, partial="task-cell-form", status=422)
    if not wants_partial(request):
        messages.success(request, f"{task.shot.code} {task.task_type.name}: saved.")
        return redirect(context["grid_url"])
    context = _cell_context(_fresh_task(request, saved.pk), editable)
    if _in_grid(request) and _may_bulk_edit(request.user, task.shot.show):
        # The row's selection checkbox carries the row versions the grid showed: give it the new one, so a bulk
        # edit of this row does not mistake this very change for someone else's.
        context["selection"] = {
            "shot": task.shot,
            "token": selectors.shot_selection_token(task.shot),
            "checked": bool(request.POST.get("bulk-shot")),
        }
    return render_page(request, CELL, context, partial="task-cell")


def _in_grid(request: HttpRequest) -> bool:
    """An htmx request from a cell of the grid (the cell's own page targets its #task-cell-page)."""
    return wants_partial(request) and request.htmx.target != "task-cell-page"


def _cell_context(task: Task, editable: bool) -> dict:
    cell = GridCell(task.task_type, task, editable)
    return {
        "task": task,
        "shot": task.shot,
        "task_type": task.task_type,
        "editable": editable,
        "cell": cell,
        "cell_html": task_cell_html(cell),
        "grid_url": reverse("shots:shot_grid", args=[task.shot.show.code]),
    }


def _cell_form(request: HttpRequest, task: Task) -> TaskCellForm:
    status_only = permissions.role_on_show(request.user, task.shot.show) == Role.ARTIST
    people = [] if status_only else selectors.shot_grid_people(request.user, task.shot.show)
    data = request.POST if request.method == "POST" else None
    return TaskCellForm(data, task=task, people=people, status_only=status_only)


def _fresh_task(request: HttpRequest, pk: int) -> Task:
    return (
        permissions.visible(request.user, Task)
        .select_related("shot__show", "shot__sequence", "task_type__department", "updated_by")
        .prefetch_related(_assignees_prefetch())
        .get(pk=pk)
    )


# --- Bulk edits -----------------------------------------------------------------------------------------------


class BulkRefused(Exception):
    """A bulk edit that wrote nothing: the status to answer with, and the lines that say why."""

    def __init__(self, status: int, lines: list[str], conflict_shots: list[Shot] | None = None):
        super().__init__(lines)
        self.status, self.lines, self.conflict_shots = status, lines, conflict_shots or []


@require_POST
@login_required
def shot_grid_bulk(request, code: str):
    show = _staff_show(request, code)
    if not _may_bulk_edit(request.user, show):
        return _bulk_answer(request, show, status=403, lines=["You cannot change several shots at once on this show."])
    try:
        data = request.POST
    except TooManyFieldsSent:
        return _bulk_answer(request, show, status=400, lines=[f"Selection: {TOO_MANY_SHOTS}"])
    filter_form, columns, people = _filter_form(request, show, data)
    form = GridBulkForm(data, task_types=_task_types(request.user), people=people)
    if not form.is_valid():
        return _bulk_answer(request, show, status=400, lines=form.error_summary())
    filters = filter_form.filters() if filter_form.is_valid() else selectors.GridFilters()
    selected = form.cleaned_data["shot"]
    task_type = form.cleaned_data["task_type_obj"]
    shots = list(
        permissions.visible(request.user, Shot)
        .filter(show=show, pk__in=[s.shot_id for s in selected])
        .select_related("sequence")
        .order_by("sequence__order", "sequence__code", "order", "code")
    )
    if len(shots) != len(selected):
        return _bulk_answer(request, show, status=400, lines=["Selection: some selected shots are not on this show."])
    try:
        summary = _bulk_apply(request, form, selected, shots, task_type)
    except BulkRefused as refused:
        return _bulk_answer(
            request,
            show,
            status=refused.status,
            lines=refused.lines,
            rows=_rows(request, refused.conflict_shots, columns, filters),
            selected={shot.pk for shot in refused.conflict_shots},
        )
    if form.cleaned_data["action"] == BulkAction.ADD_TASK_TYPE and task_type not in columns:
        # A new column: the table's shape changes, so the page reloads (keeping its URL, so its filters).
        response = _bulk_answer(request, show, status=200, lines=[summary], ok=True)
        if wants_partial(request):
            messages.success(request, summary)
            response["HX-Refresh"] = "true"
        return response
    return _bulk_answer(
        request,
        show,
        status=200,
        lines=[summary],
        ok=True,
        rows=_rows(request, shots, columns, filters),
        selected={shot.pk for shot in shots},
    )


def _rows(request, shots: list[Shot], columns, filters) -> list[selectors.GridRow]:
    rows = selectors.shot_grid_rows(request.user, shots, columns, filters=filters)
    _draw_cells(rows)
    return rows


def _bulk_apply(request, form: GridBulkForm, selected, shots: list[Shot], task_type: TaskType) -> str:
    """Write the bulk edit, all or nothing; returns what was done, in words. BulkRefused when nothing was."""
    action = form.cleaned_data["action"]
    if action == BulkAction.ADD_TASK_TYPE:
        try:
            created = services.tasks_add_type(actor=request.user, shots=shots, task_type=task_type)
        except PermissionDenied as error:
            raise BulkRefused(403, [str(error)]) from None
        had = len(shots) - len(created)
        summary = f"Added {task_type.name} to {_count(len(created), 'shot')}."
        return summary + (f" {_count(had, 'shot')} had one already." if had else "")

    tasks = list(
        permissions.visible(request.user, Task)
        .filter(shot__in=shots, task_type=task_type)
        .select_related("shot__show", "task_type__department", "updated_by")
        .prefetch_related(_assignees_prefetch())
    )
    if not tasks:
        raise BulkRefused(422, [f"Task type: none of the selected shots has a {task_type.name} task."])
    shots_by_id = {shot.pk: shot for shot in shots}
    position = {shot.pk: n for n, shot in enumerate(shots)}
    tasks.sort(key=lambda task: position[task.shot_id])
    seen = {task_id: version for s in selected for task_id, version in s.seen.items()}
    conflicts = [task for task in tasks if seen.get(task.pk) != task.row_version]
    if conflicts:
        lines = [f"Nothing was changed: {_stale_line(task)}" for task in conflicts[:1]]
        lines += [_stale_line(task) for task in conflicts[1:]]
        lines.append("These rows now show the current values: check them and apply again.")
        raise BulkRefused(409, lines, conflict_shots=[shots_by_id[task.shot_id] for task in conflicts])
    changes = _bulk_changes(form)
    if "start_date" in changes:
        _refuse_start_after_due(tasks, changes["start_date"])
    denied = [task for task in tasks if not _may_apply(request.user, task, changes)]
    if denied:
        names = ", ".join(f"{task.shot.code} {task_type.name}" for task in denied)
        raise BulkRefused(403, [f"Nothing was changed: you cannot make this change on {names}."])
    items = [{"id": task.pk, "row_version": seen[task.pk], **changes} for task in tasks]
    try:
        services.task_bulk_update(actor=request.user, items=items)
    except services.BulkUpdateError as error:
        raise _refusal(error, tasks, shots_by_id) from None
    missing = len(shots) - len(tasks)
    what = {
        BulkAction.STATUS: "status",
        BulkAction.ASSIGNEES: "assignees",
        BulkAction.BID_DAYS: "bid",
        BulkAction.START_DATE: "start date",
        BulkAction.DUE_DATE: "due date",
    }[action]
    summary = f"Set the {what} of {_count(len(tasks), f'{task_type.name} task')}."
    if missing:
        summary += f" {_count(missing, 'selected shot')} {'has' if missing == 1 else 'have'} no {task_type.name} task."
    return summary


def _bulk_changes(form: GridBulkForm) -> dict:
    action = form.cleaned_data["action"]
    if action == BulkAction.STATUS:
        return {"status": form.cleaned_data["status"]}
    if action == BulkAction.ASSIGNEES:
        return {"assignees": form.cleaned_data["people"]}
    if action == BulkAction.BID_DAYS:
        return {"bid_days": form.cleaned_data["bid_days"]}
    if action == BulkAction.START_DATE:
        return {"start_date": form.cleaned_data["start_date"]}
    return {"due_date": form.cleaned_data["due_date"]}


def _day_text(day) -> str:
    return f"{day:%a} {day.day} {MONTH_ABBR[day.month]} {day.year}"


def _refuse_start_after_due(tasks: list[Task], start) -> None:
    """A start date after a task's due date is refused whole, naming the start date and each such task (the
    service would refuse it too, but would name the due date, which the user did not touch)."""
    late = [task for task in tasks if task.due_date is not None and task.due_date < start]
    if late:
        lines = [
            f"{task.shot.code} {task.task_type.name}: Start date: it is due on {_day_text(task.due_date)}, "
            "before this start date."
            for task in late
        ]
        raise BulkRefused(422, ["Nothing was changed:", *lines])


def _may_apply(person, task: Task, changes: dict) -> bool:
    if "status" in changes and changes["status"] != task.status:
        return permissions.can_set_task_status(person, task, changes["status"])
    return permissions.can_change(person, task)


def _refusal(error, tasks: list[Task], shots_by_id: dict[int, Shot]) -> BulkRefused:
    """task_bulk_update refused some items (and wrote nothing): say which tasks, and why, field by field."""
    if error.only_stale:  # someone saved between our check and our lock: show them the rows as they are now
        stale = [tasks[index] for index in sorted(error.item_errors)]
        lines = ["Nothing was changed: " + " ".join(_item_lines(error, tasks))]
        return BulkRefused(409, lines, conflict_shots=[shots_by_id[task.shot_id] for task in stale])
    return BulkRefused(422, ["Nothing was changed:", *_item_lines(error, tasks)])


def _item_lines(error, tasks: list[Task]) -> list[str]:
    lines = []
    for index, fields in sorted(error.item_errors.items()):
        task = tasks[index]
        for name, field_messages in fields.items():
            label = "" if name in ("non_field_errors", "row_version") else f"{_field_label(name)}: "
            lines += [f"{task.shot.code} {task.task_type.name}: {label}{message}" for message in field_messages]
    return lines


def _stale_line(task: Task) -> str:
    who = task.updated_by or "someone"
    when = timezone.localtime(task.updated_at).strftime("%Y-%m-%d %H:%M")
    return f"{task.shot.code} {task.task_type.name} was changed by {who} at {when} — reload."


def _field_label(name: str) -> str:
    return "Task" if name == "__all__" else name.replace("_", " ").capitalize()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _bulk_answer(
    request: HttpRequest,
    show: Show,
    *,
    status: int,
    lines: list[str],
    ok: bool = False,
    rows: list | None = None,
    selected: set[int] | None = None,
) -> HttpResponse:
    """htmx: the message, and the rows to redraw out of band. Without htmx: back to the grid with a message."""
    if not wants_partial(request):
        for line in lines:
            (messages.success if ok else messages.error)(request, line)
        return redirect(_next_url(request, show))
    context = {
        "show": show,
        "lines": lines,
        "ok": ok,
        "oob_rows": rows or [],
        "oob": True,
        "can_bulk_edit": True,
        "selected": selected or set(),
        "grid_url": _next_url(request, show),
    }
    return render_page(request, GRID, context, partial="bulk-result", status=status)


def _next_url(request: HttpRequest, show: Show) -> str:
    try:
        next_url = request.POST.get("next", "")
    except TooManyFieldsSent:
        next_url = ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return reverse("shots:shot_grid", args=[show.code])


urlpatterns = [
    path("shows/<str:code>/shots/", shot_grid, name="shot_grid"),
    path("shows/<str:code>/shots/rows/", shot_grid_rows, name="shot_grid_rows"),
    path("shows/<str:code>/shots/export.csv", shot_grid_csv, name="shot_grid_csv"),
    path("shows/<str:code>/shots/bulk/", shot_grid_bulk, name="shot_grid_bulk"),
    path("tasks/<int:pk>/cell/", task_cell, name="task_cell"),
]
