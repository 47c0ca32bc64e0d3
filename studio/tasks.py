"""Celery tasks: ids in, a service call, idempotent and safe to retry."""

from celery import shared_task

from . import services
from .models import ShowSummary


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True)
def refresh_show_summary(self, show_id: int) -> None:
    services.show_summary_refresh(show_id=show_id)


@shared_task
def refresh_stale_show_summaries() -> int:
    """Beat sweep: refresh whatever was marked stale but never refreshed (e.g. Redis was down)."""
    stale_ids = list(ShowSummary.objects.filter(is_stale=True).values_list("show_id", flat=True))
    for show_id in stale_ids:
        services.show_summary_refresh(show_id=show_id)
    return len(stale_ids)
