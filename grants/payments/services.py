"""Writes to the disbursement ledger. Every state change of a payment is one function here.

``scheduled → requested → approved → sent → paid``; ``approved | sent → failed``;
``failed → approved`` (retry); ``scheduled | requested | approved | failed → cancelled``.

Rules held here (the database holds the rest, see ``models``):

- a programme officer requests, and only when the tranche's condition holds or the
  subsidy is approved and unpaid; a finance officer approves, never the requester;
- paid ≤ awarded: every request, approval and payment locks the award row, then
  counts the award's live payments, so two approvals at the same moment queue;
- subsidy caps: a subsidy payment locks the organisation row (the incubator's
  approvals lock the same row) and the ledger never pays more under a policy than
  its cap, which is the incubator's one rule (``incubator.services.subsidies.cap_for``):
  a subsidy of a kind without a cap is refused, never paid uncapped;
- a payment of a registered source (a service contract's instalment, ``sources``) is
  created by that source's own service (``payment_schedule_source``) and asks the source
  whether it is payable at each request, approval and retry; finance officers may request
  these (the buyer's side has no programme officer), and another finance officer approves;
- nothing is paid twice: one live payment per tranche, per subsidy and per source key (database),
  and each transition re-reads the payment under a row lock before changing it;
- the money goes where it was approved to go: approval (and a retry, which is a new
  approval) copies the payee's bank account onto the payment, and the bank batch pays
  that copy; changing a verified organisation's account takes two people
  (``incubator.services.bank_accounts``).

Lock order, everywhere: organisation (subsidies, registered sources) or award (tranches),
then the subsidy, tranche or source row, then the payment. Network calls to Stripe never happen under a lock.

Sending a Stripe payment is retried from the database, not from Celery: each attempt
first commits when the next one is due (``next_attempt_at``), and ``payments_send_due``
(a periodic sweep) queues the approved payments whose time has come
(``grants.payments.retries``).
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.money import format_money
from core.notify import notify
from core.transitions import check_transition, require
from grants.awards.models import Award
from grants.payments import permissions, retries, sources
from grants.payments.models import ConnectedAccount, Payment, new_idempotency_key
from grants.payments.rails import BankTransferRail, TransferInstruction
from grants.payments.selectors import finance_officers_for
from grants.payments.stripe_gateway import PaymentGatewayError, StripeTransferRail, find_transfers
from incubator.models import Organisation, Subsidy
from incubator.services.common import managers_of
from incubator.services.subsidies import cap_for, subsidy_mark_paid

logger = logging.getLogger(__name__)

Status = Payment.Status
Rail = Payment.Rail

TRANSITIONS = {
    Status.SCHEDULED: {Status.REQUESTED, Status.CANCELLED},
    Status.REQUESTED: {Status.APPROVED, Status.CANCELLED},
    Status.APPROVED: {Status.SENT, Status.FAILED, Status.CANCELLED},
    Status.SENT: {Status.PAID, Status.FAILED},
    Status.FAILED: {Status.APPROVED, Status.CANCELLED},
    Status.PAID: set(),
    Status.CANCELLED: set(),
}
# What counts against the award or the subsidy cap at each step: a request must fit beside the
# other requests and releases; an approval (and a payment) beside what finance already released.
REQUESTED_OR_LATER = (Status.REQUESTED, Status.APPROVED, Status.SENT, Status.PAID)
RELEASED = (Status.APPROVED, Status.SENT, Status.PAID)
# Stripe keeps idempotency keys for 24 hours; after that a retry must look before it sends.
KEY_LIFETIME = datetime.timedelta(hours=23)


# --- Locks and checks ---------------------------------------------------------------------


def _lock(payment: Payment) -> Payment:
    """Lock the payment's award or organisation, then the payment; return the fresh row."""
    ids = Payment.objects.filter(pk=payment.pk).values("tranche__award_id", "payee_id", "subsidy_id").get()
    if ids["tranche__award_id"] is not None:
        _lock_award(ids["tranche__award_id"])
    else:
        _lock_organisation(ids["payee_id"])
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("tranche", "tranche__award", "subsidy", "subsidy__policy", "payee", "funder")
        .get(pk=payment.pk)
    )


