from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outbound webhooks: endpoints registered by administrators, signed deliveries."""

    name = "webhooks"
    verbose_name = _("Webhooks")
