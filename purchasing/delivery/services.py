"""Writes for delivery and the village advisers' programme. Every state change is one function.

A period instalment's delivery (``DeliveryPeriod``):
``open → submitted → accepted``; ``submitted → disputed → submitted``.

Rules held here:

- deliveries are logged, changed and removed by the contract's NGO, only under a signed or
  active contract and only while the period is open or disputed; a delivery's date lies in
  the instalment's period and not in the future;
- the NGO submits a period with at least one delivery, once the period has started;
- the buyer's staff accept or dispute a submitted period; a dispute says why;
- accepting a period puts its instalment in the one ledger (``grants.payments``) as a
  scheduled payment with the buyer as payer, in the same transaction: exactly one live
  payment per instalment (the ledger's constraint; a repeat returns the same payment).
  Finance requests it and another finance officer approves it, as for grants;
- the final instalment is released only when every period is accepted and the contract's
  evaluation passed (``purchasing.contracts.evaluation_results``); until then it waits,
  and the reason says for what;
- a village adviser's contract is for one village and year, at no less than that year's
  policy minimum; one per village and year (database).

Lock order: contract, then the period (or adviser contract), then the ledger's own locks
(payee organisation, payment).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.bilingual import email_values
from core.money import format_money
from core.notify import notify
from core.transitions import check_transition, require
from grants.payments import services as payments
from incubator.models import Area
from incubator.services.common import managers_of
from purchasing.contracts import evaluation_results
from purchasing.contracts.models import Contract, Instalment
from purchasing.delivery import permissions
from purchasing.delivery.models import (
    DEFAULT_ADVISER_MINIMUM,
    AdviserContract,
    AdviserLog,
    AdviserPolicy,
    Delivery,
    DeliveryPeriod,
    DeliveryPhoto,
)

Status = DeliveryPeriod.Status
# The ledger's source prefix for contract instalments (grants.payments.sources), registered
# in DeliveryConfig.ready(): payments carry source_key "instalment:<Instalment.pk>".
INSTALMENT = "instalment"

TRANSITIONS = {
    Status.OPEN: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.ACCEPTED, Status.DISPUTED},
    Status.DISPUTED: {Status.SUBMITTED},
    Status.ACCEPTED: set(),
}


def _lock_period(period: DeliveryPeriod) -> DeliveryPeriod:
    Contract.objects.select_for_update().get(pk=period.contract_id)
    return (
        DeliveryPeriod.objects.select_for_update(of=("self",))
        .select_related("contract", "contract__buyer", "contract__organisation", "instalment")
        .get(pk=period.pk)
    )


def _move(period: DeliveryPeriod, *, target: str, by, verb: str, message: str = "", **fields) -> DeliveryPeriod:
    current = period.status
    check_transition(allowed=TRANSITIONS, current=current, target=target)
    period.status = target
    for name, value in fields.items():
        setattr(period, name, value)
    period.full_clean(exclude=["instalment", "contract"])
    period.save()
    record_event(target=period, verb=verb, actor=by, from_state=current, to_state=target, message=message)
    return period


# --- Periods -----------------------------------------------------------------------------------


@transaction.atomic
def periods_open(*, contract: Contract) -> list[DeliveryPeriod]:
    """One delivery period per period instalment of a signed or active contract (idempotent)."""
    if contract.status not in permissions.DELIVERING:
        return []
    existing = set(DeliveryPeriod.objects.filter(contract=contract).values_list("instalment_id", flat=True))
    for instalment in contract.instalments.filter(kind=Instalment.Kind.PERIOD).order_by("sequence"):
        if instalment.pk not in existing:
            DeliveryPeriod.objects.get_or_create(instalment=instalment, defaults={"contract": contract})
    return list(DeliveryPeriod.objects.filter(contract=contract).select_related("instalment"))


def periods_open_at_signing(*, contract: Contract) -> None:
    """``purchasing.contracts.signing`` handler: the periods exist from the signature on."""
    periods_open(contract=contract)


def _check_delivery_fields(period: DeliveryPeriod, *, delivered_on: datetime.date) -> None:
    instalment = period.instalment
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date is in the future; log a delivery once it has happened.")})
    if not (instalment.period_start <= delivered_on <= instalment.period_end):
        raise ValidationError(
            {
                "delivered_on": _("The date must lie in this period, %(start)s to %(end)s.")
                % {"start": instalment.period_start, "end": instalment.period_end}
            }
        )


@transaction.atomic
def delivery_log(
    *,
    period: DeliveryPeriod,
    by,
    delivered_on: datetime.date,
    place: str,
    hours: Decimal,
    people_served: int = 0,
    cases_handled: int = 0,
    cases_mediated: int = 0,
    description: str = "",
    feedback_url: str = "",
) -> Delivery:
    """The NGO logs one delivery in an open or disputed period."""
    period = _lock_period(period)
    allowed, reason = permissions.can_log_delivery(by, period)
    require(allowed, reason)
    _check_delivery_fields(period, delivered_on=delivered_on)
    delivery = Delivery(
        period=period,
        delivered_on=delivered_on,
        place=place.strip(),
        hours=hours,
        people_served=people_served,
        cases_handled=cases_handled,
        cases_mediated=cases_mediated,
        description=description.strip(),
        feedback_url=feedback_url or period.contract.beneficiary_feedback_url,
        created_by=by,
    )
    delivery.full_clean(exclude=["period"])
    delivery.save()
    record_event(
        target=period,
        verb="delivery.logged",
        actor=by,
        message=f"{delivered_on} {delivery.place}",
        data={"delivery": delivery.pk, "hours": str(hours), "people_served": people_served},
    )
    return delivery


@transaction.atomic
def delivery_remove(*, delivery: Delivery, by) -> None:
    period = _lock_period(delivery.period)
    allowed, reason = permissions.can_log_delivery(by, period)
    require(allowed, reason)
    record_event(target=period, verb="delivery.removed", actor=by, message=f"{delivery.delivered_on} {delivery.place}")
    for photo in delivery.photos.all():
        photo.file.delete(save=False)
    delivery.delete()


@transaction.atomic
def delivery_photo_add(*, delivery: Delivery, by, clean, caption: str = "") -> DeliveryPhoto:
    """A photo already checked and re-encoded (``core.uploads.clean_image``), stored privately."""
    period = _lock_period(delivery.period)
    allowed, reason = permissions.can_log_delivery(by, period)
    require(allowed, reason)
    if delivery.photos.count() >= MAX_PHOTOS_PER_DELIVERY:
        raise ValidationError(
            {"file": _("A delivery has at most %(count)s photos.") % {"count": MAX_PHOTOS_PER_DELIVERY}}
        )
    photo = DeliveryPhoto(
        delivery=delivery,
        caption=caption.strip(),
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=clean.size,
        uploaded_by=by,
    )
    photo.file.save(clean.content.name, clean.content, save=False)
    photo.save()
    record_event(target=period, verb="delivery.photo_added", actor=by, message=photo.original_name)
    return photo


MAX_PHOTOS_PER_DELIVERY = 10


@transaction.atomic
def period_submit(*, period: DeliveryPeriod, by, summary: str = "") -> DeliveryPeriod:
    """The NGO submits the period's deliveries to the buyer (again, after a dispute)."""
    period = _lock_period(period)
    allowed, reason = permissions.can_submit_period(by, period)
    require(allowed, reason)
    check_transition(allowed=TRANSITIONS, current=period.status, target=Status.SUBMITTED)
    if not period.deliveries.exists():
        raise ValidationError(_("Log at least one delivery before submitting the period."))
    verb = "delivery_period.resubmitted" if period.status == Status.DISPUTED else "delivery_period.submitted"
    _move(
        period,
        target=Status.SUBMITTED,
        by=by,
        verb=verb,
        message=summary.strip(),
        summary=summary.strip(),
        submitted_at=timezone.now(),
        submitted_by=by,
    )
    _notify_buyer(period, "delivery_period_submitted")
    return period


