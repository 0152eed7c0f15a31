from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.caching import lazy_memoize
from cms.impact import impact_figures
from cms.selectors import featured_articles, featured_showcases, upcoming_events


class HomePage(Page):
    """The site root in each language."""

    hero_heading = models.CharField(_("hero heading"), max_length=200, blank=True)
    hero_intro = RichTextField(_("hero introduction"), blank=True, features=["bold", "italic", "link"])
    hero_cta_label = models.CharField(_("call-to-action label"), max_length=60, blank=True)
    hero_cta_link = models.CharField(_("call-to-action link"), max_length=200, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(_("hero image alt text"), max_length=250, blank=True)
    show_impact = models.BooleanField(_("show impact figures"), default=True)
    impact_heading = models.CharField(_("impact heading"), max_length=200, blank=True)
    news_heading = models.CharField(_("news heading"), max_length=200, blank=True)
    showcases_heading = models.CharField(_("showcases heading"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_intro"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_link"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
            ],
            heading=_("Hero"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("show_impact"),
                FieldPanel("impact_heading"),
                FieldPanel("showcases_heading"),
                FieldPanel("news_heading"),
            ],
            heading=_("Sections"),
        ),
    ]

    template = "home/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "cms.NewsIndexPage", "cms.EventIndexPage", "cms.ShowcaseIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def clean(self):
        super().clean()
        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": _("Alt text is required when an image is chosen.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only if the template asks: not when the body comes from its shared fragment.
        context["impact"] = SimpleLazyObject(impact_figures) if self.show_impact else None
        # The lists change only when pages are published, which purges the memo.
        context.update(
            lazy_memoize(
                "home-sections",
                self.locale_id,
                request=request,
                keys=("featured_showcases", "featured_articles", "upcoming_events"),
                compute=lambda: {
                    "featured_showcases": featured_showcases(locale=self.locale),
                    "featured_articles": featured_articles(locale=self.locale),
                    "upcoming_events": upcoming_events(locale=self.locale),
                },
            )
        )
        return context


@register_setting(icon="site")
class SiteSettings(BaseGenericSetting):
    """Contact details and footer, edited under Settings in the Wagtail admin."""

    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=300, blank=True)
    footer_text_zh = models.TextField(_("footer text (Chinese)"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    opening_hours_zh = models.CharField(_("opening hours (Chinese)"), max_length=200, blank=True)
    weibo_url = models.URLField(_("Weibo"), blank=True)
    wechat_id = models.CharField(_("WeChat official account"), max_length=100, blank=True)
    douyin_url = models.URLField(_("Douyin"), blank=True)
    donation_account_name = models.CharField(_("account name"), max_length=200, blank=True)
    donation_bank = models.CharField(_("bank and branch"), max_length=200, blank=True)
    donation_account_number = models.CharField(_("account number"), max_length=60, blank=True)
    donation_note = models.TextField(
        _("note to donors"),
        blank=True,
        help_text=_("E.g. how to ask for a receipt. Shown with the bank details when online payment is off."),
    )
    donation_note_zh = models.TextField(_("note to donors (Chinese)"), blank=True)
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("default sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when a page without its own image is shared on social media."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("address"),
                FieldPanel("address_zh"),
                FieldPanel("opening_hours"),
                FieldPanel("opening_hours_zh"),
            ],
            heading=_("Contact details"),
        ),
        MultiFieldPanel([FieldPanel("footer_text"), FieldPanel("footer_text_zh")], heading=_("Footer")),
        MultiFieldPanel(
            [
                FieldPanel("donation_account_name"),
                FieldPanel("donation_bank"),
                FieldPanel("donation_account_number"),
                FieldPanel("donation_note"),
                FieldPanel("donation_note_zh"),
            ],
            heading=_("Donations by bank transfer"),
            help_text=_("Shown to donors on a project's donation page when online payment (Stripe) is not set up."),
        ),
        MultiFieldPanel(
            [FieldPanel("weibo_url"), FieldPanel("wechat_id"), FieldPanel("douyin_url"), FieldPanel("share_image")],
            heading=_("Social media"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    def _localised(self, field: str) -> str:
        if (translation.get_language() or "").startswith("zh"):
            return getattr(self, f"{field}_zh") or getattr(self, field)
        return getattr(self, field) or getattr(self, f"{field}_zh")

    @property
    def localised_address(self) -> str:
        return self._localised("address")

    @property
    def localised_footer_text(self) -> str:
        return self._localised("footer_text")

    @property
    def localised_opening_hours(self) -> str:
        return self._localised("opening_hours")

    @property
    def localised_donation_note(self) -> str:
        return self._localised("donation_note")

    @property
    def has_donation_account(self) -> bool:
        return bool(self.donation_account_name.strip() and self.donation_account_number.strip())
