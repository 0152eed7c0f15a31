"""An email goes out at most once per key, even when the worker dies after delivering it,
and none is lost that had not started (core/tasks.py: send_templated_email)."""

import datetime

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from core.models import SentEmail
from core.tasks import SENDING_STALE_AFTER, send_templated_email

pytestmark = pytest.mark.django_db

KWARGS = {"template": "core_test_message", "to": "a@ngo.org", "language": "en", "context": {}, "key": "k:once"}


class WorkerKilled(BaseException):
    """What the task sees of a SIGKILL: nothing after this point runs (not an Exception)."""


class DeliversThenDies(EmailBackend):
    """The SMTP server has accepted the message; the worker dies before the task records it."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise WorkerKilled


class RefusedOnce(EmailBackend):
    """The mail server is unreachable once (nothing delivered), then answers."""

    failures = 0

    def send_messages(self, messages):
        if RefusedOnce.failures == 0:
            RefusedOnce.failures += 1
            raise ConnectionRefusedError("SMTP server unreachable")
        return super().send_messages(messages)


def test_a_first_run_claims_the_key_sends_and_records_the_send():
    assert send_templated_email.delay(**KWARGS).get() is True
    assert [m.to for m in mail.outbox] == [["a@ngo.org"]]
    row = SentEmail.objects.get(key="k:once")
    assert row.status == SentEmail.Status.SENT
    assert row.sent_at is not None


def test_a_worker_killed_after_delivery_leaves_the_key_claimed_and_the_redelivery_sends_nothing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DeliversThenDies"
    with pytest.raises(WorkerKilled):
        send_templated_email.delay(**KWARGS)
    assert len(mail.outbox) == 1  # it did go out
    row = SentEmail.objects.get(key="k:once")
    assert row.status == SentEmail.Status.SENDING  # the claim was committed before sending

    # The broker redelivers the task long after (the visibility timeout): the claim is stale.
    SentEmail.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - SENDING_STALE_AFTER - datetime.timedelta(1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_templated_email.delay(**KWARGS).get() is False

    assert len(mail.outbox) == 1, "sent at most once"
    row.refresh_from_db()
    assert row.status == SentEmail.Status.INTERRUPTED  # shown to the operator, not resent


def test_a_duplicate_run_while_another_is_sending_sends_nothing_and_leaves_the_claim_alone():
    SentEmail.objects.create(key="k:once", status=SentEmail.Status.SENDING)  # a live attempt, seconds old
    assert send_templated_email.delay(**KWARGS).get() is False
    assert mail.outbox == []
    assert SentEmail.objects.get(key="k:once").status == SentEmail.Status.SENDING


def test_a_task_that_had_not_started_sending_is_not_lost():
    """A worker killed before the claim leaves no row: the redelivered task sends."""
    assert not SentEmail.objects.filter(key="k:once").exists()
    assert send_templated_email.delay(**KWARGS).get() is True
    assert len(mail.outbox) == 1


def test_a_refused_connection_releases_the_key_and_the_retry_sends_once(settings):
    RefusedOnce.failures = 0
    settings.EMAIL_BACKEND = f"{__name__}.RefusedOnce"
    with pytest.raises(Retry):  # autoretry_for=OSError: a worker would run it again after the backoff
        send_templated_email.delay(**KWARGS)
    assert mail.outbox == []
    assert not SentEmail.objects.filter(key="k:once").exists(), "nothing went out: the key is free again"

    assert send_templated_email.delay(**KWARGS).get() is True  # the retry
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get(key="k:once").status == SentEmail.Status.SENT
    assert send_templated_email.delay(**KWARGS).get() is False
    assert len(mail.outbox) == 1