def _lock_award(award_id):
    return Award.objects.select_for_update().get(pk=award_id)


def _lock_organisation(organisation_id):
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def _check_award_cap(payment: Payment, *, statuses) -> None:
    """paid ≤ awarded: this payment plus the award's other live payments fit in the award."""
    award = payment.tranche.award
    others = Payment.objects.filter(tranche__award_id=award.pk, status__in=statuses).exclude(pk=payment.pk).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    if others + payment.amount > award.amount:
        raise ValidationError(
            _(
                "Paying %(amount)s would take award %(award)s over its amount of %(awarded)s "
                "(%(others)s is already committed)."
            )
            % {
                "amount": format_money(payment.amount, payment.currency),
                "award": award.reference,
                "awarded": format_money(award.amount, award.currency),
                "others": format_money(others, award.currency),
            }
        )


def _check_subsidy(payment: Payment, *, statuses) -> None:
    """The subsidy is approved and unpaid, the amount is what was approved, and the policy's cap holds."""
    subsidy = Subsidy.objects.select_for_update().select_related("policy").get(pk=payment.subsidy_id)
    if subsidy.status != Subsidy.Status.APPROVED:
        raise ValidationError(
            _("Subsidy “%(subsidy)s” is %(status)s; only approved, unpaid subsidies are paid.")
            % {"subsidy": subsidy, "status": subsidy.get_status_display()}
        )
    if payment.amount != subsidy.amount_approved:
        raise ValidationError(
            _("The payment is for %(amount)s but %(approved)s was approved.")
            % {"amount": format_money(payment.amount), "approved": format_money(subsidy.amount_approved)}
        )
    # The incubator's rule, the same one its approvals use; an unknown kind is refused there.
    cap = cap_for(
        policy=subsidy.policy,
        organisation_id=subsidy.organisation_id,
        year=subsidy.year,
        posts=subsidy.posts,
        months=subsidy.months,
        subsidy_id=subsidy.pk,
    )
    scope = Q(**{f"subsidy__{lookup}": value for lookup, value in cap.shared_by.items()})
    others = Payment.objects.filter(scope, status__in=statuses).exclude(pk=payment.pk).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    if others + payment.amount > cap.limit:
        raise ValidationError(
            _("Paying %(amount)s would exceed the cap of %(cap)s for “%(policy)s” (%(others)s is already committed).")
            % {
                "amount": format_money(payment.amount),
                "cap": format_money(cap.limit),
                "policy": subsidy.policy,
                "others": format_money(others),
            }
        )


def _check_source_payable(payment: Payment, *, statuses) -> None:
    if payment.tranche_id:
        if not payment.tranche.is_payable():
            raise ValidationError(
                _("This tranche is not payable yet: %(condition)s.") % {"condition": payment.tranche.trigger_label}
            )
        _check_award_cap(payment, statuses=statuses)
    elif payment.source_key:
        sources.source_of(payment).check_payable(payment=payment)
    else:
        _check_subsidy(payment, statuses=statuses)


def _move(payment: Payment, *, target: str, by, verb: str, message: str = "", data=None, **fields) -> Payment:
    current = payment.status
    check_transition(allowed=TRANSITIONS, current=current, target=target)
    payment.status = target
    if target != Status.APPROVED:
        payment.next_attempt_at = None  # only approved payments are sent (again)
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.full_clean(exclude=["tranche", "subsidy", "payee", "funder", "batch"])
    payment.save()
    record_event(
        target=payment, verb=verb, actor=by, from_state=current, to_state=target, message=message, data=data or {}
    )
    return payment


