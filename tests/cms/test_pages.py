import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.models import (
    ArticlePage,
    EventIndexPage,
    EventPage,
    NewsIndexPage,
    ShowcaseIndexPage,
    ShowcasePage,
    StandardPage,
)
from home.models import HomePage

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    HomePage,
    StandardPage,
    NewsIndexPage,
    ArticlePage,
    EventIndexPage,
    EventPage,
    ShowcaseIndexPage,
    ShowcasePage,
]


@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda m: m.__name__)
def test_every_page_type_declares_template_parents_and_children(model):
    declared = model.__dict__
    assert "template" in declared
    assert "parent_page_types" in declared
    assert "subpage_types" in declared


def test_every_page_type_renders_in_both_languages(client, site_tree):
    for language, name, page in site_tree.pages():
        url = page.url
        assert url.startswith(f"/{language}/"), (name, url)
        response = client.get(url)
        assert response.status_code == 200, (language, name, url)
        assert f'<html lang="{language}">' in response.content.decode()


def test_each_page_links_to_its_translation(client, site_tree):
    for name in ("standard", "article", "event", "showcase"):
        en_page, zh_page = site_tree.en[name], site_tree.zh[name]
        english = client.get(en_page.url).content.decode()
        chinese = client.get(zh_page.url).content.decode()
        assert f'href="{zh_page.url}" lang="zh-hans"' in english
        assert f'hreflang="zh-Hans" href="{settings.SITE_URL}{zh_page.url}"' in english
        assert f'href="{en_page.url}" lang="en"' in chinese


def test_page_without_translation_sends_switcher_to_nearest_translated_section(client, site_tree):
    lonely = ArticlePage(title="Only in English", slug="only-english", summary="x", date=timezone.localdate())
    site_tree.en["news_index"].add_child(instance=lonely)
    lonely.save_revision().publish()
    html = client.get(lonely.url).content.decode()
    assert f'href="{site_tree.zh["news_index"].url}" lang="zh-hans"' in html
    assert 'hreflang="zh-Hans"' not in html


def test_pages_have_title_description_and_open_graph_tags(client, site_tree):
    html = client.get(site_tree.en["article"].url).content.decode()
    assert "<title>Cohort opens · Legal Aid Hub</title>" in html
    assert '<meta name="description" content="Twelve organisations join.">' in html
    assert '<meta property="og:title" content="Cohort opens">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'property="og:image" content="http://testserver/' in html
    assert '<meta property="og:locale" content="en_GB">' in html


def test_chinese_page_says_so_in_open_graph(client, site_tree):
    html = client.get(site_tree.zh["article"].url).content.decode()
    assert '<meta property="og:locale" content="zh_CN">' in html
    assert "孵化班开班" in html


def test_streamfield_blocks_render_with_alt_text_and_sized_renditions(client, site_tree):
    html = client.get(site_tree.en["standard"].url).content.decode()
    assert "<h2>Our work</h2>" in html
    assert 'alt="A blue picture"' in html
    assert "srcset=" in html
    assert "Justice close to home." in html
    assert 'class="button" href="/en/"' in html
    assert "¥30,000" in html and "Verified organisations" in html


def test_image_without_alt_text_is_refused(site_tree):
    page = site_tree.en["article"]
    page.listing_image_alt = "  "
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "Alt text is required when an image is chosen." in str(error.value)


def test_event_cannot_end_before_it_starts(site_tree):
    event = site_tree.en["event"]
    event.ends_at = event.starts_at - dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="An event cannot end before it starts"):
        event.full_clean()


def test_registration_must_close_before_the_event(site_tree):
    event = site_tree.en["event"]
    event.registration_deadline = event.starts_at + dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="Registration must close before the event starts"):
        event.full_clean()


def test_event_shows_registration_link_until_it_closes(client, site_tree, django_capture_on_commit_callbacks):
    event = site_tree.en["event"]
    assert "Register for this event" in client.get(event.url).content.decode()
    event.registration_deadline = timezone.now() - dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    html = client.get(event.url).content.decode()
    assert "Register for this event" not in html
    assert "Registration for this event has closed." in html


def test_event_index_splits_upcoming_from_past(client, site_tree):
    past = EventPage(
        title="Last year's training",
        slug="old-training",
        summary="Done.",
        place="Hall",
        starts_at=timezone.now() - dt.timedelta(days=30),
    )
    site_tree.en["event_index"].add_child(instance=past)
    past.save_revision().publish()
    response = client.get(site_tree.en["event_index"].url)
    assert [e.title for e in response.context["upcoming_events"]] == ["Application briefing"]
    assert [e.title for e in response.context["past_events"]] == ["Last year's training"]


def test_showcase_cannot_be_published_without_consent(site_tree):
    showcase = ShowcasePage(title="No consent yet", slug="no-consent", summary="x", consent_given=False, live=False)
    site_tree.en["showcase_index"].add_child(instance=showcase)
    revision = showcase.save_revision()
    with pytest.raises(ValidationError, match="cannot be published until the organisation has consented"):
        revision.publish()
    assert not ShowcasePage.objects.get(pk=showcase.pk).live


def test_showcase_hides_money_it_does_not_know_and_shows_kpis(client, site_tree):
    html = client.get(site_tree.en["showcase"].url).content.decode()
    assert "Results against targets" in html
    assert "Disputes mediated: 80 of 100 cases (80%)" in html  # the chart of results (issue 14)
    assert '<th scope="row">Disputes mediated</th><td>100 cases</td><td>80 cases</td><td>80%</td>' in html
    assert "Grant awarded" not in html
    assert 'alt="A mediation session"' in html


def test_news_index_lists_its_articles(client, site_tree):
    response = client.get(site_tree.zh["news_index"].url)
    assert [a.title for a in response.context["articles"]] == ["孵化班开班"]
