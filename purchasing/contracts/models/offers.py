"""An NGO's service offers: what it sells from the catalogue, where, at what price."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bilingual import bilingual
from core.private_files import private_storage, unguessable_name


class Unit(models.TextChoices):
    SESSION = "session", _("Session")
    MONTH = "month", _("Month")
    CASE = "case", _("Case")
    VILLAGE_YEAR = "village_year", _("Village-year")


def offer_photo_upload_to(instance, filename: str) -> str:
    return unguessable_name("offer-photos", filename)


class Offer(models.Model):
    """A verified NGO's offer of one catalogue item. Published offers are public (the
    directory, search); an officer may suspend one with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        "incubator.Organisation", on_delete=models.PROTECT, related_name="offers", verbose_name=_("organisation")
    )
    item = models.ForeignKey(
        "incubator.ServiceItem", on_delete=models.PROTECT, related_name="offers", verbose_name=_("service")
    )
    areas = models.ManyToManyField("incubator.Area", related_name="offers", verbose_name=_("service areas"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    unit_price = models.DecimalField(
        _("price per unit (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], help_text=_("How many units a year you can deliver.")
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    staff_zh = models.TextField(_("staff and qualifications (Chinese)"), blank=True)
    staff_en = models.TextField(_("staff and qualifications (English)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    title = bilingual("title", _("title"))
    description = bilingual("description", _("description"))
    staff = bilingual("staff", _("staff and qualifications"))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("service offer")
        verbose_name_plural = _("service offers")
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="purchasing_offer_price_positive"),
        ]
        indexes = [models.Index(fields=["status", "item"])]

    def __str__(self):
        return self.title or f"{self.item} · {self.organisation}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class OfferPhoto(models.Model):
    """A picture of the service (no faces of beneficiaries, the form says so). Stored privately
    like every upload and served by a view: to anyone while the offer is published, otherwise
    to the organisation's members and programme officers."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="photos", verbose_name=_("offer"))
    image = models.ImageField(_("photo"), upload_to=offer_photo_upload_to, storage=private_storage, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("offer photo")
        verbose_name_plural = _("offer photos")