def _destination(payee) -> dict:
    """The payee's bank account as it is now: what an approved payment records and the bank batch pays."""
    return {
        "destination_bank_name": payee.bank_name,
        "destination_account_name": payee.bank_account_name or payee.name_zh,
        "destination_account_number": payee.bank_account_number,
    }


def _destination_label(payee) -> str:
    return f"{payee.bank_name} {payee.masked_bank_account}".strip()


# --- Creating payments ----------------------------------------------------------------------


def choose_rail(*, organisation) -> str:
    """Stripe when the platform runs Stripe and the payee can receive transfers; the bank otherwise."""
    if getattr(settings, "PAYMENTS_MODE", "manual") != "stripe":
        return Rail.BANK
    account = ConnectedAccount.objects.filter(organisation=organisation, transfers_active=True).first()
    return Rail.STRIPE if account else Rail.BANK


def _create(*, by, rail: str | None, **fields) -> Payment:
    payment = Payment(created_by=by, **fields)
    payment.rail = rail or choose_rail(organisation=payment.payee)
    payment.full_clean(exclude=["tranche", "subsidy", "payee", "funder"], validate_constraints=False)
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        raise ValidationError(_("A payment for this already exists in the ledger.")) from None
    record_event(target=payment, verb="payment.scheduled", actor=by, to_state=Status.SCHEDULED)
    return payment


@transaction.atomic
def payment_schedule_tranche(*, tranche, by, rail: str | None = None) -> Payment:
    """Put a tranche in the ledger as scheduled (its condition may not hold yet).

    Returns the tranche's live payment if there already is one.
    """
    require(permissions.can_request_payment(by), _("Only programme officers put tranches in the ledger."))
    award = _lock_award(tranche.award_id)
    existing = Payment.objects.filter(tranche=tranche).exclude(status=Status.CANCELLED).first()
    if existing:
        return existing
    application = award.application
    payment = Payment(tranche=tranche, funder_id=application.call.funder_id)
    require(permissions.can_request_payment(by, payment), _("You can only schedule payments of your funders' awards."))
    return _create(
        by=by,
        rail=rail,
        tranche=tranche,
        funder_id=application.call.funder_id,
        payee_id=application.organisation_id,
        amount=tranche.amount,
        currency=award.currency,
        description=f"{award.reference} · {tranche.label}"[:200],
    )


@transaction.atomic
def payments_schedule_award(*, award, by) -> list[Payment]:
    """Every tranche of an award in the ledger, as scheduled payments (idempotent)."""
    return [payment_schedule_tranche(tranche=tranche, by=by) for tranche in award.tranches.order_by("position")]


@transaction.atomic
def payment_schedule_subsidy(*, subsidy, by, rail: str | None = None) -> Payment:
    """Put an approved subsidy in the ledger (returns its live payment if it already has one)."""
    require(permissions.can_request_payment(by), _("Only programme officers put subsidies in the ledger."))
    _lock_organisation(subsidy.organisation_id)
    existing = Payment.objects.filter(subsidy=subsidy).exclude(status=Status.CANCELLED).first()
    if existing:
        return existing

    subsidy = Subsidy.objects.select_related("policy", "organisation").get(pk=subsidy.pk)
    if subsidy.status != Subsidy.Status.APPROVED:
        raise ValidationError(_("Only approved subsidies can be paid."))
    return _create(
        by=by,
        rail=rail,
        subsidy=subsidy,
        funder=None,
        payee=subsidy.organisation,
        amount=subsidy.amount_approved,
        currency="CNY",
        description=f"{subsidy.policy.name_zh} · {subsidy.year}"[:200],
    )


