"""Rate pages: the studio's rate cards and people's own rates (the most sensitive figures Slate holds).

    /rates/                              budgets:rate_list           GET both lists; POST form=card|person: add (admins)
    /rates/cards/<id>/                   budgets:rate_card_update    GET the edit form; POST save (admins)
    /rates/people/<id>/                  budgets:person_rate_update  GET the edit form; POST save (admins)
    /rates/people/<id>/delete/           budgets:person_rate_delete  POST (admins)

Producers (of any show) read; admins write (studio.permissions.RateRule). Every other staff member: 403; clients:
404 (a page they have no business knowing of). No amount appears in an error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from shots.forms import MAX_ID
from shots.my_day_forms import add_service_errors
from studio import permissions
from studio.htmx import render_page
from studio.models import Role, Seniority

from .. import services
from ..cost_forms import PersonRateForm, RateCardForm, RateCardUpdateForm
from ..models import PersonRate, RateCard

LIST = "budgets/rate_list.html"
CARD_FORM = "budgets/rate_card_form.html"
PERSON_FORM = "budgets/rate_person_form.html"
NOT_A_RATE_READER = "Rates are for producers and admins."
ADMINS_ONLY = "Only admins change rates."
SENIORITY_ORDER = {value: i for i, value in enumerate(Seniority.values)}  # junior, mid, senior, lead


def _rate_reader(request: HttpRequest) -> None:
    """Producers and admins read rates; other staff get a 403; clients a 404 (not a page for them)."""
    if permissions.can_see_money(request.user):
        return
    if request.user.role == Role.CLIENT:
        raise Http404("No such page.")
    permissions.require(False, NOT_A_RATE_READER)


def _admin(request: HttpRequest) -> None:
    _rate_reader(request)
    permissions.require(permissions.access_for(request.user).is_admin, ADMINS_ONLY)


def _list_url() -> str:
    return reverse("budgets:rate_list")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def rate_list(request: HttpRequest) -> HttpResponse:
    _rate_reader(request)
    card_form = person_form = None
    if request.method == "POST":
        _admin(request)
        if request.POST.get("form") == "person":
            person_form = PersonRateForm(request.POST, prefix="person")
            if person_form.is_valid() and _save_person_rate(request, person_form, None):
                return redirect(_list_url() + "#person-rates")
        else:
            card_form = RateCardForm(request.POST, prefix="card")
            if card_form.is_valid():
                try:
                    card = services.rate_card_create(actor=request.user, **card_form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(card_form, error)
                else:
                    messages.success(request, f"Added the rate card {card}.")
                    return redirect(_list_url() + "#rate-cards")
        return _list_page(request, card_form=card_form, person_form=person_form, status=400)
    return _list_page(request)


def _list_page(
    request: HttpRequest,
    *,
    card_form: RateCardForm | None = None,
    person_form: PersonRateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_admin = permissions.access_for(request.user).is_admin
    cards = list(
        permissions.visible(request.user, RateCard).order_by("role", "seniority", "currency", "-effective_from")
    )
    person_rates = list(
        permissions.visible(request.user, PersonRate)
        .select_related("person")
        .order_by("person__first_name", "person__last_name", "person__username", "-effective_from")
    )
    context = {
        "cards": cards,
        "person_rates": person_rates,
        "is_admin": is_admin,
        "card_form": (card_form or RateCardForm(prefix="card")) if is_admin else None,
        "person_form": (person_form or PersonRateForm(prefix="person")) if is_admin else None,
    }
    return render_page(request, LIST, context, status=status)


def _save_person_rate(request: HttpRequest, form: PersonRateForm, rate: PersonRate | None) -> bool:
    data = dict(form.cleaned_data)
    try:
        saved = services.person_rate_set(actor=request.user, person_rate=rate, **data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, f"Saved {saved.person}'s {saved.get_kind_display().lower()}.")
    return True


def _object(model, object_id: int):
    if object_id > MAX_ID:
        raise Http404("No such rate.")
    return get_object_or_404(model.objects.select_related(*(["person"] if model is PersonRate else [])), pk=object_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def rate_card_update(request: HttpRequest, card_id: int) -> HttpResponse:
    _admin(request)
    card = _object(RateCard, card_id)
    if request.method == "POST":
        form = RateCardUpdateForm(request.POST)
        if form.is_valid():
            try:
                card = services.rate_card_update(actor=request.user, rate_card=card, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the rate card {card}.")
                return redirect(_list_url() + "#rate-cards")
        return render_page(request, CARD_FORM, {"card": card, "form": form}, status=400)
    initial = {"day_rate": card.day_rate, "effective_from": card.effective_from, "effective_to": card.effective_to}
    return render_page(request, CARD_FORM, {"card": card, "form": RateCardUpdateForm(initial=initial)})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_rate_update(request: HttpRequest, rate_id: int) -> HttpResponse:
    _admin(request)
    rate = _object(PersonRate, rate_id)
    if request.method == "POST":
        form = PersonRateForm(request.POST)
        if form.is_valid() and _save_person_rate(request, form, rate):
            return redirect(_list_url() + "#person-rates")
        return render_page(request, PERSON_FORM, {"rate": rate, "form": form}, status=400)
    initial = {
        "person": rate.person_id,
        "kind": rate.kind,
        "day_rate": rate.day_rate,
        "fixed_fee": rate.fixed_fee,
        "currency": rate.currency,
        "effective_from": rate.effective_from,
        "effective_to": rate.effective_to,
    }
    return render_page(request, PERSON_FORM, {"rate": rate, "form": PersonRateForm(initial=initial)})


@require_POST
@login_required
def person_rate_delete(request: HttpRequest, rate_id: int) -> HttpResponse:
    _admin(request)
    rate = _object(PersonRate, rate_id)
    services.person_rate_delete(actor=request.user, person_rate=rate)
    messages.success(request, f"Deleted {rate.person}'s {rate.get_kind_display().lower()} from {rate.effective_from}.")
    return redirect(_list_url() + "#person-rates")


urlpatterns = [
    path("rates/", rate_list, name="rate_list"),
    path("rates/cards/<int:card_id>/", rate_card_update, name="rate_card_update"),
    path("rates/people/<int:rate_id>/", person_rate_update, name="person_rate_update"),
    path("rates/people/<int:rate_id>/delete/", person_rate_delete, name="person_rate_delete"),
]
