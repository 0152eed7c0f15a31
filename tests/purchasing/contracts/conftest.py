# The browser journey here drives tests/browser's headless Chromium.
from tests.browser.conftest import browser, page, phone_page  # noqa: F401
