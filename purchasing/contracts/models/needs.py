"""A buyer's need and the NGOs' quotes for it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bilingual import bilingual
from purchasing.contracts.models.offers import Unit


class Need(models.Model):
    """What a buyer wants bought. Open until the buyer chooses a quote or cancels; quotes
    are taken until ``quote_deadline``, and compared after it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for quotes")
        CHOSEN = "chosen", _("Quote chosen")
        CANCELLED = "cancelled", _("Cancelled")

    buyer = models.ForeignKey(
        "purchasing.Buyer", on_delete=models.PROTECT, related_name="needs", verbose_name=_("buyer")
    )
    item = models.ForeignKey(
        "incubator.ServiceItem", on_delete=models.PROTECT, related_name="needs", verbose_name=_("service")
    )
    area = models.ForeignKey(
        "incubator.Area", on_delete=models.PROTECT, related_name="purchasing_needs", verbose_name=_("area")
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    budget = models.DecimalField(
        _("budget (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    period_start = models.DateField(_("service from"))
    period_end = models.DateField(_("service until"))
    quote_deadline = models.DateTimeField(_("quotes by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    chosen_quote = models.OneToOneField(
        "purchasing.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the choice"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    title = bilingual("title", _("title"))
    description = bilingual("description", _("description"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gt=0), name="purchasing_need_budget_positive"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="purchasing_need_period_order"
            ),
        ]

    def __str__(self):
        return self.title or f"{self.item} · {self.buyer}"


class Quote(models.Model):
    """An NGO's answer to a need: a price for a quantity, with a note."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CHOSEN = "chosen", _("Chosen")
        DECLINED = "declined", _("Not chosen")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("need"))
    offer = models.ForeignKey(
        "purchasing.Offer", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("offer")
    )
    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("organisation")
    )
    unit_price = models.DecimalField(
        _("price per unit (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["unit_price", "id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=models.Q(status__in=["submitted", "chosen"]),
                name="purchasing_one_live_quote_per_organisation",
            ),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="purchasing_quote_price_positive"),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.need}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity
