"""Residents' survey without an account: the guards against floods and bots, and the QR code.

No third-party captcha. A submission is refused when:
- the honeypot field (hidden from people and screen readers) is filled;
- the form's signed "shown at" time is missing, forged, older than FORM_MAX_AGE or younger than
  the minimum fill time (a person needs some seconds to read and answer);
- this device already answered this link within DEVICE_WINDOW (a signed cookie per link);
- this address answered this link PER_ADDRESS times within ADDRESS_WINDOW (a counter in the
  cache under a keyed hash of the address, never the address itself);
- the link already got DAILY_CAP answers today.
The limits are settings so an operator can loosen them for a busy service point.
"""

import hashlib
import hmac
import time

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from grants.review.public_views import client_address

SHOWN_SALT = "awards.feedback.shown"
COOKIE_SALT = "awards.feedback.device"
FORM_MAX_AGE = 2 * 60 * 60
DEVICE_WINDOW = 24 * 60 * 60
ADDRESS_WINDOW = 60 * 60


def min_fill_seconds() -> int:
    return getattr(settings, "FEEDBACK_MIN_FILL_SECONDS", 4)


def per_address_limit() -> int:
    return getattr(settings, "FEEDBACK_PER_ADDRESS_PER_HOUR", 20)


def daily_cap() -> int:
    return getattr(settings, "FEEDBACK_DAILY_CAP", 300)


def shown_token(at: float | None = None) -> str:
    return signing.dumps(at if at is not None else time.time(), salt=SHOWN_SALT)


def too_fast_or_forged(token: str, *, now: float | None = None) -> bool:
    try:
        shown = float(signing.loads(token or "", salt=SHOWN_SALT, max_age=FORM_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return (now or time.time()) - shown < min_fill_seconds()


def cookie_name(case) -> str:
    return f"fb{case.pk}"


def device_answered(request, case) -> bool:
    return (
        request.get_signed_cookie(cookie_name(case), default=None, salt=COOKIE_SALT, max_age=DEVICE_WINDOW) is not None
    )


def mark_device(response, case) -> None:
    response.set_signed_cookie(
        cookie_name(case),
        "1",
        salt=COOKIE_SALT,
        max_age=DEVICE_WINDOW,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def _address_key(request, case) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256).hexdigest()
    return f"feedback-address:{case.feedback_token}:{digest[:32]}"


def address_exhausted(request, case) -> bool:
    return (cache.get(_address_key(request, case)) or 0) >= per_address_limit()


def count_address(request, case) -> None:
    key = _address_key(request, case)
    cache.add(key, 0, ADDRESS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, ADDRESS_WINDOW)


def link_exhausted(case) -> bool:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return case.responses.filter(created_at__gte=start).count() >= daily_cap()


def qr_code(url: str):
    """The QR code of `url` (error correction M: survives a worn poster)."""
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> str:
    """An inline SVG (no XML declaration), scaled by CSS, dark on light for any printer."""
    return qr_code(url).svg_inline(scale=8, border=2, dark="#000", light="#fff", title=url)
