"""The catalogue of legal services: six families and their items.

Reference data beside the administrative areas: organisations list the services they
offer from it, calls name the categories they fund, and service purchasing will buy
from it. It sits in the incubator, the lowest app that needs it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin


class ServiceCategory(BilingualNameMixin):
    """One of the six families of purchasable legal services."""

    code = models.SlugField(unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "grants_servicecategory"  # the name it had when calls owned the catalogue
        ordering = ["sort_order", "id"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")


class ServiceItem(BilingualNameMixin):
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="items")
    code = models.SlugField(unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "grants_serviceitem"
        ordering = ["category__sort_order", "sort_order", "id"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
