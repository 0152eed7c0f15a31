import pytest

from tests.factories.incubator import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_search_finds_pages_in_the_readers_language(client, site_tree):
    english = client.get("/en/search/", {"q": "briefing"})
    assert [r.specific.title for r in english.context["pages"]] == ["Application briefing"]
    chinese = client.get("/zh-hans/search/", {"q": "说明会"})
    assert [r.specific.title for r in chinese.context["pages"]] == ["申报说明会"]


def test_search_finds_verified_organisations_only(client):
    shown = OrganisationFactory(verified=True, name_en="Harbour Mediation")
    OrganisationFactory(name_en="Harbour Draft")
    response = client.get("/en/search/", {"q": "harbour"})
    assert response.context["organisations"] == [shown]


def test_empty_search_shows_the_form_only(client):
    response = client.get("/en/search/")
    assert response.status_code == 200
    assert response.context["pages"] is None


def test_sitemap_lists_pages_in_both_languages_and_directory_profiles(client, site_tree):
    organisation = OrganisationFactory(verified=True)
    hidden = OrganisationFactory()
    xml = client.get("/sitemap.xml").content.decode()
    # Page URLs use the Wagtail Site's hostname; data pages the request's.
    assert "/en/news/cohort-opens/</loc>" in xml
    assert "/zh-hans/news/cohort-opens/</loc>" in xml
    assert f"/en/directory/{organisation.pk}/" in xml
    assert f"/zh-hans/directory/{organisation.pk}/" in xml
    assert f"/directory/{hidden.pk}/" not in xml


def test_robots_txt_points_to_the_sitemap_on_the_sites_own_host(client, settings):
    settings.SITE_URL = "https://legalaid.example.cn"
    body = client.get("/robots.txt", HTTP_HOST="testserver").content.decode()
    assert "Sitemap: https://legalaid.example.cn/sitemap.xml" in body


def test_language_switcher_on_a_data_page_keeps_path_and_query(client):
    html = client.get("/en/directory/?field_type=hub").content.decode()
    assert 'href="/zh-hans/directory/?field_type=hub" lang="zh-hans"' in html


def test_the_chinese_search_page_heads_its_results_as_search_results_not_pagination(client, site_tree):
    """'Pages' means pagination in one template and web pages in another (issue 14): contexts."""
    html = client.get("/zh-hans/search/", {"q": "说明会"}).content.decode()
    assert "<h1>搜索结果</h1>" in html
    assert '<h2 id="page-results">网页</h2>' in html
