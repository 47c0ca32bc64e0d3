"""The milestones API: a show's and its departments' dated deadlines. Every staff member of the show reads them;
its production managers and producers (and admins) create, change and delete them through schedules.planning."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from schedules import planning
from schedules.models import Milestone
from studio import permissions
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet

from .filters import MilestoneFilter
from .serializers import MilestoneCreateInputSerializer, MilestoneOutputSerializer, MilestoneUpdateInputSerializer


@extend_schema_view(
    list=extend_schema(summary="Milestones of your shows"),
    retrieve=extend_schema(summary="One milestone", responses={200: MilestoneOutputSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Add a milestone to a show (its production managers and producers)",
        request=MilestoneCreateInputSerializer,
        responses={201: MilestoneOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a milestone's name, date or department",
        request=MilestoneUpdateInputSerializer,
        responses={200: MilestoneOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    destroy=extend_schema(summary="Delete a milestone", responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class MilestoneViewSet(SlateViewSet):
    """Dated deadlines of a show (department null) or of one department on it: animation lock, final delivery."""

    serializer_class = MilestoneOutputSerializer
    filterset_class = MilestoneFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return permissions.visible(self.request.user, Milestone).select_related("show", "department")

    def fresh(self, milestone: Milestone) -> Milestone:
        return self.get_queryset().get(pk=milestone.pk)

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.output(self.get_object()))

    def create(self, request):
        data = self.validated_input(MilestoneCreateInputSerializer)
        milestone = planning.milestone_create(actor=request.user, **data)
        return Response(self.output(self.fresh(milestone)), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk: str):
        milestone = self.get_object()
        changes = self.validated_input(MilestoneUpdateInputSerializer, partial=True)
        milestone = planning.milestone_update(actor=request.user, milestone=milestone, **changes)
        return Response(self.output(self.fresh(milestone)))

    def destroy(self, request, pk: str):
        planning.milestone_delete(actor=request.user, milestone=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
