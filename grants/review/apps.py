from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Expert-panel review: panels, conflicts, assignments, scores, ranking, announcement."""

    name = "grants.review"
    label = "review"
    verbose_name = _("Review")

    def ready(self):
        from accounts import dashboard
        from grants.calls.services.calls import register_finalisation_check
        from grants.review import signals  # noqa: F401
        from grants.review.dashboard import review_links
        from grants.review.services.announcements import finalisation_problems

        dashboard.register(review_links)
        # A call's results become final only once its announcement's objections are settled.
        register_finalisation_check(finalisation_problems)
