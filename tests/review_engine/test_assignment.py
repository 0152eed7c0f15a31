"""Reviewer assignment: hard rules, balance, expertise and the explanations on failure."""

import random

import pytest

from grants.review.engine.assignment import (
    ApplicationSpec,
    AssignmentInfeasible,
    ReviewerSpec,
    assign_reviewers,
    validate_assignment,
)


def _call(n_apps=30, n_revs=8, conflict_rate=0.1, seed=0, categories=("legal-aid", "labour", "family")):
    rng = random.Random(seed)
    apps = [ApplicationSpec(f"A{i}", rng.choice(categories), f"O{i}") for i in range(n_apps)]
    revs = [ReviewerSpec(f"R{j}", frozenset(rng.sample(categories, rng.randint(1, 2)))) for j in range(n_revs)]
    conflicts = {(a.id, r.id) for a in apps for r in revs if rng.random() < conflict_rate}
    return apps, revs, conflicts


def test_each_application_gets_r_distinct_reviewers():
    apps, revs, conflicts = _call()
    result = assign_reviewers(apps, revs, conflicts, 3)
    assert set(result.reviewers_by_application) == {a.id for a in apps}
    for reviewers in result.reviewers_by_application.values():
        assert len(reviewers) == len(set(reviewers)) == 3


def test_no_reviewer_is_assigned_a_conflicted_application():
    apps, revs, conflicts = _call(conflict_rate=0.3)
    result = assign_reviewers(apps, revs, conflicts, 3)
    assert not set(result.pairs) & conflicts


def test_loads_differ_by_at_most_one():
    apps, revs, conflicts = _call(n_apps=31, n_revs=7)
    result = assign_reviewers(apps, revs, conflicts, 3)
    loads = result.loads.values()
    assert max(loads) - min(loads) <= 1
    assert result.balanced
    assert result.target_load == (13, 14)  # 93 reviews over 7 reviewers


def test_expertise_match_is_preferred_when_balance_allows():
    apps = [ApplicationSpec("A1", "labour"), ApplicationSpec("A2", "family")]
    revs = [ReviewerSpec("R1", frozenset({"family"})), ReviewerSpec("R2", frozenset({"labour"}))]
    result = assign_reviewers(apps, revs, set(), 1)
    assert result.reviewers_by_application == {"A1": ("R2",), "A2": ("R1",)}
    assert result.expertise_matches == 2


def test_balance_takes_priority_over_expertise():
    apps = [ApplicationSpec(f"A{i}", "labour") for i in range(4)]
    revs = [ReviewerSpec("expert", frozenset({"labour"})), ReviewerSpec("generalist")]
    result = assign_reviewers(apps, revs, set(), 1)
    assert result.loads == {"expert": 2, "generalist": 2}


def test_fixed_assignments_are_kept_and_counted():
    apps, revs, conflicts = _call(seed=3)
    allowed = next(r.id for r in revs if ("A0", r.id) not in conflicts)
    result = assign_reviewers(apps, revs, conflicts, 3, fixed=[("A0", allowed)])
    assert allowed in result.reviewers_by_application["A0"]
    assert len(result.reviewers_by_application["A0"]) == 3


def test_fixed_conflicted_pair_is_refused():
    apps = [ApplicationSpec("A1", "labour")]
    revs = [ReviewerSpec("R1"), ReviewerSpec("R2")]
    with pytest.raises(AssignmentInfeasible, match="conflict of interest"):
        assign_reviewers(apps, revs, {("A1", "R1")}, 1, fixed=[("A1", "R1")])


def test_explains_when_r_exceeds_number_of_reviewers():
    apps = [ApplicationSpec("A1", "labour")]
    revs = [ReviewerSpec("R1"), ReviewerSpec("R2")]
    with pytest.raises(AssignmentInfeasible, match=r"R = 3 .* exceeds the number of reviewers \(2\)"):
        assign_reviewers(apps, revs, set(), 3)


def test_explains_when_an_application_has_too_few_unconflicted_reviewers():
    apps = [ApplicationSpec("A1", "labour"), ApplicationSpec("A2", "labour")]
    revs = [ReviewerSpec(f"R{j}") for j in range(3)]
    with pytest.raises(
        AssignmentInfeasible, match=r"Application A2 has only 1 reviewer.* without a conflict but needs 3"
    ):
        assign_reviewers(apps, revs, {("A2", "R0"), ("A2", "R1")}, 3)


