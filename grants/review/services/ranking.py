"""Aggregation of submitted scores into per-application scores and both rankings.

The arithmetic is `grants.review.engine`: weighted raw mean, reviewer z-score
normalisation mapped back to the 0–100 scale, spread and disagreement
(`aggregation`), and the combination of the call's rounds (`rounds.combine`).

The final ranking (`ScoreSummary`) is the combined one: each application's weighted mean
of its scores in the rounds it was scored in, raw and normalised. With the expert round
alone (every call before issue 17) it is the expert scores exactly. An application that a
confirmed shortlist left out keeps its scores, ranks after every shortlisted one and is
not a candidate for an award. In a live defence, an applicant who declined or was absent
scores 0 in that round; a score sent after the applicant's slot closed counts only when
the round says so (`include_late_scores`).
"""

from django.db import transaction
from django.utils import timezone

from grants.calls.models import Call
from grants.review.engine import aggregation as engine
from grants.review.engine import rounds as rounds_engine
from grants.review.models import (
    DefenceScore,
    DefenceSlot,
    Panel,
    ReviewRound,
    RoundScore,
    ScoreSummary,
    ShortlistEntry,
)
from grants.review.rounds import engine_criteria, rounds_of
from grants.review.selectors import engine_rubric, submitted_scores


def defence_results(*, round_: ReviewRound) -> dict:
    """{application id: (raw, normalised)} of a live defence round."""
    rows = DefenceScore.objects.filter(slot__round=round_, status=DefenceScore.Status.SUBMITTED)
    if not round_.include_late_scores:
        rows = rows.filter(late=False)
    reviews = [
        engine.ReviewScores(application_id=app, reviewer_id=reviewer, scores=scores)
        for app, reviewer, scores in rows.values_list("slot__application_id", "reviewer_id", "scores")
    ]
    results = {
        app: (s.raw_score, s.normalised_score)
        for app, s in engine.aggregate_scores(reviews, engine_criteria(round_)).items()
    }
    missed = DefenceSlot.objects.filter(round=round_).filter(
        state=DefenceSlot.State.ABSENT
    ) | DefenceSlot.objects.filter(round=round_, response=DefenceSlot.Response.DECLINED)
    for app in missed.values_list("application_id", flat=True):
        results[app] = (0.0, 0.0)
    return results


def round_results(*, call: Call, round_, expert_scores=None) -> dict:
    if round_.kind == ReviewRound.Kind.DEFENCE:
        return defence_results(round_=round_)
    if expert_scores is None:
        expert_scores = engine.aggregate_scores(submitted_scores(call=call), engine_rubric(call=call))
    return {app: (s.raw_score, s.normalised_score) for app, s in expert_scores.items()}


@transaction.atomic
def aggregate_call(*, call: Call, now=None) -> int:
    """Recompute every application's scores and the combined ranking; returns how many
    applications have scores. Safe to run at any time, any number of times."""
    now = now or timezone.now()
    panel = Panel.objects.filter(call=call).first()
    threshold = float(panel.disagreement_threshold) if panel else engine.DEFAULT_DISAGREEMENT_THRESHOLD
    expert = engine.aggregate_scores(
        submitted_scores(call=call), engine_rubric(call=call), disagreement_threshold=threshold
    )
    rounds = rounds_of(call)
    results = []
    left_out: set = set()
    for index, view in enumerate(rounds):
        if view.round is None or view.kind == ReviewRound.Kind.EXPERT:
            scores = round_results(call=call, round_=view, expert_scores=expert)
        else:
            scores = defence_results(round_=view.round)
        results.append(rounds_engine.RoundResult(weight=view.weight, scores=scores))
        if view.round is not None:
            RoundScore.objects.filter(round=view.round).delete()
            RoundScore.objects.bulk_create(
                [
                    RoundScore(
                        round=view.round, application_id=app, raw_score=raw, normalised_score=norm, score_count=0
                    )
                    for app, (raw, norm) in scores.items()
                ],
                batch_size=1000,
            )
        later = index + 1 < len(rounds)
        if view.round is not None and later and view.status == ReviewRound.Status.SHORTLIST_CONFIRMED:
            left_out |= set(
                ShortlistEntry.objects.filter(round=view.round, outcome=ShortlistEntry.Outcome.OUT).values_list(
                    "application_id", flat=True
                )
            )
    combined = (
        rounds_engine.combine(results)
        if len(rounds) > 1
        else {app: (s.raw_score, s.normalised_score) for app, s in expert.items()}
    )
    combined = {app: value for app, value in combined.items() if app in expert}

    def order(index):
        other = 1 - index
        return sorted(combined, key=lambda app: (app in left_out, -combined[app][index], -combined[app][other]))

    raw_rank = {app: i for i, app in enumerate(order(0), start=1)}
    norm_rank = {app: i for i, app in enumerate(order(1), start=1)}
    ScoreSummary.objects.filter(call=call).delete()
    ScoreSummary.objects.bulk_create(
        [
            ScoreSummary(
                application_id=app,
                call=call,
                review_count=expert[app].review_count,
                raw_score=raw,
                normalised_score=normalised,
                spread=expert[app].spread,
                disagreement=expert[app].disagreement,
                raw_rank=raw_rank[app],
                normalised_rank=norm_rank[app],
                shortlisted=app not in left_out,
                computed_at=now,
            )
            for app, (raw, normalised) in combined.items()
        ],
        batch_size=1000,
    )
    return len(combined)
