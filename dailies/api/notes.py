"""The notes API (list, read, write a note with a status change in one call) and my inbox (list, mark read).

Like the versions API, notes are the staff's pipeline data: the querysets are the person's staff shows only, so a
client gets an empty list and 404s here (clients read published client notes through their released sessions).
Within those shows `permissions.visible` decides: an artist sees the published notes on their tasks and the ones
addressed to them, never a held client note. A note's recipients are shown as the person may see them: reviewers
see every recipient and their read state, an artist only their own row.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dailies import selectors, services
from dailies.models import (
    Note,
    NoteAttachment,
    NoteCategory,
    NoteRecipient,
    RecipientKind,
    ReviewSession,
    StatusChange,
    Version,
)
from shots.api.filters import PersonOrMeFilter, documented, id_filter
from shots.api.serializers import ShotRefSerializer
from studio import permissions
from studio.api.pagination import SlateCursorPagination
from studio.api.serializers import InputSerializer, PersonRefSerializer, VisibleRelatedField
from studio.api.views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, SlateViewSet
from studio.models import Person

from .serializers import TaskRefSerializer

# --- Serializers ----------------------------------------------------------------------------------------


class VersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text='"v003": the number with its leading zeros.')


class SessionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RecipientOutputSerializer(serializers.Serializer):
    person = PersonRefSerializer()
    kind = serializers.ChoiceField(choices=RecipientKind.choices)
    read_at = serializers.DateTimeField(allow_null=True)


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(source="file.url", help_text="Served only to people who may see the note.")


class NoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="version.task.shot.show.code", help_text="The show's code.")
    shot = ShotRefSerializer(source="version.task.shot")
    task = TaskRefSerializer(source="version.task")
    version = VersionRefSerializer()
    session = SessionRefSerializer(allow_null=True)
    author = PersonRefSerializer()
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=NoteCategory.choices)
    status_change = serializers.ChoiceField(choices=StatusChange.choices, help_text='"", "approve" or "retake".')
    is_published = serializers.BooleanField(help_text="False: a client note held until it is published.")
    published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    recipients = RecipientOutputSerializer(
        source="shown_recipients", many=True, help_text="All for reviewers; an artist sees only their own."
    )
    attachments = AttachmentOutputSerializer(many=True, source="attachments.all")


class NoteCreateInputSerializer(InputSerializer):
    """JSON, or multipart/form-data to attach images (repeat `attachments`, and `to` / `cc` for several people)."""

    version = VisibleRelatedField(queryset=Version.objects.none(), help_text="The version's id.")
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="The note's text (required).")
    category = serializers.ChoiceField(choices=NoteCategory.choices, required=False, default=NoteCategory.INTERNAL)
    status_change = serializers.ChoiceField(
        choices=StatusChange.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="approve: the version and its task are approved. retake: both go to retake and the task's retake "
        "count goes up by one. Only the task's reviewers may send one.",
    )
    to = VisibleRelatedField(
        queryset=Person.objects.none(),
        many=True,
        required=False,
        help_text="People's ids. Leave out for the task's assignees; [] for nobody.",
    )
    cc = VisibleRelatedField(
        queryset=Person.objects.none(),
        many=True,
        required=False,
        help_text="People's ids. Leave out for the department's supervisors on the show; [] for nobody.",
    )
    session = VisibleRelatedField(
        queryset=ReviewSession.objects.none(), required=False, allow_null=True, help_text="The review session's id."
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Images (PNG, JPEG, GIF, WebP), at most 5 of 10 MB each (multipart/form-data).",
    )

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # In multipart a list left out reads as []: left out means the default recipients, [] (JSON) means nobody.
        for name in ("to", "cc"):
            if name not in data:
                value.pop(name, None)
        return value


class InboxRowOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RecipientKind.choices, help_text="to or cc.")
    read_at = serializers.DateTimeField(allow_null=True, help_text="null while unread.")
    note = NoteOutputSerializer()


class InboxReadInputSerializer(InputSerializer):
    notes = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False, help_text="Notes' ids."
    )
    all = serializers.BooleanField(required=False, default=False, help_text="true: every note addressed to you.")

    def validate(self, data):
        if data.get("all") == ("notes" in data):
            raise serializers.ValidationError({"notes": ['Give the notes\' ids, or "all": true (not both).']})
        return data


class InboxReadOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notes this call marked read.")
    unread = serializers.IntegerField(help_text="How many notes addressed to you are still unread.")


# --- Filters --------------------------------------------------------------------------------------------


class NoteFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="version__task__shot__show__code", help_text="The show's code.")
    shot = id_filter("version__task__shot_id", "The shot's id.")
    version = id_filter("version_id", "The version's id.")
    session = id_filter("session_id", "The review session's id.")
    category = django_filters.MultipleChoiceFilter(
        choices=NoteCategory.choices, help_text="Repeat for several: ?category=client&category=director"
    )
    author = documented(PersonOrMeFilter(method="filter_author"), "string", 'The author\'s id, or "me".')

    class Meta:
        model = Note
        fields = ["show", "shot", "version", "session", "category", "author"]

    def filter_author(self, queryset, name, value):
        return queryset.filter(author_id=self.request.user.pk if value == "me" else value)


class InboxFilter(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="true: only unread notes; false: only read ones.",
    )

    class Meta:
        model = NoteRecipient
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


class NewestFirst(SlateCursorPagination):
    ordering = "-id"


# --- Views ----------------------------------------------------------------------------------------------


def _note_prefetches(person, prefix: str = "") -> list[Prefetch]:
    """A note's recipients as the person may see them (To before CC: "to" sorts after "cc"), and its images."""
    return [
        Prefetch(
            f"{prefix}recipient_rows",
            queryset=permissions.visible(person, NoteRecipient).select_related("person").order_by("-kind", "pk"),
            to_attr="shown_recipients",
        ),
        Prefetch(f"{prefix}attachments", queryset=NoteAttachment.objects.order_by("pk")),
    ]


