"""`Authorization: Bearer <token>` for the REST API."""

import hmac

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.models import AccessToken, hash_token
from api.services import TOKEN_PREFIX, token_touch


class BearerTokenAuthentication(BaseAuthentication):
    """A personal access token: found by its prefix, compared by hash in constant time,
    refused when expired, revoked or when its user is no longer active. No header at all
    leaves the request anonymous (public endpoints answer it)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ” with no spaces in it."))
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from error
        return self.authenticate_token(raw)

    def authenticate_token(self, raw: str):
        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        token = AccessToken.objects.select_related("user").filter(prefix=parts[1]).first()
        if token is None or not hmac.compare_digest(token.token_hash, hash_token(raw)):
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        now = timezone.now()
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user account is inactive."))
        token_touch(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token made on the account's API tokens page: `lap_<prefix>_<secret>`.",
        }
