"""The back office's History page of one object: every audit event, who, when (China time),
what and the change of status, all as words; linked from the object's own page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.audit import record_event
from core.models import AuditEvent
from grants.payments import services
from grants.payments.models import Payment
from tests.factories.accounts import UserFactory
from tests.factories.grants import CallFactory, FunderFactory
from tests.factories.incubator import IncubateeFactory, OrganisationFactory, SubsidyFactory
from tests.factories.payments import PaymentFactory, approved_subsidy
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def history_url(obj, language="en") -> str:
    with translation.override(language):
        return reverse("core_admin_history", args=[obj._meta.label_lower, obj.pk])


@pytest.fixture
def officer(client):
    user = UserFactory(officer=True, first_name="Officer", last_name="Wang")
    login(client, user)
    return user


def test_a_payments_history_reads_as_words_in_china_time(client, officer):
    payment = PaymentFactory(subsidy=approved_subsidy())
    services.payment_request(payment=payment, by=officer)
    AuditEvent.objects.filter(verb="payment.requested").update(
        created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )
    response = client.get(history_url(payment))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Payment requested" in page
    assert "Scheduled → Requested" in page
    assert "2026-03-02 07:30" in page  # 23:30 UTC is 07:30 the next morning in Shanghai
    assert "Officer Wang" in page
    for code in ("payment.requested", "payment.scheduled", ">scheduled", ">requested"):
        assert code not in page


def test_the_history_page_speaks_chinese(client, officer):
    payment = PaymentFactory(subsidy=approved_subsidy())
    services.payment_request(payment=payment, by=officer)
    page = client.get(history_url(payment, "zh-hans"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已排期 → 已申请" in page
    assert "payment.requested" not in page


def test_an_organisations_edits_list_the_fields_by_their_labels(client, officer):
    organisation = OrganisationFactory()
    record_event(target=organisation, verb="organisation.updated", actor=officer, message="contact_phone, mission")
    page = client.get(history_url(organisation)).content.decode()
    assert "Details updated" in page
    assert "contact_phone" not in page


def test_the_payment_page_links_to_its_history(client, officer):
    payment = PaymentFactory(subsidy=approved_subsidy())
    with translation.override("en"):
        payments_page = reverse("payments_admin_payment", args=[payment.pk])
    page = client.get(payments_page).content.decode()
    assert history_url(payment) in page


def test_staff_who_may_not_see_the_object_are_refused(client):
    payment = PaymentFactory(subsidy=approved_subsidy())
    login(client, UserFactory(is_staff=True, mfa=True))  # staff, but no ledger role
    assert client.get(history_url(payment)).status_code == 403


def test_a_model_without_a_history_page_is_refused(client, officer):
    with translation.override("en"):
        url = reverse("core_admin_history", args=["accounts.user", officer.pk])
    response = client.get(url)
    assert response.status_code == 403


def test_the_query_count_does_not_grow_with_the_events(client, officer):
    payment = PaymentFactory(subsidy=approved_subsidy())
    actors = iter(UserFactory.create_batch(10, officer=True))

    def add_rows(count):
        for _ in range(count):
            record_event(
                target=payment,
                verb="payment.retried",
                actor=next(actors),
                from_state=Payment.Status.FAILED,
                to_state=Payment.Status.APPROVED,
            )

    assert_flat_query_count(client, history_url(payment), add_rows)


def test_times_are_shown_in_the_sites_zone():
    assert str(timezone.get_default_timezone()) == "Asia/Shanghai"


def test_the_back_office_pages_link_to_their_history(client, officer):
    organisation = OrganisationFactory()
    incubatee = IncubateeFactory(organisation=organisation)
    subsidy = SubsidyFactory(organisation=organisation)
    call = CallFactory(funder=FunderFactory(officers=[officer]))
    pages = {
        "incubator_admin_review": organisation,
        "incubator_admin_incubatee": incubatee,
        "incubator_admin_subsidy": subsidy,
        "grants_admin_call_manage": call,
    }
    for name, obj in pages.items():
        with translation.override("en"):
            url = reverse(name, args=[obj.pk])
        page = client.get(url).content.decode()
        assert history_url(obj) in page, name
