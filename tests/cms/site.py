"""A small bilingual page tree for tests: every public page type, in English and Chinese."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Collection, Locale, Page

from cms.models import (
    ArticlePage,
    EventIndexPage,
    EventPage,
    NewsIndexPage,
    ShowcaseIndexPage,
    ShowcaseKpi,
    ShowcasePage,
    ShowcasePhoto,
    StandardPage,
)
from demo.cms_images import demo_image
from home.models import HomePage


@dataclass
class SiteTree:
    en: dict = field(default_factory=dict)
    zh: dict = field(default_factory=dict)
    image: object = None

    def pages(self):
        """(language, name, page) for every page in both languages."""
        for language, pages in (("en", self.en), ("zh-hans", self.zh)):
            for name, page in pages.items():
                yield language, name, page


def picture(key: str = "test-picture"):
    return demo_image(key=key, title="Test", description="A test picture", size=(320, 180))


def _publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(page, locale, **fields):
    translated = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated


def ensure_base_pages() -> None:
    """Put back what migrations create (locales, root, home page, site) when a
    transactional test before this one flushed the database."""
    if HomePage.objects.filter(depth=2, locale__language_code="en").exists():
        return

    cache.clear()  # the site root paths Wagtail cached belong to the flushed pages

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    english, _ = Locale.objects.get_or_create(language_code="en")
    Locale.objects.get_or_create(language_code="zh-hans")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=english, live=True))
    migration = importlib.import_module("home.migrations.0002_create_homepage")
    migration.create_homepage(apps, None)


def build_site(*, organisation=None) -> SiteTree:
    ensure_base_pages()
    en = Locale.objects.get(language_code="en")
    zh = Locale.objects.get(language_code="zh-hans")
    home = HomePage.objects.get(locale=en, depth=2)
    zh_home = home.get_translation_or_none(zh)
    if zh_home is None:
        zh_home = home.copy_for_translation(zh)
        zh_home.title = "法律服务社会组织孵化平台"
        zh_home.save_revision().publish()
    zh_home = Page.objects.get(pk=zh_home.pk).specific
    image = picture()
    tree = SiteTree(image=image)
    tree.en["home"], tree.zh["home"] = home, zh_home
    now = timezone.now()

    standard = _publish_child(
        home,
        StandardPage(
            title="About us",
            slug="about",
            intro="Who we are.",
            listing_image=image,
            listing_image_alt="A blue picture",
            body=[
                {"type": "heading", "value": {"text": "Our work", "level": "h2"}},
                {"type": "paragraph", "value": "<p>We incubate legal-aid NGOs.</p>"},
                {
                    "type": "image",
                    "value": {"image": image.pk, "alt_text": "A blue picture", "caption": "", "width": "full"},
                },
                {"type": "quote", "value": {"quote": "Justice close to home.", "attribution": "A resident"}},
                {
                    "type": "call_to_action",
                    "value": {"heading": "Apply", "text": "", "button_label": "Register", "page": None, "url": "/en/"},
                },
                {
                    "type": "figures",
                    "value": {
                        "heading": "Numbers",
                        "figures": [
                            {"live": "organisations_verified", "value": "", "label": "Verified organisations"},
                            {"live": "", "value": "¥30,000", "label": "Start-up subsidy"},
                        ],
                    },
                },
            ],
        ),
    )
    tree.en["standard"] = standard
    tree.zh["standard"] = _translate(standard, zh, title="关于我们", intro="我们是谁。", listing_image_alt="蓝色图片")

    news = _publish_child(home, NewsIndexPage(title="News", slug="news"))
    tree.en["news_index"] = news
    tree.zh["news_index"] = _translate(news, zh, title="新闻")
    article = _publish_child(
        news,
        ArticlePage(
            title="Cohort opens",
            slug="cohort-opens",
            summary="Twelve organisations join.",
            date=timezone.localdate(),
            featured=True,
            listing_image=image,
            listing_image_alt="A blue picture",
        ),
    )
    tree.en["article"] = article
    tree.zh["article"] = _translate(
        article, zh, title="孵化班开班", summary="十二家组织入驻。", listing_image_alt="蓝色图片"
    )

    events = _publish_child(home, EventIndexPage(title="Events", slug="events"))
    tree.en["event_index"] = events
    tree.zh["event_index"] = _translate(events, zh, title="活动")
    event = _publish_child(
        events,
        EventPage(
            title="Application briefing",
            slug="briefing",
            summary="How to apply.",
            place="Room 301",
            starts_at=now + dt.timedelta(days=7),
            ends_at=now + dt.timedelta(days=7, hours=2),
            registration_url="https://example.org/register",
        ),
    )
    tree.en["event"] = event
    tree.zh["event"] = _translate(event, zh, title="申报说明会", summary="如何申报。", place="301室")

    showcases = _publish_child(home, ShowcaseIndexPage(title="Projects", slug="projects"))
    tree.en["showcase_index"] = showcases
    tree.zh["showcase_index"] = _translate(showcases, zh, title="资助项目")
    showcase = ShowcasePage(
        title="Mediation rooms",
        slug="mediation-rooms",
        summary="Disputes resolved close to home.",
        organisation=organisation,
        consent_given=True,
        featured=True,
        listing_image=image,
        listing_image_alt="A blue picture",
        story=[{"type": "paragraph", "value": "<p>The story.</p>"}],
    )
    showcase.kpis.add(
        ShowcaseKpi(indicator="Disputes mediated", unit="cases", target=Decimal(100), achieved=Decimal(80))
    )
    showcase.photos.add(ShowcasePhoto(image=image, alt_text="A mediation session", caption="Session"))
    _publish_child(showcases, showcase)
    tree.en["showcase"] = showcase
    tree.zh["showcase"] = _translate(
        showcase, zh, title="社区调解室", summary="就近化解纠纷。", listing_image_alt="蓝色图片"
    )
    return tree
