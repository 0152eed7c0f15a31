"""Signing test clients in, with or without a passed MFA challenge."""

import time

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY


def login(client, user, *, mfa: bool = True):
    """Log `client` in as `user`. With `mfa`, the session also records a passed second
    factor, as allauth does after a TOTP challenge, so staff and review pages open."""
    client.force_login(user, backend="accounts.permissions_backend.CachedPermissionsBackend")
    if mfa:
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "email": user.email},
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        # allauth ties the records to the user they were made for.
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client
