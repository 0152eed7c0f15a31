"""The finance back office pages and the NGO payments page: scoping, actions, query counts."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.money import format_money
from grants.payments import services
from grants.payments.models import Payment
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory
from tests.factories.payments import (
    BankBatchFactory,
    PaymentFactory,
    approved_subsidy,
    award_with_tranches,
    tranche_payment,
)
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db
Status = Payment.Status


@pytest.fixture
def finance():
    return UserFactory(finance=True)


@pytest.fixture
def finance_client(finance):
    return login(Client(), finance)


@pytest.fixture
def officer():
    return UserFactory(officer=True)


def test_queue_query_count_does_not_grow_with_rows(finance_client, finance):
    funder = tranche_payment(requested=True).funder
    funder.officers.add(finance)

    def add(n):
        for _ in range(n):
            PaymentFactory(requested=True)
            tranche_payment(award=award_with_tranches(funder=funder), approved=True)

    assert_flat_query_count(finance_client, reverse("payments_admin_queue"), add)


def test_other_list_pages_query_counts_do_not_grow(finance_client, officer):
    assert_flat_query_count(
        finance_client, reverse("payments_admin_batches"), lambda n: [PaymentFactory(approved=True) for _ in range(n)]
    )
    assert_flat_query_count(
        finance_client, reverse("payments_admin_batches"), lambda n: [BankBatchFactory() for _ in range(n)]
    )
    assert_flat_query_count(
        login(Client(), officer), reverse("payments_admin_payable"), lambda n: [approved_subsidy() for _ in range(n)]
    )
    assert_flat_query_count(
        login(Client(), officer), reverse("payments_admin_payable"), lambda n: [award_with_tranches() for _ in range(n)]
    )
    assert_flat_query_count(
        finance_client,
        reverse("payments_admin_reconciliation"),
        lambda n: [
            finance_client.post(
                reverse("payments_admin_reconciliation"),
                {"file": SimpleUploadedFile("bank.csv", b"reference,amount,date\nPAY-X,1.00,2026-01-01\n")},
            )
            for _ in range(n)
        ],
    )


def test_ngo_payments_page_query_count_does_not_grow():
    subsidy = approved_subsidy()
    organisation = subsidy.organisation
    owner = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    client = login(Client(), owner)
    url = reverse("payments:organisation_payments", kwargs={"pk": organisation.pk})
    assert_flat_query_count(
        client,
        url,
        lambda n: [PaymentFactory(subsidy=approved_subsidy(organisation=organisation), paid=True) for _ in range(n)],
    )


def test_ngo_sees_only_its_own_payments():
    mine = PaymentFactory(paid=True)
    theirs = PaymentFactory(paid=True)
    owner = UserFactory(ngo_member=True)
    MembershipFactory(organisation=mine.payee, user=owner, role=Membership.Role.OWNER)
    client = login(Client(), owner)
    page = client.get(reverse("payments:organisation_payments", kwargs={"pk": mine.payee.pk})).content.decode()
    assert mine.reference in page and theirs.reference not in page
    other = client.get(reverse("payments:organisation_payments", kwargs={"pk": theirs.payee.pk}))
    assert other.status_code == 404


def test_bulk_approval_approves_others_requests_and_refuses_own(finance_client, finance):
    own = PaymentFactory(requested=True, requested_by=finance)
    other = PaymentFactory(requested=True)
    response = finance_client.post(reverse("payments_admin_queue"), {"payment": [own.pk, other.pk]}, follow=True)
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (Status.REQUESTED, Status.APPROVED)
    assert "four-eyes" in response.content.decode()


def test_bulk_approval_names_the_payments_it_approved(finance_client):
    first, second = PaymentFactory(requested=True), PaymentFactory(requested=True)
    one = finance_client.post(reverse("payments_admin_queue"), {"payment": [first.pk]}, follow=True)
    assert f"Payment {first.reference} approved." in [str(m) for m in one.context["messages"]]
    third = PaymentFactory(requested=True)
    two = finance_client.post(reverse("payments_admin_queue"), {"payment": [second.pk, third.pk]}, follow=True)
    (message,) = [str(m) for m in two.context["messages"]]
    assert message.startswith("2 payments approved: ")
    assert second.reference in message and third.reference in message


def test_queue_filters_by_status(finance_client):
    requested = PaymentFactory(requested=True)
    paid = PaymentFactory(paid=True)
    page = finance_client.get(reverse("payments_admin_queue"), {"status": "requested"}).content.decode()
    assert requested.reference in page and paid.reference not in page


def test_officer_does_not_see_another_funders_payment(officer):
    foreign = tranche_payment(requested=True)
    client = login(Client(), officer)
    assert foreign.reference not in client.get(reverse("payments_admin_queue")).content.decode()
    assert client.get(reverse("payments_admin_payment", kwargs={"pk": foreign.pk})).status_code == 403


def test_payment_page_shows_the_audit_trail_with_who_and_when(finance_client, finance, officer):
    payment = services.payment_request_subsidy(subsidy=approved_subsidy(), by=officer)
    services.payment_approve(payment=payment, by=finance)
    page = finance_client.get(reverse("payments_admin_payment", kwargs={"pk": payment.pk})).content.decode()
    assert "Payment requested" in page and "Payment approved" in page
    assert "Requested → Approved" in page
    assert "payment.requested" not in page and "payment.approved" not in page  # labels, never codes (issue 14)
    assert str(officer) in page and str(finance) in page


def test_requester_sees_why_they_cannot_approve():
    both = UserFactory(roles=["Programme officer", "Finance officer"], is_staff=True, mfa=True)

    payment = services.payment_request_subsidy(subsidy=approved_subsidy(), by=both)
    client = login(Client(), both)
    page = client.get(reverse("payments_admin_payment", kwargs={"pk": payment.pk})).content.decode()
    assert "someone else in finance must approve it" in page
    response = client.post(reverse("payments_admin_payment_action", kwargs={"pk": payment.pk, "action": "approve"}))
    assert response.status_code == 403


def test_officer_requests_a_subsidy_payment_from_the_payable_list(officer):
    subsidy = approved_subsidy()
    client = login(Client(), officer)
    assert subsidy.organisation.name in client.get(reverse("payments_admin_payable")).content.decode()
    response = client.post(reverse("payments_admin_request", kwargs={"kind": "subsidy", "pk": subsidy.pk}))
    payment = Payment.objects.get(subsidy=subsidy)
    assert response.status_code == 302
    assert payment.status == Status.REQUESTED


def test_batch_download_is_the_exported_csv(finance_client):
    payment = PaymentFactory(approved=True)
    finance_client.post(reverse("payments_admin_batches"), {"payment": [payment.pk]})
    payment.refresh_from_db()
    response = finance_client.get(reverse("payments_admin_batch_download", kwargs={"pk": payment.batch_id}))
    assert response["Content-Type"].startswith("text/csv")
    assert payment.reference in response.content.decode("utf-8-sig")


def test_bank_batch_page_ticks_no_payment_in_advance(finance_client):
    payment = PaymentFactory(approved=True)
    page = finance_client.get(reverse("payments_admin_batches")).content.decode()
    checkbox = re.search(rf'<input type="checkbox" name="payment" value="{payment.pk}"[^>]*>', page)
    assert checkbox is not None
    assert "checked" not in checkbox.group(0)


def test_bank_batch_takes_exactly_the_ticked_payments(finance_client):
    ticked, left = PaymentFactory(approved=True), PaymentFactory(approved=True)
    response = finance_client.post(reverse("payments_admin_batches"), {"payment": [ticked.pk]}, follow=True)
    ticked.refresh_from_db()
    left.refresh_from_db()
    assert ticked.status == Status.SENT and ticked.batch.payment_count == 1
    assert left.status == Status.APPROVED and left.batch is None
    assert ticked.batch.reference in response.content.decode()


def test_bank_batch_with_nothing_ticked_sends_nothing(finance_client):
    payment = PaymentFactory(approved=True)
    response = finance_client.post(reverse("payments_admin_batches"), {}, follow=True)
    payment.refresh_from_db()
    assert payment.status == Status.APPROVED and payment.batch is None
    assert "Tick the payments to put into the batch." in response.content.decode()


def test_reconciliation_upload_shows_the_report(finance_client):
    payment = PaymentFactory(sent=True)
    body = (
        f"reference,amount,date\n{payment.reference},{payment.amount},2026-03-05\nPAY-NOPE,5.00,2026-03-05\n".encode()
    )
    response = finance_client.post(
        reverse("payments_admin_reconciliation"), {"file": SimpleUploadedFile("bank.csv", body)}, follow=True
    )
    page = response.content.decode()
    assert "1 payment marked paid; 1 line reported" in page
    assert "PAY-NOPE" in page


def test_reconciliation_report_formats_money(finance_client):
    paid, differs = PaymentFactory(sent=True), PaymentFactory(sent=True)
    body = (
        f"reference,amount,date\n{paid.reference},{paid.amount},2026-03-05\n{differs.reference},1.00,2026-03-05\n"
    ).encode()
    response = finance_client.post(
        reverse("payments_admin_reconciliation"), {"file": SimpleUploadedFile("bank.csv", body)}, follow=True
    )
    page = response.content.decode()
    assert format_money(paid.amount, paid.currency) in page
    assert f"The bank paid ¥1.00 but the payment is for {format_money(differs.amount, differs.currency)}." in page
    assert f"<td>{paid.amount}</td>" not in page


def test_bad_reconciliation_file_is_explained_on_the_form(finance_client):
    response = finance_client.post(
        reverse("payments_admin_reconciliation"), {"file": SimpleUploadedFile("bank.csv", b"foo,bar\n1,2\n")}
    )
    assert response.status_code == 200
    assert "missing column" in response.content.decode()


def test_ledger_export_lists_visible_payments_and_defuses_formulas(finance_client):
    payment = PaymentFactory(paid=True, description="=cmd")
    foreign = tranche_payment(paid=True)
    body = b"".join(finance_client.get(reverse("payments_admin_ledger_export")).streaming_content).decode("utf-8-sig")
    assert payment.reference in body and foreign.reference not in body
    assert body.splitlines()[0].startswith("reference,kind,")


def test_finance_page_shows_committed_paid_and_available(finance):
    award = award_with_tranches()
    award.application.call.funder.officers.add(finance)
    tranche_payment(award=award, paid=True)
    page = login(Client(), finance).get(reverse("payments_admin_finance")).content.decode()
    assert award.application.call.title in page
    assert "¥100,000.00" in page  # committed
    assert "¥40,000.00" in page  # paid
    assert "¥400,000.00" in page  # available of ¥500,000


def test_dashboard_links_the_ngo_to_its_payments_and_finance_to_the_queue(finance):
    owner = UserFactory(ngo_member=True)
    organisation = approved_subsidy().organisation
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    ngo_page = login(Client(), owner).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("payments:organisation_payments", kwargs={"pk": organisation.pk}) in ngo_page
    finance_page = login(Client(), finance).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("payments_admin_queue") in finance_page


def test_the_queue_reads_its_funder_options_once_then_keeps_them(finance_client, finance, django_assert_num_queries):
    funder = tranche_payment(requested=True).funder
    funder.officers.add(finance)
    finance_client.get(reverse("payments_admin_queue"))
    # The session (in the database in tests), the user, their Wagtail profile, the count
    # and the page of payments: the funders of the filter are kept (data_version).
    with django_assert_num_queries(5):
        page = finance_client.get(reverse("payments_admin_queue")).content.decode()
    assert f'<option value="{funder.pk}">{funder.name}</option>' in page
