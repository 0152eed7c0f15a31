"""The Stripe gateway against the local fake API: the real SDK, real HTTP, real idempotency."""

import time

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from grants.payments import stripe_gateway as gateway
from grants.payments.rails import TransferInstruction
from grants.payments.stripe_gateway import PaymentGatewayError, StripeTransferRail


def _instruction(destination, **overrides):
    fields = {
        "payment_reference": "PAY-2026-000031",
        "amount_cents": 4_000_000,
        "currency": "CNY",
        "destination": destination,
        "idempotency_key": "payment-PAY-2026-000031",
        "description": "Grant tranche 1 of 3 (on signing)",
        "metadata": {"award": "AW-2026-0007", "tranche": 1},
    }
    return TransferInstruction(**{**fields, **overrides})


@pytest.fixture
def ngo_account(fake_stripe):
    return fake_stripe.add_account(email="finance@ngo.example", onboarded=True)["id"]


def test_sdk_requests_reach_fake_with_bearer_key_and_form_encoding(fake_stripe, ngo_account):
    StripeTransferRail().send(_instruction(ngo_account))

    (request,) = fake_stripe.requests_to("/v1/transfers")
    assert request.headers["authorization"] == "Bearer sk_test_fake"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.params["metadata"] == {
        "award": "AW-2026-0007",
        "tranche": "1",
        "payment_reference": "PAY-2026-000031",
    }
    assert request.params["amount"] == "4000000"
    assert request.params["currency"] == "cny"


def test_transfer_send_returns_sent_with_the_transfer_id(fake_stripe, ngo_account):
    result = StripeTransferRail().send(_instruction(ngo_account))

    (transfer,) = fake_stripe.objects_of("transfer")
    assert result.status == "sent"
    assert result.external_id == transfer["id"]
    assert transfer["destination"] == ngo_account
    assert transfer["transfer_group"] == "PAY-2026-000031"
    assert gateway.retrieve_transfer(result.external_id).amount == 4_000_000


def test_sending_the_same_instruction_twice_creates_one_transfer(fake_stripe, ngo_account):
    rail = StripeTransferRail()
    first = rail.send(_instruction(ngo_account))
    second = rail.send(_instruction(ngo_account))

    assert first == second
    assert len(fake_stripe.objects_of("transfer")) == 1
    assert [r.replayed for r in fake_stripe.requests_to("/v1/transfers")] == [False, True]


def test_retry_after_timeout_once_stripe_accepted_returns_the_original_transfer(fake_stripe, ngo_account):
    rail = StripeTransferRail()
    fake_stripe.fail_next("/v1/transfers", mode="timeout_after_commit")

    started = time.monotonic()
    with pytest.raises(PaymentGatewayError) as excinfo:
        rail.send(_instruction(ngo_account))
    assert time.monotonic() - started < 2.5, "the client gave up at its own timeout"
    assert excinfo.value.retryable
    assert excinfo.value.outcome_unknown
    assert len(fake_stripe.objects_of("transfer")) == 1, "Stripe did accept the first attempt"

    result = rail.send(_instruction(ngo_account))

    (transfer,) = fake_stripe.objects_of("transfer")
    assert result.external_id == transfer["id"]
    assert len(fake_stripe.requests_to("/v1/transfers")) == 2


def test_retry_after_timeout_before_stripe_acted_creates_exactly_one_transfer(fake_stripe, ngo_account):
    rail = StripeTransferRail()
    fake_stripe.fail_next("/v1/transfers", mode="timeout_before_commit", delay=1.5)
    with pytest.raises(PaymentGatewayError):
        rail.send(_instruction(ngo_account))
    assert fake_stripe.objects_of("transfer") == []

    # Stripe is still working on the first request: an immediate retry is turned away, not executed.
    with pytest.raises(PaymentGatewayError) as excinfo:
        rail.send(_instruction(ngo_account))
    assert excinfo.value.retryable
    fake_stripe.wait_idle()

    result = rail.send(_instruction(ngo_account))

    (transfer,) = fake_stripe.objects_of("transfer")
    assert result.external_id == transfer["id"]


def test_server_error_is_retryable_and_the_retry_creates_one_transfer(fake_stripe, ngo_account):
    rail = StripeTransferRail()
    fake_stripe.fail_next("/v1/transfers", mode="500")
    with pytest.raises(PaymentGatewayError) as excinfo:
        rail.send(_instruction(ngo_account))
    assert excinfo.value.retryable

    rail.send(_instruction(ngo_account))

    assert len(fake_stripe.objects_of("transfer")) == 1
    assert len(fake_stripe.requests_to("/v1/transfers")) == 2, "no hidden SDK retries"


def test_reusing_a_key_for_a_different_amount_is_refused_not_paid(fake_stripe, ngo_account):
    rail = StripeTransferRail()
    rail.send(_instruction(ngo_account))

    with pytest.raises(PaymentGatewayError) as excinfo:
        rail.send(_instruction(ngo_account, amount_cents=4_000_001))

    assert not excinfo.value.retryable
    assert "same parameters" in str(excinfo.value)
    assert len(fake_stripe.objects_of("transfer")) == 1


