"""The main menu, edited as a snippet: one menu per language."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, TranslatableMixin

# Public pages that are Django views rather than Wagtail pages, offered by name.
VIEW_LINKS = [
    ("cms:calls", _("Grant calls")),
    ("cms:directory", _("NGO directory")),
    ("announcements:list", _("Results announcements")),
    ("cms:open_data", _("Open data")),
    ("cms:search", _("Search")),
]


class MainMenu(TranslatableMixin, ClusterableModel):
    name = models.CharField(_("name"), max_length=100, default="Main menu")

    panels = [FieldPanel("name"), InlinePanel("items", label=_("Menu items"))]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("main menu")
        verbose_name_plural = _("main menus")

    def __str__(self):
        return f"{self.name} ({self.locale})"


class MainMenuItem(Orderable):
    menu = ParentalKey(MainMenu, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("Defaults to the page title."))
    link_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link_view = models.CharField(_("or a data page"), max_length=40, blank=True, choices=VIEW_LINKS)
    link_url = models.CharField(_("or a link"), max_length=300, blank=True)

    panels = [FieldPanel("label"), FieldPanel("link_page"), FieldPanel("link_view"), FieldPanel("link_url")]

    def clean(self):
        super().clean()
        targets = [bool(self.link_page_id), bool(self.link_view), bool(self.link_url)]
        if sum(targets) != 1:
            raise ValidationError(_("Choose exactly one of a page, a data page or a link."))
        if not self.label and not self.link_page_id:
            raise ValidationError({"label": _("A label is needed unless the item links to a page.")})

    def as_link(self) -> dict | None:
        """{"url", "label"}, or None when the target is gone (unpublished page, unrouted view)."""
        if self.link_page_id:
            page = self.link_page
            if not page.live:
                return None
            return {"url": page.url, "label": self.label or page.title}
        if self.link_view:
            try:
                url = reverse(self.link_view)
            except NoReverseMatch:
                return None
            return {"url": url, "label": self.label or dict(VIEW_LINKS)[self.link_view]}
        return {"url": self.link_url, "label": self.label}
