"""The officers' award list and reports queue are paged with the shared component (issue 15)."""

import pytest
from django.test import Client
from django.urls import reverse

from grants.awards import admin_views
from grants.awards.models import Award, MilestoneReport
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.utils.auth import login
from tests.utils.pagination import assert_paginates, assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


@pytest.fixture
def funder(officer):
    return FunderFactory(officers=[officer])


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)


def _awards(funder):
    return lambda n: [AwardFactory(active=True, application__call=FinalCallFactory(funder=funder)) for _ in range(n)]


def _reports(funder):
    def add(n):
        for _ in range(n):
            award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
            ReportFactory(milestone=milestone(award), submitted=True)

    return add


def test_the_award_list_is_paged_and_keeps_the_status_filter(officer_client, funder, small_pages):
    AwardFactory(application__call=FinalCallFactory(funder=funder))  # offered: filtered out
    assert_paginates(
        officer_client,
        reverse("awards_admin_list"),
        add_rows=_awards(funder),
        context_name="page",
        page_size=2,
        filters={"status": Award.Status.ACTIVE},
    )


def test_the_award_list_makes_as_many_queries_for_60_awards_as_for_3(officer_client, funder):
    assert_same_queries(officer_client, reverse("awards_admin_list"), _awards(funder))


def test_the_reports_queue_is_paged_and_keeps_the_status_filter(officer_client, funder, small_pages):
    assert_paginates(
        officer_client,
        reverse("awards_admin_reports"),
        add_rows=_reports(funder),
        context_name="page",
        page_size=2,
        filters={"status": MilestoneReport.Status.SUBMITTED},
    )


def test_the_reports_queue_makes_as_many_queries_for_60_reports_as_for_3(officer_client, funder):
    assert_same_queries(officer_client, reverse("awards_admin_reports"), _reports(funder))
