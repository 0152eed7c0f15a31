"""Review-stage scale benchmark: assignment, aggregation and award proposal of one large call.

Run: ``.venv/bin/python bench/review_scale.py [--seed N]``. Generates 5,000
applications from organisations of which some send 2–3, 200 reviewers, R = 5, about
2% random conflicts and 6 categories; amounts 50k–200k CNY in whole thousands
(as NGOs request them), a budget funding about 30% of applications, per-category
quotas and one award per organisation. Each step must finish in under 5 seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.review.engine.aggregation import Criterion, ReviewScores, aggregate_scores, rank
from grants.review.engine.assignment import (
    ApplicationSpec,
    ReviewerSpec,
    assign_reviewers,
    validate_assignment,
)
from grants.review.engine.award_proposal import AwardCandidate, CategoryQuota, propose_awards

TARGET_SECONDS = 5.0
N_APPLICATIONS, N_REVIEWERS, R = 5_000, 200, 5
CATEGORIES = ["legal-aid", "labour", "family", "migrants", "disability", "environment"]
RUBRIC = [
    Criterion("need", 25, 10),
    Criterion("feasibility", 25, 10),
    Criterion("team", 20, 10),
    Criterion("budget", 15, 10),
    Criterion("sustainability", 15, 10),
]


def make_call(rng: random.Random):
    applications, org = [], 0
    while len(applications) < N_APPLICATIONS:
        for _ in range(rng.choices([1, 2, 3], weights=[80, 15, 5])[0]):
            applications.append(ApplicationSpec(len(applications), rng.choice(CATEGORIES), f"org{org}"))
        org += 1
    applications = applications[:N_APPLICATIONS]
    reviewers = [
        ReviewerSpec(f"rev{j}", frozenset(rng.sample(CATEGORIES, rng.choice([1, 1, 2])))) for j in range(N_REVIEWERS)
    ]
    conflicts = {(a.id, r.id) for a in applications for r in reviewers if rng.random() < 0.02}
    return applications, reviewers, conflicts


def make_reviews(rng: random.Random, assignment, reviewers):
    quality = {app: rng.gauss(6.0, 1.5) for app in assignment}
    offset = {r.id: rng.gauss(0.0, 1.0) for r in reviewers}  # harsh and lenient reviewers
    return [
        ReviewScores(
            app,
            rev,
            {c.code: min(10, max(0, round(quality[app] + offset[rev] + rng.gauss(0, 1)))) for c in RUBRIC},
        )
        for app, revs in assignment.items()
        for rev in revs
    ]


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    rng = random.Random(parser.parse_args().seed)
    applications, reviewers, conflicts = make_call(rng)
    rows = []

    assignment, seconds = timed(lambda: assign_reviewers(applications, reviewers, conflicts, R))
    problems = validate_assignment(assignment.reviewers_by_application, applications, reviewers, conflicts, R)
    loads = assignment.loads.values()
    rows.append(
        (
            "assignment (min-cost flow)",
            seconds,
            f"{len(assignment.pairs):,} pairs, loads {min(loads)}–{max(loads)}, "
            f"{assignment.expertise_matches:,} expertise matches, {len(problems)} rule violations",
        )
    )

    reviews = make_reviews(rng, assignment.reviewers_by_application, reviewers)
    scores, seconds = timed(lambda: aggregate_scores(reviews, RUBRIC))
    ranking = rank(scores.values())
    flagged = sum(s.disagreement for s in scores.values())
    rows.append(("aggregation + normalisation", seconds, f"{len(reviews):,} reviews, {flagged} disagreements"))

    by_id = {a.id: a for a in applications}
    candidates = [
        AwardCandidate(
            s.application_id,
            by_id[s.application_id].organisation_id,
            by_id[s.application_id].category,
            s.normalised_score,
            rng.randint(50, 200) * 1_000 * 100,  # whole thousands of CNY, in cents
        )
        for s in ranking
    ]
    budget = sum(c.amount_cents for c in candidates) * 3 // 10
    per_category = N_APPLICATIONS * 3 // 10 // len(CATEGORIES)
    quotas = {code: CategoryQuota(minimum=per_category // 2, maximum=per_category * 3 // 2) for code in CATEGORIES}
    proposal, seconds = timed(lambda: propose_awards(candidates, budget, category_quotas=quotas))
    rows.append(
        (
            "award proposal (MILP)",
            seconds,
            f"{len(proposal.application_ids):,} awards, {proposal.total_amount_cents / 100:,.0f} of "
            f"{budget / 100:,.0f} CNY, {proposal.fixed_by_reduced_cost:,} of {len(candidates):,} fixed before branching",
        )
    )

    print(f"{'step':<30} {'seconds':>8}  {'< 5 s':<6} figures")
    for name, secs, figures in rows:
        print(f"{name:<30} {secs:>8.3f}  {'yes' if secs < TARGET_SECONDS else 'NO':<6} {figures}")
    print(
        f"\nproposal optimal: {proposal.optimal} (relative gap {proposal.gap:.1e}), "
        f"total merit {proposal.total_merit:,.4f}; assignment balanced: {assignment.balanced}"
    )
    ok = all(secs < TARGET_SECONDS for _, secs, _ in rows) and proposal.optimal and not problems
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
