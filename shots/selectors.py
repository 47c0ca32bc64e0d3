"""Reads of the breakdown that cross relations, shaped for one page or endpoint each."""

from django.db.models import Prefetch, QuerySet

from dailies.models import Version, VersionStatus
from studio import permissions
from studio.models import Person

from .models import Task
from .workflow import DONE_STATUSES, TaskStatus


def my_open_tasks(person: Person, *, limit: int = 200) -> QuerySet[Task]:
    """The person's tasks that still need work, across shows, soonest due first."""
    return (
        permissions.visible(person, Task)
        .filter(assignees=person)
        .exclude(status__in=[*DONE_STATUSES, TaskStatus.OMITTED])
        .select_related("shot__show", "shot__sequence", "task_type")
        .prefetch_related(
            Prefetch("assignees", queryset=Person.objects.select_related(None).only("id", "username", "first_name"))
        )
        .order_by("due_date", "shot__show__code", "shot__code")[:limit]
    )


def pending_review_versions(person: Person, *, limit: int = 200) -> QuerySet[Version]:
    """Versions waiting for review in the person's department (all departments for managers), oldest first."""
    # Only shows where the person is staff: a client's released versions are not theirs to review.
    staff_shows = permissions.visible_shows(person, roles=permissions.ALL_STAFF)
    versions = permissions.visible(person, Version).filter(
        status=VersionStatus.PENDING_REVIEW, task__status=TaskStatus.PENDING_REVIEW, task__shot__show__in=staff_shows
    )
    if person.department_id and not person.is_admin:
        versions = versions.filter(task__task_type__department_id=person.department_id)
    return versions.select_related("task__shot__show", "task__task_type", "author").order_by("created_at")[:limit]
