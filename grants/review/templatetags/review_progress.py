"""`{% review_progress_of user as tasks %}`: the reviewer's "4 of 6 done" per call, for
the progress summary at the top of the assignment list."""

from django import template

from grants.review.dashboard import reviewer_progress

register = template.Library()


@register.simple_tag
def review_progress_of(user):
    return reviewer_progress(user)
