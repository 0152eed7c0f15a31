"""Dashboard cards of the review stage: reviewers' work, and applicants' review results."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_reviewer
from grants.review.selectors import applications_with_feedback

MAX_RESULT_CARDS = 5


def review_links(user) -> list[dict]:
    links = []
    if is_reviewer(user):
        links += [
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
    for application in applications_with_feedback(user)[:MAX_RESULT_CARDS]:
        links.append(
            {
                "url": reverse("review:feedback", kwargs={"pk": application.pk}),
                "title": _("Review results: %(title)s") % {"title": application.display_title},
                "description": _("Your scores per criterion and the reviewers' anonymised comments for %(call)s.")
                % {"call": application.call.title},
            }
        )
    return links
