"""Stripe Connect in the ledger: sending with a stored idempotency key, webhooks, onboarding.

The real ``stripe`` SDK talks to the local fake API (``fake_stripe``); webhooks are
posted to the real view with real signatures.
"""

import datetime

import pytest
import requests
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from cms.donations import handle_checkout_session_completed
from core.audit import events_for
from grants.payments import services, stripe_services
from grants.payments.models import ConnectedAccount, Payment, WebhookEvent
from grants.payments.tasks import send_payment
from incubator.models import Membership, Subsidy
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory
from tests.factories.payments import ConnectedAccountFactory, PaymentFactory, approved_subsidy
from tests.fakes.fixtures import FAKE_WEBHOOK_SECRET
from tests.fakes.stripe_server import make_event
from tests.fakes.webhooks import load_event, signed_webhook
from tests.utils.auth import login

pytestmark = pytest.mark.django_db
Status = Payment.Status
WEBHOOK_URL = "/webhooks/stripe/"


def stripe_payment(fake_stripe, **traits):
    """An approved Stripe payment to an onboarded connected account on the fake server."""
    account = fake_stripe.add_account(onboarded=True)
    subsidy = approved_subsidy()
    ConnectedAccountFactory(organisation=subsidy.organisation, account_id=account["id"])
    return PaymentFactory(subsidy=subsidy, rail=Payment.Rail.STRIPE, **({"approved": True} | traits))


def post_event(client, event, *, secret=FAKE_WEBHOOK_SECRET):
    """Post like Stripe; the processing task queued on commit runs before this returns."""

    body, header = signed_webhook(event, secret)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


# --- Sending ---------------------------------------------------------------------------------------


def test_task_sends_an_approved_payment_as_one_transfer(fake_stripe):
    payment = stripe_payment(fake_stripe)
    send_payment.delay(payment.pk)
    payment.refresh_from_db()
    transfers = fake_stripe.objects_of("transfer")
    assert len(transfers) == 1
    assert payment.status == Status.SENT
    assert payment.external_id == transfers[0]["id"]
    assert transfers[0]["amount"] == payment.amount_cents
    assert transfers[0]["metadata"]["payment_reference"] == payment.reference
    request = fake_stripe.requests_to("/v1/transfers")[0]
    assert request.idempotency_key == payment.idempotency_key


def test_idempotency_key_is_stored_before_the_first_stripe_call(fake_stripe):
    payment = stripe_payment(fake_stripe)
    fake_stripe.fail_next("/v1/transfers", mode="500")
    before = timezone.now()
    assert send_payment.delay(payment.pk).get().startswith("next attempt at ")
    payment.refresh_from_db()
    assert payment.idempotency_key
    assert fake_stripe.requests_to("/v1/transfers")[0].idempotency_key == payment.idempotency_key
    assert payment.status == Status.APPROVED  # a 5xx is an unknown outcome: retried, never failed
    assert payment.next_attempt_at >= before + datetime.timedelta(minutes=1)  # by the sweep, same key


def test_retry_after_a_timeout_once_stripe_accepted_does_not_create_a_second_transfer(fake_stripe):
    payment = stripe_payment(fake_stripe)
    fake_stripe.fail_next("/v1/transfers", mode="timeout_after_commit")
    assert send_payment.delay(payment.pk).get().startswith("next attempt at ")
    fake_stripe.wait_idle()
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED
    assert len(fake_stripe.objects_of("transfer")) == 1  # Stripe made it; we did not hear back

    send_payment.delay(payment.pk)  # the next attempt, queued by the sweep when due

    payment.refresh_from_db()
    transfers = fake_stripe.objects_of("transfer")
    assert len(transfers) == 1
    assert payment.status == Status.SENT
    assert payment.external_id == transfers[0]["id"]
    first, second = fake_stripe.requests_to("/v1/transfers")
    assert first.idempotency_key == second.idempotency_key == payment.idempotency_key
    assert second.replayed


def test_worker_killed_after_the_call_and_rerun_does_not_pay_twice(fake_stripe):
    """The equivalent of SIGKILL between Stripe's answer and our commit: the key was stored,
    the transfer made, nothing recorded. The rerun replays the key and records the original."""
    payment = stripe_payment(fake_stripe)
    claimed = services._claim_for_sending(payment.pk)
    services.get_rail(name=claimed.rail).send(services._instruction(claimed))  # ... and the worker dies here

    send_payment.delay(payment.pk)
    send_payment.delay(payment.pk)  # a duplicate delivery of the task changes nothing either

    payment.refresh_from_db()
    assert len(fake_stripe.objects_of("transfer")) == 1
    assert payment.status == Status.SENT
    assert payment.external_id == fake_stripe.objects_of("transfer")[0]["id"]


