"""The signature a receiver checks, against a reference implementation written here from
the documented scheme (docs/webhooks.md), not from webhooks.signing."""

import hashlib
import hmac
import json
import time
import uuid
from types import SimpleNamespace

from django.utils import timezone

from webhooks import signing


def reference_verify(secret: str, header: str, body: bytes, now: float, tolerance: int = 300) -> bool:
    """What a receiver writes from the docs: split t= and v1=, HMAC-SHA256 over "t.body"."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def _event():
    return SimpleNamespace(
        id=uuid.uuid4(),
        public_id="evt_0123",
        type="application.submitted",
        created_at=timezone.now(),
        data={"application": {"id": 7, "reference": "GC-2026-0007", "organisation": {"name_zh": "法援中心"}}},
    )


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body_and_a_receiver_can_check_it():
    secret = "whsec_test-secret"
    event = _event()
    body = signing.body_of(event)
    now = int(time.time())
    headers = signing.headers(
        secret=secret, body=body, event=event, delivery=SimpleNamespace(public_id="dlv_1"), timestamp=now
    )
    assert headers["X-LegalAid-Timestamp"] == str(now)
    assert headers["X-LegalAid-Event"] == "application.submitted"
    assert headers["X-LegalAid-Event-Id"] == "evt_0123"
    assert reference_verify(secret, headers["X-LegalAid-Signature"], body, now=now)
    assert signing.verify(secret=secret, body=body, header=headers["X-LegalAid-Signature"], now=now)


def test_a_changed_body_another_secret_or_an_old_timestamp_fails_the_check():
    secret = "whsec_test-secret"
    event = _event()
    body = signing.body_of(event)
    now = int(time.time())
    header = signing.headers(
        secret=secret, body=body, event=event, delivery=SimpleNamespace(public_id="d"), timestamp=now
    )["X-LegalAid-Signature"]
    tampered = body.replace(b"GC-2026-0007", b"GC-2026-0008")
    assert not reference_verify(secret, header, tampered, now=now)
    assert not signing.verify(secret=secret, body=tampered, header=header, now=now)
    assert not reference_verify("whsec_other", header, body, now=now)
    assert not signing.verify(secret="whsec_other", body=body, header=header, now=now)
    assert not reference_verify(secret, header, body, now=now + 301)
    assert not signing.verify(secret=secret, body=body, header=header, now=now + 301)
    assert not signing.verify(secret=secret, body=body, header="garbage", now=now)


def test_the_body_is_compact_json_with_id_type_created_and_data_in_utf8():
    event = _event()
    body = signing.body_of(event)
    decoded = json.loads(body)
    assert set(decoded) == {"id", "type", "created", "data"}
    assert decoded["created"].endswith("Z")
    assert "法援中心".encode() in body  # not \\u escapes: the receiver sees the characters
    assert signing.body_of(event) == body  # the same bytes every time (attempts, replays)
