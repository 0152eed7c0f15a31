import re

from django.core import mail

from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory


def test_visitor_signs_up_verifies_email_logs_in_and_switches_language(page, live_server):
    page.goto(f"{live_server.url}/en/")
    screenshot(page, "home-en")
    page.click("text=Register")
    page.fill("input[name=email]", "newcomer@ngo-example.org")
    page.fill("input[name=password1]", "a-long-unusual-passphrase-42")
    page.fill("input[name=password2]", "a-long-unusual-passphrase-42")
    screenshot(page, "signup-form")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url
    screenshot(page, "signup-verification-sent")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + link[link.index("/en/") :])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "email-confirmed")
    assert "/dashboard/" in page.url

    page.click("text=Sign out")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", "newcomer@ngo-example.org")
    page.fill("input[name=password]", "a-long-unusual-passphrase-42")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/en/dashboard/" in page.url

    page.click(".language-switcher a[lang=zh-hans]")
    page.wait_for_load_state()
    assert "/zh-hans/dashboard/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "我的工作台" in page.content()
    screenshot(page, "dashboard-zh-hans")


def test_officer_must_pass_totp_before_the_back_office(page, live_server):
    officer = UserFactory(officer=True)
    browser_login(page, live_server, officer)
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/admin/")
    screenshot(page, "admin-after-mfa")


def test_home_page_fits_a_phone_screen(phone_page, live_server):
    phone_page.goto(f"{live_server.url}/zh-hans/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    screenshot(phone_page, "home-zh-hans-phone")


def test_account_pages_are_styled_in_both_languages(page, live_server):
    for language in ("en", "zh-hans"):
        for name, path in (
            ("login", "accounts/login/"),
            ("signup", "accounts/signup/"),
            ("password-reset", "accounts/password/reset/"),
        ):
            page.goto(f"{live_server.url}/{language}/{path}")
            assert page.locator("link[href$='site.css']").count() == 1
            assert page.locator("a.skip-link").count() == 1
            assert page.locator("main form label").count() >= 1
            screenshot(page, f"account-{name}-{language}")
