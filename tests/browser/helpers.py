"""Shared steps for browser tests."""

import re
from pathlib import Path

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from tests.factories.accounts import TEST_PASSWORD, TEST_TOTP_SECRET

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/ (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-zA-Z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def current_totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def browser_login(page, live_server, user, *, password: str = TEST_PASSWORD, language: str = "en"):
    """Sign in through the real login form; answer the TOTP challenge when asked."""
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit], main form input[type=submit]")
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate" in page.url:
        page.fill("input[name=code]", current_totp_code())
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    return page
