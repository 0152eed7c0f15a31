from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outbound webhooks: endpoints registered by administrators, signed deliveries."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from core.audit import register_listener
        from webhooks import audit_labels, services

        audit_labels.register()
        register_listener(services.publish)
