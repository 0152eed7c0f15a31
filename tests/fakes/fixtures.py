"""Pytest plugin: ``fake_stripe`` points the product's Stripe settings at a local fake API;
``fake_oauth`` turns WeChat and DingTalk sign-in on against a local fake of their endpoints;
``fake_sms`` switches SMS to the Tencent Cloud backend against a local fake that checks signatures.

Register once in tests/conftest.py: ``pytest_plugins = ["tests.fakes.fixtures"]``.
"""

from __future__ import annotations

import pytest

from tests.fakes.oauth_server import FakeOAuthServer
from tests.fakes.sms_server import FakeTencentSmsServer
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


@pytest.fixture
def fake_oauth(settings):
    """A running FakeOAuthServer; WeChat and DingTalk sign-in on against it for this test
    (allauth's providers with their endpoint URLs pointed at it)."""
    server = FakeOAuthServer()
    server.start()
    providers = {name: dict(config) for name, config in settings.SOCIALACCOUNT_PROVIDERS.items()}
    for name, config in server.provider_settings().items():
        providers[name].update(config)
    settings.SOCIALACCOUNT_PROVIDERS = providers
    # allauth's confirmation form redirects to the provider's page (form-action, as in production).
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], server.url]},
    }
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_sms(settings):
    """A running FakeTencentSmsServer; SMS sent through the Tencent backend to it for this test."""
    server = FakeTencentSmsServer()
    server.start()
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TENCENT_ENDPOINT = server.url
    settings.SMS_TENCENT_SECRET_ID = server.secret_id
    settings.SMS_TENCENT_SECRET_KEY = server.secret_key
    settings.SMS_TENCENT_SDK_APP_ID = server.sdk_app_id
    settings.SMS_TENCENT_SIGN_NAME = server.sign_name
    settings.SMS_TEMPLATE_IDS = dict(server.templates)
    settings.SMS_TIMEOUT_SECONDS = 2.0
    try:
        yield server
    finally:
        server.stop()
