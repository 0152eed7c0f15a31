"""Reads behind the review-stage charts (issue 14): plain data for core/charts.py.

Each function costs a fixed number of queries, however many applications, reviews or
reviewers the call has: the scores come in one query and are totalled by the review
engine (the same 0–100 totals the ranking uses).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from grants.calls.models import Call
from grants.review.engine import aggregation
from grants.review.models import Review
from grants.review.selectors import engine_rubric


@dataclass(frozen=True)
class ReviewTotal:
    application_id: int
    application: str  # the application's reference
    reviewer_id: int
    reviewer: str  # the reviewer's email
    total: float  # 0–100


def review_totals(call: Call) -> list[ReviewTotal]:
    """Every submitted review of the call with its weighted total (0–100). One query.
    A review whose scores do not fit the rubric (a criterion changed since) is left out."""
    rubric = engine_rubric(call=call)
    if not rubric:
        return []
    rows = (
        Review.objects.filter(assignment__call=call, status=Review.Status.SUBMITTED)
        .order_by("assignment__application__reference", "assignment__reviewer__email")
        .values_list(
            "assignment__application_id",
            "assignment__application__reference",
            "assignment__reviewer_id",
            "assignment__reviewer__email",
            "scores",
        )
    )
    result = []
    for app_id, reference, reviewer_id, email, scores in rows:
        try:
            (total,) = aggregation.review_totals(
                [aggregation.ReviewScores(application_id=app_id, reviewer_id=reviewer_id, scores=scores or {})],
                rubric,
            )
        except ValueError:
            continue
        result.append(ReviewTotal(app_id, reference or str(app_id), reviewer_id, email, float(total)))
    return result


def spread_by_application(totals: list[ReviewTotal]) -> list[tuple[str, list[float]]]:
    """Each application's review totals, highest median first."""
    by_app: dict[str, list[float]] = defaultdict(list)
    for row in totals:
        by_app[row.application].append(row.total)
    return sorted(by_app.items(), key=lambda item: (-statistics.median(item[1]), item[0]))


def spread_by_reviewer(totals: list[ReviewTotal]) -> list[tuple[str, list[float]]]:
    """Each reviewer's totals, in the order of their email."""
    by_reviewer: dict[str, list[float]] = defaultdict(list)
    for row in totals:
        by_reviewer[row.reviewer].append(row.total)
    return sorted(by_reviewer.items())


def reviewer_deviation(totals: list[ReviewTotal]) -> list[tuple[str, float]]:
    """How harsh (below zero) or lenient (above) each reviewer is: the mean, over the
    applications they reviewed with at least one other reviewer, of their total minus
    that application's mean total. Reviewers with no such application are left out."""
    by_app: dict[int, list[float]] = defaultdict(list)
    for row in totals:
        by_app[row.application_id].append(row.total)
    deviations: dict[str, list[float]] = defaultdict(list)
    for row in totals:
        scores = by_app[row.application_id]
        if len(scores) < 2:
            continue
        deviations[row.reviewer].append(row.total - sum(scores) / len(scores))
    return sorted((reviewer, round(sum(d) / len(d), 1)) for reviewer, d in deviations.items())
