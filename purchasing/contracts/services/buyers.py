"""Buyers, their budget lines and their staff.

A programme officer registers a buyer (its USCC checked by ``core.identifiers`` when it has
one), sets its budget line per year and invites its staff by email (core.invitations);
accepting adds the invitee to the buyer's staff with the Buyer role. A budget line is never
set below what the buyer has already committed that year (the line's row is locked, as
signing does).
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import BUYER
from core import invitations
from core.audit import record_event
from core.links import site_path
from core.money import format_money
from core.notify import notify
from purchasing.contracts import permissions
from purchasing.contracts.models import BudgetLine, Buyer, BuyerInvitation, Contract
from purchasing.contracts.services.common import email_names, permit

INVITATION_DAYS = 14
TOKEN_SALT = "purchasing.buyer_invitation"
WORDING = invitations.InvitationWording(
    invalid=gettext_lazy("This invitation link is not valid. Check that you copied all of it."),
    expired=gettext_lazy("This invitation has expired. Ask the programme office to invite you again."),
    used=gettext_lazy("This invitation has already been used."),
    revoked=gettext_lazy("This invitation was withdrawn by the programme office."),
)
InvalidInvitation = invitations.InvalidInvitation


@transaction.atomic
def buyer_register(*, by, **fields) -> Buyer:
    permit(permissions.can_manage_buyers(by))
    buyer = Buyer(**fields)
    buyer.full_clean()
    buyer.save()
    record_event(target=buyer, verb="purchasing.buyer_registered", actor=by)
    return buyer


@transaction.atomic
def budget_line_set(*, buyer: Buyer, year: int, amount, by, note: str = "") -> BudgetLine:
    """Create or change the buyer's budget for a year, never below what is committed."""
    permit(permissions.can_manage_buyers(by))
    line = BudgetLine.objects.select_for_update().filter(buyer=buyer, year=year).first()
    if line is None:
        line = BudgetLine(buyer=buyer, year=year, amount=amount, note=note)
    committed = (
        Contract.objects.filter(buyer=buyer, year=year, status__in=Contract.COMMITTED).aggregate(total=Sum("total"))[
            "total"
        ]
        or 0
    )
    if amount < committed:
        raise ValidationError(
            {
                "amount": _("The buyer has already committed %(committed)s in %(year)s; the budget cannot be less.")
                % {"committed": format_money(committed), "year": year}
            }
        )
    previous = line.amount if line.pk else None
    line.amount, line.note = amount, note
    line.full_clean(exclude=["buyer"])
    line.save()
    record_event(
        target=buyer,
        verb="purchasing.budget_line_set",
        actor=by,
        message=f"{year}: {format_money(amount)}",
        data={"year": year, "amount": str(amount), "previous": str(previous) if previous is not None else None},
    )
    return line


def invitation_token(*, invitation: BuyerInvitation) -> str:
    return invitations.invitation_token(invitation, salt=TOKEN_SALT)


def invitation_from_token(*, token: str, require_open: bool = True) -> BuyerInvitation:
    return invitations.invitation_from_token(
        BuyerInvitation.objects.select_related("buyer", "invited_by"),
        token,
        salt=TOKEN_SALT,
        max_age=timedelta(days=INVITATION_DAYS),
        wording=WORDING,
        require_open=require_open,
    )


@transaction.atomic
def buyer_invite(*, buyer: Buyer, email: str, by) -> BuyerInvitation:
    """Invite a member of the buyer's staff; an earlier open invitation to the address is replaced."""
    permit(permissions.can_manage_buyers(by))
    email = email.strip().lower()
    invitation = invitations.issue(
        BuyerInvitation, scope={"buyer": buyer}, email=email, invited_by=by, days=INVITATION_DAYS
    )
    record_event(target=buyer, verb="purchasing.buyer_invited", actor=by, message=email)
    notify(
        template="purchasing_buyer_invitation",
        recipients=[email],
        context={
            **email_names(key="buyer", thing=buyer),
            "inviter": by.display_name,
            "path": site_path("purchasing:invitation_accept", token=invitation_token(invitation=invitation)),
            "days": INVITATION_DAYS,
        },
        key=f"purchasing-buyer-invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def buyer_invitation_revoke(*, invitation: BuyerInvitation, by) -> BuyerInvitation:
    permit(permissions.can_manage_buyers(by))
    invitation = invitations.withdraw(invitation)
    record_event(
        target=invitation.buyer, verb="purchasing.buyer_invitation_revoked", actor=by, message=invitation.email
    )
    return invitation


@transaction.atomic
def buyer_invitation_accept(*, invitation: BuyerInvitation, user) -> Buyer:
    """The invitee joins the buyer's staff and gets the Buyer role; once, before it expires,
    for an account that has verified the invited address."""
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to accept the invitation."))
    invitation = BuyerInvitation.objects.select_for_update(of=("self",)).select_related("buyer").get(pk=invitation.pk)
    invitations.check_open(invitation, wording=WORDING)
    invitations.check_addressed_to(invitation, user=user)
    buyer = invitation.buyer
    buyer.staff.add(user)
    user.groups.add(Group.objects.get(name=BUYER))
    for cached in ("_role_names", "_purchasing_buyer_ids"):
        user.__dict__.pop(cached, None)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(target=buyer, verb="purchasing.buyer_joined", actor=user, message=user.email)
    return buyer


def accept_pending_invitation(*, token: str, user) -> str:
    """core.invitations' accept-on-login hook: joins; the message to show."""
    invitation = invitation_from_token(token=token)
    buyer = buyer_invitation_accept(invitation=invitation, user=user)
    return _("You have joined %(name)s as a buyer.") % {"name": buyer.name}
