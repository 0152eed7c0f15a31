"""Reviewer assignment is exactly optimal: same objective as an independent solver.

The reference is networkx's network simplex on the textbook network with one arc per
allowed (application, reviewer) pair and one unit arc per load level, priced by the
rules in the engine's module docstring, written out again here. The engine's own
shortcuts (sampled candidates, the negative-cycle certificate, the fallbacks) are
forced on small calls so that each of them is compared.
"""

import random

import networkx as nx
import numpy as np
import pytest

from grants.review.engine import assignment as engine
from grants.review.engine.assignment import (
    ApplicationSpec,
    AssignmentInfeasible,
    ReviewerSpec,
    assign_reviewers,
    target_load,
    validate_assignment,
)

CATEGORIES = ("legal-aid", "labour", "family", "migrants")
TIERS = 16  # the docstring's penalty shape: quadratic-ish for 16 units, then flat


def unit_cost(level: int, lo: int, hi: int) -> int:
    """Penalty, in units of BIG, of a reviewer's level-th review (module docstring)."""
    if level <= lo:
        return -min(lo - level + 1, TIERS)
    if level <= hi:
        return 0
    return min(level - hi, TIERS)


def score(loads, matches, lo, hi):
    """(balance penalty in units of BIG, expertise matches): the lexicographic objective."""
    return sum(unit_cost(k, lo, hi) for load in loads for k in range(1, load + 1)), matches


def reference(apps, revs, conflicts, r, fixed):
    """The optimum by networkx's network simplex, or None when no assignment exists."""
    lo, hi = target_load(len(apps), len(revs), r)
    fixed = set(fixed)
    big = len(apps) * r + 1  # more than any difference in expertise matches
    graph = nx.MultiDiGraph()
    total = 0
    for a in apps:
        need = r - sum(1 for fa, _ in fixed if fa == a.id)
        graph.add_node(("app", a.id), demand=-need)
        total += need
        for v in revs:
            if (a.id, v.id) not in conflicts and (a.id, v.id) not in fixed:
                graph.add_edge(("app", a.id), ("rev", v.id), capacity=1, weight=-int(a.category in v.expertise))
    graph.add_node("sink", demand=total)
    for v in revs:
        already = sum(1 for _, fr in fixed if fr == v.id)
        room = len(apps) if v.max_load is None else v.max_load - already
        if room < 0:
            return None  # fixed pairs alone break the reviewer's load limit
        for level in range(already + 1, already + room + 1):
            graph.add_edge(("rev", v.id), "sink", capacity=1, weight=big * unit_cost(level, lo, hi))
    try:
        _, flow = nx.network_simplex(graph)
    except nx.NetworkXUnfeasible:
        return None
    pairs = set(fixed)
    for a in apps:
        for (_, rev_id), arcs in flow[("app", a.id)].items():
            if sum(arcs.values()):
                pairs.add((a.id, rev_id))
    category = {a.id: a.category for a in apps}
    expertise = {v.id: v.expertise for v in revs}
    loads = [sum(1 for _, fr in pairs if fr == v.id) for v in revs]
    return score(loads, sum(category[a] in expertise[v] for a, v in pairs), lo, hi)


def random_call(rng):
    r = rng.randint(1, 3)
    n_revs = rng.randint(r + 1, 16)
    apps = [ApplicationSpec(f"A{i}", rng.choice(CATEGORIES), f"O{i}") for i in range(rng.randint(1, 30))]
    revs = [
        ReviewerSpec(
            f"R{j}",
            frozenset(rng.sample(CATEGORIES, rng.randint(0, 2))),
            max_load=rng.choice([None, None, None, rng.randint(1, 6)]),
        )
        for j in range(n_revs)
    ]
    conflicts = {(a.id, v.id) for a in apps for v in revs if rng.random() < rng.choice([0.0, 0.05, 0.3])}
    fixed = []
    for a in apps:
        if rng.random() < 0.15:
            allowed = [v.id for v in revs if (a.id, v.id) not in conflicts]
            fixed += [(a.id, v) for v in rng.sample(allowed, min(len(allowed), rng.randint(1, r)))]
    return apps, revs, conflicts, r, fixed


