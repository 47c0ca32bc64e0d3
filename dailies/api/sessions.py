"""The review sessions API: sessions with their ordered items (the playlist), built and changed through
dailies.services.

    GET   /api/v1/sessions/                   api:session-list         filters: show, date, date_from, date_to,
                                                                           kind, is_closed
    POST  /api/v1/sessions/                   api:session-list         build one (show, date, name, kind, versions)
    GET   /api/v1/sessions/<id>/              api:session-detail       with `items` in playlist order
    PATCH /api/v1/sessions/<id>/              api:session-detail       name, date, kind, is_closed
    POST  /api/v1/sessions/<id>/items/        api:session-items        add versions at the end
    POST  /api/v1/sessions/<id>/reorder/      api:session-reorder      the whole order, as item ids
    POST  /api/v1/sessions/<id>/remove-item/  api:session-remove-item  take one item out
    POST  /api/v1/sessions/<id>/release/      api:session-release      client sessions: show them to the client
    POST  /api/v1/sessions/<id>/send-notes/   api:session-send-notes   queue the digests of its note recipients

The show's staff read its sessions; clients read the client sessions released to them (and, in them, only what
they may see); the show's supervisors, coordinators, production managers and producers change them.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dailies import digests, selectors, services
from dailies.models import ReviewSession, SessionKind, Version
from studio import permissions
from studio.api.serializers import InputSerializer, PersonRefSerializer, VisibleRelatedField, VisibleSlugRelatedField
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet
from studio.models import Show

from .serializers import VersionOutputSerializer

# --- Serializers --------------------------------------------------------------------------------------------


class SessionItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="1 for the first version of the playlist, then 2, 3...")
    version = VersionOutputSerializer()
    note_count = serializers.IntegerField(help_text="Notes written on this version in this session that you can read.")


class SessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="show.code", help_text="The show's code.")
    name = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    released_at = serializers.DateTimeField(
        allow_null=True, help_text="When a client session was released to the client; null until then."
    )
    is_closed = serializers.BooleanField()
    created_by = PersonRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    item_count = serializers.IntegerField(help_text="How many versions the playlist holds.")


class SessionDetailOutputSerializer(SessionOutputSerializer):
    items = SessionItemOutputSerializer(many=True, help_text="The playlist, in order.")


class SessionCreateInputSerializer(InputSerializer):
    show = VisibleSlugRelatedField(slug_field="code", queryset=Show.objects.none(), help_text="The show's code.")
    date = serializers.DateField()
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=SessionKind.choices, required=False, default=SessionKind.INTERNAL)
    versions = VisibleRelatedField(
        many=True,
        queryset=Version.objects.none(),
        required=False,
        help_text="The versions' ids, in playlist order (none: add them later).",
    )


class SessionUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=120)
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    is_closed = serializers.BooleanField(help_text="A closed session's playlist no longer changes; false reopens it.")


class SessionItemsInputSerializer(InputSerializer):
    versions = VisibleRelatedField(
        many=True,
        queryset=Version.objects.none(),
        allow_empty=False,
        help_text="Versions to add at the end, in order; those already in the session stay where they are.",
    )


class SessionReorderInputSerializer(InputSerializer):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        help_text="Every item id of the session, exactly once, in the new order.",
    )


class SessionRemoveItemInputSerializer(InputSerializer):
    item = serializers.IntegerField(min_value=1, help_text="The id of the item to take out.")


class SendNotesOutputSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many digests were queued.")
    people = serializers.ListField(child=serializers.IntegerField(), help_text="Who they go to (person ids).")


# --- Filters ------------------------------------------------------------------------------------------------


class SessionFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="show__code", help_text="The show's code.")
    date = django_filters.DateFilter(help_text="Sessions on this day (YYYY-MM-DD).")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", help_text="On or after this day.")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", help_text="On or before this day.")
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices)
    is_closed = django_filters.BooleanFilter()

    class Meta:
        model = ReviewSession
        fields = ["show", "date", "date_from", "date_to", "kind", "is_closed"]


# --- Views --------------------------------------------------------------------------------------------------

DETAIL = {200: SessionDetailOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}
NOT_RELEASABLE = OpenApiResponse(description="An internal session: only client sessions are released.")


@extend_schema_view(
    list=extend_schema(summary="Review sessions on your shows", responses={200: SessionOutputSerializer(many=True)}),
    retrieve=extend_schema(
        summary="One review session with its playlist",
        responses={200: SessionDetailOutputSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Build a review session (the show's reviewers)",
        request=SessionCreateInputSerializer,
        responses={201: SessionDetailOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Rename, move, close or reopen a session", request=SessionUpdateInputSerializer, responses=DETAIL
    ),
    items=extend_schema(summary="Add versions to the playlist", request=SessionItemsInputSerializer, responses=DETAIL),
    reorder=extend_schema(summary="Reorder the playlist", request=SessionReorderInputSerializer, responses=DETAIL),
    remove_item=extend_schema(
        summary="Take a version out of the playlist (not one with notes in this session)",
        request=SessionRemoveItemInputSerializer,
        responses=DETAIL,
    ),
    release=extend_schema(
        summary="Release a client session to the show's clients",
        request=None,
        responses={**DETAIL, 400: NOT_RELEASABLE},
    ),
    send_notes=extend_schema(
        summary="Send this session's notes now: queue the digests of everyone who received notes in it",
        request=None,
        responses={200: SendNotesOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ReviewSessionViewSet(SlateViewSet):
    """Review sessions (dailies): a dated, ordered playlist of versions, internal or for the client."""

    serializer_class = SessionOutputSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return (
            permissions.visible(self.request.user, ReviewSession)
            .select_related("show", "created_by")
            .annotate(item_count=Count("items", distinct=True))
            .order_by("-date", "name", "pk")
        )

    def detail_output(self, session: ReviewSession) -> dict:
        """The session re-read (counts and release time as they are now) with its playlist."""
        fresh = self.get_queryset().get(pk=session.pk)
        items, _ = selectors.session_items(self.request.user, fresh)
        for position, item in enumerate(items, start=1):
            item.position = position
        data = SessionOutputSerializer(fresh, context=self.get_serializer_context()).data
        data["items"] = SessionItemOutputSerializer(items, many=True, context=self.get_serializer_context()).data
        return data

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.detail_output(self.get_object()))

    def create(self, request):
        data = self.validated_input(SessionCreateInputSerializer)
        session = services.session_create(actor=request.user, **data)
        return Response(self.detail_output(session), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk: str):
        session = self.get_object()
        changes = self.validated_input(SessionUpdateInputSerializer, partial=True)
        session = services.session_update(actor=request.user, session=session, **changes)
        return Response(self.detail_output(session))

    @action(detail=True, methods=["post"])
    def items(self, request, pk: str):
        session = self.get_object()
        data = self.validated_input(SessionItemsInputSerializer)
        services.session_add_versions(actor=request.user, session=session, versions=data["versions"])
        return Response(self.detail_output(session))

    @action(detail=True, methods=["post"])
    def reorder(self, request, pk: str):
        session = self.get_object()
        data = self.validated_input(SessionReorderInputSerializer)
        services.session_reorder(actor=request.user, session=session, item_ids=data["items"])
        return Response(self.detail_output(session))

    @action(detail=True, methods=["post"], url_path="remove-item")
    def remove_item(self, request, pk: str):
        session = self.get_object()
        data = self.validated_input(SessionRemoveItemInputSerializer)
        item = session.items.filter(pk=data["item"]).first()
        if item is None:
            raise serializers.ValidationError({"item": ["Not an item of this session."]})
        services.session_remove_item(actor=request.user, session=session, item=item)
        return Response(self.detail_output(session))

    @action(detail=True, methods=["post"])
    def release(self, request, pk: str):
        session = services.session_release(actor=request.user, session=self.get_object())
        return Response(self.detail_output(session))

    @action(detail=True, methods=["post"], url_path="send-notes")
    def send_notes(self, request, pk: str):
        sent = digests.send_session_digests_now(actor=request.user, session=self.get_object())
        people = sorted({digest.person_id for digest in sent})
        return Response({"queued": len(sent), "people": people})
