"""When the ledger tries again: the retry schedule of sending a payment and of processing a webhook event.

Long waits live here, in the database, and not in Celery. With Redis a worker holds a
retry's message unacknowledged while its countdown runs, and the broker hands it to
another worker once the visibility timeout (under a minute, config/settings/base.py)
has passed: an hour's countdown would run twice. So each attempt first commits when the
next one is due (``next_attempt_at``), then works; a periodic sweep
(``grants.payments.tasks.retry_due``, every 30 s from beat or ``run_periodic``) queues
what is due. Whatever stops an attempt (an unknown outcome at Stripe, a time limit, a
killed worker, a lost message) leaves the next attempt scheduled; a recorded outcome
(sent, failed, processed) ends the schedule.
"""

from __future__ import annotations

import datetime

# Attempt n waits FIRST_DELAY × 2^(n−1) for its outcome before the sweep tries again:
# 1, 2, 4 ... 32 minutes, then every hour. The first wait exceeds the tasks' hard time
# limit, so the sweep never queues a payment whose attempt may still be running.
FIRST_DELAY = datetime.timedelta(minutes=1)
MAX_DELAY = datetime.timedelta(hours=1)
# After this many attempts (about six hours) nothing is scheduled any more: the payment
# stays approved with an outcome nobody knows, and a "send stalled" event says so.
MAX_ATTEMPTS = 12
# A send or an event queued on commit that no worker has picked up by then (the broker
# was down at that moment) is queued again by the sweep.
UNCLAIMED_AFTER = datetime.timedelta(minutes=5)
SWEEP_BATCH = 500


def delay_after(attempt: int) -> datetime.timedelta:
    """How long attempt number ``attempt`` (1, 2, ...) has before the next one is due."""
    doublings = min(max(0, attempt - 1), 16)  # far past MAX_DELAY already
    return min(MAX_DELAY, FIRST_DELAY * 2**doublings)


def next_attempt_at(attempt: int, now: datetime.datetime) -> datetime.datetime | None:
    """When to try again if attempt ``attempt``, starting ``now``, records no outcome; None: give up."""
    return None if attempt >= MAX_ATTEMPTS else now + delay_after(attempt)


# Delivery of the two tasks that must not be lost (send a payment, process a webhook
# event): acknowledged only once finished, put back on the queue when the worker dies
# under them; time limits that fit one Stripe call of STRIPE_TIMEOUT_SECONDS (20 s).
MUST_NOT_BE_LOST = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 25,
    "time_limit": 30,
}
