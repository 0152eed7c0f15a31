"""The platform's roles. Each is a Django group created by a migration."""

from django.utils.translation import gettext_lazy as _

from accounts import data_version

NGO_MEMBER = "NGO member"
REVIEWER = "Reviewer"
PROGRAMME_OFFICER = "Programme officer"
FINANCE_OFFICER = "Finance officer"
EDITOR = "Editor"
# A buyer organisation's staff (service purchasing, issue 16).
BUYER = "Buyer"
# A third-party evaluation organisation's evaluators (issue 17).
EVALUATOR = "Evaluator"

ROLE_LABELS = {
    NGO_MEMBER: _("NGO member"),
    REVIEWER: _("Reviewer"),
    PROGRAMME_OFFICER: _("Programme officer"),
    FINANCE_OFFICER: _("Finance officer"),
    EDITOR: _("Editor"),
    BUYER: _("Buyer"),
    EVALUATOR: _("Evaluator"),
}

ALL_ROLES = tuple(ROLE_LABELS)
STAFF_ROLES = (PROGRAMME_OFFICER, FINANCE_OFFICER, EDITOR)
# Roles that must pass a second factor before any of their pages open.
MFA_ROLES = (REVIEWER, EVALUATOR, *STAFF_ROLES)


def role_names(user) -> set[str]:
    """The user's roles: kept on the user for the request, and under the data version
    across requests (a change of the user's groups sends m2m_changed, which bumps it)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = data_version.per_user("roles", user, compute=lambda: set(user.groups.values_list("name", flat=True)))
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_programme_officer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, PROGRAMME_OFFICER))


def is_finance_officer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, FINANCE_OFFICER))


def is_reviewer(user) -> bool:
    return user.is_authenticated and has_role(user, REVIEWER)


def requires_mfa(user) -> bool:
    """Staff, superusers and reviewers must use a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or has_role(user, *MFA_ROLES)
