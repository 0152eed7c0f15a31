from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Expert-panel review: panels, conflicts, assignments, scores, ranking, announcement."""

    name = "grants.review"
    label = "review"
    verbose_name = _("Review")

    def ready(self):
        from accounts import dashboard
        from grants.review import signals  # noqa: F401
        from grants.review.dashboard import review_links

        dashboard.register(review_links)
