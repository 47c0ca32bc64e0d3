"""Endpoints for scripts and pipeline tools that work on many tasks at once.

- POST /api/v1/tasks/bulk/: many task changes in one transaction, all or nothing, errors named per item;
- GET /api/v1/shows/<code>/shots-with-tasks/: a whole show's shots with their tasks in one streamed response.

Both ask the same questions as the rest of the API: services.task_update's rules for every change, and
permissions.visible for what is read.
"""

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from shots import services, streams
from shots.models import BreakdownStatus, Priority, Task
from shots.workflow import TaskStatus
from studio import permissions
from studio.api.permissions import SlatePermission
from studio.api.serializers import InputSerializer
from studio.api.views import API_AUTHENTICATION, NOT_FOUND
from studio.models import Person, Show

from .filters import MAX_ID
from .serializers import TaskOutputSerializer, TaskUpdateInputSerializer


class PipelineAPIView(APIView):
    """One endpoint, authenticated and permission-checked like every Slate API view set."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [SlatePermission]


# --- Many task changes in one call ----------------------------------------------------------------------


class TaskBulkItemInputSerializer(TaskUpdateInputSerializer):
    """One change: the task's id, the row_version you read, and the fields to change (as in a task PATCH)."""

    control_fields = frozenset({"id", "row_version"})

    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The task's id.")
    # Ids, resolved by the service in one query for the whole bulk (a related field would ask once per id).
    assignees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        help_text="The ids of the people to assign (replaces the current assignees).",
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            field.required = name in self.control_fields
        return fields

    def validate(self, attrs: dict) -> dict:
        if not set(attrs) - self.control_fields:
            raise serializers.ValidationError({"non_field_errors": ["Send at least one field to change."]})
        return super().validate(attrs)


class TaskBulkInputSerializer(InputSerializer):
    items = serializers.ListField(
        child=TaskBulkItemInputSerializer(),
        allow_empty=False,
        max_length=services.TASK_BULK_MAX_ITEMS,
        help_text=f"The changes, at most {services.TASK_BULK_MAX_ITEMS}; each task at most once.",
    )


class TaskBulkOutputSerializer(serializers.Serializer):
    items = TaskOutputSerializer(many=True, help_text="The changed tasks, in the order of the request's items.")


BULK_REFUSED = (
    'Nothing was written. The body names each refused item by its index in the request: {"items": {"3": '
    '{"status": ["..."]}}}; a permission refusal is under "non_field_errors", a task that does not exist or is on '
    'a show you are not on under "id". A malformed list is {"items": ["..."]}.'
)


@extend_schema(
    summary="Change many tasks at once (all or nothing)",
    request=TaskBulkInputSerializer,
    responses={
        200: TaskBulkOutputSerializer,
        400: OpenApiResponse(description=f"Some changes were refused. {BULK_REFUSED}"),
        409: OpenApiResponse(
            description="Every refused change was stale: someone changed those tasks since you read them "
            f'(their "row_version" errors say who and when). Reload them and send the bulk again. {BULK_REFUSED}'
        ),
    },
)
class TaskBulkView(PipelineAPIView):
    """Apply many task changes in one transaction: every change, or none. Each item is what a task PATCH takes,
    plus the task's id; the rules are the PATCH's (permissions, artist statuses, row_version). If any item is
    refused, nothing is written and the answer names every refused item: 409 when all of them were refused only
    because they were stale, else 400."""

    def post(self, request):
        serializer = TaskBulkInputSerializer(data=request.data, context={"request": request, "view": self})
        serializer.is_valid(raise_exception=True)
        items = [dict(item) for item in serializer.validated_data["items"]]
        try:
            changed = services.task_bulk_update(actor=request.user, items=items)
        except services.BulkUpdateError as error:
            code = status.HTTP_409_CONFLICT if error.only_stale else status.HTTP_400_BAD_REQUEST
            return Response({"items": {str(index): errors for index, errors in error.item_errors.items()}}, code)
        tasks = tasks_for_output(request.user).in_bulk([task.pk for task in changed])
        rows = [tasks[task.pk] for task in changed]
        return Response({"items": TaskOutputSerializer(rows, many=True, context={"request": request}).data})


def tasks_for_output(person: Person):
    """Tasks shaped for TaskOutputSerializer in a fixed number of queries (as the task list reads them)."""
    assignees = Person.objects.select_related(None).only("id", "username").order_by("username")
    return (
        permissions.visible(person, Task)
        .select_related("shot__show", "task_type__department")
        .prefetch_related(Prefetch("assignees", queryset=assignees))
    )


# --- A whole show, streamed -----------------------------------------------------------------------------


class ShotTaskStreamSerializer(serializers.Serializer):
    """Describes a task in the shots-with-tasks stream (the JSON is written by shots.streams)."""

    id = serializers.IntegerField()
    task_type = serializers.CharField(help_text="The task type's name.")
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    assignees = serializers.ListField(child=serializers.CharField(), help_text="Usernames, alphabetical.")
    bid_days = serializers.DecimalField(max_digits=6, decimal_places=2)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices)
    row_version = serializers.IntegerField(help_text="Send it back when you change the task.")


class ShotWithTasksStreamSerializer(serializers.Serializer):
    """Describes a shot in the shots-with-tasks stream (the JSON is written by shots.streams)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    sequence = serializers.CharField(help_text="The sequence's code.")
    status = serializers.ChoiceField(choices=BreakdownStatus.choices)
    cut_in = serializers.IntegerField()
    cut_out = serializers.IntegerField()
    head_in = serializers.IntegerField()
    tail_out = serializers.IntegerField()
    frame_count = serializers.IntegerField(help_text="cut_out - cut_in + 1")
    tasks = ShotTaskStreamSerializer(many=True, help_text="In pipeline order (task type order, then name).")


@extend_schema(
    summary="A whole show's shots with their tasks, in one streamed response",
    responses={
        200: OpenApiResponse(
            ShotWithTasksStreamSerializer(many=True),
            description="Every shot of the show you may see, in breakdown order (sequence, then shot), each with "
            "the tasks you may see. Not paginated: one JSON array, streamed. A client of the show gets [] (the "
            "breakdown is not theirs to see), as the shot and task lists answer them.",
        ),
        404: NOT_FOUND,
    },
)
class ShowShotsWithTasksView(PipelineAPIView):
    """For pipeline tools that need the whole breakdown: one request instead of paging through shots and tasks.
    The database writes the JSON and it is sent as it comes, so the answer starts at once and the server's
    memory stays flat whatever the show's size."""

    def get(self, request, code: str):
        show = get_object_or_404(permissions.visible(request.user, Show), code=code)
        return StreamingHttpResponse(streams.shots_with_tasks_json(request.user, show), content_type="application/json")
