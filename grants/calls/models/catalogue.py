"""The service catalogue and the funders who buy those services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin


class ServiceCategory(BilingualNameMixin):
    """One of the six families of purchasable legal services."""

    code = models.SlugField(unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")


class ServiceItem(BilingualNameMixin):
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="items")
    code = models.SlugField(unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "id"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")


class Funder(BilingualNameMixin):
    """Who pays: a justice bureau, a street office or a foundation. Officers act only
    on the calls, applications and money of the funders they belong to."""

    class Kind(models.TextChoices):
        JUSTICE_BUREAU = "justice_bureau", _("Justice bureau")
        STREET_OFFICE = "street_office", _("Street office")
        FOUNDATION = "foundation", _("Foundation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    website = models.URLField(_("website"), blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="funders", verbose_name=_("officers")
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
