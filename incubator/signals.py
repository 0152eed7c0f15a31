"""Joins an organisation by invitation as soon as the invitee is signed in.

The invitation view keeps the token in the session; whether the visitor then signs in,
or signs up (and verifies), Django's `user_logged_in` fires in that same session.
"""

import logging

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from incubator.services import membership as membership_services
from incubator.views import INVITATION_SESSION_KEY

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="incubator_accept_pending_invitation")
def accept_pending_invitation(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(INVITATION_SESSION_KEY, None)
    if not token:
        return
    try:
        invitation = membership_services.invitation_from_token(token)
        membership_services.invitation_accept(invitation=invitation, user=user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return
    messages.success(request, _("You have joined %(name)s.") % {"name": invitation.organisation.name})
