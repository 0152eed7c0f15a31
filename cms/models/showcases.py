"""Project showcases: the public story of a funded project.

A showcase is generated when an award is made (once awards exist), edited by editors,
and published only with the NGO's consent. It will point at its award through a
nullable foreign key added with the Award model; until then it shows what editors
enter, and hides whatever is missing.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.caching import memoize
from cms.models.base import ListingImageMixin
from cms.showcase_figures import donations_enabled, showcase_kpis, showcase_money, showcase_takes_donations

PAGE_SIZE = 12


class ShowcaseIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "cms/showcase_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.ShowcasePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("project showcases index")

    def showcases(self):
        return (
            ShowcasePage.objects.child_of(self)
            .live()
            .public()
            .select_related("listing_image", "organisation")
            .order_by("-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["showcases"] = Paginator(self.showcases(), PAGE_SIZE).get_page(request.GET.get("page"))
        return context


class ShowcasePage(ListingImageMixin, Page):
    organisation = models.ForeignKey(
        "incubator.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="showcases",
    )
    award = models.ForeignKey(
        "awards.Award",
        verbose_name=_("award"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="showcases",
        help_text=_("The grant this project was funded by: its amounts and reported results are shown."),
    )
    summary = models.TextField(
        pgettext_lazy("page field", "summary"), max_length=400, help_text=_("Shown on cards and in search results.")
    )
    story = StreamField(BodyBlock(), verbose_name=_("story"), blank=True)
    consent_given = models.BooleanField(
        _("the organisation consents to publication"),
        default=False,
        help_text=_("A showcase can be published only once the organisation has agreed."),
    )
    consent_note = models.CharField(
        _("consent record"), max_length=300, blank=True, help_text=_("Who agreed, when and how.")
    )
    featured = models.BooleanField(_("feature on the home page"), default=False)
    donations_enabled = models.BooleanField(_("accept donations"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation"),
        FieldPanel("award"),
        FieldPanel("summary"),
        *ListingImageMixin.image_panels,
        FieldPanel("story"),
        InlinePanel("photos", label=_("Photos")),
        InlinePanel("kpis", label=_("Results (KPIs) when no award is linked")),
        MultiFieldPanel(
            [
                FieldPanel("consent_given"),
                FieldPanel("consent_note"),
                FieldPanel("featured"),
                FieldPanel("donations_enabled"),
            ],
            heading=_("Publication"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("story"),
        index.RelatedFields("organisation", [index.SearchField("name_zh"), index.SearchField("name_en")]),
    ]

    template = "cms/showcase_page.html"
    parent_page_types = ["cms.ShowcaseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("project showcase")

    def clean(self):
        super().clean()
        if self.live and not self.consent_given:
            raise ValidationError(
                {"consent_given": _("This showcase cannot be published until the organisation has consented.")}
            )
        if self.award_id and self.organisation_id and self.award.application.organisation_id != self.organisation_id:
            raise ValidationError({"award": _("This award was made to another organisation.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            memoize(
                "showcase-figures",
                self.pk,
                request=request,
                compute=lambda: {
                    "money": showcase_money(showcase=self),
                    "kpis": showcase_kpis(showcase=self),
                    "photos": list(self.photos.select_related("image")),
                    "organisation": self.organisation,
                },
            )
        )
        context["accepts_donations"] = showcase_takes_donations(self)
        context["donations_online"] = donations_enabled()
        return context


class ShowcasePhoto(Orderable):
    page = ParentalKey(ShowcasePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(_("alt text"), max_length=250)
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    def clean(self):
        super().clean()
        if not self.alt_text.strip():
            raise ValidationError({"alt_text": _("Alt text is required for every image.")})


class ShowcaseKpi(Orderable):
    """An indicator the project promised and what it achieved (from accepted reports)."""

    page = ParentalKey(ShowcasePage, on_delete=models.CASCADE, related_name="kpis")
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    achieved = models.DecimalField(_("achieved"), max_digits=12, decimal_places=2, null=True, blank=True)

    panels = [FieldPanel("indicator"), FieldPanel("unit"), FieldPanel("target"), FieldPanel("achieved")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(target__gt=0), name="showcase_kpi_target_positive"),
        ]

    @property
    def percent(self) -> int | None:
        if self.achieved is None or not self.target:
            return None
        return int(min(Decimal(100), self.achieved * 100 / self.target))
