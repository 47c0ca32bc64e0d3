"""API for rates, expenses and cost figures, under the pages' rules (budgets/views/rates.py, expenses.py).

    /api/v1/rate-cards/, /api/v1/rate-cards/<id>/           api:rate-card-list, api:rate-card-detail
    /api/v1/person-rates/, /api/v1/person-rates/<id>/       api:person-rate-list, api:person-rate-detail
    /api/v1/shows/<code>/expenses/, .../expenses/<id>/      api:show-expense-list, api:show-expense-detail
    /api/v1/shows/<code>/costs/?as_of=                      api:show-costs

Rates: producers (of any show) and admins read, admins write; other staff 403, clients 404. A show's expenses and
costs: its producers and admins; its other staff 403; its clients and strangers 404. No amount in any error.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from budgets import costs, services
from budgets.models import Expense, PersonRate, RateCard
from shots.api.bulk import PipelineAPIView
from shots.forms import MAX_ID
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet
from studio.models import Role

from .serializers_costs import (
    CostsQueryInputSerializer,
    ExpenseInputSerializer,
    ExpenseOutputSerializer,
    ExpenseUpdateInputSerializer,
    PersonRateInputSerializer,
    PersonRateOutputSerializer,
    PersonRateUpdateInputSerializer,
    RateCardCreateInputSerializer,
    RateCardOutputSerializer,
    RateCardUpdateInputSerializer,
    ShowCostsOutputSerializer,
)

NOT_A_RATE_READER = "Rates are for producers and admins."
ADMINS_ONLY = "Only admins change rates."
RATE_FORBIDDEN = OpenApiResponse(description=f"{NOT_A_RATE_READER} {ADMINS_ONLY}")
MONEY_FORBIDDEN = OpenApiResponse(description=f"You are on the show, but: {permissions.MONEY_ONLY}")


def require_rate_reader(request) -> None:
    """Producers and admins; other staff 403; clients 404 (not an endpoint for them)."""
    if permissions.can_see_money(request.user):
        return
    if request.user.role == Role.CLIENT:
        raise Http404("Not found.")
    permissions.require(False, NOT_A_RATE_READER)


def require_admin(request) -> None:
    require_rate_reader(request)
    permissions.require(permissions.access_for(request.user).is_admin, ADMINS_ONLY)


def _by_id(queryset, pk: str):
    if not str(pk).isdigit() or int(pk) > MAX_ID:
        raise Http404("Not found.")
    return get_object_or_404(queryset, pk=int(pk))


# --- Rate cards -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Rate cards (producers and admins)",
        responses={200: RateCardOutputSerializer(many=True), 403: RATE_FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One rate card", responses={200: RateCardOutputSerializer, 403: RATE_FORBIDDEN, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Add a rate card (admins); an open-ended earlier card of the same role, seniority and currency ends "
        "the day before",
        request=RateCardCreateInputSerializer,
        responses={201: RateCardOutputSerializer, 400: BAD_REQUEST, 403: RATE_FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a rate card's day rate or period (admins)",
        request=RateCardUpdateInputSerializer,
        responses={200: RateCardOutputSerializer, 400: BAD_REQUEST, 403: RATE_FORBIDDEN, 404: NOT_FOUND},
    ),
)
class RateCardViewSet(SlateViewSet):
    """The studio's day rates per role, seniority and currency, with their effective periods."""

    serializer_class = RateCardOutputSerializer

    def get_queryset(self):
        return permissions.visible(self.request.user, RateCard).order_by("id")

    def list(self, request):
        require_rate_reader(request)
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        require_rate_reader(request)
        return Response(self.output(_by_id(self.get_queryset(), pk)))

    def create(self, request):
        require_admin(request)
        data = self.validated_input(RateCardCreateInputSerializer)
        card = services.rate_card_create(actor=request.user, **data)
        return Response(self.output(card), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk: str):
        require_admin(request)
        card = _by_id(self.get_queryset(), pk)
        changes = self.validated_input(RateCardUpdateInputSerializer, partial=True)
        return Response(self.output(services.rate_card_update(actor=request.user, rate_card=card, **changes)))


