from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site root in each language."""

    hero_heading = models.CharField(_("hero heading"), max_length=200, blank=True)
    hero_intro = RichTextField(_("hero introduction"), blank=True, features=["bold", "italic", "link"])
    hero_cta_label = models.CharField(_("call-to-action label"), max_length=60, blank=True)
    hero_cta_link = models.CharField(_("call-to-action link"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_intro"), FieldPanel("hero_cta_label"), FieldPanel("hero_cta_link")],
            heading=_("Hero"),
        ),
    ]

    template = "home/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


@register_setting(icon="site")
class SiteSettings(BaseGenericSetting):
    """Contact details and footer, edited under Settings in the Wagtail admin."""

    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    weibo_url = models.URLField(_("Weibo"), blank=True)
    wechat_id = models.CharField(_("WeChat official account"), max_length=100, blank=True)

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("address"),
        FieldPanel("footer_text"),
        FieldPanel("weibo_url"),
        FieldPanel("wechat_id"),
    ]

    class Meta:
        verbose_name = _("site settings")
