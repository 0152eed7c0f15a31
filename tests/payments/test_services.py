"""The ledger's services: every transition, allowed and forbidden, and each rule's message."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.audit import events_for
from core.transitions import TransitionNotAllowed
from grants.payments import services
from grants.payments.models import Payment
from incubator.models import Membership, Subsidy, SubsidyPolicy
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.factories.incubator import MembershipFactory
from tests.factories.payments import (
    ConnectedAccountFactory,
    PaymentFactory,
    approved_subsidy,
    award_with_tranches,
    tranche_payment,
)

pytestmark = pytest.mark.django_db
Status = Payment.Status


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def finance():
    return UserFactory(finance=True)


def officer_of(funder):
    user = UserFactory(officer=True)
    funder.officers.add(user)
    return user


def finance_of(funder):
    user = UserFactory(finance=True)
    funder.officers.add(user)
    return user


# --- Requesting --------------------------------------------------------------------------------


def test_officer_requests_payment_of_an_approved_subsidy(officer):
    subsidy = approved_subsidy(amount=Decimal("12000.00"))
    payment = services.payment_request_subsidy(subsidy=subsidy, by=officer)
    assert payment.status == Status.REQUESTED
    assert payment.amount == Decimal("12000.00")
    assert payment.payee == subsidy.organisation
    assert payment.funder is None
    assert payment.requested_by == officer
    assert [e.verb for e in events_for(payment)] == ["payment.scheduled", "payment.requested"]


def test_requesting_a_subsidy_twice_returns_the_same_payment_and_requests_it_once(officer):
    subsidy = approved_subsidy()
    services.payment_request_subsidy(subsidy=subsidy, by=officer)
    with pytest.raises(TransitionNotAllowed):
        services.payment_request_subsidy(subsidy=subsidy, by=officer)
    assert Payment.objects.filter(subsidy=subsidy).count() == 1


def test_a_subsidy_not_approved_cannot_be_paid(officer):
    subsidy = approved_subsidy()
    Subsidy.objects.filter(pk=subsidy.pk).update(status=Subsidy.Status.REQUESTED)
    subsidy.refresh_from_db()
    with pytest.raises(ValidationError, match="Only approved subsidies can be paid"):
        services.payment_request_subsidy(subsidy=subsidy, by=officer)


def test_finance_officer_cannot_request_a_payment(finance):
    with pytest.raises(PermissionDenied):
        services.payment_request_subsidy(subsidy=approved_subsidy(), by=finance)


def test_ngo_member_cannot_request_a_payment():
    member = UserFactory(ngo_member=True)
    with pytest.raises(PermissionDenied):
        services.payment_request_subsidy(subsidy=approved_subsidy(), by=member)


def test_tranche_is_requestable_when_its_condition_holds():
    award = award_with_tranches()
    officer = officer_of(award.application.call.funder)
    payment = services.payment_request_tranche(tranche=award.tranches.get(position=0), by=officer)
    assert payment.status == Status.REQUESTED
    assert payment.funder == award.application.call.funder
    assert payment.amount == Decimal("40000.00")


def test_tranche_whose_condition_does_not_hold_stays_scheduled():
    award = award_with_tranches()
    officer = officer_of(award.application.call.funder)
    midterm = award.tranches.get(position=1)
    payment = services.payment_schedule_tranche(tranche=midterm, by=officer)
    with pytest.raises(ValidationError, match="This tranche is not payable yet"):
        services.payment_request(payment=payment, by=officer)
    payment.refresh_from_db()
    assert payment.status == Status.SCHEDULED


def test_agreement_not_accepted_means_even_the_signing_tranche_is_not_payable():
    award = award_with_tranches(accepted=False)
    officer = officer_of(award.application.call.funder)
    with pytest.raises(ValidationError, match="not payable yet"):
        services.payment_request_tranche(tranche=award.tranches.get(position=0), by=officer)


def test_officer_of_another_funder_cannot_request_a_tranche():
    award = award_with_tranches()
    stranger = officer_of(FunderFactory())
    with pytest.raises(PermissionDenied):
        services.payment_request_tranche(tranche=award.tranches.get(position=0), by=stranger)


def test_schedule_award_puts_every_tranche_in_the_ledger_once():
    award = award_with_tranches()
    officer = officer_of(award.application.call.funder)
    first = services.payments_schedule_award(award=award, by=officer)
    again = services.payments_schedule_award(award=award, by=officer)
    assert [p.pk for p in first] == [p.pk for p in again]
    assert sum(p.amount for p in first) == award.amount


def test_requesting_notifies_finance_officers_but_not_the_requester(django_capture_on_commit_callbacks, officer):
    finance = UserFactory(finance=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_request_subsidy(subsidy=approved_subsidy(), by=officer)
    assert [m.to for m in mail.outbox] == [[finance.email]]


# --- Approving (four-eyes) ---------------------------------------------------------------------


def test_finance_officer_approves_a_requested_payment(finance):
    payment = PaymentFactory(requested=True)
    services.payment_approve(payment=payment, by=finance)
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED
    assert payment.approved_by == finance
    event = events_for(payment).last()
    assert (event.verb, event.actor, event.from_state, event.to_state) == (
        "payment.approved",
        finance,
        "requested",
        "approved",
    )


def test_the_payees_managers_are_told_when_a_payment_is_approved(finance, django_capture_on_commit_callbacks):
    payment = PaymentFactory(requested=True)
    owner = MembershipFactory(organisation=payment.payee, role=Membership.Role.OWNER).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_approve(payment=payment, by=finance)
    (message,) = [m for m in mail.outbox if m.to == [owner.email]]
    assert payment.reference in message.subject and "approved" in message.subject


def test_finance_officer_cannot_approve_own_request():
    both = UserFactory(roles=["Programme officer", "Finance officer"], is_staff=True)
    payment = services.payment_request_subsidy(subsidy=approved_subsidy(), by=both)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        services.payment_approve(payment=payment, by=both)
    payment.refresh_from_db()
    assert payment.status == Status.REQUESTED


def test_superuser_is_held_to_four_eyes_too():
    admin = UserFactory(is_superuser=True, is_staff=True)
    payment = services.payment_request_subsidy(subsidy=approved_subsidy(), by=admin)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        services.payment_approve(payment=payment, by=admin)


def test_database_refuses_an_approver_who_is_the_requester():
    user = UserFactory(finance=True)
    payment = PaymentFactory(requested=True, requested_by=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(approved_by=user)


def test_programme_officer_cannot_approve(officer):
    payment = PaymentFactory(requested=True)
    with pytest.raises(PermissionDenied, match="Only finance officers"):
        services.payment_approve(payment=payment, by=officer)


def test_finance_officer_of_another_funder_cannot_approve_a_tranche():
    payment = tranche_payment(requested=True)
    with pytest.raises(PermissionDenied):
        services.payment_approve(payment=payment, by=finance_of(FunderFactory()))


def test_finance_officer_of_the_funder_approves_a_tranche():
    payment = tranche_payment(requested=True)
    services.payment_approve(payment=payment, by=finance_of(payment.funder))
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED


@pytest.mark.parametrize("status", [Status.SCHEDULED, Status.APPROVED, Status.SENT, Status.PAID, Status.CANCELLED])
def test_only_requested_payments_can_be_approved(status, finance):
    payment = PaymentFactory(status=status, requested_by=UserFactory(officer=True))
    with pytest.raises(TransitionNotAllowed):
        services.payment_approve(payment=payment, by=finance)


def test_approval_refused_when_it_would_pay_more_than_awarded():
    award = award_with_tranches(
        amount=Decimal("100.00"), tranches=(Decimal("60.00"), Decimal("60.00")), triggers=("on_signing", "on_signing")
    )
    finance = finance_of(award.application.call.funder)
    first = tranche_payment(award=award, position=0, requested=True)
    second = tranche_payment(award=award, position=1, requested=True)
    services.payment_approve(payment=first, by=finance)
    with pytest.raises(ValidationError, match="over its amount"):
        services.payment_approve(payment=second, by=finance)


def test_approval_refused_when_the_subsidy_amount_changed(finance):
    payment = PaymentFactory(requested=True)
    Payment.objects.filter(pk=payment.pk).update(amount=Decimal("99999.00"))
    with pytest.raises(ValidationError, match="was approved"):
        services.payment_approve(payment=payment, by=finance)


def test_ledger_never_pays_more_than_the_incubation_cap_in_a_year(finance):
    first = approved_subsidy(amount=Decimal("20000.00"))
    # Data that slipped past the incubator's own check: a second approval over the ¥30,000 cap.
    second = approved_subsidy(organisation=first.organisation, amount=Decimal("20000.00"))
    services.payment_approve(payment=PaymentFactory(subsidy=first, requested=True), by=finance)
    with pytest.raises(ValidationError, match="would exceed the cap"):
        services.payment_approve(payment=PaymentFactory(subsidy=second, requested=True), by=finance)


def test_bulk_approval_checks_four_eyes_per_payment():
    finance = UserFactory(finance=True)
    own = PaymentFactory(requested=True, requested_by=finance)
    other = PaymentFactory(requested=True)
    approved, refused = services.payments_approve_bulk(payments=[own, other], by=finance)
    assert [p.pk for p in approved] == [other.pk]
    assert [p.pk for p, _ in refused] == [own.pk]
    assert "four-eyes" in refused[0][1]


# --- Sent, paid, failed, retried, cancelled ---------------------------------------------------


def test_marking_a_subsidy_payment_paid_marks_the_subsidy_paid(finance):
    payment = PaymentFactory(sent=True)
    services.payment_mark_paid(payment=payment, by=finance)
    payment.refresh_from_db()
    payment.subsidy.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.subsidy.status == Subsidy.Status.PAID


def test_paid_payment_notifies_the_organisations_managers(django_capture_on_commit_callbacks, finance):
    payment = PaymentFactory(sent=True)
    owner = UserFactory()
    MembershipFactory(organisation=payment.payee, user=owner, role=Membership.Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_mark_paid(payment=payment, by=finance)
    assert any(owner.email in m.to for m in mail.outbox)


def test_a_paid_payment_cannot_be_paid_again(finance):
    payment = PaymentFactory(paid=True)
    with pytest.raises(TransitionNotAllowed):
        services.payment_mark_paid(payment=payment, by=finance)


def test_only_finance_marks_a_payment_paid_by_hand(officer):
    with pytest.raises(PermissionDenied):
        services.payment_mark_paid(payment=PaymentFactory(sent=True), by=officer)


def test_fail_needs_a_reason(finance):
    with pytest.raises(ValidationError, match="Say why"):
        services.payment_fail(payment=PaymentFactory(sent=True), reason=" ", by=finance)


def test_retry_moves_a_failed_payment_back_to_approved_with_a_new_key(finance):
    payment = PaymentFactory(failed=True, idempotency_key="payment-old")
    services.payment_retry(payment=payment, by=finance)
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED
    assert payment.idempotency_key is None
    assert events_for(payment).last().verb == "payment.retried"


def test_requester_cannot_retry_their_own_payment():
    finance = UserFactory(finance=True)
    payment = PaymentFactory(failed=True, requested_by=finance)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        services.payment_retry(payment=payment, by=finance)


@pytest.mark.parametrize("status", [Status.SCHEDULED, Status.REQUESTED, Status.APPROVED, Status.FAILED])
def test_cancel_before_money_moves(status, officer):
    payment = PaymentFactory(status=status)
    services.payment_cancel(payment=payment, by=officer, reason="Duplicate entry")
    payment.refresh_from_db()
    assert payment.status == Status.CANCELLED
    assert payment.cancel_reason == "Duplicate entry"


@pytest.mark.parametrize("status", [Status.SENT, Status.PAID])
def test_cannot_cancel_once_money_moved(status, officer):
    with pytest.raises(TransitionNotAllowed):
        services.payment_cancel(payment=PaymentFactory(status=status), by=officer, reason="Too late")


def test_cancel_needs_a_reason(officer):
    with pytest.raises(ValidationError, match="Say why"):
        services.payment_cancel(payment=PaymentFactory(), by=officer, reason="")


def test_a_cancelled_subsidy_payment_can_be_replaced(officer):
    subsidy = approved_subsidy()
    first = services.payment_request_subsidy(subsidy=subsidy, by=officer)
    services.payment_cancel(payment=first, by=officer, reason="Wrong rail")
    second = services.payment_request_subsidy(subsidy=subsidy, by=officer)
    assert second.pk != first.pk


# --- Database invariants ---------------------------------------------------------------------


def test_database_allows_one_live_payment_per_subsidy():
    payment = PaymentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentFactory(subsidy=payment.subsidy)


def test_database_allows_one_live_payment_per_tranche():
    payment = tranche_payment()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentFactory(subsidy=None, tranche=payment.tranche, funder=payment.funder)


def test_database_refuses_a_payment_for_both_a_tranche_and_a_subsidy():
    payment = tranche_payment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(subsidy=approved_subsidy())


def test_database_refuses_a_payment_for_nothing():
    payment = PaymentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(subsidy=None)


def test_database_refuses_a_zero_amount():
    payment = PaymentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=Decimal("0"))


def test_database_refuses_an_idempotency_key_on_two_payments():
    PaymentFactory(idempotency_key="payment-same")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentFactory(idempotency_key="payment-same")


# --- Rail choice -------------------------------------------------------------------------------


def test_rail_is_bank_in_manual_mode_even_with_a_stripe_account(officer):
    subsidy = approved_subsidy()
    ConnectedAccountFactory(organisation=subsidy.organisation)
    assert services.payment_request_subsidy(subsidy=subsidy, by=officer).rail == Payment.Rail.BANK


def test_rail_is_stripe_when_stripe_is_on_and_the_payee_can_receive_transfers(officer, settings):
    settings.PAYMENTS_MODE = "stripe"
    subsidy = approved_subsidy()
    ConnectedAccountFactory(organisation=subsidy.organisation)
    assert services.payment_request_subsidy(subsidy=subsidy, by=officer).rail == Payment.Rail.STRIPE


def test_rail_is_bank_when_the_stripe_account_cannot_receive_transfers_yet(officer, settings):
    settings.PAYMENTS_MODE = "stripe"
    subsidy = approved_subsidy()
    ConnectedAccountFactory(organisation=subsidy.organisation, transfers_active=False)
    assert services.payment_request_subsidy(subsidy=subsidy, by=officer).rail == Payment.Rail.BANK


# --- The subsidy cap is the incubator's rule ----------------------------------------------------


def test_a_subsidy_within_its_cap_is_requested_and_approved(officer, finance):
    subsidy = approved_subsidy(amount=Decimal("30000.00"))
    payment = services.payment_request_subsidy(subsidy=subsidy, by=officer)
    assert services.payment_approve(payment=payment, by=finance).status == Status.APPROVED


def test_a_subsidy_payment_over_the_cap_is_refused(officer):
    subsidy = approved_subsidy(amount=Decimal("30000.00"))
    # The policy was lowered after the approval: the ledger pays by the cap as it is now.
    SubsidyPolicy.objects.filter(pk=subsidy.policy_id).update(amount=Decimal("20000.00"))
    with pytest.raises(ValidationError, match="would exceed the cap of ¥20,000"):
        services.payment_request_subsidy(subsidy=subsidy, by=officer)
    assert not Payment.objects.filter(subsidy=subsidy).exclude(status=Status.SCHEDULED).exists()


def test_a_post_subsidy_is_capped_at_posts_times_months_times_the_rate(officer):
    subsidy = approved_subsidy(kind=SubsidyPolicy.Kind.POST, amount=Decimal("999999.00"), posts=1, months=1)
    with pytest.raises(ValidationError, match="would exceed the cap"):
        services.payment_request_subsidy(subsidy=subsidy, by=officer)


def test_a_subsidy_of_an_unknown_kind_is_refused_by_the_ledger(officer, finance):
    subsidy = approved_subsidy(amount=Decimal("1000.00"))
    SubsidyPolicy.objects.filter(pk=subsidy.policy_id).update(kind="retired")
    with pytest.raises(ValidationError, match="not a kind of subsidy with a cap"):
        services.payment_request_subsidy(subsidy=subsidy, by=officer)
    # Nor is a payment already requested approved once its policy has no cap any more.
    other = approved_subsidy(amount=Decimal("1000.00"))
    payment = services.payment_request_subsidy(subsidy=other, by=officer)
    SubsidyPolicy.objects.filter(pk=other.policy_id).update(kind="retired")
    with pytest.raises(ValidationError, match="not a kind of subsidy with a cap"):
        services.payment_approve(payment=payment, by=finance)