def test_retry_after_stripe_forgot_the_key_finds_the_transfer_instead_of_sending(fake_stripe):
    payment = stripe_payment(fake_stripe)
    claimed = services._claim_for_sending(payment.pk)
    services.get_rail(name=claimed.rail).send(services._instruction(claimed))
    Payment.objects.filter(pk=payment.pk).update(approved_at=timezone.now() - datetime.timedelta(days=2))

    send_payment.delay(payment.pk)

    payment.refresh_from_db()
    assert len(fake_stripe.requests_to("/v1/transfers")) == 1
    assert payment.status == Status.SENT
    assert payment.external_id == fake_stripe.objects_of("transfer")[0]["id"]


def test_stripe_refusing_the_transfer_fails_the_payment_with_its_reason(fake_stripe):
    payment = stripe_payment(fake_stripe)
    ConnectedAccount.objects.filter(organisation=payment.payee).update(
        account_id=fake_stripe.add_account(onboarded=False)["id"]
    )
    send_payment.delay(payment.pk)
    payment.refresh_from_db()
    assert payment.status == Status.FAILED
    assert "capabilities" in payment.failure_reason
    assert fake_stripe.objects_of("transfer") == []


def test_failed_payment_retried_by_finance_is_sent_under_a_new_key(fake_stripe, django_capture_on_commit_callbacks):
    payment = stripe_payment(fake_stripe, failed=True, idempotency_key="payment-refused")
    finance = UserFactory(finance=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_retry(payment=payment, by=finance)
    payment.refresh_from_db()
    assert payment.status == Status.SENT
    assert payment.idempotency_key not in ("", None, "payment-refused")


def test_approving_a_stripe_payment_sends_it_after_commit(fake_stripe, django_capture_on_commit_callbacks):
    payment = stripe_payment(fake_stripe, approved=False, requested=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_approve(payment=payment, by=UserFactory(finance=True))
    payment.refresh_from_db()
    assert payment.status == Status.SENT


def test_task_ignores_a_payment_that_is_not_approved(fake_stripe):
    payment = stripe_payment(fake_stripe, approved=False, requested=True)
    assert send_payment.delay(payment.pk).get() == "nothing to send"
    assert fake_stripe.requests_to("/v1/transfers") == []


def test_task_leaves_bank_payments_for_the_batch_export(fake_stripe):
    payment = PaymentFactory(approved=True, rail=Payment.Rail.BANK)
    assert send_payment.delay(payment.pk).get() == "nothing to send"
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED


# --- Webhooks ------------------------------------------------------------------------------------


@pytest.fixture
def webhook_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = FAKE_WEBHOOK_SECRET
    return settings


def test_bad_signature_is_refused_and_nothing_is_stored(webhook_settings):
    response = post_event(Client(), load_event("transfer.created"), secret="whsec_wrong")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhook_without_a_configured_secret_is_not_acknowledged(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_event(Client(), load_event("transfer.created"))
    assert response.status_code == 503


def test_webhook_only_accepts_post(webhook_settings):
    assert Client().get(WEBHOOK_URL).status_code == 405


def test_event_is_stored_and_acknowledged_and_a_replay_is_harmless(webhook_settings):
    event = load_event("account.updated")
    client = Client()
    first = post_event(client, event)
    second = post_event(client, event)
    assert (first.status_code, second.status_code) == (200, 200)
    stored = WebhookEvent.objects.get()
    assert stored.event_id == event["id"]
    assert stored.deliveries == 2
    assert stored.processed_at is not None


def test_unknown_event_type_is_stored_and_ignored(webhook_settings):
    event = load_event("transfer.created", type="payout.paid")
    assert post_event(Client(), event).status_code == 200
    assert WebhookEvent.objects.get().result == "ignored"


def test_transfer_created_webhook_marks_the_sent_payment_paid(fake_stripe):
    payment = stripe_payment(fake_stripe)
    send_payment.delay(payment.pk)
    event = fake_stripe.events_of("transfer.created")[0]
    assert post_event(Client(), event).status_code == 200
    assert post_event(Client(), event).status_code == 200  # replayed
    payment.refresh_from_db()
    payment.subsidy.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.subsidy.status == Subsidy.Status.PAID
    assert [e.verb for e in events_for(payment)].count("payment.paid") == 1


def test_webhook_after_a_timeout_records_the_transfer_and_the_retry_then_does_nothing(fake_stripe):
    payment = stripe_payment(fake_stripe)
    fake_stripe.fail_next("/v1/transfers", mode="timeout_after_commit")
    send_payment.delay(payment.pk)
    fake_stripe.wait_idle()
    post_event(Client(), fake_stripe.events_of("transfer.created")[0])
    payment.refresh_from_db()
    assert payment.status == Status.PAID

    assert send_payment.delay(payment.pk).get() == "nothing to send"
    assert len(fake_stripe.requests_to("/v1/transfers")) == 1


def test_transfer_webhook_for_a_different_amount_is_recorded_not_applied(fake_stripe):
    payment = stripe_payment(fake_stripe)
    send_payment.delay(payment.pk)
    event = fake_stripe.events_of("transfer.created")[0]
    event["data"]["object"]["amount"] += 100
    post_event(Client(), event)
    payment.refresh_from_db()
    assert payment.status == Status.SENT
    assert events_for(payment).last().verb == "payment.mismatch"


def test_transfer_reversed_before_confirmation_fails_the_payment(fake_stripe):
    payment = stripe_payment(fake_stripe)
    send_payment.delay(payment.pk)
    payment.refresh_from_db()
    post_event(Client(), fake_stripe.reverse_transfer(payment.external_id))
    payment.refresh_from_db()
    assert payment.status == Status.FAILED
    assert "reversed" in payment.failure_reason


def test_transfer_reversed_after_payment_is_flagged_for_finance(fake_stripe):
    payment = stripe_payment(fake_stripe)
    send_payment.delay(payment.pk)
    post_event(Client(), fake_stripe.events_of("transfer.created")[0])
    payment.refresh_from_db()
    post_event(Client(), fake_stripe.reverse_transfer(payment.external_id))
    payment.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.reversed_at is not None
    assert events_for(payment).last().verb == "payment.reversed"


def test_account_updated_webhook_records_that_the_account_can_receive_transfers(fake_stripe):
    account = fake_stripe.add_account(onboarded=False)
    connected = ConnectedAccountFactory(account_id=account["id"], details_submitted=False, transfers_active=False)
    post_event(Client(), fake_stripe.complete_onboarding(account["id"]))
    connected.refresh_from_db()
    assert connected.details_submitted and connected.transfers_active


def test_the_cms_registers_its_donation_handler_with_payments():
    assert stripe_services._checkout_handlers == [handle_checkout_session_completed]


def test_checkout_completed_is_ignored_when_no_app_registered_a_handler(webhook_settings, monkeypatch):
    monkeypatch.setattr(stripe_services, "_checkout_handlers", [])
    post_event(Client(), load_event("checkout.session.completed"))
    assert WebhookEvent.objects.get().result == "ignored"


def test_checkout_completed_goes_to_the_registered_handler(webhook_settings, monkeypatch):
    received = []

    monkeypatch.setattr(stripe_services, "_checkout_handlers", [])
    stripe_services.on_checkout_session_completed(lambda event: received.append(event["id"]))
    event = load_event("checkout.session.completed")
    post_event(Client(), event)
    post_event(Client(), event)
    assert received == [event["id"]]


def test_a_failing_handler_keeps_the_event_stored_and_acknowledged(webhook_settings, monkeypatch):
    def broken(event):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(stripe_services.HANDLERS, "account.updated", broken)
    response = post_event(Client(), load_event("account.updated"))
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.processed_at is None
    assert "database hiccup" in stored.error


def test_fake_server_event_shape_matches_the_recorded_one(fake_stripe):
    event = make_event("account.updated", fake_stripe.add_account())
    assert set(load_event("account.updated")) >= set(event) - {"account"}


# --- Connect onboarding ----------------------------------------------------------------------------


def owner_of(organisation):
    user = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=user, role=Membership.Role.OWNER)
    return user


def test_owner_onboards_a_connected_account_through_the_account_link(fake_stripe):
    subsidy = approved_subsidy()
    organisation = subsidy.organisation
    client = login(Client(), owner_of(organisation))
    response = client.post(reverse("payments:stripe_connect", kwargs={"pk": organisation.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url + "/setup/e/")
    organisation.refresh_from_db()
    account = ConnectedAccount.objects.get(organisation=organisation)
    assert organisation.stripe_account_id == account.account_id
    assert not account.transfers_active

    # The NGO completes Stripe's hosted onboarding; Stripe sends it back to our return URL.

    hosted = requests.get(response["Location"], allow_redirects=False, timeout=5)
    return_path = hosted.headers["Location"].removeprefix("http://testserver")
    back = client.get(return_path)
    assert back.status_code == 302
    account.refresh_from_db()
    assert account.transfers_active


def test_connecting_twice_reuses_the_account(fake_stripe):
    organisation = approved_subsidy().organisation
    client = login(Client(), owner_of(organisation))
    url = reverse("payments:stripe_connect", kwargs={"pk": organisation.pk})
    client.post(url)
    client.post(url)
    assert len(fake_stripe.objects_of("account")) == 1


def test_plain_member_cannot_connect_a_stripe_account(fake_stripe):
    organisation = approved_subsidy().organisation
    member = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=member, role=Membership.Role.MEMBER)
    response = login(Client(), member).post(reverse("payments:stripe_connect", kwargs={"pk": organisation.pk}))
    assert response.status_code == 403
    assert fake_stripe.objects_of("account") == []


def test_connect_in_manual_mode_explains_that_payments_go_by_bank():
    organisation = approved_subsidy().organisation
    response = login(Client(), owner_of(organisation)).post(
        reverse("payments:stripe_connect", kwargs={"pk": organisation.pk}), follow=True
    )
    assert "bank transfer" in response.content.decode()
