"""Text messages (SMS), the notification channel beside email (issue 18).

One backend interface, `send(to, template, context, language)`, chosen by `SMS_BACKEND`:
"console" (the default) writes the text to the log, "tencent" sends through Tencent Cloud
SMS (core/sms/backends.py). Only the messages listed in `core.sms.messages.SMS_MESSAGES`
have an SMS version: deadline reminders and payment notices. `core.notify.notify()` is the
one place that reads each recipient's choice of channels (accounts.User.notification_channels)
and queues `core.sms.tasks.send_sms` after commit; the task sends once per key, in the
recipient's language, retrying with backoff. A phone number never reaches a log in full
(`mask_phone`), nor the task queue (the task takes the user's id).
"""

from django.db import transaction

from core.sms.messages import SMS_MESSAGES
from core.sms.tasks import send_sms
from core.sms.text import has_sms_version, mask_phone, render_sms

__all__ = ["SMS_MESSAGES", "has_sms_version", "mask_phone", "queue_sms", "render_sms"]


def queue_sms(*, recipient, template: str, context: dict, key: str) -> bool:
    """Queue the SMS version of `template` to `recipient` after commit if they chose SMS;
    True when they still want it by email too (core.notify asks this for every user)."""
    if not has_sms_version(template) or not getattr(recipient, "notified_by_sms", False):
        return True
    transaction.on_commit(
        lambda: send_sms.delay(template=template, user_id=recipient.pk, context=context, key=f"{key}:{recipient.pk}")
    )
    return recipient.notified_by_email
