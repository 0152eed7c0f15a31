"""Password guessing is limited on every way in, per account and per client address.

The limits are allauth's (ACCOUNT_RATE_LIMITS): "login_failed" allows 5 failures per
account in 5 minutes and 20 per client address in 15; Wagtail's login forms send people
to allauth's. The client address is REMOTE_ADDR unless the operator trusts a proxy.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client

from tests.browser.helpers import fresh_totp_code
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.utils.auth import login as force_login

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PER_ACCOUNT = 5  # "login_failed": .../key
PER_CLIENT = 20  # "login_failed": .../ip
LOGIN = "/en/accounts/login/"


def sign_in(email, password=TEST_PASSWORD, *, client=None, **headers):
    """POST allauth's login form; True when the session is signed in."""
    client = client or Client()
    response = client.post(LOGIN, {"login": email, "password": password}, **headers)
    return "_auth_user_id" in client.session, response


def fail_logins(count, *, emails=None, **headers):
    for n in range(count):
        email = emails[n] if emails else f"nobody{n}@made-up.example"
        signed_in, response = sign_in(email, "wrong-password", **headers)
        assert not signed_in
        assert response.status_code == 200


def refused_as_too_many(response) -> bool:
    return "Too many failed login attempts" in response.content.decode()


# --- per account, per client --------------------------------------------------------


def test_wrong_passwords_lock_that_account_but_not_another_account_from_the_same_address():
    target, colleague = UserFactory(ngo_member=True), UserFactory(ngo_member=True)
    address = {"REMOTE_ADDR": "198.51.100.10"}
    fail_logins(PER_ACCOUNT, emails=[target.email] * PER_ACCOUNT, **address)

    signed_in, response = sign_in(target.email, **address)
    assert not signed_in, "the right password after the limit must be refused"
    assert refused_as_too_many(response)
    # Also from elsewhere: the account's own limit counts whatever the address.
    assert not sign_in(target.email, REMOTE_ADDR="203.0.113.20")[0]

    assert sign_in(colleague.email, **address)[0]


def test_made_up_emails_from_one_address_lock_out_that_address_only():
    user = UserFactory(ngo_member=True)
    fail_logins(PER_CLIENT, REMOTE_ADDR="198.51.100.11")

    signed_in, response = sign_in(user.email, REMOTE_ADDR="198.51.100.11")
    assert not signed_in
    assert refused_as_too_many(response)
    assert sign_in(user.email, REMOTE_ADDR="203.0.113.21")[0]


def test_fewer_made_up_emails_than_the_client_limit_lock_out_nobody():
    """Today's bug: five failures for made-up emails locked every user of the address out."""
    user = UserFactory(ngo_member=True)
    fail_logins(PER_ACCOUNT, REMOTE_ADDR="198.51.100.12")
    assert sign_in(user.email, REMOTE_ADDR="198.51.100.12")[0]


def test_a_successful_login_takes_its_attempt_back():
    user = UserFactory(ngo_member=True)
    for _ in range(PER_ACCOUNT + 2):
        assert sign_in(user.email, REMOTE_ADDR="198.51.100.13")[0]


# --- Wagtail's login forms ----------------------------------------------------------


def login_redirect(response):
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


def test_admin_login_page_sends_to_allauths_form_keeping_next():
    assert login_redirect(Client().get("/admin/login/?next=/admin/pages/")) == (LOGIN, "/admin/pages/")
    assert login_redirect(Client().get("/admin/login/")) == (LOGIN, "/admin/")
    # Another site is not a place to be sent back to.
    assert login_redirect(Client().get("/admin/login/?next=https://evil.example/")) == (LOGIN, "/admin/")


def test_admin_pages_send_anonymous_visitors_to_allauths_form():
    assert login_redirect(Client().get("/admin/pages/")) == (LOGIN, "/admin/pages/")


def test_credentials_posted_to_admin_login_authenticate_nobody():
    officer = UserFactory(officer=True)
    client = Client()
    for _ in range(3):
        response = client.post("/admin/login/", {"username": officer.email, "password": TEST_PASSWORD})
        assert login_redirect(response) == (LOGIN, "/admin/")
        assert "_auth_user_id" not in client.session


def test_wagtails_frontend_login_form_is_gone_too():
    user = UserFactory(ngo_member=True)
    client = Client()
    response = client.post("/en/_util/login/?next=/en/", {"username": user.email, "password": TEST_PASSWORD})
    assert login_redirect(response) == (LOGIN, "/en/")
    assert "_auth_user_id" not in client.session


