"""Reads of the ledger, scoped to who is asking (see ``permissions`` for the scope rules)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts import roles
from grants.awards.models import Award
from grants.awards.selectors import tranches_payable
from grants.calls.permissions import member_organisation_ids, officer_funder_ids
from grants.calls.selectors import calls_for_officer
from grants.payments import permissions
from grants.payments.models import BankBatch, BankConfirmationImport, Payment, WebhookEvent
from incubator.models import Subsidy
from incubator.selectors import payable_subsidies

Status = Payment.Status
_RELATED = (
    "payee",
    "funder",
    "tranche",
    "tranche__award",
    "subsidy",
    "subsidy__policy",
    "requested_by",
    "approved_by",
    "batch",
)

_QUEUE_RELATED = ("payee", "funder", "tranche__award", "requested_by", "approved_by")


def _ledger():
    return Payment.objects.select_related(*_RELATED)


def payments_for_user(*, user):
    """Payments a programme or finance officer may see: their funders' and every subsidy payment."""
    if not permissions.is_ledger_staff(user):
        return Payment.objects.none()
    queryset = _ledger()
    if user.is_superuser:
        return queryset

    return queryset.filter(Q(funder__isnull=True) | Q(funder_id__in=officer_funder_ids(user)))


def payment_for_user(*, user, pk) -> Payment:
    payment = payments_for_user(user=user).filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def payments_queue(*, user, status: str = "", rail: str = "", kind: str = "", funder: str = "", search: str = ""):
    """The back-office queue, filtered; requested payments first (oldest request first)."""
    queryset = payments_for_user(user=user)
    if status:
        queryset = queryset.filter(status=status)
    if rail:
        queryset = queryset.filter(rail=rail)
    if kind == "tranche":
        queryset = queryset.filter(tranche__isnull=False)
    elif kind == "subsidy":
        queryset = queryset.filter(subsidy__isnull=False)
    elif kind:
        queryset = queryset.filter(source_key__startswith=f"{kind}:")
    if funder == "platform":
        queryset = queryset.filter(funder__isnull=True)
    elif funder.isdigit():
        queryset = queryset.filter(funder_id=int(funder))
    if search:
        queryset = queryset.filter(
            Q(reference__icontains=search)
            | Q(payee__name_zh__icontains=search)
            | Q(payee__name_en__icontains=search)
            | Q(payer_name__icontains=search)
        )
    # Only the relations the queue shows: each further outer join costs PostgreSQL
    # milliseconds of planning on every page (8.6 ms with the ledger's nine, 13 tables).
    return (
        queryset.select_related(None)
        .select_related(*_QUEUE_RELATED)
        .only(*_queue_columns())
        .order_by("status", "requested_at", "id")
    )


def _queue_columns() -> list[str]:
    """Every column of the payment, and of its relations only those the queue shows (55
    columns instead of 129): fewer values to convert and to build instances from (7 % of the
    page's Python calls). PostgreSQL's planning of the six joins stays about 3 ms."""
    names = [field.name for field in Payment._meta.concrete_fields]
    shown = ["payee__name_zh", "payee__name_en", "funder__name_zh", "funder__name_en", "tranche__award__reference"]
    for user in ("requested_by", "approved_by"):  # shown by str(user): full name or email
        shown += [f"{user}__first_name", f"{user}__last_name", f"{user}__email"]
    return names + shown


def bank_payments_ready(*, user):
    """Approved bank payments waiting for the next batch."""
    return payments_for_user(user=user).filter(status=Status.APPROVED, rail=Payment.Rail.BANK)


def payments_for_award(award):
    """An award's payments, for the award pages (officers and the NGO portal)."""
    # The award pages show the payments' own columns only: no relation is joined (the
    # ledger's nine made PostgreSQL plan this query for 4 ms on every award page, issue 15).
    return (
        Payment.objects.filter(tranche__award=award)
        .exclude(status=Status.CANCELLED)
        .order_by("tranche__position", "id")
    )


def payments_for_organisation(org):
    """What an organisation is owed and has been paid, for its portal (cancelled ones left out)."""
    return _ledger().filter(payee=org).exclude(status=Status.CANCELLED).order_by("-created_at", "-id")


def payment_for_member(*, user, pk) -> Payment:
    payment = _ledger().filter(pk=pk, payee_id__in=member_organisation_ids(user)).first()
    if payment is None:
        raise Http404
    return payment


def batches_for_user(*, user):
    if not permissions.can_release_payment(user):
        return BankBatch.objects.none()
    return BankBatch.objects.select_related("created_by").order_by("-created_at", "-id")


