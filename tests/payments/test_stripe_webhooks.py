"""Webhook signatures checked by the SDK, and routing of verified events by type."""

import hashlib
import hmac
import json
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from grants.payments import webhooks
from grants.payments.stripe_gateway import WebhookSignatureError, verify_webhook
from tests.fakes.webhooks import RECORDED_EVENT_TYPES, load_event, signed_webhook

SECRET = "whsec_test"


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.mark.parametrize("event_type", RECORDED_EVENT_TYPES)
def test_validly_signed_recorded_event_is_accepted(event_type):
    body, header = signed_webhook(load_event(event_type), SECRET)

    event = verify_webhook(body, header)

    assert event.type == event_type
    assert event["id"] == json.loads(body)["id"]
    assert event.data.object.id == json.loads(body)["data"]["object"]["id"]


@pytest.mark.parametrize("event_type", RECORDED_EVENT_TYPES)
def test_tampered_body_is_rejected(event_type):
    body, header = signed_webhook(load_event(event_type), SECRET)
    tampered = body.replace(b'"livemode": false', b'"livemode": true', 1)
    assert tampered != body

    with pytest.raises(WebhookSignatureError, match="Invalid Stripe signature"):
        verify_webhook(tampered, header)


@pytest.mark.parametrize("event_type", RECORDED_EVENT_TYPES)
def test_signature_older_than_the_tolerance_is_rejected(event_type):
    body, header = signed_webhook(load_event(event_type), SECRET, timestamp=int(time.time()) - 301)

    with pytest.raises(WebhookSignatureError, match="tolerance"):
        verify_webhook(body, header)


@pytest.mark.parametrize("event_type", RECORDED_EVENT_TYPES)
def test_signature_made_with_another_secret_is_rejected(event_type):
    body, header = signed_webhook(load_event(event_type), "whsec_someone_else")

    with pytest.raises(WebhookSignatureError):
        verify_webhook(body, header)


def test_signature_just_inside_the_tolerance_is_accepted():
    body, header = signed_webhook(load_event("transfer.created"), SECRET, timestamp=int(time.time()) - 290)

    assert verify_webhook(body, header).type == "transfer.created"


@pytest.mark.parametrize("header", [None, "", "garbage", "t=notanumber,v1=abc", "t=1767225600"])
def test_missing_or_malformed_signature_header_is_rejected(header):
    body, _ = signed_webhook(load_event("transfer.created"), SECRET)

    with pytest.raises(WebhookSignatureError):
        verify_webhook(body, header)


def test_signed_body_that_is_not_json_is_rejected():
    timestamp = int(time.time())
    body = b"not json"
    mac = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()

    with pytest.raises(WebhookSignatureError, match="not a Stripe event"):
        verify_webhook(body, f"t={timestamp},v1={mac}")


def test_missing_endpoint_secret_is_a_configuration_error(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body, header = signed_webhook(load_event("transfer.created"), SECRET)

    with pytest.raises(ImproperlyConfigured):
        verify_webhook(body, header)


def test_events_emitted_by_the_fake_server_verify_too(fake_stripe):
    account = fake_stripe.add_account(onboarded=False)
    event = fake_stripe.complete_onboarding(account["id"])
    body, header = signed_webhook(event, SECRET)

    verified = verify_webhook(body, header)

    assert verified.account == account["id"]
    assert verified.data.object.capabilities.transfers == "active"


def test_dispatch_routes_by_type_and_returns_the_handler_result():
    body, header = signed_webhook(load_event("transfer.reversed"), SECRET)
    event = verify_webhook(body, header)
    seen = []

    result = webhooks.dispatch(
        event,
        {
            webhooks.TRANSFER_CREATED: lambda e: "wrong handler",
            webhooks.TRANSFER_REVERSED: lambda e: seen.append(e.data.object.id) or "reversal recorded",
        },
    )

    assert result == "reversal recorded"
    assert seen == ["tr_1QfT2aLkdIwHu7ixQm4xA7Cd"]


def test_dispatch_ignores_event_types_without_a_handler():
    event = load_event("checkout.session.completed", type="customer.created")

    assert webhooks.dispatch(event, {webhooks.CHECKOUT_SESSION_COMPLETED: pytest.fail}) == webhooks.IGNORED


def test_dispatch_lets_handler_errors_propagate_so_the_event_is_retried():
    def broken(event):
        raise RuntimeError("ledger unavailable")

    with pytest.raises(RuntimeError):
        webhooks.dispatch(load_event("account.updated"), {webhooks.ACCOUNT_UPDATED: broken})


def test_event_identity_reads_verified_events_and_plain_dicts_alike():
    raw = load_event("account.updated")
    body, header = signed_webhook(raw, SECRET)

    from_event = webhooks.event_identity(verify_webhook(body, header))
    from_dict = webhooks.event_identity(raw)

    assert from_event == from_dict
    assert from_dict == webhooks.EventIdentity(
        id="evt_1QfSzxPx8s2nHq4LcV0j6MhY",
        type="account.updated",
        created=1767139200,
        livemode=False,
        object_id="acct_1QfSzVPx8s2nHq4L",
        account="acct_1QfSzVPx8s2nHq4L",
    )
    assert webhooks.event_identity(load_event("transfer.created")).account is None


def test_recorded_events_cover_every_type_the_product_handles_first():
    for event_type in RECORDED_EVENT_TYPES:
        event = load_event(event_type)
        assert event["object"] == "event"
        assert event["type"] == event_type
        assert event_type in webhooks.SUBSCRIBED_EVENT_TYPES