@transaction.atomic
def period_accept(*, period: DeliveryPeriod, by):
    """The buyer accepts the period: its instalment becomes a scheduled payment in the ledger."""
    period = _lock_period(period)
    allowed, reason = permissions.can_decide_period(by, period)
    require(allowed, reason)
    _move(
        period,
        target=Status.ACCEPTED,
        by=by,
        verb="delivery_period.accepted",
        decided_at=timezone.now(),
        decided_by=by,
    )
    payment = _schedule_instalment(instalment=period.instalment, by=by)
    _notify_ngo(period, "delivery_period_accepted")
    return period, payment


@transaction.atomic
def period_dispute(*, period: DeliveryPeriod, by, reason: str) -> DeliveryPeriod:
    """The buyer disputes the period, saying what is wrong; the NGO corrects and resubmits."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what is wrong with the delivery, so the organisation can correct it.")})
    period = _lock_period(period)
    allowed, why_not = permissions.can_decide_period(by, period)
    require(allowed, why_not)
    _move(
        period,
        target=Status.DISPUTED,
        by=by,
        verb="delivery_period.disputed",
        message=reason.strip(),
        dispute_reason=reason.strip(),
        decided_at=timezone.now(),
        decided_by=by,
    )
    _notify_ngo(period, "delivery_period_disputed")
    return period


# --- Instalments in the ledger -------------------------------------------------------------------


def final_instalment_waiting(*, instalment: Instalment) -> str:
    """Why the final instalment cannot be paid yet ('' when it can)."""
    contract = instalment.contract
    if contract.status not in (*permissions.DELIVERING, Contract.Status.COMPLETED):
        return _("The contract is %(status)s.") % {"status": contract.get_status_display()}
    periods = contract.instalments.filter(kind=Instalment.Kind.PERIOD)
    accepted = DeliveryPeriod.objects.filter(contract=contract, status=Status.ACCEPTED).count()
    if accepted < periods.count():
        return _("Waiting for every period's delivery to be accepted (%(accepted)s of %(periods)s so far).") % {
            "accepted": accepted,
            "periods": periods.count(),
        }
    result = evaluation_results.result_for(contract)
    if result is None:
        return _("Waiting for the contract's evaluation: there is no result yet.")
    if not result.passed:
        return _("The contract's evaluation did not pass (%(grade)s); the final instalment is not paid.") % {
            "grade": result.grade or "—"
        }
    return ""


def instalment_not_payable(*, instalment: Instalment) -> str:
    """Why the ledger must not pay this instalment ('' when it may)."""
    if instalment.kind == Instalment.Kind.FINAL:
        return final_instalment_waiting(instalment=instalment)
    period = DeliveryPeriod.objects.filter(instalment=instalment).first()
    if period is None or period.status != Status.ACCEPTED:
        return _("The period's delivery has not been accepted by the buyer.")
    return ""


def instalment_check_payable(*, payment) -> None:
    """The ledger's question (under its locks) before a request, an approval or a retry."""
    pk = payment.source_key.split(":", 1)[1]
    instalment = Instalment.objects.select_related("contract").filter(pk=pk).first()
    if instalment is None:
        raise ValidationError(_("The contract instalment this payment was for no longer exists."))
    if payment.amount != instalment.amount:
        raise ValidationError(
            _("The payment is for %(amount)s but the instalment is %(instalment)s.")
            % {"amount": format_money(payment.amount), "instalment": format_money(instalment.amount)}
        )
    if payment.payee_id != instalment.contract.organisation_id:
        raise ValidationError(_("The payment's payee is not the contract's organisation."))
    problem = instalment_not_payable(instalment=instalment)
    if problem:
        raise ValidationError(_("This instalment is not payable yet: %(reason)s") % {"reason": problem})


