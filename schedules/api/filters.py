"""Query-string filters for time logs, milestones and baselines. An invalid value is a 400 naming the parameter;
filters only narrow a queryset that already comes from permissions.visible."""

import django_filters

from schedules.models import Baseline, Milestone, TimeLog
from shots.api.filters import PersonOrMeFilter, documented, id_filter


class TimeLogFilter(django_filters.FilterSet):
    person = documented(PersonOrMeFilter(method="filter_person"), "string", 'A person\'s id, or "me".')
    task = id_filter("task_id", "The task's id.")
    show = django_filters.CharFilter(field_name="task__shot__show__code", help_text="The show's code.")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", help_text="On or after this date.")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", help_text="On or before this date.")

    class Meta:
        model = TimeLog
        fields = ["person", "task", "show", "date_from", "date_to"]

    def filter_person(self, queryset, name, value):
        return queryset.filter(person_id=self.request.user.pk if value == "me" else value)


class MilestoneFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="show__code", help_text="The show's code.")
    department = id_filter("department_id", "The department's id.")
    whole_show = django_filters.BooleanFilter(
        field_name="department", lookup_expr="isnull", help_text="true: only the whole show's milestones."
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", help_text="On or after this date.")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", help_text="On or before this date.")

    class Meta:
        model = Milestone
        fields = ["show", "department", "whole_show", "date_from", "date_to"]


class BaselineFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="show__code", help_text="The show's code.")
    is_active = django_filters.BooleanFilter(help_text="true: the active baselines only.")

    class Meta:
        model = Baseline
        fields = ["show", "is_active"]
