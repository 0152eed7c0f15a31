"""The review lists are paged (issue 15): the reviewer's assignments, and the officers'
review index, panel progress, assignments, reviews, ranking and objections. The award
proposal is not: it is decided as a whole."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.review import admin_views, views
from grants.review.models import ScoreSummary
from tests.factories.accounts import UserFactory
from tests.factories.review import (
    AssignmentFactory,
    InReviewApplicationFactory,
    ObjectionFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
    ProposalLineFactory,
    ReviewCallFactory,
    ReviewFactory,
)
from tests.utils.auth import login
from tests.utils.pagination import assert_paginates, assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "ASSIGNMENTS_PAGE_SIZE", 2)


# --- The reviewer ------------------------------------------------------------------------------


@pytest.fixture
def reviewer():
    return UserFactory(reviewer=True)


def assignments_of(call, reviewer):
    def add(n):
        for _ in range(n):
            ReviewFactory(
                assignment=AssignmentFactory(
                    application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True
                )
            )

    return add


def test_the_reviewers_list_is_paged_and_counts_every_assignment_above_it(call, reviewer, small_pages):
    client = login(Client(), reviewer)
    assert_paginates(
        client,
        reverse("review:assignment_list"),
        add_rows=assignments_of(call, reviewer),
        context_name="page_obj",
        page_size=2,
    )
    # The progress summary above the table counts all three assignments, not page 2's one.
    page = client.get(reverse("review:assignment_list"), {"page": 2}).content.decode()
    assert "0 of 3 done" in page


def test_the_reviewers_list_makes_as_many_queries_for_60_assignments_as_for_3(call, reviewer):
    assert_same_queries(login(Client(), reviewer), reverse("review:assignment_list"), assignments_of(call, reviewer))


# --- The officers ------------------------------------------------------------------------------


def _calls(call):
    return lambda n: [ReviewCallFactory(funder=call.funder) for _ in range(n)]


def test_the_review_index_is_paged(call, officer_client, small_pages):
    call.delete()
    funder_call = ReviewCallFactory(funder=call.funder)
    funder_call.delete()
    assert_paginates(
        officer_client,
        reverse("review_admin_index"),
        add_rows=_calls(call),
        context_name="calls",
        page_size=2,
    )


def test_the_review_index_makes_as_many_queries_for_60_calls_as_for_3(call, officer_client):
    assert_same_queries(officer_client, reverse("review_admin_index"), _calls(call))


def _members(call):
    panel = PanelFactory(call=call)
    return lambda n: [PanelMemberFactory(panel=panel) for _ in range(n)]


def test_the_panels_progress_is_paged(call, officer_client, small_pages):
    assert_paginates(
        officer_client,
        reverse("review_admin_call", kwargs={"pk": call.pk}),
        add_rows=_members(call),
        context_name="progress",
        page_size=2,
    )


def test_the_panel_makes_as_many_queries_for_60_reviewers_as_for_3(call, officer_client):
    assert_same_queries(officer_client, reverse("review_admin_call", kwargs={"pk": call.pk}), _members(call))


def _applications(call):
    def add(n):
        for _ in range(n):
            AssignmentFactory(application=InReviewApplicationFactory(call=call))

    return add


def test_assignments_are_paged_by_application_with_the_totals_of_the_whole_call(call, officer_client, small_pages):
    url = reverse("review_admin_assignments", kwargs={"pk": call.pk})
    assert_paginates(officer_client, url, add_rows=_applications(call), context_name="applications", page_size=2)
    response = officer_client.get(url, {"page": 2})
    assert response.context["totals"]["due"] == 3
    assert "3 assignments in all" in response.content.decode()


def test_assignments_make_as_many_queries_for_60_applications_as_for_3(call, officer_client):
    assert_same_queries(
        officer_client, reverse("review_admin_assignments", kwargs={"pk": call.pk}), _applications(call)
    )


def _reviews(call):
    def add(n):
        for _ in range(n):
            ReviewFactory(
                assignment=AssignmentFactory(application=InReviewApplicationFactory(call=call), declared=True)
            )

    return add


def test_reviews_are_paged(call, officer_client, small_pages):
    assert_paginates(
        officer_client,
        reverse("review_admin_reviews", kwargs={"pk": call.pk}),
        add_rows=_reviews(call),
        context_name="reviews",
        page_size=2,
    )


def test_reviews_make_as_many_queries_for_60_reviews_as_for_3(call, officer_client):
    assert_same_queries(officer_client, reverse("review_admin_reviews", kwargs={"pk": call.pk}), _reviews(call))


def _summaries(call):
    def add(n):
        start = ScoreSummary.objects.filter(call=call).count()
        for i in range(start + 1, start + n + 1):
            ScoreSummary.objects.create(
                application=InReviewApplicationFactory(call=call),
                call=call,
                review_count=3,
                raw_score=100 - i,
                normalised_score=100 - i,
                spread=5,
                raw_rank=i,
                normalised_rank=i,
                computed_at=timezone.now(),
            )

    return add


def test_the_ranking_is_paged_in_rank_order_and_keeps_the_basis(call, officer_client, small_pages):
    url = reverse("review_admin_ranking", kwargs={"pk": call.pk})
    assert_paginates(
        officer_client, url, add_rows=_summaries(call), context_name="rows", page_size=2, filters={"by": "raw"}
    )
    second = officer_client.get(url, {"by": "raw", "page": 2}).context["rows"]
    assert [row.raw_rank for row in second] == [3]


def test_the_ranking_makes_as_many_queries_for_60_applications_as_for_3(call, officer_client):
    assert_same_queries(officer_client, reverse("review_admin_ranking", kwargs={"pk": call.pk}), _summaries(call))


def _objections(call):
    return lambda n: [ObjectionFactory(call=call) for _ in range(n)]


def test_objections_are_paged(call, officer_client, small_pages):
    assert_paginates(
        officer_client,
        reverse("review_admin_objections", kwargs={"pk": call.pk}),
        add_rows=_objections(call),
        context_name="objections",
        page_size=2,
    )


def test_objections_make_as_many_queries_for_60_objections_as_for_3(call, officer_client):
    assert_same_queries(officer_client, reverse("review_admin_objections", kwargs={"pk": call.pk}), _objections(call))


def test_the_award_proposal_shows_every_line_with_flat_queries(call, officer_client, small_pages):
    """Not paged on purpose: the officer decides on the proposal as a whole."""
    proposal = ProposalFactory(call=call)
    url = reverse("review_admin_proposal", kwargs={"pk": call.pk})

    def add(n):
        for _ in range(n):
            ProposalLineFactory(proposal=proposal, application=InReviewApplicationFactory(call=call))

    assert_same_queries(officer_client, url, add, few=3, many=20)
    assert len(officer_client.get(url).context["lines"]) == 20


def test_the_ranking_reads_the_call_with_its_funder_and_panel_in_one_query(call, officer_client):
    url = reverse("review_admin_ranking", kwargs={"pk": call.pk})
    officer_client.get(url)  # the panel is made on first use
    with CaptureQueriesContext(connection) as queries:
        assert officer_client.get(url).status_code == 200
    assert sum('FROM "grants_call"' in query["sql"] for query in queries) == 1
    assert sum('FROM "review_panel"' in query["sql"] for query in queries) == 0
