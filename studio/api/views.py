"""API views for studio records, and the base every Slate API view set builds on.

Views stay thin: the queryset comes from permissions.visible (another show's object is a 404, a list never
leaks), writes go through a service, and responses through an output serializer.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from studio import permissions, services
from studio.models import Show

from .permissions import SlatePermission
from .serializers import ShowOutputSerializer, ShowUpdateInputSerializer

# Token first: DRF answers an anonymous request with the first class's challenge, and only TokenAuthentication
# has one, so the answer is a 401 with `WWW-Authenticate: Token` rather than a bare 403. (Order does not
# weaken CSRF: a session-authenticated unsafe request is still checked by SessionAuthentication.)
API_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]

NOT_FOUND = OpenApiResponse(description="Not found, or on a show you are not on.")
FORBIDDEN = OpenApiResponse(description="You may see this but not change it.")
BAD_REQUEST = OpenApiResponse(description="Invalid input: the body names each field and its problem.")


class SlateViewSet(viewsets.GenericViewSet):
    """Base of every API view set. `serializer_class` is the output serializer; inputs are explicit."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [SlatePermission]
    # PATCH only: a partial update is what scripts and pipeline tools send; there is no PUT or DELETE.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def validated_input(self, serializer_class: type[Serializer], *, partial: bool = False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def output(self, instance) -> dict:
        return self.get_serializer(instance).data

    def paginated_list(self) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Shows you are on"),
    retrieve=extend_schema(summary="One show, by code", responses={200: ShowOutputSerializer, 404: NOT_FOUND}),
    partial_update=extend_schema(
        summary="Change a show's settings (its producers and admins)",
        request=ShowUpdateInputSerializer,
        responses={200: ShowOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ShowViewSet(SlateViewSet):
    """Shows you are on, addressed by code. `contract_value` appears only for the show's producers and admins."""

    serializer_class = ShowOutputSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"  # show codes may contain dots (studio.models.code_validator)

    def get_queryset(self):
        return permissions.visible(self.request.user, Show)

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, code: str):
        return Response(self.output(self.get_object()))

    def partial_update(self, request, code: str):
        show = self.get_object()
        changes = self.validated_input(ShowUpdateInputSerializer, partial=True)
        return Response(self.output(services.show_update(actor=request.user, show=show, **changes)))


class TokenObtainView(ObtainAuthToken):
    """POST username and password, get the API token to send as `Authorization: Token <key>`."""

    # Only the token login: no session (a logged-in browser would otherwise need a CSRF token here).
    authentication_classes = []
