from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """The disbursement ledger and its payment rails (bank transfer, Stripe Connect)."""

    name = "grants.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from accounts import dashboard
        from grants.awards.selectors import register_award_payments
        from grants.payments.dashboard import payment_links, payment_tasks
        from grants.payments.selectors import payments_for_award

        dashboard.register(payment_links)
        dashboard.register_tasks(payment_tasks)
        register_award_payments(payments_for_award)

        # How its audit events read, and the History pages staff may open (core.audit, core.history).
        from grants.payments.audit_labels import register_audit

        register_audit()
