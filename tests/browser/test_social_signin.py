"""In the browser: signing up with WeChat against the local fake provider, linking DingTalk
from the account page, and choosing text messages in the account page (375 px)."""

import re

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail

from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory


def test_a_newcomer_signs_up_with_wechat(page, live_server, fake_oauth):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.click("a[href*='/accounts/weixin/login/']")
    page.wait_for_load_state()
    # allauth asks before leaving for WeChat; the QR page is the fake's.
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/connect/qrconnect.*"))
    screenshot(page, "wechat-qr-page-fake")
    page.click("#confirm")
    page.wait_for_url(re.compile(r".*/accounts/3rdparty/signup/"))
    screenshot(page, "wechat-signup-form")
    page.fill("input[name=email]", "wechat-newcomer@ngo-example.org")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/"))
    user = get_user_model().objects.get(email="wechat-newcomer@ngo-example.org")
    assert SocialAccount.objects.get(user=user).provider == "weixin"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + link[link.index("/en/") :])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/"))
    screenshot(page, "wechat-newcomer-dashboard")


def test_a_member_links_dingtalk_from_the_account_page(page, live_server, fake_oauth):
    user = UserFactory(ngo_member=True)
    browser_login(page, live_server, user)
    page.goto(f"{live_server.url}/en/accounts/3rdparty/")
    page.click("text=Link DingTalk")
    page.wait_for_load_state()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/oauth2/auth.*"))
    page.click("#confirm")
    page.wait_for_url(re.compile(r".*/accounts/3rdparty/"))
    screenshot(page, "dingtalk-linked")
    assert SocialAccount.objects.get(provider="dingtalk").user == user
    assert "李四" in page.content()


def test_a_member_chooses_text_messages_on_a_phone(phone_page, live_server):
    user = UserFactory(ngo_member=True)
    page = browser_login(phone_page, live_server, user)
    page.goto(f"{live_server.url}/en/dashboard/")
    page.click("a.card[href$='/dashboard/notifications/']")
    page.wait_for_url(re.compile(r".*/dashboard/notifications/"))
    page.check("input[value=email_sms]")
    page.fill("input[name=phone]", "0")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Enter a mainland China mobile number" in page.content()
    page.fill("input[name=phone]", "138 1234 5678")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Your notification settings are saved." in page.content()
    screenshot(page, "notifications-sms-chosen-375")
    user.refresh_from_db()
    assert user.notification_channels == "email_sms"
    assert user.phone == "+8613812345678"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
