"""Rows for open data: every award, with what has been paid on it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from cms.opendata.rows import GrantRow, LocationRef, OrganisationRef
from grants.awards.models import Award
from grants.payments.models import Payment


def _paid_on_award():
    paid = (
        Payment.objects.filter(tranche__award=OuterRef("pk"), status=Payment.Status.PAID)
        .values("tranche__award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid, output_field=DecimalField(max_digits=14, decimal_places=2)), Value(Decimal("0")))


def awards_for_open_data():
    return (
        Award.objects.select_related(
            "application__call__funder",
            "application__organisation",
            "application__category",
            "application__service_item",
            "application__area",
        )
        .annotate(disbursed=_paid_on_award())
        .order_by("-created_at", "-pk")
    )


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None and path else path


def _call_url(call, request) -> str:
    try:
        with translation.override("zh-hans"):
            return _absolute(request, reverse("grants:call_detail", kwargs={"key": call.slug or call.pk}))
    except NoReverseMatch:
        return ""


def award_to_row(award: Award, *, request=None) -> GrantRow:
    application = award.application
    call = application.call
    organisation = application.organisation
    funder = call.funder
    area = application.area
    return GrantRow(
        reference=award.reference,
        title=application.title or call.title,
        description=application.summary or application.title or call.title,
        currency=award.currency,
        amount_applied_for=application.requested_amount or None,
        amount_awarded=award.amount,
        amount_disbursed=getattr(award, "disbursed", Decimal("0")) or Decimal("0"),
        award_date=award.created_at.date(),
        planned_start=award.starts_on,
        planned_end=award.ends_on,
        recipient=OrganisationRef(
            name=organisation.name_zh,
            name_en=organisation.name_en,
            uscc=organisation.uscc,
            local_id=str(organisation.pk),
            locality=organisation.district.name_zh if organisation.district_id else "",
            url=organisation.website,
        ),
        funder=OrganisationRef(
            name=funder.name_zh, uscc=funder.uscc, local_id=f"funder-{funder.pk}", url=funder.website
        ),
        programme_code=call.slug or str(call.pk),
        programme_title=call.title,
        programme_url=_call_url(call, request),
        category_code=application.category.code if application.category_id else "",
        category_title=application.category.name_zh if application.category_id else "",
        service_item_code=application.service_item.code if application.service_item_id else "",
        service_item_title=application.service_item.name_zh if application.service_item_id else "",
        locations=(LocationRef(name=area.name_zh, code=area.code, level=area.level),) if area else (),
        modified=award.updated_at,
    )


def awarded_grant_rows(*, request=None) -> list[GrantRow]:
    """Every award, newest first, as open-data rows."""
    return [award_to_row(award, request=request) for award in awards_for_open_data()]
