"""Reads for the public site. Everything here is public by construction: organisations
come only from `incubator.selectors.public_organisations()`, pages only when live and
public."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cms.models import ArticlePage, EventPage, ShowcasePage
from incubator.models import Area, Organisation, ServiceCategory, ServiceItem
from incubator.selectors import public_organisations

HOME_FEATURED = 3


def featured_articles(*, locale, limit: int = HOME_FEATURED) -> list[ArticlePage]:
    """Featured news first, then the latest, in `locale`."""
    return list(
        ArticlePage.objects.live()
        .public()
        .filter(locale=locale)
        .select_related("listing_image")
        .order_by("-featured", "-date", "-pk")[:limit]
    )


def featured_showcases(*, locale, limit: int = HOME_FEATURED) -> list[ShowcasePage]:
    return list(
        ShowcasePage.objects.live()
        .public()
        .filter(locale=locale, consent_given=True)
        .select_related("listing_image", "organisation")
        .order_by("-featured", "-first_published_at")[:limit]
    )


def upcoming_events(*, locale, limit: int = HOME_FEATURED) -> list[EventPage]:
    now = timezone.now()
    return list(
        EventPage.objects.live()
        .public()
        .filter(locale=locale)
        .filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
        .order_by("starts_at")[:limit]
    )


# --- The NGO directory -------------------------------------------------------------


def directory_organisations(
    *, q: str = "", field_type: str = "", area: Area | None = None, service: ServiceCategory | None = None
) -> QuerySet[Organisation]:
    """Verified organisations matching the directory's filters, ready to list."""
    # Start from the public set, but declare this page's own joins (and only those).
    organisations = public_organisations().select_related(None).prefetch_related(None).select_related("district")
    if q:
        organisations = organisations.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q))
    if field_type:
        organisations = organisations.filter(field_type=field_type)
    if area is not None:
        organisations = organisations.filter(
            Q(district=area) | Q(town=area) | Q(community=area) | Q(service_areas=area)
        )
    if service is not None:
        organisations = organisations.filter(services__category=service)
    if area is not None or service is not None:
        organisations = organisations.distinct()
    return organisations.prefetch_related(
        Prefetch(
            "services",
            queryset=ServiceItem.objects.select_related("category").order_by("category__sort_order", "sort_order"),
        )
    ).order_by("name_zh", "pk")


def directory_areas() -> QuerySet[Area]:
    """Districts that have at least one verified organisation (based or serving there)."""
    public = public_organisations()
    return (
        Area.objects.filter(level=Area.Level.DISTRICT)
        .filter(Q(pk__in=public.values("district")) | Q(served_by__in=public))
        .distinct()
        .order_by("code")
    )


def service_categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.order_by("sort_order", "pk")


def public_organisation_profile(*, pk: int) -> Organisation:
    """One verified organisation, with what its public profile shows. Raises DoesNotExist."""
    return (
        public_organisations()
        .select_related(None)
        .prefetch_related(None)
        .select_related("district", "town", "community")
        .prefetch_related(
            Prefetch("service_areas", queryset=Area.objects.order_by("code")),
            Prefetch(
                "services",
                queryset=ServiceItem.objects.select_related("category").order_by("category__sort_order", "sort_order"),
            ),
        )
        .get(pk=pk)
    )


def organisation_showcases(*, organisation: Organisation, locale) -> list[ShowcasePage]:
    return list(
        ShowcasePage.objects.live()
        .public()
        .filter(organisation=organisation, locale=locale, consent_given=True)
        .select_related("listing_image")
        .order_by("-first_published_at")
    )


# --- Showcases ---------------------------------------------------------------------


def public_event(*, pk: int, locale) -> EventPage | None:
    """A live, public event page in `locale`, or None."""
    return EventPage.objects.live().public().filter(pk=pk, locale=locale).first()
