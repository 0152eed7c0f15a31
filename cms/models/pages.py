"""Editorial page types: standard pages, news and events."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.base import ListingImageMixin

PAGE_SIZE = 12


class StandardPage(ListingImageMixin, Page):
    """About us, how to apply, policies: an introduction and a StreamField body."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), *ListingImageMixin.image_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    template = "cms/standard_page.html"
    parent_page_types = ["home.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "cms/news_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def articles(self):
        return (
            ArticlePage.objects.child_of(self).live().public().select_related("listing_image").order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = Paginator(self.articles(), PAGE_SIZE).get_page(request.GET.get("page"))
        return context


class ArticlePage(ListingImageMixin, Page):
    """A news article, results notice or story."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(
        pgettext_lazy("page field", "summary"), max_length=400, help_text=_("Shown on cards and in search results.")
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    featured = models.BooleanField(_("feature on the home page"), default=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("date"), FieldPanel("featured")], heading=_("Publication")),
        FieldPanel("summary"),
        *ListingImageMixin.image_panels,
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    template = "cms/article_page.html"
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        ordering = ["-date"]


class EventIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "cms/event_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("events index")

    def events(self):
        return (
            EventPage.objects.child_of(self)
            .live()
            .public()
            .select_related("listing_image")
            .annotate(finishes_at=Coalesce("ends_at", "starts_at"))
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        events = self.events()
        context["upcoming_events"] = events.filter(finishes_at__gte=now).order_by("starts_at")
        context["past_events"] = Paginator(
            events.filter(finishes_at__lt=now).order_by("-starts_at"), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        return context


class EventPage(ListingImageMixin, Page):
    """An event such as an application briefing (申报说明会) or a training day."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Application briefing")
        TRAINING = "training", _("Training")
        EXHIBITION = "exhibition", _("Exhibition")
        OTHER = "other", _("Event")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BRIEFING)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, help_text=_("Venue name, or “Online”."))
    address = models.CharField(_("address"), max_length=300, blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    registration_deadline = models.DateTimeField(_("registration closes"), null=True, blank=True)
    summary = models.TextField(pgettext_lazy("page field", "summary"), max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("starts_at"),
                FieldPanel("ends_at"),
                FieldPanel("place"),
                FieldPanel("address"),
                FieldPanel("registration_url"),
                FieldPanel("registration_deadline"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("summary"),
        *ListingImageMixin.image_panels,
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("body"),
    ]

    template = "cms/event_page.html"
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("An event cannot end before it starts.")})
        if self.starts_at and self.registration_deadline and self.registration_deadline > self.starts_at:
            raise ValidationError({"registration_deadline": _("Registration must close before the event starts.")})

    @property
    def is_past(self) -> bool:
        return (self.ends_at or self.starts_at) < timezone.now()

    @property
    def registration_open(self) -> bool:
        if not self.registration_url or self.is_past:
            return False
        return self.registration_deadline is None or self.registration_deadline >= timezone.now()
