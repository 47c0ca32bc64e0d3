"""Schedule pages: planning (routes in `urlpatterns`, included by schedules/urls.py).

- /shows/<code>/milestones/          the show's milestones, upcoming first; planners add, edit and delete
- /shows/<code>/working-days/        the show's holidays and earned-value status weights; planners change them
- /shows/<code>/availability/        the show's people: part time in force, upcoming days off (planners only)
- /my/availability/                  a person's own days off (recorded by themselves) and part time

Every staff member of a show reads its milestones and working days; production managers and producers (and
admins) change them. Clients, and people of other shows, get a 404. Each add / remove form posts to its own URL:
with htmx the answer is the page's section (the new row appears in place), without it a redirect back to the
page with a message; a refused form comes back with its errors (400), whichever way it was sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from shots.selectors import person_today
from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Department, Person, Role, Show, ShowMembership

from .. import planning
from ..models import DayOff, Holiday, Milestone, PartTime, StatusWeight
from ..planning_forms import DayOffForm, HolidayForm, MilestoneForm, PartTimeForm, StatusWeightsForm

MILESTONES = "schedules/milestone_list.html"
MILESTONE_FORM = "schedules/milestone_form.html"
WORKING_DAYS = "schedules/planning_working_days.html"
AVAILABILITY = "schedules/planning_availability.html"
MY_AVAILABILITY = "schedules/planning_my_availability.html"
LIST_LIMIT = 200  # milestones and holidays per list: a show has dozens; the limit keeps a runaway list cheap
ROLE_LABELS = dict(Role.choices)
PAST_DAYS_SHOWN = 60  # /my/availability/ also lists the days off of the last two months


def _staff_show(request: HttpRequest, code: str) -> Show:
    # Clients belong to shows too, but planning is staff information: they get a 404 like a stranger.
    return permissions.staff_show(request.user, code)


def _plans(person, show: Show) -> bool:
    """The show's production managers and producers, and admins: the people who change its plan."""
    return permissions.role_on_show(person, show) in (Role.ADMIN, *permissions.PLANNERS)


def _done(request: HttpRequest, message: str, url: str) -> HttpResponse | None:
    """Without htmx a successful write redirects back with a message; with htmx the caller renders the section."""
    if wants_partial(request):
        return None
    messages.success(request, message)
    return redirect(url)


def _status(*forms) -> int:
    return 400 if any(form is not None and form.errors for form in forms) else 200


# --- Milestones ---------------------------------------------------------------------------------------------------


def _departments(person):
    return permissions.visible(person, Department).order_by("order", "name")