def _schedule_instalment(*, instalment: Instalment, by):
    contract = instalment.contract
    return payments.payment_schedule_source(
        prefix=INSTALMENT,
        pk=instalment.pk,
        payee=contract.organisation,
        amount=instalment.amount,
        payer_name=contract.buyer.name_zh,
        description=f"{contract.reference} · #{instalment.sequence} {instalment.period_start:%Y-%m-%d}–"
        f"{instalment.period_end:%Y-%m-%d}",
        by=by,
    )


@transaction.atomic
def final_instalment_release(*, instalment: Instalment, by):
    """Put the final instalment in the ledger once every period is accepted and the evaluation passed."""
    Contract.objects.select_for_update().get(pk=instalment.contract_id)
    instalment = Instalment.objects.select_related("contract", "contract__buyer", "contract__organisation").get(
        pk=instalment.pk
    )
    if instalment.kind != Instalment.Kind.FINAL:
        raise ValidationError(_("Only the final instalment is released this way; a period's is paid on acceptance."))
    allowed, reason = permissions.can_release_final(by, instalment)
    require(allowed, reason)
    waiting = final_instalment_waiting(instalment=instalment)
    if waiting:
        raise ValidationError(waiting)
    payment = _schedule_instalment(instalment=instalment, by=by)
    record_event(target=instalment.contract, verb="instalment.final_released", actor=by, message=payment.reference)
    return payment


# --- Village legal advisers ----------------------------------------------------------------------


