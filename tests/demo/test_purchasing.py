"""The service purchasing demo shows all of it (issue 16): delivery periods accepted and one
disputed and corrected first, instalments in the ledger and one paid by two finance officers,
last year's contract evaluated and renewed, village advisers covering some villages, an offer
photo; and loading it twice changes nothing."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.roles import is_finance_officer
from core.audit import events_for
from demo import accounts as accounts_demo
from demo import incubator as incubator_demo
from demo import purchasing as purchasing_demo
from demo import purchasing_delivery as delivery_demo
from demo.loader import DemoContext
from grants.awards.evaluation.models import EvaluationCase, Part, PurchaserRating
from grants.payments.models import Payment
from purchasing.contracts import permissions
from purchasing.contracts.models import Contract, Instalment, Need, Offer
from purchasing.delivery import selectors
from purchasing.delivery.models import AdviserContract, DeliveryPeriod
from purchasing.delivery.services import INSTALMENT, adviser_minimum

pytestmark = pytest.mark.django_db


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def load(ctx=None):
    ctx = ctx or DemoContext()
    accounts_demo.load(ctx)
    incubator_demo.load(ctx)
    purchasing_demo.load(ctx)
    return ctx


@pytest.fixture
def demo():
    return load()


def payment_of(instalment):
    return Payment.objects.exclude(status=Payment.Status.CANCELLED).get(source_key=f"{INSTALMENT}:{instalment.pk}")


def verbs(period):
    return [event.verb for event in events_for(period)]


def this_year_contract():
    return Need.objects.get(title_zh=purchasing_demo.NEED_TITLE_ZH).contracts.get()


def test_this_years_contract_has_an_accepted_period_paid_by_two_finance_officers(demo):
    contract = this_year_contract()
    first = DeliveryPeriod.objects.filter(contract=contract).order_by("instalment__sequence").first()
    assert first.status == DeliveryPeriod.Status.ACCEPTED
    assert verbs(first).count("delivery.logged") == len(delivery_demo.FIRST_PERIOD)
    assert "delivery_period.disputed" not in verbs(first)
    places = list(first.deliveries.values_list("place", flat=True))
    assert places == [row[1] for row in delivery_demo.FIRST_PERIOD]
    assert all(d.hours > 0 and d.people_served > 0 for d in first.deliveries.all())

    payment = payment_of(first.instalment)
    assert payment.status == Payment.Status.PAID and payment.batch is not None
    assert payment.payer_name == contract.buyer.name_zh and payment.amount == first.instalment.amount
    assert payment.requested_by != payment.approved_by
    assert is_finance_officer(payment.requested_by) and is_finance_officer(payment.approved_by)
    assert payment.destination_account_number == contract.organisation.bank_account_number


@pytest.mark.skipif(
    timezone.localdate() == datetime.date(timezone.localdate().year, 1, 1),
    reason="on 1 January only one period of the year has begun",
)
def test_the_second_period_was_disputed_corrected_resubmitted_and_accepted(demo):
    contract = this_year_contract()
    second = DeliveryPeriod.objects.filter(contract=contract).order_by("instalment__sequence")[1]
    assert second.status == DeliveryPeriod.Status.ACCEPTED
    assert second.dispute_reason == delivery_demo.DISPUTE_REASON
    assert second.summary == delivery_demo.CORRECTED_SUMMARY
    history = [
        v for v in verbs(second) if v.startswith("delivery_period.") or v in ("delivery.removed", "delivery.logged")
    ]
    assert history == [
        "delivery.logged",
        "delivery.logged",
        "delivery_period.submitted",
        "delivery_period.disputed",
        "delivery.removed",
        "delivery.logged",
        "delivery_period.resubmitted",
        "delivery_period.accepted",
    ]
    assert sorted(second.deliveries.values_list("people_served", flat=True)) == [47, 48]
    # In the ledger, requested by one finance officer and waiting for another to approve.
    payment = payment_of(second.instalment)
    assert payment.status == Payment.Status.REQUESTED and is_finance_officer(payment.requested_by)


def test_last_years_contract_is_completed_evaluated_paid_and_renewed(demo):
    year = timezone.localdate().year
    clerk = demo.users["buyer"]
    last = Contract.objects.get(year=year - 1, previous__isnull=True)
    assert last.status == Contract.Status.COMPLETED
    periods = DeliveryPeriod.objects.filter(contract=last)
    assert periods.count() == 4 and {p.status for p in periods} == {DeliveryPeriod.Status.ACCEPTED}

    case = EvaluationCase.objects.get(pk=last.evaluation_case_id)
    assert case.status == EvaluationCase.Status.PUBLISHED and case.passed
    assert case.third_party_id is None
    assert case.assessments.filter(part=Part.PURCHASER, submitted_by=clerk).exists()
    assert case.responses.count() >= 5
    assert set(case.weights) == {Part.PURCHASER, Part.BENEFICIARIES}
    assert PurchaserRating.objects.filter(case=case).exists()
    assert any(e.verb == "purchasing.contract_evaluated" for e in events_for(last))

    # Every instalment, the final one after the evaluation, paid through the ledger.
    for instalment in last.instalments.all():
        assert payment_of(instalment).status == Payment.Status.PAID
    assert last.instalments.filter(kind=Instalment.Kind.FINAL).count() == 1

    renewal = last.renewals.get()
    assert renewal.status == Contract.Status.DRAFT and renewal.year == year
    assert (renewal.buyer_id, renewal.organisation_id, renewal.total) == (
        last.buyer_id,
        last.organisation_id,
        last.total,
    )
    allowed, reason = permissions.can_renew_contract(clerk, last)
    assert not allowed and "already been renewed" in str(reason)


def test_village_advisers_cover_some_villages_at_the_minimum_with_monthly_logs(demo):
    year = timezone.localdate().year
    advisers = AdviserContract.objects.filter(year=year).select_related("contract", "village")
    assert advisers.count() == len(delivery_demo.ADVISER_VILLAGES)
    for adviser in advisers:
        assert adviser.contract.total == adviser_minimum(year=year)
        assert adviser.contract.status == Contract.Status.ACTIVE
        assert adviser.logs.count() == timezone.localdate().month
    coverage = selectors.adviser_coverage(year=year)
    assert coverage["covered"] == len(delivery_demo.ADVISER_VILLAGES)
    assert coverage["villages"] > coverage["covered"]
    district = advisers[0].village.parent.parent
    row = next(r for r in coverage["rows"] if r["district"] == district)
    assert row["covered"] == 3 and row["missing"] > 0


def test_a_published_offer_has_a_photo(demo):
    offer = Offer.objects.get(title_zh=purchasing_demo.OFFERS[0][1])
    assert offer.status == Offer.Status.PUBLISHED
    photo = offer.photos.get()
    assert photo.width and photo.height and photo.caption


def test_loading_twice_changes_nothing(demo):
    first = row_counts()
    payments = sorted(Payment.objects.values_list("id", "status", "updated_at"))
    load()
    assert row_counts() == first
    assert sorted(Payment.objects.values_list("id", "status", "updated_at")) == payments
    assert any(line.startswith("Purchasing delivery:") for line in demo.log)
