"""The finance back office's lists are paged (issue 15): queue, payable, batches, imports."""

import pytest
from django.test import Client
from django.urls import reverse

from grants.payments import admin_views
from grants.payments.models import BankConfirmationImport, Payment
from tests.factories.accounts import UserFactory
from tests.factories.grants import CallFactory, FunderFactory
from tests.factories.payments import BankBatchFactory, PaymentFactory, approved_subsidy, award_with_tranches
from tests.utils.auth import login
from tests.utils.pagination import assert_paginates, assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance():
    return UserFactory(finance=True)


@pytest.fixture
def finance_client(finance):
    return login(Client(), finance)


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)


def requested(n):
    for _ in range(n):
        PaymentFactory(requested=True)


def test_the_queue_pages_its_payments_and_keeps_the_filters(finance_client, small_pages):
    PaymentFactory(paid=True)  # filtered out
    assert_paginates(
        finance_client,
        reverse("payments_admin_queue"),
        add_rows=requested,
        context_name="payments",
        page_size=2,
        filters={"status": Payment.Status.REQUESTED},
    )


def test_bulk_approval_returns_to_the_page_it_was_sent_from(finance_client, small_pages):
    requested(3)
    page = finance_client.get(reverse("payments_admin_queue"), {"status": "requested", "page": 2})
    assert 'name="query" value="status=requested&amp;page=2"' in page.content.decode()
    response = finance_client.post(reverse("payments_admin_queue"), {"query": "status=requested&page=2"})
    assert response["Location"].endswith("?status=requested&page=2")


def test_the_queue_makes_as_many_queries_for_60_payments_as_for_3(finance_client):
    assert_same_queries(finance_client, reverse("payments_admin_queue"), requested)


def test_payable_pages_tranches_and_subsidies_each_with_its_own_number(officer, officer_client, small_pages):
    funder = FunderFactory(officers=[officer])
    url = reverse("payments_admin_payable")
    assert_paginates(
        officer_client,
        url,
        add_rows=lambda n: [approved_subsidy() for _ in range(n)],
        context_name="subsidies",
        page_size=2,
        param="subsidies_page",
    )
    assert_paginates(
        officer_client,
        url,
        add_rows=lambda n: [award_with_tranches(funder=funder) for _ in range(n)],
        context_name="tranches",
        page_size=2,
    )


def test_a_payable_subsidy_on_a_later_page_can_still_be_requested(officer_client, small_pages):
    subsidies = [approved_subsidy() for _ in range(3)]
    response = officer_client.post(reverse("payments_admin_request", args=["subsidy", subsidies[-1].pk]))
    assert response.status_code == 302
    assert Payment.objects.filter(subsidy=subsidies[-1], status=Payment.Status.REQUESTED).exists()


def test_payable_makes_as_many_queries_for_60_rows_as_for_3(officer_client):
    assert_same_queries(
        officer_client, reverse("payments_admin_payable"), lambda n: [approved_subsidy() for _ in range(n)]
    )


def test_batches_page_the_ready_payments_and_the_batches(finance_client, small_pages):
    url = reverse("payments_admin_batches")
    assert_paginates(
        finance_client,
        url,
        add_rows=lambda n: [PaymentFactory(approved=True) for _ in range(n)],
        context_name="ready",
        page_size=2,
    )
    assert_paginates(
        finance_client,
        url,
        add_rows=lambda n: [BankBatchFactory() for _ in range(n)],
        context_name="batches",
        page_size=2,
        param="batches_page",
    )


def test_batches_make_as_many_queries_for_60_batches_as_for_3(finance_client):
    assert_same_queries(
        finance_client, reverse("payments_admin_batches"), lambda n: [BankBatchFactory() for _ in range(n)]
    )


def _imports(n):
    BankConfirmationImport.objects.bulk_create(
        BankConfirmationImport(file_name=f"bank-{i}.csv", applied_count=1) for i in range(n)
    )


def test_reconciliation_pages_the_earlier_imports(finance_client, small_pages):
    assert_paginates(
        finance_client,
        reverse("payments_admin_reconciliation"),
        add_rows=_imports,
        context_name="imports",
        page_size=2,
    )


def test_reconciliation_makes_as_many_queries_for_60_imports_as_for_3(finance_client):
    assert_same_queries(finance_client, reverse("payments_admin_reconciliation"), _imports)


def test_the_finance_page_pages_its_calls_but_charts_and_totals_read_them_all(finance, finance_client, small_pages):
    funder = FunderFactory(officers=[finance])
    assert_paginates(
        finance_client,
        reverse("payments_admin_finance"),
        add_rows=lambda n: [CallFactory(funder=funder) for _ in range(n)],
        context_name="call_rows",
        page_size=2,
    )
    response = finance_client.get(reverse("payments_admin_finance"), {"page": 2})
    assert len(response.context["calls"]) == 3
    assert sum(row["budget"] for row in response.context["funders"]) == sum(
        call.total_budget for call in funder.calls.all()
    )


def test_the_finance_page_makes_as_many_queries_for_60_calls_as_for_3(finance, finance_client):
    funder = FunderFactory(officers=[finance])
    assert_same_queries(
        finance_client,
        reverse("payments_admin_finance"),
        lambda n: [CallFactory(funder=funder) for _ in range(n)],
    )
