"""How the review's audit events read (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from grants.review.models import DefenceSlot, Objection, Review, ReviewRound

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


ROUND_VERBS = {
    "review.round_added": _("Review round added"),
    "review.round_updated": _("Review round changed"),
    "review.round_scoring": _("Review round taking scores"),
    "review.round_closed": _("Review round closed and shortlist drawn"),
    "review.round_shortlist_confirmed": _("Shortlist confirmed"),
    "review.tie_decided": _("Tie at the shortlist line decided"),
}
DEFENCE_VERBS = {
    "review.defence_member_added": _("Defence panel member added"),
    "review.defence_member_present": _("Defence panel member marked present"),
    "review.defence_member_absent": _("Defence panel member marked absent"),
    "review.defence_scheduled": _("Live defence scheduled"),
    "review.defence_notified": _("Applicants emailed their defence slots"),
    "review.defence_confirmed": _("Defence slot confirmed by the applicant"),
    "review.defence_declined": _("Defence slot declined by the applicant"),
    "review.defence_scored": _("Defence score submitted"),
    "review.defence_score_late": _("Late defence score submitted"),
    "review.defence_score_reopened": _("Defence score reopened"),
}
SLOT_VERBS = {
    "review.defence_slot_waiting": _("Presentation back to waiting"),
    "review.defence_slot_presenting": _("Presentation started"),
    "review.defence_slot_closed": _("Presentation's scoring closed"),
    "review.defence_slot_absent": _("Applicant absent from the defence"),
}


def register_audit() -> None:
    register_verbs(ROUND_VERBS, states=ReviewRound.Status)
    register_verbs(DEFENCE_VERBS)
    register_verbs(SLOT_VERBS, states=DefenceSlot.State)
    register_verbs(REVIEW_VERBS, states=Review.Status)
    register_verbs(OBJECTION_VERBS, states=Objection.Status)
    register_verbs(PANEL_VERBS)
