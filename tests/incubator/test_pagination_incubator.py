"""The incubator's queues are paged (issue 15): verification and bank-account changes."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incubator import admin_views
from incubator.models import BankAccountChange, Organisation
from tests.factories.accounts import UserFactory
from tests.factories.incubator import OrganisationFactory, SubsidyFactory
from tests.utils.auth import login
from tests.utils.pagination import assert_paginates, assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client():
    return login(Client(), UserFactory(officer=True))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)


def _returned(n):
    for _ in range(n):
        OrganisationFactory(returned=True, submitted_at=timezone.now())


def test_the_verification_queue_is_paged_and_keeps_the_status(officer_client, small_pages):
    OrganisationFactory(submitted=True)  # another status
    assert_paginates(
        officer_client,
        reverse("incubator_admin_queue"),
        add_rows=_returned,
        context_name="organisations",
        page_size=2,
        filters={"status": Organisation.Status.RETURNED},
    )


def test_the_verification_queue_makes_as_many_queries_for_60_organisations_as_for_3(officer_client):
    assert_same_queries(
        officer_client,
        reverse("incubator_admin_queue"),
        lambda n: [OrganisationFactory(submitted=True, submitted_at=timezone.now()) for _ in range(n)],
    )


def _changes(status):
    proposer = UserFactory(officer=True)

    def add(n):
        for _ in range(n):
            BankAccountChange.objects.create(
                organisation=OrganisationFactory(verified=True),
                bank_name="中国银行苏州分行",
                bank_account_name="测试中心",
                bank_account_number="6217000011113333",
                proposed_by=proposer,
                status=status,
            )

    return add


def test_bank_changes_page_the_pending_and_the_decided_each_with_its_own_number(officer_client, small_pages):
    url = reverse("incubator_admin_bank_changes")
    assert_paginates(
        officer_client,
        url,
        add_rows=_changes(BankAccountChange.Status.PENDING),
        context_name="pending",
        page_size=2,
    )
    assert_paginates(
        officer_client,
        url,
        add_rows=_changes(BankAccountChange.Status.REJECTED),
        context_name="decided",
        page_size=2,
        param="decided_page",
    )


def test_bank_changes_make_as_many_queries_for_60_changes_as_for_3(officer_client):
    assert_same_queries(
        officer_client, reverse("incubator_admin_bank_changes"), _changes(BankAccountChange.Status.PENDING)
    )


def _approved_subsidies(n):
    for _ in range(n):
        SubsidyFactory(approved=True)


def test_the_dashboards_unpaid_subsidies_are_paged(officer_client, small_pages):
    assert_paginates(
        officer_client,
        reverse("incubator_admin_dashboard"),
        add_rows=_approved_subsidies,
        context_name="payable",
        page_size=2,
        param="payable_page",
    )


def test_the_dashboard_makes_as_many_queries_for_60_unpaid_subsidies_as_for_3(officer_client):
    assert_same_queries(officer_client, reverse("incubator_admin_dashboard"), _approved_subsidies)
