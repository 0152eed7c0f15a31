"""Joins an organisation by invitation as soon as the invitee is signed in.

The invitation view keeps the token in the session; whether the visitor then signs in,
or signs up (and verifies), core.invitations accepts it in that same session with the
function below (registered in IncubatorConfig.ready()).
"""

from django.utils.translation import gettext as _

from incubator.services import membership as membership_services
from incubator.views import INVITATION_SESSION_KEY

__all__ = ["INVITATION_SESSION_KEY", "accept_pending_invitation"]


def accept_pending_invitation(*, token: str, user) -> str:
    """Joins; the message to show. ValidationError with the reason otherwise."""
    invitation = membership_services.invitation_from_token(token=token)
    membership_services.invitation_accept(invitation=invitation, user=user)
    return _("You have joined %(name)s.") % {"name": invitation.organisation.name}
