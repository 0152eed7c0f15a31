"""Delivery end to end: a real change through its service, the event signed and POSTed by
the Celery task (eager) to a real HTTP server on 127.0.0.1, every attempt recorded,
retries with backoff (quick ones inside Celery, later ones from the database schedule)."""

import datetime
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grants.calls.services.applications import application_submit
from tests.factories.grants import ApplicationFactory, applicant_of, fill_application
from tests.webhooks.test_signing import reference_verify
from webhooks import retries, sending, services, tasks
from webhooks.models import Attempt, Delivery, Endpoint, Event

pytestmark = pytest.mark.django_db


def register(admin, url, events=("application.submitted",), **extra) -> Endpoint:
    return services.endpoint_create(by=admin, url=url, events=list(events), **extra)


def submit_application(capture):
    application = ApplicationFactory()
    fill_application(application)
    with capture(execute=True):
        application_submit(application=application, by=applicant_of(application))
    application.refresh_from_db()
    return application


def test_submitting_an_application_delivers_a_signed_application_submitted_event(
    receiver, admin_user, django_capture_on_commit_callbacks
):
    endpoint = register(admin_user, receiver.url)
    application = submit_application(django_capture_on_commit_callbacks)

    (request,) = receiver.requests
    assert request.path == "/hooks/legal-aid"
    body = request.json
    assert body["type"] == "application.submitted"
    assert request.headers["X-LegalAid-Event"] == "application.submitted"
    assert request.headers["X-LegalAid-Event-Id"] == body["id"]
    assert reference_verify(endpoint.secret, request.headers["X-LegalAid-Signature"], request.body, now=time.time())
    assert request.headers["X-LegalAid-Signature"].startswith(f"t={request.headers['X-LegalAid-Timestamp']},v1=")
    data = body["data"]["application"]
    assert data["id"] == application.pk
    assert data["reference"] == application.reference
    assert data["revision"] == 1
    assert data["call"]["id"] == application.call_id
    assert data["organisation"]["id"] == application.organisation_id
    # No personal data: no e-mail address, no person's name, no application text.
    assert "@" not in request.body.decode()
    assert application.summary not in request.body.decode()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert request.headers["X-LegalAid-Delivery"] == delivery.public_id
    assert body["id"] == delivery.event.public_id
    (attempt,) = delivery.attempts.all()
    assert attempt.succeeded and attempt.status_code == 200
    assert attempt.response_excerpt == '{"received": true}'
    assert attempt.duration_ms >= 0 and not attempt.error