def adviser_minimum(*, year: int) -> Decimal:
    """That year's policy minimum per village, else the latest earlier year's, else ¥10,000."""
    policy = AdviserPolicy.objects.filter(year__lte=year).order_by("-year").first()
    return policy.minimum_per_village if policy else DEFAULT_ADVISER_MINIMUM


@transaction.atomic
def adviser_contract_register(*, contract: Contract, village: Area, by) -> AdviserContract:
    """Make a service contract one village's legal adviser for the contract's year."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    allowed, reason = permissions.can_register_adviser_contract(by, contract)
    require(allowed, reason)
    if village.level != Area.Level.VILLAGE:
        raise ValidationError({"village": _("Choose a village or community, not a larger area.")})
    if contract.status in (Contract.Status.DECLINED, Contract.Status.CANCELLED, Contract.Status.TERMINATED):
        raise ValidationError(_("The contract is %(status)s.") % {"status": contract.get_status_display()})
    minimum = adviser_minimum(year=contract.year)
    if contract.total < minimum:
        raise ValidationError(
            _(
                "A village legal adviser's contract must be worth at least %(minimum)s a year "
                "(the policy for %(year)s); this one is %(total)s."
            )
            % {"minimum": format_money(minimum), "year": contract.year, "total": format_money(contract.total)}
        )
    adviser = AdviserContract(contract=contract, village=village, year=contract.year, created_by=by)
    try:
        with transaction.atomic():
            adviser.save()
    except IntegrityError:
        raise ValidationError(
            _("%(village)s already has a legal adviser's contract for %(year)s.")
            % {"village": village.name, "year": contract.year}
        ) from None
    record_event(
        target=contract, verb="adviser_contract.registered", actor=by, message=f"{village.code} {contract.year}"
    )
    return adviser


@transaction.atomic
def adviser_log_save(
    *,
    adviser_contract: AdviserContract,
    by,
    month: datetime.date,
    hours_at_village: Decimal,
    consultations: int = 0,
    documents_reviewed: int = 0,
    lectures: int = 0,
    note: str = "",
) -> AdviserLog:
    """The NGO enters (or corrects) one month of the adviser's work at the village."""
    adviser_contract = (
        AdviserContract.objects.select_for_update().select_related("contract").get(pk=adviser_contract.pk)
    )
    allowed, reason = permissions.can_log_adviser_month(by, adviser_contract)
    require(allowed, reason)
    month = month.replace(day=1)
    contract = adviser_contract.contract
    if not (contract.period_start.replace(day=1) <= month <= contract.period_end):
        raise ValidationError({"month": _("The month must lie in the contract's period.")})
    if month > timezone.localdate():
        raise ValidationError({"month": _("The month has not begun yet.")})
    log, created = AdviserLog.objects.get_or_create(
        adviser_contract=adviser_contract,
        month=month,
        defaults={"hours_at_village": hours_at_village, "created_by": by},
    )
    log.hours_at_village = hours_at_village
    log.consultations = consultations
    log.documents_reviewed = documents_reviewed
    log.lectures = lectures
    log.note = note.strip()
    log.full_clean(exclude=["adviser_contract"])
    log.save()
    record_event(
        target=adviser_contract,
        verb="adviser_log.saved" if created else "adviser_log.corrected",
        actor=by,
        message=f"{month:%Y-%m}",
    )
    return log


# --- Notifications -------------------------------------------------------------------------------


def _context(period: DeliveryPeriod) -> dict:
    contract = period.contract
    return {
        "contract": contract.reference,
        **email_values("organisation", contract.organisation, "name"),
        **email_values("buyer", contract.buyer, "name"),
        "period": f"{period.instalment.period_start:%Y-%m-%d} – {period.instalment.period_end:%Y-%m-%d}",
        "reason": period.dispute_reason,
        "period_id": period.pk,
    }


def _notify_buyer(period: DeliveryPeriod, template: str) -> None:
    recipients = list(period.contract.buyer.staff.filter(is_active=True))
    if recipients:
        notify(
            template=template,
            recipients=recipients,
            context=_context(period),
            key=f"{template}:{period.pk}:{int(period.submitted_at.timestamp())}",
        )


def _notify_ngo(period: DeliveryPeriod, template: str) -> None:
    recipients = managers_of(period.contract.organisation)
    if recipients:
        notify(
            template=template,
            recipients=recipients,
            context=_context(period),
            key=f"{template}:{period.pk}:{int(period.decided_at.timestamp())}",
        )
