import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cms.impact import compute
from grants.payments import banking
from grants.payments import services as payments
from grants.payments.models import Payment
from purchasing.contracts.evaluation_results import EvaluationResult
from purchasing.delivery import services
from purchasing.delivery.models import DeliveryPeriod
from tests.purchasing.delivery.conftest import accept, log

pytestmark = pytest.mark.django_db
Status = DeliveryPeriod.Status


def _payments(contract):
    return Payment.objects.filter(source_key__startswith="instalment:", payee=contract.organisation)


# --- Periods and deliveries ---------------------------------------------------------------------


def test_a_signed_contract_has_one_delivery_period_per_period_instalment(deal):
    contract = deal["contract"]
    assert len(deal["periods"]) == contract.instalments.filter(kind="period").count() == 4
    assert services.periods_open(contract=contract) == deal["periods"]  # idempotent


def test_the_ngo_logs_deliveries_and_submits_the_period(deal, django_capture_on_commit_callbacks, mailoutbox):
    delivery = log(deal)
    assert delivery.feedback_url == deal["contract"].beneficiary_feedback_url
    with django_capture_on_commit_callbacks(execute=True):
        period = services.period_submit(period=deal["period"], by=deal["ngo"], summary="两次讲座")
    assert period.status == Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [[deal["buyer"].email]]


def test_a_delivery_outside_the_period_is_refused_with_the_period(deal):
    period = deal["period"]
    with pytest.raises(ValidationError) as error:
        log(deal, delivered_on=period.instalment.period_end + datetime.timedelta(days=1))
    assert "must lie in this period" in str(error.value.message_dict["delivered_on"])


def test_a_delivery_in_the_future_is_refused(deal):
    contract = deal["contract"]
    last = deal["periods"][-1]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    if tomorrow > last.instalment.period_end:
        pytest.skip("the contract's periods are all past")
    with pytest.raises(ValidationError) as error:
        log(deal, period=last, delivered_on=tomorrow)
    assert "future" in str(error.value.message_dict["delivered_on"])
    assert contract.pk


def test_submitting_an_empty_period_is_refused(deal):
    with pytest.raises(ValidationError, match="at least one delivery"):
        services.period_submit(period=deal["period"], by=deal["ngo"])


@pytest.mark.parametrize("who", ["buyer", "officer", "finance", "stranger", "reviewer"])
def test_only_the_ngo_logs_and_submits(deal, who):
    with pytest.raises(PermissionDenied, match="Only the organisation delivering"):
        services.delivery_log(
            period=deal["period"], by=deal[who], delivered_on=deal["period"].instalment.period_start, place="x", hours=1
        )


@pytest.mark.parametrize("who", ["ngo", "officer", "finance", "stranger"])
def test_only_the_buyer_accepts_or_disputes(deal, who):
    log(deal)
    services.period_submit(period=deal["period"], by=deal["ngo"])
    with pytest.raises(PermissionDenied, match="Only the buyer's staff"):
        services.period_accept(period=deal["period"], by=deal[who])
    with pytest.raises(PermissionDenied, match="Only the buyer's staff"):
        services.period_dispute(period=deal["period"], by=deal[who], reason="x")


def test_an_open_period_cannot_be_accepted(deal):
    with pytest.raises(PermissionDenied, match="Only a submitted period"):
        services.period_accept(period=deal["period"], by=deal["buyer"])


def test_a_dispute_needs_a_reason(deal):
    log(deal)
    services.period_submit(period=deal["period"], by=deal["ngo"])
    with pytest.raises(ValidationError) as error:
        services.period_dispute(period=deal["period"], by=deal["buyer"], reason="  ")
    assert "Say what is wrong" in str(error.value.message_dict["reason"])


def test_disputed_period_creates_no_payment_and_the_ngo_corrects_and_resubmits(deal):
    contract, period = deal["contract"], deal["period"]
    delivery = log(deal, people_served=400)
    services.period_submit(period=period, by=deal["ngo"])
    period = services.period_dispute(period=period, by=deal["buyer"], reason="人数与签到表不符")
    assert period.status == Status.DISPUTED
    assert not _payments(contract).exists()

    services.delivery_remove(delivery=delivery, by=deal["ngo"])
    log(deal, people_served=40)
    period = services.period_submit(period=period, by=deal["ngo"], summary="已按签到表更正")
    assert period.status == Status.SUBMITTED
    period, _payment = services.period_accept(period=period, by=deal["buyer"])
    assert period.status == Status.ACCEPTED
    assert _payments(contract).count() == 1


def test_deliveries_of_a_submitted_or_accepted_period_cannot_change(deal):
    accept(deal)
    with pytest.raises(PermissionDenied, match="can no longer change"):
        log(deal)


def test_an_accepted_period_cannot_be_disputed_or_submitted_again(deal):
    accept(deal)
    with pytest.raises(PermissionDenied, match="Only a submitted period"):
        services.period_dispute(period=deal["period"], by=deal["buyer"], reason="late")
    with pytest.raises(PermissionDenied):
        services.period_submit(period=deal["period"], by=deal["ngo"])


# --- The ledger ------------------------------------------------------------------------------------