@transaction.atomic
def payment_schedule_source(
    *, prefix: str, pk: int, payee, amount: Decimal, payer_name: str, description: str, by, rail: str | None = None
) -> Payment:
    """Put a registered source's payment in the ledger as scheduled (idempotent: returns the
    live payment of that source if there is one).

    Called by the source's own service (e.g. a buyer accepting a period of a service
    contract), which has checked its actor's permission; the ledger checks that the source
    says it is payable, under the payee organisation's lock.
    """
    _lock_organisation(payee.pk)
    key = sources.source_key(prefix, pk)
    existing = Payment.objects.filter(source_key=key).exclude(status=Status.CANCELLED).first()
    if existing:
        return existing
    payment = Payment(source_key=key, payee=payee, amount=amount, payer_name=payer_name[:200])
    sources.source_of(payment).check_payable(payment=payment)
    return _create(
        by=by,
        rail=rail,
        source_key=key,
        funder=None,
        payer_name=payer_name[:200],
        payee=payee,
        amount=amount,
        currency="CNY",
        description=description[:200],
    )


# --- Transitions ----------------------------------------------------------------------------


@transaction.atomic
def payment_request(*, payment: Payment, by) -> Payment:
    """Ask finance to pay: the tranche's condition must hold (or the subsidy be approved)."""
    payment = _lock(payment)
    require(
        permissions.can_request_payment(by, payment),
        _("Only programme officers of this payment's funder can request it."),
    )
    check_transition(allowed=TRANSITIONS, current=payment.status, target=Status.REQUESTED)
    _check_source_payable(payment, statuses=REQUESTED_OR_LATER)
    _move(
        payment,
        target=Status.REQUESTED,
        by=by,
        verb="payment.requested",
        requested_by=by,
        requested_at=timezone.now(),
    )
    _notify_finance(payment)
    return payment


@transaction.atomic
def payment_request_tranche(*, tranche, by, rail: str | None = None) -> Payment:
    payment = payment_schedule_tranche(tranche=tranche, by=by, rail=rail)
    return payment_request(payment=payment, by=by)


@transaction.atomic
def payment_request_subsidy(*, subsidy, by, rail: str | None = None) -> Payment:
    payment = payment_schedule_subsidy(subsidy=subsidy, by=by, rail=rail)
    return payment_request(payment=payment, by=by)


@transaction.atomic
def payment_approve(*, payment: Payment, by) -> Payment:
    """A finance officer approves a requested payment. Never the person who requested it.

    Re-checks, under the award's (or organisation's) lock, that the tranche is still
    payable and the award not exceeded, or that the subsidy is still approved and
    within its cap. A Stripe payment is then sent by a Celery task after commit.
    """
    payment = _lock(payment)
    require(
        permissions.can_release_payment(by, payment),
        _("Only finance officers of this payment's funder can approve it."),
    )
    require(
        payment.requested_by_id != by.pk,
        _("You requested this payment, so someone else in finance must approve it (four-eyes rule)."),
    )
    check_transition(allowed=TRANSITIONS, current=payment.status, target=Status.APPROVED)
    _check_source_payable(payment, statuses=RELEASED)
    _move(
        payment,
        target=Status.APPROVED,
        by=by,
        verb="payment.approved",
        data={"destination": _destination_label(payment.payee)},
        approved_by=by,
        approved_at=timezone.now(),
        **_destination(payment.payee),
        **_send_schedule(payment),
    )
    _notify_payee(payment, "payments_approved")
    _enqueue_send(payment)
    return payment


def payments_approve_bulk(*, payments, by) -> tuple[list[Payment], list[tuple[Payment, str]]]:
    """Approve each payment on its own (each four-eyes checked); returns (approved, [(payment, why not)])."""
    approved, refused = [], []
    for payment in payments:
        try:
            approved.append(payment_approve(payment=payment, by=by))
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            refused.append((payment, " ".join(str(m) for m in messages)))
    return approved, refused


