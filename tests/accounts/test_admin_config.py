"""Wagtail's admin config with its fixed part kept in the cache (accounts.admin_config):
what a page embeds equals what Wagtail's own tag computes, request by request."""

import pytest
from django.template import Context
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from accounts import admin_config
from tests.factories.accounts import UserFactory
from tests.utils.auth import login
from tests.utils.wagtail_tags import embedded_json, record_wagtail_calls

pytestmark = pytest.mark.django_db


def embedded(client, path="/admin/") -> dict:
    return embedded_json(client, "wagtail-config", path)


@pytest.fixture
def wagtail_computes(monkeypatch):
    return record_wagtail_calls(monkeypatch, admin_config, "_wagtail_config")


def context_for(user, **extra):
    request = RequestFactory().get("/admin/")
    request.user = user
    return Context({"request": request, **extra})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_config_equals_wagtails_for_each_request(language):
    officer = UserFactory(officer=True)
    quiet = UserFactory(officer=True)
    UserProfile.get_for_user(quiet)  # made on first use, as Wagtail does
    UserProfile.objects.filter(user=quiet).update(keyboard_shortcuts=False)
    with translation.override(language):
        admin_config.wagtail_config(context_for(officer))  # fills the cache
        for user, extra in [
            (officer, {}),
            (quiet, {}),
            (officer, {"locale": Locale.get_default()}),
        ]:
            ours = admin_config.wagtail_config(context_for(user, **extra))
            theirs = admin_config._wagtail_config(context_for(user, **extra))
            assert ours.keys() == theirs.keys()
            assert {k: v for k, v in ours.items() if k != "CSRF_TOKEN"} == {
                k: v for k, v in theirs.items() if k != "CSRF_TOKEN"
            }
            assert ours["CSRF_TOKEN"]  # each request's own token


def test_wagtail_computes_once_per_language_and_data_version(client, wagtail_computes):
    login(client, UserFactory(officer=True))
    first = embedded(client)
    second = embedded(client, "/admin/payments/queue/")
    assert wagtail_computes == ["/admin/"]
    assert {k: v for k, v in first.items() if k != "CSRF_TOKEN"} == {
        k: v for k, v in second.items() if k != "CSRF_TOKEN"
    }
    assert {locale["code"] for locale in first["LOCALES"]} == set(
        Locale.objects.values_list("language_code", flat=True)
    )
    # Any saved record (a locale added or renamed among them) moves the data version.
    Locale.objects.get(language_code=Locale.get_default().language_code).save()
    embedded(client)
    assert len(wagtail_computes) == 2
