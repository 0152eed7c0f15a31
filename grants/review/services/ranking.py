"""Aggregation of submitted reviews into per-application scores and both rankings.

The arithmetic is `grants.review.engine.aggregation`: weighted raw mean, reviewer
z-score normalisation mapped back to the 0–100 scale, spread and disagreement.
"""

from django.db import transaction
from django.utils import timezone

from grants.calls.models import Call
from grants.review.engine import aggregation as engine
from grants.review.models import Panel, ScoreSummary
from grants.review.selectors import engine_rubric, submitted_scores


@transaction.atomic
def aggregate_call(*, call: Call, now=None) -> int:
    """Recompute every application's scores from the submitted reviews; returns how
    many applications have scores. Safe to run at any time, any number of times."""
    now = now or timezone.now()
    panel = Panel.objects.filter(call=call).first()
    threshold = float(panel.disagreement_threshold) if panel else engine.DEFAULT_DISAGREEMENT_THRESHOLD
    scores = engine.aggregate_scores(
        submitted_scores(call=call), engine_rubric(call=call), disagreement_threshold=threshold
    )
    raw_rank = {s.application_id: i for i, s in enumerate(engine.rank(scores.values(), by="raw"), start=1)}
    norm_rank = {s.application_id: i for i, s in enumerate(engine.rank(scores.values(), by="normalised"), start=1)}
    ScoreSummary.objects.filter(call=call).delete()
    ScoreSummary.objects.bulk_create(
        [
            ScoreSummary(
                application_id=s.application_id,
                call=call,
                review_count=s.review_count,
                raw_score=s.raw_score,
                normalised_score=s.normalised_score,
                spread=s.spread,
                disagreement=s.disagreement,
                raw_rank=raw_rank[s.application_id],
                normalised_rank=norm_rank[s.application_id],
                computed_at=now,
            )
            for s in scores.values()
        ],
        batch_size=1000,
    )
    return len(scores)