def test_distinct_payments_get_distinct_transfers(fake_stripe, ngo_account):
    rail = StripeTransferRail()
    rail.send(_instruction(ngo_account))
    rail.send(_instruction(ngo_account, payment_reference="PAY-2026-000032", idempotency_key="payment-PAY-2026-000032"))

    assert len(fake_stripe.objects_of("transfer")) == 2
    assert [t.id for t in gateway.find_transfers(payment_reference="PAY-2026-000032")] == [
        t["id"] for t in fake_stripe.objects_of("transfer") if t["transfer_group"] == "PAY-2026-000032"
    ]


def test_transfer_to_an_account_that_has_not_finished_onboarding_fails_permanently(fake_stripe):
    account_id = gateway.create_connected_account(email="new@ngo.example")

    with pytest.raises(PaymentGatewayError) as excinfo:
        StripeTransferRail().send(_instruction(account_id))

    assert not excinfo.value.retryable
    assert excinfo.value.code == "insufficient_capabilities_for_transfer"
    assert fake_stripe.objects_of("transfer") == []


def test_account_link_flow_enables_transfers_after_onboarding(fake_stripe):
    account_id = gateway.create_connected_account(email="finance@ngo.example", metadata={"organisation": "42"})
    assert account_id.startswith("acct_")
    assert not gateway.account_can_receive_transfers(gateway.retrieve_account(account_id))
    (created,) = fake_stripe.requests_to("/v1/accounts")
    assert created.params["type"] == "express"
    assert created.params["capabilities"] == {"transfers": {"requested": "true"}}

    url = gateway.create_account_link(
        account_id=account_id,
        refresh_url="https://hub.example.org/org/42/stripe/refresh/",
        return_url="https://hub.example.org/org/42/stripe/return/",
    )
    visit = requests.get(url, allow_redirects=False, timeout=5)

    assert visit.status_code == 302
    assert visit.headers["Location"] == "https://hub.example.org/org/42/stripe/return/"
    account = gateway.retrieve_account(account_id)
    assert gateway.account_can_receive_transfers(account)
    assert account.metadata["organisation"] == "42"
    (event,) = fake_stripe.events_of("account.updated")
    assert event["account"] == account_id
    again = requests.get(url, allow_redirects=False, timeout=5)
    assert again.headers["Location"].endswith("/stripe/refresh/"), "account links are single-use"


def test_mainland_china_accounts_are_refused_with_a_clear_error(fake_stripe):
    with pytest.raises(PaymentGatewayError) as excinfo:
        gateway.create_connected_account(email="x@ngo.example", country="CN")

    assert "CN" in str(excinfo.value)
    assert not excinfo.value.retryable


def test_retrieving_an_unknown_account_is_a_permanent_error(fake_stripe):
    with pytest.raises(PaymentGatewayError) as excinfo:
        gateway.retrieve_account("acct_missing")

    assert excinfo.value.code == "resource_missing"


def test_checkout_session_creation_and_payment(fake_stripe):
    session_id, url = gateway.create_checkout_session(
        amount_cents=20_000,
        currency="CNY",
        success_url="https://hub.example.org/showcase/17/thanks/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://hub.example.org/showcase/17/",
        metadata={"showcase": 17, "kind": "donation"},
    )

    assert session_id.startswith("cs_test_")
    (request,) = fake_stripe.requests_to("/v1/checkout/sessions")
    assert request.params["line_items"][0]["price_data"] == {
        "currency": "cny",
        "unit_amount": "20000",
        "product_data": {"name": "Donation"},
    }
    assert request.params["submit_type"] == "donate"
    session = gateway.retrieve_checkout_session(session_id)
    assert (session.amount_total, session.currency, session.payment_status) == (20_000, "cny", "unpaid")
    assert session.metadata["showcase"] == "17"

    paid = requests.get(url, allow_redirects=False, timeout=5)

    assert paid.headers["Location"] == f"https://hub.example.org/showcase/17/thanks/?session_id={session_id}"
    assert gateway.retrieve_checkout_session(session_id).payment_status == "paid"
    (event,) = fake_stripe.events_of("checkout.session.completed")
    assert event["data"]["object"]["id"] == session_id


@pytest.mark.parametrize("amount", [0, -5, 12.5, True])
def test_checkout_session_rejects_non_positive_or_non_integer_amounts(fake_stripe, amount):
    with pytest.raises(ValueError, match="amount_cents"):
        gateway.create_checkout_session(
            amount_cents=amount, currency="cny", success_url="https://x/", cancel_url="https://x/", metadata={}
        )
    assert fake_stripe.requests == []


def test_wrong_api_key_is_a_permanent_error(fake_stripe, settings, ngo_account):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"

    with pytest.raises(PaymentGatewayError) as excinfo:
        StripeTransferRail().send(_instruction(ngo_account))

    assert not excinfo.value.retryable
    assert fake_stripe.objects_of("transfer") == []


def test_gateway_refuses_to_run_without_a_secret_key(settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(ImproperlyConfigured):
        gateway.get_client()