@transaction.atomic
def payment_mark_sent(*, payment: Payment, by=None, external_id: str, batch=None) -> Payment:
    """The rail took the payment: a Stripe transfer id, or the bank batch it was exported in."""
    payment = _lock(payment)
    if payment.status in (Status.SENT, Status.PAID) and payment.external_id == external_id:
        return payment  # a repeat (task retry, webhook first): nothing to do
    _move(
        payment,
        target=Status.SENT,
        by=by,
        verb="payment.sent",
        data={"external_id": external_id, "batch": batch.reference if batch else ""},
        external_id=external_id,
        batch=batch,
        sent_at=timezone.now(),
    )
    return payment


@transaction.atomic
def payment_mark_paid(
    *, payment: Payment, by=None, paid_on: datetime.date | None = None, note: str = "", via: str = "manual"
) -> Payment:
    """The money arrived (bank confirmation, Stripe webhook, or a finance officer by hand)."""
    payment = _lock(payment)
    if by is not None:
        require(permissions.can_release_payment(by, payment), _("Only finance officers confirm payments."))
    check_transition(allowed=TRANSITIONS, current=payment.status, target=Status.PAID)
    if payment.tranche_id:
        _check_award_cap(payment, statuses=RELEASED)
    now = timezone.now()
    _move(
        payment,
        target=Status.PAID,
        by=by,
        verb="payment.paid",
        message=note,
        data={"via": via},
        paid_at=now,
        paid_on=paid_on or timezone.localdate(),
    )
    if payment.subsidy_id:
        subsidy_mark_paid(subsidy=payment.subsidy, by=by, paid_at=now)
    elif payment.source_key:
        source = sources.source_of(payment)
        if source.on_paid is not None:
            source.on_paid(payment=payment, by=by)
    _notify_payee(payment, "payments_paid")
    return payment


@transaction.atomic
def payment_fail(*, payment: Payment, reason: str, by=None) -> Payment:
    """The rail refused or returned the money; finance may retry or cancel."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment failed.")})
    payment = _lock(payment)
    if by is not None:
        require(permissions.can_release_payment(by, payment), _("Only finance officers record failed payments."))
    _move(
        payment,
        target=Status.FAILED,
        by=by,
        verb="payment.failed",
        message=reason.strip(),
        failure_reason=reason.strip(),
    )
    _notify_staff(payment, "payments_failed", [payment.requested_by, payment.approved_by])
    return payment


@transaction.atomic
def payment_retry(*, payment: Payment, by) -> Payment:
    """Send a failed payment again, under a new idempotency key.

    Safe because ``failed`` only ever records a known outcome: Stripe refused (nothing
    was created) or the transfer was reversed. An unknown outcome (a timeout) never
    fails a payment; the task retries it under the same key instead.
    """
    payment = _lock(payment)
    require(
        permissions.can_release_payment(by, payment), _("Only finance officers of this payment's funder can retry it.")
    )
    require(
        payment.requested_by_id != by.pk,
        _("You requested this payment, so someone else in finance must release it (four-eyes rule)."),
    )
    check_transition(allowed=TRANSITIONS, current=payment.status, target=Status.APPROVED)
    _check_source_payable(payment, statuses=RELEASED)
    _move(
        payment,
        target=Status.APPROVED,
        by=by,
        verb="payment.retried",
        message=payment.failure_reason,
        idempotency_key=None,
        send_attempts=0,  # a new key, a new series of attempts
        external_id="",
        batch=None,
        failure_reason="",
        approved_by=by,
        approved_at=timezone.now(),
        **_destination(payment.payee),
        **_send_schedule(payment),
    )
    _enqueue_send(payment)
    return payment


@transaction.atomic
def payment_cancel(*, payment: Payment, by, reason: str) -> Payment:
    """Take a payment out of the ledger before any money moved. The tranche or subsidy can be paid again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment is cancelled.")})
    payment = _lock(payment)
    require(permissions.can_cancel_payment(by, payment), _("You cannot cancel this payment."))
    _move(
        payment,
        target=Status.CANCELLED,
        by=by,
        verb="payment.cancelled",
        message=reason.strip(),
        cancel_reason=reason.strip(),
    )
    return payment