def test_signed_in_staff_opening_admin_login_go_on_to_the_admin():
    client = force_login(Client(), UserFactory(officer=True))
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_wagtails_account_page_has_no_password_form():
    client = force_login(Client(), UserFactory(officer=True))
    html = client.get("/admin/account/").content.decode()
    assert 'name="password_old_password"' not in html and "old_password" not in html


# --- password reset and the MFA code --------------------------------------------------


def test_password_reset_requests_are_limited_per_account():
    user = UserFactory(ngo_member=True)
    other = UserFactory(ngo_member=True)
    client = Client(REMOTE_ADDR="198.51.100.14")
    for _ in range(3):
        assert client.post("/en/accounts/password/reset/", {"email": user.email}).status_code == 302
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 429
    assert len(mail.outbox) == 3
    # Another account's reset from the same address still goes out.
    assert client.post("/en/accounts/password/reset/", {"email": other.email}).status_code == 302
    assert len(mail.outbox) == 4


def password_then_code(officer, code):
    client = Client(REMOTE_ADDR="198.51.100.15")
    response = client.post(LOGIN, {"login": officer.email, "password": TEST_PASSWORD})
    assert response["Location"].endswith("/accounts/2fa/authenticate/")
    response = client.post("/en/accounts/2fa/authenticate/", {"code": code})
    return "_auth_user_id" in client.session, response


def test_mfa_code_guessing_is_limited():
    officer = UserFactory(officer=True)
    for _ in range(PER_ACCOUNT):
        assert not password_then_code(officer, "000000")[0]
    signed_in, response = password_then_code(officer, fresh_totp_code())
    assert not signed_in, "the right code after the limit must be refused"
    assert refused_as_too_many(response)


# --- the client address behind a proxy ------------------------------------------------


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    user = UserFactory(ngo_member=True)
    for n in range(PER_CLIENT):
        # A new spoofed address each time cannot open a new bucket.
        fail_logins(
            1, emails=[f"nobody{n}@made-up.example"], REMOTE_ADDR="198.51.100.16", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
    signed_in, response = sign_in(user.email, REMOTE_ADDR="198.51.100.16", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert not signed_in
    assert refused_as_too_many(response)


def test_with_one_trusted_proxy_the_address_it_appended_counts(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    user = UserFactory(ngo_member=True)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # The attacker writes their own X-Forwarded-For; the proxy appends the real address.
    for n in range(PER_CLIENT):
        fail_logins(1, emails=[f"nobody{n}@made-up.example"], HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.30", **proxy)

    signed_in, response = sign_in(user.email, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.30", **proxy)
    assert not signed_in
    assert refused_as_too_many(response)
    # Everyone else behind the same proxy still signs in.
    assert sign_in(user.email, HTTP_X_FORWARDED_FOR="198.51.100.31", **proxy)[0]


def test_with_a_trusted_client_ip_header_that_header_counts(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    user = UserFactory(ngo_member=True)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    fail_logins(PER_CLIENT, HTTP_X_REAL_IP="203.0.113.40", **proxy)

    assert not sign_in(user.email, HTTP_X_REAL_IP="203.0.113.40", **proxy)[0]
    # X-Forwarded-For is not looked at when the header is configured.
    assert not sign_in(user.email, HTTP_X_REAL_IP="203.0.113.40", HTTP_X_FORWARDED_FOR="198.51.100.41", **proxy)[0]
    assert sign_in(user.email, HTTP_X_REAL_IP="198.51.100.41", **proxy)[0]


def settings_value(name, env):
    """A setting as config.settings.base computes it from the given environment."""
    environment = {k: v for k, v in os.environ.items() if k not in ("TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER")}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.test")
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_trusted_proxy_count_comes_from_the_environment_and_defaults_to_none():
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT", {}) == "0"
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT", {"TRUSTED_PROXY_COUNT": "2"}) == "2"


def test_trusted_client_ip_header_comes_from_the_environment_and_defaults_to_none():
    assert settings_value("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", {}) == "None"
    assert (
        settings_value("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", {"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}) == "'X-Real-IP'"
    )


def test_the_account_limit_does_not_depend_on_the_host_named():
    """allauth keys the account's counter by site domain, which without Django's sites
    framework is the request's Host: each allowed host would give five more guesses."""
    user = UserFactory(ngo_member=True)
    for host in ("localhost", "127.0.0.1", "testserver", "localhost", "127.0.0.1"):
        assert not sign_in(user.email, "wrong-password", HTTP_HOST=host, REMOTE_ADDR="198.51.100.17")[0]
    for host in ("localhost", "127.0.0.1", "testserver"):
        assert not sign_in(user.email, HTTP_HOST=host, REMOTE_ADDR="198.51.100.17")[0], host
