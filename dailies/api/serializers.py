"""Input and output serializers for versions. Inputs only check the shape of a request; dailies.services
validates (exactly one of media and studio_path, the frame order, the task's state) and writes."""

from rest_framework import serializers

from dailies.models import StatusChange, VersionStatus
from shots.api.serializers import ShotRefSerializer, TaskTypeRefSerializer
from shots.models import Task
from studio.api.serializers import InputSerializer, PersonRefSerializer, VisibleRelatedField


class TaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_type = TaskTypeRefSerializer()


class VersionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="task.shot.show.code", help_text="The show's code.")
    shot = ShotRefSerializer(source="task.shot")
    task = TaskRefSerializer()
    number = serializers.IntegerField()
    code = serializers.CharField(help_text='"v003": the number with its leading zeros.')
    author = PersonRefSerializer()
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    media = serializers.SerializerMethodField(help_text="The uploaded file's URL, or null for a studio path.")
    studio_path = serializers.CharField()
    frame_in = serializers.IntegerField(allow_null=True)
    frame_out = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_media(self, version) -> str | None:
        return version.media.url if version.media else None


class VersionCreateInputSerializer(InputSerializer):
    """Send multipart/form-data with `media` to upload a file, or JSON with `studio_path`: exactly one of them."""

    task = VisibleRelatedField(queryset=Task.objects.none(), help_text="The task's id.")
    media = serializers.FileField(required=False, help_text="The file (multipart/form-data).")
    studio_path = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="A path on the studio file server."
    )
    frame_in = serializers.IntegerField(required=False, allow_null=True)
    frame_out = serializers.IntegerField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True)


class VersionReviewInputSerializer(InputSerializer):
    outcome = serializers.ChoiceField(
        choices=[StatusChange.APPROVE, StatusChange.RETAKE],
        help_text="approve: the version and its task are approved. retake: both go to retake, the task's retake "
        "count goes up by one.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Optional note, sent To the task's assignees."
    )
