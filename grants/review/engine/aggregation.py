"""Score aggregation: raw and reviewer-normalised scores, spread and disagreement.

Scale: every score is on a 0–100 scale. A review's total is
``100 · Σ_c weight_c · score_c / max_c / Σ_c weight_c``, so a review giving every
criterion its maximum scores 100, whatever the rubric's weights and maxima.

- ``raw_score``: mean of the application's review totals.
- ``normalised_score``: each review total becomes a z-score over that reviewer's own
  reviews in the call (a reviewer with one review, or who gave every application the
  same total, contributes z = 0: nothing is known about their scale); the
  application's mean z is mapped back to the 0–100 scale through the mean and standard
  deviation of all review totals in the call. A harsh and a lenient reviewer thus
  count alike.
- ``spread``: highest minus lowest review total (points on the 0–100 scale); an
  application is flagged ``disagreement`` when the spread exceeds the threshold.

Standard deviations are population ones (ddof = 0).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

AppId = Hashable
ReviewerId = Hashable
Score = int | float | Decimal

DEFAULT_DISAGREEMENT_THRESHOLD = 20.0  # points on the 0–100 scale


@dataclass(frozen=True)
class Criterion:
    """A rubric line: its code, its weight and the highest score a reviewer may give."""

    code: str
    weight: float
    max_score: float


@dataclass(frozen=True)
class ReviewScores:
    """One submitted review: who scored which application, criterion by criterion."""

    application_id: AppId
    reviewer_id: ReviewerId
    scores: Mapping[str, Score]


@dataclass(frozen=True)
class ApplicationScore:
    """Aggregated scores of one application, all on the 0–100 scale."""

    application_id: AppId
    review_count: int
    raw_score: float
    normalised_score: float
    spread: float
    disagreement: bool


def review_totals(reviews: Sequence[ReviewScores], rubric: Sequence[Criterion]) -> np.ndarray:
    """Each review's weighted total on the 0–100 scale, in input order.

    Rule: every rubric criterion must be scored, between 0 and its maximum; criteria
    not in the rubric are rejected rather than silently ignored.
    """
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    _check_rubric(rubric)
    codes = [c.code for c in rubric]
    known = set(codes)
    matrix = np.empty((len(reviews), len(rubric)), dtype=np.float64)
    for i, review in enumerate(reviews):
        scores = review.scores
        if scores.keys() != known:
            missing = sorted(known - scores.keys())
            extra = sorted(scores.keys() - known)
            raise ValueError(
                f"Review of application {review.application_id} by reviewer {review.reviewer_id}: "
                + (f"missing criteria {', '.join(missing)}" if missing else f"unknown criteria {', '.join(extra)}")
                + "."
            )
        matrix[i] = [float(scores[code]) for code in codes]
    maxima = np.array([float(c.max_score) for c in rubric])
    bad = np.argwhere((matrix < 0) | (matrix > maxima))
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"Review of application {reviews[i].application_id} by reviewer {reviews[i].reviewer_id}: "
            f"{codes[j]} = {matrix[i, j]:g} is outside 0–{maxima[j]:g}."
        )
    weights = np.array([float(c.weight) for c in rubric])
    return 100.0 * (matrix / maxima) @ weights / weights.sum()


def aggregate_scores(
    reviews: Sequence[ReviewScores],
    rubric: Sequence[Criterion],
    *,
    disagreement_threshold: float = DEFAULT_DISAGREEMENT_THRESHOLD,
) -> dict[AppId, ApplicationScore]:
    """Raw mean, reviewer-normalised score, spread and disagreement flag per application.

    Rule: one review per (application, reviewer); see the module docstring for the
    scale and the normalisation. Applications without reviews are absent from the
    result.
    """
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    if not reviews:
        return {}
    totals = review_totals(reviews, rubric)
    app_ids, app_of = _codes([r.application_id for r in reviews])
    _, rev_of = _codes([r.reviewer_id for r in reviews])
    pair = app_of.astype(np.int64) * (rev_of.max() + 1) + rev_of
    if np.unique(pair).size != pair.size:
        dup = _first_duplicate(reviews, pair)
        raise ValueError(f"Reviewer {dup.reviewer_id} reviewed application {dup.application_id} more than once.")

    z = _reviewer_z_scores(totals, rev_of)
    n_apps = len(app_ids)
    count = np.bincount(app_of, minlength=n_apps)
    raw = np.bincount(app_of, weights=totals, minlength=n_apps) / count
    mean_z = np.bincount(app_of, weights=z, minlength=n_apps) / count
    normalised = totals.mean() + totals.std() * mean_z

    high = np.full(n_apps, -np.inf)
    low = np.full(n_apps, np.inf)
    np.maximum.at(high, app_of, totals)
    np.minimum.at(low, app_of, totals)
    spread = high - low

    return {
        app_id: ApplicationScore(
            application_id=app_id,
            review_count=int(count[i]),
            raw_score=float(raw[i]),
            normalised_score=float(normalised[i]),
            spread=float(spread[i]),
            disagreement=bool(spread[i] > disagreement_threshold),
        )
        for i, app_id in enumerate(app_ids)
    }


def rank(
    scores: Iterable[ApplicationScore], *, by: Literal["normalised", "raw"] = "normalised"
) -> list[ApplicationScore]:
    """Applications best first by the chosen score; ties go to the other score, then input order."""
    if by not in ("normalised", "raw"):
        raise ValueError(f"Rank by 'normalised' or 'raw', not {by!r}.")
    if by == "normalised":
        return sorted(scores, key=lambda s: (-s.normalised_score, -s.raw_score))
    return sorted(scores, key=lambda s: (-s.raw_score, -s.normalised_score))


def _check_rubric(rubric: Sequence[Criterion]) -> None:
    if not rubric:
        raise ValueError("The rubric has no criteria.")
    codes = [c.code for c in rubric]
    if len(set(codes)) != len(codes):
        raise ValueError("The rubric repeats a criterion code.")
    for c in rubric:
        if c.weight <= 0 or c.max_score <= 0:
            raise ValueError(f"Criterion {c.code} needs a positive weight and maximum score.")


def _codes(ids: list[Hashable]) -> tuple[list[Hashable], np.ndarray]:
    """Dense integer codes for ids, keeping first-seen order (ids need not be sortable)."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(i, len(index)) for i in ids), dtype=np.int64, count=len(ids))
    return list(index), codes


def _reviewer_z_scores(totals: np.ndarray, rev_of: np.ndarray) -> np.ndarray:
    """z-score of each review total within its reviewer's reviews; 0 when the scale is unknown."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    n_revs = int(rev_of.max()) + 1
    count = np.bincount(rev_of, minlength=n_revs)
    mean = np.bincount(rev_of, weights=totals, minlength=n_revs) / count
    centred = totals - mean[rev_of]
    std = np.sqrt(np.bincount(rev_of, weights=centred**2, minlength=n_revs) / count)
    # A single review or identical totals say nothing about the reviewer's scale.
    known = (count > 1) & (std > 1e-9)
    safe_std = np.where(known, std, 1.0)
    return np.where(known[rev_of], centred / safe_std[rev_of], 0.0)


def _first_duplicate(reviews: Sequence[ReviewScores], pair: np.ndarray) -> ReviewScores:
    seen: set[int] = set()
    for review, key in zip(reviews, pair.tolist(), strict=True):
        if key in seen:
            return review
        seen.add(key)
    raise AssertionError("no duplicate found")
