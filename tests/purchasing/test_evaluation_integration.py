"""A contract is evaluated by the three-party scheme, without mocks: signing opens the case
and the delivery periods; the buyer's marks and residents' answers are published into a grade
that the delivery app's final instalment and the renewal gate read."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cms import caching
from core.audit import events_for
from grants.awards.evaluation import permissions as case_permissions
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.forms import criterion_field_name
from grants.awards.evaluation.models import EvaluationCase, Part, PurchaserRating
from grants.payments.models import Payment
from purchasing.contracts import evaluation_results, permissions
from purchasing.contracts.models import Contract, Instalment
from purchasing.contracts.services import contracts as contract_services
from purchasing.delivery import services as delivery
from purchasing.delivery.models import DeliveryPeriod
from tests.factories.accounts import UserFactory
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    buyer_user,
    ngo_manager,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed():
    buyer = BuyerFactory()
    BudgetLineFactory(buyer=buyer, amount=1_000_000)
    contract = ContractFactory(buyer=buyer, offered=True)
    clerk, ngo = buyer_user(buyer), ngo_manager(contract.organisation)
    org = contract.organisation
    org.bank_name, org.bank_account_name, org.bank_account_number = "中国银行苏州分行", org.name_zh, "6217000011113333"
    org.save()
    contract_services.contract_accept(contract=contract, by=clerk)
    contract = contract_services.contract_accept(contract=contract, by=ngo)
    return {"contract": contract, "buyer": clerk, "ngo": ngo, "officer": UserFactory(officer=True)}


def _marks(case, value):
    return {c.pk: Decimal(value) for c in case.scheme.criteria.filter(part=Part.PURCHASER)}


def _answer(case, value, times=5):
    questions = case.scheme.criteria.filter(part=Part.BENEFICIARIES)
    for _ in range(times):
        evaluation.feedback_submit(case=case, answers={q.pk: value for q in questions})


def _deliver_every_period(deal):
    for period in DeliveryPeriod.objects.filter(contract=deal["contract"]).select_related("instalment"):
        delivery.delivery_log(
            period=period,
            by=deal["ngo"],
            delivered_on=period.instalment.period_start,
            place="枫桥街道综治中心",
            hours=3,
            people_served=40,
            cases_handled=5,
            cases_mediated=2,
        )
        delivery.period_submit(period=period, by=deal["ngo"])
        delivery.period_accept(period=period, by=deal["buyer"])


def _final(contract):
    return contract.instalments.get(kind=Instalment.Kind.FINAL)


def test_signing_opens_the_evaluation_case_the_survey_link_and_the_delivery_periods(signed):
    contract = Contract.objects.get(pk=signed["contract"].pk)
    assert contract.status == Contract.Status.SIGNED
    case = contract.evaluation_case
    assert case.kind == "contract" and case.status == EvaluationCase.Status.OPEN
    assert case.organisation_id == contract.organisation_id
    assert contract.beneficiary_feedback_url.endswith(
        reverse("awards:feedback", kwargs={"token": case.feedback_token}).removeprefix("/en")
    )
    # Delivery opened its periods at signature (purchasing.contracts.signing), not lazily.
    assert (
        DeliveryPeriod.objects.filter(contract=contract).count() == contract.instalments.filter(kind="period").count()
    )
    # The kind's roles: the buyer's staff mark and manage; a programme officer manages; the NGO neither.
    assert case_permissions.is_purchaser(signed["buyer"], case) and case_permissions.is_manager(signed["buyer"], case)
    assert case_permissions.is_manager(signed["officer"], case)
    assert not case_permissions.is_purchaser(signed["officer"], case)
    assert not case_permissions.is_manager(signed["ngo"], case)
    assert evaluation_results.result_for(contract) is None


def test_a_passing_grade_makes_the_final_instalment_payable_and_allows_renewal(signed):
    contract = signed["contract"]
    case = contract.evaluation_case
    _deliver_every_period(signed)
    assert "no result yet" in delivery.final_instalment_waiting(instalment=_final(contract))
    evaluation.assessment_submit(case=case, part=Part.PURCHASER, by=signed["buyer"], marks=_marks(case, 85))
    _answer(case, 5)
    evaluation.case_publish(case=case, by=signed["buyer"])
    case.refresh_from_db()
    assert case.passed and set(case.weights) == {Part.PURCHASER, Part.BENEFICIARIES}

    contract.refresh_from_db()
    result = evaluation_results.result_for(contract)
    assert result.passed and result.grade == case.get_grade_display()
    assert delivery.final_instalment_waiting(instalment=_final(contract)) == ""
    payment = delivery.final_instalment_release(instalment=_final(contract), by=signed["buyer"])
    assert payment.status == Payment.Status.SCHEDULED and payment.amount == _final(contract).amount
    assert any(e.verb == "purchasing.contract_evaluated" for e in events_for(contract))

    contract_services.contract_start(contract=contract, by=signed["buyer"])
    contract = contract_services.contract_complete(contract=contract, by=signed["buyer"])
    assert permissions.can_renew_contract(signed["buyer"], contract)
    renewal = contract_services.contract_renew(contract=contract, by=signed["buyer"])
    assert renewal.previous_id == contract.pk and renewal.evaluation_case_id is None


def test_a_failing_grade_holds_the_final_instalment_back_and_refuses_renewal_with_the_reason(signed):
    contract = signed["contract"]
    case = contract.evaluation_case
    _deliver_every_period(signed)
    # Only the purchaser's part (no survey answers): its marks alone make the grade.
    evaluation.assessment_submit(case=case, part=Part.PURCHASER, by=signed["buyer"], marks=_marks(case, 20))
    evaluation.case_publish(case=case, by=signed["officer"])
    case.refresh_from_db()
    assert not case.passed and set(case.weights) == {Part.PURCHASER}

    contract.refresh_from_db()
    waiting = delivery.final_instalment_waiting(instalment=_final(contract))
    assert "did not pass" in waiting and case.get_grade_display() in waiting
    with pytest.raises(ValidationError, match="did not pass"):
        delivery.final_instalment_release(instalment=_final(contract), by=signed["buyer"])

    contract_services.contract_start(contract=contract, by=signed["buyer"])
    contract = contract_services.contract_complete(contract=contract, by=signed["buyer"])
    allowed, reason = permissions.can_renew_contract(signed["buyer"], contract)
    assert not allowed and "did not pass" in reason and case.get_grade_display() in reason
    with pytest.raises(PermissionDenied, match="did not pass"):
        contract_services.contract_renew(contract=contract, by=signed["buyer"])


def test_the_pages_mark_publish_and_let_the_ngo_rate_the_buyer(signed, client):
    contract = signed["contract"]
    case = contract.evaluation_case
    detail = reverse("purchasing:contract_detail", kwargs={"pk": contract.pk})
    page = reverse("purchasing:contract_evaluation", kwargs={"pk": contract.pk})
    rate = reverse("purchasing:contract_rate_buyer", kwargs={"pk": contract.pk})

    client.force_login(signed["ngo"])
    body = client.get(detail).content.decode()
    assert reverse("awards:case_detail", kwargs={"pk": case.pk}) in body
    assert reverse("awards:feedback_poster", kwargs={"pk": case.pk}) in body
    assert page not in body and rate not in body
    assert client.get(page).status_code == 403
    assert client.get(rate).status_code == 403  # not before the result is published

    client.force_login(signed["buyer"])
    assert page in client.get(detail).content.decode()
    fields = {criterion_field_name(c): "80" for c in case.scheme.criteria.filter(part=Part.PURCHASER)}
    response = client.post(page, {"action": "marks", **fields, "comment": "按时开展"})
    assert response.status_code == 302
    assert case.assessments.filter(part=Part.PURCHASER).exists()
    response = client.post(page, {"action": "publish"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_published and case.passed

    client.force_login(signed["ngo"])
    body = client.get(detail).content.decode()
    assert rate in body and case.get_grade_display() in body
    response = client.post(rate, {"guidance": 5, "service": 4, "intervention": 4, "payment_timeliness": 3})
    assert response.status_code == 302
    assert PurchaserRating.objects.get(case=case).payment_timeliness == 3
    assert client.get(rate).status_code == 403  # once


def test_a_contract_changing_state_refreshes_cached_public_pages_and_impact_figures(django_capture_on_commit_callbacks):
    contract = ContractFactory(signed=True)
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.contract_start(contract=contract, by=buyer_user(contract.buyer))
    assert caching.generation() > before
