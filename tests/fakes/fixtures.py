"""Pytest plugin: ``fake_stripe`` points the product's Stripe settings at a local fake API.

Register once in tests/conftest.py: ``pytest_plugins = ["tests.fakes.fixtures"]``.
"""

from __future__ import annotations

import pytest

from tests.fakes.stripe_server import FakeStripeServer

FAKE_SECRET_KEY = "sk_test_fake"
FAKE_WEBHOOK_SECRET = "whsec_test"
# Short enough that timeout tests run in about a second, long enough for a loaded CI box.
FAKE_CLIENT_TIMEOUT = 1.0


@pytest.fixture
def fake_stripe(settings):
    """A running FakeStripeServer; settings switched to Stripe mode against it for this test."""
    server = FakeStripeServer(api_key=FAKE_SECRET_KEY, hang_seconds=FAKE_CLIENT_TIMEOUT + 2)
    server.start()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = FAKE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = FAKE_WEBHOOK_SECRET
    settings.STRIPE_TIMEOUT_SECONDS = FAKE_CLIENT_TIMEOUT
    settings.PAYMENTS_MODE = "stripe"
    try:
        yield server
    finally:
        server.stop()