def test_only_active_endpoints_subscribed_to_the_event_receive_it(
    receiver, admin_user, django_capture_on_commit_callbacks
):
    register(admin_user, receiver.url, events=["payment.paid"])
    register(admin_user, receiver.url + "/off", is_active=False)
    submit_application(django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert not Event.objects.exists()


def test_a_change_rolled_back_publishes_nothing(receiver, admin_user, django_capture_on_commit_callbacks):
    register(admin_user, receiver.url)
    application = ApplicationFactory()
    fill_application(application)
    member = applicant_of(application)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        application_submit(application=application, by=member)
        assert Delivery.objects.count() == 1
        transaction.set_rollback(True)
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def due_now(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_failures_are_retried_with_backoff_by_the_sweep_with_the_same_event_id(
    receiver, admin_user, django_capture_on_commit_callbacks
):
    register(admin_user, receiver.url)
    receiver.answers = [500, 503, 502]
    submit_application(django_capture_on_commit_callbacks)

    # Eager (tests, no broker): the first failure waits for the sweep, a minute.
    delivery = Delivery.objects.get()
    assert delivery.attempt_count == 1
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_status_code == 500
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert datetime.timedelta(seconds=59) < wait <= datetime.timedelta(minutes=1, seconds=5)

    # Not due yet: the sweep sends nothing.
    assert tasks.retry_due.delay().get() == 0
    assert len(receiver.requests) == 1

    # Driven explicitly: each due attempt is queued by the sweep.
    for expected in (2, 3):
        due_now(delivery)
        assert tasks.retry_due.delay().get() == 1
        delivery.refresh_from_db()
        assert delivery.attempt_count == expected and delivery.status == Delivery.Status.PENDING
    assert delivery.next_attempt_at - delivery.last_attempt_at >= retries.delay_after(3)
    due_now(delivery)
    assert tasks.retry_due.delay().get() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.attempt_count == 4
    attempts = list(delivery.attempts.order_by("number"))
    assert [a.status_code for a in attempts] == [500, 503, 502, 200]
    assert all(len(a.response_excerpt) == retries.EXCERPT_CHARS for a in attempts[:3])
    assert len({r.json["id"] for r in receiver.requests}) == 1
    assert len({r.headers["X-LegalAid-Delivery"] for r in receiver.requests}) == 1


def test_on_a_worker_the_first_failures_ask_celery_to_retry_at_once(receiver, admin_user):
    """What the task does with autoretry: the outcome of attempts 1 and 2 says retry now
    (the task raises AttemptFailed, Celery retries after 1 s, 2 s); attempt 3 waits for the sweep."""
    endpoint = register(admin_user, receiver.url)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    receiver.answers = [500, 500, 500]
    outcomes = [sending.attempt_delivery(delivery_id=delivery.pk, quick_retries=True) for _ in range(3)]
    assert [(o.attempt, o.retry_now) for o in outcomes] == [(1, True), (2, True), (3, False)]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - delivery.last_attempt_at >= retries.delay_after(3)
    assert tasks.deliver.autoretry_for == (tasks.AttemptFailed,)
    assert tasks.deliver.max_retries == retries.QUICK_ATTEMPTS - 1


def test_the_wait_doubles_from_a_minute_up_to_six_hours_and_then_the_delivery_fails(receiver, admin_user):
    assert [retries.delay_after(n) for n in (3, 4, 5, 6)] == [datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retries.delay_after(14) == retries.MAX_DELAY == datetime.timedelta(hours=6)
    total = sum(
        (retries.delay_after(n) for n in range(retries.QUICK_ATTEMPTS, retries.MAX_ATTEMPTS)), datetime.timedelta()
    )
    assert datetime.timedelta(hours=20) < total < datetime.timedelta(hours=30)

    endpoint = register(admin_user, receiver.url)
    event = Event.objects.create(type="payment.paid", data={})
    delivery = Delivery.objects.create(endpoint=endpoint, event=event, attempt_count=retries.MAX_ATTEMPTS - 1)
    receiver.answers = [500]
    assert tasks.deliver.delay(str(delivery.pk)).get() == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.next_attempt_at is None
    assert delivery.attempt_count == retries.MAX_ATTEMPTS


def test_the_task_retries_inside_celery_only_briefly():
    task = tasks.deliver
    assert task.autoretry_for == (tasks.AttemptFailed,)
    assert task.max_retries == retries.QUICK_ATTEMPTS - 1
    assert task.retry_backoff and task.retry_backoff_max <= settings.TASK_RETRY_MAX_COUNTDOWN
    assert task.time_limit + task.retry_backoff_max < settings.TASK_VISIBILITY_TIMEOUT
    assert retries.TIMEOUT_SECONDS < task.soft_time_limit < task.time_limit


def test_a_timeout_and_a_refused_connection_are_recorded_as_errors(receiver, admin_user, monkeypatch):
    monkeypatch.setattr(retries, "TIMEOUT_SECONDS", 0.3)
    endpoint = register(admin_user, receiver.url)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    receiver.answers = ["slow"]
    tasks.deliver.delay(str(delivery.pk))
    (error,) = delivery.attempts.values_list("error", flat=True)
    assert "No answer within" in error or "timed out" in error

    Endpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/closed")
    other = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    tasks.deliver.delay(str(other.pk))
    attempt = other.attempts.first()
    assert attempt.status_code is None and attempt.error


def test_redirects_are_not_followed(receiver, admin_user):
    endpoint = register(admin_user, receiver.url)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    receiver.answers = ["redirect"]
    tasks.deliver.delay(str(delivery.pk))
    assert list(delivery.attempts.values_list("status_code", flat=True)) == [302]
    assert len(receiver.requests) == 1


def test_a_delivery_is_sent_once_however_often_its_task_runs(receiver, admin_user):
    endpoint = register(admin_user, receiver.url)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    assert tasks.deliver.delay(str(delivery.pk)).get() == Delivery.Status.SUCCEEDED
    assert tasks.deliver.delay(str(delivery.pk)).get() == "nothing to do"
    # Claimed by another worker at this moment: nothing either.
    claimed = Delivery.objects.create(
        endpoint=endpoint,
        event=Event.objects.create(type="payment.paid", data={}),
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now(),
    )
    assert tasks.deliver.delay(str(claimed.pk)).get() == "nothing to do"
    assert len(receiver.requests) == 1
    assert Attempt.objects.count() == 1


def test_the_sweep_takes_back_a_claim_whose_worker_died(receiver, admin_user):
    endpoint = register(admin_user, receiver.url)
    stale = Delivery.objects.create(
        endpoint=endpoint,
        event=Event.objects.create(type="payment.paid", data={}),
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now() - retries.CLAIM_STALE_AFTER - datetime.timedelta(seconds=1),
    )
    assert tasks.retry_due.delay().get() == 1
    stale.refresh_from_db()
    assert stale.status == Delivery.Status.SUCCEEDED
    assert len(receiver.requests) == 1


def test_a_switched_off_endpoint_gets_nothing_and_the_delivery_fails(receiver, admin_user):
    endpoint = register(admin_user, receiver.url, is_active=False)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    assert tasks.deliver.delay(str(delivery.pk)).get() == Delivery.Status.FAILED
    assert receiver.requests == []
    assert "switched off" in delivery.attempts.get().error


def test_an_endpoint_now_resolving_to_a_private_address_is_not_called(receiver, admin_user, settings):
    endpoint = register(admin_user, receiver.url)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="payment.paid", data={}))
    tasks.deliver.delay(str(delivery.pk))
    assert receiver.requests == []
    assert "https" in delivery.attempts.first().error
