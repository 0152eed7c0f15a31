"""Score aggregation: the 0–100 scale, reviewer normalisation, disagreement, ranking."""

import random
import time
from decimal import Decimal

import numpy as np
import pytest

from grants.review.engine.aggregation import (
    ApplicationScore,
    Criterion,
    ReviewScores,
    aggregate_scores,
    rank,
    review_totals,
)

RUBRIC = [
    Criterion("need", 25, 10),
    Criterion("feasibility", 25, 10),
    Criterion("team", 20, 10),
    Criterion("budget", 15, 10),
    Criterion("sustainability", 15, 10),
]
OVERALL = [Criterion("overall", 1, 10)]


def _review(app, reviewer, **scores):
    return ReviewScores(app, reviewer, scores)


def test_review_total_is_weighted_percentage_of_maximum():
    top = _review("A", "R", need=10, feasibility=10, team=10, budget=10, sustainability=10)
    mixed = _review("B", "R", need=10, feasibility=0, team=5, budget=Decimal("10"), sustainability=0)
    totals = review_totals([top, mixed], RUBRIC)
    assert totals[0] == pytest.approx(100.0)
    assert totals[1] == pytest.approx(25 + 10 + 15)  # need 25 + half of team's 20 + budget 15


def test_raw_score_is_mean_of_review_totals_and_spread_is_max_minus_min():
    reviews = [_review("A", "R1", overall=8), _review("A", "R2", overall=5), _review("A", "R3", overall=2)]
    score = aggregate_scores(reviews, OVERALL)["A"]
    assert score.raw_score == pytest.approx(50.0)
    assert score.spread == pytest.approx(60.0)
    assert score.review_count == 3


def test_disagreement_flagged_only_above_threshold():
    reviews = [
        _review("A", "R1", overall=9),
        _review("A", "R2", overall=6),  # spread 30
        _review("B", "R1", overall=7),
        _review("B", "R2", overall=5),  # spread 20: not above
    ]
    scores = aggregate_scores(reviews, OVERALL, disagreement_threshold=20)
    assert scores["A"].disagreement
    assert not scores["B"].disagreement


def test_reviewer_with_single_review_or_constant_scores_contributes_zero_z():
    reviews = [
        _review("A", "once", overall=9),
        _review("B", "flat", overall=6),
        _review("C", "flat", overall=6),
    ]
    scores = aggregate_scores(reviews, OVERALL)
    mean = np.mean([90, 60, 60])
    assert [s.normalised_score for s in scores.values()] == pytest.approx([mean] * 3)


# True quality A > B > C > D. The harsh reviewer (quality − 40) reads A, B, C; the
# lenient one (quality + 20) reads B, C, D. Raw means reward B for its lenient second
# reading and put it above A; per-reviewer z-scores cancel the offsets.
HARSH_AND_LENIENT = [
    _review("A", "harsh", overall=5),
    _review("B", "harsh", overall=3),
    _review("C", "harsh", overall=1),
    _review("B", "lenient", overall=9),
    _review("C", "lenient", overall=7),
    _review("D", "lenient", overall=5),
]


@pytest.mark.parametrize(
    "by",
    [
        pytest.param("raw", marks=pytest.mark.xfail(strict=True, reason="raw scores favour the lenient reviewer")),
        "normalised",
    ],
)
def test_harsh_and_lenient_reviewers_rank_in_true_order(by):
    scores = aggregate_scores(HARSH_AND_LENIENT, OVERALL)
    assert [s.application_id for s in rank(scores.values(), by=by)] == ["A", "B", "C", "D"]


def test_raw_ranking_is_distorted_by_the_lenient_reviewer():
    scores = aggregate_scores(HARSH_AND_LENIENT, OVERALL)
    assert scores["B"].raw_score > scores["A"].raw_score


def test_rank_breaks_ties_with_the_other_score():
    a = ApplicationScore("A", 2, raw_score=60, normalised_score=70, spread=0, disagreement=False)
    b = ApplicationScore("B", 2, raw_score=65, normalised_score=70, spread=0, disagreement=False)
    assert [s.application_id for s in rank([a, b])] == ["B", "A"]


def test_missing_criterion_is_rejected():
    with pytest.raises(ValueError, match="missing criteria team"):
        review_totals([_review("A", "R", need=1, feasibility=1, budget=1, sustainability=1)], RUBRIC)


def test_score_above_maximum_is_rejected():
    with pytest.raises(ValueError, match="overall = 11 is outside 0–10"):
        review_totals([_review("A", "R", overall=11)], OVERALL)


def test_second_review_by_same_reviewer_is_rejected():
    with pytest.raises(ValueError, match="Reviewer R reviewed application A more than once"):
        aggregate_scores([_review("A", "R", overall=1), _review("A", "R", overall=2)], OVERALL)


def _naive(reviews, rubric):
    """Straightforward per-review loops, the reference for the vectorised code."""
    totals = list(review_totals(reviews, rubric))
    by_reviewer = {}
    for review, total in zip(reviews, totals, strict=True):
        by_reviewer.setdefault(review.reviewer_id, []).append(total)
    gm, gs = np.mean(totals), np.std(totals)
    per_app = {}
    for review, total in zip(reviews, totals, strict=True):
        own = by_reviewer[review.reviewer_id]
        sd = np.std(own)
        z = 0.0 if len(own) < 2 or sd <= 1e-9 else (total - np.mean(own)) / sd
        per_app.setdefault(review.application_id, []).append((total, z))
    return {a: (np.mean([t for t, _ in v]), gm + gs * np.mean([z for _, z in v])) for a, v in per_app.items()}


def test_vectorised_scores_match_a_plain_loop():
    rng = random.Random(11)
    codes = [c.code for c in RUBRIC]
    reviews = [
        ReviewScores(a, r, {c: rng.randint(0, 10) for c in codes}) for a in range(60) for r in rng.sample(range(12), 3)
    ]
    scores = aggregate_scores(reviews, RUBRIC)
    for app, (raw, normalised) in _naive(reviews, RUBRIC).items():
        assert scores[app].raw_score == pytest.approx(raw)
        assert scores[app].normalised_score == pytest.approx(normalised)


def test_twenty_five_thousand_reviews_aggregate_in_well_under_a_second():
    rng = random.Random(2)
    codes = [c.code for c in RUBRIC]
    reviews = [
        ReviewScores(a, r, {c: rng.randint(0, 10) for c in codes})
        for a in range(5000)
        for r in rng.sample(range(200), 5)
    ]
    start = time.perf_counter()
    scores = aggregate_scores(reviews, RUBRIC)
    assert time.perf_counter() - start < 1.0
    assert len(scores) == 5000
