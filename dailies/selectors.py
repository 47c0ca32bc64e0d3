from django.db.models import Count, QuerySet

from studio import permissions

from .models import ReviewSession


def recent_sessions(person, *, limit: int = 100) -> QuerySet[ReviewSession]:
    return (
        permissions.visible(person, ReviewSession)
        .select_related("show")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-date", "name")[:limit]
    )
