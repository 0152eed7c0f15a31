"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server. In CI these tests must run: a missing browser fails."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.helpers import assert_no_csp_violations, watch_content_security_policy

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser tests (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = watch_content_security_policy(context.new_page())
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert_no_csp_violations(page)


@pytest.fixture
def phone_page(browser):
    """A 375 px wide phone screen."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = watch_content_security_policy(context.new_page())
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert_no_csp_violations(page)
