"""Who may do what in the review stage. Used by views, templates and services.

Officers act on the panels of their funders' calls (`grants.calls.permissions`). A reviewer
acts only on their own assignments, and sees an application's content only after
declaring no conflict; a conflict removes the assignment, so the page is then a 404.
"""

from accounts.roles import is_reviewer
from grants.calls.models import Application, Call
from grants.calls.permissions import can_manage_call, is_member_of, is_staff_of_funder

# --- Officers -------------------------------------------------------------------------------


def can_manage_panel(user, call) -> bool:
    """Invite reviewers, set the deadline, assign, remind."""
    return can_manage_call(user, call)


def can_view_review_progress(user, call) -> bool:
    return is_staff_of_funder(user, call.funder_id)


def can_reopen_review(user, review) -> bool:
    call = review.assignment.call
    return can_manage_call(user, call) and call.status == Call.Status.IN_REVIEW and review.is_submitted


def can_decide_awards(user, call) -> bool:
    return can_manage_call(user, call) and call.status == Call.Status.IN_REVIEW


def can_publish_results(user, call) -> bool:
    return can_manage_call(user, call) and call.status == Call.Status.DECIDED


def can_resolve_objection(user, objection) -> bool:
    return can_manage_call(user, objection.call) and objection.status == objection.Status.OPEN


# --- Reviewers ------------------------------------------------------------------------------


def can_use_review_portal(user) -> bool:
    return is_reviewer(user)


def can_declare_on(user, assignment) -> bool:
    return (
        assignment.reviewer_id == user.pk
        and not assignment.declared
        and assignment.call.status == Call.Status.IN_REVIEW
    )


def can_see_application_content(user, assignment) -> bool:
    """Only the assigned reviewer, and only after declaring no conflict."""
    return assignment.reviewer_id == user.pk and assignment.declared


def can_edit_review(user, assignment, review=None) -> bool:
    return (
        can_see_application_content(user, assignment)
        and assignment.call.status == Call.Status.IN_REVIEW
        and (review is None or not review.is_submitted)
    )


def can_see_identity(user, call) -> bool:
    """Whether the applicant's name may be shown to this reviewer at all."""
    return not call.blind_review


# --- Applicants -----------------------------------------------------------------------------


FEEDBACK_STATES = (Call.Status.ANNOUNCED, Call.Status.FINAL)
REVIEWED_STATES = (
    Application.Status.RECOMMENDED,
    Application.Status.NOT_RECOMMENDED,
    Application.Status.AWARDED,
    Application.Status.DECLINED,
)


def can_see_feedback(user, application) -> bool:
    """The applicant's members see their own scores and anonymised comments once the call is announced."""
    return (
        is_member_of(user, application.organisation_id)
        and application.call.status in FEEDBACK_STATES
        and application.status in REVIEWED_STATES
    )
