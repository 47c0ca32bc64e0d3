"""Studio-wide writes: show summaries, and the one way to hand work to Celery."""

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from shots.models import Shot, Task
from shots.workflow import DONE_STATUSES, TaskStatus

from . import permissions
from .models import Person, Show, ShowSummary

logger = logging.getLogger(__name__)


def refuse_unknown_fields(changes: dict[str, Any], editable: Iterable[str]) -> None:
    """A write that names a field it may not change is refused whole, naming each such field."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})


def require_free(existing: QuerySet, field: str, message: str) -> None:
    """Name the field when a code is taken (the database constraint alone would only say 'already exists')."""
    if existing.exists():
        raise ValidationError({field: message})


UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE


def violated_unique_constraint(error: IntegrityError) -> str | None:
    """The name of the unique constraint `error` broke; None for any other integrity error."""
    cause = error.__cause__
    if getattr(cause, "pgcode", None) != UNIQUE_VIOLATION:
        return None
    return getattr(getattr(cause, "diag", None), "constraint_name", None)


@contextmanager
def unique_or_field_error(constraint: str, field: str, message: str) -> Iterator[None]:
    """Write in a savepoint; if the database refuses the write on `constraint`, raise {field: message} instead.

    require_free names the field, but two identical requests can both pass it before either commits: the loser's
    INSERT then waits for the winner and fails on the unique index. This gives the loser the check's own error
    (the form again, or a 400 naming the field) rather than a 500; the savepoint keeps the caller's transaction
    usable, and nothing of the refused write is kept.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if violated_unique_constraint(error) != constraint:
            raise
        raise ValidationError({field: message}) from error


BROKER_RETRY_AFTER = 30.0  # seconds without publishing after the broker failed once
_broker_down_until = 0.0


def enqueue_on_commit(task, *args, **options) -> None:
    """Send a Celery task once the surrounding transaction commits (options go to apply_async).

    If the broker is unreachable the error is logged and swallowed: every task Slate enqueues is backed by
    state in the database (a stale flag, a digest row), and a beat sweep finds that state again, so nothing is
    lost while Redis is down, and the user's request still succeeds. After one failure this process stops
    trying for BROKER_RETRY_AFTER seconds, so a request that enqueues several tasks waits one timeout, not one
    per task.
    """

    def send() -> None:
        global _broker_down_until
        if time.monotonic() < _broker_down_until:
            logger.info("Broker marked down; %s%r is left to the periodic sweep.", task.name, args)
            return
        try:
            task.apply_async(args=args, **options)
        except Exception:  # noqa: BLE001 - any broker failure: the beat sweep will catch up
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
            logger.warning("Could not enqueue %s%r; the periodic sweep will pick it up.", task.name, args)

    transaction.on_commit(send)


def broker_mark_up() -> None:
    """Forget a past broker failure (tests, and after a successful health check)."""
    global _broker_down_until
    _broker_down_until = 0.0


def show_summary_mark_stale(*, show_id: int) -> None:
    """Mark a show's summary out of date (in the caller's transaction) and ask for a refresh."""
    from .tasks import refresh_show_summary

    updated = ShowSummary.objects.filter(show_id=show_id).update(is_stale=True)
    if not updated:
        ShowSummary.objects.get_or_create(show_id=show_id, defaults={"is_stale": True})
    enqueue_on_commit(refresh_show_summary, show_id)


@transaction.atomic
def show_summary_refresh(*, show_id: int) -> ShowSummary | None:
    """Recount a show's shots and tasks by status in two aggregate queries. Idempotent."""
    if not Show.objects.filter(pk=show_id).exists():
        return None
    # Take the row lock first, so two workers refreshing the same show serialise instead of racing.
    summary, _ = ShowSummary.objects.select_for_update().get_or_create(show_id=show_id)
    counts = Counter(
        {
            row["status"]: row["n"]
            for row in Task.objects.filter(shot__show_id=show_id).values("status").annotate(n=Count("id"))
        }
    )
    summary.shot_count = Shot.objects.filter(show_id=show_id).count()
    summary.tasks_by_status = {status: counts.get(status, 0) for status in TaskStatus.values}
    summary.task_count = sum(counts.values()) - counts.get(TaskStatus.OMITTED, 0)
    summary.done_task_count = sum(counts.get(status, 0) for status in DONE_STATUSES)
    summary.is_stale = False
    summary.refreshed_at = timezone.now()
    summary.save()
    return summary


SHOW_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "status",
        "fps",
        "resolution_width",
        "resolution_height",
        "start_date",
        "end_date",
        "currency",
        "hours_per_day",
        "contract_value",
        "default_head_in",
        "default_handles",
    }
)


@transaction.atomic
def show_update(*, actor: Person, show: Show, **changes: Any) -> Show:
    """Change a show's settings: its producers and admins (permissions.can_change). The code is the show's
    address and is not changed here; the contract value is money (permissions.can_see_money)."""
    refuse_unknown_fields(changes, SHOW_EDITABLE_FIELDS)
    locked = Show.objects.select_for_update().get(pk=show.pk)
    permissions.require_change(actor, locked)
    if "contract_value" in changes:
        permissions.require(
            permissions.can_see_money(actor, locked), "Only the show's producers can change its contract value."
        )
    for name, value in changes.items():
        setattr(locked, name, value)
    if locked.start_date and locked.end_date and locked.end_date < locked.start_date:
        field = "end_date" if "end_date" in changes else "start_date"
        raise ValidationError({field: "The end date must not be before the start date."})
    locked.full_clean()
    locked.save()
    return locked
