"""Celery tasks of the schedule: ids in, a service call, idempotent and safe to retry."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True)
def recompute_earned_value(self, show_id: int) -> None:
    """Enqueued (with a countdown) by services.ev_mark_stale when a show's figures go stale; a no-op if the beat
    sweep got there first."""
    services.ev_recompute(show_id=show_id, only_if_stale=True)


@shared_task
def recompute_stale_earned_value() -> int:
    """Beat sweep, every minute: shows still stale after the grace period (their message was lost)."""
    return len(services.ev_recompute_stale())


@shared_task
def snapshot_earned_value_nightly() -> int:
    """Beat, every night: yesterday's final figures and today's first, for every active show."""
    return len(services.ev_snapshot_active_shows())