# --- Personal rates -------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="People's own rates (producers and admins)",
        responses={200: PersonRateOutputSerializer(many=True), 403: RATE_FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One personal rate", responses={200: PersonRateOutputSerializer, 403: RATE_FORBIDDEN, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Give a person their own rate (admins): personal day rate, freelance day rate or fixed fee",
        request=PersonRateInputSerializer,
        responses={201: PersonRateOutputSerializer, 400: BAD_REQUEST, 403: RATE_FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a personal rate's terms (admins); send the whole terms",
        request=PersonRateUpdateInputSerializer,
        responses={200: PersonRateOutputSerializer, 400: BAD_REQUEST, 403: RATE_FORBIDDEN, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Delete a personal rate (admins)", responses={204: None, 403: RATE_FORBIDDEN, 404: NOT_FOUND}
    ),
)
class PersonRateViewSet(SlateViewSet):
    """A person's own rate in force over a period (never two at once): it wins over the rate card."""

    serializer_class = PersonRateOutputSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return permissions.visible(self.request.user, PersonRate).select_related("person").order_by("id")

    def list(self, request):
        require_rate_reader(request)
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        require_rate_reader(request)
        return Response(self.output(_by_id(self.get_queryset(), pk)))

    def create(self, request):
        require_admin(request)
        data = self.validated_input(PersonRateInputSerializer)
        rate = services.person_rate_set(actor=request.user, **data)
        return Response(self.output(rate), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk: str):
        require_admin(request)
        rate = _by_id(self.get_queryset(), pk)
        terms = {
            "kind": rate.kind,
            "day_rate": rate.day_rate,
            "fixed_fee": rate.fixed_fee,
            "currency": rate.currency,
            "effective_from": rate.effective_from,
            "effective_to": rate.effective_to,
        }
        terms.update(self.validated_input(PersonRateUpdateInputSerializer, partial=True))
        saved = services.person_rate_set(actor=request.user, person=rate.person, person_rate=rate, **terms)
        return Response(self.output(saved))

    def destroy(self, request, pk: str):
        require_admin(request)
        services.person_rate_delete(actor=request.user, person_rate=_by_id(self.get_queryset(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Expenses -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="A show's expenses (its producers and admins)",
        responses={200: ExpenseOutputSerializer(many=True), 403: MONEY_FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Add an expense to the show",
        request=ExpenseInputSerializer,
        responses={201: ExpenseOutputSerializer, 400: BAD_REQUEST, 403: MONEY_FORBIDDEN, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="One expense", responses={200: ExpenseOutputSerializer, 403: MONEY_FORBIDDEN, 404: NOT_FOUND}
    ),
    partial_update=extend_schema(
        summary="Change an expense",
        request=ExpenseUpdateInputSerializer,
        responses={200: ExpenseOutputSerializer, 400: BAD_REQUEST, 403: MONEY_FORBIDDEN, 404: NOT_FOUND},
    ),
    destroy=extend_schema(summary="Delete an expense", responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class ShowExpenseViewSet(SlateViewSet):
    """Actual costs besides logged time (freelance invoices, hardware, software, other), per department, dated."""

    serializer_class = ExpenseOutputSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        show = getattr(self, "show", None)
        queryset = permissions.visible(self.request.user, Expense).select_related("show", "department", "person")
        return queryset.filter(show=show) if show is not None else queryset.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.show = permissions.money_show(request.user, kwargs["code"])

    def list(self, request, code: str):
        return self.paginated_list()

    def retrieve(self, request, code: str, pk: str):
        return Response(self.output(_by_id(self.get_queryset(), pk)))

    def create(self, request, code: str):
        data = self.validated_input(ExpenseInputSerializer)
        expense = services.expense_create(actor=request.user, show=self.show, **data)
        return Response(self.output(self.get_queryset().get(pk=expense.pk)), status=status.HTTP_201_CREATED)

    def partial_update(self, request, code: str, pk: str):
        expense = _by_id(self.get_queryset(), pk)
        changes = self.validated_input(ExpenseUpdateInputSerializer, partial=True)
        services.expense_update(actor=request.user, expense=expense, **changes)
        return Response(self.output(self.get_queryset().get(pk=expense.pk)))

    def destroy(self, request, code: str, pk: str):
        services.expense_delete(actor=request.user, expense=_by_id(self.get_queryset(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Cost figures ---------------------------------------------------------------------------------------------------


@extend_schema(
    summary="A show's cost figures as of a day, per department and for the show",
    parameters=[CostsQueryInputSerializer],
    responses={200: ShowCostsOutputSerializer, 400: BAD_REQUEST, 403: MONEY_FORBIDDEN, 404: NOT_FOUND},
)
class ShowCostsView(PipelineAPIView):
    """BAC, PV, EV, AC (labour and expenses), CV, CPI, EAC = BAC / CPI, VAC and cost to complete, per department and
    for the show (sums of the departments; the show's CPI and EAC from those sums), as PRODUCT.md defines them.
    Amounts are strings rounded half-up to the currency's minor unit; ratios and days strings to 1e-10; null when
    undefined. `missing_rates` lists the people whose time has no usable rate (left out of AC). Computed live, in a
    fixed number of queries."""

    def get(self, request, code: str):
        show = permissions.money_show(request.user, code)
        query = CostsQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        report = costs.cost_report(show, as_of)
        names = report.department_names
        body = {
            "show": show.code,
            "as_of": as_of,
            "currency": report.currency,
            "hours_per_day": show.hours_per_day,
            "budget": report.budget,
            "departments": [{**vars(row), "department": names[row.department_id]} for row in report.departments],
            "total": report.total,
            "missing_rates": report.missing_rates,
        }
        return Response(ShowCostsOutputSerializer(body, context={"currency": report.currency}).data)


expense_list = ShowExpenseViewSet.as_view({"get": "list", "post": "create"})
expense_detail = ShowExpenseViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})
rate_card_list = RateCardViewSet.as_view({"get": "list", "post": "create"})
rate_card_detail = RateCardViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
person_rate_list = PersonRateViewSet.as_view({"get": "list", "post": "create"})
person_rate_detail = PersonRateViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})

urlpatterns = [
    path("rate-cards/", rate_card_list, name="rate-card-list"),
    path("rate-cards/<str:pk>/", rate_card_detail, name="rate-card-detail"),
    path("person-rates/", person_rate_list, name="person-rate-list"),
    path("person-rates/<str:pk>/", person_rate_detail, name="person-rate-detail"),
    path("shows/<str:code>/expenses/", expense_list, name="show-expense-list"),
    path("shows/<str:code>/expenses/<str:pk>/", expense_detail, name="show-expense-detail"),
    path("shows/<str:code>/costs/", ShowCostsView.as_view(), name="show-costs"),
]
