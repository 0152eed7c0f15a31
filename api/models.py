"""Personal access tokens for the REST API (issue 18).

A token's secret is shown once, when it is made: `lap_<prefix>_<secret>`. The prefix finds
the row; only the SHA-256 of the whole token is stored, so a copy of the database does not
open the API. A token always expires (at most a year after it is made) and may be revoked.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """The stored form of a token: the token has 256 bits of randomness, so a plain
    SHA-256 (no salt, no stretching) cannot be reversed and compares in constant time."""
    return hashlib.sha256(token.encode()).hexdigest()


class AccessToken(models.Model):
    class Scope(models.TextChoices):
        READ_PUBLIC = "read:public", _("Public data (calls, directory, open data)")
        READ_OWN = "read:own", _("My organisations' applications, reports and payments")
        READ_STAFF = "read:staff", _("My funders' calls, applications, reviews, awards and payments")
        READ_FINANCE = "read:finance", _("The payments ledger (finance)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="token_expires_later"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_active(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def scope_labels(self) -> list:
        labels = dict(self.Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes or []]
