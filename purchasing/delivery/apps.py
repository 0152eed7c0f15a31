from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Delivery of purchased services: delivery logs, each period's acceptance, instalments
    payable in the ledger, and the village legal advisers' programme."""

    name = "purchasing.delivery"
    label = "purchasing_delivery"
    verbose_name = _("Service delivery")

    def ready(self):
        from accounts import dashboard
        from grants.payments.sources import register_source
        from purchasing.contracts import signing
        from purchasing.delivery import services
        from purchasing.delivery.audit_labels import register_audit
        from purchasing.delivery.dashboard import delivery_links, delivery_tasks

        # Contract instalments are paid through the one ledger (grants.payments.sources).
        register_source(
            prefix=services.INSTALMENT, label=_("Contract instalment"), check_payable=services.instalment_check_payable
        )
        register_audit()
        # Delivery periods open when the contract is signed (purchasing.contracts.signing).
        signing.on_signed(services.periods_open_at_signing)
        dashboard.register(delivery_links)
        dashboard.register_tasks(delivery_tasks)
