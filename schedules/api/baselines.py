"""The baselines API: list, read, freeze (create), rename, activate, deactivate and delete a show's baselines, page
through a baseline's rows, and compare two plans with the figures of the compare page.

Every staff member of the show reads them; its production managers and producers (and admins) change them
(schedules.baselines, the same services as the pages). Clients and people of other shows: 404.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from schedules import baselines as services
from schedules.models import Baseline, BaselineTask
from shots.api.bulk import PipelineAPIView
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet
from studio.models import Department, Show

from .filters import BaselineFilter
from .paging import DEFAULT_PAGE_SIZE, encode_cursor, resolve_scope, task_briefs
from .serializers import (
    BaselineCreateInputSerializer,
    BaselineOutputSerializer,
    BaselineTaskOutputSerializer,
    BaselineTasksQueryInputSerializer,
    BaselineUpdateInputSerializer,
    CompareOutputSerializer,
    CompareQueryInputSerializer,
)

CURRENT = "current"
ACTIVE_REFUSED = OpenApiResponse(
    description='The active baseline is not deleted: activate another or deactivate it first ("baseline" says so).'
)
DETAIL = {200: BaselineOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND}


def _query_input(request, serializer_class) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Baselines of your shows"),
    retrieve=extend_schema(summary="One baseline, with its task count and bid total", responses=DETAIL),
    create=extend_schema(
        summary="Freeze a show's current plan as a new baseline (its production managers and producers)",
        request=BaselineCreateInputSerializer,
        responses={201: BaselineOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Rename a baseline", request=BaselineUpdateInputSerializer, responses={**DETAIL, 400: BAD_REQUEST}
    ),
    destroy=extend_schema(
        summary="Delete a baseline that is not active",
        responses={204: None, 400: ACTIVE_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    activate=extend_schema(
        summary="Measure the show's variance against this baseline (the previous active one steps down)",
        request=None,
        responses=DETAIL,
    ),
    deactivate=extend_schema(
        summary="Stop measuring against this baseline (variance then reads the tasks' current plan)",
        request=None,
        responses=DETAIL,
    ),
    tasks=extend_schema(
        summary="A baseline's rows: each task's frozen bid, start and due date, in the order frozen",
        parameters=[BaselineTasksQueryInputSerializer],
        filters=False,
        responses={200: BaselineTaskOutputSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
)
class BaselineViewSet(SlateViewSet):
    """Frozen copies of a show's plan (bids, start and due dates). At most one per show is active: variance is
    measured against it (schedules.earned_value)."""

    serializer_class = BaselineOutputSerializer
    filterset_class = BaselineFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return services.with_totals(permissions.visible(self.request.user, Baseline))

    def fresh(self, baseline: Baseline) -> dict:
        return self.output(self.get_queryset().get(pk=baseline.pk))

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.output(self.get_object()))

    def create(self, request):
        data = self.validated_input(BaselineCreateInputSerializer)
        baseline = services.baseline_freeze(actor=request.user, **data)
        return Response(self.fresh(baseline), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk: str):
        baseline = self.get_object()
        data = self.validated_input(BaselineUpdateInputSerializer, partial=True)
        return Response(self.fresh(services.baseline_rename(actor=request.user, baseline=baseline, **data)))

    def destroy(self, request, pk: str):
        services.baseline_delete(actor=request.user, baseline=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def activate(self, request, pk: str):
        baseline = services.baseline_activate(actor=request.user, baseline=self.get_object())
        return Response(self.fresh(baseline))

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk: str):
        baseline = services.baseline_deactivate(actor=request.user, baseline=self.get_object())
        return Response(self.fresh(baseline))

    @action(detail=True, methods=["get"])
    def tasks(self, request, pk: str):
        baseline = self.get_object()
        query = _query_input(request, BaselineTasksQueryInputSerializer)
        department_id, sequence_id = resolve_scope(baseline.show, query)
        rows = BaselineTask.objects.filter(baseline=baseline).select_related(
            "task__shot__sequence", "task__task_type__department"
        )
        if department_id:
            rows = rows.filter(task__task_type__department_id=department_id)
        if sequence_id:
            rows = rows.filter(task__shot__sequence_id=sequence_id)
        page = self.paginate_queryset(rows)
        for row in page:
            task = row.task
            row.brief = {
                "id": task.pk,
                "shot": task.shot.code,
                "task_type": task.task_type.name,
                "department": task.task_type.department.code,
                "sequence": task.shot.sequence.code,
            }
        return self.get_paginated_response(BaselineTaskOutputSerializer(page, many=True).data)


# --- Comparing two plans ----------------------------------------------------------------------------------------


def _side(show: Show, value: str | None, baselines: dict[str, Baseline], field: str) -> Baseline | None:
    if value == CURRENT:
        return services.CURRENT_PLAN
    baseline = baselines.get(value)
    if baseline is None:
        raise serializers.ValidationError({field: [f'Give a baseline id of {show.code}, or "{CURRENT}".']})
    return baseline


def _plan_ref(baseline: Baseline | None) -> dict:
    return {"id": baseline.pk if baseline else None, "name": services.side_label(baseline)}


def _summary(summary: services.CompareSummary, department: Department | None) -> dict:
    return {**vars(summary), "net_change": summary.net_change, "department": department}


@extend_schema(
    summary="Compare two plans of a show: per task and per department, the same figures as the compare page",
    parameters=[CompareQueryInputSerializer],
    responses={200: CompareOutputSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
)
class ShowBaselineCompareView(PipelineAPIView):
    """Plan a against plan b (each a baseline of the show, or "current": the tasks' plan now). Deltas read from a to
    b: bid change = b - a; slips in working days of the show (weekends and holidays do not count), positive when b
    is later. The summaries cover every task; `results` pages through the tasks that differ (filters: department,
    sequence, slipped), in task id order."""

    def get(self, request, code: str):
        show = permissions.staff_show(request.user, code)
        query = _query_input(request, CompareQueryInputSerializer)
        department_id, sequence_id = resolve_scope(show, query)
        shown = list(permissions.visible(request.user, Baseline).filter(show=show).order_by("-created_at", "-pk"))
        by_id = {str(b.pk): b for b in shown}
        default_a = next((b for b in shown if b.is_active), shown[0] if shown else None)
        a = _side(show, query.get("a", str(default_a.pk) if default_a else CURRENT), by_id, "a")
        b = _side(show, query.get("b", CURRENT), by_id, "b")
        departments = {d.pk: d for d in Department.objects.order_by("order", "name")}
        comparison = services.baseline_compare(
            show,
            a,
            b,
            department_id=department_id,
            sequence_id=sequence_id,
            slipped_only=query["slipped"],
            department_order=list(departments),
        )
        size = query.get("page_size") or DEFAULT_PAGE_SIZE
        page = comparison.page(order=services.TASK_ORDER, after_task_id=query.get("cursor"), limit=size + 1)
        next_url = None
        if len(page) > size:
            page = page[:size]
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", encode_cursor(page[-1].task_id))
        briefs = task_briefs(row.task_id for row in page)
        results = [{**vars(row), "slipped": row.slipped, "brief": briefs[row.task_id]} for row in page]
        body = {
            "show": show.code,
            "a": _plan_ref(a),
            "b": _plan_ref(b),
            "departments": [_summary(s, departments.get(s.key)) for s in comparison.departments],
            "total": _summary(comparison.show, None),
            "count": comparison.matching,
            "next": next_url,
            "previous": None,
            "results": results,
        }
        return Response(CompareOutputSerializer(body).data)
