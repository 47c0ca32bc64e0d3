"""Budget revisions of a show: the list, one revision's lines (edited inline on an unlocked revision), copy, lock.

    /shows/<code>/budgets/                                         budgets:budget_list         GET; POST a new revision
    /shows/<code>/budgets/<revision>/                              budgets:budget_detail       the lines
    /shows/<code>/budgets/<revision>/copy/                         budgets:budget_copy         POST
    /shows/<code>/budgets/<revision>/lock/                         budgets:budget_lock         POST
    /shows/<code>/budgets/<revision>/unlock/                       budgets:budget_unlock       POST
    /shows/<code>/budgets/<revision>/lines/                        budgets:budget_line_create  POST a new line
    /shows/<code>/budgets/<revision>/lines/<department>/           budgets:budget_line         a line's row (?edit=1:
                                                                                               its form); POST saves
    /shows/<code>/budgets/<revision>/lines/<department>/delete/    budgets:budget_line_delete  POST

Budgets are for the show's producers and admins (permissions.can_see_money). The show's other staff get a 403 that
names no amount; its clients, like strangers, a 404. The POST-only actions answer a GET with 405 for everyone (like
every POST-only page of Slate); a POST is checked like the pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Department, Show

from .. import revisions
from ..budget_forms import BudgetLineCreateForm, BudgetLineForm, BudgetNameForm, add_service_errors, error_lines
from ..models import Budget, BudgetLine
from ..money import money

LIST = "budgets/budget_list.html"
DETAIL = "budgets/budget_detail.html"


MAX_REVISION = 2**31 - 1  # the column's range: a larger number in the URL is simply not a revision


def _budget(show: Show, revision: int) -> Budget:
    if revision > MAX_REVISION:
        raise Http404("No such revision.")
    return get_object_or_404(
        Budget.objects.select_related("show", "locked_by", "copied_from"), show=show, revision=revision
    )


def _department(code: str) -> Department:
    return get_object_or_404(Department, code=code)


# --- The list of revisions -----------------------------------------------------------------------------------


def _revisions(show: Show) -> list[Budget]:
    return list(
        Budget.objects.filter(show=show)
        .annotate(total_days=Sum("lines__days"), total_amount=Sum("lines__amount"), line_count=Count("lines"))
        .select_related("copied_from", "locked_by", "created_by")
        .order_by("-revision")
    )


def _list_context(show: Show, form: BudgetNameForm | None = None) -> dict:
    budgets = _revisions(show)
    for budget in budgets:
        budget.total_money = money(budget.total_amount or 0, show.currency)
    next_revision = (budgets[0].revision + 1) if budgets else 1
    return {
        "show": show,
        "budgets": budgets,
        "form": form or BudgetNameForm(initial={"name": f"bid v{next_revision}"}),
        "next_name": f"bid v{next_revision}",
    }


@login_required
@require_http_methods(["GET", "POST"])
def budget_list(request, code: str):
    show = permissions.money_show(request.user, code)
    if request.method == "GET":
        return render_page(request, LIST, _list_context(show))
    form = BudgetNameForm(request.POST)
    if form.is_valid():
        try:
            budget = revisions.budget_create(actor=request.user, show=show, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Revision {budget.revision} ({budget.name}) created.")
            return redirect("budgets:budget_detail", show.code, budget.revision)
    context = _list_context(show, form)
    context["errors"] = error_lines(form)
    return render_page(request, LIST, context, status=400)


@require_POST
@login_required
def budget_copy(request, code: str, revision: int):
    show = permissions.money_show(request.user, code)
    budget = _budget(show, revision)
    form = BudgetNameForm(request.POST)
    if form.is_valid():
        try:
            copy = revisions.budget_copy(actor=request.user, budget=budget, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Revision {copy.revision} ({copy.name}) started as a copy of {budget.name}.")
            return redirect("budgets:budget_detail", show.code, copy.revision)
    context = _list_context(show)
    context["errors"] = [f"Copy of {budget.name}: {line}" for line in error_lines(form)]
    return render_page(request, LIST, context, status=400)


@require_POST
@login_required
def budget_lock(request, code: str, revision: int):
    show = permissions.money_show(request.user, code)
    budget = revisions.budget_lock(actor=request.user, budget=_budget(show, revision))
    messages.success(request, f"Revision {budget.revision} ({budget.name}) is now the approved budget.")
    return redirect("budgets:budget_list", show.code)


@require_POST
@login_required
def budget_unlock(request, code: str, revision: int):
    show = permissions.money_show(request.user, code)
    budget = revisions.budget_unlock(actor=request.user, budget=_budget(show, revision))
    messages.success(
        request, f"Revision {budget.revision} ({budget.name}) is unlocked: the show has no approved budget."
    )
    return redirect("budgets:budget_list", show.code)


# --- One revision's lines ------------------------------------------------------------------------------------


def _lines(budget: Budget) -> list[BudgetLine]:
    lines = list(
        BudgetLine.objects.filter(budget=budget)
        .select_related("department")
        .order_by("department__order", "department__name")
    )
    for line in lines:
        line.money = money(line.amount, budget.show.currency)
    return lines


def _totals(budget: Budget) -> dict:
    sums = BudgetLine.objects.filter(budget=budget).aggregate(days=Sum("days"), amount=Sum("amount"))
    return {"days": sums["days"] or 0, "money": money(sums["amount"] or 0, budget.show.currency)}


def _detail_context(show: Show, budget: Budget, *, create_form: BudgetLineCreateForm | None = None) -> dict:
    lines = _lines(budget)
    context = {"show": show, "budget": budget, "lines": lines, "totals": _totals(budget), "editable": False}
    if not budget.is_locked:
        free = Department.objects.exclude(pk__in=[line.department_id for line in lines]).order_by("order", "name")
        context["editable"] = True
        context["create_form"] = create_form or BudgetLineCreateForm(departments=free)
    return context


@login_required
def budget_detail(request, code: str, revision: int):
    show = permissions.money_show(request.user, code)
    budget = _budget(show, revision)
    if wants_partial(request) and request.htmx.target == "budget-totals":
        context = {"show": show, "budget": budget, "totals": _totals(budget)}
        return render_page(request, DETAIL, context, partial="budget-totals")
    return render_page(request, DETAIL, _detail_context(show, budget))


@require_POST
@login_required
def budget_line_create(request, code: str, revision: int):
    show = permissions.money_show(request.user, code)
    budget = _budget(show, revision)
    taken = BudgetLine.objects.filter(budget=budget).values("department_id")
    form = BudgetLineCreateForm(request.POST, departments=Department.objects.exclude(pk__in=taken))
    if form.is_valid():
        try:
            revisions.budget_line_set(
                actor=request.user,
                budget=budget,
                department=form.cleaned_data["department"],
                days=form.cleaned_data["days"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['department']} added to {budget.name}.")
            return redirect("budgets:budget_detail", show.code, budget.revision)
    context = _detail_context(show, budget, create_form=form)
    context["create_errors"] = error_lines(form)
    return render_page(request, DETAIL, context, status=400)


def _line_context(show: Show, budget: Budget, line: BudgetLine) -> dict:
    line.money = money(line.amount, show.currency)
    # Without htmx, the whole page shows this line's form in place (editing_code).
    return {
        "show": show,
        "budget": budget,
        "line": line,
        "editable": not budget.is_locked,
        "editing_code": line.department.code,
    }


@login_required
@require_http_methods(["GET", "POST"])
def budget_line(request, code: str, revision: int, department: str):
    """A line's table row; ?edit=1 its inline form; POST saves it (the row and the totals come back)."""
    show = permissions.money_show(request.user, code)
    budget = _budget(show, revision)
    line = get_object_or_404(
        BudgetLine.objects.select_related("department"), budget=budget, department__code=department
    )
    context = _line_context(show, budget, line)
    detail_url = reverse("budgets:budget_detail", args=[show.code, budget.revision])
    if request.method == "GET" and not request.GET.get("edit"):
        context["editing_code"] = None
        return render_page(request, DETAIL, {**_detail_context(show, budget), **context}, partial="line-row")
    if budget.is_locked:
        context["denied"] = revisions.LOCKED_MESSAGE.format(revision=budget.revision, name=budget.name)
        if not wants_partial(request):
            messages.error(request, context["denied"])
            return redirect(detail_url)
        return render_page(request, DETAIL, context, partial="line-row", status=400)
    if request.method == "GET":
        context["form"] = BudgetLineForm(initial={"days": line.days, "amount": line.amount})
        return render_page(request, DETAIL, {**_detail_context(show, budget), **context}, partial="line-form")
    form = BudgetLineForm(request.POST)
    context["form"] = form
    if form.is_valid():
        try:
            line = revisions.budget_line_set(
                actor=request.user,
                budget=budget,
                department=line.department,
                days=form.cleaned_data["days"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not wants_partial(request):
                messages.success(request, f"{line.department}: saved.")
                return redirect(detail_url)
            response = render_page(request, DETAIL, _line_context(show, budget, line), partial="line-row")
            response["HX-Trigger"] = "budgetLineSaved"  # the totals below the table refresh themselves
            return response
    context["form_errors"] = error_lines(form)
    return render_page(request, DETAIL, {**_detail_context(show, budget), **context}, partial="line-form", status=400)


@require_POST
@login_required
def budget_line_delete(request, code: str, revision: int, department: str):
    show = permissions.money_show(request.user, code)
    budget = _budget(show, revision)
    line = get_object_or_404(
        BudgetLine.objects.select_related("department"), budget=budget, department__code=department
    )
    try:
        revisions.budget_line_delete(actor=request.user, line=line)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{line.department} removed from {budget.name}.")
    return redirect("budgets:budget_detail", show.code, budget.revision)


REVISION = "shows/<str:code>/budgets/<int:revision>/"
urlpatterns = [
    path("shows/<str:code>/budgets/", budget_list, name="budget_list"),
    path(REVISION, budget_detail, name="budget_detail"),
    path(f"{REVISION}copy/", budget_copy, name="budget_copy"),
    path(f"{REVISION}lock/", budget_lock, name="budget_lock"),
    path(f"{REVISION}unlock/", budget_unlock, name="budget_unlock"),
    path(f"{REVISION}lines/", budget_line_create, name="budget_line_create"),
    path(f"{REVISION}lines/<str:department>/", budget_line, name="budget_line"),
    path(f"{REVISION}lines/<str:department>/delete/", budget_line_delete, name="budget_line_delete"),
]
