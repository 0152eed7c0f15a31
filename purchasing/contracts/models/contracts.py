"""Contracts between a buyer and an NGO: items, period, payment schedule, KPIs, amendments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.bilingual import bilingual
from purchasing.contracts.models.offers import Unit


class Contract(models.Model):
    """``draft → offered → signed → active → completed``; ``offered → declined``;
    ``offered → draft`` (the buyer takes it back); ``draft → cancelled``;
    ``signed | active → terminated``. Signed, active and completed contracts count against
    their buyer's budget line for ``year`` (purchasing.contracts.services.contracts)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OFFERED = "offered", _("Offered for signature")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    COMMITTED = (Status.SIGNED, Status.ACTIVE, Status.COMPLETED)
    PUBLIC = (Status.SIGNED, Status.ACTIVE, Status.COMPLETED, Status.TERMINATED)

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    buyer = models.ForeignKey(
        "purchasing.Buyer", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("buyer")
    )
    organisation = models.ForeignKey(
        "incubator.Organisation",
        on_delete=models.PROTECT,
        related_name="service_contracts",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    need = models.ForeignKey(
        "purchasing.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    quote = models.ForeignKey(
        "purchasing.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    offer = models.ForeignKey(
        "purchasing.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    period_start = models.DateField(_("service from"))
    period_end = models.DateField(_("service until"))
    total = models.DecimalField(
        _("total (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    buyer_accepted_at = models.DateTimeField(_("accepted by the buyer at"), null=True, blank=True)
    buyer_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ngo_accepted_at = models.DateTimeField(_("accepted by the organisation at"), null=True, blank=True)
    ngo_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    closing_reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was declined or terminated."))
    # Hook for the three-party evaluation (issue 17): where beneficiaries leave feedback
    # (the survey's public link); empty until that work sets it.
    beneficiary_feedback_url = models.URLField(_("beneficiary feedback link"), blank=True)
    # The three-party evaluation of the contract (issue 17), opened when it is signed
    # (purchasing.contracts.evaluation); its published grade gates renewal and the final instalment.
    evaluation_case = models.OneToOneField(
        "awards.EvaluationCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("evaluation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    title = bilingual("title", _("title"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="purchasing_contract_total_positive"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="purchasing_contract_period_order"
            ),
        ]
        indexes = [models.Index(fields=["buyer", "year", "status"])]

    def __str__(self):
        return f"{self.reference} {self.title}".strip()

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC


class ContractItem(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items", verbose_name=_("contract"))
    item = models.ForeignKey(
        "incubator.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("price per unit (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("contract item")
        verbose_name_plural = _("contract items")

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class Instalment(models.Model):
    """One payment of the schedule. A period instalment becomes payable when its period's
    delivery is accepted (purchasing.delivery); the final one only after a passing evaluation."""

    class Kind(models.TextChoices):
        PERIOD = "period", _("On accepted delivery")
        FINAL = "final", _("Final, after evaluation")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("contract")
    )
    sequence = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    amount = models.DecimalField(
        _("amount (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="purchasing_instalment_sequence"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="purchasing_instalment_positive"),
        ]

    def __str__(self):
        return f"{self.contract.reference} #{self.sequence}"


class Kpi(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("contract"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    name = bilingual("name", _("name"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self):
        return self.name


class ContractAmendment(models.Model):
    """Changed terms of a signed or active contract, with a reason. ``proposed → accepted``
    once both sides accept (the budget line is checked again), or ``→ declined | withdrawn``.
    ``before`` and ``after`` keep the terms (period, total, items, instalments, KPIs) as JSON."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", pgettext_lazy("amendment status", "Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("contract")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    buyer_accepted_at = models.DateTimeField(null=True, blank=True)
    ngo_accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="purchasing_amendment_number"),
            models.UniqueConstraint(
                fields=["contract"], condition=models.Q(status="proposed"), name="purchasing_one_open_amendment"
            ),
        ]
