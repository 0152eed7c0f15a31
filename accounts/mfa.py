from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import data_version


def user_has_mfa(user) -> bool:
    """Whether the user has set up TOTP: kept on the user for the request, and under the
    data version across requests (making or removing an authenticator bumps it)."""
    cached = getattr(user, "_has_mfa", None)
    if cached is None:
        cached = data_version.per_user(
            "has-totp",
            user,
            compute=lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )
        user._has_mfa = cached
    return cached


def session_passed_mfa(request) -> bool:
    """True once this session has answered a TOTP or recovery-code challenge."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def mfa_setup_redirect(request, *, next_url: str):
    """Where a signed-in user must go before a page that needs a second factor: TOTP
    set-up without one, the MFA challenge if this session has not passed it; None when
    the session is fine. Both come back to `next_url`."""
    query = urlencode({"next": next_url})
    if not user_has_mfa(request.user):
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")
    if not session_passed_mfa(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None
