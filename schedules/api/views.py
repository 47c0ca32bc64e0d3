"""API views for time logs: visible() querysets (your own hours; your department's for supervisors; the show's
for coordinators, production managers and producers), service writes, output serializers."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from schedules import earned_value, services, variance_tasks
from schedules.models import EarnedValueSnapshot, TimeLog
from shots.api.bulk import PipelineAPIView
from shots.models import Sequence
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet
from studio.models import Department, Role, Show

from .filters import TimeLogFilter
from .paging import DEFAULT_PAGE_SIZE, encode_cursor, resolve_scope, task_briefs
from .serializers import (
    TimeLogCreateInputSerializer,
    TimeLogOutputSerializer,
    TimeLogUpdateInputSerializer,
    VarianceHistoryOutputSerializer,
    VarianceHistoryQueryInputSerializer,
    VarianceOutputSerializer,
    VarianceQueryInputSerializer,
    VarianceTasksOutputSerializer,
    VarianceTasksQueryInputSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="Time logs you may see"),
    retrieve=extend_schema(summary="One time log", responses={200: TimeLogOutputSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Log hours on a task and date (again: replaces that day's hours)",
        request=TimeLogCreateInputSerializer,
        responses={
            201: TimeLogOutputSerializer,
            200: OpenApiResponse(TimeLogOutputSerializer, description="The day was already logged: replaced."),
            400: BAD_REQUEST,
            403: FORBIDDEN,
        },
    ),
    partial_update=extend_schema(
        summary="Change a time log's hours, date or comment",
        request=TimeLogUpdateInputSerializer,
        responses={200: TimeLogOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    destroy=extend_schema(summary="Delete a time log", responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class TimeLogViewSet(SlateViewSet):
    """Hours a person spent on a task on a date: one row per person, task and date. You log and change your own;
    the show's production managers and producers anyone's."""

    serializer_class = TimeLogOutputSerializer
    filterset_class = TimeLogFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return permissions.visible(self.request.user, TimeLog).select_related(
            "person", "task__shot__show", "task__task_type"
        )

    def fresh(self, time_log: TimeLog) -> TimeLog:
        return self.get_queryset().get(pk=time_log.pk)

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.output(self.get_object()))

    def create(self, request):
        data = self.validated_input(TimeLogCreateInputSerializer)
        time_log, created = services.timelog_upsert(actor=request.user, **data)
        return Response(
            self.output(self.fresh(time_log)), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def partial_update(self, request, pk: str):
        time_log = self.get_object()
        changes = self.validated_input(TimeLogUpdateInputSerializer, partial=True)
        time_log = services.timelog_update(actor=request.user, time_log=time_log, **changes)
        return Response(self.output(self.fresh(time_log)))

    def destroy(self, request, pk: str):
        services.timelog_delete(actor=request.user, time_log=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Schedule variance (earned value) ---------------------------------------------------------------------------

SCHEDULE_READERS = (Role.ADMIN, *permissions.PLANNERS)
NOT_A_SCHEDULE_READER = "Schedule variance is for the show's production managers and producers."
NOT_A_SCHEDULE_READER_RESPONSE = OpenApiResponse(description=f"You are on the show, but: {NOT_A_SCHEDULE_READER}")


def _schedule_show(request, code: str) -> Show:
    """The show, if the person may read its schedule figures: production managers and producers (PRODUCT.md: they
    own the schedule and read its variance) and admins. Not supervisors, who may not see the hours other departments
    log, which AC rolls up; nor coordinators and artists, who do not run the schedule: 403. Another show, or a
    client's (staff information, like the show dashboard), is a 404 like a missing one."""
    show = permissions.staff_show(request.user, code)
    permissions.require(permissions.can_read_schedule(request.user, show), NOT_A_SCHEDULE_READER)
    return show


