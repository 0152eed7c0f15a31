"""The fake Stripe API itself: the rules the other tests rely on."""

import pytest
import requests

from tests.fakes.formdecode import decode_form
from tests.fakes.stripe_server import FakeStripeServer

AUTH = {"Authorization": "Bearer sk_test_fake"}


@pytest.fixture
def server():
    with FakeStripeServer() as fake:
        yield fake


def _post(server, path, data, **headers):
    return requests.post(server.url + path, data=data, headers={**AUTH, **headers}, timeout=5)


def test_form_decoding_matches_stripes_bracket_convention():
    body = (
        "amount=5&metadata[a]=1&line_items[1][quantity]=2&line_items[0][price_data][currency]=cny&expand[]=x&expand[]=y"
    )

    assert decode_form(body) == {
        "amount": "5",
        "metadata": {"a": "1"},
        "line_items": [{"price_data": {"currency": "cny"}}, {"quantity": "2"}],
        "expand": ["x", "y"],
    }


def test_requests_without_the_right_bearer_key_are_refused_and_recorded(server):
    response = requests.post(server.url + "/v1/accounts", data={"email": "a@b.c"}, timeout=5)

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert server.objects_of("account") == []
    assert [r.status for r in server.requests] == [401]


def test_unknown_routes_and_objects_get_stripe_style_404s(server):
    assert requests.get(server.url + "/v1/charges", headers=AUTH, timeout=5).status_code == 404
    missing = requests.get(server.url + "/v1/transfers/tr_nope", headers=AUTH, timeout=5)
    assert missing.json()["error"]["code"] == "resource_missing"


def test_same_idempotency_key_replays_the_stored_response(server):
    first = _post(server, "/v1/accounts", {"email": "a@b.c"}, **{"Idempotency-Key": "k1"})
    second = _post(server, "/v1/accounts", {"email": "a@b.c"}, **{"Idempotency-Key": "k1"})

    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(server.objects_of("account")) == 1


def test_validation_errors_are_not_stored_under_the_key(server):
    account = server.add_account()
    bad = _post(server, "/v1/transfers", {"currency": "cny", "destination": account["id"]}, **{"Idempotency-Key": "k"})
    good = _post(
        server,
        "/v1/transfers",
        {"amount": 1, "currency": "cny", "destination": account["id"]},
        **{"Idempotency-Key": "k"},
    )

    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "amount"
    assert good.status_code == 200


def test_injected_500_creates_nothing_and_stores_nothing(server):
    account = server.add_account()
    server.fail_next("/v1/transfers", mode="500")
    params = {"amount": 100, "currency": "cny", "destination": account["id"]}

    assert _post(server, "/v1/transfers", params, **{"Idempotency-Key": "k"}).status_code == 500
    assert server.objects_of("transfer") == []
    assert _post(server, "/v1/transfers", params, **{"Idempotency-Key": "k"}).status_code == 200
    assert [r.fault for r in server.requests_to("/v1/transfers")] == ["500", None]


def test_transfer_creation_emits_the_event_stripe_would_send(server):
    account = server.add_account()
    response = _post(
        server,
        "/v1/transfers",
        {"amount": 100, "currency": "CNY", "destination": account["id"]},
        **{"Idempotency-Key": "k"},
    )

    (event,) = server.events_of("transfer.created")
    assert event["data"]["object"]["id"] == response.json()["id"]
    assert event["request"]["idempotency_key"] == "k"
    reversed_event = server.reverse_transfer(response.json()["id"])
    assert reversed_event["data"]["object"]["reversed"] is True


def test_unknown_fault_mode_is_a_test_bug(server):
    with pytest.raises(ValueError, match="unknown fault mode"):
        server.fail_next("/v1/transfers", mode="slow")
