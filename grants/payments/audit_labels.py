"""How the ledger's audit events read (core.audit), and a payment's History page (core.history)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from core.history import register_history
from core.transitions import require
from grants.payments.models import Payment
from grants.payments.permissions import can_view_ledger
from grants.payments.selectors import payment_for_user

PAYMENT_VERBS = {
    "payment.scheduled": _("Payment scheduled"),
    "payment.requested": _("Payment requested"),
    "payment.approved": _("Payment approved"),
    "payment.sent": _("Payment sent"),
    "payment.paid": _("Payment confirmed as paid"),
    "payment.failed": _("Payment failed"),
    "payment.retried": _("Payment retried"),
    "payment.cancelled": _("Payment cancelled"),
    "payment.mismatch": _("Stripe reported a different amount"),
    "payment.transfer_unexpected": _("Unexpected Stripe transfer"),
    "payment.send_stalled": _("Sending stalled"),
    "payment.reversed": _("Transfer reversed by Stripe"),
}
OTHER_VERBS = {
    "bank_batch.created": _("Bank batch created"),
    "bank_confirmation.imported": _("Bank confirmation imported"),
    "stripe.account_created": _("Stripe account created"),
    "stripe.account_updated": _("Stripe account updated"),
}


def _find_payment(user, pk):
    require(can_view_ledger(user), _("Only programme and finance officers see the payments ledger."))
    return payment_for_user(user=user, pk=pk)


def register_audit() -> None:
    register_verbs(PAYMENT_VERBS, states=Payment.Status)
    register_verbs(OTHER_VERBS)
    register_history(
        Payment,
        find=_find_payment,
        page_url=lambda payment: reverse("payments_admin_payment", args=[payment.pk]),
    )
