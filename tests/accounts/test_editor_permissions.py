"""Editors may translate pages with Wagtail's "Translate" action."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale

from cms.models import StandardPage
from home.models import HomePage
from tests.cms.site import ensure_base_pages
from tests.factories.accounts import UserFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_the_editors_group_may_submit_translations():
    editors = Group.objects.get(name="Editor")
    assert editors.permissions.filter(
        content_type__app_label="simple_translation", codename="submit_translation"
    ).exists()
    assert UserFactory(editor=True).has_perm("simple_translation.submit_translation")


def test_an_editor_translates_a_page_into_chinese_from_the_admin(client):
    ensure_base_pages()
    home = HomePage.objects.get(depth=2, locale__language_code="en")
    chinese = Locale.objects.get(language_code="zh-hans")
    if home.get_translation_or_none(chinese) is None:
        home.copy_for_translation(chinese).save_revision().publish()
    page = home.add_child(instance=StandardPage(title="Free legal clinics", slug="clinics"))
    login(client, UserFactory(editor=True))

    edit = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert f"/admin/translation/submit/page/{page.pk}/" in edit
    response = client.post(f"/admin/translation/submit/page/{page.pk}/", {"locales": [chinese.pk]})
    translated = page.get_translation(chinese)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{translated.pk}/edit/"