def _milestone_context(request: HttpRequest, show: Show, *, form: MilestoneForm | None = None) -> dict:
    today = person_today(request.user)
    milestones = permissions.visible(request.user, Milestone).filter(show=show).select_related("department")
    can_edit = permissions.can_change(request.user, Milestone(show=show))
    if can_edit and form is None:
        form = MilestoneForm(departments=_departments(request.user))
    return {
        "show": show,
        "today": today,
        "upcoming": list(milestones.filter(date__gte=today).order_by("date", "name")[:LIST_LIMIT]),
        "past": list(milestones.filter(date__lt=today).order_by("-date", "name")[:LIST_LIMIT]),
        "can_edit": can_edit,
        "form": form if can_edit else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def milestone_list(request, code: str):
    """The show's milestones; a POST (planners) adds one."""
    show = _staff_show(request, code)
    form = None
    if request.method == "POST":
        permissions.require(permissions.can_change(request.user, Milestone(show=show)))
        form = MilestoneForm(request.POST, departments=_departments(request.user))
        if form.is_valid():
            try:
                milestone = planning.milestone_create(actor=request.user, show=show, **form.changes())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                answer = _done(request, f"Milestone “{milestone.name}” added.", request.path)
                if answer:
                    return answer
                form = None
    context = _milestone_context(request, show, form=form)
    return render_page(request, MILESTONES, context, partial="milestone-section", status=_status(form))


def _show_milestone(request: HttpRequest, code: str, pk: int) -> tuple[Show, Milestone]:
    show = _staff_show(request, code)
    milestone = get_object_or_404(
        permissions.visible(request.user, Milestone).filter(show=show).select_related("department"), pk=pk
    )
    permissions.require_change(request.user, milestone)
    return show, milestone


@login_required
@require_http_methods(["GET", "POST"])
def milestone_update(request, code: str, pk: int):
    """A milestone's edit form: a page, or (htmx) its row of the list turned into the form, saved in place."""
    show, milestone = _show_milestone(request, code, pk)
    initial = {"name": milestone.name, "date": milestone.date, "department": milestone.department}
    # The row's form has ids of its own: the list's add form is on the same page.
    auto_id = f"milestone-{milestone.pk}-%s" if wants_partial(request) else "id_%s"
    if request.method == "GET":
        form = MilestoneForm(initial=initial, departments=_departments(request.user), auto_id=auto_id)
        context = {"show": show, "milestone": milestone, "form": form}
        return render_page(request, MILESTONE_FORM, context, partial="milestone-edit-row")
    form = MilestoneForm(request.POST, initial=initial, departments=_departments(request.user), auto_id=auto_id)
    if form.is_valid():
        try:
            planning.milestone_update(actor=request.user, milestone=milestone, **form.changes())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            list_url = reverse("schedules:milestone_list", args=[show.code])
            answer = _done(request, f"Milestone “{form.cleaned_data['name']}” saved.", list_url)
            if answer:
                return answer
            # In place: the whole list again (the date may have moved the row).
            response = render_page(request, MILESTONES, _milestone_context(request, show), partial="milestone-section")
            return reswap(retarget(response, "#milestone-section"), "outerHTML")
    context = {"show": show, "milestone": milestone, "form": form}
    return render_page(request, MILESTONE_FORM, context, partial="milestone-edit-row", status=400)


@require_POST
@login_required
def milestone_delete(request, code: str, pk: int):
    show, milestone = _show_milestone(request, code, pk)
    planning.milestone_delete(actor=request.user, milestone=milestone)
    list_url = reverse("schedules:milestone_list", args=[show.code])
    answer = _done(request, f"Milestone “{milestone.name}” deleted.", list_url)
    if answer:
        return answer
    return render_page(request, MILESTONES, _milestone_context(request, show), partial="milestone-section")


# --- Working days: holidays and status weights ------------------------------------------------------------------


def _working_days_context(
    request: HttpRequest,
    show: Show,
    *,
    holiday_form: HolidayForm | None = None,
    weights_form: StatusWeightsForm | None = None,
) -> dict:
    can_edit = permissions.can_change(request.user, Holiday(show=show))
    holidays = list(permissions.visible(request.user, Holiday).filter(show=show).order_by("-date")[:LIST_LIMIT])[::-1]
    table = planning.status_weight_table(show)
    if can_edit:
        holiday_form = holiday_form or HolidayForm()
        weights_form = weights_form or StatusWeightsForm(table=table)
    today = person_today(request.user)
    return {
        "show": show,
        "today": today,
        "holidays": holidays,
        "weights": table,
        "can_edit": can_edit,
        "holiday_form": holiday_form if can_edit else None,
        "weights_form": weights_form if can_edit else None,
    }


@login_required
def working_days(request, code: str):
    show = _staff_show(request, code)
    return render_page(request, WORKING_DAYS, _working_days_context(request, show))


def _planner_show(request: HttpRequest, code: str, model) -> Show:
    show = _staff_show(request, code)
    permissions.require(permissions.can_change(request.user, model(show=show)))
    return show


@require_POST
@login_required
def holiday_add(request, code: str):
    show = _planner_show(request, code, Holiday)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            holiday = planning.holiday_add(actor=request.user, show=show, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            url = reverse("schedules:working_days", args=[show.code])
            answer = _done(request, f"{holiday.date:%a %d %b %Y} is now a holiday on {show.code}.", url)
            if answer:
                return answer
            form = None
    context = _working_days_context(request, show, holiday_form=form)
    return render_page(request, WORKING_DAYS, context, partial="holiday-section", status=_status(form))


@require_POST
@login_required
def holiday_remove(request, code: str, pk: int):
    show = _planner_show(request, code, Holiday)
    holiday = get_object_or_404(Holiday.objects.filter(show=show), pk=pk)
    planning.holiday_remove(actor=request.user, holiday=holiday)
    url = reverse("schedules:working_days", args=[show.code])
    answer = _done(request, f"{holiday.date:%a %d %b %Y} is a working day again.", url)
    if answer:
        return answer
    return render_page(request, WORKING_DAYS, _working_days_context(request, show), partial="holiday-section")


@require_POST
@login_required
def status_weights(request, code: str):
    show = _planner_show(request, code, StatusWeight)
    form = StatusWeightsForm(request.POST, table=planning.status_weight_table(show))
    if form.is_valid():
        try:
            planning.status_weight_set(actor=request.user, show=show, weights=form.weights())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            url = reverse("schedules:working_days", args=[show.code])
            answer = _done(request, "Status weights saved: earned value is being recomputed.", url)
            if answer:
                return answer
            form = None
    context = _working_days_context(request, show, weights_form=form)
    if form is None:
        context["weights_saved"] = True
    return render_page(request, WORKING_DAYS, context, partial="weights-section", status=_status(form))


# --- A show's people: availability --------------------------------------------------------------------------------


def _show_people(show: Show) -> list[ShowMembership]:
    """The show's active staff (clients have no capacity to plan), in name order."""
    memberships = (
        ShowMembership.objects.filter(show=show, person__is_active=True)
        .select_related("person__department")
        .order_by("person__last_name", "person__first_name", "person__username")
    )
    return [m for m in memberships if m.effective_role != Role.CLIENT]


def _people_queryset(show: Show):
    members = ShowMembership.objects.filter(show=show, person__is_active=True).exclude(
        Q(role=Role.CLIENT) | Q(role="", person__role=Role.CLIENT)
    )
    return Person.objects.filter(pk__in=members.values("person_id")).order_by("last_name", "first_name")


def _availability_show(request: HttpRequest, code: str) -> Show:
    show = _staff_show(request, code)
    permissions.require(_plans(request.user, show), "Only the show's production managers and producers plan people.")
    return show


def _availability_context(
    request: HttpRequest,
    show: Show,
    *,
    day_off_form: DayOffForm | None = None,
    part_time_form: PartTimeForm | None = None,
) -> dict:
    today = person_today(request.user)
    memberships = _show_people(show)
    person_ids = [m.person_id for m in memberships]
    periods = list(
        permissions.visible(request.user, PartTime)
        .filter(person_id__in=person_ids)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("person_id", "effective_from")
    )
    days_off = list(
        permissions.visible(request.user, DayOff)
        .filter(person_id__in=person_ids, end_date__gte=today)
        .order_by("start_date", "person_id")
    )
    by_person = defaultdict(list)
    for day_off in days_off:
        by_person[day_off.person_id].append(day_off)
    in_force = {p.person_id: p for p in periods if p.effective_from <= today}
    people_by_id = {m.person_id: m.person for m in memberships}
    for record in (*periods, *days_off):
        record.person = people_by_id[record.person_id]  # already loaded: no query per row
    rows = [
        {
            "person": m.person,
            "role": ROLE_LABELS.get(m.effective_role, m.effective_role),
            "part_time": in_force.get(m.person_id),
            "days_off": by_person.get(m.person_id, []),
        }
        for m in memberships
    ]
    people = _people_queryset(show)
    return {
        "show": show,
        "today": today,
        "rows": rows,
        "periods": periods,
        "days_off": days_off,
        "day_off_form": day_off_form or DayOffForm(people=people),
        "part_time_form": part_time_form or PartTimeForm(people=people),
    }


@login_required
def availability(request, code: str):
    show = _availability_show(request, code)
    return render_page(request, AVAILABILITY, _availability_context(request, show))


def _availability_answer(request, show, message: str, **forms) -> HttpResponse:
    if not any(form is not None and form.errors for form in forms.values()):
        answer = _done(request, message, reverse("schedules:availability", args=[show.code]))
        if answer:
            return answer
        forms = {}
    context = _availability_context(request, show, **forms)
    return render_page(request, AVAILABILITY, context, partial="availability-section", status=_status(*forms.values()))


@require_POST
@login_required
def availability_day_off_add(request, code: str):
    show = _availability_show(request, code)
    form = DayOffForm(request.POST, people=_people_queryset(show))
    message = ""
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            planning.day_off_create(actor=request.user, person=person, **form.values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            message = f"Days off recorded for {person}."
    return _availability_answer(request, show, message, day_off_form=form)


def _show_person_record(request: HttpRequest, show: Show, model, pk: int):
    record = (
        permissions.visible(request.user, model)
        .filter(person__in=_people_queryset(show), pk=pk)
        .select_related("person")
        .first()
    )
    if record is None:
        raise Http404
    return record


@require_POST
@login_required
def availability_day_off_remove(request, code: str, pk: int):
    show = _availability_show(request, code)
    day_off = _show_person_record(request, show, DayOff, pk)
    planning.day_off_delete(actor=request.user, day_off=day_off)
    return _availability_answer(request, show, f"Days off of {day_off.person} removed.")


@require_POST
@login_required
def availability_part_time_set(request, code: str):
    show = _availability_show(request, code)
    form = PartTimeForm(request.POST, people=_people_queryset(show))
    message = ""
    if form.is_valid():
        values = form.values()
        try:
            planning.part_time_set(actor=request.user, **values)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            message = f"Part time of {values['person']} saved."
    return _availability_answer(request, show, message, part_time_form=form)


@require_POST
@login_required
def availability_part_time_remove(request, code: str, pk: int):
    show = _availability_show(request, code)
    part_time = _show_person_record(request, show, PartTime, pk)
    planning.part_time_delete(actor=request.user, part_time=part_time)
    return _availability_answer(request, show, f"Part time of {part_time.person} removed.")


# --- My availability ------------------------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if request.user.role == Role.CLIENT and not request.user.is_admin:
        raise Http404  # a staff page: clients see no sign of it


def _my_context(request: HttpRequest, *, form: DayOffForm | None = None) -> dict:
    today = person_today(request.user)
    person = request.user
    days_off = list(
        DayOff.objects.filter(person=person, end_date__gte=today - dt.timedelta(days=PAST_DAYS_SHOWN)).order_by(
            "start_date"
        )
    )
    periods = list(
        PartTime.objects.filter(person=person)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("effective_from")
    )
    return {
        "today": today,
        "days_off": days_off,
        "periods": periods,
        "part_time": next((p for p in periods if p.effective_from <= today), None),
        "form": form or DayOffForm(),
    }


@login_required
def my_availability(request):
    _require_staff(request)
    return render_page(request, MY_AVAILABILITY, _my_context(request))


@require_POST
@login_required
def my_day_off_add(request):
    _require_staff(request)
    form = DayOffForm(request.POST)
    if form.is_valid():
        try:
            day_off = planning.day_off_create(actor=request.user, person=request.user, **form.values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            answer = _done(request, _days_text(day_off, "recorded"), reverse("schedules:my_availability"))
            if answer:
                return answer
            form = None
    return render_page(
        request, MY_AVAILABILITY, _my_context(request, form=form), partial="my-days-off", status=_status(form)
    )


def _days_text(day_off: DayOff, done: str) -> str:
    if day_off.start_date == day_off.end_date:
        return f"Day off on {day_off.start_date:%a %d %b %Y} {done}."
    return f"Days off from {day_off.start_date:%a %d %b %Y} to {day_off.end_date:%a %d %b %Y} {done}."


@require_POST
@login_required
def my_day_off_remove(request, pk: int):
    _require_staff(request)
    day_off = get_object_or_404(DayOff.objects.filter(person=request.user), pk=pk)
    planning.day_off_delete(actor=request.user, day_off=day_off)
    answer = _done(request, _days_text(day_off, "removed"), reverse("schedules:my_availability"))
    if answer:
        return answer
    return render_page(request, MY_AVAILABILITY, _my_context(request), partial="my-days-off")


urlpatterns = [
    path("shows/<str:code>/milestones/", milestone_list, name="milestone_list"),
    path("shows/<str:code>/milestones/<int:pk>/edit/", milestone_update, name="milestone_update"),
    path("shows/<str:code>/milestones/<int:pk>/delete/", milestone_delete, name="milestone_delete"),
    path("shows/<str:code>/working-days/", working_days, name="working_days"),
    path("shows/<str:code>/working-days/holidays/", holiday_add, name="holiday_add"),
    path("shows/<str:code>/working-days/holidays/<int:pk>/remove/", holiday_remove, name="holiday_remove"),
    path("shows/<str:code>/working-days/weights/", status_weights, name="status_weights"),
    path("shows/<str:code>/availability/", availability, name="availability"),
    path("shows/<str:code>/availability/days-off/", availability_day_off_add, name="availability_day_off_add"),
    path(
        "shows/<str:code>/availability/days-off/<int:pk>/remove/",
        availability_day_off_remove,
        name="availability_day_off_remove",
    ),
    path("shows/<str:code>/availability/part-time/", availability_part_time_set, name="availability_part_time_set"),
    path(
        "shows/<str:code>/availability/part-time/<int:pk>/remove/",
        availability_part_time_remove,
        name="availability_part_time_remove",
    ),
    path("my/availability/", my_availability, name="my_availability"),
    path("my/availability/days-off/", my_day_off_add, name="my_day_off_add"),
    path("my/availability/days-off/<int:pk>/remove/", my_day_off_remove, name="my_day_off_remove"),
]
