"""Celery tasks: send one payment, process one stored webhook event. Both take ids and are idempotent.

Neither may be lost: acknowledged only once finished, and put back on the queue when the
worker dies under them (the broker redelivers it after the visibility timeout, see
config/settings/base.py). Their hard time limits stay well under that timeout: two
Stripe calls of STRIPE_TIMEOUT_SECONDS (20 s) each plus the database fit in 90 s.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from grants.payments.stripe_gateway import PaymentGatewayError

MUST_NOT_BE_LOST = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 90,
    "time_limit": 120,
}


def _countdown(retries: int) -> int:
    """30 s, 1 min, 2 min ... capped so the message stays within the broker's visibility timeout."""
    return min(settings.TASK_RETRY_MAX_COUNTDOWN, 30 * 2**retries)


@shared_task(bind=True, max_retries=10, **MUST_NOT_BE_LOST)
def send_payment(self, payment_id: int) -> str:
    """Send an approved payment through its rail.

    Killed or timed out anywhere, the task runs again: the idempotency key was
    committed before the first call, so Stripe answers a repeat with the original
    transfer. Unknown outcomes retry with backoff (30 s, 1 min, 2 min ... 1 h).
    """
    from grants.payments.services import payment_send

    try:
        payment = payment_send(payment_id=payment_id)
    except (PaymentGatewayError, SoftTimeLimitExceeded) as error:  # outcome unknown: the same key again
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=_countdown(self.request.retries)) from error
    return payment.status if payment is not None else "nothing to send"


@shared_task(bind=True, max_retries=10, **MUST_NOT_BE_LOST)
def process_webhook_event(self, event_pk: int) -> str:
    from grants.payments.models import WebhookEvent
    from grants.payments.stripe_services import webhook_process

    try:
        return webhook_process(event_pk=event_pk)
    except Exception as error:
        WebhookEvent.objects.filter(pk=event_pk).update(error=f"{type(error).__name__}: {error}"[:2000])
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=_countdown(self.request.retries)) from error