def test_explains_when_too_few_unconflicted_reviewers_for_a_category():
    # Each legal-aid application has enough reviewers on its own, but together they
    # need 6 reviews from the only two unconflicted reviewers, capped at 2 each.
    apps = [ApplicationSpec(f"L{i}", "legal-aid") for i in range(3)] + [ApplicationSpec("F1", "family")]
    revs = [ReviewerSpec("R1", max_load=2), ReviewerSpec("R2", max_load=2), ReviewerSpec("R3"), ReviewerSpec("R4")]
    conflicts = {(f"L{i}", r) for i in range(3) for r in ("R3", "R4")}
    with pytest.raises(AssignmentInfeasible, match="Too few unconflicted reviewers for category legal-aid") as exc:
        assign_reviewers(apps, revs, conflicts, 2)
    assert "R1, R2" in str(exc.value)


def test_balance_is_relaxed_rather_than_failing():
    # Only R1 may review the first four applications, so R1 must exceed the band.
    apps = [ApplicationSpec(f"A{i}", "labour") for i in range(8)]
    revs = [ReviewerSpec(f"R{j}") for j in range(1, 5)]
    conflicts = {(f"A{i}", r) for i in range(4) for r in ("R2", "R3", "R4")}
    result = assign_reviewers(apps, revs, conflicts, 1)
    assert not result.balanced
    assert result.loads["R1"] == 4
    assert sorted(result.loads.values()) == [1, 1, 2, 4]  # the rest stay as even as possible
    assert validate_assignment(result.reviewers_by_application, apps, revs, conflicts, 1, check_balance=False) == []


def test_max_load_is_respected():
    apps = [ApplicationSpec(f"A{i}", "labour") for i in range(6)]
    revs = [ReviewerSpec("R1", max_load=1), ReviewerSpec("R2"), ReviewerSpec("R3")]
    result = assign_reviewers(apps, revs, set(), 1)
    assert result.loads["R1"] <= 1


def test_validate_reports_each_broken_rule():
    apps = [ApplicationSpec("A1", "labour"), ApplicationSpec("A2", "labour")]
    revs = [ReviewerSpec("R1"), ReviewerSpec("R2")]
    problems = validate_assignment({"A1": ["R1", "R1"], "A2": ["R2", "X"], "A9": []}, apps, revs, {("A2", "R2")}, 2)
    text = "\n".join(problems)
    assert "Application A9 is not part of this call" in text
    assert "A1 lists reviewer(s) R1 more than once" in text
    assert "Application A1 has 1 distinct reviewer(s) but needs 2" in text
    assert "Reviewer X (on application A2) is not on this panel" in text
    assert "Reviewer R2 has a conflict of interest with application A2" in text


def test_validate_accepts_a_computed_assignment():
    apps, revs, conflicts = _call(seed=5)
    result = assign_reviewers(apps, revs, conflicts, 3)
    assert validate_assignment(result.reviewers_by_application, apps, revs, conflicts, 3) == []


def test_validate_flags_unbalanced_hand_adjustment():
    apps = [ApplicationSpec(f"A{i}", "labour") for i in range(4)]
    revs = [ReviewerSpec("R1"), ReviewerSpec("R2")]
    problems = validate_assignment({a.id: ["R1"] for a in apps}, apps, revs, set(), 1)
    assert problems == [
        "Reviewer R1 has 4 reviews; a balanced load is 2.",
        "Reviewer R2 has 0 reviews; a balanced load is 2.",
    ]


@pytest.mark.parametrize("seed", range(40))
def test_random_calls_keep_every_assignment_invariant(seed):
    rng = random.Random(seed)
    r = rng.randint(1, 4)
    apps, revs, conflicts = _call(
        n_apps=rng.randint(1, 40), n_revs=rng.randint(r + 1, 12), conflict_rate=rng.uniform(0, 0.25), seed=seed
    )
    try:
        result = assign_reviewers(apps, revs, conflicts, r)
    except AssignmentInfeasible:
        # Only acceptable when some application truly lacks R unconflicted reviewers.
        assert any(sum((a.id, v.id) not in conflicts for v in revs) < r for a in apps)
        return
    assert validate_assignment(result.reviewers_by_application, apps, revs, conflicts, r, check_balance=False) == []
    loads = list(result.loads.values())
    assert sum(loads) == len(apps) * r
    if result.balanced:
        assert max(loads) - min(loads) <= 1
    if conflicts == set():
        assert result.balanced
