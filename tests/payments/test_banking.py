"""Bank rail: batch export marks approved payments sent; the confirmation import marks matches paid
and reports every mismatch without applying it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import events_for
from grants.payments.banking import bank_batch_create, bank_confirmation_import
from grants.payments.models import Payment
from incubator.models import Subsidy
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.factories.incubator import OrganisationFactory
from tests.factories.payments import PaymentFactory, approved_subsidy, tranche_payment

pytestmark = pytest.mark.django_db
Status = Payment.Status


@pytest.fixture
def finance():
    return UserFactory(finance=True)


def confirmation(*lines) -> bytes:
    rows = ["参考号,金额,日期"] + [f"{ref},{amount},{date}" for ref, amount, date in lines]
    return ("\n".join(rows) + "\n").encode("gb18030")


def test_batch_export_lists_approved_bank_payments_and_marks_them_sent(finance):
    first = PaymentFactory(approved=True)
    second = PaymentFactory(approved=True)
    batch, skipped = bank_batch_create(by=finance)
    assert skipped == []
    assert batch.payment_count == 2
    assert batch.total == first.amount + second.amount
    for payment in (first, second):
        payment.refresh_from_db()
        assert payment.status == Status.SENT
        assert payment.batch == batch
        assert payment.external_id == payment.reference
        assert payment.reference in batch.csv
        assert events_for(payment).last().verb == "payment.sent"
    assert batch.csv.startswith("\ufeffreference,payee,bank,account,amount,currency")


def test_batch_export_leaves_out_requested_stripe_and_already_sent_payments(finance):
    PaymentFactory(requested=True)
    PaymentFactory(approved=True, rail=Payment.Rail.STRIPE)
    PaymentFactory(sent=True)
    batch, skipped = bank_batch_create(by=finance)
    assert batch is None and skipped == []


def test_batch_export_reports_a_payee_without_bank_details(finance):
    organisation = OrganisationFactory(verified=True)
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), approved=True)
    batch, skipped = bank_batch_create(by=finance)
    assert batch is None
    assert skipped[0][0] == payment
    assert "no bank account" in skipped[0][1]
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED


def test_batch_export_only_takes_the_finance_officers_funders_payments():
    funder = FunderFactory()
    finance = UserFactory(finance=True)
    funder.officers.add(finance)
    mine = tranche_payment(approved=True)
    mine.funder.officers.add(finance)
    foreign = tranche_payment(approved=True)
    subsidy = PaymentFactory(approved=True)
    batch, _ = bank_batch_create(by=finance)
    assert set(batch.payments.values_list("pk", flat=True)) == {mine.pk, subsidy.pk}
    foreign.refresh_from_db()
    assert foreign.status == Status.APPROVED


def test_programme_officer_cannot_export_a_batch():
    with pytest.raises(PermissionDenied):
        bank_batch_create(by=UserFactory(officer=True))


def test_confirmation_marks_matching_payments_paid_with_the_banks_date(finance):
    payment = PaymentFactory(sent=True)
    result = bank_confirmation_import(
        file=confirmation((payment.reference, payment.amount, "2026-03-05")), by=finance, file_name="bank.csv"
    )
    payment.refresh_from_db()
    payment.subsidy.refresh_from_db()
    assert (result.applied_count, result.mismatch_count) == (1, 0)
    assert payment.status == Status.PAID
    assert payment.paid_on.isoformat() == "2026-03-05"
    assert payment.subsidy.status == Subsidy.Status.PAID


def test_confirmation_mismatches_are_reported_and_not_applied(finance):
    differs = PaymentFactory(sent=True)
    already = PaymentFactory(paid=True)
    not_sent = PaymentFactory(approved=True)
    result = bank_confirmation_import(
        file=confirmation(
            ("PAY-2026-UNKNOWN1", "10.00", "2026-03-05"),
            (differs.reference, differs.amount + Decimal("1.00"), "2026-03-05"),
            (already.reference, already.amount, "2026-03-05"),
            (not_sent.reference, not_sent.amount, "2026-03-05"),
        ),
        by=finance,
    )
    problems = {line["reference"]: line["problem"] for line in result.report["mismatches"]}
    assert result.applied_count == 0
    assert "No payment in the ledger" in problems["PAY-2026-UNKNOWN1"]
    assert "The bank paid" in problems[differs.reference]
    assert "Already paid" in problems[already.reference]
    assert "not sent" in problems[not_sent.reference]
    for payment, status in ((differs, Status.SENT), (already, Status.PAID), (not_sent, Status.APPROVED)):
        payment.refresh_from_db()
        assert payment.status == status


def test_importing_the_same_confirmation_twice_pays_once(finance):
    payment = PaymentFactory(sent=True)
    data = confirmation((payment.reference, payment.amount, "2026-03-05"))
    bank_confirmation_import(file=data, by=finance)
    second = bank_confirmation_import(file=data, by=finance)
    assert second.applied_count == 0
    assert "Already paid" in second.report["mismatches"][0]["problem"]
    assert [e.verb for e in events_for(payment)].count("payment.paid") == 1


def test_another_funders_payment_is_reported_as_unknown():
    finance = UserFactory(finance=True)
    foreign = tranche_payment(sent=True)
    result = bank_confirmation_import(file=confirmation((foreign.reference, foreign.amount, "2026-03-05")), by=finance)
    assert result.mismatch_count == 1
    foreign.refresh_from_db()
    assert foreign.status == Status.SENT


def test_unreadable_confirmation_file_is_refused_whole(finance):
    payment = PaymentFactory(sent=True)
    data = confirmation((payment.reference, payment.amount, "2026-03-05"), ("PAY-X", "abc", "yesterday"))
    with pytest.raises(ValidationError) as raised:
        bank_confirmation_import(file=data, by=finance)
    assert any("line 3" in message for message in raised.value.messages)
    payment.refresh_from_db()
    assert payment.status == Status.SENT


def test_export_then_confirmation_round_trip(finance):
    payment = PaymentFactory(approved=True)
    batch, _ = bank_batch_create(by=finance)
    rows = [line.split(",") for line in batch.csv.lstrip("\ufeff").splitlines()[1:]]
    lines = [(row[0], row[4], "2026-03-06") for row in rows]
    result = bank_confirmation_import(file=confirmation(*lines), by=finance)
    payment.refresh_from_db()
    assert result.applied_count == 1
    assert payment.status == Status.PAID