def batch_for_user(*, user, pk) -> BankBatch:
    batch = batches_for_user(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def imports_for_user(*, user):
    if not permissions.can_release_payment(user):
        return BankConfirmationImport.objects.none()
    return BankConfirmationImport.objects.select_related("uploaded_by")


def import_for_user(*, user, pk) -> BankConfirmationImport:
    result = imports_for_user(user=user).filter(pk=pk).first()
    if result is None:
        raise Http404
    return result


def webhook_events(limit: int = 50):
    return WebhookEvent.objects.order_by("-received_at", "-id")[:limit]


# --- Finance figures --------------------------------------------------------------------------

_MONEY = DecimalField(max_digits=16, decimal_places=2)
_ZERO = Value(Decimal(0), output_field=_MONEY)
_COMMITTED = [Status.SCHEDULED, Status.REQUESTED, Status.APPROVED, Status.SENT, Status.PAID]


def _ledger_sums(queryset, group_by: str) -> dict:
    rows = queryset.values(group_by).annotate(
        in_ledger=Coalesce(Sum("amount", filter=Q(status__in=_COMMITTED)), _ZERO),
        paid=Coalesce(Sum("amount", filter=Q(status=Status.PAID)), _ZERO),
    )
    return {row[group_by]: row for row in rows}


def finance_by_call(*, user) -> list[dict]:
    """Per call of the user's funders: budget, committed (awarded), paid and available.

    Committed is what the call's awards promise; available is the budget less that.
    """
    calls = list(calls_for_officer(user).order_by("funder__name_zh", "-opens_at", "id"))
    awarded = dict(
        Award.objects.filter(application__call__in=[c.pk for c in calls])
        .values_list("application__call")
        .annotate(total=Sum("amount"))
        .values_list("application__call", "total")
    )
    sums = _ledger_sums(payments_for_user(user=user).filter(tranche__isnull=False), "tranche__award__application__call")
    rows = []
    for call in calls:
        committed = awarded.get(call.pk) or Decimal(0)
        ledger = sums.get(call.pk, {})
        rows.append(
            {
                "call": call,
                "funder": call.funder,
                "currency": call.currency,
                "budget": call.total_budget,
                "committed": committed,
                "in_ledger": ledger.get("in_ledger", Decimal(0)),
                "paid": ledger.get("paid", Decimal(0)),
                "available": call.total_budget - committed,
            }
        )
    return rows


def finance_by_funder(*, user) -> list[dict]:
    """The per-call rows added up per funder (its calls' budgets together)."""
    totals: dict = {}
    for row in finance_by_call(user=user):
        funder = row["funder"]
        entry = totals.setdefault(
            funder.pk,
            {
                "funder": funder,
                "budget": Decimal(0),
                "committed": Decimal(0),
                "paid": Decimal(0),
                "available": Decimal(0),
            },
        )
        for key in ("budget", "committed", "paid", "available"):
            entry[key] += row[key]
    return list(totals.values())


def finance_subsidies(*, user) -> dict:
    """The platform's subsidies: approved (committed) and paid through the ledger."""
    if not permissions.is_ledger_staff(user):
        return {}
    approved = Subsidy.objects.filter(status__in=[Subsidy.Status.APPROVED, Subsidy.Status.PAID]).aggregate(
        total=Coalesce(Sum("amount_approved"), _ZERO)
    )["total"]
    paid = Payment.objects.filter(subsidy__isnull=False, status=Status.PAID).aggregate(
        total=Coalesce(Sum("amount"), _ZERO)
    )["total"]
    return {"committed": approved, "paid": paid, "unpaid": approved - paid}


def payable_without_payment(*, user):
    """What officers can put in the ledger now: payable tranches and approved subsidies with no live payment."""
    if not permissions.can_request_payment(user):
        return tranches_payable().none(), payable_subsidies().none()
    live = Payment.objects.exclude(status=Status.CANCELLED)
    tranches = tranches_payable().exclude(pk__in=live.filter(tranche__isnull=False).values("tranche_id"))
    if not user.is_superuser:
        tranches = tranches.filter(award__application__call__funder_id__in=officer_funder_ids(user))
    subsidies = payable_subsidies().exclude(pk__in=live.filter(subsidy__isnull=False).values("subsidy_id"))
    return tranches, subsidies


def finance_officers_for(*, payment: Payment) -> list:
    """The active finance officers who may approve `payment`: of its funder, when it has one."""
    User = get_user_model()
    users = User.objects.filter(groups__name=roles.FINANCE_OFFICER, is_active=True)
    if payment.funder_id is not None:
        users = users.filter(funders=payment.funder_id)
    return list(users.distinct())
