import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import events_for
from core.transitions import TransitionNotAllowed
from grants.calls.models import Call
from grants.review.models import Review, ScoreSummary
from grants.review.services import reviews as services
from grants.review.services.ranking import aggregate_call
from grants.review.services.reviews import ReviewData
from tests.factories.accounts import UserFactory
from tests.factories.review import (
    CODES,
    AssignmentFactory,
    InReviewApplicationFactory,
    PanelFactory,
    ReviewFactory,
    comments,
    scores,
)

pytestmark = pytest.mark.django_db


def complete(value=7) -> ReviewData:
    return ReviewData(scores=scores(value), criterion_comments=comments(), comment="Good.", recommendation="fund")


@pytest.fixture
def assignment(call):
    return AssignmentFactory(application=InReviewApplicationFactory(call=call), declared=True)


# --- Drafts and submission ---------------------------------------------------------------------


def test_a_partial_draft_saves(assignment):
    review = services.review_save_draft(
        assignment=assignment,
        by=assignment.reviewer,
        data=ReviewData(scores={"need": 8}, criterion_comments={"need": "Clear need."}),
    )
    assert review.status == Review.Status.DRAFT
    assert review.scores == {"need": 8}
    assert review.criterion_comments == {"need": "Clear need."}


def test_a_score_above_the_criterions_maximum_is_refused_with_its_range(assignment):
    with pytest.raises(ValidationError) as error:
        services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=ReviewData(scores={"need": 11}))
    assert "from 0 to 10" in error.value.message_dict["need"][0]


def test_a_negative_or_fractional_score_is_refused(assignment):
    with pytest.raises(ValidationError):
        services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=ReviewData(scores={"need": -1}))
    with pytest.raises(ValidationError, match="whole number"):
        services.review_save_draft(
            assignment=assignment, by=assignment.reviewer, data=ReviewData(scores={"need": "7.5"})
        )


def test_an_unknown_criterion_is_refused(assignment):
    with pytest.raises(ValidationError, match="Unknown criteria"):
        services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=ReviewData(scores={"charm": 5}))


def test_submitting_needs_every_score_a_comment_each_and_a_recommendation(assignment):
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            assignment=assignment,
            by=assignment.reviewer,
            data=ReviewData(scores={**scores(), "team": None}, criterion_comments={**comments(), "need": ""}),
        )
    problems = error.value.message_dict
    assert "team" in problems and "comment_need" in problems and "recommendation" in problems
    assert not Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()


def test_a_submitted_review_is_locked(assignment):
    review = services.review_submit(assignment=assignment, by=assignment.reviewer, data=complete())
    assert review.status == Review.Status.SUBMITTED and review.submitted_at
    assert "review.submitted" in [e.verb for e in events_for(review)]
    with pytest.raises(ValidationError, match="submitted and is locked"):
        services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=complete(3))
    with pytest.raises(ValidationError, match="submitted and is locked"):
        services.review_submit(assignment=assignment, by=assignment.reviewer, data=complete(3))
    assert Review.objects.get(pk=review.pk).scores == scores(7)


def test_nothing_can_be_scored_before_declaring_no_conflict(call):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call))
    with pytest.raises(PermissionDenied):
        services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=complete())


def test_another_reviewer_cannot_write_this_review(assignment):
    with pytest.raises(PermissionDenied):
        services.review_save_draft(assignment=assignment, by=UserFactory(reviewer=True), data=complete())


def test_reviews_cannot_change_once_the_call_is_decided(assignment):
    Call.objects.filter(pk=assignment.call_id).update(status=Call.Status.DECIDED)
    assignment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=complete())


# --- Reopening ---------------------------------------------------------------------------------


def test_an_officer_reopens_a_submitted_review_with_a_reason(assignment, officer, django_capture_on_commit_callbacks):
    review = services.review_submit(assignment=assignment, by=assignment.reviewer, data=complete())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reopen(review=review, by=officer, reason="Team score contradicts the comment.")
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT and review.reopened_count == 1
    event = next(e for e in events_for(review) if e.verb == "review.reopened")
    assert event.actor == officer and event.message == "Team score contradicts the comment."
    assert mail.outbox[0].to == [assignment.reviewer.email]
    assert "Team score contradicts the comment." in mail.outbox[0].body


def test_reopening_needs_a_reason(assignment, officer):
    review = services.review_submit(assignment=assignment, by=assignment.reviewer, data=complete())
    with pytest.raises(ValidationError, match="Give the reason"):
        services.review_reopen(review=review, by=officer, reason="  ")