def _query_input(request, serializer_class) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(
    summary="A show's schedule variance (earned value) as of a day, per department, sequence or show",
    parameters=[VarianceQueryInputSerializer],
    responses={200: VarianceOutputSerializer, 400: BAD_REQUEST, 403: NOT_A_SCHEDULE_READER_RESPONSE, 404: NOT_FOUND},
)
class ShowVarianceView(PipelineAPIView):
    """PV, EV, AC days, SV and SPI of the show's tasks, rolled up, with the forecast finish: the definitions of
    PRODUCT.md (working days without weekends and the show's holidays, the show's status weights, omitted tasks
    left out, dates and bids from the active baseline). Figures are Decimal strings in days; SPI is null when PV
    is 0. Computed live, in a fixed number of queries; the daily history is /variance/history/."""

    def get(self, request, code: str):
        show = _schedule_show(request, code)
        query = _query_input(request, VarianceQueryInputSerializer)
        as_of, by = query.get("as_of") or timezone.localdate(), query["by"]
        rules = earned_value.ShowRules.load(show)
        figures = earned_value.rollups(show, as_of, tuple(dict.fromkeys((by, "show"))), rules=rules)
        keys = [row.key for row in figures[by]]
        departments = Department.objects.in_bulk(keys) if by == "department" else {}
        sequences = Sequence.objects.only("id", "code", "order").in_bulk(keys) if by == "sequence" else {}
        rows = sorted(
            (
                {
                    **vars(row),
                    "department": departments.get(row.key),
                    "sequence": sequences.get(row.key),
                }
                for row in figures[by]
            ),
            key=lambda row: (
                (row["department"].order, row["department"].name) if row["department"] else (0, ""),
                (row["sequence"].order, row["sequence"].code) if row["sequence"] else (0, ""),
            ),
        )
        baseline = {"id": rules.baseline_id, "name": rules.baseline_name} if rules.baseline_id else None
        body = {
            "show": show.code,
            "as_of": as_of,
            "by": by,
            "hours_per_day": show.hours_per_day,
            "baseline": baseline,
            "rows": rows,
            "total": figures["show"][0],
        }
        return Response(VarianceOutputSerializer(body).data)


@extend_schema(
    summary="A show's or a department's daily earned-value snapshots",
    parameters=[VarianceHistoryQueryInputSerializer],
    responses={
        200: VarianceHistoryOutputSerializer,
        400: BAD_REQUEST,
        403: NOT_A_SCHEDULE_READER_RESPONSE,
        404: NOT_FOUND,
    },
)
class ShowVarianceHistoryView(PipelineAPIView):
    """The figures kept every day (schedules.services.ev_recompute: after edits, and nightly), oldest first, for
    trends: the whole show's, or one department's with ?department=<code>. At most 731 days per request."""

    def get(self, request, code: str):
        show = _schedule_show(request, code)
        query = _query_input(request, VarianceHistoryQueryInputSerializer)
        department = None
        if "department" in query:
            department = Department.objects.filter(code=query["department"]).first()
            if department is None:
                raise ValidationError({"department": [f"No department with code '{query['department']}'."]})
        snapshots = EarnedValueSnapshot.objects.filter(
            show=show, department=department, date__range=(query["from"], query["to"])
        ).order_by("date")
        body = {"show": show.code, "department": department, "from": query["from"], "to": query["to"]}
        body["results"] = list(snapshots)
        return Response(VarianceHistoryOutputSerializer(body).data)


@extend_schema(
    summary="A show's earned value per task as of a day (paged)",
    parameters=[VarianceTasksQueryInputSerializer],
    responses={
        200: VarianceTasksOutputSerializer,
        400: BAD_REQUEST,
        403: NOT_A_SCHEDULE_READER_RESPONSE,
        404: NOT_FOUND,
    },
)
class ShowVarianceTasksView(PipelineAPIView):
    """B, PV, EV, AC days, SV and SPI of each task (omitted ones left out), with the definitions of the variance
    endpoint; filter by department and sequence code; pages in task id order. Computed live, a page at a time, in a
    fixed number of queries (schedules.variance_tasks)."""

    def get(self, request, code: str):
        show = _schedule_show(request, code)
        query = _query_input(request, VarianceTasksQueryInputSerializer)
        department_id, sequence_id = resolve_scope(show, query)
        as_of = query.get("as_of") or timezone.localdate()
        rules = earned_value.ShowRules.load(show)
        size = query.get("page_size") or DEFAULT_PAGE_SIZE
        page = variance_tasks.task_figures_page(
            rules,
            as_of,
            department_id=department_id,
            sequence_id=sequence_id,
            after_task_id=query.get("cursor"),
            limit=size + 1,
        )
        next_url = None
        if len(page) > size:
            page = page[:size]
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", encode_cursor(page[-1].task_id))
        briefs = task_briefs(row.task_id for row in page)
        results = [
            {
                **vars(row),
                "sv": earned_value.exact(row.ev - row.pv),
                "spi": earned_value.rounded_ratio(row.ev, row.pv) if row.pv else None,
                "brief": briefs[row.task_id],
            }
            for row in page
        ]
        baseline = {"id": rules.baseline_id, "name": rules.baseline_name} if rules.baseline_id else None
        body = {
            "show": show.code,
            "as_of": as_of,
            "hours_per_day": show.hours_per_day,
            "baseline": baseline,
            "next": next_url,
            "previous": None,
            "results": results,
        }
        return Response(VarianceTasksOutputSerializer(body).data)
