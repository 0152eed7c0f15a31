"""Scoring: a reviewer saves a draft, then submits; a submitted review is locked until
an officer reopens it with a reason."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.bilingual import email_values
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition, require
from grants.calls.models import Call
from grants.calls.permissions import can_manage_call
from grants.review.models import Assignment, Recommendation, Review
from grants.review.permissions import can_edit_review

R = Review.Status
REVIEW_TRANSITIONS = {
    R.DRAFT: (R.SUBMITTED,),
    R.SUBMITTED: (R.DRAFT,),
}


@dataclass
class ReviewData:
    """What the reviewer typed, per criterion code. Scores may be None while drafting."""

    scores: dict = field(default_factory=dict)
    criterion_comments: dict = field(default_factory=dict)
    comment: str = ""
    recommendation: str = ""


def _locked_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update()
        .select_related("call", "call__funder", "application")
        .get(pk=assignment.pk)
    )


def _clean(data: ReviewData, criteria) -> tuple[dict, dict, dict]:
    """Scores within each criterion's range; unknown criteria rejected. Returns (scores, comments, errors)."""
    known = {criterion.code: criterion for criterion in criteria}
    errors = {}
    unknown = sorted(set(data.scores) - set(known))
    if unknown:
        errors["__all__"] = _("Unknown criteria: %(codes)s.") % {"codes": ", ".join(unknown)}
    scores, comments = {}, {}
    for code, criterion in known.items():
        value = data.scores.get(code)
        if value not in (None, ""):
            try:
                number = int(str(value).strip())
            except ValueError:
                errors[code] = _("Enter a whole number.")
                continue
            if not 0 <= number <= criterion.max_score:
                errors[code] = _("“%(label)s” is scored from 0 to %(max)s.") % {
                    "label": criterion.label,
                    "max": criterion.max_score,
                }
                continue
            scores[code] = number
        text = (data.criterion_comments.get(code) or "").strip()
        if text:
            comments[code] = text
    if data.recommendation and data.recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose a recommendation.")
    return scores, comments, errors


def _write(assignment: Assignment, data: ReviewData) -> Review:
    criteria = assignment.call.criteria
    scores, comments, errors = _clean(data, criteria)
    if errors:
        raise ValidationError(errors)
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.is_submitted:
        raise ValidationError(_("This review has been submitted and is locked."))
    review.scores = scores
    review.criterion_comments = comments
    review.comment = (data.comment or "").strip()
    review.recommendation = data.recommendation or ""
    review.version += 1
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_save_draft(*, assignment: Assignment, by, data: ReviewData) -> Review:
    """Save what the reviewer has so far. Scores already given must be within range."""
    locked = _locked_assignment(assignment)
    require(can_edit_review(by, locked), _("You cannot edit this review."))
    return _write(locked, data)


def submission_problems(*, review: Review, criteria) -> dict:
    problems = {}
    for criterion in criteria:
        if criterion.code not in review.scores:
            problems[criterion.code] = _("Score “%(label)s”.") % {"label": criterion.label}
        elif criterion.code not in review.criterion_comments:
            problems[f"comment_{criterion.code}"] = _("Add a comment on “%(label)s”.") % {"label": criterion.label}
    if not review.recommendation:
        problems["recommendation"] = _("Give your overall recommendation.")
    return problems


@transaction.atomic
def review_submit(*, assignment: Assignment, by, data: ReviewData) -> Review:
    """Submit the review: every criterion scored within its range with a comment, and an
    overall recommendation. Afterwards the review is locked."""
    locked = _locked_assignment(assignment)
    require(can_edit_review(by, locked), _("You cannot edit this review."))
    review = _write(locked, data)
    problems = submission_problems(review=review, criteria=locked.call.criteria)
    if problems:
        raise ValidationError(problems)
    check_transition(allowed=REVIEW_TRANSITIONS, current=review.status, target=R.SUBMITTED)
    review.status = R.SUBMITTED
    review.submitted_at = timezone.now()
    review.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(target=review, verb="review.submitted", actor=by, from_state=R.DRAFT, to_state=R.SUBMITTED)
    return review


@transaction.atomic
def review_reopen(*, review: Review, by, reason: str) -> Review:
    """An officer of the call's funder reopens a submitted review for the reviewer to
    change, while the call is in review. The reason is required, audited and sent to the reviewer."""
    review = (
        Review.objects.select_for_update()
        .select_related(
            "assignment",
            "assignment__call",
            "assignment__call__funder",
            "assignment__reviewer",
            "assignment__application",
        )
        .get(pk=review.pk)
    )
    call = review.assignment.call
    require(can_manage_call(by, call), _("You cannot reopen this review."))
    if call.status != Call.Status.IN_REVIEW:
        raise ValidationError(_("Reviews can be reopened only while the call is in review."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason; the reviewer will see it.")})
    check_transition(allowed=REVIEW_TRANSITIONS, current=review.status, target=R.DRAFT)
    review.status = R.DRAFT
    review.submitted_at = None
    review.reopened_count += 1
    review.save(update_fields=["status", "submitted_at", "reopened_count", "updated_at"])
    record_event(
        target=review, verb="review.reopened", actor=by, from_state=R.SUBMITTED, to_state=R.DRAFT, message=reason
    )
    assignment = review.assignment
    notify(
        template="review_reopened",
        recipients=[assignment.reviewer],
        context={
            **email_values("call_title", assignment.call, "title"),
            "application_title": assignment.application.display_title,
            "reason": reason,
            "path": site_path("review:review_edit", pk=assignment.application_id),
        },
        key=f"review-reopened:{review.pk}:{review.reopened_count}",
    )
    return review
