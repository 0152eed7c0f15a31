import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cms.models import MainMenu, MainMenuItem
from cms.navigation import main_menu

pytestmark = pytest.mark.django_db


def test_default_menu_lists_the_data_pages_that_exist():
    with translation.override("en"):
        urls = [item["url"] for item in main_menu()]
    assert "/en/directory/" in urls
    assert "/en/open-data/" in urls


def test_editor_menu_replaces_the_default_in_its_language(site_tree, django_capture_on_commit_callbacks):
    en_news = site_tree.en["news_index"]
    with django_capture_on_commit_callbacks(execute=True):
        menu = MainMenu(locale=en_news.locale, name="Main")
        menu.items.add(MainMenuItem(sort_order=0, link_page=en_news))
        menu.items.add(MainMenuItem(sort_order=1, label="Find an NGO", link_view="cms:directory"))
        menu.items.add(MainMenuItem(sort_order=2, label="Hotline", link_url="tel:12348"))
        menu.save()
    with translation.override("en"):
        assert main_menu() == [
            {"url": "/en/news/", "label": "News"},
            {"url": "/en/directory/", "label": "Find an NGO"},
            {"url": "tel:12348", "label": "Hotline"},
        ]
    with translation.override("zh-hans"):
        assert "/zh-hans/directory/" in [item["url"] for item in main_menu()]  # still the default


def test_menu_item_needs_exactly_one_target():
    item = MainMenuItem(label="Nowhere")
    with pytest.raises(ValidationError, match="Choose exactly one"):
        item.clean()
    item = MainMenuItem(label="Two", link_view="cms:directory", link_url="/x/")
    with pytest.raises(ValidationError, match="Choose exactly one"):
        item.clean()


def test_menu_leaves_out_unpublished_pages(site_tree):
    news = site_tree.en["news_index"]
    news.live = False
    assert MainMenuItem(link_page=news).as_link() is None


def test_header_shows_the_menu(client, site_tree):
    html = client.get("/en/").content.decode()
    assert 'href="/en/directory/"' in html
