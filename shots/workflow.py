"""The task status workflow of PRODUCT.md: each status and its flags, in one place."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class TaskStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    READY = "ready", "Ready"
    WIP = "wip", "WIP"
    PENDING_REVIEW = "pending_review", "Pending review"
    RETAKE = "retake", "Retake"
    APPROVED = "approved", "Approved"
    FINAL = "final", "Final"
    ON_HOLD = "on_hold", "On hold"
    OMITTED = "omitted", "Omitted"


@dataclass(frozen=True)
class StatusFlags:
    is_done: bool = False
    artist_may_set: bool = False
    client_may_see: bool = False
    counts_as_retake: bool = False
    is_review_request: bool = False
    default_weight: Decimal = Decimal("0")


WORKFLOW: dict[str, StatusFlags] = {
    TaskStatus.WAITING: StatusFlags(),
    TaskStatus.READY: StatusFlags(),
    TaskStatus.WIP: StatusFlags(artist_may_set=True, default_weight=Decimal("0.25")),
    TaskStatus.PENDING_REVIEW: StatusFlags(artist_may_set=True, is_review_request=True, default_weight=Decimal("0.8")),
    TaskStatus.RETAKE: StatusFlags(counts_as_retake=True, default_weight=Decimal("0.5")),
    TaskStatus.APPROVED: StatusFlags(is_done=True, client_may_see=True, default_weight=Decimal("1")),
    TaskStatus.FINAL: StatusFlags(is_done=True, client_may_see=True, default_weight=Decimal("1")),
    TaskStatus.ON_HOLD: StatusFlags(),
    TaskStatus.OMITTED: StatusFlags(),
}


def flags(status: str) -> StatusFlags:
    return WORKFLOW[status]


def statuses_where(**wanted: bool) -> list[str]:
    """Statuses whose flags match, e.g. statuses_where(is_done=True) -> ['approved', 'final']."""
    return [status for status, f in WORKFLOW.items() if all(getattr(f, k) == v for k, v in wanted.items())]


ARTIST_STATUSES = statuses_where(artist_may_set=True)
DONE_STATUSES = statuses_where(is_done=True)
