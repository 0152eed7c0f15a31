"""The ledger's invariants under concurrency, on PostgreSQL with real row locks.

Each test starts threads (each with its own database connection) at a barrier so
they hit the same rows at the same moment; exactly one may win.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legalaid_test_payments .venv/bin/pytest tests/payments/test_concurrency.py
"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.audit import events_for
from grants.payments import services
from grants.payments.banking import bank_batch_create, bank_confirmation_import
from grants.payments.models import BankBatch, Payment
from tests.factories.accounts import UserFactory
from tests.factories.payments import PaymentFactory, approved_subsidy, award_with_tranches, tranche_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Status = Payment.Status


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock tests need PostgreSQL (set DATABASE_URL)")


def race(*calls):
    """Run the calls in threads released together; returns [("ok", result) | ("error", exception)]."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001  (the losers' refusals are what the tests look at)
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def outcomes(results):
    return sorted(kind for kind, _ in results)


def test_two_finance_officers_approving_the_same_payment_approve_it_once():
    payment = PaymentFactory(requested=True)
    a, b = UserFactory(finance=True), UserFactory(finance=True)
    results = race(
        lambda: services.payment_approve(payment=payment, by=a), lambda: services.payment_approve(payment=payment, by=b)
    )
    assert outcomes(results) == ["error", "ok"]
    assert [e.verb for e in events_for(payment)].count("payment.approved") == 1


def test_two_officers_requesting_the_same_subsidy_create_one_payment():
    subsidy = approved_subsidy()
    a, b = UserFactory(officer=True), UserFactory(officer=True)
    results = race(
        lambda: services.payment_request_subsidy(subsidy=subsidy, by=a),
        lambda: services.payment_request_subsidy(subsidy=subsidy, by=b),
    )
    assert outcomes(results) == ["error", "ok"]
    assert Payment.objects.filter(subsidy=subsidy).count() == 1


def test_concurrent_approvals_never_pay_more_than_awarded():
    # An amendment cut the award to 100 after its tranches were set: only one of the two fits.
    award = award_with_tranches(
        amount=Decimal("100.00"), tranches=(Decimal("60.00"), Decimal("60.00")), triggers=("on_signing", "on_signing")
    )
    first = tranche_payment(award=award, position=0, requested=True)
    second = tranche_payment(award=award, position=1, requested=True)
    a, b = UserFactory(finance=True), UserFactory(finance=True)
    award.application.call.funder.officers.add(a, b)
    results = race(
        lambda: services.payment_approve(payment=first, by=a), lambda: services.payment_approve(payment=second, by=b)
    )
    assert outcomes(results) == ["error", "ok"]
    loser = next(error for kind, error in results if kind == "error")
    assert isinstance(loser, ValidationError) and "over its amount" in loser.messages[0]
    released = Payment.objects.filter(tranche__award=award, status=Status.APPROVED)
    assert sum(p.amount for p in released) <= award.amount


def test_concurrent_approvals_hold_the_incubation_subsidy_cap():
    first = approved_subsidy(amount=Decimal("20000.00"))
    second = approved_subsidy(organisation=first.organisation, amount=Decimal("20000.00"))
    one, two = PaymentFactory(subsidy=first, requested=True), PaymentFactory(subsidy=second, requested=True)
    a, b = UserFactory(finance=True), UserFactory(finance=True)
    results = race(
        lambda: services.payment_approve(payment=one, by=a), lambda: services.payment_approve(payment=two, by=b)
    )
    assert outcomes(results) == ["error", "ok"]
    total = sum(p.amount for p in Payment.objects.filter(payee=first.organisation, status=Status.APPROVED))
    assert total <= Decimal("30000.00")


def test_the_same_confirmation_imported_twice_at_once_pays_once():
    payment = PaymentFactory(sent=True)
    data = f"reference,amount,date\n{payment.reference},{payment.amount},2026-03-05\n".encode()
    a, b = UserFactory(finance=True), UserFactory(finance=True)
    results = race(lambda: bank_confirmation_import(file=data, by=a), lambda: bank_confirmation_import(file=data, by=b))
    assert outcomes(results) == ["ok", "ok"]
    assert sorted(result.applied_count for _, result in results) == [0, 1]
    assert [e.verb for e in events_for(payment)].count("payment.paid") == 1


def test_two_batch_exports_at_once_put_each_payment_in_one_batch():
    payments = [PaymentFactory(approved=True) for _ in range(3)]
    a, b = UserFactory(finance=True), UserFactory(finance=True)
    race(lambda: bank_batch_create(by=a), lambda: bank_batch_create(by=b))
    assert BankBatch.objects.count() == 1
    assert set(BankBatch.objects.get().payments.values_list("pk", flat=True)) == {p.pk for p in payments}
