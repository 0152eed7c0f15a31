"""Reads for delivery and the village advisers' programme, scoped to who asks."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.roles import is_finance_officer, is_programme_officer
from core.audit import events_for
from grants.calls.permissions import member_organisation_ids
from grants.payments.models import Payment
from incubator.models import Area
from incubator.selectors import programme_districts
from purchasing.contracts.models import Contract, Instalment
from purchasing.delivery import permissions
from purchasing.delivery.models import AdviserContract, AdviserLog, Delivery, DeliveryPeriod, DeliveryPhoto
from purchasing.delivery.services import INSTALMENT

Status = DeliveryPeriod.Status
# Contracts whose delivery pages exist: signed and later (not drafts or declined offers).
WITH_DELIVERY = (*permissions.DELIVERING, Contract.Status.COMPLETED, Contract.Status.TERMINATED)


def _scope(user) -> Q | None:
    """None: the user sees every contract (officers); else the contracts of their sides."""
    if is_programme_officer(user) or is_finance_officer(user):
        return None
    return Q(organisation_id__in=member_organisation_ids(user)) | Q(buyer_id__in=permissions.buyer_ids(user))


def contracts_with_delivery(*, user):
    """Signed contracts the user may follow: as the NGO, the buyer, or an officer."""
    if not user.is_authenticated:
        return Contract.objects.none()
    queryset = Contract.objects.filter(status__in=WITH_DELIVERY).select_related("buyer", "organisation")
    scope = _scope(user)
    if scope is not None:
        queryset = queryset.filter(scope)
    return queryset.annotate(
        periods_submitted=Count("delivery_periods", filter=Q(delivery_periods__status=Status.SUBMITTED)),
        periods_disputed=Count("delivery_periods", filter=Q(delivery_periods__status=Status.DISPUTED)),
    ).order_by("-period_start", "-id")


def contract_for_user(*, user, pk) -> Contract:
    contract = contracts_with_delivery(user=user).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def period_for_user(*, user, pk) -> DeliveryPeriod:
    period = (
        DeliveryPeriod.objects.select_related("contract", "contract__buyer", "contract__organisation", "instalment")
        .filter(pk=pk, contract__in=contracts_with_delivery(user=user).values("pk"))
        .first()
    )
    if period is None:
        raise Http404
    return period


def delivery_for_user(*, user, pk) -> Delivery:
    delivery = (
        Delivery.objects.select_related("period", "period__contract", "period__instalment")
        .filter(pk=pk, period__contract__in=contracts_with_delivery(user=user).values("pk"))
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def photo_for_user(*, user, pk) -> DeliveryPhoto:
    photo = (
        DeliveryPhoto.objects.select_related("delivery__period__contract")
        .filter(pk=pk, delivery__period__contract__in=contracts_with_delivery(user=user).values("pk"))
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def deliveries_of(period: DeliveryPeriod):
    return period.deliveries.prefetch_related("photos").order_by("delivered_on", "id")


def period_history(period: DeliveryPeriod):
    """The period's audit trail, oldest first, for its page."""
    return events_for(period)


def period_totals(period: DeliveryPeriod) -> dict:
    return period.deliveries.aggregate(
        count=Count("id"),
        hours=Coalesce(Sum("hours"), Value(Decimal(0)), output_field=DecimalField(max_digits=10, decimal_places=1)),
        people=Coalesce(Sum("people_served"), 0),
        cases=Coalesce(Sum("cases_handled"), 0),
        mediated=Coalesce(Sum("cases_mediated"), 0),
    )


def instalment_payments(contract: Contract) -> dict[int, Payment]:
    """Each instalment's live payment in the ledger, by instalment id (one query)."""
    keys = {f"{INSTALMENT}:{pk}": pk for pk in contract.instalments.values_list("pk", flat=True)}
    payments = Payment.objects.filter(source_key__in=keys).exclude(status=Payment.Status.CANCELLED)
    return {keys[payment.source_key]: payment for payment in payments}


def schedule_of(contract: Contract) -> list[dict]:
    """The contract's instalments with their delivery period and ledger payment, in order."""
    periods = {p.instalment_id: p for p in DeliveryPeriod.objects.filter(contract=contract)}
    totals = dict(
        Delivery.objects.filter(period__contract=contract)
        .values_list("period__instalment")
        .annotate(n=Count("id"))
        .values_list("period__instalment", "n")
    )
    payments = instalment_payments(contract)
    return [
        {
            "instalment": instalment,
            "period": periods.get(instalment.pk),
            "deliveries": totals.get(instalment.pk, 0),
            "payment": payments.get(instalment.pk),
            "is_final": instalment.kind == Instalment.Kind.FINAL,
        }
        for instalment in contract.instalments.order_by("sequence")
    ]


