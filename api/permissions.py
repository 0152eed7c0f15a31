"""Who may make which token, and what a token lets a request read."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from accounts import roles
from accounts.mfa import user_has_mfa
from api.models import AccessToken
from grants.payments.permissions import can_view_ledger

Scope = AccessToken.Scope


def offered_scopes(user) -> list[str]:
    """The scopes `user`'s roles allow, in a fixed order."""
    if not user.is_authenticated or not user.is_active:
        return []
    scopes = [Scope.READ_PUBLIC]
    if roles.has_role(user, roles.NGO_MEMBER):
        scopes.append(Scope.READ_OWN)
    if roles.is_programme_officer(user):
        scopes.append(Scope.READ_STAFF)
    if can_view_ledger(user):
        scopes.append(Scope.READ_FINANCE)
    return [str(scope) for scope in scopes]


def can_create_token(user, *, mfa_passed: bool) -> tuple[bool, str]:
    """Anyone signed in may make a token; staff, reviewers and finance officers only with
    a second factor set up and passed in this session (`mfa_passed`)."""
    if not user.is_authenticated or not user.is_active:
        return False, _("Sign in to manage API tokens.")
    if roles.requires_mfa(user):
        if not user_has_mfa(user):
            return False, _("Your role needs two-factor authentication before you can create an API token.")
        if not mfa_passed:
            return False, _("Confirm your second factor in this session before you create an API token.")
    return True, ""


def can_revoke_token(user, token: AccessToken) -> bool:
    return user.is_authenticated and token.user_id == user.pk


def scope_allows(user, scope: str) -> bool:
    """Whether the user's roles still allow `scope` now (a token outlives a role change)."""
    return scope in offered_scopes(user)


class HasScope(BasePermission):
    """The view's `required_scope` must be on the token and still allowed by the user's
    roles. Public views (no `required_scope`) are open to everyone, token or not."""

    def has_permission(self, request, view) -> bool:
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        if not token.has_scope(scope):
            self.message = _("This token does not have the scope %(scope)s.") % {"scope": scope}
            return False
        if not scope_allows(request.user, scope):
            self.message = _("Your roles no longer allow the scope %(scope)s.") % {"scope": scope}
            return False
        return True
