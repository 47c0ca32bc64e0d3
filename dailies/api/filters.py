"""Query-string filters for versions. An invalid value is a 400 naming the parameter; filters only narrow a
queryset that already comes from permissions.visible."""

import django_filters

from dailies.models import Version, VersionStatus
from shots.api.filters import PersonOrMeFilter, documented, id_filter


class VersionFilter(django_filters.FilterSet):
    show = django_filters.CharFilter(field_name="task__shot__show__code", help_text="The show's code.")
    task = id_filter("task_id", "The task's id.")
    shot = id_filter("task__shot_id", "The shot's id.")
    status = django_filters.MultipleChoiceFilter(
        choices=VersionStatus.choices, help_text="Repeat for several: ?status=pending_review&status=retake"
    )
    author = documented(PersonOrMeFilter(method="filter_author"), "string", 'The author\'s id, or "me".')

    class Meta:
        model = Version
        fields = ["show", "task", "shot", "status", "author"]

    def filter_author(self, queryset, name, value):
        return queryset.filter(author_id=self.request.user.pk if value == "me" else value)
