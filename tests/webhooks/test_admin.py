"""The back office: administrators register endpoints, see the secret, read deliveries and
their attempts, and replay; no other role opens any of it; the lists' queries stay flat."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from core.audit import events_for
from tests.factories.accounts import UserFactory
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count
from tests.webhooks.test_signing import reference_verify
from webhooks import services, tasks
from webhooks.models import Attempt, Delivery, Endpoint, Event

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    return login(Client(), user)


def delivered(endpoint, status=Delivery.Status.FAILED, attempts=1) -> Delivery:
    event = Event.objects.create(type="payment.paid", data={"payment": {"id": 1}})
    delivery = Delivery.objects.create(endpoint=endpoint, event=event, status=status, attempt_count=attempts)
    for number in range(1, attempts + 1):
        Attempt.objects.create(
            delivery=delivery, number=number, started_at=event.created_at, status_code=500, response_excerpt="no"
        )
    return delivery


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once_saved(receiver, admin_user):
    client = admin_client(admin_user)
    response = client.post(
        reverse("webhooks_admin_endpoint_add"),
        {
            "url": receiver.url,
            "description": "Finance system",
            "events": ["payment.paid", "award.made"],
            "is_active": "on",
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks_admin_endpoint_secret", args=[endpoint.pk])
    assert endpoint.events == ["award.made", "payment.paid"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client.get(response["Location"])
    assert endpoint.secret in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    # The endpoint's own page shows only the masked secret.
    detail = client.get(reverse("webhooks_admin_endpoint", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in detail and endpoint.secret[-4:] in detail
    assert [e.verb for e in events_for(endpoint)] == ["webhook.endpoint_created"]


def test_the_form_refuses_a_private_address_in_production(admin_user, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    client = admin_client(admin_user)
    for url in ("https://169.254.169.254/latest", "https://10.0.0.8/hook", "http://93.184.216.34/hook"):
        response = client.post(reverse("webhooks_admin_endpoint_add"), {"url": url, "events": ["payment.paid"]})
        assert response.status_code == 200
        assert response.context["form"].errors["url"]
    assert not Endpoint.objects.exists()


def test_choosing_no_event_is_refused(admin_user, receiver):
    response = admin_client(admin_user).post(reverse("webhooks_admin_endpoint_add"), {"url": receiver.url})
    assert response.context["form"].errors["events"]


def test_editing_changes_events_and_switches_off(admin_user, receiver):
    endpoint = services.endpoint_create(by=admin_user, url=receiver.url, events=["payment.paid"])
    response = admin_client(admin_user).post(
        reverse("webhooks_admin_endpoint_edit", args=[endpoint.pk]), {"url": receiver.url, "events": ["call.final"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["call.final"] and not endpoint.is_active


def test_replacing_the_secret_signs_the_next_delivery_with_the_new_one(admin_user, receiver):
    endpoint = services.endpoint_create(by=admin_user, url=receiver.url, events=["payment.paid"])
    old = endpoint.secret
    admin_client(admin_user).post(reverse("webhooks_admin_endpoint_secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    tasks.deliver.delay(str(delivery.pk))
    (request,) = receiver.requests
    signature = request.headers["X-LegalAid-Signature"]
    assert reference_verify(endpoint.secret, signature, request.body, time.time())
    assert not reference_verify(old, signature, request.body, time.time())


def test_replay_from_the_admin_sends_the_same_event_again_as_a_new_attempt(
    admin_user, receiver, django_capture_on_commit_callbacks
):
    endpoint = services.endpoint_create(by=admin_user, url=receiver.url, events=["payment.paid"])
    delivery = delivered(endpoint, attempts=2)
    client = admin_client(admin_user)
    page = client.get(reverse("webhooks_admin_delivery", args=[delivery.pk])).content.decode()
    assert reverse("webhooks_admin_delivery_replay", args=[delivery.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks_admin_delivery_replay", args=[delivery.pk]))
    assert response.status_code == 302

    (request,) = receiver.requests
    assert request.json["id"] == delivery.event.public_id
    assert request.headers["X-LegalAid-Delivery"] == delivery.public_id
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempt_count == 3
    replay = delivery.attempts.get(number=3)
    assert replay.is_replay and replay.replay_by == admin_user and replay.status_code == 200
    assert [e.verb for e in events_for(endpoint)][-1] == "webhook.delivery_replayed"
    page = client.get(reverse("webhooks_admin_delivery", args=[delivery.pk])).content.decode()
    assert ("replay" in page and admin_user.email in page) or str(admin_user) in page

    # A replay that fails does not restart the schedule.
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks_admin_delivery_replay", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempt_count == 4
    assert len(receiver.requests) == 2


def test_a_delivery_still_being_tried_cannot_be_replayed(admin_user, receiver):
    endpoint = services.endpoint_create(by=admin_user, url=receiver.url, events=["payment.paid"])
    delivery = delivered(endpoint, status=Delivery.Status.PENDING)
    client = admin_client(admin_user)
    response = client.post(reverse("webhooks_admin_delivery_replay", args=[delivery.pk]), follow=True)
    assert "still being tried" in response.content.decode()
    delivery.refresh_from_db()
    assert not delivery.replay_pending and receiver.requests == []


@pytest.mark.parametrize("role", ["officer", "finance", "editor", "ngo_member", "reviewer"])
def test_no_other_role_opens_the_webhook_pages(role, admin_user):
    endpoint = Endpoint.objects.create(url="https://93.184.216.34/hook", events=["payment.paid"])
    delivery = delivered(endpoint)
    user = UserFactory(**{role: True})
    client = login(Client(), user)
    for name, args, method in [
        ("webhooks_admin_endpoints", [], "get"),
        ("webhooks_admin_endpoint_add", [], "post"),
        ("webhooks_admin_endpoint", [endpoint.pk], "get"),
        ("webhooks_admin_endpoint_edit", [endpoint.pk], "post"),
        ("webhooks_admin_endpoint_secret", [endpoint.pk], "get"),
        ("webhooks_admin_endpoint_secret", [endpoint.pk], "post"),
        ("webhooks_admin_delivery", [delivery.pk], "get"),
        ("webhooks_admin_delivery_replay", [delivery.pk], "post"),
    ]:
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code in (302, 403), (name, response.status_code)
        assert endpoint.secret not in response.content.decode()
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    endpoint.refresh_from_db()
    assert endpoint.events == ["payment.paid"] and not Attempt.objects.filter(is_replay=True).exists()


def test_the_lists_make_the_same_queries_for_many_rows(admin_user):
    client = admin_client(admin_user)
    endpoint = Endpoint.objects.create(url="https://93.184.216.34/hook", events=["payment.paid"])
    assert_flat_query_count(
        client,
        reverse("webhooks_admin_endpoint", args=[endpoint.pk]),
        lambda n: [delivered(endpoint) for _ in range(n)],
    )
    assert_flat_query_count(
        client,
        reverse("webhooks_admin_endpoints"),
        lambda n: [Endpoint.objects.create(url=f"https://93.184.216.{i}/h", events=["call.final"]) for i in range(n)],
    )
    delivery = delivered(endpoint, attempts=1)

    def more_attempts(n):
        start = delivery.attempts.count()
        for number in range(start + 1, start + n + 1):
            Attempt.objects.create(
                delivery=delivery, number=number, started_at=delivery.created_at, replay_by=admin_user
            )

    assert_flat_query_count(client, reverse("webhooks_admin_delivery", args=[delivery.pk]), more_attempts)
