"""The one way the product sends email.

`notify()` queues a Celery task after the current transaction commits; the task
renders `templates/emails/<template>.txt` (first line is the subject) in the
recipient's language and sends it once per idempotency key.
"""

from django.db import transaction

from core.tasks import send_templated_email


def notify(*, template: str, recipients, context: dict, key: str) -> None:
    """Email `recipients` (users or addresses) with `template`.

    `key` identifies this message (e.g. "org-verified:42"); each recipient gets it at
    most once, however often the task runs. `context` must be JSON-serialisable.
    """
    targets = []
    for recipient in recipients:
        if isinstance(recipient, str):
            targets.append((recipient, ""))
        else:
            targets.append((recipient.email, getattr(recipient, "preferred_language", "") or ""))
    for email, language in targets:
        transaction.on_commit(
            lambda email=email, language=language: send_templated_email.delay(
                template=template, to=email, language=language, context=context, key=f"{key}:{email}"
            )
        )
