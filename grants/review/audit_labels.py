"""How the review's audit events read (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from grants.review.models import Objection, Review

REVIEW_VERBS = {
    "review.submitted": _("Review submitted"),
    "review.reopened": _("Review reopened"),
}
OBJECTION_VERBS = {
    "review.objection_lodged": _("Objection lodged"),
    "review.objection_resolved": _("Objection answered"),
}
PANEL_VERBS = {
    "review.results_published": _("Results published for objections"),
    "review.assigned": _("Reviewers assigned"),
    "review.assignment_added": _("Reviewer added"),
    "review.assignment_removed_for_conflict": _("Reviewer removed for a conflict of interest"),
    "review.assignment_replaced": _("Reviewer replaced"),
    "review.conflict_declared": _("Conflict of interest declared"),
    "review.conflict_detected": _("Conflict of interest detected"),
    "review.no_conflict_declared": _("No conflict of interest declared"),
    "review.reminders_sent": _("Reminders sent to reviewers"),
    "review.panel_updated": _("Panel updated"),
    "review.reviewer_invited": _("Reviewer invited"),
    "review.invitation_revoked": _("Reviewer's invitation withdrawn"),
    "review.reviewer_joined": _("Reviewer joined the panel"),
    "review.reviewer_removed": _("Reviewer removed from the panel"),
    "review.profile_updated": _("Reviewer's profile updated"),
    "review.relationship_declared": _("Relationship with an organisation declared"),
    "review.relationship_withdrawn": _("Relationship with an organisation withdrawn"),
    "review.proposal_created": _("Award proposal drawn up"),
    "review.proposal_line_changed": _("Award proposal changed"),
    "review.awards_decided": _("Awards decided"),
    "review.descriptors_saved": _("Score descriptors saved"),
}


def register_audit() -> None:
    register_verbs(REVIEW_VERBS, states=Review.Status)
    register_verbs(OBJECTION_VERBS, states=Objection.Status)
    register_verbs(PANEL_VERBS)
