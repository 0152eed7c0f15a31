"""What every public page type shares: the listing image with required alt text, the
language links, and serving through the public page cache."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page


class ListingImageMixin(models.Model):
    """An image shown at the top of the page and on cards that list it.

    Alt text is required whenever an image is chosen (`clean`).
    """

    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    listing_image_alt = models.CharField(
        _("image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Describe what the picture shows for people who cannot see it."),
    )

    image_panels = [
        MultiFieldPanel([FieldPanel("listing_image"), FieldPanel("listing_image_alt")], heading=_("Image")),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.listing_image_id and not self.listing_image_alt.strip():
            raise ValidationError({"listing_image_alt": _("Alt text is required when an image is chosen.")})


def page_translations(page: Page) -> list[dict]:
    """The live translations of `page`, for the language switcher and `hreflang` links."""
    rows = []
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        rows.append({"language_code": translation.locale.language_code, "url": translation.url, "page": translation})
    return rows
