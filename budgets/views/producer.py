"""The producer pages: a show's dashboard, its printable copy and budget-vs-actuals export, the overview across
shows.

    /shows/<code>/producer/                          budgets:producer_dashboard   ?as_of=YYYY-MM-DD (default today)
    /shows/<code>/producer/print/                    budgets:producer_print       printable (no navigation)
    /shows/<code>/producer/budget-vs-actuals.csv     budgets:budget_vs_actuals_csv
    /producer/                                       budgets:producer_overview    every show the person produces

Money pages are for the show's producers and admins: its other staff get a 403 naming no amount, its clients and
strangers a 404. Production managers see department totals (no rate, no person) on the schedule dashboard, a
schedule page: every budget page is for producers and admins only. The overview lists the shows where the person
is a producer (admins: every show); anyone else on staff gets a 403, clients a 404. Opening a show's dashboard for
today also stores today's production snapshot (the overview reads snapshots only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from shots.editorial import csv_cell
from studio import permissions
from studio.models import Role

from ..budget_forms import AsOfForm, error_lines
from ..dashboard import budget_vs_actuals, producer_dashboard
from ..dashboard import producer_overview as overview_rows
from ..snapshots import production_snapshot_store

DASHBOARD = "budgets/producer_dashboard.html"
PRINT = "budgets/producer_dashboard_print.html"
OVERVIEW = "budgets/producer_overview.html"
NOT_A_PRODUCER = "The producer overview is for producers."
NOT_A_PLANNER = "Department totals are for the show's production managers and producers."


def _as_of(request: HttpRequest) -> tuple[dt.date, list[str]]:
    """The day asked for (?as_of), else today; with the errors when the day given is not a date."""
    form = AsOfForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["as_of"] or timezone.localdate(), []
    return timezone.localdate(), error_lines(form)


def _dashboard_page(request: HttpRequest, code: str, template: str, *, with_charts: bool) -> HttpResponse:
    show = permissions.money_show(request.user, code)
    as_of, errors = _as_of(request)
    dashboard = producer_dashboard(show, as_of, with_charts=with_charts)
    if with_charts and as_of == timezone.localdate():
        # Today's figures are computed anyway: keep them as today's snapshot, so the overview across shows (which
        # reads snapshots only) is as fresh as the last dashboard opened, not only as last night's run.
        production_snapshot_store(show=show, as_of=as_of, report=dashboard.report, figures=dashboard.metrics)
    context = {"show": show, "as_of": as_of, "errors": errors, "dashboard": dashboard}
    return render(request, template, context, status=400 if errors else 200)


@login_required
@require_safe
def producer_dashboard_view(request, code: str):
    return _dashboard_page(request, code, DASHBOARD, with_charts=True)


@login_required
@require_safe
def producer_print(request, code: str):
    return _dashboard_page(request, code, PRINT, with_charts=False)


@login_required
@require_safe
def budget_vs_actuals_csv(request, code: str):
    show = permissions.money_show(request.user, code)
    as_of, errors = _as_of(request)
    if errors:
        return HttpResponse("\n".join(errors) + "\n", status=400, content_type="text/plain; charset=utf-8")
    header, rows = budget_vs_actuals(show, as_of)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(row[0]), *row[1:]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{show.code}-budget-vs-actuals-{as_of:%Y-%m-%d}.csv"'
    return response


@login_required
@require_safe
def producer_overview(request):
    person = request.user
    access = permissions.access_for(person)
    if not access.is_admin and person.role == Role.CLIENT and not access.shows(permissions.ALL_STAFF):
        raise Http404("No such page.")
    shows = permissions.visible_shows(person, roles=permissions.MONEY)
    permissions.require(access.is_admin or shows.exists(), NOT_A_PRODUCER)
    return render(request, OVERVIEW, {"rows": overview_rows(shows)})


urlpatterns = [
    path("producer/", producer_overview, name="producer_overview"),
    path("shows/<str:code>/producer/", producer_dashboard_view, name="producer_dashboard"),
    path("shows/<str:code>/producer/print/", producer_print, name="producer_print"),
    path("shows/<str:code>/producer/budget-vs-actuals.csv", budget_vs_actuals_csv, name="budget_vs_actuals_csv"),
]
