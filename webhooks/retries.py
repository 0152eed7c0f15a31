"""When a failed delivery is tried again.

The first attempts retry inside Celery (autoretry, exponential backoff of 1, 2 s: the
countdown stays under the broker's visibility timeout, see config/settings/base.py).
(Run eagerly, without a broker, every retry waits for the sweep.)
After QUICK_ATTEMPTS the wait is kept in the database (``Delivery.next_attempt_at``)
and the sweep (``webhooks.tasks.retry_due``, every 30 s) queues what is due: 1, 2, 4 …
minutes, at most 6 hours apart, about a day in all. Then the delivery fails; an
administrator can replay it.
"""

from __future__ import annotations

import datetime

QUICK_ATTEMPTS = 3
MAX_ATTEMPTS = 15
FIRST_DELAY = datetime.timedelta(minutes=1)
MAX_DELAY = datetime.timedelta(hours=6)
# A delivery queued on commit that no worker claimed by then (a lost message) is queued
# again; one claimed that long ago belongs to no live attempt (the hard limit is 20 s).
UNCLAIMED_AFTER = datetime.timedelta(minutes=5)
CLAIM_STALE_AFTER = datetime.timedelta(minutes=2)
SWEEP_BATCH = 500
TIMEOUT_SECONDS = 10
EXCERPT_CHARS = 1_000


def delay_after(attempt: int) -> datetime.timedelta:
    """How long after attempt ``attempt`` (counting from 1) the next one is due when the
    sweep brings it: a minute until the quick attempts are used up, then doubling."""
    doublings = min(max(0, attempt - QUICK_ATTEMPTS), 16)
    return min(MAX_DELAY, FIRST_DELAY * 2**doublings)
