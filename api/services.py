"""Writes of personal access tokens.

Rules: a token always expires, at most MAX_LIFETIME after it is made; a user may ask only
for the scopes their roles allow (`permissions.offered_scopes`); staff, reviewers and
finance officers must have a second factor and have passed it in this session
(`permissions.can_create_token`). The secret is returned once and only its hash is kept.
Revoking is final. Creation and revocation are audited; use is not (last use is kept on
the row, written at most once a minute per token).
"""

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import AccessToken, hash_token
from api.permissions import can_create_token, offered_scopes
from core.audit import record_event

TOKEN_PREFIX = "lap"
MAX_LIFETIME = timedelta(days=366)
LAST_USE_RESOLUTION = timedelta(minutes=1)


def _new_secret() -> tuple[str, str]:
    """(lookup prefix, whole token): 8 hex characters to find the row, 256 random bits."""
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def token_create(*, user, name: str, scopes: list[str], expires_at, mfa_passed: bool) -> tuple[AccessToken, str]:
    """Make a token for `user`; returns it with its secret (shown once, never stored)."""
    allowed, reason = can_create_token(user, mfa_passed=mfa_passed)
    if not allowed:
        raise PermissionDenied(reason)
    now = timezone.now()
    errors = {}
    scopes = sorted(set(scopes))
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    elif not set(scopes) <= set(offered_scopes(user)):
        errors["scopes"] = _("Your roles do not allow one of these scopes.")
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("A token lives at most one year.")
    if errors:
        raise ValidationError(errors)
    prefix, secret = _new_secret()
    token = AccessToken(
        user=user, name=name.strip(), prefix=prefix, token_hash=hash_token(secret), scopes=scopes, expires_at=expires_at
    )
    token.created_at = now
    token.full_clean(exclude=["created_at"])
    token.save()
    record_event(target=token, verb="api_token.created", actor=user, message=", ".join(scopes))
    return token, secret


@transaction.atomic
def token_revoke(*, token: AccessToken, by) -> AccessToken:
    """Revoke a token for good. Revoking a revoked token changes nothing."""
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise PermissionDenied(_("Only the token's owner may revoke it."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_event(target=token, verb="api_token.revoked", actor=by)
    return token


def token_touch(*, token: AccessToken, now=None) -> None:
    """Record the token's use, at most once per LAST_USE_RESOLUTION: one conditional
    UPDATE, so concurrent requests never write more than one row a minute."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_RESOLUTION:
        return
    stale = now - LAST_USE_RESOLUTION
    AccessToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk).update(
        last_used_at=now
    )
    token.last_used_at = now
