"""Celery tasks: send one payment, process one stored webhook event, and the sweep that retries both.

The first two take ids, are idempotent and must not be lost: acknowledged only once
finished, and put back on the queue when the worker dies under them (with Redis a
killed worker's message is redelivered after the visibility timeout, under a minute,
see config/settings/base.py). Neither retries through Celery: an attempt that records
no outcome has already stored when the next one is due, and ``retry_due`` (every 30 s,
grants/payments/schedules.py) queues what is due (grants/payments/retries.py).
Their time limits fit one Stripe call of STRIPE_TIMEOUT_SECONDS (20 s) and the database
(``retries.MUST_NOT_BE_LOST``).

``send_payment`` and ``process_webhook_event`` are defined beside the services they run
(grants/payments/services.py, grants/payments/stripe_services.py), because those
services queue them too; there they are private (a task takes a positional id, the
services' API is keyword-only), here they have their public names, the ones Celery knows.
"""

from celery import shared_task

from grants.payments.services import _send_payment, payments_send_due
from grants.payments.stripe_services import _process_webhook_event, webhooks_process_due

send_payment = _send_payment
process_webhook_event = _process_webhook_event

__all__ = ["process_webhook_event", "retry_due", "send_payment"]


@shared_task
def retry_due() -> dict:
    """Queue the payments and webhook events whose next attempt is due (every 30 s; idempotent)."""
    return {"payments": payments_send_due(), "webhook_events": webhooks_process_due()}
