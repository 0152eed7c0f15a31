"""Each published event comes from the real service that makes the change, carries ids and
public fields only, and reaches the local receiver signed."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from grants.awards import services as award_services
from grants.awards.models import Award
from grants.payments import services as payment_services
from grants.review.models import Announcement
from grants.review.services import announcements
from tests.factories.accounts import UserFactory
from tests.factories.awards import ReportFactory
from tests.factories.payments import PaymentFactory, tranche_payment
from tests.factories.review import announced_call
from tests.webhooks.test_signing import reference_verify
from webhooks import services
from webhooks.models import Delivery, EventType

pytestmark = pytest.mark.django_db


def subscribe(admin, receiver, *events):
    return services.endpoint_create(by=admin, url=receiver.url, events=list(events))


def received(receiver, endpoint, event_type):
    found = [r for r in receiver.requests if r.json["type"] == event_type]
    for request in found:
        assert reference_verify(endpoint.secret, request.headers["X-LegalAid-Signature"], request.body, time.time())
        assert "@" not in request.body.decode()  # no e-mail address, so no person's contact
    return [r.json["data"] for r in found]


def test_a_call_made_final_publishes_call_final_and_one_award_made_per_award(
    receiver, admin_user, django_capture_on_commit_callbacks
):
    endpoint = subscribe(admin_user, receiver, EventType.CALL_FINAL, EventType.AWARD_MADE)
    officer = UserFactory(officer=True)
    call, _lines = announced_call(officer=officer)
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        announcements.call_make_final(call=call, by=officer)

    (final,) = received(receiver, endpoint, "call.final")
    assert final["call"]["id"] == call.pk
    assert final["call"]["status"] == "final"
    assert final["call"]["funder"]["id"] == call.funder_id
    awards = received(receiver, endpoint, "award.made")
    made = Award.objects.filter(application__call=call)
    assert sorted(a["award"]["reference"] for a in awards) == sorted(made.values_list("reference", flat=True))
    award = made.first()
    (data,) = [a["award"] for a in awards if a["award"]["id"] == award.pk]
    assert data["amount"] == str(award.amount) and data["currency"] == award.currency
    assert data["organisation"] == {
        "id": award.application.organisation_id,
        "name_zh": award.application.organisation.name_zh,
        "name_en": award.application.organisation.name_en,
    }
    assert set(data) == {
        "id",
        "reference",
        "status",
        "amount",
        "currency",
        "starts_on",
        "ends_on",
        "project_title",
        "application",
        "call",
        "organisation",
    }


def test_accepting_a_report_publishes_report_accepted(receiver, admin_user, django_capture_on_commit_callbacks):
    endpoint = subscribe(admin_user, receiver, EventType.REPORT_ACCEPTED)
    report = ReportFactory(submitted=True)
    award = report.milestone.award
    officer = UserFactory(officer=True)
    award.application.call.funder.officers.add(officer)
    with django_capture_on_commit_callbacks(execute=True):
        award_services.report_return(report=report, by=officer, comment="Add the photos.")
    assert receiver.requests == []  # returned is not accepted
    report.status = report.Status.SUBMITTED
    report.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        award_services.report_accept(report=report, by=officer)
    (data,) = received(receiver, endpoint, "report.accepted")
    assert data["report"]["id"] == report.pk
    assert data["report"]["status"] == "accepted"
    assert data["report"]["award"] == {"id": award.pk, "reference": award.reference}
    assert "narrative" not in data["report"]


def test_marking_payments_paid_publishes_payment_paid(receiver, admin_user, django_capture_on_commit_callbacks):
    endpoint = subscribe(admin_user, receiver, EventType.PAYMENT_PAID)
    finance = UserFactory(finance=True)
    subsidy_payment = PaymentFactory(sent=True)
    grant_payment = tranche_payment(sent=True)
    grant_payment.funder.officers.add(finance)
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_mark_paid(payment=subsidy_payment, by=finance)
        payment_services.payment_mark_paid(payment=grant_payment, by=finance)
    subsidy, grant = (d["payment"] for d in received(receiver, endpoint, "payment.paid"))
    assert subsidy["id"] == subsidy_payment.pk and subsidy["kind"] == "subsidy" and subsidy["award"] is None
    assert grant["kind"] == "tranche"
    assert grant["award"]["id"] == grant_payment.tranche.award_id
    assert grant["amount"] == str(grant_payment.amount)
    assert grant["payee"]["id"] == grant_payment.payee_id
    assert "account" not in str(grant)  # no bank details
    assert Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count() == 2
