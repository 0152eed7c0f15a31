"""The reviewers' scoring page (issue 14): the application beside the form, what each score
level means shown with each criterion, and the weighted total computed by the server."""

import pytest
from django.test import Client
from django.urls import reverse

from grants.review import scoring
from grants.review.models import Review, ScoreDescriptor
from tests.factories.accounts import UserFactory
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return UserFactory(reviewer=True, email="expert@university.edu.cn")


@pytest.fixture
def assignment(call, reviewer):
    return AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True)


def edit_url(assignment):
    return reverse("review:review_edit", kwargs={"pk": assignment.application_id})


def test_generic_levels_cover_every_score_once():
    levels = scoring.generic_levels(10)
    assert [(level.low, level.high) for level in levels] == [(0, 0), (1, 3), (4, 6), (7, 8), (9, 10)]
    assert [(level.low, level.high) for level in scoring.generic_levels(5)] == [(0, 0), (1, 1), (2, 3), (4, 4), (5, 5)]


def test_the_weighted_total_is_the_engines_and_counts_missing_scores_as_zero(call):
    criteria = call.criteria
    assert scoring.weighted_total(criteria, {c.code: c.max_score for c in criteria}) == 100.0
    first = criteria[0]
    assert scoring.weighted_total(criteria, {first.code: first.max_score}) == float(first.weight)
    assert scoring.weighted_total(criteria, {first.code: first.max_score + 1}) is None


def test_the_page_shows_the_application_beside_the_form_with_each_criterions_levels(call, reviewer, assignment):
    first = call.criteria[0]
    ScoreDescriptor.objects.create(
        call=call, criterion_code=first.code, min_score=0, text_zh="未涉及", text_en="Absent"
    )
    ScoreDescriptor.objects.create(
        call=call, criterion_code=first.code, min_score=6, text_zh="可信", text_en="Credible plan, clear targets"
    )
    client = login(Client(), reviewer)
    html = client.get(edit_url(assignment)).content.decode()
    assert 'class="review-split"' in html and 'id="review-application"' in html
    assert assignment.application.summary in html
    # The call's own levels for its first criterion, the generic ones for the others.
    assert f'id="levels-{first.code}"' in html
    assert "0–5</span> Absent" in html
    assert f"6–{first.max_score}</span> Credible plan, clear targets" in html
    second = call.criteria[1]
    assert f'id="levels-{second.code}"' in html
    assert "Excellent: fully convincing, nothing missing." in html
    assert f'aria-describedby="levels-{first.code}"' in html
    assert "review/review_total.js" in html
    assert f'data-weight="{first.weight}"' in html


def test_the_server_shows_the_weighted_total_after_a_save_and_on_a_failed_one(call, reviewer, assignment):
    client = login(Client(), reviewer)
    first = call.criteria[0]
    response = client.post(edit_url(assignment), {f"score_{first.code}": str(first.max_score), "draft": "1"})
    assert response.status_code == 302
    html = client.get(edit_url(assignment)).content.decode()
    assert f'aria-live="polite" data-value>{first.weight:.1f}</output>' in html
    review = Review.objects.get(assignment=assignment)
    assert review.scores == {first.code: first.max_score}

    # A failed save shows the error summary linking to the field, and no total for a score out of range.
    response = client.post(edit_url(assignment), {f"score_{first.code}": "99", "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary-focus" in html
    assert f'href="#id_score_{first.code}"' in html
    assert "data-value>—</output>" in html
