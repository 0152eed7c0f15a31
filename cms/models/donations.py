"""Donations to showcased projects, recorded only from Stripe's verified
`checkout.session.completed` webhook (never from the browser's return)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Donation(models.Model):
    showcase = models.ForeignKey(
        "cms.ShowcasePage", verbose_name=_("project"), on_delete=models.PROTECT, related_name="donations"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    checkout_session_id = models.CharField(_("Stripe checkout session"), max_length=255, unique=True)
    event_id = models.CharField(_("Stripe event"), max_length=255, unique=True)
    payment_intent = models.CharField(max_length=255, blank=True)
    livemode = models.BooleanField(default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive")]

    def __str__(self):
        return f"{self.amount} {self.currency} → {self.showcase_id}"
