from django.db.models import Count, QuerySet

from studio import permissions

from .models import NoteRecipient, ReviewSession


def recent_sessions(person, *, limit: int = 100) -> QuerySet[ReviewSession]:
    return (
        permissions.visible(person, ReviewSession)
        .select_related("show")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-date", "name")[:limit]
    )


def notes_to_me(person, *, limit: int = 50) -> QuerySet[NoteRecipient]:
    """The notes addressed to the person (To or CC), newest first, as their recipient rows (`read_at` says whether
    they read it). Only notes they may see: an artist never gets a held client note, not even as a row."""
    return (
        permissions.visible(person, NoteRecipient)
        .filter(person_id=person.pk)
        .select_related(
            "note__author", "note__version__task__shot__show", "note__version__task__task_type", "note__session"
        )
        .order_by("-note__created_at", "-note_id")[:limit]
    )


def unread_note_count(person) -> int:
    return permissions.visible(person, NoteRecipient).filter(person_id=person.pk, read_at__isnull=True).count()
