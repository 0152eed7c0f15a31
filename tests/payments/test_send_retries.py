"""Retries that wait live in the database: the sweep sends again what is due, and nothing before.

A payment attempt without an outcome (a 5xx, a timeout, a killed worker) has already
stored when the next one is due; ``payments_send_due`` (the ``retry_due`` task, every
30 s from beat or ``run_periodic``) queues it then, with the same idempotency key. The
real SDK talks to the fake Stripe API; the sweep's queued tasks run eagerly on commit.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from core.audit import events_for
from grants.payments import retries, services, stripe_services
from grants.payments.models import Payment, WebhookEvent
from grants.payments.tasks import retry_due, send_payment
from tests.factories.accounts import UserFactory
from tests.factories.payments import ConnectedAccountFactory, PaymentFactory, approved_subsidy
from tests.fakes.fixtures import FAKE_WEBHOOK_SECRET
from tests.fakes.webhooks import load_event
from tests.payments.test_stripe_ledger import post_event, stripe_payment

pytestmark = pytest.mark.django_db
Status = Payment.Status
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the payments sweep at `now` and the sends it queues on commit."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return services.payments_send_due(now=now)

    return run


def transfer_requests(fake_stripe):
    return fake_stripe.requests_to("/v1/transfers")


def test_a_transient_failure_is_sent_again_by_the_sweep_when_due_and_not_before(fake_stripe, sweep):
    payment = stripe_payment(fake_stripe)
    fake_stripe.fail_next("/v1/transfers", mode="500")
    attempted_at = timezone.now()
    send_payment.delay(payment.pk)
    payment.refresh_from_db()
    due = payment.next_attempt_at
    assert payment.status == Status.APPROVED
    assert attempted_at + retries.FIRST_DELAY <= due <= timezone.now() + retries.FIRST_DELAY

    assert sweep(due - SECOND) == []
    assert len(transfer_requests(fake_stripe)) == 1, "not before it is due"

    assert sweep(due) == [payment.pk]
    payment.refresh_from_db()
    (transfer,) = fake_stripe.objects_of("transfer")
    assert (payment.status, payment.external_id, payment.send_attempts) == (Status.SENT, transfer["id"], 2)
    first, second = transfer_requests(fake_stripe)
    assert first.idempotency_key == second.idempotency_key == payment.idempotency_key
    assert payment.next_attempt_at is None
    assert sweep(due + retries.MAX_DELAY) == [], "a sent payment is never sent again"


def test_an_attempt_killed_after_stripe_acted_is_finished_by_the_sweep_with_one_transfer(fake_stripe, sweep):
    """The claim committed the key and the next attempt's time; the worker died after Stripe
    made the transfer and before anything was recorded (and its message was lost too)."""
    payment = stripe_payment(fake_stripe)
    claimed = services._claim_for_sending(payment.pk)
    services.get_rail(name=claimed.rail).send(services._instruction(claimed))  # ... and the worker dies here

    assert sweep(claimed.next_attempt_at - SECOND) == []
    assert sweep(claimed.next_attempt_at) == [payment.pk]

    payment.refresh_from_db()
    (transfer,) = fake_stripe.objects_of("transfer")
    assert (payment.status, payment.external_id) == (Status.SENT, transfer["id"])
    assert transfer_requests(fake_stripe)[1].replayed


def test_each_attempt_without_an_outcome_waits_twice_as_long_up_to_an_hour(fake_stripe):
    payment = stripe_payment(fake_stripe)
    waits = []
    for _ in range(3):
        fake_stripe.fail_next("/v1/transfers", mode="500")
        started = timezone.now()
        send_payment.delay(payment.pk)
        payment.refresh_from_db()
        waits.append(round((payment.next_attempt_at - started).total_seconds() / 60))
    assert waits == [1, 2, 4]
    assert retries.delay_after(7) == retries.delay_after(30) == datetime.timedelta(hours=1)


def test_when_the_attempts_are_used_up_the_payment_stays_approved_and_finance_is_told(fake_stripe, sweep):
    payment = stripe_payment(fake_stripe)
    Payment.objects.filter(pk=payment.pk).update(send_attempts=retries.MAX_ATTEMPTS - 1)
    fake_stripe.fail_next("/v1/transfers", mode="500")

    assert send_payment.delay(payment.pk).get() == "stalled"

    payment.refresh_from_db()
    assert (payment.status, payment.next_attempt_at) == (Status.APPROVED, None)  # never failed on a guess
    assert events_for(payment).last().verb == "payment.send_stalled"
    assert sweep(timezone.now() + datetime.timedelta(days=1)) == []


def test_an_approved_payment_whose_queued_send_was_lost_is_sent_by_the_sweep(fake_stripe, sweep):
    account = fake_stripe.add_account(onboarded=True)
    subsidy = approved_subsidy()
    ConnectedAccountFactory(organisation=subsidy.organisation, account_id=account["id"])
    payment = PaymentFactory(subsidy=subsidy, rail=Payment.Rail.STRIPE, requested=True)
    services.payment_approve(payment=payment, by=UserFactory(finance=True))  # its on-commit send never runs
    payment.refresh_from_db()
    assert payment.next_attempt_at > timezone.now() + retries.UNCLAIMED_AFTER - datetime.timedelta(minutes=1)

    assert sweep(payment.next_attempt_at - SECOND) == []
    assert sweep(payment.next_attempt_at) == [payment.pk]
    payment.refresh_from_db()
    assert payment.status == Status.SENT
    assert len(fake_stripe.objects_of("transfer")) == 1


def test_a_bank_payment_is_never_swept(sweep):
    payment = PaymentFactory(approved=True, rail=Payment.Rail.BANK)
    Payment.objects.filter(pk=payment.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    assert sweep(timezone.now()) == []


def test_the_periodic_task_sweeps_with_the_real_clock(fake_stripe, django_capture_on_commit_callbacks):
    payment = stripe_payment(fake_stripe)
    fake_stripe.fail_next("/v1/transfers", mode="500")
    send_payment.delay(payment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due.delay().get() == {"payments": [], "webhook_events": []}
    Payment.objects.filter(pk=payment.pk).update(next_attempt_at=timezone.now() - SECOND)
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due.delay().get() == {"payments": [payment.pk], "webhook_events": []}
    payment.refresh_from_db()
    assert payment.status == Status.SENT


def test_a_webhook_event_whose_handler_failed_is_processed_again_when_due(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.STRIPE_WEBHOOK_SECRET = FAKE_WEBHOOK_SECRET
    calls = []

    def flaky(event):
        calls.append(event["id"])
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return "updated"

    monkeypatch.setitem(stripe_services.HANDLERS, "account.updated", flaky)
    assert post_event(Client(), load_event("account.updated")).status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.processed_at, stored.attempts) == (None, 1)
    assert "database hiccup" in stored.error
    due = stored.next_attempt_at

    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_services.webhooks_process_due(now=due - SECOND) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_services.webhooks_process_due(now=due) == [stored.pk]

    stored.refresh_from_db()
    assert stored.processed_at is not None
    assert (stored.result, stored.error, stored.attempts, stored.next_attempt_at) == ("updated", "", 2, None)
    assert len(calls) == 2
