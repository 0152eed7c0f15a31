import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from home.models import HomePage, SiteSettings
from incubator.models import Incubatee
from tests.factories.incubator import IncubateeFactory

pytestmark = pytest.mark.django_db


def test_home_page_shows_impact_figures_from_live_data(client, site_tree):
    IncubateeFactory.create_batch(2, incubating=True)
    IncubateeFactory(status=Incubatee.Status.HATCHED)
    IncubateeFactory()  # applied only: not incubated
    response = client.get("/en/")
    rows = {row["key"]: row["value"] for row in response.context["impact"].rows()}
    assert rows["organisations_incubated"] == "3"
    assert rows["organisations_hatched"] == "1"
    html = response.content.decode()
    assert "Organisations incubated" in html and "Organisations hatched" in html


def test_home_page_features_showcases_news_and_events_in_its_language(client, site_tree):
    english = client.get("/en/").context
    assert [p.title for p in english["featured_showcases"]] == ["Mediation rooms"]
    assert [p.title for p in english["featured_articles"]] == ["Cohort opens"]
    assert [p.title for p in english["upcoming_events"]] == ["Application briefing"]
    chinese = client.get("/zh-hans/").context
    assert [p.title for p in chinese["featured_articles"]] == ["孵化班开班"]


def test_home_page_without_impact_hides_the_section(client, site_tree):
    home = site_tree.en["home"]
    home.show_impact = False
    home.save_revision().publish()
    assert client.get("/en/").context["impact"] is None


def test_home_page_stays_the_site_root():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)


def test_hero_image_needs_alt_text(site_tree):
    home = site_tree.en["home"]
    home.hero_image = site_tree.image
    home.hero_image_alt = ""
    with pytest.raises(ValidationError):
        home.full_clean()


def test_footer_shows_contact_details_and_social_links_in_the_readers_language(client):
    settings = SiteSettings.load(request_or_site=Site.objects.get(is_default_site=True))
    settings.address = "88 Renmin Road"
    settings.address_zh = "人民路88号"
    settings.footer_text = "A public service."
    settings.footer_text_zh = "公共服务平台。"
    settings.contact_phone = "0512-12348"
    settings.weibo_url = "https://weibo.com/hub"
    settings.save()
    english = client.get("/en/").content.decode()
    assert "88 Renmin Road" in english and "A public service." in english
    assert 'href="https://weibo.com/hub"' in english and 'href="tel:0512-12348"' in english
    chinese = client.get("/zh-hans/").content.decode()
    assert "人民路88号" in chinese and "公共服务平台。" in chinese


def test_language_switcher_keeps_the_reader_on_the_home_page(client, site_tree):
    html = client.get("/en/").content.decode()
    assert 'href="/zh-hans/" lang="zh-hans"' in html
    assert 'aria-current="true"' in html
