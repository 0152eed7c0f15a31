"""What open data reads: every award as a 360Giving row, streamed; the page's totals;
and a version of the data for conditional requests.

Two queries per chunk of awards however many there are: everything a row needs is joined
(`select_related`) or computed in SQL (what has been paid), the applications' target areas
come in one prefetch query per chunk, and the rows are read with `.iterator(chunk_size=...)`,
so neither the queries nor the memory grow with the awards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Min, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cms import caching
from cms.opendata.links import absolute, neutral_path
from cms.opendata.rows import GrantRow, LocationRef, OrganisationRef
from cms.opendata.threesixty import award_day, publisher_prefix
from grants.awards.models import Award
from grants.payments.models import Payment
from incubator.models import Area

CHUNK_SIZE = 500

# A grant's beneficiary locations are its application's target areas, in code order.
TARGET_AREAS = Prefetch("application__target_areas", queryset=Area.objects.order_by("code", "pk"))


def _paid_on_award():
    paid = (
        Payment.objects.filter(tranche__award=OuterRef("pk"), status=Payment.Status.PAID)
        .values("tranche__award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid, output_field=DecimalField(max_digits=14, decimal_places=2)), Value(Decimal("0")))


def awards_for_open_data():
    """Every award, newest first, with all a row needs in the same query."""
    return (
        Award.objects.select_related(
            "application__call__funder",
            "application__organisation__district",
            "application__organisation__town",
            "application__category",
            "application__service_item",
        )
        .prefetch_related(TARGET_AREAS)
        .annotate(disbursed=_paid_on_award())
        .order_by("-created_at", "-pk")
    )


def _location(area) -> LocationRef:
    # A retired unit never found in the bureau's file has no code: it is named, not coded.
    return LocationRef(name=area.name_zh, name_en=area.name_en, code=area.code or "", level=area.level)


def award_to_row(award: Award, *, request=None) -> GrantRow:
    application = award.application
    call = application.call
    organisation = application.organisation
    funder = call.funder
    # Where the organisation is based: its town or street if known, else its district.
    based_in = organisation.town or organisation.district
    return GrantRow(
        reference=award.reference,
        title=application.title or call.title,
        description=application.summary or application.title or call.title,
        currency=award.currency,
        amount_applied_for=application.requested_amount or None,
        amount_awarded=award.amount,
        amount_disbursed=getattr(award, "disbursed", None) or Decimal("0"),
        award_date=award_day(award.created_at),
        planned_start=award.starts_on,
        planned_end=award.ends_on,
        recipient=OrganisationRef(
            name=organisation.name_zh,
            name_en=organisation.name_en,
            uscc=organisation.uscc,
            local_id=str(organisation.pk),
            locality=organisation.district.name_zh if organisation.district_id else "",
            # The address is public only where the organisation's profile shows it.
            street_address=organisation.address if organisation.contacts_public else "",
            url=organisation.website,
            locations=(_location(based_in),) if based_in else (),
        ),
        funder=OrganisationRef(
            name=funder.name_zh,
            name_en=funder.name_en,
            uscc=funder.uscc,
            local_id=f"funder-{funder.pk}",
            url=funder.website,
        ),
        programme_code=call.slug or str(call.pk),
        programme_title=call.title,
        programme_url=absolute(request, neutral_path("grants:call_detail", key=call.slug or call.pk)),
        category_code=application.category.code if application.category_id else "",
        category_title=application.category.name_zh if application.category_id else "",
        service_item_code=application.service_item.code if application.service_item_id else "",
        service_item_title=application.service_item.name_zh if application.service_item_id else "",
        locations=tuple(_location(area) for area in application.target_areas.all()),
        data_source=absolute(request, neutral_path("cms:open_data")),
        modified=award.updated_at,
    )


def iter_grant_rows(*, request=None, chunk_size: int = CHUNK_SIZE) -> Iterator[GrantRow]:
    """Every award, newest first, as open-data rows: one query per `chunk_size` awards."""
    for award in awards_for_open_data().iterator(chunk_size=chunk_size):
        yield award_to_row(award, request=request)


def beneficiary_location_columns() -> int:
    """How many groups of beneficiary-location columns the CSV needs: the most target areas
    any award's application names (at least one). One aggregate query, before streaming."""
    most = Award.objects.annotate(places=Count("application__target_areas")).aggregate(most=Max("places"))["most"]
    return max(most or 0, 1)


def latest_grant_rows(*, limit: int, request=None) -> list[GrantRow]:
    return [award_to_row(award, request=request) for award in awards_for_open_data()[:limit]]


def awarded_grant_rows(*, request=None) -> list[GrantRow]:
    """Every award as a row, in a list: for small exports and tests; views stream."""
    return list(iter_grant_rows(request=request))


@dataclass(frozen=True)
class OpenDataTotals:
    grants: int
    funders: int
    amounts: list[tuple[str, Decimal]]  # (currency, total awarded), one per currency
    first_award: date | None
    last_award: date | None


def open_data_totals() -> OpenDataTotals:
    """What the open-data page says of all the grants, counted by the database (two queries)."""
    facts = Award.objects.aggregate(
        grants=Count("pk"),
        funders=Count("application__call__funder", distinct=True),
        first=Min("created_at"),
        last=Max("created_at"),
    )
    amounts = (
        Award.objects.values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
        .values_list("currency", "total")
    )
    return OpenDataTotals(
        grants=facts["grants"],
        funders=facts["funders"],
        amounts=[(currency, total) for currency, total in amounts],
        first_award=award_day(facts["first"]) if facts["first"] else None,
        last_award=award_day(facts["last"]) if facts["last"] else None,
    )


def open_data_modified():
    """When the published data last changed (the package's `modified`), or None."""
    return Award.objects.aggregate(modified=Max("updated_at"))["modified"]


def open_data_version() -> str:
    """Changes whenever the published data can: the awards (count, last change, and that
    of their applications, organisations and calls), what has been paid on them, and the
    public cache's generation (bumped by every save of a funder, area or category, which
    carry no change time). Two aggregate queries; the files' ETag is built from it."""
    awards = Award.objects.aggregate(
        awards=Count("pk"),
        awards_changed=Max("updated_at"),
        applications_changed=Max("application__updated_at"),
        organisations_changed=Max("application__organisation__updated_at"),
        calls_changed=Max("application__call__updated_at"),
    )
    paid = Payment.objects.filter(tranche__award__isnull=False, status=Payment.Status.PAID).aggregate(
        payments=Count("pk"), paid=Sum("amount"), payments_changed=Max("updated_at")
    )
    parts = [publisher_prefix(), caching.generation(), *awards.values(), *paid.values()]
    return "|".join(str(part) for part in parts)
