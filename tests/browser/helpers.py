"""Shared steps for browser tests."""

import mimetypes
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.files.storage import default_storage

from tests.factories.accounts import TEST_PASSWORD, TEST_TOTP_SECRET

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/ (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-zA-Z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


TOTP_PERIOD = 30


def current_totp_code(secret: str = TEST_TOTP_SECRET, *, steps_ago: int = 0) -> str:
    """The code of this 30-second step (or of one `steps_ago`). Computed from the clock
    directly: allauth's own counter generator starts at the oldest step it tolerates."""
    counter = int(time.time() // TOTP_PERIOD) - steps_ago
    return format_hotp_value(hotp_value(secret, counter))


def fresh_totp_code(secret: str = TEST_TOTP_SECRET, *, margin: float = 5.0) -> str:
    """A code with at least `margin` seconds of its 30-second step left, so a slow
    machine cannot submit it after the step has turned."""
    left = TOTP_PERIOD - (time.time() % TOTP_PERIOD)
    if left < margin:
        time.sleep(left + 0.2)
    return current_totp_code(secret)


# The last 30-second step whose code each user signed in with: allauth refuses a code used
# twice (replay guard), so a second sign-in of the same person (another window) waits a step.
_STEP_USED: dict[int, int] = {}


def _unused_totp_code(user) -> str:
    code = fresh_totp_code()
    step = int(time.time() // TOTP_PERIOD)
    if _STEP_USED.get(user.pk) == step:
        time.sleep(TOTP_PERIOD - (time.time() % TOTP_PERIOD) + 0.2)
        code = fresh_totp_code()
        step = int(time.time() // TOTP_PERIOD)
    _STEP_USED[user.pk] = step
    return code


def browser_login(page, live_server, user, *, password: str = TEST_PASSWORD, language: str = "en"):
    """Sign in through the real login form; answer the TOTP challenge when asked."""
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit], main form input[type=submit]")
    if "/accounts/2fa/authenticate" in page.url:
        page.fill("input[name=code]", _unused_totp_code(user))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/accounts/2fa/authenticate" not in page.url, "the TOTP challenge refused the code"
    assert "/accounts/login" not in page.url, f"login failed for {user.email}"
    return page


def watch_content_security_policy(page, *, admin: bool = False):
    """Keep on `page.csp_violations` what Chromium's console reports as blocked by the
    Content-Security-Policy on the pages of its context; by default not on Wagtail's
    admin pages, whose relaxed policy is their own matter."""
    page.csp_violations = []

    def record(message):
        url = message.page.url if message.page else ""
        if "Content Security Policy" in message.text and (admin or not urlsplit(url).path.startswith("/admin/")):
            page.csp_violations.append(f"{url}: {message.text}")

    page.context.on("console", record)
    return page


def assert_no_csp_violations(page):
    violations = getattr(page, "csp_violations", [])
    assert not violations, "blocked by the Content-Security-Policy:\n" + "\n".join(violations)


def new_page(browser, **options):
    """A page in a fresh desktop browser context (its own cookies: one person's session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return watch_content_security_policy(page)


def close(page):
    """Close the page's context; fail if the Content-Security-Policy blocked anything on it."""
    try:
        assert_no_csp_violations(page)
    finally:
        page.context.close()


def submit(page, target):
    """Click `target` (a selector or a locator) and wait for the page it leads to."""
    with page.expect_navigation():
        (page.locator(target) if isinstance(target, str) else target).first.click()
    page.wait_for_load_state()


def serve_media(page, live_server):
    """Test uploads live in memory; hand them to the browser straight from storage."""

    def handle(route):
        name = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        if not default_storage.exists(name):
            route.fulfill(status=404, body="")
            return
        with default_storage.open(name) as file:
            body = file.read()
        route.fulfill(status=200, body=body, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")

    page.route(f"{live_server.url}/media/**", handle)
