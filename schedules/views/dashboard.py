"""Schedule pages: the schedule dashboard of a show (routes in `urlpatterns`, included by schedules/urls.py).

- GET /shows/<code>/schedule/   variance per department with its trend, late and at-risk tasks, milestones, load

Its readers are the show's production managers and producers, and admins (permissions.can_read_schedule, as the
variance API): the show's other staff get 403; clients and strangers 404. ?as_of=, ?days= and ?weeks= are
checked by a form: bad values re-render the page with the errors (400), never a 500. The page asks the database
a fixed number of times whatever the show's size (tests/schedules/test_dashboard.py counts them).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from shots.forms import NamedErrorsMixin
from studio import permissions
from studio.dates import PlanningDateField
from studio.htmx import render_page
from studio.models import Show

from .. import dashboard, earned_value, load

TEMPLATE = "schedules/schedule_dashboard.html"
TASK_LIST_LIMIT = 20
DEFAULT_TREND_DAYS = 90
DEFAULT_LOAD_WEEKS = 8
NOT_A_SCHEDULE_READER = "The schedule dashboard is for the show's production managers and producers."


class DashboardQueryForm(NamedErrorsMixin, forms.Form):
    # The studio's planning dates (1970 to 2999): every window of the page (two years back, half a year on) fits.
    as_of = PlanningDateField(
        label="As of", required=False, help_text="Figures as of the end of this day (default: today)."
    )
    days = forms.IntegerField(
        label="Trend days", required=False, min_value=7, max_value=730, help_text="Days of history in the trend."
    )
    weeks = forms.IntegerField(
        label="Load weeks", required=False, min_value=1, max_value=26, help_text="Weeks in the load view."
    )


def _schedule_show(request: HttpRequest, code: str) -> Show:
    show = permissions.staff_show(request.user, code)
    permissions.require(permissions.can_read_schedule(request.user, show), NOT_A_SCHEDULE_READER)
    return show


@login_required
@require_safe
def schedule_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    show = _schedule_show(request, code)
    form = DashboardQueryForm(request.GET)
    context = {"show": show, "form": form, "dashboard_url": reverse("schedules:schedule_dashboard", args=[code])}
    if not form.is_valid():
        return render_page(request, TEMPLATE, context, status=400)
    query = form.cleaned_data
    today = timezone.localdate()
    as_of = query["as_of"] or today
    days = query["days"] or DEFAULT_TREND_DAYS
    weeks = load.weeks_from(as_of, query["weeks"] or DEFAULT_LOAD_WEEKS)

    rules = earned_value.ShowRules.load(show)
    rows, total, departments = dashboard.variance_rows(show, as_of, rules)
    trend = dashboard.variance_trend(show, as_of, days, departments)
    horizon = dashboard.at_risk_horizon(as_of, rules)
    context.update(
        as_of=as_of,
        is_today=as_of == today,
        days=days,
        rules=rules,
        variance_rows=rows,
        variance_total=total,
        trend=trend,
        trend_table=trend.table(),
        spi_chart=trend.chart("spi"),
        sv_chart=trend.chart("sv"),
        late=dashboard.late_tasks(show, as_of, TASK_LIST_LIMIT),
        at_risk=dashboard.at_risk_tasks(show, as_of, horizon, TASK_LIST_LIMIT),
        at_risk_horizon=horizon,
        at_risk_days=dashboard.AT_RISK_WORKING_DAYS,
        task_list_limit=TASK_LIST_LIMIT,
        milestones=dashboard.milestones(show, as_of),
        load=load.show_load(show, weeks, calendar=rules.calendar),
    )
    if permissions.can_see_department_totals(request.user, show):
        # Money per department, totals only (no rate, no person): what production managers may see of the budget.
        from budgets.dashboard import department_totals

        context["department_totals"] = department_totals(show, as_of)
    return render_page(request, TEMPLATE, context)


urlpatterns: list = [
    path("shows/<str:code>/schedule/", schedule_dashboard, name="schedule_dashboard"),
]