NOTE_RELATED = ("version__task__shot__show", "version__task__task_type", "author", "session")


@extend_schema_view(
    list=extend_schema(summary="Notes on your shows (newest first)"),
    retrieve=extend_schema(summary="One note", responses={200: NoteOutputSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Write a note, optionally approving the version or sending it back, in one call",
        request={"application/json": NoteCreateInputSerializer, "multipart/form-data": NoteCreateInputSerializer},
        responses={201: NoteOutputSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
)
class NoteViewSet(SlateViewSet):
    """Notes on the versions of the shows you work on. The show's supervisors, coordinators, production managers and
    producers write them; a status change is allowed to those who may review the version (a supervisor in their own
    department). Client notes are held until production publishes them."""

    serializer_class = NoteOutputSerializer
    filterset_class = NoteFilter
    pagination_class = NewestFirst
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        person = self.request.user
        staff_shows = permissions.visible_shows(person, roles=permissions.ALL_STAFF)
        return (
            permissions.visible(person, Note)
            .filter(version__task__shot__show__in=staff_shows)
            .select_related(*NOTE_RELATED)
            .prefetch_related(*_note_prefetches(person))
        )

    def list(self, request):
        return self.paginated_list()

    def retrieve(self, request, pk: str):
        return Response(self.output(self.get_object()))

    def create(self, request):
        data = self.validated_input(NoteCreateInputSerializer)
        note = services.note_create(actor=request.user, **data)
        return Response(self.output(self.get_queryset().get(pk=note.pk)), status=status.HTTP_201_CREATED)


NOTHING_TO_MARK = OpenApiResponse(description="Neither or both of notes and all, or a note not addressed to you.")


@extend_schema_view(list=extend_schema(summary="My inbox: the notes addressed to me, newest first"))
class InboxViewSet(SlateViewSet):
    """The notes addressed to you (To or CC) that you may see, as your recipient rows: `read_at` is null until you
    mark the note read. Filter `?unread=true` for the unread ones."""

    serializer_class = InboxRowOutputSerializer
    filterset_class = InboxFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        person = self.request.user
        return (
            permissions.visible(person, NoteRecipient)
            .filter(person_id=person.pk)
            .select_related(*(f"note__{name}" for name in NOTE_RELATED))
            .prefetch_related(*_note_prefetches(person, prefix="note__"))
        )

    def list(self, request):
        return self.paginated_list()

    @extend_schema(
        summary="Mark notes addressed to me read (some, or all)",
        request=InboxReadInputSerializer,
        responses={200: InboxReadOutputSerializer, 400: NOTHING_TO_MARK},
    )
    def read(self, request):
        data = self.validated_input(InboxReadInputSerializer)
        marked = services.inbox_mark_read(actor=request.user, note_ids=None if data["all"] else data["notes"])
        unread = selectors.unread_note_count(request.user)
        return Response(InboxReadOutputSerializer({"marked": marked, "unread": unread}).data)
