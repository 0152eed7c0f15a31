"""The combined score, on plain numbers (no ORM), so the rules can be checked by hand.

- A part's score is the weighted mean of its criteria's marks (0-100).
- A resident answers each question 1-5; 1→0, 2→25, 3→50, 4→75, 5→100. The beneficiaries' score is
  the weighted mean over the questions of each question's mean (unanswered questions are skipped);
  it counts only from MIN_ANSWERS responses.
- The combined score is Σ wᵢ·sᵢ / Σ wᵢ over the parts that count (a part left out gives its
  weight to the others in proportion). Rounded half up to two places, once, at the end of each step.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

MIN_ANSWERS = 5
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_mean(marks: Mapping, weights: Mapping) -> Decimal:
    """Σ w·m / Σ w over the keys of `marks`."""
    total_weight = sum((Decimal(weights[key]) for key in marks), Decimal(0))
    if not total_weight:
        raise ValueError("no weight")
    return _round(sum((Decimal(marks[key]) * Decimal(weights[key]) for key in marks), Decimal(0)) / total_weight)


def answer_to_mark(answer: int) -> Decimal:
    return Decimal((int(answer) - 1) * 25)


def survey_score(responses: Iterable[Mapping], weights: Mapping) -> Decimal | None:
    """`responses`: [{question: 1..5}], `weights`: {question: weight}. None under MIN_ANSWERS."""
    responses = list(responses)
    if len(responses) < MIN_ANSWERS:
        return None
    means = {}
    for question in weights:
        answers = [answer_to_mark(r[question]) for r in responses if r.get(question)]
        if answers:
            means[question] = sum(answers, Decimal(0)) / len(answers)
    if not means:
        return None
    return weighted_mean(means, weights)


def combine(part_scores: Mapping, weights: Mapping) -> tuple[Decimal, dict]:
    """(combined score, the weights that counted). Parts whose score is None are left out."""
    used = {part: Decimal(weight) for part, weight in weights.items() if weight and part_scores.get(part) is not None}
    if not used:
        raise ValueError("no part to combine")
    return weighted_mean({part: part_scores[part] for part in used}, used), used
