from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs


def register() -> None:
    register_verbs(
        {
            "webhook.endpoint_created": _("Webhook endpoint registered"),
            "webhook.endpoint_changed": _("Webhook endpoint changed"),
            "webhook.secret_rotated": _("Webhook signing secret replaced"),
            "webhook.delivery_replayed": _("Webhook delivery replayed"),
        }
    )
