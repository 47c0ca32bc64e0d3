"""Budget revisions API, under a show (producers and admins only; the show's other staff 403, clients and strangers
404, like the pages). Writes go through budgets.revisions.

    GET  POST          /api/v1/shows/<code>/budgets/                                  api:budget-list
    GET  PATCH DELETE  /api/v1/shows/<code>/budgets/<revision>/                       api:budget-detail
    POST               /api/v1/shows/<code>/budgets/<revision>/copy/                  api:budget-copy
    POST               /api/v1/shows/<code>/budgets/<revision>/lock/                  api:budget-lock
    POST               /api/v1/shows/<code>/budgets/<revision>/unlock/                api:budget-unlock
    GET                /api/v1/shows/<code>/production-metrics/?as_of=YYYY-MM-DD       api:show-production-metrics
    GET  POST          /api/v1/shows/<code>/budgets/<revision>/lines/                 api:budget-line-list
    GET  PATCH DELETE  /api/v1/shows/<code>/budgets/<revision>/lines/<department>/    api:budget-line-detail
"""

from __future__ import annotations

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from shots.api.bulk import PipelineAPIView
from studio import permissions
from studio.api.views import BAD_REQUEST, NOT_FOUND
from studio.models import Show

from .. import revisions
from ..metrics import production_metrics
from ..models import Budget, BudgetLine
from .serializers_budgets import (
    AsOfQueryInputSerializer,
    BudgetCopyInputSerializer,
    BudgetCreateInputSerializer,
    BudgetDetailOutputSerializer,
    BudgetLineOutputSerializer,
    BudgetLineSetInputSerializer,
    BudgetLineUpdateInputSerializer,
    BudgetOutputSerializer,
    BudgetUpdateInputSerializer,
    ProductionMetricsOutputSerializer,
)

FORBIDDEN = OpenApiResponse(description=f"You are on the show, but: {permissions.MONEY_ONLY}")
MAX_REVISION = 2**31 - 1
ZERO = Value(0, output_field=DecimalField(max_digits=16, decimal_places=2))


def _budgets(show: Show):
    return (
        Budget.objects.filter(show=show)
        .select_related("show", "locked_by", "copied_from")
        .annotate(
            total_days=Coalesce(Sum("lines__days"), ZERO),
            total_amount=Coalesce(Sum("lines__amount"), ZERO),
            line_count=Count("lines"),
        )
        .order_by("-revision")
    )


def _budget(show: Show, revision: int) -> Budget:
    if revision > MAX_REVISION:
        raise Http404("No such revision.")
    return get_object_or_404(_budgets(show), revision=revision)


def _lines(budget: Budget) -> list[BudgetLine]:
    return list(
        BudgetLine.objects.filter(budget=budget)
        .select_related("department")
        .order_by("department__order", "department__name")
    )


def _line(budget: Budget, department: str) -> BudgetLine:
    return get_object_or_404(
        BudgetLine.objects.select_related("department"), budget=budget, department__code=department
    )


