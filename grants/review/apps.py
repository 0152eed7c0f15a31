from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Expert-panel review: panels, conflicts, assignments, scores, ranking, announcement."""

    name = "grants.review"
    label = "review"
    verbose_name = _("Review")

    def ready(self):
        from accounts import dashboard
        from core.invitations import register_accept_on_login
        from grants.calls.services.calls import register_finalisation_check
        from grants.review import signals
        from grants.review.dashboard import review_links, review_tasks
        from grants.review.services.announcements import finalisation_problems

        dashboard.register(review_links)
        dashboard.register_tasks(review_tasks)
        # A call's results become final only once its announcement's objections are settled.
        register_finalisation_check(finalisation_problems)
        # An invitee who signs in or signs up from an invitation page joins at once
        # (once they have a second factor).
        register_accept_on_login(
            session_key=signals.INVITATION_SESSION_KEY,
            accept=signals.accept_pending_invitation,
            ready=signals.ready_to_join,
        )

        # How its audit events read, and the History pages staff may open (core.audit, core.history).
        from grants.review.audit_labels import register_audit

        register_audit()
