"""The bank-transfer rail's two files: the batch finance keys in, and the bank's confirmation.

Export: every approved bank payment the finance officer may release goes into one
batch (CSV), paying the account recorded on the payment when it was approved (not
the organisation's account of today); each is marked ``sent`` with the batch's reference. Import: each line of
the bank's confirmation file that matches a sent payment (same reference, same
amount) marks it ``paid``; anything else (unknown reference, a different amount, a
payment already paid or not yet sent) is reported, never applied.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.money import format_money
from core.transitions import require
from grants.payments import permissions, selectors
from grants.payments.bank_files import BankFileError, bank_batch_csv, parse_bank_confirmation
from grants.payments.models import BankBatch, BankConfirmationImport, Payment
from grants.payments.rails import BankTransferInstruction
from grants.payments.services import payment_mark_paid, payment_mark_sent

Status = Payment.Status


def _destination(payment: Payment) -> tuple[str, str, str]:
    """(bank, account name, account number) recorded when the payment was approved.

    A payment approved before destinations were recorded (the data migration fills
    them; this is the last resort) falls back to the payee's current account.
    """
    if payment.has_destination:
        return payment.destination_bank_name, payment.destination_account_name, payment.destination_account_number
    payee = payment.payee
    return payee.bank_name, payee.bank_account_name or payee.name_zh, payee.bank_account_number


def bank_details_problem(payment: Payment) -> str:
    bank_name, _name, number = _destination(payment)
    if not (bank_name and number):
        return _("%(payee)s has no bank account on file.") % {"payee": payment.payee.name}
    return ""


def _instruction(payment: Payment) -> BankTransferInstruction:
    bank_name, account_name, number = _destination(payment)
    return BankTransferInstruction(
        payment_reference=payment.reference,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        destination=number,
        idempotency_key=payment.reference,
        payee_name=account_name,
        bank_name=bank_name,
        account_number=number,
    )


@transaction.atomic
def bank_batch_create(*, by, payment_ids=None) -> tuple[BankBatch | None, list[tuple[Payment, str]]]:
    """Put the approved bank payments (all, or those in ``payment_ids``) into one new batch.

    Payments whose payee has no bank account are left out and reported. Returns the
    batch (None when nothing could go in) and the left-out payments with the reason.
    """
    require(permissions.can_release_payment(by), _("Only finance officers export bank batches."))
    queryset = selectors.bank_payments_ready(user=by)
    if payment_ids is not None:
        queryset = queryset.filter(pk__in=payment_ids)
    # Lock the rows so two officers exporting at once cannot put a payment in two batches.
    candidates = list(queryset.select_for_update(of=("self",)).order_by("id"))
    skipped, included = [], []
    for payment in candidates:
        problem = bank_details_problem(payment)
        if problem:
            skipped.append((payment, problem))
        else:
            included.append(payment)
    if not included:
        return None, skipped
    batch = BankBatch.objects.create(
        created_by=by,
        payment_count=len(included),
        total=sum((payment.amount for payment in included), Decimal(0)),
        csv=bank_batch_csv([_instruction(payment) for payment in included]),
    )
    for payment in included:
        payment_mark_sent(payment=payment, by=by, external_id=payment.reference, batch=batch)
    record_event(target=batch, verb="bank_batch.created", actor=by, data={"payments": [p.reference for p in included]})
    return batch, skipped


@transaction.atomic
def bank_confirmation_import(*, file, by, file_name: str = "") -> BankConfirmationImport:
    """Apply the bank's confirmation file; every line is either applied or reported.

    A file that cannot be read at all (bad header, bad rows) raises ValidationError
    with every problem, and nothing is applied.
    """
    require(permissions.can_release_payment(by), _("Only finance officers import bank confirmations."))
    try:
        confirmations = parse_bank_confirmation(file)
    except BankFileError as error:
        raise ValidationError(error.problems) from None
    visible = {
        p.reference: p
        for p in selectors.payments_for_user(user=by).filter(reference__in=[c.reference for c in confirmations])
    }
    applied, mismatches = [], []
    for confirmation in confirmations:
        payment = visible.get(confirmation.reference)
        line = {
            "reference": confirmation.reference,
            "amount": str(confirmation.amount),
            "currency": payment.currency if payment is not None else "CNY",
            "date": confirmation.date.isoformat(),
        }
        problem = _mismatch(payment, confirmation)
        if problem is None:
            try:
                with transaction.atomic():
                    payment_mark_paid(payment=payment, by=by, paid_on=confirmation.date, via="bank confirmation")
            except ValidationError as error:
                problem = " ".join(error.messages)
        if problem is None:
            applied.append(line)
        else:
            mismatches.append({**line, "problem": problem})
    result = BankConfirmationImport.objects.create(
        uploaded_by=by,
        file_name=file_name[:200],
        applied_count=len(applied),
        mismatch_count=len(mismatches),
        report={"applied": applied, "mismatches": mismatches},
    )
    record_event(
        target=result,
        verb="bank_confirmation.imported",
        actor=by,
        data={"applied": len(applied), "mismatches": len(mismatches)},
    )
    return result


def _mismatch(payment: Payment | None, confirmation) -> str | None:
    if payment is None:
        return _("No payment in the ledger has this reference.")
    if payment.status == Status.PAID:
        return _("Already paid (on %(date)s); not applied again.") % {"date": payment.paid_on}
    if payment.rail != Payment.Rail.BANK or payment.status != Status.SENT:
        return _("The payment is %(status)s, not sent by bank transfer.") % {"status": payment.get_status_display()}
    if payment.amount != confirmation.amount:
        return _("The bank paid %(paid)s but the payment is for %(amount)s.") % {
            "paid": format_money(confirmation.amount, payment.currency),
            "amount": format_money(payment.amount, payment.currency),
        }
    return None
