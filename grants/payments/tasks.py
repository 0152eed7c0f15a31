"""Celery tasks: send one payment, process one stored webhook event, and the sweep that retries both.

The first two take ids, are idempotent and must not be lost: acknowledged only once
finished, and put back on the queue when the worker dies under them (with Redis a
killed worker's message is redelivered after the visibility timeout, under a minute,
see config/settings/base.py). Neither retries through Celery: an attempt that records
no outcome has already stored when the next one is due, and ``retry_due`` (every 30 s,
grants/payments/schedules.py) queues what is due (grants/payments/retries.py).
Their time limits fit one Stripe call of STRIPE_TIMEOUT_SECONDS (20 s) and the database.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from grants.payments.services import payment_send, payment_send_postponed, payments_send_due
from grants.payments.stripe_gateway import PaymentGatewayError
from grants.payments.stripe_services import webhook_attempt, webhooks_process_due

MUST_NOT_BE_LOST = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 25,
    "time_limit": 30,
}


@shared_task(**MUST_NOT_BE_LOST)
def send_payment(payment_id: int) -> str:
    """Send an approved payment through its rail.

    Killed or timed out anywhere, the payment is sent again (redelivered, or by the
    sweep): the idempotency key was committed before the first call, so Stripe answers
    a repeat with the original transfer. An unknown outcome (timeout, 5xx) waits for the
    next attempt stored by the claim (1 min, 2 min, 4 min ... 1 h).
    """
    try:
        payment = payment_send(payment_id=payment_id)
    except (PaymentGatewayError, SoftTimeLimitExceeded) as error:  # outcome unknown: the same key next time
        return payment_send_postponed(payment_id=payment_id, error=error)
    return payment.status if payment is not None else "nothing to send"


@shared_task(**MUST_NOT_BE_LOST)
def process_webhook_event(event_pk: int) -> str:
    """Run a stored event's handler; a failure is stored on the event and retried by the sweep."""
    return webhook_attempt(event_pk=event_pk)


@shared_task
def retry_due() -> dict:
    """Queue the payments and webhook events whose next attempt is due (every 30 s; idempotent)."""
    return {"payments": payments_send_due(), "webhook_events": webhooks_process_due()}
