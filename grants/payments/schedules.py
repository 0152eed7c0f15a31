"""Periodic work of the payments app, merged into Celery beat by config/celery.py."""

BEAT_SCHEDULE = {
    # Sends again the Stripe payments, and processes again the webhook events, whose
    # earlier attempt recorded no outcome, once their next attempt is due.
    "payments-retry-due": {
        "task": "grants.payments.tasks.retry_due",
        "schedule": 30.0,
    },
}