# --- Sending (called by the Celery task) -----------------------------------------------------


def _send_schedule(payment: Payment) -> dict:
    """An approved Stripe payment is queued on commit; should that message be lost, the sweep sends it."""
    if payment.rail != Rail.STRIPE:
        return {}
    return {"next_attempt_at": timezone.now() + retries.UNCLAIMED_AFTER}


def _enqueue_send(payment: Payment) -> None:
    if payment.rail != Rail.STRIPE:
        return  # bank payments wait for finance's next batch export
    payment_id = payment.pk
    transaction.on_commit(lambda: _send_payment.delay(payment_id))


def get_rail(*, name: str):
    return StripeTransferRail() if name == Rail.STRIPE else BankTransferRail()


def _instruction(payment: Payment) -> TransferInstruction:
    account = ConnectedAccount.objects.filter(organisation_id=payment.payee_id).first()
    destination = account.account_id if account else payment.payee.stripe_account_id
    if not destination:
        raise ValidationError(_("The payee has no Stripe account."))
    return TransferInstruction(
        payment_reference=payment.reference,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        destination=destination,
        idempotency_key=payment.idempotency_key,
        description=payment.description or payment.reference,
        metadata={"payment_id": str(payment.pk)},
    )


@transaction.atomic
def _claim_for_sending(payment_id: int) -> Payment | None:
    """Store the idempotency key and when to try again should this attempt record no outcome
    (committed before any network call); None if there is nothing to send."""
    payment = Payment.objects.select_for_update().select_related("payee").filter(pk=payment_id).first()
    if payment is None or payment.status != Status.APPROVED or payment.rail != Rail.STRIPE:
        return None
    if not payment.idempotency_key:
        payment.idempotency_key = new_idempotency_key()
    payment.send_attempts += 1
    payment.next_attempt_at = retries.next_attempt_at(payment.send_attempts, timezone.now())
    payment.save(update_fields=["idempotency_key", "send_attempts", "next_attempt_at", "updated_at"])
    return payment


def payment_send(*, payment_id: int) -> Payment | None:
    """Send an approved Stripe payment. Idempotent: safe to run again at any point.

    1. Under a row lock, store the payment's idempotency key (first attempt) and commit.
    2. Call Stripe with that key, holding no lock. A repeat after a crash or timeout
       sends the same key and gets the original transfer back; a repeat late enough for
       Stripe to have forgotten the key first looks the transfer up by reference.
    3. Record the transfer (``sent``). A definite refusal fails the payment; an unknown
       outcome (timeout, 5xx) is raised, and the sweep tries again with the same key when
       the time stored in step 1 comes (``payment_send_postponed``).
    """
    payment = _claim_for_sending(payment_id)
    if payment is None:
        return None
    rail = get_rail(name=payment.rail)
    try:
        instruction = _instruction(payment)
        existing = []
        if payment.send_attempts > 1 and (
            payment.approved_at is None or payment.approved_at < timezone.now() - KEY_LIFETIME
        ):
            # Stripe may have forgotten the key by now: look for the transfer before sending again.

            existing = find_transfers(payment_reference=payment.reference)
        external_id = existing[0].id if existing else rail.send(instruction).external_id
    except ValidationError as error:
        return payment_fail(payment=payment, reason=" ".join(error.messages))
    except PaymentGatewayError as error:
        if error.retryable or error.outcome_unknown:
            raise
        return payment_fail(payment=payment, reason=str(error))
    try:
        return payment_mark_sent(payment=payment, external_id=external_id)
    except ValidationError:
        # Moved on meanwhile (the webhook marked it paid, or finance cancelled): record, change nothing.
        current = Payment.objects.get(pk=payment.pk)
        if current.external_id != external_id:
            record_event(
                target=current,
                verb="payment.transfer_unexpected",
                message=f"Stripe transfer {external_id} made while the payment was {current.status}.",
                data={"external_id": external_id},
            )
        return current