def _input(request: Request, serializer_class, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _detail(show: Show, budget: Budget, *, code: int = status.HTTP_200_OK) -> Response:
    budget = _budget(show, budget.revision)  # fresh totals
    budget.line_rows = _lines(budget)
    return Response(BudgetDetailOutputSerializer(budget, context={"currency": show.currency}).data, status=code)


@extend_schema(tags=["budgets"])
class BudgetListView(PipelineAPIView):
    """A show's budget revisions, newest first, with their totals; POST starts a new, empty revision."""

    @extend_schema(
        summary="A show's budget revisions",
        responses={200: BudgetOutputSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, code: str):
        show = permissions.money_show(request.user, code)
        data = BudgetOutputSerializer(_budgets(show), many=True, context={"currency": show.currency}).data
        return Response({"show": show.code, "results": data})

    @extend_schema(
        summary="Start a new, empty revision (the next number)",
        request=BudgetCreateInputSerializer,
        responses={201: BudgetDetailOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, code: str):
        show = permissions.money_show(request.user, code)
        data = _input(request, BudgetCreateInputSerializer)
        budget = revisions.budget_create(actor=request.user, show=show, **data)
        return _detail(show, budget, code=status.HTTP_201_CREATED)


@extend_schema(tags=["budgets"])
class BudgetDetailView(PipelineAPIView):
    """One revision with its lines. PATCH renames it or changes its note; DELETE removes an unlocked one."""

    @extend_schema(
        summary="One budget revision and its lines",
        responses={200: BudgetDetailOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        return _detail(show, _budget(show, revision))

    @extend_schema(
        summary="Rename a revision or change its note",
        request=BudgetUpdateInputSerializer,
        responses={200: BudgetDetailOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        budget = _budget(show, revision)
        data = _input(request, BudgetUpdateInputSerializer, partial=True)
        revisions.budget_update(actor=request.user, budget=budget, **data)
        return _detail(show, budget)

    @extend_schema(
        summary="Delete an unlocked revision",
        responses={204: None, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        revisions.budget_delete(actor=request.user, budget=_budget(show, revision))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["budgets"])
class BudgetCopyView(PipelineAPIView):
    @extend_schema(
        summary="Start the next revision as a copy of this one (its lines too)",
        request=BudgetCopyInputSerializer,
        responses={201: BudgetDetailOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        data = _input(request, BudgetCopyInputSerializer)
        copy = revisions.budget_copy(actor=request.user, budget=_budget(show, revision), **data)
        return _detail(show, copy, code=status.HTTP_201_CREATED)


@extend_schema(tags=["budgets"])
class BudgetLockView(PipelineAPIView):
    @extend_schema(
        summary="Lock this revision as the approved budget (the one locked until now is unlocked)",
        request=None,
        responses={200: BudgetDetailOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        budget = revisions.budget_lock(actor=request.user, budget=_budget(show, revision))
        return _detail(show, budget)


@extend_schema(tags=["budgets"])
class BudgetUnlockView(PipelineAPIView):
    @extend_schema(
        summary="Unlock this revision (the show then has no approved budget)",
        request=None,
        responses={200: BudgetDetailOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        budget = revisions.budget_unlock(actor=request.user, budget=_budget(show, revision))
        return _detail(show, budget)


@extend_schema(tags=["budgets"])
class BudgetLineListView(PipelineAPIView):
    @extend_schema(
        summary="A revision's lines",
        responses={200: BudgetLineOutputSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        budget = _budget(show, revision)
        data = BudgetLineOutputSerializer(_lines(budget), many=True, context={"currency": show.currency}).data
        return Response({"show": show.code, "revision": budget.revision, "results": data})

    @extend_schema(
        summary="Set a department's line (again: replaces it) on an unlocked revision",
        request=BudgetLineSetInputSerializer,
        responses={
            201: BudgetLineOutputSerializer,
            200: OpenApiResponse(BudgetLineOutputSerializer, description="The department had a line: replaced."),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, code: str, revision: int):
        show = permissions.money_show(request.user, code)
        budget = _budget(show, revision)
        data = _input(request, BudgetLineSetInputSerializer)
        existed = BudgetLine.objects.filter(budget=budget, department=data["department"]).exists()
        line = revisions.budget_line_set(actor=request.user, budget=budget, **data)
        body = BudgetLineOutputSerializer(line, context={"currency": show.currency}).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema(tags=["budgets"])
class BudgetLineDetailView(PipelineAPIView):
    @extend_schema(
        summary="One line of a revision", responses={200: BudgetLineOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    )
    def get(self, request, code: str, revision: int, department: str):
        show = permissions.money_show(request.user, code)
        line = _line(_budget(show, revision), department)
        return Response(BudgetLineOutputSerializer(line, context={"currency": show.currency}).data)

    @extend_schema(
        summary="Change a line's days or amount (unlocked revisions only)",
        request=BudgetLineUpdateInputSerializer,
        responses={200: BudgetLineOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request, code: str, revision: int, department: str):
        show = permissions.money_show(request.user, code)
        budget = _budget(show, revision)
        line = _line(budget, department)
        data = _input(request, BudgetLineUpdateInputSerializer, partial=True)
        line = revisions.budget_line_set(
            actor=request.user,
            budget=budget,
            department=line.department,
            days=data.get("days", line.days),
            amount=data.get("amount", line.amount),
        )
        return Response(BudgetLineOutputSerializer(line, context={"currency": show.currency}).data)

    @extend_schema(
        summary="Remove a line (unlocked revisions only)",
        responses={204: None, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, code: str, revision: int, department: str):
        show = permissions.money_show(request.user, code)
        revisions.budget_line_delete(actor=request.user, line=_line(_budget(show, revision), department))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["budgets"])
class ProductionMetricsView(PipelineAPIView):
    """The four production metrics of PRODUCT.md as of the end of a day, for the show and per department, exact:
    ratios are Decimal strings at 1e-10 (null when undefined: no client session yet, no hour logged, PV 0, no
    contract value or no CPI yet); amounts rounded to the currency's minor unit. Definitions: budgets/metrics.py."""

    @extend_schema(
        summary="A show's four production metrics as of a day",
        parameters=[AsOfQueryInputSerializer],
        responses={200: ProductionMetricsOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, code: str):
        show = permissions.money_show(request.user, code)
        # Only as_of is read here; other query parameters (paging, formats) are not this endpoint's business.
        query = AsOfQueryInputSerializer(data={k: v for k, v in request.query_params.items() if k == "as_of"})
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        figures = production_metrics(show, as_of)
        return Response(ProductionMetricsOutputSerializer(figures, context={"currency": show.currency}).data)


REVISION = "shows/<str:code>/budgets/<int:revision>/"
urlpatterns = [
    path("shows/<str:code>/budgets/", BudgetListView.as_view(), name="budget-list"),
    path(REVISION, BudgetDetailView.as_view(), name="budget-detail"),
    path(f"{REVISION}copy/", BudgetCopyView.as_view(), name="budget-copy"),
    path(f"{REVISION}lock/", BudgetLockView.as_view(), name="budget-lock"),
    path(f"{REVISION}unlock/", BudgetUnlockView.as_view(), name="budget-unlock"),
    path(f"{REVISION}lines/", BudgetLineListView.as_view(), name="budget-line-list"),
    path(f"{REVISION}lines/<str:department>/", BudgetLineDetailView.as_view(), name="budget-line-detail"),
    path("shows/<str:code>/production-metrics/", ProductionMetricsView.as_view(), name="show-production-metrics"),
]
