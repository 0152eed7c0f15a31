"""Joins a review panel by invitation as soon as the invitee is signed in.

The invitation view keeps the token in the session; whether the visitor then signs in
or signs up, Django's `user_logged_in` fires in that same session. An account without a
second factor does not join here: the invitation page has it set up TOTP first, then
the invitee accepts on that page.
"""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.mfa import user_has_mfa
from grants.review.services import panels
from grants.review.views import INVITATION_SESSION_KEY


@receiver(user_logged_in, dispatch_uid="review_accept_pending_invitation")
def accept_pending_invitation(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if not user_has_mfa(user):
        # A reviewer needs a second factor first; the invitation page asks for it and
        # the invitee accepts there afterwards (the token stays in the session).
        return
    token = request.session.pop(INVITATION_SESSION_KEY, None)
    if not token:
        return
    try:
        invitation = panels.invitation_from_token(token)
        panels.invitation_accept(invitation=invitation, user=user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return
    messages.success(
        request, _("You have joined the review panel of %(call)s.") % {"call": invitation.panel.call.title}
    )
