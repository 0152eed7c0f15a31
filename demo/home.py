"""The home page in English and Chinese, and the site settings."""

from django.conf import settings as django_settings
from wagtail.models import Locale, Site

from cms.services import default_site_follow_site_url
from home.models import HomePage, SiteSettings


def load(ctx):
    # The default site answers at SITE_URL (migrate does it too), so the page links in
    # Wagtail's moderation emails and the sitemap point at the address being served.
    default_site_follow_site_url(site_url=django_settings.SITE_URL)
    home = HomePage.objects.filter(locale__language_code="en").first()
    zh = Locale.objects.get(language_code="zh-hans")
    existing_zh = home.get_translation_or_none(zh)
    if existing_zh is not None and home.hero_heading:
        ctx.objects["home"] = {"en": home, "zh-hans": existing_zh.specific}
        return
    home.title = "Legal Aid Hub"
    home.hero_heading = "Growing the legal-aid NGOs our city needs"
    home.hero_intro = (
        "<p>We incubate legal-service NGOs, run public-benefit venture grants for them and publish "
        "every grant as open data.</p>"
    )
    home.hero_cta_label = "Register your organisation"
    home.hero_cta_link = "/en/accounts/signup/"
    home.save_revision().publish()

    zh_home = home.get_translation_or_none(zh) or home.copy_for_translation(zh)
    zh_home.title = "法律服务社会组织孵化平台"
    zh_home.hero_heading = "培育城市需要的法律服务社会组织"
    zh_home.hero_intro = "<p>我们孵化法律服务类社会组织，开展公益创投，并以开放数据公布每一笔资助。</p>"
    zh_home.hero_cta_label = "注册您的组织"
    zh_home.hero_cta_link = "/zh-hans/accounts/signup/"
    zh_home.save_revision().publish()
    ctx.objects["home"] = {"en": home, "zh-hans": zh_home}

    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site) if hasattr(SiteSettings, "for_site") else SiteSettings.load()
    settings.organisation_name = "Legal Aid Hub · 法律服务社会组织孵化平台"
    settings.contact_email = "hello@legalaid.example"
    settings.contact_phone = "0512-12348"
    settings.address = "Justice Bureau Service Centre, 88 Renmin Road"
    settings.footer_text = "A public service of the city justice bureau and its partner foundations."
    settings.save()
