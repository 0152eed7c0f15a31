import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import GroupPagePermission

from accounts import roles
from tests.factories.accounts import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email="new@ngo.org", password="an-unusual-passphrase-77"):
    return client.post("/en/accounts/signup/", {"email": email, "password1": password, "password2": password})


def test_sign_up_requires_email_verification_before_login(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/confirm-email/")
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body

    client.logout()
    response = client.post("/en/accounts/login/", {"login": "new@ngo.org", "password": "an-unusual-passphrase-77"})
    assert response["Location"].endswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session


def test_verification_link_confirms_and_signs_in(client):
    sign_up(client)
    key_url = re.search(r"(/en/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    response = client.post(key_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@ngo.org").verified
    assert client.get("/en/dashboard/").status_code == 200


def test_new_accounts_are_ngo_members(client):
    sign_up(client)
    user = get_user_model().objects.get(email="new@ngo.org")
    assert roles.role_names(user) == {roles.NGO_MEMBER}
    assert not user.is_staff


def test_login_is_by_email_and_logout_ends_the_session(client):
    user = UserFactory(email="someone@ngo.org")
    response = client.post("/en/accounts/login/", {"login": "someone@ngo.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/en/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="target@ngo.org")
    for _ in range(5):
        response = client.post("/en/accounts/login/", {"login": "target@ngo.org", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/en/accounts/login/", {"login": "target@ngo.org", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_password_change_keeps_the_user_signed_in(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": "a-new-long-passphrase-9", "password2": "a-new-long-passphrase-9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase-9")


def test_password_reset_sends_a_link_by_email(client):
    UserFactory(email="forgetful@ngo.org")
    response = client.post("/en/accounts/password/reset/", {"email": "forgetful@ngo.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_roles_exist_as_groups_with_admin_access_for_staff_roles():
    for name in roles.ALL_ROLES:
        assert Group.objects.filter(name=name).exists(), name
    for name in roles.STAFF_ROLES:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists(), name
    assert not Group.objects.get(name=roles.REVIEWER).permissions.filter(codename="access_admin").exists()
    assert GroupPagePermission.objects.filter(group__name=roles.EDITOR, permission__codename="publish_page").exists()


@pytest.mark.parametrize("trait", ["reviewer", "officer", "finance", "editor"])
def test_staff_and_reviewers_require_mfa(trait):
    assert roles.requires_mfa(UserFactory(**{trait: True}))


def test_ngo_members_do_not_require_mfa():
    assert not roles.requires_mfa(UserFactory(ngo_member=True))
