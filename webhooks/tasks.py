"""Celery tasks: one attempt at one delivery (with quick retries), and the sweep that queues what is due.

Both take ids and are idempotent: an attempt claims its delivery first, so a duplicate
or late message does nothing (webhooks/sending.py).
"""

from celery import shared_task
from django.utils import timezone

from webhooks import retries, sending


class AttemptFailed(Exception):
    """The receiver did not take the event; Celery retries with backoff."""


@shared_task(
    bind=True,
    autoretry_for=(AttemptFailed,),
    retry_backoff=1,
    retry_backoff_max=10,  # 1, 2 s: with the time limit, under the visibility timeout
    retry_jitter=False,
    max_retries=retries.QUICK_ATTEMPTS - 1,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=retries.TIMEOUT_SECONDS + 5,
    time_limit=retries.TIMEOUT_SECONDS + 10,
)
def deliver(self, delivery_id: str) -> str:
    """Send the delivery once. On a worker, a failure of one of the first attempts retries
    here; later ones wait in the database for the sweep, so the last failure raises
    nothing. Run eagerly (no broker: the embedded default, the tests) a retry would run
    inside the request that made the change, so every retry waits for the sweep."""
    outcome = sending.attempt_delivery(delivery_id=delivery_id, quick_retries=not self.request.is_eager)
    if outcome is None:
        return "nothing to do"
    if outcome.retry_now:
        raise AttemptFailed(f"delivery {delivery_id}: attempt {outcome.attempt} failed")
    return outcome.status


@shared_task
def retry_due() -> int:
    """Queue the deliveries whose next attempt is due (every 30 s; idempotent)."""
    now = timezone.now()
    sending.release_stale_claims(now=now)
    due = sending.due_delivery_ids(now=now)
    for delivery_id in due:
        deliver.delay(str(delivery_id))
    return len(due)
