"""Dashboard cards of the review stage."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_reviewer


def review_links(user) -> list[dict]:
    if not is_reviewer(user):
        return []
    return [
        {
            "url": reverse("review:assignment_list"),
            "title": _("My review assignments"),
            "description": _("Declare conflicts, score the applications assigned to you and submit your reviews."),
        },
        {
            "url": reverse("review:profile"),
            "title": _("My reviewer profile"),
            "description": _("Your expertise, areas and declared relationships."),
        },
    ]
