"""What a reviewer sees beside each criterion of the rubric: what each score level means,
and the weighted total of the scores given so far (the engine's formula, on 0–100)."""

import math
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grants.review.engine.aggregation import Criterion as EngineCriterion
from grants.review.engine.aggregation import ReviewScores, review_totals
from grants.review.models import ScoreDescriptor

# The generic levels of a criterion the call gives none: (share of the maximum score from
# which the level starts, what it means).
GENERIC_LEVELS = [
    (0.0, _("Not addressed: nothing in the application answers this.")),
    (0.01, _("Weak: major gaps or serious doubts.")),
    (0.4, _("Adequate: answered, with some gaps.")),
    (0.7, _("Good: convincing, with minor gaps.")),
    (0.9, _("Excellent: fully convincing, nothing missing.")),
]


@dataclass(frozen=True)
class Level:
    low: int
    high: int
    text: str

    @property
    def single(self) -> bool:
        return self.low == self.high


def _levels(starts: list[tuple[int, str]], max_score: int) -> list[Level]:
    starts = sorted({low: text for low, text in starts if 0 <= low <= max_score}.items())
    return [
        Level(low=low, high=(starts[index + 1][0] - 1 if index + 1 < len(starts) else max_score), text=str(text))
        for index, (low, text) in enumerate(starts)
    ]


def generic_levels(max_score: int) -> list[Level]:
    starts = [(0 if share == 0 else max(1, math.ceil(share * max_score)), text) for share, text in GENERIC_LEVELS]
    return _levels(starts, max_score)


def levels_by_criterion(call, criteria) -> dict[str, list[Level]]:
    """{criterion code: its levels}: the call's own descriptors, else the generic ones (one query)."""
    chinese = (get_language() or "").startswith("zh")
    own: dict[str, list[tuple[int, str]]] = {}
    for descriptor in ScoreDescriptor.objects.filter(call=call):
        text = descriptor.text_zh if chinese or not descriptor.text_en else descriptor.text_en
        own.setdefault(descriptor.criterion_code, []).append((descriptor.min_score, text))
    return {
        criterion.code: _levels(own[criterion.code], criterion.max_score)
        if criterion.code in own
        else generic_levels(criterion.max_score)
        for criterion in criteria
    }


def weighted_total(criteria, scores: dict) -> float | None:
    """The weighted total on 0–100 of `scores` ({code: score}), a criterion not scored yet
    counting 0; None when a score is out of its range. The formula is the engine's."""
    rubric = [EngineCriterion(code=c.code, weight=c.weight, max_score=c.max_score) for c in criteria]
    if not rubric:
        return None
    filled = {c.code: scores.get(c.code) or 0 for c in criteria}
    try:
        total = review_totals([ReviewScores(application_id=0, reviewer_id=0, scores=filled)], rubric)
    except (ValueError, TypeError):
        return None
    return round(float(total[0]), 1)
