"""How a delivery is signed, Stripe-style, and how a receiver checks it.

The body is the event as compact JSON. The signed text is ``f"{timestamp}.{body}"``
(Unix seconds, a dot, the raw body bytes); the signature is its HMAC-SHA256 under the
endpoint's secret (the whole ``whsec_…`` string as UTF-8), in hex. Headers::

    X-LegalAid-Timestamp: 1767225600
    X-LegalAid-Signature: t=1767225600,v1=5257a869e7…

A receiver recomputes the HMAC over the timestamp and the raw body it received,
compares in constant time, and refuses a timestamp more than five minutes from its
clock (a replayed capture). ``verify`` below is that receiver's check.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time

TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "X-LegalAid-Signature"
TIMESTAMP_HEADER = "X-LegalAid-Timestamp"
EVENT_HEADER = "X-LegalAid-Event"
EVENT_ID_HEADER = "X-LegalAid-Event-Id"
DELIVERY_HEADER = "X-LegalAid-Delivery"


def body_of(event) -> bytes:
    """The event as it is sent: the same bytes for every attempt and replay."""
    payload = {
        "id": event.public_id,
        "type": event.type,
        "created": event.created_at.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers(*, secret: str, body: bytes, event, delivery, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "LegalAidHub-Webhooks/1",
        EVENT_HEADER: event.type,
        EVENT_ID_HEADER: event.public_id,
        DELIVERY_HEADER: delivery.public_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"t={timestamp},v1={signature(secret, timestamp, body)}",
    }


def verify(*, secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """The receiver's check of ``X-LegalAid-Signature``."""
    try:
        fields = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), fields.get("v1", ""))
