from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Delivery of purchased services: delivery logs, each period's acceptance, instalments
    payable in the ledger, and the village legal advisers' programme."""

    name = "purchasing.delivery"
    label = "purchasing_delivery"
    verbose_name = _("Service delivery")
