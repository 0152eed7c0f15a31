"""Wagtail's keyboard-shortcuts dialog rendered once per distinct content
(accounts/admin_shortcuts.py, issue 15): the same markup as Wagtail's own tag, per
language, per key layout and per the reader's shortcut setting."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from wagtail.users.models import UserProfile

from accounts import admin_shortcuts
from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36"
LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"


def wagtails_own(user, language, user_agent) -> str:
    """The dialog as Wagtail's inclusion tag renders it: its context, its template."""
    request = RequestFactory().get("/admin/", headers={"user-agent": user_agent})
    request.user = user
    with translation.override(language):
        return render_to_string(admin_shortcuts.TEMPLATE, admin_shortcuts._wagtail_context({"request": request}))


@pytest.fixture
def officer_client(client):
    officer = UserFactory(officer=True)
    login(client, officer)
    admin_shortcuts._rendered.clear()
    return client, officer


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("user_agent", [MAC, LINUX])
def test_the_admin_shows_wagtails_own_dialog(officer_client, language, user_agent):
    client, officer = officer_client
    for _ in range(2):  # the second answer comes from the kept markup
        page = client.get("/admin/", headers={"accept-language": language, "user-agent": user_agent}).content.decode()
        assert wagtails_own(officer, language, user_agent) in page
    assert len(admin_shortcuts._rendered) == 1


def test_languages_key_layouts_and_the_readers_setting_each_have_their_own(officer_client):
    client, officer = officer_client
    english = client.get("/admin/", headers={"accept-language": "en", "user-agent": LINUX}).content.decode()
    chinese = client.get("/admin/", headers={"accept-language": "zh-hans", "user-agent": LINUX}).content.decode()
    mac = client.get("/admin/", headers={"accept-language": "en", "user-agent": MAC}).content.decode()
    assert "Keyboard shortcuts" in english and "Keyboard shortcuts" not in chinese
    assert "Ctrl" in english and "⌘" in mac
    assert "Keyboard shortcuts are currently disabled" not in english

    UserProfile.objects.update_or_create(user=officer, defaults={"keyboard_shortcuts": False})
    disabled = client.get("/admin/", headers={"accept-language": "en", "user-agent": LINUX}).content.decode()
    assert "Keyboard shortcuts are currently disabled" in disabled
    assert len(admin_shortcuts._rendered) == 4
