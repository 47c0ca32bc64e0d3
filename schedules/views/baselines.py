"""Baseline pages: freeze the plan, pick the active baseline, read a baseline's rows, compare two plans.

    /shows/<code>/baselines/                      schedules:baseline_list      GET the list; POST freeze (planners)
    /shows/<code>/baselines/compare/?a=&b=        schedules:baseline_compare   two plans ("current" = the tasks' plan)
    /shows/<code>/baselines/<id>/                 schedules:baseline_detail    its rows, paged, by department/sequence
    /shows/<code>/baselines/<id>/activate/        schedules:baseline_activate  POST
    /shows/<code>/baselines/<id>/deactivate/      schedules:baseline_deactivate POST
    /shows/<code>/baselines/<id>/rename/          schedules:baseline_rename    POST
    /shows/<code>/baselines/<id>/delete/          schedules:baseline_delete    POST

Every staff member of the show reads them (permissions: Baseline is show-staff data); its production managers and
producers (and admins) change them, anyone else gets a 403. Clients and people of other shows get a 404.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shots.api.filters import MAX_ID
from shots.models import Sequence, Task
from shots.my_day_forms import add_service_errors, error_lines
from studio import permissions
from studio.htmx import render_page
from studio.models import Department, Show

from .. import baselines as services
from ..baseline_forms import CURRENT, BaselineFreezeForm, BaselineNameForm, BaselineRowsFilterForm, CompareForm
from ..calendar import ShowCalendar
from ..models import Baseline, BaselineTask

LIST = "schedules/baseline_list.html"
DETAIL = "schedules/baseline_detail.html"
COMPARE = "schedules/baseline_compare.html"
PAGE_SIZE = 100
PLANNERS_ONLY = "Only the show's production managers and producers change its baselines."


def _staff_show(request: HttpRequest, code: str) -> Show:
    # Clients belong to shows too, but the plan is staff information: they get a 404 like a stranger.
    return permissions.staff_show(request.user, code)


def _baseline(request: HttpRequest, show: Show, baseline_id: int) -> Baseline:
    if baseline_id > MAX_ID:
        raise Http404("No such baseline.")
    return get_object_or_404(
        permissions.visible(request.user, Baseline).select_related("show", "created_by"), show=show, pk=baseline_id
    )


def _may_plan(person, show: Show) -> bool:
    return permissions.can_change(person, Baseline(show=show))


def _planner_show(request: HttpRequest, code: str) -> Show:
    show = _staff_show(request, code)
    permissions.require(_may_plan(request.user, show), PLANNERS_ONLY)
    return show


def _list_url(show: Show) -> str:
    return reverse("schedules:baseline_list", args=[show.code])


# --- The list, and freezing the plan ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def baseline_list(request, code: str):
    show = _staff_show(request, code)
    if request.method != "POST":
        return _list_page(request, show)
    permissions.require(_may_plan(request.user, show), PLANNERS_ONLY)
    form = BaselineFreezeForm(request.POST)
    if form.is_valid():
        try:
            baseline = services.baseline_freeze(
                actor=request.user, show=show, name=form.cleaned_data["name"], activate=form.cleaned_data["activate"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            state = "active: variance is measured against it" if baseline.is_active else "not active"
            messages.success(request, f"Froze the current plan as “{baseline.name}” ({state}).")
            return redirect(_list_url(show))
    return _list_page(request, show, freeze_form=form, status=400)


def _list_page(
    request: HttpRequest,
    show: Show,
    *,
    freeze_form: BaselineFreezeForm | None = None,
    rename: tuple[int, BaselineNameForm] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_plan = _may_plan(request.user, show)
    rows = list(services.baselines_with_totals(show))
    context = {
        "show": show,
        "baselines": rows,
        "active": next((b for b in rows if b.is_active), None),
        "can_plan": can_plan,
        "freeze_form": freeze_form or (BaselineFreezeForm() if can_plan else None),
        "freeze_errors": error_lines(freeze_form) if freeze_form is not None else [],
        "rename_id": rename[0] if rename else None,
        "rename_form": rename[1] if rename else None,
        "rename_errors": error_lines(rename[1]) if rename else [],
        "errors": errors or [],
    }
    return render_page(request, LIST, context, status=status)


# --- Actions on one baseline ----------------------------------------------------------------------------------


def _action(request: HttpRequest, code: str, baseline_id: int) -> tuple[Show, Baseline]:
    show = _staff_show(request, code)
    baseline = _baseline(request, show, baseline_id)
    permissions.require(_may_plan(request.user, show), PLANNERS_ONLY)
    return show, baseline


@require_POST
@login_required
def baseline_activate(request, code: str, baseline_id: int):
    show, baseline = _action(request, code, baseline_id)
    baseline = services.baseline_activate(actor=request.user, baseline=baseline)
    messages.success(request, f"Variance is now measured against “{baseline.name}”.")
    return redirect(_list_url(show))


@require_POST
@login_required
def baseline_deactivate(request, code: str, baseline_id: int):
    show, baseline = _action(request, code, baseline_id)
    baseline = services.baseline_deactivate(actor=request.user, baseline=baseline)
    messages.success(request, f"“{baseline.name}” is no longer active: variance reads the tasks' current plan.")
    return redirect(_list_url(show))


@require_POST
@login_required
def baseline_rename(request, code: str, baseline_id: int):
    show, baseline = _action(request, code, baseline_id)
    form = BaselineNameForm(request.POST)
    if form.is_valid():
        try:
            renamed = services.baseline_rename(actor=request.user, baseline=baseline, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Renamed “{baseline.name}” to “{renamed.name}”.")
            return redirect(_list_url(show))
    return _list_page(request, show, rename=(baseline.pk, form), status=400)


@require_POST
@login_required
def baseline_delete(request, code: str, baseline_id: int):
    show, baseline = _action(request, code, baseline_id)
    try:
        services.baseline_delete(actor=request.user, baseline=baseline)
    except ValidationError as error:
        return _list_page(request, show, errors=error.messages, status=400)
    messages.success(request, f"Deleted the baseline “{baseline.name}”.")
    return redirect(_list_url(show))


# --- One baseline's rows ---------------------------------------------------------------------------------------


def _scope_choices(show: Show) -> dict:
    return {
        "departments": list(Department.objects.order_by("order", "name")),
        "sequences": list(Sequence.objects.filter(show=show).only("id", "code", "order").order_by("order", "code")),
    }


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for name in list(params):
        if not any(params.getlist(name)):
            del params[name]
    return params.urlencode()


@require_safe
@login_required
def baseline_detail(request, code: str, baseline_id: int):
    show = _staff_show(request, code)
    baseline = _baseline(request, show, baseline_id)
    choices = _scope_choices(show)
    form = BaselineRowsFilterForm(request.GET or None, **choices)
    status = 400 if form.is_bound and not form.is_valid() else 200
    scope = form.scope() if form.is_bound else {"department_id": None, "sequence_id": None}
    rows = BaselineTask.objects.filter(baseline=baseline)
    totals = services.baselines_with_totals(show).filter(pk=baseline.pk).values("task_count", "total_bid_days")[0]
    if scope["department_id"]:
        rows = rows.filter(task__task_type__department_id=scope["department_id"])
    if scope["sequence_id"]:
        rows = rows.filter(task__shot__sequence_id=scope["sequence_id"])
    rows = rows.select_related("task__shot__sequence", "task__task_type__department").order_by(
        "task__shot__sequence__order",
        "task__shot__sequence__code",
        "task__shot__order",
        "task__shot__code",
        "task__task_type__order",
        "task_id",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(form.page_number() if form.is_bound else 1)
    context = {
        "show": show,
        "baseline": baseline,
        "form": form,
        "page": page,
        "totals": totals,
        "query": _query_without_page(request),
        "can_plan": _may_plan(request.user, show),
    }
    return render_page(request, DETAIL, context, partial="baseline-rows", status=status)


# --- Comparing two plans ---------------------------------------------------------------------------------------


def _default_sides(baselines: list[Baseline]) -> tuple[str, str]:
    """The active baseline (else the newest) against the current plan."""
    first = next((b for b in baselines if b.is_active), baselines[0] if baselines else None)
    return (str(first.pk) if first else CURRENT), CURRENT


@require_safe
@login_required
def baseline_compare(request, code: str):
    show = _staff_show(request, code)
    baselines = list(
        permissions.visible(request.user, Baseline)
        .filter(show=show)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    choices = _scope_choices(show)
    a_default, b_default = _default_sides(baselines)
    data = request.GET.copy()
    data.setdefault("a", a_default)
    data.setdefault("b", b_default)
    form = CompareForm(data, baselines=baselines, **choices)
    context = {"show": show, "form": form, "baselines": baselines, "comparison": None}
    if not form.is_valid():
        context["errors"] = error_lines(form)
        return render_page(request, COMPARE, context, partial="compare-results", status=400)
    by_id = {str(b.pk): b for b in baselines}
    a, b = by_id.get(form.cleaned_data["a"]), by_id.get(form.cleaned_data["b"])
    departments = {d.pk: d for d in choices["departments"]}
    comparison = services.baseline_compare(
        show,
        a,
        b,
        **form.scope(),
        slipped_only=form.cleaned_data["slipped"],
        calendar=ShowCalendar.for_show(show),
        department_order=list(departments),
    )
    page = Paginator(PagedComparison(comparison), PAGE_SIZE).get_page(form.page_number())
    tasks = (
        Task.objects.select_related("shot", "task_type")
        .only("id", "shot__code", "shot__sequence_id", "task_type__name", "task_type__department_id")
        .in_bulk([row.task_id for row in page.object_list])
    )
    summaries = [(departments.get(s.key), s) for s in comparison.departments]
    context.update(
        comparison=comparison,
        chart_json=json.dumps(_bid_chart(summaries, services.side_label(a), services.side_label(b))),
        a_label=services.side_label(a),
        b_label=services.side_label(b),
        summaries=summaries,
        page=page,
        page_rows=[(tasks[row.task_id], departments.get(row.department_id), row) for row in page.object_list],
        differing_count=comparison.matching,
        query=_query_without_page(request),
    )
    return render_page(request, COMPARE, context, partial="compare-results")


def _bid_chart(summaries: list, a_label: str, b_label: str) -> dict:
    """A Chart.js bar chart of the bid days per department in each plan (the summary table has the same figures).
    Floats only for drawing: the figures people read are the table's Decimals."""
    labels = [department.name if department else "—" for department, _ in summaries]
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": f"A: {a_label}",
                    "data": [float(s.bid_days_a) for _, s in summaries],
                    "backgroundColor": "#60a5fa",
                },
                {
                    "label": f"B: {b_label}",
                    "data": [float(s.bid_days_b) for _, s in summaries],
                    "backgroundColor": "#f59e0b",
                },
            ],
        },
        "options": {"scales": {"y": {"beginAtZero": True, "title": {"display": True, "text": "Bid days"}}}},
    }


