"""Who buys: departments, street offices, village committees and enterprises, and what each
may spend in a year (its budget lines)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identifiers import USCCField
from core.invitations import InvitationBase
from core.models import BilingualNameMixin


class Buyer(BilingualNameMixin):
    """A buyer organisation, registered by a programme officer. Its staff (the Buyer role)
    post needs, choose quotes and sign contracts for it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        STREET_OFFICE = "street_office", _("Street office")
        COMMITTEE = "committee", _("Village or community committee")
        ENTERPRISE = "enterprise", _("Enterprise")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    uscc = USCCField(_("unified social credit code"), blank=True)
    area = models.ForeignKey("incubator.Area", on_delete=models.PROTECT, related_name="buyers", verbose_name=_("area"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="buyers", verbose_name=_("staff"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")


class BudgetLine(models.Model):
    """What a buyer may contract in a year. Signing and amending a contract lock this row
    and check committed + new ≤ amount (purchasing.contracts.services.contracts)."""

    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("buyer"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["buyer", "-year"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "year"], name="purchasing_one_budget_line_per_year"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="purchasing_budget_line_positive"),
        ]

    def __str__(self):
        return f"{self.buyer} {self.year}"


class BuyerInvitation(InvitationBase):
    """An emailed invitation to join a buyer's staff; accepting gives the Buyer role."""

    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("buyer"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("buyer invitation")
        verbose_name_plural = _("buyer invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="purchasing_one_open_invitation_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.buyer}"
