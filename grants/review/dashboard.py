"""Dashboard cards of the review stage: reviewers' work, and applicants' review results."""

from collections import Counter

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dashboard import Task
from accounts.roles import is_programme_officer, is_reviewer
from grants.calls.models import Application, Call
from grants.calls.selectors import calls_for_officer
from grants.review.models import Assignment, Objection, Review
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


def _calls_by_id(rows) -> dict:
    """The calls the rows name, in one query (their titles are the calls' to give)."""
    ids = {row["call_id"] for row in rows}
    return Call.objects.only("pk", "title_zh", "title_en").in_bulk(ids) if ids else {}


def reviewer_progress(user) -> list[Task]:
    """Per call under review: how many of the reviewer's assigned reviews are submitted,
    and by when they are due (one query)."""
    if not is_reviewer(user):
        return []
    now = timezone.now()
    rows = list(
        Assignment.objects.filter(reviewer=user, call__status=Call.Status.IN_REVIEW)
        .values("call_id", "call__panel__review_deadline")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=Q(review__status=Review.Status.SUBMITTED)))
        .order_by("call__panel__review_deadline", "call_id")
    )
    calls = _calls_by_id(rows)
    url = reverse("review:assignment_list")
    return [
        Task(
            label=_("Reviews for %(call)s") % {"call": calls[row["call_id"]].title},
            url=url,
            count=row["assigned"],
            done=row["submitted"],
            due=timezone.localdate(deadline) if (deadline := row["call__panel__review_deadline"]) else None,
            overdue=bool(deadline and deadline < now and row["submitted"] < row["assigned"]),
        )
        for row in rows
    ]


def officer_review_tasks(user) -> list[Task]:
    """Programme officers, per call of their funders under review: applications short of
    reviewers and reviews past the panel's deadline; per call with published results:
    objections to answer. Four queries whatever the number of calls."""
    if not is_programme_officer(user):
        return []
    calls = calls_for_officer(user).values("id")
    now = timezone.now()
    tasks = []

    short_by_call = Counter(
        Application.objects.filter(
            call__in=calls, call__status=Call.Status.IN_REVIEW, status=Application.Status.IN_REVIEW
        )
        .annotate(reviewers=Count("review_assignments"))
        .filter(reviewers__lt=F("call__reviewers_per_application"))
        .values_list("call_id", flat=True)
    )
    short = [{"call_id": call_id, "count": count} for call_id, count in sorted(short_by_call.items())]
    overdue = list(
        Assignment.objects.filter(
            call__in=calls, call__status=Call.Status.IN_REVIEW, call__panel__review_deadline__lt=now
        )
        .exclude(review__status=Review.Status.SUBMITTED)
        .values("call_id", "call__panel__review_deadline")
        .annotate(count=Count("id"))
        .order_by("call__panel__review_deadline", "call_id")
    )
    objections = list(
        Objection.objects.filter(call__in=calls, status=Objection.Status.OPEN)
        .values("call_id")
        .annotate(count=Count("id"))
        .order_by("call_id")
    )
    titles = _calls_by_id(short + overdue + objections)

    for row in short:
        tasks.append(
            Task(
                label=_("Applications short of reviewers: %(call)s") % {"call": titles[row["call_id"]].title},
                url=reverse("review_admin_assignments", kwargs={"pk": row["call_id"]}),
                count=row["count"],
                back_office=True,
            )
        )

    for row in overdue:
        tasks.append(
            Task(
                label=_("Overdue reviews: %(call)s") % {"call": titles[row["call_id"]].title},
                url=reverse("review_admin_call", kwargs={"pk": row["call_id"]}),
                count=row["count"],
                due=timezone.localdate(row["call__panel__review_deadline"]),
                overdue=True,
                back_office=True,
            )
        )

    for row in objections:
        tasks.append(
            Task(
                label=_("Objections to answer: %(call)s") % {"call": titles[row["call_id"]].title},
                url=reverse("review_admin_objections", kwargs={"pk": row["call_id"]}),
                count=row["count"],
                back_office=True,
            )
        )
    return tasks


def review_tasks(user) -> list[Task]:
    return reviewer_progress(user) + officer_review_tasks(user)
