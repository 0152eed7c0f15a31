"""Rounds: the shortlist rule of a round and the combined ranking of several rounds.

Pure computation on plain data, like the rest of the engine.

- ``shortlist``: the top N, or every score at or above a threshold, or everyone. Scores
  are compared at two decimals (what the officer sees). With the top N, applications
  whose score equals the N-th's and that do not all fit are *tied at the line*: the
  rule does not decide them, the officer does, one by one.
- ``combine``: an application's combined score is the weighted mean of its scores in
  the rounds it was scored in, ``Σ w_r · s_r / Σ w_r``, separately for the raw and the
  normalised scores. A round of weight 0 (or one the application did not reach) does
  not count. One round of weight w gives back that round's scores exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

AppId = Hashable

ALL = "all"
TOP_N = "top_n"
THRESHOLD = "threshold"


@dataclass(frozen=True)
class ShortlistLine:
    application_id: AppId
    rank: int
    score: float
    outcome: str  # "in", "out" or "tie"


def _key(score: float) -> float:
    return round(float(score), 2)


def shortlist(
    scores: Mapping[AppId, float], *, rule: str, size: int | None = None, threshold: float | None = None
) -> list[ShortlistLine]:
    """Every scored application, best first, with its outcome under the rule."""
    ordered = sorted(scores.items(), key=lambda item: -_key(item[1]))
    lines = []
    if rule == ALL:
        outcome = dict.fromkeys(scores, "in")
    elif rule == THRESHOLD:
        if threshold is None:
            raise ValueError("A threshold rule needs a threshold.")
        outcome = {app: "in" if _key(score) >= _key(threshold) else "out" for app, score in ordered}
    elif rule == TOP_N:
        if not size or size < 1:
            raise ValueError("A top-N rule needs N of at least 1.")
        outcome = {}
        if len(ordered) <= size:
            outcome = dict.fromkeys(scores, "in")
        else:
            line = _key(ordered[size - 1][1])
            above = sum(1 for _app, score in ordered if _key(score) > line)
            at_line = sum(1 for _app, score in ordered if _key(score) == line)
            for app, score in ordered:
                if _key(score) > line:
                    outcome[app] = "in"
                elif _key(score) == line:
                    outcome[app] = "in" if above + at_line <= size else "tie"
                else:
                    outcome[app] = "out"
    else:
        raise ValueError(f"Unknown shortlist rule {rule!r}.")
    rank = 0
    previous = None
    for position, (app, score) in enumerate(ordered, start=1):
        if _key(score) != previous:
            rank = position
            previous = _key(score)
        lines.append(ShortlistLine(application_id=app, rank=rank, score=float(score), outcome=outcome[app]))
    return lines


@dataclass(frozen=True)
class RoundResult:
    """One round's scores: its weight and {application: (raw, normalised)}."""

    weight: float
    scores: Mapping[AppId, tuple[float, float]]


def combine(rounds: Sequence[RoundResult]) -> dict[AppId, tuple[float, float]]:
    """{application: (combined raw, combined normalised)} over the rounds each was scored in.

    An application scored only in rounds of weight 0 gets the plain mean of those rounds,
    so that a call whose officer weighted nothing still ranks.
    """
    sums: dict[AppId, list[float]] = {}
    fallback: dict[AppId, list[float]] = {}
    for result in rounds:
        weight = float(result.weight)
        if weight < 0:
            raise ValueError("A round's weight cannot be negative.")
        for app, (raw, normalised) in result.scores.items():
            total = sums.setdefault(app, [0.0, 0.0, 0.0])
            total[0] += weight * raw
            total[1] += weight * normalised
            total[2] += weight
            plain = fallback.setdefault(app, [0.0, 0.0, 0.0])
            plain[0] += raw
            plain[1] += normalised
            plain[2] += 1
    combined = {}
    for app, (raw, normalised, weight) in sums.items():
        if weight > 0:
            combined[app] = (raw / weight, normalised / weight)
        else:
            raw_sum, norm_sum, count = fallback[app]
            combined[app] = (raw_sum / count, norm_sum / count)
    return combined