def periods_waiting_for_buyer(*, user):
    return DeliveryPeriod.objects.filter(
        status=Status.SUBMITTED, contract__buyer_id__in=permissions.buyer_ids(user)
    ).select_related("contract", "instalment")


def periods_waiting_for_ngo(*, user):
    return DeliveryPeriod.objects.filter(
        status__in=(Status.OPEN, Status.DISPUTED),
        contract__organisation_id__in=member_organisation_ids(user),
        contract__status__in=permissions.DELIVERING,
        instalment__period_end__lt=timezone.localdate(),
    ).select_related("contract", "instalment")


def periods_for_staff():
    """Every period of every contract, for the back office (officers and finance)."""
    return DeliveryPeriod.objects.select_related(
        "contract", "contract__buyer", "contract__organisation", "instalment"
    ).order_by("status", "-instalment__period_end", "id")


# --- Impact figures ----------------------------------------------------------------------------


def purchased_service_figures() -> dict:
    """Public figures: contracts signed, and what accepted deliveries report."""
    signed = Contract.objects.filter(status__in=Contract.PUBLIC).count()
    accepted = Delivery.objects.filter(period__status=Status.ACCEPTED).aggregate(
        people=Coalesce(Sum("people_served"), 0),
        cases=Coalesce(Sum("cases_handled"), 0),
        mediated=Coalesce(Sum("cases_mediated"), 0),
    )
    return {
        "contracts_signed": signed,
        "people_served": accepted["people"],
        "cases_handled": accepted["cases"] + accepted["mediated"],
    }


# --- Village legal advisers --------------------------------------------------------------------


def adviser_contracts_for_user(*, user):
    queryset = AdviserContract.objects.select_related(
        "village", "contract", "contract__organisation", "contract__buyer"
    ).annotate(months_logged=Count("logs"))
    if not user.is_authenticated:
        return queryset.none()
    scope = _scope(user)
    if scope is not None:
        queryset = queryset.filter(contract__in=Contract.objects.filter(scope).values("pk"))
    return queryset.order_by("-year", "village__code")


def adviser_contract_for_user(*, user, pk) -> AdviserContract:
    adviser = adviser_contracts_for_user(user=user).filter(pk=pk).first()
    if adviser is None:
        raise Http404
    return adviser


def adviser_logs(adviser_contract: AdviserContract):
    return AdviserLog.objects.filter(adviser_contract=adviser_contract).order_by("month")


def _covered_village_ids(year: int):
    return AdviserContract.objects.filter(year=year, contract__status__in=Contract.COMMITTED).values("village_id")


def adviser_coverage(*, year: int | None = None) -> dict:
    """Per district of the programme: its current villages and communities, how many have a
    signed legal adviser's contract for the year. Counts only; five queries whatever the size."""
    year = year or timezone.localdate().year
    districts = list(programme_districts())
    villages = Area.objects.current().filter(level=Area.Level.VILLAGE, parent__parent__in=[d.pk for d in districts])
    totals = dict(villages.values_list("parent__parent").annotate(n=Count("id")).values_list("parent__parent", "n"))
    covered = dict(
        villages.filter(pk__in=_covered_village_ids(year))
        .values_list("parent__parent")
        .annotate(n=Count("id"))
        .values_list("parent__parent", "n")
    )
    rows = [
        {"district": d, "villages": totals.get(d.pk, 0), "covered": covered.get(d.pk, 0)}
        for d in districts
        if totals.get(d.pk)
    ]
    for row in rows:
        row["missing"] = row["villages"] - row["covered"]
    return {
        "year": year,
        "rows": rows,
        "villages": sum(r["villages"] for r in rows),
        "covered": sum(r["covered"] for r in rows),
    }


def adviser_village_list(*, year: int, district=None, covered: str = ""):
    """Every current village of the programme's districts, marked covered or not (officers)."""
    villages = (
        Area.objects.current()
        .filter(level=Area.Level.VILLAGE, parent__parent__in=programme_districts().values("pk"))
        .select_related("parent", "parent__parent")
        .annotate(
            covered=Count(
                "adviser_contracts",
                filter=Q(adviser_contracts__year=year, adviser_contracts__contract__status__in=Contract.COMMITTED),
            )
        )
        .order_by("code")
    )
    if district is not None:
        villages = villages.filter(parent__parent=district)
    if covered == "yes":
        villages = villages.filter(covered__gt=0)
    elif covered == "no":
        villages = villages.filter(covered=0)
    return villages


def adviser_month_choices(adviser_contract: AdviserContract) -> list[datetime.date]:
    contract = adviser_contract.contract
    month = contract.period_start.replace(day=1)
    end = min(contract.period_end, timezone.localdate())
    months = []
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months
