"""Celery tasks of the budgets: ids in, a service call, idempotent and safe to retry."""

import datetime as dt

from celery import shared_task

from . import snapshots


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def take_production_snapshot(self, show_id: int, as_of: str | None = None) -> int:
    """One show's production snapshot of a day (ISO date; default today): that day's rows are replaced."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    return len(snapshots.production_snapshot_take(show_id=show_id, as_of=day))


@shared_task
def take_production_snapshots_nightly() -> int:
    """Beat, every night after the earned-value snapshots: yesterday's final figures and today's first, for every
    active show."""
    return len(snapshots.production_snapshot_active_shows())
