from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import bilingual


class AuditEvent(models.Model):
    """One row per state change or sensitive action: who did what to which object."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.verb} {self.content_type.model}#{self.object_id}"


class SentEmail(models.Model):
    """One row per idempotency key: the claim taken before sending, so a retried or
    redelivered task sends no email twice (core/tasks.py: send_templated_email)."""

    class Status(models.TextChoices):
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        # The attempt died after claiming the key; the message may or may not have gone out.
        INTERRUPTED = "interrupted", _("interrupted")

    key = models.CharField(max_length=200, unique=True)
    # Rows from before the claim step were all sent, hence the default.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.key


class BilingualNameMixin(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    # The name in the active language, falling back to the other one.
    name = bilingual("name", _("name"))

    def __str__(self):
        return self.name
