"""Money's destination (issue 11): a verified organisation's bank account changes only with
a second person's confirmation, and a payment pays the account recorded when it was approved."""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.audit import events_for
from grants.payments.banking import bank_batch_create
from grants.payments.models import Payment
from grants.payments.services import payment_approve, payment_request, payment_retry
from incubator.models import BankAccountChange
from incubator.services.bank_accounts import (
    bank_change_cancel,
    bank_change_confirm,
    bank_change_propose,
    bank_change_reject,
)
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.factories.payments import PaymentFactory, approved_subsidy

pytestmark = pytest.mark.django_db
Status = BankAccountChange.Status

OLD = ("中国银行苏州分行", "测试中心", "6217000011112222")
NEW = ("中国农业银行苏州分行", "测试中心", "6228480099998888")


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def second_officer():
    return UserFactory(officer=True)


@pytest.fixture
def finance():
    return UserFactory(finance=True)


@pytest.fixture
def organisation():
    return OrganisationFactory(verified=True, bank_name=OLD[0], bank_account_name=OLD[1], bank_account_number=OLD[2])


def propose(organisation, by, account=NEW):
    return bank_change_propose(
        organisation=organisation, by=by, bank_name=account[0], account_name=account[1], account_number=account[2]
    )


def account_of(organisation):
    organisation.refresh_from_db()
    return organisation.bank_name, organisation.bank_account_name, organisation.bank_account_number


def batch_rows(batch):
    return list(csv.DictReader(io.StringIO(batch.csv.removeprefix("\ufeff"))))


# --- Proposing -------------------------------------------------------------------------------


def test_a_proposal_writes_nothing_and_is_audited_with_masked_numbers(organisation, officer):
    change = propose(organisation, officer)

    assert change.status == Status.PENDING and change.proposed_by == officer
    assert account_of(organisation) == OLD
    event = events_for(organisation).last()
    assert event.verb == "organisation.bank_change_proposed"
    assert event.actor == officer
    logged = f"{event.message} {event.data}"
    assert "8888" in logged and "2222" in logged
    assert NEW[2] not in logged and OLD[2] not in logged, "account numbers are masked in the audit trail"


@pytest.mark.parametrize("role", [{"ngo_member": True}, {"reviewer": True}, {}])
def test_only_programme_and_finance_officers_propose(organisation, role):
    with pytest.raises(PermissionDenied):
        propose(organisation, UserFactory(**role))
    assert not BankAccountChange.objects.exists()


def test_a_finance_officer_may_propose_too(organisation, finance):
    assert propose(organisation, finance).status == Status.PENDING


def test_a_second_pending_change_is_refused(organisation, officer, second_officer):
    propose(organisation, officer)
    with pytest.raises(PermissionDenied, match="already waiting"):
        propose(organisation, second_officer, ("工商银行", "测试中心", "6222000000000001"))


def test_a_proposal_needs_a_bank_and_a_number(organisation, officer):
    with pytest.raises(PermissionDenied):
        propose(organisation, officer, ("", "测试中心", "6222000000000001"))
    with pytest.raises(PermissionDenied):
        propose(organisation, officer, ("工商银行", "测试中心", "  "))


