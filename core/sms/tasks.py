import datetime
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.emails import email_language
from core.models import SentEmail
from core.sms.backends import SmsRejected, SmsTemporaryError, get_backend
from core.sms.text import mask_phone

logger = logging.getLogger(__name__)

# As for emails (core.tasks): a claim still "sending" after this long belongs to no live attempt.
SENDING_STALE_AFTER = datetime.timedelta(minutes=5)


def _claim(key: str) -> bool:
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, status=SentEmail.Status.SENDING)
    except IntegrityError:
        return False
    return True


@shared_task(
    bind=True,
    autoretry_for=(SmsTemporaryError,),
    retry_backoff=True,
    retry_backoff_max=10,  # 1, 2, 4, 8, 10 s: with the time limit, under the visibility timeout
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=20,
    time_limit=25,
)
def send_sms(self, *, template: str, user_id: int, context: dict, key: str) -> bool:
    """Text `template` to the user, at most once per key, in their language.

    The number is read when the message goes (it is never in the queue), and only while
    the user still wants SMS. The key is claimed in the table that holds the emails' keys
    (core.SentEmail, keys starting "sms:") and committed before the cloud is called. A
    temporary failure releases it and retries with backoff; a refusal (wrong number,
    template not approved) releases it and is logged with the number masked, not
    retried; a worker killed while sending leaves "sending", which the redelivered task
    marks "interrupted" rather than send twice.
    """
    key = f"sms:{key}"[:200]
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.notified_by_sms:
        return False
    if not _claim(key):
        stale = timezone.now() - SENDING_STALE_AFTER
        SentEmail.objects.filter(key=key, status=SentEmail.Status.SENDING, claimed_at__lt=stale).update(
            status=SentEmail.Status.INTERRUPTED
        )
        return False
    language = email_language(user.preferred_language)
    try:
        get_backend().send(to=user.phone, template=template, context=context, language=language)
    except SmsTemporaryError:
        SentEmail.objects.filter(key=key, status=SentEmail.Status.SENDING).delete()
        raise
    except SmsRejected as error:
        SentEmail.objects.filter(key=key, status=SentEmail.Status.SENDING).delete()
        logger.warning("SMS %s to user %s (%s) not sent: %s", template, user.pk, mask_phone(user.phone), error)
        return False
    SentEmail.objects.filter(key=key).update(status=SentEmail.Status.SENT, sent_at=timezone.now())
    return True
