"""A complete bilingual public site: about and how-to-apply pages, news, events,
project showcases, the main menu and site settings, with pictures drawn by Pillow.

Idempotent: each page is found by its slug under its parent (and each translation by
its translation key), each picture by its title; nothing is created twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from cms.models import (
    ArticlePage,
    EventIndexPage,
    EventPage,
    MainMenu,
    MainMenuItem,
    NewsIndexPage,
    ShowcaseIndexPage,
    ShowcaseKpi,
    ShowcasePage,
    ShowcasePhoto,
    StandardPage,
)
from demo.cms_images import shipped_image
from home.models import HomePage, SiteSettings
from incubator.selectors import public_organisations


def _rich(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _child(parent: Page, model, *, slug: str, **fields):
    """The child of `parent` with `slug`, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _translate(page: Page, locale: Locale, **fields):
    """The translation of `page` into `locale`, created from a copy and published if missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated


# Each picture: its key (its title in the image library), what is drawn on it, its alt text.
IMAGES = {
    "hero": {
        "key": "demo-hero",
        "title": "Legal Aid Hub",
        "subtitle": "法律服务社会组织孵化平台",
        "palette": "blue",
        "motif": "scales",
        "description": "Illustration: the scales of justice over a blue gradient",
    },
    "about": {
        "key": "demo-about",
        "title": "Who we are",
        "subtitle": "关于我们",
        "palette": "teal",
        "motif": "people",
        "description": "Illustration: a row of people standing together",
    },
    "apply": {
        "key": "demo-apply",
        "title": "How to apply",
        "subtitle": "申报指南",
        "palette": "amber",
        "motif": "bars",
        "description": "Illustration: rising bars on an amber gradient",
    },
    "news-cohort": {
        "key": "demo-news-cohort",
        "title": "Spring cohort",
        "subtitle": "春季孵化班",
        "palette": "green",
        "motif": "people",
        "description": "Illustration: people gathered for the spring cohort",
    },
    "news-results": {
        "key": "demo-news-results",
        "title": "2026 results",
        "subtitle": "公益创投结果公示",
        "palette": "plum",
        "motif": "bars",
        "description": "Illustration: a bar chart of results",
    },
    "news-report": {
        "key": "demo-news-report",
        "title": "Annual report",
        "subtitle": "年度报告",
        "palette": "slate",
        "motif": "circles",
        "description": "Illustration: concentric circles on a slate gradient",
    },
    "event-briefing": {
        "key": "demo-event-briefing",
        "title": "Application briefing",
        "subtitle": "申报说明会",
        "palette": "blue",
        "motif": "circles",
        "description": "Illustration: concentric circles on a blue gradient",
    },
    "event-training": {
        "key": "demo-event-training",
        "title": "Mediation training",
        "subtitle": "人民调解培训",
        "palette": "teal",
        "motif": "scales",
        "description": "Illustration: the scales of justice on a teal gradient",
    },
    "showcase-mediation": {
        "key": "demo-showcase-mediation",
        "title": "Neighbourhood mediation",
        "subtitle": "社区调解室",
        "palette": "green",
        "motif": "scales",
        "description": "Illustration: scales of justice for the mediation project",
    },
    "showcase-workers": {
        "key": "demo-showcase-workers",
        "title": "Wage claims clinic",
        "subtitle": "农民工讨薪法律援助",
        "palette": "amber",
        "motif": "people",
        "description": "Illustration: workers standing together",
    },
    "photo-session": {
        "key": "demo-photo-session",
        "title": "Mediation session",
        "subtitle": "调解现场",
        "palette": "slate",
        "motif": "people",
        "size": (1200, 800),
        "description": "Illustration: a mediation session",
    },
    "photo-lecture": {
        "key": "demo-photo-lecture",
        "title": "Legal lecture",
        "subtitle": "普法讲座",
        "palette": "plum",
        "motif": "circles",
        "size": (1200, 800),
        "description": "Illustration: a community legal lecture",
    },
}


def _images() -> dict:
    return {name: shipped_image(**picture) for name, picture in IMAGES.items()}


def _figures(heading: str, labels: tuple[str, str, str]) -> dict:
    return {
        "type": "figures",
        "value": {
            "heading": heading,
            "figures": [
                {"live": "organisations_verified", "value": "", "label": labels[0]},
                {"live": "", "value": "¥30,000", "label": labels[1]},
                {"live": "", "value": "40 / 40 / 20", "label": labels[2]},
            ],
        },
    }


# slug, English title, Chinese title, English summary, Chinese summary, picture, days ago, featured
ARTICLES = [
    (
        "spring-cohort-opens",
        "Spring incubation cohort welcomes twelve organisations",
        "春季孵化班迎来十二家社会组织",
        "Twelve legal-aid organisations moved into the maker base for six months of training and mentoring.",
        "十二家法律服务类社会组织入驻创客基地，开始为期六个月的培训和辅导。",
        "news-cohort",
        3,
        True,
    ),
    (
        "venture-grant-results",
        "Public-benefit venture grant results announced",
        "公益创投项目评审结果公示",
        "The panel recommended eighteen projects; objections may be lodged during the seven-day announcement period.",
        "评审委员会推荐十八个项目，公示期七天内可提出异议。",
        "news-results",
        12,
        True,
    ),
    (
        "annual-report",
        "Annual report: legal aid closer to home",
        "年度报告：让法律援助就在身边",
        "Our annual report shows how community organisations brought legal help to villages and neighbourhoods.",
        "年度报告展示了社会组织如何把法律服务送到村居和社区。",
        "news-report",
        40,
        False,
    ),
]

# slug, English title, Chinese title, English summary, Chinese summary, picture,
# [(indicator en, zh, unit en, zh, target, achieved)]
SHOWCASES = [
    (
        "neighbourhood-mediation",
        "Neighbourhood mediation rooms",
        "社区调解室",
        "Mediation rooms in six communities resolve disputes between neighbours before they reach court.",
        "在六个社区设立调解室，把邻里纠纷化解在诉讼之前。",
        "showcase-mediation",
        [
            ("Disputes mediated", "调解纠纷", "cases", "件", 120, 134),
            ("Mediation success rate", "调解成功率", "%", "%", 90, 93),
        ],
    ),
    (
        "wage-claims-clinic",
        "Wage claims clinic for migrant workers",
        "农民工讨薪法律援助站",
        "Lawyers and volunteers help migrant workers recover unpaid wages, on construction sites and online.",
        "律师和志愿者在工地和线上帮助农民工追讨欠薪。",
        "showcase-workers",
        [
            ("Workers advised", "咨询人数", "people", "人", 500, 420),
            ("Wages recovered", "追回工资", "¥10k", "万元", 200, 158),
        ],
    ),
]


def load(ctx):
    en = Locale.objects.get(language_code="en")
    zh = Locale.objects.get(language_code="zh-hans")
    home, zh_home = _home_pages(en, zh)
    images = _images()
    _home_pictures(home, zh_home, images)
    about = _about_page(home, zh, images)
    _how_to_apply_page(home, zh, images)
    news = _news(home, zh, images)
    events = _events(home, zh, images)
    showcases = _showcases(home, zh, images)
    _menus(en, zh, zh_home, about=about, showcases=showcases, news=news, events=events)
    _site_settings(images)
    ctx.log.append("cms: bilingual site with news, events, showcases and menus")


def _home_pages(en: Locale, zh: Locale):
    """The home page and its Chinese translation (demo.home normally made it; be safe when run alone)."""
    home = HomePage.objects.get(locale=en, depth=2)
    zh_home = home.get_translation_or_none(zh)
    if zh_home is None:
        zh_home = home.copy_for_translation(zh)
        zh_home.save_revision().publish()
    return home, zh_home.specific


def _home_pictures(home: HomePage, zh_home: HomePage, images: dict) -> None:
    """The hero picture and the section headings of both home pages."""
    if home.hero_image_id is None:
        home.hero_image = images["hero"]
        home.hero_image_alt = "The scales of justice"
        home.impact_heading = "Our impact so far"
        home.search_description = (
            "Incubating legal-aid NGOs, running public-benefit venture grants and publishing every grant."
        )
        home.save_revision().publish()
    if zh_home.hero_image_id is None:
        zh_home.hero_image = images["hero"]
        zh_home.hero_image_alt = "正义的天平"
        zh_home.impact_heading = "我们的成效"
        zh_home.news_heading = "新闻动态"
        zh_home.showcases_heading = "资助项目"
        zh_home.search_description = "孵化法律服务类社会组织，开展公益创投，公开每一笔资助。"
        zh_home.save_revision().publish()


def _about_page(home: HomePage, zh: Locale, images: dict) -> StandardPage:
    about, _ = _child(
        home,
        StandardPage,
        slug="about",
        title="About the hub",
        intro="The hub is run by the city justice bureau with partner foundations to grow the legal-aid NGOs our communities need.",
        listing_image=images["about"],
        listing_image_alt="People standing together",
        body=[
            {"type": "heading", "value": {"text": "What we do", "level": "h2"}},
            {
                "type": "paragraph",
                "value": _rich(
                    "We <b>incubate</b> legal-service organisations: registration guidance, training, expert matching and a desk in the maker base.",
                    "We run <b>public-benefit venture grants</b> (公益创投) for legal services, legal aid, people's mediation and legal education.",
                    'We publish every grant as <a href="/en/open-data/">open data</a>.',
                ),
            },
            _figures("The hub in numbers", ("Verified organisations", "Start-up subsidy", "Tranches (%)")),
            {
                "type": "quote",
                "value": {
                    "quote": "The incubator helped us go from a volunteer hotline to a registered mediation centre in one year.",
                    "attribution": "Director of a community mediation centre",
                },
            },
            {
                "type": "call_to_action",
                "value": {
                    "heading": "Run a legal-aid organisation?",
                    "text": "Register your organisation to apply for incubation and grants.",
                    "button_label": "Register",
                    "page": None,
                    "url": "/en/accounts/signup/",
                },
            },
        ],
    )
    _translate(
        about,
        zh,
        slug="about",
        title="关于平台",
        intro="平台由市司法局会同合作基金会运营，培育社区所需的法律服务类社会组织。",
        listing_image_alt="站在一起的人们",
        body=[
            {"type": "heading", "value": {"text": "我们做什么", "level": "h2"}},
            {
                "type": "paragraph",
                "value": _rich(
                    "我们<b>孵化</b>法律服务类社会组织：提供登记指导、培训、专家对接和创客基地工位。",
                    "我们开展法律服务、法律援助、人民调解和法治宣传教育领域的<b>公益创投</b>。",
                    '每一笔资助都以<a href="/zh-hans/open-data/">开放数据</a>形式公开。',
                ),
            },
            _figures("平台数据", ("已认证组织", "初创补贴", "拨付比例（%）")),
            {
                "type": "quote",
                "value": {
                    "quote": "孵化基地帮助我们在一年内从志愿者热线成长为登记注册的调解中心。",
                    "attribution": "某社区调解中心负责人",
                },
            },
            {
                "type": "call_to_action",
                "value": {
                    "heading": "您在运营法律服务组织吗？",
                    "text": "注册您的组织，申请入驻孵化和公益创投项目。",
                    "button_label": "立即注册",
                    "page": None,
                    "url": "/zh-hans/accounts/signup/",
                },
            },
        ],
    )
    return about


def _how_to_apply_page(home: HomePage, zh: Locale, images: dict) -> None:
    how_to_apply, _ = _child(
        home,
        StandardPage,
        slug="how-to-apply",
        title="How to apply for a grant",
        intro="Grant calls open twice a year. Here is what you need and how the review works.",
        listing_image=images["apply"],
        listing_image_alt="Rising bars",
        body=[
            {"type": "heading", "value": {"text": "Who can apply", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<ul><li>Organisations verified on the hub</li><li>Registered for at least the months the call requires</li><li>No overdue reports on earlier grants</li></ul>",
            },
            {"type": "heading", "value": {"text": "How applications are reviewed", "level": "h2"}},
            {
                "type": "paragraph",
                "value": _rich(
                    "Each application is scored by three independent experts against the call's rubric: need and relevance, feasibility, team capacity, budget and sustainability.",
                    "Proposed awards are announced publicly for an objection period before they become final.",
                ),
            },
            {
                "type": "image",
                "value": {
                    "image": images["apply"].pk,
                    "alt_text": "Rising bars",
                    "caption": "Money is paid in three tranches: 40%, 40% and 20%.",
                    "width": "inline",
                },
            },
        ],
    )
    _translate(
        how_to_apply,
        zh,
        slug="how-to-apply",
        title="公益创投申报指南",
        intro="项目征集每年开放两次。以下是申报条件和评审流程。",
        listing_image_alt="逐级上升的柱形",
        body=[
            {"type": "heading", "value": {"text": "申报条件", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<ul><li>在平台完成认证的社会组织</li><li>登记成立满项目要求的月数</li><li>以往资助项目无逾期报告</li></ul>",
            },
            {"type": "heading", "value": {"text": "评审方式", "level": "h2"}},
            {
                "type": "paragraph",
                "value": _rich(
                    "每份申报书由三位独立专家按评分细则打分：需求与相关性、可行性、团队能力、预算合理性和可持续性。",
                    "拟资助名单在公示期内向社会公示，期满无异议后确定。",
                ),
            },
            {
                "type": "image",
                "value": {
                    "image": images["apply"].pk,
                    "alt_text": "逐级上升的柱形",
                    "caption": "资金分三期拨付：40%、40%、20%。",
                    "width": "inline",
                },
            },
        ],
    )


def _news(home: HomePage, zh: Locale, images: dict) -> NewsIndexPage:
    """The news index and its articles."""
    news, _ = _child(
        home, NewsIndexPage, slug="news", title="News", intro="News from the hub and the organisations it supports."
    )
    _translate(news, zh, slug="news", title="新闻动态", intro="平台及其支持的社会组织的最新动态。")
    _articles(news, zh, images)
    return news


def _articles(news: NewsIndexPage, zh: Locale, images: dict) -> None:
    today = timezone.localdate()
    for slug, title_en, title_zh, summary_en, summary_zh, image_key, days_ago, featured in ARTICLES:
        article, _ = _child(
            news,
            ArticlePage,
            slug=slug,
            title=title_en,
            date=today - dt.timedelta(days=days_ago),
            summary=summary_en,
            featured=featured,
            listing_image=images[image_key],
            listing_image_alt=images[image_key].description,
            body=[
                {"type": "paragraph", "value": _rich(summary_en, "Read more on the hub's pages and in the open data.")}
            ],
        )
        _translate(
            article,
            zh,
            slug=slug,
            title=title_zh,
            summary=summary_zh,
            listing_image_alt=summary_zh[:40],
            body=[{"type": "paragraph", "value": _rich(summary_zh, "更多信息请查看平台页面和开放数据。")}],
        )


def _events(home: HomePage, zh: Locale, images: dict) -> EventIndexPage:
    """The events index, a briefing ahead and a training day past."""
    events, _ = _child(
        home,
        EventIndexPage,
        slug="events",
        title="Events",
        intro="Application briefings, training days and exhibitions.",
    )
    _translate(events, zh, slug="events", title="活动", intro="申报说明会、培训和展示活动。")
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    briefing_start = (now + dt.timedelta(days=14)).replace(hour=14)
    training_start = (now - dt.timedelta(days=20)).replace(hour=9)
    briefing, _ = _child(
        events,
        EventPage,
        slug="application-briefing",
        title="Application briefing for the autumn grant call",
        kind=EventPage.Kind.BRIEFING,
        starts_at=briefing_start,
        ends_at=briefing_start + dt.timedelta(hours=2),
        place="Justice Bureau Service Centre, Room 301",
        address="88 Renmin Road",
        registration_url="https://example.org/register/briefing",
        registration_deadline=briefing_start - dt.timedelta(days=2),
        summary="Programme officers explain the autumn call: eligibility, budgets, KPIs and how reviews are scored.",
        listing_image=images["event-briefing"],
        listing_image_alt="Concentric circles",
        body=[
            {
                "type": "paragraph",
                "value": _rich("Bring your questions. Places are limited to two people per organisation."),
            }
        ],
    )
    _translate(
        briefing,
        zh,
        slug="application-briefing",
        title="秋季公益创投申报说明会",
        place="司法局服务中心301会议室",
        address="人民路88号",
        summary="项目官员讲解秋季项目征集：申报条件、预算、绩效指标和评分方式。",
        listing_image_alt="同心圆",
        body=[{"type": "paragraph", "value": _rich("欢迎带着问题参加。每个组织限两人报名。")}],
    )
    training, _ = _child(
        events,
        EventPage,
        slug="mediation-training",
        title="People's mediation training day",
        kind=EventPage.Kind.TRAINING,
        starts_at=training_start,
        ends_at=training_start + dt.timedelta(hours=7),
        place="Maker base training room",
        summary="A full-day course on mediation techniques for community mediators.",
        listing_image=images["event-training"],
        listing_image_alt="The scales of justice",
    )
    _translate(
        training,
        zh,
        slug="mediation-training",
        title="人民调解员培训日",
        place="创客基地培训室",
        summary="面向社区调解员的调解技巧全天培训。",
        listing_image_alt="正义的天平",
    )
    return events


def _showcases(home: HomePage, zh: Locale, images: dict) -> ShowcaseIndexPage:
    """The projects index and a showcase per project, of the first public organisations."""
    showcases, _ = _child(
        home,
        ShowcaseIndexPage,
        slug="projects",
        title="Projects we fund",
        intro="Stories of the projects funded through the hub, published with each organisation's consent.",
    )
    _translate(showcases, zh, slug="projects", title="资助项目", intro="经各组织同意发布的资助项目故事。")
    organisations = _demo_organisations()
    for index, spec in enumerate(SHOWCASES):
        organisation = organisations[index] if index < len(organisations) else None
        _showcase(showcases, zh, images, spec, organisation=organisation, donations=index == 0)
    return showcases


def _showcase(showcases: ShowcaseIndexPage, zh: Locale, images: dict, spec, *, organisation, donations: bool) -> None:
    """One project's story with its KPIs and photos, in English and Chinese."""
    slug, title_en, title_zh, summary_en, summary_zh, image_key, kpis = spec
    showcase = ShowcasePage.objects.child_of(showcases).filter(slug=slug).first()
    if showcase is None:
        showcase = ShowcasePage(
            slug=slug,
            title=title_en,
            summary=summary_en,
            organisation=organisation,
            listing_image=images[image_key],
            listing_image_alt=images[image_key].description,
            consent_given=True,
            consent_note="Consent given in writing by the organisation's director.",
            featured=True,
            donations_enabled=donations,  # shown only when Stripe is configured
            story=[
                {"type": "paragraph", "value": _rich(summary_en)},
                {
                    "type": "quote",
                    "value": {
                        "quote": "We could finally get help without leaving the neighbourhood.",
                        "attribution": "A resident",
                    },
                },
            ],
        )
        for order, (label_en, _label_zh, unit_en, _unit_zh, target, achieved) in enumerate(kpis):
            showcase.kpis.add(
                ShowcaseKpi(
                    sort_order=order,
                    indicator=label_en,
                    unit=unit_en,
                    target=Decimal(target),
                    achieved=Decimal(achieved),
                )
            )
        for order, key in enumerate(("photo-session", "photo-lecture")):
            showcase.photos.add(
                ShowcasePhoto(sort_order=order, image=images[key], alt_text=images[key].description, caption="")
            )
        showcases.add_child(instance=showcase)
        showcase.save_revision().publish()
    if showcase.get_translation_or_none(zh) is None:
        translated = showcase.copy_for_translation(zh).specific
        translated.title = title_zh
        translated.summary = summary_zh
        translated.listing_image_alt = summary_zh[:40]
        translated.story = [
            {"type": "paragraph", "value": _rich(summary_zh)},
            {"type": "quote", "value": {"quote": "终于不用出社区就能得到法律帮助。", "attribution": "一位居民"}},
        ]
        kpi_rows = list(translated.kpis.all())
        for kpi, (_label_en, label_zh, _unit_en, unit_zh, _target, _achieved) in zip(kpi_rows, kpis, strict=False):
            kpi.indicator = label_zh
            kpi.unit = unit_zh
        translated.kpis = kpi_rows
        photo_rows = list(translated.photos.all())
        for photo in photo_rows:
            photo.alt_text = "调解与普法活动现场插图"
        translated.photos = photo_rows
        translated.save_revision().publish()


