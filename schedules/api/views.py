"""API views for time logs: visible() querysets (your own hours; your department's for supervisors; the show's
for coordinators, production managers and producers), service writes, output serializers."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from schedules import services
from schedules.models import TimeLog
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet

from .filters import TimeLogFilter
from .serializers import TimeLogCreateInputSerializer, TimeLogOutputSerializer, TimeLogUpdateInputSerializer


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
