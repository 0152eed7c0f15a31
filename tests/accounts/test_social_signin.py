"""WeChat and DingTalk sign-in: allauth's real views and provider code, over real HTTP to
a local fake of the providers (tests/fakes/oauth_server.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from accounts import roles
from tests.browser.helpers import fresh_totp_code
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN_PAGE = "/en/accounts/login/"


def start(client: Client, provider: str, *, process: str = "login") -> str:
    """Press the provider's button: allauth's confirmation page, then its POST, which
    redirects to the provider's authorize page. Returns that URL."""
    url = f"/en/accounts/{provider}/login/?process={process}"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def consent(authorize_url: str) -> str:
    """The person approves on the provider's page (real HTTP to the fake); returns the
    path and query the provider sends them back to."""
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    confirm = page.text.split('id="confirm" href="')[1].split('"')[0].replace("&amp;", "&")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    answer = requests.get(origin + confirm, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def dance(client: Client, provider: str, *, process: str = "login"):
    """The whole round trip; returns allauth's answer to the callback."""
    return client.get(consent(start(client, provider, process=process)))


def test_providers_are_off_by_default(client):
    page = client.get(LOGIN_PAGE).content.decode()
    assert "/accounts/weixin/login/" not in page
    assert "/accounts/dingtalk/login/" not in page
    for provider in ("weixin", "dingtalk"):
        assert client.get(f"/en/accounts/{provider}/login/").status_code == 404
        assert client.post(f"/en/accounts/{provider}/login/").status_code == 404
        assert client.get(f"/en/accounts/{provider}/login/callback/?code=x&state=y").status_code == 404


def test_providers_are_on_the_login_page_when_configured(client, fake_oauth):
    page = client.get(LOGIN_PAGE).content.decode()
    assert "/en/accounts/weixin/login/" in page
    assert "/en/accounts/dingtalk/login/" in page
    assert "WeChat" in page and "DingTalk" in page


def test_the_authorize_request_is_the_providers(client, fake_oauth):
    wechat = urlsplit(start(client, "weixin"))
    query = parse_qs(wechat.query)
    assert wechat.path == "/connect/qrconnect"
    assert query["appid"] == [fake_oauth.wechat_app_id]
    assert query["scope"] == ["snsapi_login"]
    assert query["redirect_uri"] == ["http://testserver/en/accounts/weixin/login/callback/"]
    assert query["state"]
    dingtalk = parse_qs(urlsplit(start(client, "dingtalk")).query)
    assert dingtalk["client_id"] == [fake_oauth.dingtalk_client_id]
    assert dingtalk["scope"] == ["openid"]
    assert dingtalk["prompt"] == ["consent"]


@pytest.mark.parametrize(
    ("provider", "uid", "name"), [("weixin", "o-wechat-0001", "张三"), ("dingtalk", "ding-open-0001", "李四")]
)
def test_a_newcomer_signs_up_through_the_normal_rules(client, fake_oauth, provider, uid, name):
    """No account has this WeChat/DingTalk: the sign-up form asks for an email, which is
    verified by link before the account is used; the account is an NGO member's."""
    response = dance(client, provider)
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/3rdparty/signup/")
    assert not User.objects.exists()
    form = client.get(response["Location"])
    assert form.status_code == 200
    response = client.post("/en/accounts/3rdparty/signup/", {"email": "newcomer@example.org"})
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    user = User.objects.get(email="newcomer@example.org")
    assert user.groups.filter(name=roles.NGO_MEMBER).exists()
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user, provider=provider)
    assert account.uid == uid
    # The nickname came through as the person wrote it (WeChat sends UTF-8 as text/plain).
    assert name in str(account.get_provider_account())
    # Not signed in until the address is verified.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    address = EmailAddress.objects.get(user=user)
    assert not address.verified
    key = EmailConfirmationHMAC(address).key
    client.post(f"/en/accounts/confirm-email/{key}/")
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    # The provider saw what allauth sent: a code exchanged once, with the secret.
    token_calls = fake_oauth.calls_to(
        "/sns/oauth2/access_token" if provider == "weixin" else "/v1.0/oauth2/userAccessToken"
    )
    assert len(token_calls) == 1


def test_an_address_already_in_use_is_never_linked_by_email(client, fake_oauth):
    """The form answers as for a new address (no telling who has an account: allauth's
    enumeration prevention), the owner is told by email, and nothing is linked."""
    owner = UserFactory(email="owner@example.org")
    dance(client, "weixin")
    response = client.post("/en/accounts/3rdparty/signup/", {"email": "owner@example.org"})
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session
    assert owner.socialaccount_set.count() == 0
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.permissions_backend.CachedPermissionsBackend")
    return client


def test_linking_from_the_account_page_needs_a_verified_email(fake_oauth):
    user = UserFactory(ngo_member=True)
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = _signed_in(user)
    page = client.get("/en/accounts/3rdparty/").content.decode()
    assert "Verify your email address before you link" in page
    assert "process=connect" not in page
    # Even through the provider's URL directly, the link is refused on the way back.
    response = dance(client, "weixin", process="connect")
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/email/")
    assert not SocialAccount.objects.exists()


def test_a_verified_user_links_wechat_and_then_signs_in_with_it(fake_oauth):
    user = UserFactory(ngo_member=True)
    client = _signed_in(user)
    page = client.get("/en/accounts/3rdparty/").content.decode()
    assert "process=connect" in page
    response = dance(client, "weixin", process="connect")
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="weixin").user == user
    # Later, from a fresh browser: WeChat alone signs them in.
    newcomer = Client()
    response = dance(newcomer, "weixin")
    assert response.status_code == 302
    assert newcomer.session["_auth_user_id"] == str(user.pk)


def test_a_wechat_account_linked_to_someone_else_is_not_moved(fake_oauth):
    first = UserFactory(ngo_member=True)
    dance(_signed_in(first), "weixin", process="connect")
    second = UserFactory(ngo_member=True)
    dance(_signed_in(second), "weixin", process="connect")
    assert SocialAccount.objects.get(provider="weixin").user == first


def _link(user, provider: str, uid: str) -> None:
    SocialAccount.objects.create(user=user, provider=provider, uid=uid, extra_data={})


def test_staff_still_answer_totp_after_signing_in_with_wechat(fake_oauth):
    officer = UserFactory(officer=True)
    _link(officer, "weixin", "o-wechat-0001")
    client = Client()
    response = dance(client, "weixin")
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    client.post("/en/accounts/2fa/authenticate/", {"code": fresh_totp_code()})
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/admin/").status_code == 200


def test_staff_without_totp_signing_in_with_dingtalk_must_set_it_up(fake_oauth):
    officer = UserFactory(officer=True, mfa=False)
    _link(officer, "dingtalk", "ding-open-0001")
    client = Client()
    dance(client, "dingtalk")
    assert client.session["_auth_user_id"] == str(officer.pk)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]
