from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator


def user_has_mfa(user) -> bool:
    cached = getattr(user, "_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_mfa = cached
    return cached


def session_passed_mfa(request) -> bool:
    """True once this session has answered a TOTP or recovery-code challenge."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)
