from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """The disbursement ledger and its payment rails (bank transfer, Stripe Connect)."""

    name = "grants.payments"
    label = "payments"
    verbose_name = "Payments"
