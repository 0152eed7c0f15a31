"""Joins a review panel by invitation as soon as the invitee is signed in.

The invitation view keeps the token in the session; whether the visitor then signs in
or signs up, core.invitations accepts it in that same session with the function below
(registered in ReviewConfig.ready()). An account without a second factor does not join
there: the invitation page has it set up TOTP first, then the invitee accepts on that
page (the token stays in the session).
"""

from django.utils.translation import gettext as _

from accounts.mfa import user_has_mfa
from grants.review.services import panels
from grants.review.views import INVITATION_SESSION_KEY

__all__ = ["INVITATION_SESSION_KEY", "accept_pending_invitation", "ready_to_join"]


def ready_to_join(user) -> bool:
    """A reviewer needs a second factor first."""
    return user_has_mfa(user)


def accept_pending_invitation(*, token: str, user) -> str:
    """Joins; the message to show. ValidationError with the reason otherwise."""
    invitation = panels.invitation_from_token(token=token)
    panels.invitation_accept(invitation=invitation, user=user)
    return _("You have joined the review panel of %(call)s.") % {"call": invitation.panel.call.title}
