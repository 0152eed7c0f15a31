"""The disbursement ledger: one row per payment of a grant tranche, an approved subsidy or
a source registered by a higher app (a service contract's instalment, ``sources``).

Invariants the database holds (constraints below) and the services hold with row
locks (``grants.payments.services``): a payment pays exactly one tranche, one subsidy
or one registered source; its amount is positive; at most one payment per tranche,
per subsidy and per source key is not cancelled (so nothing is paid twice); an
idempotency key belongs to one payment.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.payments.sources import label_of
from incubator.models.organisations import mask_account_number

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read over the phone


def new_payment_reference() -> str:
    """``PAY-2026-7KQ3M9XA``: quoted in the bank transfer's remark and echoed back by the bank."""
    return f"PAY-{timezone.localdate().year}-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def new_batch_reference() -> str:
    return f"BATCH-{timezone.localdate():%Y%m%d}-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4))


def new_idempotency_key() -> str:
    return f"payment-{uuid.uuid4().hex}"


class Payment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Rail(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        STRIPE = "stripe", _("Stripe Connect")

    reference = models.CharField(
        _("reference"), max_length=32, unique=True, default=new_payment_reference, editable=False
    )
    tranche = models.ForeignKey(
        "awards.Tranche",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("grant tranche"),
    )
    subsidy = models.ForeignKey(
        "incubator.Subsidy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("subsidy"),
    )
    # Whose money it is: the award's funder. Empty for subsidies, which are the platform's own.
    funder = models.ForeignKey(
        "grants.Funder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("funder"),
    )
    # A source registered by a higher app (grants.payments.sources), "<prefix>:<id>", e.g. a
    # service contract's instalment; empty for tranches and subsidies.
    source_key = models.CharField(_("paid for"), max_length=80, blank=True, default="", editable=False)
    # Who pays when it is not a funder: the buyer of a purchased service.
    payer_name = models.CharField(_("payer"), max_length=200, blank=True, default="")
    payee = models.ForeignKey(
        "incubator.Organisation", on_delete=models.PROTECT, related_name="payments", verbose_name=_("payee")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    rail = models.CharField(_("payment rail"), max_length=8, choices=Rail.choices, default=Rail.BANK)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    # Set in its own committed transaction before the first Stripe call; every retry sends it again.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, editable=False)
    external_id = models.CharField(_("transfer id or bank reference"), max_length=80, blank=True)
    batch = models.ForeignKey(
        "payments.BankBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("bank batch"),
    )
    failure_reason = models.TextField(_("reason for failure"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # When the sweep sends an approved Stripe payment again if no attempt has recorded an
    # outcome by then (grants/payments/retries.py); empty once there is nothing to retry.
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # Where the money goes, copied from the payee when the payment is approved: the bank
    # batch pays this account even if the organisation's account changes afterwards.
    destination_bank_name = models.CharField(_("destination bank"), max_length=200, blank=True)
    destination_account_name = models.CharField(_("destination account name"), max_length=200, blank=True)
    destination_account_number = models.CharField(_("destination account number"), max_length=40, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_on = models.DateField(_("value date"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(tranche__isnull=False) & Q(subsidy__isnull=True) & Q(source_key=""))
                | (Q(tranche__isnull=True) & Q(subsidy__isnull=False) & Q(source_key=""))
                | (Q(tranche__isnull=True) & Q(subsidy__isnull=True) & ~Q(source_key="")),
                name="payment_pays_one_tranche_or_subsidy",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["tranche"],
                condition=Q(tranche__isnull=False) & ~Q(status="cancelled"),
                name="one_live_payment_per_tranche",
            ),
            models.UniqueConstraint(
                fields=["subsidy"],
                condition=Q(subsidy__isnull=False) & ~Q(status="cancelled"),
                name="one_live_payment_per_subsidy",
            ),
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key="") & ~Q(status="cancelled"),
                name="one_live_payment_per_source",
            ),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_payment_idempotency_key"),
            # Four-eyes, as far as a row can tell: the approver is never the requester.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("requested_by")),
                name="payment_approver_is_not_requester",
            ),
        ]
        indexes = [models.Index(fields=["status", "rail"]), models.Index(fields=["payee", "status"])]

    def __str__(self):
        return self.reference

    @property
    def source(self):
        return self.tranche if self.tranche_id else self.subsidy

    @property
    def kind(self) -> str:
        """tranche, subsidy, or the registered source's prefix (e.g. "instalment")."""
        if self.tranche_id:
            return "tranche"
        if self.subsidy_id:
            return "subsidy"
        return self.source_key.split(":", 1)[0]

    @property
    def kind_label(self) -> str:
        if self.tranche_id:
            return str(_("Grant tranche"))
        if self.subsidy_id:
            return str(_("Subsidy"))
        return label_of(self)

    @property
    def payer_label(self) -> str:
        """Whose money: the funder, the buyer of a purchased service, or the platform (subsidies)."""
        if self.funder_id:
            return str(self.funder.name)
        return self.payer_name or str(_("Platform"))

    @property
    def amount_cents(self) -> int:
        return int(self.amount.scaleb(2))

    @property
    def has_destination(self) -> bool:
        return bool(self.destination_account_number)

    @property
    def masked_destination_account(self) -> str:
        return mask_account_number(self.destination_account_number)


class BankBatch(models.Model):
    """One export of approved bank payments, handed to the finance office to key in."""

    reference = models.CharField(_("batch reference"), max_length=32, unique=True, default=new_batch_reference)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    payment_count = models.PositiveIntegerField(_("payments"), default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    csv = models.TextField(editable=False)  # exactly what was downloaded, so it can be downloaded again

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bank batch")
        verbose_name_plural = _("bank batches")

    def __str__(self):
        return self.reference


class BankConfirmationImport(models.Model):
    """One bank confirmation file imported, and what came of each line (applied or reported)."""

    uploaded_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("imported by")
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    applied_count = models.PositiveIntegerField(_("payments marked paid"), default=0)
    mismatch_count = models.PositiveIntegerField(_("mismatches"), default=0)
    # {"applied": [{"reference", "amount", "date"}], "mismatches": [{"reference", "amount", "date", "problem"}]}
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bank confirmation import")
        verbose_name_plural = _("bank confirmation imports")

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class ConnectedAccount(models.Model):
    """An organisation's Stripe Connect account and what Stripe last told us about it.

    The account id also sits on ``Organisation.stripe_account_id`` (the incubator's
    field); this row keeps the onboarding state that ``account.updated`` reports.
    """

    organisation = models.OneToOneField(
        "incubator.Organisation",
        on_delete=models.CASCADE,
        related_name="stripe_account",
        verbose_name=_("organisation"),
    )
    account_id = models.CharField(_("Stripe account"), max_length=64, unique=True)
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    transfers_active = models.BooleanField(_("can receive transfers"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Stripe connected account")
        verbose_name_plural = _("Stripe connected accounts")

    def __str__(self):
        return self.account_id


class WebhookEvent(models.Model):
    """A verified Stripe event, stored under its id before we answer Stripe (replays hit the unique id)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    livemode = models.BooleanField(default=False)
    object_id = models.CharField(max_length=255, blank=True)
    account = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    deliveries = models.PositiveIntegerField(default=1)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the sweep processes the event again if it is still unprocessed (grants/payments/retries.py).
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Stripe webhook event")
        verbose_name_plural = _("Stripe webhook events")

    def __str__(self):
        return f"{self.type} {self.event_id}"
