"""`{% review_progress_of user as tasks %}`: the reviewer's "4 of 6 done" per call, for
the progress summary at the top of the assignment list."""

from django import template

from accounts.data_version import per_user
from grants.review.dashboard import reviewer_progress

register = template.Library()


@register.simple_tag
def review_progress_of(user):
    # Kept under the data version, as the dashboard's tasks are: a submitted review shows
    # at once, and the list's every visit does not count the assignments again (issue 15).
    return per_user("review-progress", user, compute=lambda: reviewer_progress(user))
