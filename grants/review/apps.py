from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Expert-panel review: panels, conflicts, assignments, scores, ranking, announcement."""

    name = "grants.review"
    label = "review"
    verbose_name = "Review"
