"""API views for sequences, shots and tasks: visible() querysets, service writes, output serializers.

Every list makes the same number of queries whatever the page holds: relations are select_related, task
assignees prefetched (one query per page).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from shots import services
from shots.models import Sequence, Shot, Task
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet
from studio.models import Person

from .filters import SequenceFilter, ShotFilter, TaskFilter
from .serializers import (
    SequenceCreateInputSerializer,
    SequenceOutputSerializer,
    SequenceUpdateInputSerializer,
    ShotCreateInputSerializer,
    ShotOutputSerializer,
    ShotUpdateInputSerializer,
    TaskCreateInputSerializer,
    TaskOutputSerializer,
    TaskUpdateInputSerializer,
)

STALE = OpenApiResponse(description="Stale row_version: someone changed the task since you read it.")


class BreakdownViewSet(SlateViewSet):
    # Objects addressed by id (a non-number is a 404). After a write the response re-reads the object through
    # get_queryset, so it has exactly the shape (and the related rows) of a list item.

    def fresh(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.output(self.get_object()))

    def created(self, obj) -> Response:
        return Response(self.output(self.fresh(obj)), status=status.HTTP_201_CREATED)


def _write_schemas(noun: str, *, create_input, update_input, output, update_extra=None):
    return extend_schema_view(
        list=extend_schema(summary=f"{noun.capitalize()}s on your shows"),
        retrieve=extend_schema(summary=f"One {noun}", responses={200: output, 404: NOT_FOUND}),
        create=extend_schema(
            summary=f"Create a {noun}",
            request=create_input,
            responses={201: output, 400: BAD_REQUEST, 403: FORBIDDEN},
        ),
        partial_update=extend_schema(
            summary=f"Change a {noun}",
            request=update_input,
            responses={200: output, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND, **(update_extra or {})},
        ),
    )


@_write_schemas(
    "sequence",
    create_input=SequenceCreateInputSerializer,
    update_input=SequenceUpdateInputSerializer,
    output=SequenceOutputSerializer,
)
class SequenceViewSet(BreakdownViewSet):
    """Sequences of the shows you are on. The show's coordinators, production managers and producers create
    and change them."""

    serializer_class = SequenceOutputSerializer
    filterset_class = SequenceFilter

    def get_queryset(self):
        return permissions.visible(self.request.user, Sequence).select_related("show")

    def create(self, request):
        data = self.validated_input(SequenceCreateInputSerializer)
        return self.created(services.sequence_create(actor=request.user, **data))

    def partial_update(self, request, pk: str):
        sequence = self.get_object()
        changes = self.validated_input(SequenceUpdateInputSerializer, partial=True)
        sequence = services.sequence_update(actor=request.user, sequence=sequence, **changes)
        return Response(self.output(self.fresh(sequence)))


@_write_schemas(
    "shot", create_input=ShotCreateInputSerializer, update_input=ShotUpdateInputSerializer, output=ShotOutputSerializer
)
class ShotViewSet(BreakdownViewSet):
    """Shots of the shows you are on; frames are integers, codes strings (leading zeros kept). The show's
    coordinators, production managers and producers create and change them."""

    serializer_class = ShotOutputSerializer
    filterset_class = ShotFilter

    def get_queryset(self):
        return permissions.visible(self.request.user, Shot).select_related("show", "sequence")

    def create(self, request):
        data = self.validated_input(ShotCreateInputSerializer)
        return self.created(services.shot_create(actor=request.user, **data))

    def partial_update(self, request, pk: str):
        shot = self.get_object()
        changes = self.validated_input(ShotUpdateInputSerializer, partial=True)
        return Response(self.output(self.fresh(services.shot_update(actor=request.user, shot=shot, **changes))))


@_write_schemas(
    "task",
    create_input=TaskCreateInputSerializer,
    update_input=TaskUpdateInputSerializer,
    output=TaskOutputSerializer,
    update_extra={409: STALE},
)
class TaskViewSet(BreakdownViewSet):
    """Tasks of the shows you are on. Production creates and plans them; supervisors change their department's
    tasks; artists move their own tasks among the statuses an artist may set (wip, pending_review)."""

    serializer_class = TaskOutputSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        # select_related(None): Person's manager joins the department, which `only()` would defer.
        assignees = Person.objects.select_related(None).only("id", "username").order_by("username")
        return (
            permissions.visible(self.request.user, Task)
            .select_related("shot__show", "task_type__department")
            .prefetch_related(Prefetch("assignees", queryset=assignees))
        )

    def create(self, request):
        data = self.validated_input(TaskCreateInputSerializer)
        return self.created(services.task_create(actor=request.user, **data))

    def partial_update(self, request, pk: str):
        """Change status, bid, dates, priority or assignees. Send the row_version you read: if the task
        changed since, nothing is written and the 409 says who changed it and when."""
        task = self.get_object()
        changes = self.validated_input(TaskUpdateInputSerializer, partial=True)
        task = services.task_update(actor=request.user, task=task, **changes)
        return Response(self.output(self.fresh(task)))
