"""Where the platform may send webhooks: the guard against server-side request forgery.

An endpoint's URL must use https and reach only public addresses, so an administrator
(or someone who took over their session) cannot make the server call its own network:
the cloud metadata service at 169.254.169.254, the database, Redis, the admin on
localhost. The host is resolved and every address it resolves to is checked, when the
endpoint is saved and again before each attempt (DNS may change in between).

``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` (default: ``DEBUG``) lifts the address check and
allows plain http to loopback hosts (localhost, 127.0.0.1, ::1): for development and
for the tests' local receiver. Never set it in production.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def private_addresses_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", settings.DEBUG))


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    # ::ffff:10.0.0.1 is 10.0.0.1
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback_host(host: str) -> bool:
    address = _ip(host)
    return address.is_loopback if address is not None else host.lower().rstrip(".") in LOOPBACK_NAMES


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise ValidationError(_("The host %(host)s cannot be resolved.") % {"host": host}, code="unresolved") from error
    return sorted({info[4][0] for info in infos})


def check_url(url: str) -> None:
    """Raise ValidationError unless the platform may send webhooks to ``url``."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise ValidationError(_("Enter an https URL."), code="scheme")
    if parts.username or parts.password:
        raise ValidationError(_("Leave user names and passwords out of the URL."), code="credentials")
    allowed = private_addresses_allowed()
    if scheme == "http" and not (allowed and is_loopback_host(host)):
        raise ValidationError(_("Webhook URLs must use https."), code="https")
    if allowed:
        return
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise ValidationError(_("Enter a valid port."), code="port") from error
    for text in resolve(host, port):
        address = _ip(text)
        if address is None or not address.is_global or address.is_multicast:
            raise ValidationError(
                _("%(host)s resolves to a private or reserved address (%(address)s); webhooks go only to public ones.")
                % {"host": host, "address": text},
                code="private",
            )