class PagedComparison:
    """A comparison's matching rows as Django's Paginator pages them: counted by the summary query, each page
    fetched alone (never every row of a 40,000-task show)."""

    def __init__(self, comparison: services.Comparison):
        self.comparison = comparison

    def count(self) -> int:
        return self.comparison.matching

    def __len__(self) -> int:
        return self.comparison.matching

    def __getitem__(self, key: slice) -> list:
        start = key.start or 0
        return self.comparison.page(offset=start, limit=None if key.stop is None else key.stop - start)


urlpatterns = [
    path("shows/<str:code>/baselines/", baseline_list, name="baseline_list"),
    path("shows/<str:code>/baselines/compare/", baseline_compare, name="baseline_compare"),
    path("shows/<str:code>/baselines/<int:baseline_id>/", baseline_detail, name="baseline_detail"),
    path("shows/<str:code>/baselines/<int:baseline_id>/activate/", baseline_activate, name="baseline_activate"),
    path("shows/<str:code>/baselines/<int:baseline_id>/deactivate/", baseline_deactivate, name="baseline_deactivate"),
    path("shows/<str:code>/baselines/<int:baseline_id>/rename/", baseline_rename, name="baseline_rename"),
    path("shows/<str:code>/baselines/<int:baseline_id>/delete/", baseline_delete, name="baseline_delete"),
]