def payment_send_postponed(*, payment_id: int, error: BaseException) -> str:
    """An attempt ended without an outcome: say when the next one is due, or that none is.

    Nothing to write: the attempt's claim already stored ``next_attempt_at``. When the
    attempts are used up the payment stays approved (Stripe may have made the transfer,
    so it is never failed on a guess) and a ``payment.send_stalled`` event tells finance.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != Status.APPROVED:
        return f"outcome unknown ({error}); the payment has moved on"
    if payment.next_attempt_at is None:
        logger.error(
            "Payment %s: no outcome after %s attempts (%s); not retried", payment, payment.send_attempts, error
        )
        record_event(
            target=payment,
            verb="payment.send_stalled",
            message=f"No outcome from Stripe after {payment.send_attempts} attempts: {error}"[:2000],
            data={"attempts": payment.send_attempts},
        )
        return "stalled"
    logger.warning("Payment %s: outcome unknown (%s); next attempt at %s", payment, error, payment.next_attempt_at)
    return f"next attempt at {payment.next_attempt_at.isoformat()}"


@shared_task(name="grants.payments.tasks.send_payment", **retries.MUST_NOT_BE_LOST)
def _send_payment(payment_id: int) -> str:
    """Send an approved payment through its rail.

    Killed or timed out anywhere, the payment is sent again (redelivered, or by the
    sweep): the idempotency key was committed before the first call, so Stripe answers
    a repeat with the original transfer. An unknown outcome (timeout, 5xx) waits for the
    next attempt stored by the claim (1 min, 2 min, 4 min ... 1 h).
    """
    try:
        payment = payment_send(payment_id=payment_id)
    except (PaymentGatewayError, SoftTimeLimitExceeded) as error:  # outcome unknown: the same key next time
        return payment_send_postponed(payment_id=payment_id, error=error)
    return payment.status if payment is not None else "nothing to send"


@transaction.atomic
def payments_send_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue the sending of every approved Stripe payment whose next attempt is due.

    Pushes each one's next attempt past ``retries.UNCLAIMED_AFTER`` first, so a backed-up
    queue does not get the same payment every sweep; the attempt's claim sets the real one.
    """
    now = now or timezone.now()
    due = list(
        Payment.objects.select_for_update(skip_locked=True)
        .filter(status=Status.APPROVED, rail=Rail.STRIPE, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: retries.SWEEP_BATCH]
    )
    if not due:
        return []
    Payment.objects.filter(pk__in=due).update(next_attempt_at=now + retries.UNCLAIMED_AFTER)

    def queue():
        for payment_id in due:
            _send_payment.delay(payment_id)

    transaction.on_commit(queue)
    return due


# --- Notifications ---------------------------------------------------------------------------


def _context(payment: Payment) -> dict:
    return {
        "reference": payment.reference,
        "amount": format_money(payment.amount, payment.currency),
        "payee": payment.payee.name_zh,
        "description": payment.description,
        "reason": payment.failure_reason,
    }


def _notify_finance(payment: Payment) -> None:
    recipients = [user for user in finance_officers_for(payment=payment) if user.pk != payment.requested_by_id]
    if recipients:
        notify(
            template="payments_requested",
            recipients=recipients,
            context=_context(payment),
            key=f"payment-requested:{payment.pk}:{int(payment.requested_at.timestamp())}",
        )


def _notify_payee(payment: Payment, template: str) -> None:
    recipients = managers_of(payment.payee)
    if recipients:
        notify(template=template, recipients=recipients, context=_context(payment), key=f"{template}:{payment.pk}")


def _notify_staff(payment: Payment, template: str, users) -> None:
    recipients = list({u for u in users if u is not None and u.is_active})
    if recipients:
        notify(
            template=template,
            recipients=recipients,
            context=_context(payment),
            key=f"{template}:{payment.pk}:{int(payment.updated_at.timestamp())}",
        )