def test_a_reviewer_cannot_reopen_their_own_review(assignment):
    review = services.review_submit(assignment=assignment, by=assignment.reviewer, data=complete())
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, by=assignment.reviewer, reason="Oops")


def test_a_draft_cannot_be_reopened(assignment, officer):
    review = services.review_save_draft(assignment=assignment, by=assignment.reviewer, data=complete())
    with pytest.raises((PermissionDenied, TransitionNotAllowed)):
        services.review_reopen(review=review, by=officer, reason="Why not")


# --- Aggregation -------------------------------------------------------------------------------


def _submit(application, reviewer, value):
    return ReviewFactory(
        submitted=True,
        assignment=AssignmentFactory(application=application, reviewer=reviewer, declared=True),
        scores=scores(value),
    )


def test_a_harsh_and_a_lenient_reviewer_count_alike_after_normalisation(call):
    """Same ordering, offset scales: the normalised ranking interleaves their applications."""
    harsh, lenient = UserFactory(reviewer=True), UserFactory(reviewer=True)
    harsh_apps = [InReviewApplicationFactory(call=call) for _ in range(3)]
    lenient_apps = [InReviewApplicationFactory(call=call) for _ in range(3)]
    for application, value in zip(harsh_apps, (2, 3, 4), strict=True):
        _submit(application, harsh, value)
    for application, value in zip(lenient_apps, (7, 8, 9), strict=True):
        _submit(application, lenient, value)
    aggregate_call(call=call)
    summary = {s.application_id: s for s in ScoreSummary.objects.filter(call=call)}
    # Raw: every lenient application beats every harsh one.
    assert min(summary[a.pk].raw_score for a in lenient_apps) > max(summary[a.pk].raw_score for a in harsh_apps)
    # Normalised: each reviewer's k-th best scores the same.
    for harsh_app, lenient_app in zip(harsh_apps, lenient_apps, strict=True):
        assert summary[harsh_app.pk].normalised_score == pytest.approx(summary[lenient_app.pk].normalised_score)
    best = {summary[harsh_apps[2].pk].normalised_rank, summary[lenient_apps[2].pk].normalised_rank}
    assert best == {1, 2}


def test_raw_score_is_the_weighted_mean_on_a_0_to_100_scale(call):
    application = InReviewApplicationFactory(call=call)
    _submit(application, UserFactory(reviewer=True), 6)
    _submit(application, UserFactory(reviewer=True), 8)
    aggregate_call(call=call)
    summary = ScoreSummary.objects.get(application=application)
    assert summary.raw_score == pytest.approx(70.0)
    assert summary.spread == pytest.approx(20.0)
    assert summary.review_count == 2


def test_applications_whose_reviewers_disagree_are_flagged(call):
    PanelFactory(call=call, disagreement_threshold=25)
    split = InReviewApplicationFactory(call=call)
    agreed = InReviewApplicationFactory(call=call)
    _submit(split, UserFactory(reviewer=True), 2)
    _submit(split, UserFactory(reviewer=True), 9)
    _submit(agreed, UserFactory(reviewer=True), 7)
    _submit(agreed, UserFactory(reviewer=True), 8)
    aggregate_call(call=call)
    assert ScoreSummary.objects.get(application=split).disagreement
    assert not ScoreSummary.objects.get(application=agreed).disagreement


def test_drafts_do_not_count_in_the_scores(call):
    application = InReviewApplicationFactory(call=call)
    _submit(application, UserFactory(reviewer=True), 8)
    ReviewFactory(assignment=AssignmentFactory(application=application, declared=True), scores=scores(1))
    aggregate_call(call=call)
    assert ScoreSummary.objects.get(application=application).review_count == 1


def test_aggregation_can_run_again_without_duplicates(call):
    application = InReviewApplicationFactory(call=call)
    _submit(application, UserFactory(reviewer=True), 8)
    aggregate_call(call=call)
    aggregate_call(call=call)
    assert ScoreSummary.objects.filter(call=call).count() == 1


def test_codes_are_the_default_rubric(call):
    assert [c.code for c in call.criteria] == CODES


def test_reviews_cannot_be_reopened_once_the_call_is_decided(assignment, officer):
    review = services.review_submit(assignment=assignment, by=assignment.reviewer, data=complete())
    Call.objects.filter(pk=assignment.call_id).update(status=Call.Status.DECIDED)
    with pytest.raises(ValidationError, match="only while the call is in review"):
        services.review_reopen(review=review, by=officer, reason="Too late")
