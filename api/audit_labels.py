"""How the API tokens' audit events read (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs

TOKEN_VERBS = {
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
}


def register_audit() -> None:
    register_verbs(TOKEN_VERBS)
