"""Celery tasks: send one payment, process one stored webhook event. Both take ids and are idempotent."""

from celery import shared_task

from grants.payments.stripe_gateway import PaymentGatewayError


@shared_task(bind=True, acks_late=True, max_retries=10)
def send_payment(self, payment_id: int) -> str:
    """Send an approved payment through its rail.

    Killed or timed out anywhere, the task runs again: the idempotency key was
    committed before the first call, so Stripe answers a repeat with the original
    transfer. Unknown outcomes retry with backoff (30 s, 1 min, 2 min ... 1 h).
    """
    from grants.payments.services import payment_send

    try:
        payment = payment_send(payment_id=payment_id)
    except PaymentGatewayError as error:
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=min(3600, 30 * 2**self.request.retries)) from error
    return payment.status if payment is not None else "nothing to send"


@shared_task(bind=True, acks_late=True, max_retries=10)
def process_webhook_event(self, event_pk: int) -> str:
    from grants.payments.models import WebhookEvent
    from grants.payments.stripe_services import webhook_process

    try:
        return webhook_process(event_pk=event_pk)
    except Exception as error:
        WebhookEvent.objects.filter(pk=event_pk).update(error=f"{type(error).__name__}: {error}"[:2000])
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=min(3600, 30 * 2**self.request.retries)) from error
