"""Rate limits: per token for authenticated calls, per client address for anonymous ones."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken


class _SettingsRate(SimpleRateThrottle):
    """Reads its rate when asked (DRF reads it once, at import), so a changed setting applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class TokenRateThrottle(_SettingsRate):
    """Keyed by the token's id, so two tokens of one user have their own budgets and a
    leaked token cannot spend its owner's other budgets."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AccessToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AnonymousRateThrottle(_SettingsRate):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AccessToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
