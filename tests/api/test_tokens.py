"""Personal access tokens: hashed at rest, expiring, revocable, scoped, throttled, and
made by staff only with a second factor."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import AccessToken, hash_token
from api.services import token_create, token_revoke, token_touch
from core.models import AuditEvent
from tests.api.conftest import bearer, make_token
from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

ME = "/api/v1/token/"


def call(secret, path=ME, **headers):
    return Client().get(path, **bearer(secret), **headers)


def test_token_is_stored_only_as_its_hash_and_finds_its_row_by_prefix():
    user = UserFactory(ngo_member=True)
    token, secret = token_create(
        user=user,
        name="export",
        scopes=["read:public"],
        expires_at=timezone.now() + timedelta(days=1),
        mfa_passed=False,
    )
    assert secret.startswith(f"lap_{token.prefix}_") and len(secret) > 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert stored.token_hash == hash_token(secret)
    assert secret not in str(AccessToken.objects.filter(pk=token.pk).values().get())
    assert call(secret).json()["name"] == "export"


def test_a_wrong_secret_with_a_real_prefix_is_refused():
    user = UserFactory(ngo_member=True)
    secret = make_token(user)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = call(forged)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_expired_token_is_refused():
    user = UserFactory(ngo_member=True)
    secret = make_token(user)
    now = timezone.now()
    AccessToken.objects.update(created_at=now - timedelta(days=2), expires_at=now - timedelta(seconds=1))
    response = call(secret, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["message"] == "The token has expired."


def test_revoked_token_is_refused_and_revocation_is_audited():
    user = UserFactory(ngo_member=True)
    secret = make_token(user)
    token = AccessToken.objects.get()
    token_revoke(token=token, by=user)
    response = call(secret, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "message": "The token has been revoked."}
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"api_token.created", "api_token.revoked"} <= verbs


def test_only_the_owner_revokes_a_token():
    owner, other = UserFactory(ngo_member=True), UserFactory(ngo_member=True)
    make_token(owner)
    with pytest.raises(PermissionDenied):
        token_revoke(token=AccessToken.objects.get(), by=other)
    client = login(Client(), other)
    response = client.post(reverse("api_tokens:revoke", kwargs={"pk": AccessToken.objects.get().pk}))
    assert response.status_code == 404
    assert AccessToken.objects.get().revoked_at is None


def test_inactive_users_token_is_refused():
    user = UserFactory(ngo_member=True)
    secret = make_token(user)
    user.is_active = False
    user.save()
    assert call(secret).status_code == 401


def test_scope_missing_from_the_token_is_403():
    member = UserFactory(ngo_member=True)
    secret = make_token(member, ["read:public"])
    response = call(secret, "/api/v1/me/applications/")
    assert response.status_code == 403
    assert "read:own" in response.json()["message"]


def test_a_token_loses_what_its_users_roles_lose():
    officer = UserFactory(officer=True)
    secret = make_token(officer, ["read:staff"])
    assert call(secret, "/api/v1/staff/calls/").status_code == 200
    officer.groups.clear()
    assert call(secret, "/api/v1/staff/calls/").status_code == 403


def test_scopes_beyond_the_users_roles_cannot_be_asked_for():
    member = UserFactory(ngo_member=True)
    with pytest.raises(ValidationError):
        token_create(
            user=member,
            name="x",
            scopes=["read:staff"],
            expires_at=timezone.now() + timedelta(days=1),
            mfa_passed=True,
        )


def test_a_token_lives_at_most_a_year_and_must_expire():
    member = UserFactory(ngo_member=True)
    for expires_at in (timezone.now() + timedelta(days=400), timezone.now() - timedelta(days=1)):
        with pytest.raises(ValidationError):
            token_create(user=member, name="x", scopes=["read:public"], expires_at=expires_at, mfa_passed=True)


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    user = UserFactory(ngo_member=True)
    secret = make_token(user)
    call(secret)
    first = AccessToken.objects.get().last_used_at
    assert first is not None
    call(secret)
    assert AccessToken.objects.get().last_used_at == first
    token = AccessToken.objects.get()
    with django_assert_num_queries(0):
        token_touch(token=token, now=first + timedelta(seconds=30))
    later = first + timedelta(seconds=61)
    token_touch(token=token, now=later)
    assert AccessToken.objects.get().last_used_at == later


def test_staff_need_an_active_and_passed_second_factor_to_create_a_token():
    url = reverse("api_tokens:list")
    data = {"name": "export", "scopes": ["read:public"], "lifetime": "30"}
    without_totp = UserFactory(roles=["Programme officer"], is_staff=True, mfa=False)
    client = login(Client(), without_totp, mfa=False)
    page = client.get(url)
    assert "two-factor" in page.content.decode()
    assert client.post(url, data).status_code == 403

    officer = UserFactory(officer=True)
    not_passed = login(Client(), officer, mfa=False)
    assert not_passed.post(url, data).status_code == 403
    assert not AccessToken.objects.exists()

    passed = login(Client(), officer, mfa=True)
    response = passed.post(url, data)
    assert response.status_code == 200
    token = AccessToken.objects.get()
    assert f"lap_{token.prefix}_" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    # The list never shows the secret again.
    assert "lap_" + token.prefix + "_…" in passed.get(url).content.decode()


def test_ngo_members_create_tokens_without_a_second_factor():
    member = UserFactory(ngo_member=True)
    client = login(Client(), member, mfa=False)
    response = client.post(
        reverse("api_tokens:list"), {"name": "crm", "scopes": ["read:public", "read:own"], "lifetime": "365"}
    )
    assert response.status_code == 200
    assert AccessToken.objects.get().scopes == ["read:own", "read:public"]


def test_rate_limit_is_per_token_with_retry_after(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/minute", "anonymous": "1/minute"},
    }
    user = UserFactory(ngo_member=True)
    first, second = make_token(user), make_token(user)
    assert call(first).status_code == 200
    assert call(first).status_code == 200
    limited = call(first, HTTP_ACCEPT_LANGUAGE="en")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    body = limited.json()
    assert body["code"] == "throttled" and body["message"].startswith("Too many requests.")
    assert call(second).status_code == 200  # another token has its own budget

    assert Client().get("/api/v1/calls/").status_code == 200
    assert Client().get("/api/v1/calls/").status_code == 429  # anonymous: per address