def test_an_accepted_period_creates_exactly_one_scheduled_payment_with_the_buyer_as_payer(deal):
    contract, period = deal["contract"], deal["period"]
    _period, payment = accept(deal)
    assert payment.status == Payment.Status.SCHEDULED
    assert payment.payer_name == contract.buyer.name_zh
    assert payment.payer_label == contract.buyer.name_zh
    assert payment.payee == contract.organisation
    assert payment.amount == period.instalment.amount
    assert payment.funder is None and payment.kind == "instalment"
    assert str(payment.kind_label) == "Contract instalment"
    # Idempotent: asking the ledger again gives the same payment.
    again = services._schedule_instalment(instalment=period.instalment, by=deal["buyer"])
    assert again.pk == payment.pk
    assert _payments(contract).count() == 1


def test_finance_requests_and_another_finance_officer_approves_then_bank_batch_and_paid(deal):
    _period, payment = accept(deal)
    payment = payments.payment_request(payment=payment, by=deal["finance"])
    assert payment.status == Payment.Status.REQUESTED
    payment = payments.payment_approve(payment=payment, by=deal["finance2"])
    assert payment.status == Payment.Status.APPROVED
    batch, skipped = banking.bank_batch_create(by=deal["finance"], payment_ids=[payment.pk])
    assert skipped == [] and batch.payment_count == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SENT
    payment = payments.payment_mark_paid(payment=payment, by=deal["finance"])
    assert payment.status == Payment.Status.PAID


def test_finance_officer_cannot_approve_own_request(deal):
    _period, payment = accept(deal)
    payment = payments.payment_request(payment=payment, by=deal["finance"])
    with pytest.raises(PermissionDenied, match="four-eyes"):
        payments.payment_approve(payment=payment, by=deal["finance"])


def test_the_buyer_and_the_ngo_cannot_request_or_approve_the_instalment(deal):
    _period, payment = accept(deal)
    for who in ("buyer", "ngo"):
        with pytest.raises(PermissionDenied):
            payments.payment_request(payment=payment, by=deal[who])
    payments.payment_request(payment=payment, by=deal["officer"])
    with pytest.raises(PermissionDenied):
        payments.payment_approve(payment=payment, by=deal["buyer"])


def test_the_ledger_refuses_an_instalment_whose_period_is_not_accepted(deal):
    contract = deal["contract"]
    instalment = deal["periods"][1].instalment
    with pytest.raises(ValidationError, match="not been accepted"):
        services._schedule_instalment(instalment=instalment, by=deal["buyer"])
    assert not _payments(contract).exists()


def test_a_cancelled_instalment_payment_can_be_scheduled_again_once(deal):
    _period, payment = accept(deal)
    payments.payment_cancel(payment=payment, by=deal["finance"], reason="wrong account")
    again = services._schedule_instalment(instalment=deal["period"].instalment, by=deal["buyer"])
    assert again.pk != payment.pk
    assert _payments(deal["contract"]).exclude(status=Payment.Status.CANCELLED).count() == 1


# --- The final instalment --------------------------------------------------------------------------


def test_the_final_instalment_waits_for_every_period_then_for_the_evaluation(deal, evaluation):
    final = deal["final"]
    assert "every period" in services.final_instalment_waiting(instalment=final)
    for period in deal["periods"]:
        accept(deal, period)
    assert "no result yet" in services.final_instalment_waiting(instalment=final)
    with pytest.raises(ValidationError, match="no result yet"):
        services.final_instalment_release(instalment=final, by=deal["buyer"])

    evaluation["result"] = EvaluationResult(passed=False, grade="C")
    with pytest.raises(ValidationError, match="did not pass"):
        services.final_instalment_release(instalment=final, by=deal["buyer"])

    evaluation["result"] = EvaluationResult(passed=True, grade="A")
    payment = services.final_instalment_release(instalment=final, by=deal["buyer"])
    assert payment.amount == final.amount and payment.status == Payment.Status.SCHEDULED
    payments.payment_request(payment=payment, by=deal["finance"])
    # A later failing result stops the approval (the ledger asks again under its lock).
    evaluation["result"] = EvaluationResult(passed=False, grade="C")
    with pytest.raises(ValidationError, match="did not pass"):
        payments.payment_approve(payment=payment, by=deal["finance2"])


def test_the_ngo_cannot_release_the_final_instalment(deal, evaluation):
    with pytest.raises(PermissionDenied, match="release the final instalment"):
        services.final_instalment_release(instalment=deal["final"], by=deal["ngo"])


# --- Impact figures ----------------------------------------------------------------------------------


def test_impact_figures_count_contracts_and_only_accepted_deliveries(deal):
    accept(deal)
    log(deal, period=deal["periods"][1], people_served=999, cases_handled=99)  # not accepted: not counted
    figures = compute()
    assert figures.service_contracts_signed == 1
    assert figures.service_people_served == 40
    assert figures.service_cases_handled == 7
    assert any(row["key"] == "service_people_served" for row in figures.rows())


def test_hours_must_be_positive(deal):
    with pytest.raises(ValidationError):
        log(deal, hours=Decimal("0"))
