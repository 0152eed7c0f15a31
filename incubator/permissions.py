"""Who may do what in the incubator. Views, templates and services all ask here.

An organisation's pages are for its active members; owners manage people, owners and
admins edit and apply, members read. Programme officers verify and run incubation.
"""

from accounts.roles import is_finance_officer, is_programme_officer
from incubator.models import Membership, Organisation, Subsidy

Role = Membership.Role
Status = Organisation.Status
MANAGERS = (Role.OWNER, Role.ADMIN)


def role_of(user, organisation) -> str | None:
    """The user's active role, cached on the organisation object for one request."""
    if user is None or not user.is_authenticated:
        return None
    cache = organisation.__dict__.setdefault("_roles", {})
    if user.pk not in cache:
        annotated = getattr(organisation, "my_role", None)
        if annotated is not None and getattr(organisation, "_my_role_user", None) == user.pk:
            cache[user.pk] = annotated
        else:
            cache[user.pk] = (
                Membership.objects.filter(organisation=organisation, user=user, left_at__isnull=True)
                .values_list("role", flat=True)
                .first()
            )
    return cache[user.pk]


def can_view_organisation(user, organisation) -> bool:
    return role_of(user, organisation) is not None


def can_edit_organisation(user, organisation) -> bool:
    """Not while an officer is reviewing it."""
    return role_of(user, organisation) in MANAGERS and organisation.status != Status.SUBMITTED


def can_submit_organisation(user, organisation) -> bool:
    return role_of(user, organisation) in MANAGERS and organisation.status in (Status.DRAFT, Status.RETURNED)


def can_manage_members(user, organisation) -> bool:
    return role_of(user, organisation) == Role.OWNER


def can_invite_members(user, organisation) -> bool:
    return role_of(user, organisation) == Role.OWNER


def can_leave_organisation(user, organisation) -> bool:
    return role_of(user, organisation) is not None


def can_upload_documents(user, organisation) -> bool:
    return role_of(user, organisation) in MANAGERS and organisation.status != Status.SUBMITTED


def can_delete_document(user, document) -> bool:
    """A verified organisation's documents are the record the officer checked."""
    organisation = document.organisation
    return role_of(user, organisation) in MANAGERS and organisation.status in (Status.DRAFT, Status.RETURNED)


def can_apply_for_incubation(user, organisation) -> bool:
    return role_of(user, organisation) in MANAGERS and organisation.status == Status.VERIFIED


def can_apply_for_subsidy(user, organisation) -> bool:
    return role_of(user, organisation) in MANAGERS and organisation.status == Status.VERIFIED


def can_withdraw_subsidy(user, subsidy) -> bool:
    return role_of(user, subsidy.organisation) in MANAGERS and subsidy.status == Subsidy.Status.REQUESTED


def can_see_logo(user, organisation) -> bool:
    """A verified organisation's logo is public (the directory shows it); before that only
    its members and the officers who verify it see it."""
    return (
        organisation.status == Status.VERIFIED
        or can_view_organisation(user, organisation)
        or is_programme_officer(user)
    )


def can_verify_organisation(user, organisation) -> bool:
    return is_programme_officer(user) and organisation.status == Status.SUBMITTED


def can_manage_incubation(user) -> bool:
    return is_programme_officer(user)


def can_decide_subsidy(user, subsidy) -> bool:
    return is_programme_officer(user) and subsidy.status == Subsidy.Status.REQUESTED


def can_view_incubator_dashboard(user) -> bool:
    return is_programme_officer(user)


def _works_on_bank_accounts(user) -> bool:
    return user.is_authenticated and (user.is_superuser or is_programme_officer(user) or is_finance_officer(user))


def can_propose_bank_change(user) -> bool:
    """Programme and finance officers propose a new bank account for a verified organisation."""
    return _works_on_bank_accounts(user)


def can_decide_bank_change(user, change=None) -> bool:
    """Another programme or finance officer confirms or rejects it, never the proposer (four-eyes)."""
    if not _works_on_bank_accounts(user):
        return False
    return change is None or change.proposed_by_id != user.pk
