"""Award proposal: exact optimum within budget and quotas, and named infeasibility."""

import random
from decimal import Decimal

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from grants.review.engine import award_proposal
from grants.review.engine.award_proposal import (
    AwardCandidate,
    CategoryQuota,
    ProposalInfeasible,
    propose_awards,
    to_cents,
)

CATEGORIES = ("legal-aid", "labour", "family")


def _brute_force_best(candidates, budget, quotas, one_per_org):
    """Best total merit over every subset, or None when no subset obeys the rules."""
    n = len(candidates)
    masks = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    amount = np.array([c.amount_cents for c in candidates])
    merit = np.array([c.merit for c in candidates])
    ok = masks @ amount <= budget
    for code, quota in quotas.items():
        count = masks @ np.array([c.category == code for c in candidates], dtype=int)
        ok &= count >= quota.minimum
        if quota.maximum is not None:
            ok &= count <= quota.maximum
    if one_per_org:
        for org in {c.organisation_id for c in candidates}:
            ok &= masks @ np.array([c.organisation_id == org for c in candidates], dtype=int) <= 1
    if not ok.any():
        return None
    return float((masks[ok] @ merit).max())


def _random_case(rng):
    n = rng.randint(3, 12)
    orgs = [f"O{k}" for k in range(rng.randint(max(1, n // 2), n))]
    candidates = [
        AwardCandidate(
            application_id=f"A{i}",
            organisation_id=rng.choice(orgs),
            category=rng.choice(CATEGORIES),
            merit=rng.randint(3000, 9500) / 100,  # two decimals, like displayed scores
            amount_cents=rng.randint(50, 200) * 100_000 + rng.choice([0, rng.randint(1, 99_999)]),
        )
        for i in range(n)
    ]
    total = sum(c.amount_cents for c in candidates)
    budget = int(total * rng.uniform(0.1, 0.8))
    quotas = {}
    for code in CATEGORIES:
        if rng.random() < 0.5:
            minimum = rng.randint(0, 2)
            maximum = rng.choice([None, minimum + rng.randint(0, 2)])
            quotas[code] = CategoryQuota(minimum, maximum)
    return candidates, budget, quotas, rng.random() < 0.8


def test_proposal_matches_brute_force_optimum_on_random_small_calls():
    rng = random.Random(2024)
    solved = infeasible = 0
    for _ in range(200):
        candidates, budget, quotas, one_per_org = _random_case(rng)
        best = _brute_force_best(candidates, budget, quotas, one_per_org)
        if best is None:
            with pytest.raises(ProposalInfeasible):
                propose_awards(candidates, budget, category_quotas=quotas, one_per_organisation=one_per_org)
            infeasible += 1
            continue
        proposal = propose_awards(candidates, budget, category_quotas=quotas, one_per_organisation=one_per_org)
        assert proposal.optimal and proposal.gap < 1e-12  # zero up to float round-off
        assert proposal.total_merit == pytest.approx(best, abs=1e-9)
        assert proposal.total_amount_cents <= budget
        solved += 1
    assert solved > 100 and infeasible > 5  # both paths are exercised


def test_exact_with_the_smallest_core_on_random_small_calls(monkeypatch):
    """A core of one organisation: the incumbent is rarely optimal or even feasible, so
    the core's growth and the exact solve of every organisation that may deviate
    (reduced-cost fixing) must reach the brute-force optimum on their own."""
    monkeypatch.setattr(award_proposal, "_CORE_ORGANISATIONS", 1)
    rng = random.Random(15)
    solved = 0
    for _ in range(60):
        candidates, budget, quotas, one_per_org = _random_case(rng)
        best = _brute_force_best(candidates, budget, quotas, one_per_org)
        if best is None:
            with pytest.raises(ProposalInfeasible):
                propose_awards(candidates, budget, category_quotas=quotas, one_per_organisation=one_per_org)
            continue
        proposal = propose_awards(candidates, budget, category_quotas=quotas, one_per_organisation=one_per_org)
        assert proposal.optimal and proposal.gap < 1e-12
        assert proposal.total_merit == pytest.approx(best, abs=1e-9)
        solved += 1
    assert solved > 30


def test_large_call_is_decided_mostly_by_the_bound_and_matches_a_plain_milp():
    """1,000 candidates: nearly all are settled by reduced-cost fixing, and the total
    merit equals that of SCIP on the whole program."""
    rng = random.Random(3)
    candidates = [
        AwardCandidate(
            i, f"O{rng.randint(0, 750)}", rng.choice(CATEGORIES), rng.gauss(60, 8), rng.randint(50, 200) * 10**5
        )
        for i in range(1000)
    ]
    budget = sum(c.amount_cents for c in candidates) * 3 // 10
    quotas = {"legal-aid": CategoryQuota(50, 150), "family": CategoryQuota(0, 75)}
    proposal = propose_awards(candidates, budget, category_quotas=quotas)
    assert proposal.optimal
    assert proposal.fixed_by_reduced_cost > 500  # all but the core of 200 organisations

    solver = pywraplp.Solver.CreateSolver("SCIP")
    solver.SetSolverSpecificParametersAsString("limits/gap = 0\nlimits/absgap = 0\n")
    x = [solver.BoolVar(f"x{i}") for i in range(len(candidates))]
    solver.Add(sum(c.amount_cents // 10**5 * v for c, v in zip(candidates, x, strict=True)) <= budget // 10**5)
    for code, quota in quotas.items():
        count = sum(v for c, v in zip(candidates, x, strict=True) if c.category == code)
        solver.Add(count >= quota.minimum)
        solver.Add(count <= quota.maximum)
    by_org = {}
    for c, v in zip(candidates, x, strict=True):
        by_org.setdefault(c.organisation_id, []).append(v)
    for members in by_org.values():
        if len(members) > 1:
            solver.Add(sum(members) <= 1)
    solver.Maximize(sum(c.merit * v for c, v in zip(candidates, x, strict=True)))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    assert proposal.total_merit == pytest.approx(solver.Objective().Value(), abs=1e-6)


def test_spends_no_more_than_the_budget_and_respects_quotas_on_a_large_call():
    rng = random.Random(7)
    candidates = [
        AwardCandidate(
            i, f"O{rng.randint(0, 350)}", rng.choice(CATEGORIES), rng.uniform(40, 95), rng.randint(5, 20) * 10**6
        )
        for i in range(400)
    ]
    budget = sum(c.amount_cents for c in candidates) * 3 // 10
    quotas = {"legal-aid": CategoryQuota(40, 60), "family": CategoryQuota(0, 20)}
    proposal = propose_awards(candidates, budget, category_quotas=quotas)
    chosen = [c for c in candidates if c.application_id in set(proposal.application_ids)]
    assert proposal.optimal
    assert sum(c.amount_cents for c in chosen) == proposal.total_amount_cents <= budget
    assert 40 <= sum(c.category == "legal-aid" for c in chosen) <= 60
    assert sum(c.category == "family" for c in chosen) <= 20
    assert len({c.organisation_id for c in chosen}) == len(chosen)


def test_at_most_one_award_per_organisation_by_default():
    candidates = [
        AwardCandidate("A1", "O1", "labour", 90, 100),
        AwardCandidate("A2", "O1", "labour", 80, 100),
        AwardCandidate("A3", "O2", "labour", 10, 100),
    ]
    assert set(propose_awards(candidates, 1_000).application_ids) == {"A1", "A3"}
    assert set(propose_awards(candidates, 1_000, one_per_organisation=False).application_ids) == {"A1", "A2", "A3"}


def test_proposal_lists_awards_best_merit_first():
    candidates = [AwardCandidate(f"A{i}", f"O{i}", "labour", m, 100) for i, m in enumerate([50, 90, 70])]
    assert propose_awards(candidates, 1_000).application_ids == ("A1", "A2", "A0")


def test_prefers_two_good_cheap_awards_over_one_excellent_expensive_one():
    candidates = [
        AwardCandidate("big", "O1", "labour", 95, 2_000),
        AwardCandidate("s1", "O2", "labour", 60, 1_000),
        AwardCandidate("s2", "O3", "labour", 60, 1_000),
    ]
    assert set(propose_awards(candidates, 2_000).application_ids) == {"s1", "s2"}


def test_explains_when_a_category_has_too_few_candidates():
    candidates = [AwardCandidate("A1", "O1", "family", 80, 100)]
    with pytest.raises(ProposalInfeasible, match=r"Category family needs at least 2 award.*only 1 candidate"):
        propose_awards(candidates, 10_000, category_quotas={"family": CategoryQuota(minimum=2)})


def test_explains_when_a_category_minimum_needs_two_awards_to_one_organisation():
    candidates = [AwardCandidate("A1", "O1", "family", 80, 100), AwardCandidate("A2", "O1", "family", 70, 100)]
    with pytest.raises(ProposalInfeasible, match="only 1 organisation"):
        propose_awards(candidates, 10_000, category_quotas={"family": CategoryQuota(minimum=2)})


def test_explains_when_category_minimums_exceed_the_budget():
    candidates = [AwardCandidate(f"A{i}", f"O{i}", "family", 80, 60_000) for i in range(3)]
    with pytest.raises(ProposalInfeasible, match=r"cheapest cost 1,200.00, more than the budget of 1,000.00"):
        propose_awards(candidates, 100_000, category_quotas={"family": CategoryQuota(minimum=2)})


def test_explains_when_all_minimums_together_exceed_the_budget():
    candidates = [
        AwardCandidate("F1", "O1", "family", 80, 60_000),
        AwardCandidate("L1", "O2", "labour", 80, 60_000),
    ]
    quotas = {"family": CategoryQuota(minimum=1), "labour": CategoryQuota(minimum=1)}
    with pytest.raises(ProposalInfeasible, match=r"all category minimums together costs at least 1,200\.00"):
        propose_awards(candidates, 100_000, category_quotas=quotas)


def test_explains_when_one_organisation_cannot_fill_two_category_minimums():
    candidates = [AwardCandidate("F1", "O1", "family", 80, 100), AwardCandidate("L1", "O1", "labour", 80, 100)]
    quotas = {"family": CategoryQuota(minimum=1), "labour": CategoryQuota(minimum=1)}
    with pytest.raises(ProposalInfeasible, match="at most one award per organisation"):
        propose_awards(candidates, 10_000, category_quotas=quotas)


def test_minimum_above_maximum_is_refused():
    with pytest.raises(ProposalInfeasible, match="minimum \\(3\\) must be between 0 and the maximum \\(1\\)"):
        propose_awards([], 100, category_quotas={"family": CategoryQuota(3, 1)})


def test_to_cents_converts_decimal_amounts_exactly():
    assert to_cents(Decimal("123456.78")) == 12_345_678
    assert to_cents(50_000) == 5_000_000
    with pytest.raises(ValueError, match="fractions of a cent"):
        to_cents(Decimal("0.001"))
