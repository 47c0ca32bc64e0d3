"""Input and output serializers for sequences, shots and tasks.

No money here: none of these models holds any. Relations in input are ids of objects the requesting person can
see (VisibleRelatedField): another show's sequence reads as "does not exist", exactly like a missing one.
"""

from rest_framework import serializers

from shots.models import BreakdownStatus, Priority, Sequence, Shot, TaskType
from shots.workflow import TaskStatus
from studio.api.serializers import InputSerializer, PersonRefSerializer, VisibleRelatedField, VisibleSlugRelatedField
from studio.models import Person, Show

# --- References: the few fields a response shows of a related object -------------------------------------


class SequenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class ShotRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class TaskTypeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


# --- Sequences ------------------------------------------------------------------------------------------


class SequenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="show.code", help_text="The show's code.")
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=BreakdownStatus.choices)
    order = serializers.IntegerField()


class SequenceCreateInputSerializer(InputSerializer):
    show = VisibleSlugRelatedField(slug_field="code", queryset=Show.objects.none(), help_text="The show's code.")
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, required=False)


class SequenceUpdateInputSerializer(InputSerializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=120, allow_blank=True)
    status = serializers.ChoiceField(choices=BreakdownStatus.choices)
    order = serializers.IntegerField(min_value=0)


# --- Shots ----------------------------------------------------------------------------------------------


class ShotOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    show = serializers.CharField(source="show.code", help_text="The show's code.")
    sequence = SequenceRefSerializer()
    cut_in = serializers.IntegerField()
    cut_out = serializers.IntegerField()
    head_in = serializers.IntegerField()
    tail_out = serializers.IntegerField()
    frame_count = serializers.IntegerField(help_text="cut_out - cut_in + 1")
    status = serializers.ChoiceField(choices=BreakdownStatus.choices)
    description = serializers.CharField()
    order = serializers.IntegerField()


def _check_frame_order(attrs: dict) -> dict:
    """Name the field when the frames given in one request are out of order (the model would only say
    which constraint failed)."""
    errors = {}
    cut_in, cut_out = attrs.get("cut_in"), attrs.get("cut_out")
    head_in, tail_out = attrs.get("head_in"), attrs.get("tail_out")
    if cut_in is not None and cut_out is not None and cut_out < cut_in:
        errors["cut_out"] = "Cut out must not be before cut in."
    if head_in is not None and cut_in is not None and head_in > cut_in:
        errors["head_in"] = "Head in must not be after cut in."
    if tail_out is not None and cut_out is not None and tail_out < cut_out:
        errors["tail_out"] = "Tail out must not be before cut out."
    if errors:
        raise serializers.ValidationError(errors)
    return attrs


class ShotCreateInputSerializer(InputSerializer):
    """Cut in defaults to the show's head in + handles; give cut_out or frame_count. Handles default to the
    show's."""

    sequence = VisibleRelatedField(queryset=Sequence.objects.none(), help_text="The sequence's id.")
    code = serializers.CharField(max_length=64)
    cut_in = serializers.IntegerField(required=False)
    cut_out = serializers.IntegerField(required=False)
    frame_count = serializers.IntegerField(required=False, min_value=1)
    head_in = serializers.IntegerField(required=False)
    tail_out = serializers.IntegerField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, required=False)

    def validate(self, attrs: dict) -> dict:
        return _check_frame_order(attrs)


class ShotUpdateInputSerializer(InputSerializer):
    """Moving cut in or cut out keeps the handles: head in and tail out follow unless given too."""

    code = serializers.CharField(max_length=64)
    description = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=BreakdownStatus.choices)
    order = serializers.IntegerField(min_value=0)
    cut_in = serializers.IntegerField()
    cut_out = serializers.IntegerField()
    head_in = serializers.IntegerField()
    tail_out = serializers.IntegerField()

    def validate(self, attrs: dict) -> dict:
        return _check_frame_order(attrs)


# --- Tasks ----------------------------------------------------------------------------------------------


class TaskOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(source="shot.show.code", help_text="The show's code.")
    shot = ShotRefSerializer()
    task_type = TaskTypeRefSerializer()
    department = DepartmentRefSerializer(source="task_type.department")
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    assignees = PersonRefSerializer(many=True)
    bid_days = serializers.DecimalField(max_digits=6, decimal_places=2)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    retake_count = serializers.IntegerField()
    priority = serializers.ChoiceField(choices=Priority.choices)
    row_version = serializers.IntegerField(help_text="Send it back with a PATCH: a stale value is a 409.")
    updated_at = serializers.DateTimeField()


def _check_dates(attrs: dict) -> dict:
    start, due = attrs.get("start_date"), attrs.get("due_date")
    if start and due and due < start:
        raise serializers.ValidationError({"due_date": "The due date must not be before the start date."})
    return attrs


class TaskCreateInputSerializer(InputSerializer):
    shot = VisibleRelatedField(queryset=Shot.objects.none(), help_text="The shot's id.")
    task_type = VisibleRelatedField(queryset=TaskType.objects.none(), help_text="The task type's id.")
    assignees = VisibleRelatedField(queryset=Person.objects.none(), many=True, required=False)
    bid_days = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    start_date = serializers.DateField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)

    def validate(self, attrs: dict) -> dict:
        return _check_dates(attrs)


class TaskUpdateInputSerializer(InputSerializer):
    control_fields = frozenset({"row_version"})

    row_version = serializers.IntegerField(
        min_value=1,
        help_text="Required: the row_version you read. If the task changed since, nothing is written (409).",
    )
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    assignees = VisibleRelatedField(queryset=Person.objects.none(), many=True)
    bid_days = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices)

    def validate(self, attrs: dict) -> dict:
        return _check_dates(attrs)
