"""Panels, reviewer invitations and reviewer profiles.

An invitation link carries a signed token (invitation id + random nonce), expires
after INVITATION_DAYS and works once. The invitee signs in, or signs up with the
invited address, and joins the panel: the account is added to the Reviewer group
(and must then set up a second factor before any review page opens).
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from core import invitations
from core.audit import record_event
from core.bilingual import email_values
from core.invitations import InvalidInvitation
from core.links import site_path
from core.notify import notify
from core.transitions import require
from grants.calls.models import Call
from grants.review.models import (
    Assignment,
    DeclaredRelationship,
    Panel,
    PanelMember,
    ReviewerInvitation,
    ReviewerProfile,
)
from grants.review.permissions import can_manage_panel

INVITATION_DAYS = 14
TOKEN_SALT = "review.invitation"
WORDING = invitations.InvitationWording(
    invalid=gettext_lazy("This invitation link is not valid. Check that you copied all of it."),
    expired=gettext_lazy("This invitation has expired. Ask the programme officer to invite you again."),
    used=gettext_lazy("This invitation has already been used."),
    revoked=gettext_lazy("This invitation was withdrawn."),
)
# A panel changes only until the review starts; afterwards only reviewers may be added.
PANEL_CLOSED_STATES = (Call.Status.DECIDED, Call.Status.ANNOUNCED, Call.Status.FINAL)


def panel_for(*, call: Call) -> Panel:
    """The call's panel, created on first use."""
    panel, _created = Panel.objects.get_or_create(call=call)
    panel.call = call
    return panel


@transaction.atomic
def panel_update(*, panel: Panel, by, review_deadline, disagreement_threshold, ranking_basis) -> Panel:
    """Officers of the call's funder set the review deadline, the disagreement threshold
    and the ranking basis. The deadline must lie in the future when it changes."""
    require(can_manage_panel(by, panel.call), _("Only programme officers of this call's funder can change its panel."))
    panel = Panel.objects.select_for_update().select_related("call").get(pk=panel.pk)
    if review_deadline and review_deadline != panel.review_deadline and review_deadline <= timezone.now():
        raise ValidationError({"review_deadline": _("The review deadline must be in the future.")})
    changes = {
        "review_deadline": review_deadline.isoformat() if review_deadline else None,
        "disagreement_threshold": str(disagreement_threshold),
        "ranking_basis": ranking_basis,
    }
    panel.review_deadline = review_deadline
    panel.disagreement_threshold = disagreement_threshold
    panel.ranking_basis = ranking_basis
    panel.full_clean()
    panel.save()
    record_event(target=panel.call, verb="review.panel_updated", actor=by, data=changes)
    return panel


# --- Invitations ----------------------------------------------------------------------------


def invitation_token(*, invitation: ReviewerInvitation) -> str:
    return invitations.invitation_token(invitation, salt=TOKEN_SALT)


def invitation_from_token(*, token: str, require_open: bool = True) -> ReviewerInvitation:
    """The invitation the token names; InvalidInvitation with the reason otherwise."""
    return invitations.invitation_from_token(
        ReviewerInvitation.objects.select_related("panel", "panel__call", "invited_by"),
        token,
        salt=TOKEN_SALT,
        max_age=timedelta(days=INVITATION_DAYS),
        wording=WORDING,
        require_open=require_open,
    )


