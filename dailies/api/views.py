"""API views for versions: visible() querysets, service writes, output serializers.

Versions are the staff's pipeline data: clients see the versions released to them through client review
sessions, not through this endpoint (its queryset is the person's staff shows only).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dailies import services
from dailies.models import Version
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet

from .filters import VersionFilter
from .serializers import VersionCreateInputSerializer, VersionOutputSerializer, VersionReviewInputSerializer

ALREADY_REVIEWED = OpenApiResponse(description="Invalid outcome, or the version is no longer waiting for review.")


@extend_schema_view(
    list=extend_schema(summary="Versions on your shows"),
    retrieve=extend_schema(summary="One version", responses={200: VersionOutputSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Submit a version for review (an upload or a studio path)",
        request={"multipart/form-data": VersionCreateInputSerializer, "application/json": VersionCreateInputSerializer},
        responses={201: VersionOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    review=extend_schema(
        summary="Approve a version or send it back for a retake",
        request=VersionReviewInputSerializer,
        responses={200: VersionOutputSerializer, 400: ALREADY_REVIEWED, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class VersionViewSet(SlateViewSet):
    """Versions of the shows you work on. Artists submit versions of their own tasks (the next number, the task
    moves to pending review); the task's department supervisor, coordinators, production managers and producers
    approve them or send them back."""

    serializer_class = VersionOutputSerializer
    filterset_class = VersionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        staff_shows = permissions.visible_shows(self.request.user, roles=permissions.ALL_STAFF)
        return (
            permissions.visible(self.request.user, Version)
            .filter(task__shot__show__in=staff_shows)
            .select_related("task__shot__show", "task__task_type", "author")
        )

    def fresh(self, version: Version) -> Version:
        return self.get_queryset().get(pk=version.pk)

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.output(self.get_object()))

    def create(self, request):
        data = self.validated_input(VersionCreateInputSerializer)
        version = services.version_submit(actor=request.user, **data)
        return Response(self.output(self.fresh(version)), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def review(self, request, pk: str):
        version = self.get_object()
        data = self.validated_input(VersionReviewInputSerializer)
        version = services.version_review(
            actor=request.user, version=version, outcome=data["outcome"], note_body=data.get("note", "")
        )
        return Response(self.output(self.fresh(version)))
