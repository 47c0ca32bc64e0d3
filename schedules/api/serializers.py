"""Input and output serializers for time logs. Hours are Decimal strings ("2.50"); schedules.services checks
0 < hours <= 24, the day's total across tasks, the date and who may log for whom."""

from rest_framework import serializers

from shots.api.serializers import ShotRefSerializer, TaskTypeRefSerializer
from shots.models import Task
from studio.api.serializers import InputSerializer, PersonRefSerializer, VisibleRelatedField
from studio.models import Person


class TimeLogTaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    task_type = TaskTypeRefSerializer()


class TimeLogOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonRefSerializer()
    show = serializers.CharField(source="task.shot.show.code", help_text="The show's code.")
    shot = ShotRefSerializer(source="task.shot")
    task = TimeLogTaskRefSerializer()
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TimeLogCreateInputSerializer(InputSerializer):
    """Logging the same person, task and date again replaces that day's hours (200 instead of 201)."""

    task = VisibleRelatedField(queryset=Task.objects.none(), help_text="The task's id.")
    date = serializers.DateField()
    # No max_digits: "100" gets the service's "at most 24", not a message about digits.
    hours = serializers.DecimalField(max_digits=None, decimal_places=2, help_text="More than 0, at most 24.")
    comment = serializers.CharField(max_length=255, required=False, allow_blank=True)
    person = VisibleRelatedField(
        queryset=Person.objects.none(),
        required=False,
        help_text="Whose hours (default: yours). Only the show's production managers and producers log for others.",
    )


class TimeLogUpdateInputSerializer(InputSerializer):
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=None, decimal_places=2, help_text="More than 0, at most 24.")
    comment = serializers.CharField(max_length=255, allow_blank=True)
