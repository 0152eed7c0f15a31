"""Reviewer assignment: each application gets R distinct, unconflicted reviewers.

Rules, in order of priority:

1. Hard: every application gets exactly ``reviews_per_application`` distinct
   reviewers; no (application, reviewer) pair listed as a conflict of interest is
   ever assigned; fixed pairs (already-started reviews, officers' choices) are kept;
   no reviewer exceeds an optional ``max_load``.
2. Balance: with T = N·R reviews over M reviewers, every load is floor(T/M) or
   ceil(T/M) whenever that is achievable.
3. Expertise: among balanced assignments, the number of pairs where the reviewer's
   expertise covers the application's category is maximised.

It is solved exactly as one min-cost flow (OR-tools ``SimpleMinCostFlow``):
application → reviewer arcs of capacity 1 (cost −1 for an expertise match), and
reviewer → sink arcs that price each additional unit of load with a convex penalty:
a large reward per unit below floor(T/M), nothing inside the band, a large cost per
unit above ceil(T/M). The large unit (``BIG``) exceeds the largest possible total
expertise bonus, so balance always dominates expertise.

Graceful relaxation: when conflicts, fixed pairs or ``max_load`` make the band
unreachable, the same flow still returns an assignment; the convex penalty spreads
the excess (or shortfall) so that as few reviewers as possible leave the band, and by
as little as possible. ``AssignmentResult.balanced`` then is ``False``. Only the hard
rules can make assignment fail, with an :class:`AssignmentInfeasible` naming the
bottleneck.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

AppId = Hashable
ReviewerId = Hashable

# Unit penalties are shaped quadratically only for the first few units outside the
# band, then stay flat; this keeps costs small for the solver (it scales them by the
# node count) while still spreading any unavoidable imbalance.
_PENALTY_TIERS = 16
# How many names an error message lists before saying "and N more".
_MAX_NAMED = 5


@dataclass(frozen=True)
class ApplicationSpec:
    """An application to be reviewed: its id, category code and organisation."""

    id: AppId
    category: str
    organisation_id: Hashable | None = None


@dataclass(frozen=True)
class ReviewerSpec:
    """A panel reviewer: id, expertise category codes and an optional load cap."""

    id: ReviewerId
    expertise: frozenset[str] = frozenset()
    max_load: int | None = None


@dataclass(frozen=True)
class AssignmentResult:
    """The computed assignment and the figures an officer needs to judge it."""

    reviewers_by_application: dict[AppId, tuple[ReviewerId, ...]]
    loads: dict[ReviewerId, int]
    target_load: tuple[int, int]  # (floor(T/M), ceil(T/M))
    balanced: bool  # every load within target_load
    expertise_matches: int  # assigned pairs whose reviewer covers the category

    @property
    def pairs(self) -> list[tuple[AppId, ReviewerId]]:
        return [(a, r) for a, rs in self.reviewers_by_application.items() for r in rs]


class AssignmentInfeasible(ValueError):
    """No assignment satisfies the hard rules; the message says which one and where."""


def target_load(n_applications: int, n_reviewers: int, reviews_per_application: int) -> tuple[int, int]:
    """The balanced load band (floor(N·R/M), ceil(N·R/M)) every reviewer should fall in."""
    total = n_applications * reviews_per_application
    return total // n_reviewers, -(-total // n_reviewers)


def assign_reviewers(
    applications: Sequence[ApplicationSpec],
    reviewers: Sequence[ReviewerSpec],
    conflicts: Iterable[tuple[AppId, ReviewerId]],
    reviews_per_application: int,
    *,
    fixed: Iterable[tuple[AppId, ReviewerId]] = (),
) -> AssignmentResult:
    """Give every application exactly R distinct unconflicted reviewers.

    Enforces the hard rules (R distinct reviewers, no conflict, fixed pairs kept,
    ``max_load`` respected), then balance (loads within floor/ceil of N·R/M, relaxed
    as little as possible when unreachable), then maximises expertise matches.
    Raises :class:`AssignmentInfeasible` explaining the bottleneck when the hard
    rules cannot all hold.
    """
    r_per_app = reviews_per_application
    app_index = _index([a.id for a in applications], "application")
    rev_index = _index([r.id for r in reviewers], "reviewer")
    n_apps, n_revs = len(applications), len(reviewers)
    if r_per_app < 1:
        raise AssignmentInfeasible(f"Reviews per application must be at least 1, got {r_per_app}.")
    if n_apps == 0:
        return AssignmentResult({}, {r.id: 0 for r in reviewers}, (0, 0), True, 0)
    if r_per_app > n_revs:
        raise AssignmentInfeasible(
            f"R = {r_per_app} reviews per application exceeds the number of reviewers ({n_revs})."
        )

    allowed = np.ones((n_apps, n_revs), dtype=bool)
    for app_id, rev_id in conflicts:
        # Conflicts may mention people or applications outside this call; ignore those.
        if app_id in app_index and rev_id in rev_index:
            allowed[app_index[app_id], rev_index[rev_id]] = False
    unconflicted = allowed.sum(axis=1)

    fixed_pairs = _check_fixed(fixed, app_index, rev_index, allowed, r_per_app)
    fixed_per_app = np.zeros(n_apps, dtype=np.int64)
    fixed_per_rev = np.zeros(n_revs, dtype=np.int64)
    for a, r in fixed_pairs:
        fixed_per_app[a] += 1
        fixed_per_rev[r] += 1
        allowed[a, r] = False  # already assigned: not a candidate arc any more
    need = r_per_app - fixed_per_app

    short = np.flatnonzero(unconflicted < r_per_app)
    if short.size:
        details = [
            f"Application {applications[a].id} has only {unconflicted[a]} reviewer(s) without a conflict "
            f"but needs {r_per_app}"
            for a in short[:_MAX_NAMED]
        ]
        raise AssignmentInfeasible(_join(details, short.size) + ".")

    capacity = _remaining_capacity(reviewers, fixed_per_rev)
    lo, hi = target_load(n_apps, n_revs, r_per_app)

    match = _expertise_matrix(applications, reviewers)
    app_idx, rev_idx = np.nonzero(allowed)
    flow = _solve_flow(app_idx, rev_idx, match[app_idx, rev_idx], need, capacity, fixed_per_rev, lo, hi)
    if flow is None:
        raise AssignmentInfeasible(
            _explain_bottleneck(applications, reviewers, app_idx, rev_idx, need, capacity, fixed_per_rev)
        )

    chosen = flow > 0
    by_app: dict[int, list[int]] = defaultdict(list)
    for a, r in fixed_pairs:
        by_app[a].append(r)
    for a, r in zip(app_idx[chosen].tolist(), rev_idx[chosen].tolist(), strict=True):
        by_app[a].append(r)
    loads = fixed_per_rev + np.bincount(rev_idx[chosen], minlength=n_revs)
    matches = int(sum(match[a, r] for a, rs in by_app.items() for r in rs))
    return AssignmentResult(
        reviewers_by_application={
            applications[a].id: tuple(reviewers[r].id for r in sorted(by_app[a])) for a in range(n_apps)
        },
        loads={reviewers[r].id: int(loads[r]) for r in range(n_revs)},
        target_load=(lo, hi),
        balanced=bool(loads.min() >= lo and loads.max() <= hi),
        expertise_matches=matches,
    )


def validate_assignment(
    assignment: Mapping[AppId, Iterable[ReviewerId]],
    applications: Sequence[ApplicationSpec],
    reviewers: Sequence[ReviewerSpec],
    conflicts: Iterable[tuple[AppId, ReviewerId]],
    reviews_per_application: int,
    *,
    check_balance: bool = True,
) -> list[str]:
    """List every way a (hand-adjusted) assignment breaks the assignment rules.

    Checks the same rules :func:`assign_reviewers` enforces: known ids, exactly R
    distinct reviewers per application, no conflicted pair, ``max_load`` respected and
    (unless ``check_balance`` is false) every load within floor/ceil of N·R/M. An empty
    list means the assignment is acceptable.
    """
    problems: list[str] = []
    app_ids = {a.id for a in applications}
    by_id = {r.id: r for r in reviewers}
    conflict_set = set(conflicts)
    loads: Counter[ReviewerId] = Counter()

    for app_id in assignment:
        if app_id not in app_ids:
            problems.append(f"Application {app_id} is not part of this call.")
    for app in applications:
        assigned = list(assignment.get(app.id, ()))
        duplicates = sorted((str(r) for r, n in Counter(assigned).items() if n > 1))
        if duplicates:
            problems.append(f"Application {app.id} lists reviewer(s) {', '.join(duplicates)} more than once.")
        distinct = set(assigned)
        if len(distinct) != reviews_per_application:
            problems.append(
                f"Application {app.id} has {len(distinct)} distinct reviewer(s) but needs {reviews_per_application}."
            )
        for rev_id in sorted(distinct, key=str):
            if rev_id not in by_id:
                problems.append(f"Reviewer {rev_id} (on application {app.id}) is not on this panel.")
                continue
            if (app.id, rev_id) in conflict_set:
                problems.append(f"Reviewer {rev_id} has a conflict of interest with application {app.id}.")
            loads[rev_id] += 1

    for reviewer in reviewers:
        if reviewer.max_load is not None and loads[reviewer.id] > reviewer.max_load:
            problems.append(
                f"Reviewer {reviewer.id} has {loads[reviewer.id]} reviews, more than their limit of {reviewer.max_load}."
            )
    if check_balance and reviewers and applications:
        lo, hi = target_load(len(applications), len(reviewers), reviews_per_application)
        for reviewer in reviewers:
            load = loads[reviewer.id]
            if not lo <= load <= hi:
                band = f"{lo}" if lo == hi else f"{lo}–{hi}"
                problems.append(f"Reviewer {reviewer.id} has {load} reviews; a balanced load is {band}.")
    return problems


def _index(ids: list[Hashable], kind: str) -> dict[Hashable, int]:
    index = {id_: i for i, id_ in enumerate(ids)}
    if len(index) != len(ids):
        dup = next(id_ for id_, n in Counter(ids).items() if n > 1)
        raise ValueError(f"Duplicate {kind} id {dup}.")
    return index


def _join(details: list[str], total: int) -> str:
    text = "; ".join(details)
    return text + (f" (and {total - len(details)} more)" if total > len(details) else "")


def _check_fixed(
    fixed: Iterable[tuple[AppId, ReviewerId]],
    app_index: dict[Hashable, int],
    rev_index: dict[Hashable, int],
    allowed: np.ndarray,
    r_per_app: int,
) -> list[tuple[int, int]]:
    """Fixed pairs must name known ids, avoid conflicts and not exceed R per application."""
    pairs: list[tuple[int, int]] = []
    for app_id, rev_id in dict.fromkeys(fixed):  # repeated pairs count once
        if app_id not in app_index:
            raise AssignmentInfeasible(f"Fixed assignment names unknown application {app_id}.")
        if rev_id not in rev_index:
            raise AssignmentInfeasible(f"Fixed assignment names unknown reviewer {rev_id}.")
        a, r = app_index[app_id], rev_index[rev_id]
        if not allowed[a, r]:
            raise AssignmentInfeasible(
                f"Fixed assignment of reviewer {rev_id} to application {app_id} is a conflict of interest."
            )
        pairs.append((a, r))
    per_app = Counter(a for a, _ in pairs)
    too_many = [a for a, n in per_app.items() if n > r_per_app]
    if too_many:
        inverse = {i: id_ for id_, i in app_index.items()}
        raise AssignmentInfeasible(
            f"Application {inverse[too_many[0]]} has {per_app[too_many[0]]} fixed reviewers but only "
            f"{r_per_app} are wanted."
        )
    return pairs


def _remaining_capacity(reviewers: Sequence[ReviewerSpec], fixed_per_rev: np.ndarray) -> np.ndarray:
    """How many more reviews each reviewer may take (−1 means no limit)."""
    capacity = np.full(len(reviewers), -1, dtype=np.int64)
    for i, reviewer in enumerate(reviewers):
        if reviewer.max_load is None:
            continue
        if fixed_per_rev[i] > reviewer.max_load:
            raise AssignmentInfeasible(
                f"Reviewer {reviewer.id} already has {fixed_per_rev[i]} fixed reviews, "
                f"more than their limit of {reviewer.max_load}."
            )
        capacity[i] = reviewer.max_load - fixed_per_rev[i]
    return capacity


def _expertise_matrix(applications: Sequence[ApplicationSpec], reviewers: Sequence[ReviewerSpec]) -> np.ndarray:
    categories = {code: i for i, code in enumerate(sorted({a.category for a in applications}))}
    covers = np.zeros((len(reviewers), len(categories)), dtype=np.int64)
    for r, reviewer in enumerate(reviewers):
        for code in reviewer.expertise:
            if code in categories:
                covers[r, categories[code]] = 1
    app_cat = np.array([categories[a.category] for a in applications], dtype=np.int64)
    return covers.T[app_cat]  # (applications × reviewers), 1 where expertise matches


def _load_arcs(fixed_load: int, capacity: int, lo: int, hi: int, big: int) -> list[tuple[int, int]]:
    """(capacity, unit cost) arcs pricing a reviewer's extra load with a convex penalty.

    The k-th unit of total load costs −BIG·min(lo−k+1, TIERS) below the band, 0 inside
    it and +BIG·min(k−hi, TIERS) above; slopes never decrease, so the flow fills the
    cheapest levels first and the penalty is exact for the min-cost flow.
    """
    arcs: list[tuple[int, int]] = []
    level = fixed_load  # total load already reached
    limit = capacity + fixed_load
    while level < limit:
        nxt = level + 1
        if nxt <= lo:
            depth = lo - nxt + 1
            if depth > _PENALTY_TIERS:  # the flat far-below part as one arc
                size = min(depth - _PENALTY_TIERS, limit - level)
                arcs.append((size, -big * _PENALTY_TIERS))
            else:
                size = 1
                arcs.append((1, -big * depth))
        elif nxt <= hi:
            size = min(hi, limit) - level
            arcs.append((size, 0))
        else:
            over = nxt - hi
            size = 1 if over < _PENALTY_TIERS else limit - level
            arcs.append((size, big * min(over, _PENALTY_TIERS)))
        level += size
    return arcs


def _solve_flow(
    app_idx: np.ndarray,
    rev_idx: np.ndarray,
    match: np.ndarray,
    need: np.ndarray,
    capacity: np.ndarray,
    fixed_per_rev: np.ndarray,
    lo: int,
    hi: int,
) -> np.ndarray | None:
    """Flow on each candidate (application, reviewer) arc, or None if R cannot be met."""
    n_apps, n_revs = len(need), len(capacity)
    sink = n_apps + n_revs
    degree = np.bincount(rev_idx, minlength=n_revs)
    # Balance must outweigh every possible expertise gain.
    big = int(need.sum()) + 1

    tails, heads, caps, costs = [app_idx], [n_apps + rev_idx], [np.ones(len(app_idx), np.int64)], [-match]
    load_tail, load_cap, load_cost = [], [], []
    for r in range(n_revs):
        cap = int(degree[r]) if capacity[r] < 0 else min(int(capacity[r]), int(degree[r]))
        for size, cost in _load_arcs(int(fixed_per_rev[r]), cap, lo, hi, big):
            load_tail.append(n_apps + r)
            load_cap.append(size)
            load_cost.append(cost)
    tails.append(np.array(load_tail, dtype=np.int64))
    heads.append(np.full(len(load_tail), sink, dtype=np.int64))
    caps.append(np.array(load_cap, dtype=np.int64))
    costs.append(np.array(load_cost, dtype=np.int64))

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs).astype(np.int64)
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_apps] = need
    supplies[sink] = -int(need.sum())
    smcf.set_nodes_supplies(np.arange(sink + 1), supplies)
    status = smcf.solve()
    if status == smcf.INFEASIBLE:
        return None
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"Min-cost flow solver failed with status {status}.")
    return smcf.flows(np.arange(len(app_idx)))


def _explain_bottleneck(
    applications: Sequence[ApplicationSpec],
    reviewers: Sequence[ReviewerSpec],
    app_idx: np.ndarray,
    rev_idx: np.ndarray,
    need: np.ndarray,
    capacity: np.ndarray,
    fixed_per_rev: np.ndarray,
) -> str:
    """Name the applications whose unconflicted reviewers cannot absorb their reviews.

    The source side of a minimum cut in the same network is a set of applications
    (and the reviewers they can use) whose demand exceeds what those reviewers can
    still take — the smallest honest reason the hard rules fail.
    """
    n_apps, n_revs = len(need), len(capacity)
    source, sink = n_apps + n_revs, n_apps + n_revs + 1
    unlimited = int(need.sum())
    rev_cap = np.where(capacity < 0, unlimited, capacity)
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(
        np.concatenate([np.full(n_apps, source), app_idx, n_apps + np.arange(n_revs)]),
        np.concatenate([np.arange(n_apps), n_apps + rev_idx, np.full(n_revs, sink)]),
        np.concatenate([need, np.ones(len(app_idx), np.int64), rev_cap]),
    )
    mf.solve(source, sink)
    side = set(mf.get_source_side_min_cut())
    apps = [a for a in range(n_apps) if a in side and need[a] > 0]
    revs = [r for r in range(n_revs) if n_apps + r in side]
    demand = int(need[apps].sum())
    room = int(rev_cap[revs].sum())
    categories = sorted({applications[a].category for a in apps})
    names = ", ".join(str(applications[a].id) for a in apps[:_MAX_NAMED])
    if len(apps) > _MAX_NAMED:
        names += f" and {len(apps) - _MAX_NAMED} more"
    who = ", ".join(str(reviewers[r].id) for r in revs[:_MAX_NAMED]) or "none"
    if len(revs) > _MAX_NAMED:
        who += f" and {len(revs) - _MAX_NAMED} more"
    scope = f"for category {categories[0]}" if len(categories) == 1 else "for these applications"
    return (
        f"Too few unconflicted reviewers {scope}: applications {names} still need {demand} review(s), "
        f"but the reviewers without a conflict for them ({who}) can take only {room} more "
        f"(check their load limits)."
    )
