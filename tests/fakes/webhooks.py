"""Signed Stripe webhook bodies for tests, and the recorded example events."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parent / "events"
RECORDED_EVENT_TYPES = ("transfer.created", "transfer.reversed", "account.updated", "checkout.session.completed")


def signed_webhook(payload: dict[str, Any], secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
    """Serialise ``payload`` and sign it the way Stripe does: ``t=<unix>,v1=<hex HMAC-SHA256>``.

    The MAC covers ``"<t>.<body>"`` with the endpoint secret. Written out here rather
    than borrowed from the SDK so the tests check the SDK's verifier against the
    documented scheme, not against itself.
    """
    timestamp = int(time.time()) if timestamp is None else timestamp
    body = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={mac}"


def load_event(event_type: str, **overrides: Any) -> dict[str, Any]:
    """A fresh copy of the recorded ``event_type`` event; top-level keys replaced by ``overrides``."""
    path = EVENTS_DIR / f"{event_type}.json"
    event = json.loads(path.read_text(encoding="utf-8"))
    event.update(copy.deepcopy(overrides))
    return event
