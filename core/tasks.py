import datetime
import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.emails import render_email
from core.models import SentEmail

logger = logging.getLogger(__name__)


# A claim still "sending" after this long belongs to no live attempt (the task's hard
# time limit is 25 s): that attempt died between taking the key and recording the send.
SENDING_STALE_AFTER = datetime.timedelta(minutes=5)


def _claim(key: str) -> bool:
    """Take the key in a transaction of its own, committed before anything is sent."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, status=SentEmail.Status.SENDING)
    except IntegrityError:
        return False
    return True


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=10,  # 1, 2, 4, 8, 10 s: with the time limit, under the visibility timeout
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=20,
    time_limit=25,
)
def send_templated_email(self, *, template: str, to: str, language: str, context: dict, key: str) -> bool:
    """Send one email at most once per key, and never lose one that was not started.

    1. Claim the key ("sending") and commit. A key already claimed means another
       attempt sent it, is sending it, or died while sending it: send nothing.
    2. Send. Refused or unreachable (OSError, SMTP errors included): nothing went
       out, so release the key and retry. Otherwise record "sent".
    A worker killed between 1 and the end of 2 leaves "sending": the redelivered task
    does not send again (the first may have gone out) and marks the row "interrupted"
    for the operator. A worker killed before 1 leaves no claim: the redelivered task sends.
    """
    key = key[:200]
    # Rendered before the claim: a template error retries nothing and sends nothing.
    rendered = render_email(template, context, language)
    if not _claim(key):
        stale = timezone.now() - SENDING_STALE_AFTER
        interrupted = SentEmail.objects.filter(key=key, status=SentEmail.Status.SENDING, claimed_at__lt=stale).update(
            status=SentEmail.Status.INTERRUPTED
        )
        if interrupted:
            logger.warning("Email %s: an earlier attempt died while sending; not sent again.", key)
        return False
    try:
        message = EmailMultiAlternatives(rendered.subject, rendered.text, None, [to], headers=rendered.headers)
        message.attach_alternative(rendered.html, "text/html")
        message.send()
    except OSError:
        SentEmail.objects.filter(key=key, status=SentEmail.Status.SENDING).delete()
        raise
    SentEmail.objects.filter(key=key).update(status=SentEmail.Status.SENT, sent_at=timezone.now())
    return True


@shared_task
def ping(value: int) -> int:
    """Round-trip check used by the worker test and by operators (`celery call`)."""
    return value * 2
