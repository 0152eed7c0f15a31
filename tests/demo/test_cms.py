import pytest
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from cms.models import MainMenu
from demo import accounts as accounts_demo
from demo import cms as cms_demo
from demo import home as home_demo
from demo.loader import DemoContext

pytestmark = pytest.mark.django_db


def load():
    ctx = DemoContext()
    for module in (accounts_demo, home_demo, cms_demo):
        module.load(ctx)


def counts():
    return (Page.objects.count(), Revision.objects.count(), get_image_model().objects.count(), MainMenu.objects.count())


def test_demo_builds_a_bilingual_site_and_loading_twice_changes_nothing(client):
    load()
    first = counts()
    load()
    assert counts() == first
    for path in (
        "/en/about/",
        "/zh-hans/about/",
        "/en/how-to-apply/",
        "/zh-hans/news/",
        "/zh-hans/events/",
        "/en/projects/",
    ):
        assert client.get(path).status_code == 200, path
    english = Page.objects.filter(locale__language_code="en", depth__gt=1).count()
    chinese = Page.objects.filter(locale__language_code="zh-hans", depth__gt=1).count()
    assert english == chinese > 10
