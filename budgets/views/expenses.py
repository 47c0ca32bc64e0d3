"""A show's expenses and cost figures: its producers' and admins' pages.

    /shows/<code>/expenses/                     budgets:expense_list     GET the list (filters, pages); POST add one
    /shows/<code>/expenses/<id>/                budgets:expense_update   GET the edit form; POST save
    /shows/<code>/expenses/<id>/delete/         budgets:expense_delete   POST
    /shows/<code>/expenses/import/              budgets:expense_import   GET the upload form; POST preview (dry run),
                                                                         POST apply=1 with the previewed text: import
    /shows/<code>/costs/?as_of=&start=          budgets:show_costs       the cost figures per department and show,
                                                                         missing rates, labour by person

The show's producers and admins only (studio.permissions.can_see_money). The show's other staff: 403; its clients
and people of other shows: 404. No amount appears in any error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shots.forms import MAX_ID
from shots.my_day_forms import add_service_errors
from studio import permissions
from studio.htmx import render_page
from studio.models import Show

from .. import costs, services
from ..cost_forms import AsOfForm, ExpenseFilterForm, ExpenseForm, ExpenseImportForm
from ..models import Expense

LIST = "budgets/expense_list.html"
FORM = "budgets/expense_form.html"
IMPORT = "budgets/expense_import.html"
COSTS = "budgets/expense_costs.html"
PAGE_SIZE = 50


def _expense(request: HttpRequest, show: Show, expense_id: int) -> Expense:
    if expense_id > MAX_ID:
        raise Http404("No such expense.")
    return get_object_or_404(
        permissions.visible(request.user, Expense).select_related("department", "person"), show=show, pk=expense_id
    )


def _list_url(show: Show) -> str:
    return reverse("budgets:expense_list", args=[show.code])


# --- The list, and adding one --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def expense_list(request: HttpRequest, code: str) -> HttpResponse:
    show = permissions.money_show(request.user, code)
    if request.method != "POST":
        return _list_page(request, show)
    form = ExpenseForm(request.POST, show=show)
    if form.is_valid():
        try:
            expense = services.expense_create(actor=request.user, show=show, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the expense from {expense.supplier} on {expense.date:%d %b %Y}.")
            return redirect(_list_url(show))
    return _list_page(request, show, form=form, status=400)


def _filtered(request: HttpRequest, show: Show, filters: ExpenseFilterForm):
    expenses = permissions.visible(request.user, Expense).filter(show=show)
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("department"):
            expenses = expenses.filter(department=data["department"])
        if data.get("kind"):
            expenses = expenses.filter(kind=data["kind"])
        if data.get("date_from"):
            expenses = expenses.filter(date__gte=data["date_from"])
        if data.get("date_to"):
            expenses = expenses.filter(date__lte=data["date_to"])
        if data.get("q"):
            q = data["q"]
            expenses = expenses.filter(
                Q(supplier__icontains=q) | Q(reference__icontains=q) | Q(description__icontains=q)
            )
    return expenses


def _list_page(request: HttpRequest, show: Show, *, form: ExpenseForm | None = None, status: int = 200):
    filters = ExpenseFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        status = 400
    expenses = _filtered(request, show, filters)
    total = expenses.aggregate(total=Sum("amount"))["total"]
    page = Paginator(expenses.select_related("department", "person").order_by("-date", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "show": show,
        "page": page,
        "expenses": list(page.object_list),
        "total": total or 0,
        "filters": filters,
        "query": params.urlencode(),
        "form": form or ExpenseForm(show=show, initial={"date": timezone.localdate()}),
    }
    return render_page(request, LIST, context, partial="expense-table", status=status)


# --- One expense ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def expense_update(request: HttpRequest, code: str, expense_id: int) -> HttpResponse:
    show = permissions.money_show(request.user, code)
    expense = _expense(request, show, expense_id)
    if request.method == "POST":
        form = ExpenseForm(request.POST, show=show)
        if form.is_valid():
            try:
                services.expense_update(actor=request.user, expense=expense, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the expense from {form.cleaned_data['supplier']}.")
                return redirect(_list_url(show))
        return render_page(request, FORM, {"show": show, "expense": expense, "form": form}, status=400)
    initial = {
        name: getattr(expense, name)
        for name in ("date", "department", "supplier", "kind", "amount", "reference", "description", "person")
    }
    return render_page(
        request, FORM, {"show": show, "expense": expense, "form": ExpenseForm(show=show, initial=initial)}
    )


@require_POST
@login_required
def expense_delete(request: HttpRequest, code: str, expense_id: int) -> HttpResponse:
    show = permissions.money_show(request.user, code)
    expense = _expense(request, show, expense_id)
    services.expense_delete(actor=request.user, expense=expense)
    messages.success(request, f"Deleted the expense from {expense.supplier} on {expense.date:%d %b %Y}.")
    return redirect(_list_url(show))


# --- CSV import: preview, then apply --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def expense_import(request: HttpRequest, code: str) -> HttpResponse:
    show = permissions.money_show(request.user, code)
    context = {"show": show, "columns": services.CSV_COLUMNS, "report": None, "csv_text": ""}
    if request.method != "POST":
        context["form"] = ExpenseImportForm()
        return render_page(request, IMPORT, context)
    form = ExpenseImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render_page(request, IMPORT, context, status=400)
    apply = request.POST.get("apply") == "1"
    upload = form.cleaned_data.get("file")
    if upload is not None:
        try:
            text = services.read_csv_text(upload)
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
            return render_page(request, IMPORT, context, status=400)
        apply = False  # a new file is always previewed first
    else:
        text = form.cleaned_data["csv_text"]
    report = services.expense_import_csv(actor=request.user, show=show, file=text, dry_run=not apply)
    if apply and report.ok:
        skipped = f"; {len(report.skipped)} already entered, skipped" if report.skipped else ""
        messages.success(request, f"Imported {report.created} expense{'s' if report.created != 1 else ''}{skipped}.")
        return redirect(_list_url(show))
    context.update(report=report, csv_text=text if report.ok else "")
    return render_page(request, IMPORT, context, status=200 if report.ok else 400)


# --- Cost figures ---------------------------------------------------------------------------------------------------


@require_safe
@login_required
def show_costs(request: HttpRequest, code: str) -> HttpResponse:
    show = permissions.money_show(request.user, code)
    form = AsOfForm(request.GET or None)
    status = 200
    as_of = timezone.localdate()
    start = None
    if form.is_bound:
        if form.is_valid():
            as_of = form.cleaned_data.get("as_of") or as_of
            start = form.cleaned_data.get("start")
        else:
            status = 400
    if not form.is_bound:
        form = AsOfForm(initial={"as_of": as_of})
    report = costs.cost_report(show, as_of)
    people = costs.labour_cost_by_person(show, start, as_of)
    names = report.department_names
    context = {
        "show": show,
        "form": form,
        "as_of": as_of,
        "start": start,
        "report": report,
        "rows": [(names.get(row.department_id), row) for row in report.departments],
        "people": [(names.get(row.department_id), row) for row in people],
        "currency": show.currency,
    }
    return render_page(request, COSTS, context, status=status)


urlpatterns = [
    path("shows/<str:code>/expenses/", expense_list, name="expense_list"),
    path("shows/<str:code>/expenses/import/", expense_import, name="expense_import"),
    path("shows/<str:code>/expenses/<int:expense_id>/", expense_update, name="expense_update"),
    path("shows/<str:code>/expenses/<int:expense_id>/delete/", expense_delete, name="expense_delete"),
    path("shows/<str:code>/costs/", show_costs, name="show_costs"),
]
