"""Outbound webhooks: the endpoints administrators register, the events the platform
publishes, one delivery per (endpoint, event), and every attempt at sending it.

Delivery states: ``pending`` (waiting for its next attempt, ``next_attempt_at``) →
``sending`` (claimed by one task) → ``succeeded`` | ``pending`` again (retry scheduled)
| ``failed`` (gave up, or a replay failed). A replay puts a finished delivery back to
``pending`` for one more attempt with the same event id.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class EventType(models.TextChoices):
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    CALL_FINAL = "call.final", _("Call results final")
    AWARD_MADE = "award.made", _("Award made")
    REPORT_ACCEPTED = "report.accepted", _("Milestone report accepted")
    PAYMENT_PAID = "payment.paid", _("Payment paid")


class Endpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # Kept as it is: the platform needs the secret itself to sign each delivery.
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    @property
    def masked_secret(self) -> str:
        return f"{SECRET_PREFIX}…{self.secret[-4:]}"

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(code, code)) for code in self.events]


class Event(models.Model):
    """What happened, as published: the same id and body in every delivery and replay."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    data = models.JSONField(default=dict)
    audit_event = models.OneToOneField(
        "core.AuditEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.type} {self.public_id}"

    @property
    def public_id(self) -> str:
        return f"evt_{self.id.hex}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # When the sweep queues it (again): the retry's time, or a safety net for a lost message.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # A replay waiting for its attempt, and who asked for it.
    replay_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replay_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhooks_one_delivery_per_endpoint")]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event_id} → {self.endpoint_id}"

    @property
    def public_id(self) -> str:
        return f"dlv_{self.id.hex}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response (excerpt)"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    replay_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replayed by"),
    )
    is_replay = models.BooleanField(_("replay"), default=False)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhooks_one_attempt_number_per_delivery")
        ]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"
