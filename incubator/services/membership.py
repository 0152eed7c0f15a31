"""People in organisations: invitations, roles, leaving.

An invitation link carries a signed token (invitation id + a random nonce), expires
after INVITATION_DAYS and works once. It works for an existing account or a new one:
the invitee signs in or signs up with the invited address, then joins.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import invitations
from core.audit import record_event
from core.links import site_path
from core.notify import notify
from core.transitions import require
from incubator import permissions
from incubator.models import Invitation, Membership, Organisation
from incubator.services.common import lock_organisation

INVITATION_DAYS = 14
TOKEN_SALT = "incubator.invitation"
WORDING = invitations.InvitationWording(
    invalid=gettext_lazy("This invitation link is not valid. Check that you copied all of it."),
    expired=gettext_lazy("This invitation has expired. Ask the organisation to invite you again."),
    used=gettext_lazy("This invitation has already been used."),
    revoked=gettext_lazy("This invitation was withdrawn by the organisation."),
)
Role = Membership.Role


def invitation_token(*, invitation: Invitation) -> str:
    return invitations.invitation_token(invitation, salt=TOKEN_SALT)


def invitation_from_token(*, token: str, require_open: bool = True) -> Invitation:
    """The open invitation the token names; InvalidInvitation with the reason otherwise."""
    return invitations.invitation_from_token(
        Invitation.objects.select_related("organisation", "invited_by"),
        token,
        salt=TOKEN_SALT,
        max_age=timedelta(days=INVITATION_DAYS),
        wording=WORDING,
        require_open=require_open,
    )


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, by) -> Invitation:
    """An owner invites someone by email; an earlier open invitation to the same address is replaced."""
    require(permissions.can_invite_members(by, organisation), _("Only the organisation's owners can invite people."))
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email, left_at__isnull=True).exists():
        raise ValidationError({"email": _("%(email)s is already a member of this organisation.") % {"email": email}})
    invitation = invitations.issue(
        Invitation, scope={"organisation": organisation}, email=email, invited_by=by, days=INVITATION_DAYS, role=role
    )
    record_event(target=organisation, verb="membership.invited", actor=by, message=email, data={"role": role})
    notify(
        template="incubator_invitation",
        recipients=[email],
        context={
            "organisation": organisation.name_zh,
            "organisation_en": organisation.name_en or organisation.name_zh,
            "inviter": by.display_name,
            "role": role,
            "path": site_path("incubator:invitation_accept", token=invitation_token(invitation=invitation)),
            "days": INVITATION_DAYS,
        },
        key=f"incubator-invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    require(
        permissions.can_invite_members(by, invitation.organisation), _("Only the organisation's owners can do this.")
    )
    invitation = invitations.withdraw(invitation)
    record_event(
        target=invitation.organisation, verb="membership.invitation_revoked", actor=by, message=invitation.email
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The invitee joins with the invited role. The link works once, before it expires,
    and only for an account that has verified the invited email address."""
    require(user.is_authenticated, _("Sign in to accept the invitation."))
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=invitation.pk)
    invitations.check_open(invitation, wording=WORDING)
    invitations.check_addressed_to(invitation, user=user)
    organisation = lock_organisation(organisation=invitation.organisation)
    membership = Membership.objects.filter(organisation=organisation, user=user, left_at__isnull=True).first()
    if membership is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(organisation=organisation, user=user, role=invitation.role)
        except IntegrityError:
            membership = Membership.objects.get(organisation=organisation, user=user, left_at__isnull=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        target=organisation, verb="membership.joined", actor=user, message=user.email, data={"role": membership.role}
    )
    return membership


def _active_owner_count(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.OWNER, left_at__isnull=True).count()


def _last_owner_error() -> ValidationError:
    return ValidationError(
        _("An organisation must keep at least one owner. Make someone else an owner first."), code="last_owner"
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by) -> Membership:
    """Owners change roles; the last owner cannot be demoted."""
    organisation = lock_organisation(organisation=membership.organisation)
    require(permissions.can_manage_members(by, organisation), _("Only the organisation's owners can change roles."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk, left_at__isnull=True)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and _active_owner_count(organisation) <= 1:
        raise _last_owner_error()
    previous = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    record_event(
        target=organisation,
        verb="membership.role_changed",
        actor=by,
        from_state=previous,
        to_state=role,
        message=membership.user.email,
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by) -> Membership:
    """A member leaves, or an owner removes them. The last owner cannot leave. The row
    is kept with `left_at`, since having been a member matters for conflicts of interest."""
    organisation = lock_organisation(organisation=membership.organisation)
    leaving_self = membership.user_id == by.pk
    require(
        leaving_self or permissions.can_manage_members(by, organisation),
        _("Only the organisation's owners can remove members."),
    )
    membership = Membership.objects.select_for_update(of=("self",)).select_related("user").get(pk=membership.pk)
    if membership.left_at:
        raise ValidationError(_("This person has already left the organisation."))
    if membership.role == Role.OWNER and _active_owner_count(organisation) <= 1:
        raise _last_owner_error()
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    record_event(
        target=organisation,
        verb="membership.left" if leaving_self else "membership.removed",
        actor=by,
        message=membership.user.email,
    )
    return membership
