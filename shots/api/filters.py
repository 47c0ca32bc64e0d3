"""Query-string filters for the breakdown endpoints. An invalid value is a 400 naming the parameter.

They narrow a queryset that already comes from permissions.visible: a filter never widens what a person sees.

Sequences are filtered by id (`sequence`) or by code (`sequence_code`), not by one parameter taking either:
codes are strings that may be all digits ("010"), so "is it an id or a code?" has no safe answer.
"""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from shots.models import BreakdownStatus, Sequence, Shot, Task
from shots.workflow import TaskStatus

MAX_ID = 2**63 - 1  # a bigint primary key; a larger number is "invalid", not a database error


class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole positive number ("1.5" or "abc" is a 400, not an empty list)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class PersonOrMeField(forms.CharField):
    """A person's id, or "me" for whoever is asking."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, "", "me"):
            return value
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
            raise forms.ValidationError('Give a person\'s id or "me".', code="invalid")
        return int(value)


class PersonOrMeFilter(django_filters.Filter):
    field_class = PersonOrMeField


def documented(filter_, schema_type: str, description: str):
    """Give a filter its OpenAPI type and description (drf-spectacular cannot infer either for ids of
    foreign keys or for custom fields)."""
    filter_.extra["help_text"] = description
    return extend_schema_field({"type": schema_type, "description": description})(filter_)


def id_filter(field_name: str, description: str) -> IdFilter:
    return documented(IdFilter(field_name=field_name), "integer", description)


class SequenceFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="show__code", help_text="The show's code.")
    status = django_filters.ChoiceFilter(choices=BreakdownStatus.choices)

    class Meta:
        model = Sequence
        fields = ["show", "status"]


class ShotFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="show__code", help_text="The show's code.")
    sequence = id_filter("sequence_id", "The sequence's id.")
    sequence_code = django_filters.CharFilter(field_name="sequence__code", help_text="The sequence's code.")
    status = django_filters.ChoiceFilter(choices=BreakdownStatus.choices)
    code = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the shot code, any case.")

    class Meta:
        model = Shot
        fields = ["show", "sequence", "sequence_code", "status", "code"]


class TaskFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="shot__show__code", help_text="The show's code.")
    shot = id_filter("shot_id", "The shot's id.")
    sequence = id_filter("shot__sequence_id", "The sequence's id.")
    sequence_code = django_filters.CharFilter(field_name="shot__sequence__code", help_text="The sequence's code.")
    task_type = id_filter("task_type_id", "The task type's id.")
    department = id_filter("task_type__department_id", "The department's id.")
    status = django_filters.MultipleChoiceFilter(
        choices=TaskStatus.choices, help_text="Repeat for several: ?status=wip&status=pending_review"
    )
    assignee = documented(PersonOrMeFilter(method="filter_assignee"), "string", 'A person\'s id, or "me".')
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", help_text="Due on or before.")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", help_text="Due on or after.")

    class Meta:
        model = Task
        fields = [
            "show",
            "shot",
            "sequence",
            "sequence_code",
            "task_type",
            "department",
            "status",
            "assignee",
            "due_before",
            "due_after",
        ]

    def filter_assignee(self, queryset, name, value):
        person_id = self.request.user.pk if value == "me" else value
        # An exists-subquery, not a join: a task with two assignees must not come back twice.
        return queryset.filter(pk__in=Task.assignees.through.objects.filter(person_id=person_id).values("task_id"))