def check_against_reference(apps, revs, conflicts, r, fixed):
    """Engine and network simplex agree on feasibility and on the optimal objective."""
    best = reference(apps, revs, conflicts, r, fixed)
    try:
        result = assign_reviewers(apps, revs, conflicts, r, fixed=fixed)
    except AssignmentInfeasible:
        assert best is None
        return "infeasible"
    assert best is not None
    assert validate_assignment(result.reviewers_by_application, apps, revs, conflicts, r, check_balance=False) == []
    assert set(fixed) <= set(result.pairs)
    for v in revs:
        assert v.max_load is None or result.loads[v.id] <= v.max_load
    lo, hi = result.target_load
    assert score([result.loads[v.id] for v in revs], result.expertise_matches, lo, hi) == best
    return "solved"


def test_the_reference_scores_a_known_optimum():
    apps = [ApplicationSpec("A1", "labour"), ApplicationSpec("A2", "family")]
    revs = [ReviewerSpec("R1", frozenset({"family"})), ReviewerSpec("R2", frozenset({"labour"}))]
    assert reference(apps, revs, set(), 1, []) == (-2, 2)  # both at the band, both matched


@pytest.mark.parametrize("mode", ["every pair", "sampled candidates", "sparse sample"])
def test_same_optimum_as_network_simplex_on_random_calls(mode, monkeypatch):
    """60 random small calls (conflicts, load limits, fixed pairs, reviewers without
    expertise) per way the engine can solve them."""
    found_cycles = []
    if mode != "every pair":
        monkeypatch.setattr(engine, "_REDUCE_ABOVE_PAIRS", 0)
        original = engine._Network.improving_arcs

        def spy(self, chosen):
            arcs = original(self, chosen)
            found_cycles.append(arcs is not None)
            return arcs

        monkeypatch.setattr(engine._Network, "improving_arcs", spy)
    if mode == "sparse sample":
        # One draw per review from each pool, and no application topped up: most
        # samples then miss the optimum (or cannot place every review at all).
        monkeypatch.setattr(engine, "_DRAWS_PER_REVIEW", 1)
        monkeypatch.setattr(engine, "_MAX_ROUNDS", 50)
        original_sample = engine._Network.sample

        def thin_sample(self, per_application):
            keys = original_sample(self, per_application)
            rng = random.Random(len(keys))
            return keys[[rng.random() < 0.5 for _ in range(len(keys))]]

        monkeypatch.setattr(engine._Network, "sample", thin_sample)

    rng = random.Random(15)
    outcomes = [check_against_reference(*random_call(rng)) for _ in range(60)]
    assert outcomes.count("solved") > 40 and "infeasible" in outcomes  # both paths exercised
    if mode == "sparse sample":
        assert any(found_cycles)  # the certificate found negative cycles and they were repaired


def test_certificate_repairs_a_sample_that_misses_every_expert(monkeypatch):
    """Candidates without any expert: the flow on them is balanced but matches nothing;
    the certificate must find the moves to the experts."""
    apps = [ApplicationSpec(f"A{i}", CATEGORIES[i % 2]) for i in range(12)]
    revs = [ReviewerSpec(f"R{j}", frozenset({CATEGORIES[j % 2]})) for j in range(6)]
    monkeypatch.setattr(engine, "_REDUCE_ABOVE_PAIRS", 0)

    def no_experts(self, per_application):
        app, rev = np.divmod(np.arange(self.n_apps * self.n_revs), self.n_revs)
        lay = ~self.covers[rev, self.app_cat[app]]
        return (app * self.n_revs + rev)[lay]

    monkeypatch.setattr(engine._Network, "sample", no_experts)
    result = assign_reviewers(apps, revs, set(), 2)
    assert result.balanced
    assert result.expertise_matches == 24
    assert reference(apps, revs, set(), 2, []) == score(list(result.loads.values()), 24, *result.target_load)
