"""Invitations by email, one scheme for every kind (an organisation's, a review panel's).

An invitation link carries a signed token: the invitation's id and a random nonce,
signed with a salt of its own kind, so a token of one kind never opens another. It
expires, can be withdrawn and works once. Each kind keeps its own model (inheriting
`InvitationBase`), its own salt and its own wording; the checks are these.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return uuid.uuid4().hex


class InvitationBase(models.Model):
    """The fields every invitation has; a kind adds what it invites to (an organisation
    and a role, a panel), its table, ordering and constraints."""

    email = models.EmailField(_("email"))
    nonce = models.CharField(max_length=32, unique=True, default=new_nonce, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        abstract = True

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    @property
    def is_closed(self) -> bool:
        """Accepted or withdrawn: no token opens it again."""
        return self.accepted_at is not None or self.revoked_at is not None


class InvalidInvitation(ValidationError):
    """The token or the invitation does not admit anyone; the message says why."""


@dataclass(frozen=True)
class InvitationWording:
    """What the invitee reads, in the words of the kind (each app keeps its catalogue)."""

    invalid: str
    expired: str
    used: str
    revoked: str


def invitation_token(invitation: InvitationBase, *, salt: str) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=salt)


def invitation_from_token(
    queryset: QuerySet,
    token: str,
    *,
    salt: str,
    max_age: timedelta,
    wording: InvitationWording,
    require_open: bool = True,
):
    """The invitation of `queryset` the token names (open, unless require_open is
    False); InvalidInvitation with the reason otherwise."""
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidInvitation(str(wording.expired)) from None
    except signing.BadSignature:
        raise InvalidInvitation(str(wording.invalid)) from None
    if not isinstance(payload, dict):
        raise InvalidInvitation(str(wording.invalid))
    invitation = queryset.filter(pk=payload.get("i"), nonce=payload.get("n")).first()
    if invitation is None:
        raise InvalidInvitation(str(wording.invalid))
    if require_open:
        check_open(invitation, wording=wording)
    return invitation


def check_open(invitation: InvitationBase, *, wording: InvitationWording, now=None) -> None:
    """InvalidInvitation unless the invitation is neither used, withdrawn nor expired."""
    if invitation.accepted_at:
        raise InvalidInvitation(str(wording.used))
    if invitation.revoked_at:
        raise InvalidInvitation(str(wording.revoked))
    if invitation.expires_at <= (now or timezone.now()):
        raise InvalidInvitation(str(wording.expired))


def issue(model: type[InvitationBase], *, scope: dict, email: str, invited_by, days: int, **fields) -> InvitationBase:
    """A new invitation to `email` within `scope` (an organisation, a panel), valid for
    `days`; an earlier open invitation to the same address in the same scope is withdrawn,
    so only the newest link works. Call inside the caller's transaction."""
    now = timezone.now()
    model.objects.filter(**scope, email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    invitation = model(**scope, **fields, email=email, invited_by=invited_by, expires_at=now + timedelta(days=days))
    invitation.full_clean()
    invitation.save()
    return invitation


def withdraw(invitation: InvitationBase) -> InvitationBase:
    """The invitation, locked and withdrawn; a ValidationError if it was used or withdrawn
    already. Call inside the caller's transaction."""
    locked = type(invitation).objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at or locked.revoked_at:
        raise ValidationError(_("This invitation is no longer open."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    return locked


def addressed_to(invitation: InvitationBase, user) -> bool:
    """The user has verified the address the invitation was sent to."""
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def wrong_address_message(invitation: InvitationBase) -> str:
    return _(
        "This invitation was sent to %(email)s. Sign in with that address (or add and verify it) to accept it."
    ) % {"email": invitation.email}


def check_addressed_to(invitation: InvitationBase, *, user) -> None:
    """InvalidInvitation unless the user has verified the invited address."""
    if not addressed_to(invitation, user):
        raise InvalidInvitation(wrong_address_message(invitation))


# --- Accept on signing in ------------------------------------------------------------------
#
# An invitation page opened by a visitor keeps the token in the session (each kind under
# its own key); whether the visitor then signs in, or signs up (and verifies), Django's
# `user_logged_in` fires in that same session and the one receiver below accepts every
# pending invitation. core is below the apps whose invitations these are: each kind
# registers its accept function in its AppConfig.ready().


@dataclass(frozen=True)
class PendingKind:
    session_key: str
    # accept(token=..., user=...) -> the success message; raises ValidationError.
    accept: Callable[..., str]
    # ready(user) -> False to leave the token in the session for the kind's own page
    # (a reviewer sets up a second factor first, then accepts there).
    ready: Callable[[object], bool] | None = None


_PENDING: dict[str, PendingKind] = {}


def register_accept_on_login(*, session_key: str, accept: Callable[..., str], ready=None) -> None:
    """Accept the invitation whose token a page kept under `session_key` once its invitee
    signs in. Registering the same key again replaces the entry."""
    _PENDING[session_key] = PendingKind(session_key=session_key, accept=accept, ready=ready)


def keep_pending(request, *, session_key: str, token: str) -> None:
    """Keep the token until the visitor signs in or signs up."""
    request.session[session_key] = token


def forget_pending(request, *, session_key: str) -> None:
    request.session.pop(session_key, None)


def accept_pending_invitations(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (connected in CoreConfig.ready())."""
    if request is None or not hasattr(request, "session"):
        return
    for kind in list(_PENDING.values()):
        if kind.ready is not None and not kind.ready(user):
            continue
        token = request.session.pop(kind.session_key, None)
        if not token:
            continue
        try:
            message = kind.accept(token=token, user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            continue
        if message:
            messages.success(request, message)
