"""Delivery of purchased services (签约服务) and the village legal advisers' programme.

A contract's schedule (``purchasing.Instalment``) has period instalments and one final
instalment. For each period instalment the NGO logs deliveries (``Delivery``, with photos
kept as private files) in a ``DeliveryPeriod`` and submits it; the buyer accepts it or
disputes it with a reason; an accepted period makes its instalment payable in the one
ledger (``grants.payments``, source prefix ``instalment``, see ``purchasing.delivery.ledger``).
The ledger row is found by its source key, one live payment per instalment (a database
constraint of the ledger), so no column here points at it.

Village legal advisers (村（社区）法律顾问): ``AdviserPolicy`` holds the minimum per village
and year (data, edited by officers); ``AdviserContract`` ties a service contract to one
village and year (one per village and year); ``AdviserLog`` is the NGO's monthly log.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.private_files import private_storage, unguessable_name


class DeliveryPeriod(models.Model):
    """One period instalment's delivery: ``open → submitted → accepted``;
    ``submitted → disputed → submitted`` (the NGO corrects and submits again)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for delivery logs")
        SUBMITTED = "submitted", _("Submitted to the buyer")
        DISPUTED = "disputed", _("Disputed by the buyer")
        ACCEPTED = "accepted", _("Accepted")

    instalment = models.OneToOneField(
        "purchasing.Instalment", on_delete=models.CASCADE, related_name="delivery_period", verbose_name=_("instalment")
    )
    # The instalment's contract, kept here so every list scopes and orders without a join.
    contract = models.ForeignKey(
        "purchasing.Contract", on_delete=models.CASCADE, related_name="delivery_periods", verbose_name=_("contract")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    summary = models.TextField(_("summary for the buyer"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute_reason = models.TextField(_("reason for the dispute"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "instalment__sequence"]
        verbose_name = _("delivery period")
        verbose_name_plural = _("delivery periods")

    def __str__(self):
        return f"{self.instalment}"


class Delivery(models.Model):
    """One delivery of the service: a session, a day at the village, a case handled."""

    period = models.ForeignKey(
        DeliveryPeriod, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("period")
    )
    delivered_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    cases_handled = models.PositiveIntegerField(_("cases handled"), default=0)
    cases_mediated = models.PositiveIntegerField(_("disputes mediated"), default=0)
    description = models.TextField(_("what was done"), blank=True, max_length=4000)
    feedback_url = models.URLField(
        _("beneficiary feedback link"),
        blank=True,
        help_text=_("Where the people served can rate the service (the survey link or QR code's address)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="delivery_hours_positive")]

    def __str__(self):
        return f"{self.delivered_on} {self.place}"


def photo_path(instance, filename):
    return unguessable_name("deliveries", filename)


class DeliveryPhoto(models.Model):
    """A photo of a delivery, re-encoded without metadata (core.uploads), kept private."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="photos", verbose_name=_("delivery"))
    file = models.ImageField(_("photo"), upload_to=photo_path, storage=private_storage, max_length=300)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("delivery photo")
        verbose_name_plural = _("delivery photos")

    def __str__(self):
        return self.caption or self.original_name


DEFAULT_ADVISER_MINIMUM = Decimal("10000")


class AdviserPolicy(models.Model):
    """The village legal advisers' programme for a year: what a village's contract must at
    least be worth (the seeds: no less than ¥10,000 per village a year)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    minimum_per_village = models.DecimalField(
        _("minimum per village and year (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_ADVISER_MINIMUM,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("village legal adviser policy")
        verbose_name_plural = _("village legal adviser policies")
        constraints = [
            models.CheckConstraint(condition=Q(minimum_per_village__gt=0), name="adviser_policy_minimum_positive")
        ]

    def __str__(self):
        return f"{self.year}"


class AdviserContract(models.Model):
    """A service contract that gives one village (or community) its legal adviser for a year."""

    contract = models.OneToOneField(
        "purchasing.Contract", on_delete=models.CASCADE, related_name="village_adviser", verbose_name=_("contract")
    )
    village = models.ForeignKey(
        "incubator.Area", on_delete=models.PROTECT, related_name="adviser_contracts", verbose_name=_("village")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "village__code"]
        verbose_name = _("village legal adviser contract")
        verbose_name_plural = _("village legal adviser contracts")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="one_adviser_contract_per_village_year")
        ]

    def __str__(self):
        return f"{self.village} {self.year}"


class AdviserLog(models.Model):
    """The adviser's month at the village, entered by the NGO."""

    adviser_contract = models.ForeignKey(
        AdviserContract, on_delete=models.CASCADE, related_name="logs", verbose_name=_("adviser contract")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    hours_at_village = models.DecimalField(
        _("hours at the village"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    consultations = models.PositiveIntegerField(_("consultations"), default=0)
    documents_reviewed = models.PositiveIntegerField(_("documents reviewed"), default=0)
    lectures = models.PositiveIntegerField(_("lectures"), default=0)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["adviser_contract", "month"]
        verbose_name = _("monthly adviser log")
        verbose_name_plural = _("monthly adviser logs")
        constraints = [
            models.UniqueConstraint(fields=["adviser_contract", "month"], name="one_adviser_log_per_month"),
            models.CheckConstraint(condition=Q(hours_at_village__gte=0), name="adviser_log_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.adviser_contract} {self.month:%Y-%m}"
