"""The one way the product sends email.

`notify()` queues a Celery task after the current transaction commits; the task
renders `emails/<template>.txt` (core/emails.py: subject, plain text and HTML from the
one template) in the recipient's language and sends it once per idempotency key.
"""

from django.db import transaction
from django.utils import translation

from core.emails import email_language, recipient_language
from core.sms import queue_sms
from core.tasks import send_templated_email


def notify(*, template: str, recipients, context: dict, key: str) -> None:
    """Email `recipients` (users or addresses) with `template`.

    `key` identifies this message (e.g. "org-verified:42"); each recipient gets it at
    most once, however often the task runs. `context` must be JSON-serialisable.

    Each recipient reads it in their `preferred_language` (chosen at sign-up, else the
    language of their first sign-in; accounts.adapters), a user without one in the
    site's default. An address reads it in the language of the account that has it;
    an address with no account (an invitation to a newcomer) in the sender's.

    A message with an SMS version (core/sms/) also goes by SMS to each user who chose
    it, and by email only if they chose both (accounts.User.notification_channels).
    """
    sender_language = translation.get_language()
    targets = []
    for recipient in recipients:
        if isinstance(recipient, str):
            targets.append((recipient, recipient_language(email=recipient, fallback=sender_language)))
        elif queue_sms(recipient=recipient, template=template, context=context, key=key):
            targets.append((recipient.email, email_language(getattr(recipient, "preferred_language", ""))))
    for email, language in targets:
        transaction.on_commit(
            lambda email=email, language=language: send_templated_email.delay(
                template=template, to=email, language=language, context=context, key=f"{key}:{email}"
            )
        )