def _menus(en: Locale, zh: Locale, zh_home: HomePage, *, about, showcases, news, events) -> None:
    """The main menu in both languages: the site's pages and its data pages."""
    _menu(
        en,
        [
            ("", about.pk, ""),
            ("", None, "cms:calls"),
            ("", None, "announcements:list"),
            ("", None, "cms:directory"),
            ("", showcases.pk, ""),
            ("", news.pk, ""),
            ("", events.pk, ""),
            ("", None, "cms:open_data"),
        ],
    )
    zh_pages = {p.slug: p.pk for p in Page.objects.child_of(zh_home)}
    _menu(
        zh,
        [
            ("", zh_pages["about"], ""),
            ("项目征集", None, "cms:calls"),
            ("结果公示", None, "announcements:list"),
            ("社会组织名录", None, "cms:directory"),
            ("", zh_pages["projects"], ""),
            ("", zh_pages["news"], ""),
            ("", zh_pages["events"], ""),
            ("开放数据", None, "cms:open_data"),
        ],
    )


def _site_settings(images: dict) -> None:
    """The Chinese footer, opening hours, social links and the donation account."""
    site_settings = SiteSettings.load(request_or_site=Site.objects.get(is_default_site=True))
    if not site_settings.footer_text_zh:
        site_settings.address_zh = "人民路88号 司法局服务中心"
        site_settings.footer_text_zh = "市司法局及合作基金会的公共服务平台。"
        site_settings.opening_hours = "Monday to Friday, 9:00–17:00"
        site_settings.opening_hours_zh = "周一至周五 9:00–17:00"
        site_settings.weibo_url = "https://weibo.com/legalaidhub"
        site_settings.wechat_id = "legalaidhub"
        site_settings.share_image = images["hero"]
        site_settings.save()
    if not site_settings.donation_account_number:
        # Shown on a project's donation page while the site has no Stripe keys.
        site_settings.donation_account_name = "吴中区法律服务社会组织孵化中心（演示账户）"
        site_settings.donation_bank = "中国工商银行苏州吴中支行"
        site_settings.donation_account_number = "1102 0201 0900 0000 000"
        site_settings.donation_note = (
            "For a donation receipt (公益事业捐赠票据), email us your name and the date of the transfer."
        )
        site_settings.donation_note_zh = "如需公益事业捐赠票据，请将您的姓名和转账日期发送至我们的邮箱。"
        site_settings.save()


def _menu(locale: Locale, items: list[tuple[str, int | None, str]]) -> None:
    existing = MainMenu.objects.filter(locale=locale).first()
    if existing is not None:
        _add_missing_views(existing, items)
        return
    en_menu = MainMenu.objects.filter(locale__language_code="en").first()
    menu = MainMenu(locale=locale, name="Main menu")
    if en_menu is not None:
        menu.translation_key = en_menu.translation_key
    for order, (label, page_id, view) in enumerate(items):
        menu.items.add(MainMenuItem(sort_order=order, label=label, link_page_id=page_id, link_view=view))
    menu.save()


def _add_missing_views(menu: MainMenu, items: list[tuple[str, int | None, str]]) -> None:
    """A menu from an older demo gains the data pages added since (results announcements)."""
    present = set(menu.items.values_list("link_view", flat=True))
    missing = [(label, view) for label, page_id, view in items if view and view not in present]
    if not missing:
        return
    after = max(menu.items.values_list("sort_order", flat=True), default=-1) + 1
    for offset, (label, view) in enumerate(missing):
        MainMenuItem.objects.create(menu=menu, sort_order=after + offset, label=label, link_view=view)


def _demo_organisations() -> list:
    return list(public_organisations().order_by("pk")[:2])
