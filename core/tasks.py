from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.models import SentEmail


def render_email(template: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body of `emails/<template>.txt`, the body signed with the product's
    name and address (`emails/signature.txt`); links start with SITE_URL."""
    context = {**context, "site_url": settings.SITE_URL, "site_name": settings.WAGTAIL_SITE_NAME}
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"emails/{template}.txt", context)
        signature = render_to_string("emails/signature.txt", context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), f"{body.strip()}\n\n{signature.strip()}\n"


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_templated_email(self, *, template: str, to: str, language: str, context: dict, key: str) -> bool:
    """Send one email once: the key row and the send commit together."""
    subject, body = render_email(template, context, language)
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key[:200])
            send_mail(subject, body, None, [to])
    except IntegrityError:
        return False
    return True


@shared_task
def ping(value: int) -> int:
    """Round-trip check used by the worker test and by operators (`celery call`)."""
    return value * 2