def test_the_database_refuses_two_pending_changes(organisation, officer):
    propose(organisation, officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.create(
            organisation=organisation, bank_name="x", bank_account_number="1", proposed_by=officer
        )


# --- Deciding --------------------------------------------------------------------------------


def test_another_officer_confirms_and_only_then_the_account_changes(
    organisation, officer, finance, django_capture_on_commit_callbacks
):
    manager = MembershipFactory(organisation=organisation).user
    change = propose(organisation, officer)
    with django_capture_on_commit_callbacks(execute=True):
        bank_change_confirm(change=change, by=finance)

    change.refresh_from_db()
    assert change.status == Status.CONFIRMED and change.decided_by == finance and change.decided_at
    assert account_of(organisation) == NEW
    event = events_for(organisation).last()
    assert event.verb == "organisation.bank_change_confirmed" and event.actor == finance
    assert NEW[2] not in f"{event.message} {event.data}"
    assert mail.outbox[-1].to == [manager.email]
    assert "8888" in mail.outbox[-1].body and NEW[2] not in mail.outbox[-1].body


def test_the_proposer_cannot_confirm_or_reject(organisation, officer):
    change = propose(organisation, officer)
    with pytest.raises(PermissionDenied, match="not the one who proposed it"):
        bank_change_confirm(change=change, by=officer)
    with pytest.raises(PermissionDenied):
        bank_change_reject(change=change, by=officer, reason="Changed my mind")
    change.refresh_from_db()
    assert change.status == Status.PENDING
    assert account_of(organisation) == OLD


def test_the_database_refuses_a_decider_who_proposed(organisation, officer):
    change = propose(organisation, officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccountChange.objects.filter(pk=change.pk).update(status=Status.CONFIRMED, decided_by=officer)


@pytest.mark.parametrize("role", [{"ngo_member": True}, {"reviewer": True}])
def test_people_who_are_not_officers_cannot_confirm(organisation, officer, role):
    change = propose(organisation, officer)
    with pytest.raises(PermissionDenied):
        bank_change_confirm(change=change, by=UserFactory(**role))
    assert account_of(organisation) == OLD


def test_a_rejected_change_writes_nothing_and_needs_a_reason(organisation, officer, second_officer):
    change = propose(organisation, officer)
    with pytest.raises(ValidationError, match="why"):
        bank_change_reject(change=change, by=second_officer, reason=" ")
    bank_change_reject(change=change, by=second_officer, reason="The bank letter does not match.")

    change.refresh_from_db()
    assert change.status == Status.REJECTED and change.reason == "The bank letter does not match."
    assert account_of(organisation) == OLD
    assert events_for(organisation).last().verb == "organisation.bank_change_rejected"
    with pytest.raises(PermissionDenied, match="no longer pending"):
        bank_change_confirm(change=change, by=second_officer)
    assert account_of(organisation) == OLD


def test_the_proposer_may_cancel_and_nothing_is_written(organisation, officer, second_officer):
    change = propose(organisation, officer)
    with pytest.raises(PermissionDenied):
        bank_change_cancel(change=change, by=second_officer)
    bank_change_cancel(change=change, by=officer)
    change.refresh_from_db()
    assert change.status == Status.CANCELLED
    assert account_of(organisation) == OLD
    # A new proposal is possible once nothing is pending.
    assert propose(organisation, officer).status == Status.PENDING


# --- Payments record their destination --------------------------------------------------------


def test_approval_records_the_payees_account_on_the_payment(organisation, officer, finance):
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), requested=True, requested_by=officer)
    payment_approve(payment=payment, by=finance)
    payment.refresh_from_db()
    assert (payment.destination_bank_name, payment.destination_account_name, payment.destination_account_number) == OLD
    assert events_for(payment).last().data["destination"] == f"{OLD[0]} •••• 2222"


def test_the_issue_scenario_the_batch_pays_the_account_recorded_at_approval(
    organisation, officer, second_officer, finance
):
    """Payment approved → an officer proposes a new account → a second officer confirms →
    the bank batch still pays the account recorded at approval."""
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), requested=True, requested_by=officer)
    payment_approve(payment=payment, by=finance)

    change = propose(organisation, officer)
    bank_change_confirm(change=change, by=second_officer)
    assert account_of(organisation) == NEW

    batch, skipped = bank_batch_create(by=finance)
    assert skipped == []
    [row] = batch_rows(batch)
    assert row["reference"] == payment.reference
    assert (row["bank"], row["payee"], row["account"]) == OLD
    assert NEW[2] not in batch.csv


def test_a_payment_approved_after_the_change_pays_the_new_account(organisation, officer, second_officer, finance):
    bank_change_confirm(change=propose(organisation, officer), by=second_officer)
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), requested=True, requested_by=officer)
    payment_approve(payment=payment, by=finance)
    batch, _ = bank_batch_create(by=finance)
    [row] = batch_rows(batch)
    assert (row["bank"], row["payee"], row["account"]) == NEW


def test_a_retry_is_a_new_approval_and_records_the_account_of_that_moment(
    organisation, officer, second_officer, finance
):
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), requested=True, requested_by=officer)
    payment_approve(payment=payment, by=finance)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED, failure_reason="Account closed.")
    bank_change_confirm(change=propose(organisation, officer), by=second_officer)

    payment_retry(payment=payment, by=finance)
    payment.refresh_from_db()
    assert payment.destination_account_number == NEW[2]


def test_a_payment_without_a_recorded_destination_falls_back_to_the_payee(organisation, finance):
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), approved=True)
    assert payment.destination_account_number == ""
    batch, _ = bank_batch_create(by=finance)
    [row] = batch_rows(batch)
    assert (row["bank"], row["payee"], row["account"]) == OLD


def test_request_then_approve_by_the_requester_is_still_refused(organisation, officer):
    """Four eyes on payments is unchanged by recording the destination."""
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=organisation))
    payment_request(payment=payment, by=officer)
    with pytest.raises((PermissionDenied, ValidationError)):
        payment_approve(payment=payment, by=officer)


def test_the_data_migration_records_destinations_of_payments_released_before(organisation):
    migration = importlib.import_module("grants.payments.migrations.0002_bank_account_changes_and_payment_destination")
    subsidy = approved_subsidy(organisation=organisation)
    approved = PaymentFactory(subsidy=subsidy, approved=True)
    sent = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), sent=True)
    requested = PaymentFactory(subsidy=approved_subsidy(organisation=organisation), requested=True)

    migration.fill_destinations(apps, None)

    for payment in (approved, sent):
        payment.refresh_from_db()
        assert (
            payment.destination_bank_name,
            payment.destination_account_name,
            payment.destination_account_number,
        ) == OLD
    requested.refresh_from_db()
    assert requested.destination_account_number == "", "not approved yet: approval records it"