@transaction.atomic
def invitation_create(*, panel: Panel, email: str, by) -> ReviewerInvitation:
    """Invite a reviewer to the panel by email. An earlier open invitation to the same
    address is replaced; someone already on the panel cannot be invited again."""
    call = panel.call
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can invite reviewers."))
    if call.status in PANEL_CLOSED_STATES:
        raise ValidationError(_("The review of this call is over; the panel can no longer change."))
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the reviewer's email address.")})
    if PanelMember.objects.filter(panel=panel, reviewer__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already on this panel.") % {"email": email}})
    invitation = invitations.issue(
        ReviewerInvitation, scope={"panel": panel}, email=email, invited_by=by, days=INVITATION_DAYS
    )
    record_event(target=call, verb="review.reviewer_invited", actor=by, message=email)
    notify(
        template="review_invitation",
        recipients=[email],
        context={
            **email_values("call_title", call, "title"),
            "inviter": by.display_name,
            "path": site_path("review:invitation_accept", token=invitation_token(invitation=invitation)),
            "days": INVITATION_DAYS,
        },
        key=f"review-invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: ReviewerInvitation, by) -> ReviewerInvitation:
    require(
        can_manage_panel(by, invitation.panel.call),
        _("Only programme officers of this call's funder can withdraw invitations."),
    )
    locked = invitations.withdraw(invitation)
    record_event(target=invitation.panel.call, verb="review.invitation_revoked", actor=by, message=locked.email)
    return locked


@transaction.atomic
def invitation_accept(*, invitation: ReviewerInvitation, user) -> PanelMember:
    """The invitee joins the panel and becomes a reviewer. The link works once, before
    it expires, and only for an account that has verified the invited address."""
    require(user.is_authenticated, _("Sign in to accept the invitation."))
    invitation = (
        ReviewerInvitation.objects.select_for_update().select_related("panel", "panel__call").get(pk=invitation.pk)
    )
    invitations.check_open(invitation, wording=WORDING)
    invitations.check_addressed_to(invitation, user=user)
    if invitation.panel.call.status in PANEL_CLOSED_STATES:
        raise InvalidInvitation(_("The review of this call is over; the invitation can no longer be accepted."))
    member = PanelMember.objects.filter(panel=invitation.panel, reviewer=user).first()
    if member is None:
        try:
            with transaction.atomic():
                member = PanelMember.objects.create(
                    panel=invitation.panel, reviewer=user, added_by=invitation.invited_by
                )
        except IntegrityError:
            member = PanelMember.objects.get(panel=invitation.panel, reviewer=user)
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    ReviewerProfile.objects.get_or_create(user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(target=invitation.panel.call, verb="review.reviewer_joined", actor=user, message=user.email)
    return member


@transaction.atomic
def member_remove(*, member: PanelMember, by) -> None:
    """Take a reviewer off the panel. Refused once they have any assignment: remove or
    reassign those first, so no review silently disappears."""
    call = member.panel.call
    require(can_manage_panel(by, call), _("Only programme officers of this call's funder can change its panel."))
    if Assignment.objects.filter(call=call, reviewer_id=member.reviewer_id).exists():
        raise ValidationError(
            _("This reviewer has assignments in this call. Reassign them before removing the reviewer.")
        )
    email = member.reviewer.email
    member.delete()
    record_event(target=call, verb="review.reviewer_removed", actor=by, message=email)


# --- Profile --------------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, user, expertise, areas, affiliation: str, max_load) -> ReviewerProfile:
    """A reviewer records their expertise (service categories, areas) and limits."""
    require(roles.is_reviewer(user), _("Only reviewers have a reviewer profile."))
    profile, _created = ReviewerProfile.objects.select_for_update().get_or_create(user=user)
    profile.affiliation = (affiliation or "").strip()
    profile.max_load = max_load
    profile.full_clean()
    profile.save()
    profile.expertise.set(expertise)
    profile.areas.set(areas)
    record_event(target=profile, verb="review.profile_updated", actor=user)
    return profile


@transaction.atomic
def relationship_declare(*, user, organisation, nature: str) -> DeclaredRelationship:
    """A standing declaration: the reviewer is never assigned this organisation's applications."""
    require(roles.is_reviewer(user), _("Only reviewers declare relationships."))
    nature = (nature or "").strip()
    if not nature:
        raise ValidationError({"nature": _("Say what the relationship is.")})
    relationship, created = DeclaredRelationship.objects.get_or_create(
        reviewer=user, organisation=organisation, defaults={"nature": nature}
    )
    if not created:
        relationship.nature = nature
        relationship.full_clean()
        relationship.save(update_fields=["nature"])
    record_event(target=relationship, verb="review.relationship_declared", actor=user, message=nature)
    return relationship


@transaction.atomic
def relationship_withdraw(*, relationship: DeclaredRelationship, by) -> None:
    require(relationship.reviewer_id == by.pk, _("You can only withdraw your own declarations."))
    record_event(
        target=relationship.organisation, verb="review.relationship_withdrawn", actor=by, message=relationship.nature
    )
    relationship.delete()
