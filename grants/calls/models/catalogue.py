"""The funders who buy services (the catalogue of services itself is the incubator's)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identifiers import USCCField
from core.models import BilingualNameMixin


class Funder(BilingualNameMixin):
    """Who pays: a justice bureau, a street office or a foundation. Officers act only
    on the calls, applications and money of the funders they belong to."""

    class Kind(models.TextChoices):
        JUSTICE_BUREAU = "justice_bureau", _("Justice bureau")
        STREET_OFFICE = "street_office", _("Street office")
        FOUNDATION = "foundation", _("Foundation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    uscc = USCCField(_("unified social credit code"), blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    website = models.URLField(_("website"), blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="funders", verbose_name=_("officers")
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
