"""Celery tasks of note digests: ids in, a service call, idempotent and safe to retry (dailies/digests.py)."""

import datetime as dt

from celery import shared_task

from . import digests

SEND_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=SEND_RETRIES)
def send_digest(self, digest_id: int) -> str:
    """Send one claimed digest. A sent digest is not sent again; on an SMTP error it is retried a few times with
    backoff, and after that the minute sweep (resend_claimed_digests) keeps trying."""
    outcome = digests.digest_send(digest_id=digest_id)
    in_worker = not (self.request.called_directly or self.request.is_eager)
    if outcome == digests.SendOutcome.FAILED and in_worker and self.request.retries < SEND_RETRIES:
        raise self.retry(countdown=60 * 2**self.request.retries)
    return str(outcome)


@shared_task(acks_late=True)
def send_due_digests() -> int:
    """Beat, every 5 minutes: claim the digests of everyone whose digest time has passed today, queue their sending."""
    return len(digests.digests_run_due())


@shared_task(acks_late=True)
def resend_claimed_digests(older_than_seconds: float = digests.RESEND_AFTER.total_seconds()) -> dict[str, int]:
    """Beat, every minute: send the digests left claimed (a worker died mid-send, the broker lost the message)."""
    outcomes = digests.digests_resend_claimed(older_than=dt.timedelta(seconds=older_than_seconds))
    return {str(outcome): count for outcome, count in outcomes.items()}
