"""The admin sidebar is kept per user until the data changes (accounts.admin_sidebar):
built once for a run of admin pages, built afresh when the user's rights change, and
what Wagtail builds does not depend on the page it is built on."""

import json

import pytest
from django.contrib.auth.models import Group

from accounts import admin_sidebar, roles
from tests.factories.accounts import UserFactory
from tests.utils.auth import login
from tests.utils.wagtail_tags import embedded_json, record_wagtail_calls

pytestmark = pytest.mark.django_db


def sidebar_of(client, path="/admin/") -> dict:
    return embedded_json(client, "wagtail-sidebar-props", path)


@pytest.fixture
def wagtail_builds(monkeypatch):
    return record_wagtail_calls(monkeypatch, admin_sidebar, "_wagtail_sidebar_props")


def test_the_sidebar_is_built_once_for_a_run_of_admin_pages(client, wagtail_builds):
    login(client, UserFactory(officer=True))
    first = sidebar_of(client, "/admin/")
    assert sidebar_of(client, "/admin/payments/queue/") == first
    assert wagtail_builds == ["/admin/"]


def test_what_wagtail_builds_is_the_same_on_every_page(client, settings, wagtail_builds):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    login(client, UserFactory(officer=True))
    assert (
        sidebar_of(client, "/admin/")
        == sidebar_of(client, "/admin/payments/queue/")
        == sidebar_of(client, "/admin/grants/applications/")
    )
    assert len(wagtail_builds) == 3, "without a cache, Wagtail built each of them"


def test_a_new_role_shows_its_menu_at_once(client):
    officer = UserFactory(officer=True)
    login(client, officer)
    before = json.dumps(sidebar_of(client))
    officer.groups.add(Group.objects.get(name=roles.FINANCE_OFFICER))
    after = json.dumps(sidebar_of(client))
    assert after != before


def test_users_never_see_each_others_sidebar(client):
    officer, finance = UserFactory(officer=True, first_name="Olive"), UserFactory(finance=True, first_name="Fiona")
    login(client, officer)
    assert "Olive" in json.dumps(sidebar_of(client))
    login(client, finance)
    sidebar = json.dumps(sidebar_of(client))
    assert "Fiona" in sidebar and "Olive" not in sidebar
