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

Large calls (more than ``_REDUCE_ABOVE_PAIRS`` application × reviewer pairs; a
province has 20,000 × 800) are not given one arc per allowed pair, which would take
minutes and gigabytes. The flow is solved on sampled candidate arcs (per application
a few reviewers covering its category and a few of all reviewers, never a conflicted
or fixed pair) and its optimality for the *full* network is then proven, or the
missing arcs found, with the classic certificate: a feasible flow is a min-cost flow
iff its residual network has no negative-cost cycle. The residual network of the
full problem is never built. In it an application node is entered only from a
reviewer it is assigned to (cancelling that review) and left towards any reviewer it
could still get, so a cycle is a chain of moves "reviewer r hands one of its
applications of category k to reviewer r'", at cost match(k, r) − match(k, r'), plus
the reviewer ↔ sink arcs of the load penalty. The engine condenses it onto the M
reviewers and the sink (an arc r → r' exists iff r has an application of some category
k that r' has no conflict with and does not review yet; its cost is the least over
such k) and runs Bellman–Ford there. No negative cycle: the flow is optimal for
every allowed pair. A negative cycle: the applications realising its moves become
candidates and the flow is solved again (each round adds at least one arc that was
missing, so this ends; after ``_MAX_ROUNDS`` or when the sample cannot place every
review, the engine falls back to every allowed pair).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

AppId = Hashable
ReviewerId = Hashable

# Unit penalties are shaped quadratically only for the first few units outside the
# band, then stay flat; this keeps costs small for the solver (it scales them by the
# node count) while still spreading any unavoidable imbalance.
_PENALTY_TIERS = 16
# How many names an error message lists before saying "and N more".
_MAX_NAMED = 5
# Up to this many (application, reviewer) pairs every allowed pair is an arc; above
# it the flow starts from sampled candidates and is proven optimal (module docstring).
_REDUCE_ABOVE_PAIRS = 200_000
# Candidates per application and per review wanted: this many reviewers covering its
# category and as many drawn from all reviewers (repeats and conflicts dropped).
_DRAWS_PER_REVIEW = 2
# Rounds of "add the arcs of a negative cycle and solve again" before the fallback.
_MAX_ROUNDS = 12
# The sample is pseudo-random but fixed, so the same call gets the same assignment.
_SEED = 15
# Larger than any path cost in the condensed certificate graph.
_NO_ARC = 1 << 60


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
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

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

    # A pair (a, r) of indices is the key a·M + r; sorted key arrays stand in for sets.
    # Conflicts may mention people or applications outside this call; ignore those.
    pairs = list(conflicts)
    conflict_app = np.fromiter(map(app_index.get, (a for a, _ in pairs), repeat(-1)), dtype=np.int64, count=len(pairs))
    conflict_rev = np.fromiter(map(rev_index.get, (r for _, r in pairs), repeat(-1)), dtype=np.int64, count=len(pairs))
    known = (conflict_app >= 0) & (conflict_rev >= 0)
    conflict_keys = _unique(conflict_app[known] * n_revs + conflict_rev[known])
    unconflicted = n_revs - np.bincount(conflict_keys // n_revs, minlength=n_apps)

    fixed_keys = _check_fixed(fixed, app_index, rev_index, conflict_keys, r_per_app)
    fixed_app, fixed_rev = fixed_keys // n_revs, fixed_keys % n_revs
    fixed_per_rev = np.bincount(fixed_rev, minlength=n_revs)
    need = r_per_app - np.bincount(fixed_app, minlength=n_apps)

    short = np.flatnonzero(unconflicted < r_per_app)
    if short.size:
        details = [
            f"Application {applications[a].id} has only {unconflicted[a]} reviewer(s) without a conflict "
            f"but needs {r_per_app}"
            for a in short[:_MAX_NAMED]
        ]
        raise AssignmentInfeasible(_join(details, short.size) + ".")

    lo, hi = target_load(n_apps, n_revs, r_per_app)
    app_cat, covers = _categories(applications, reviewers)
    network = _Network(
        n_revs=n_revs,
        need=need,
        capacity=_remaining_capacity(reviewers, fixed_per_rev),
        fixed_per_rev=fixed_per_rev,
        lo=lo,
        hi=hi,
        app_cat=app_cat,
        covers=covers,
        # Not candidates: conflicted pairs, and fixed ones (already assigned).
        excluded=_unique(np.concatenate([conflict_keys, fixed_keys])),
    )
    if n_apps * n_revs <= _REDUCE_ABOVE_PAIRS:
        candidates = network.every_allowed_pair()
        chosen = network.solve(candidates)
    else:
        candidates, chosen = network.solve_from_sample(r_per_app)
    if chosen is None:
        raise AssignmentInfeasible(_explain_bottleneck(applications, reviewers, network, candidates))

    pair_app = np.concatenate([fixed_app, chosen // n_revs])
    pair_rev = np.concatenate([fixed_rev, chosen % n_revs])
    order = np.lexsort((pair_rev, pair_app))
    pair_app, pair_rev = pair_app[order], pair_rev[order]
    bounds = np.searchsorted(pair_app, np.arange(n_apps + 1)).tolist()
    rev_ids = [r.id for r in reviewers]
    assigned = [rev_ids[r] for r in pair_rev.tolist()]
    loads = np.bincount(pair_rev, minlength=n_revs)
    return AssignmentResult(
        reviewers_by_application={
            app.id: tuple(assigned[bounds[a] : bounds[a + 1]]) for a, app in enumerate(applications)
        },
        loads=dict(zip(rev_ids, loads.tolist(), strict=True)),
        target_load=(lo, hi),
        balanced=bool(loads.min() >= lo and loads.max() <= hi),
        expertise_matches=int(covers[pair_rev, app_cat[pair_app]].sum()),
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
    conflict_keys: np.ndarray,
    r_per_app: int,
) -> np.ndarray:
    """Fixed pairs must name known ids, avoid conflicts and not exceed R per application.

    Returns their keys (application index · M + reviewer index), each pair once.
    """
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    n_revs = len(rev_index)
    pairs = list(dict.fromkeys(fixed))  # repeated pairs count once
    conflicted = set(conflict_keys.tolist()) if pairs else set()
    keys: list[int] = []
    for app_id, rev_id in pairs:
        if app_id not in app_index:
            raise AssignmentInfeasible(f"Fixed assignment names unknown application {app_id}.")
        if rev_id not in rev_index:
            raise AssignmentInfeasible(f"Fixed assignment names unknown reviewer {rev_id}.")
        key = app_index[app_id] * n_revs + rev_index[rev_id]
        if key in conflicted:
            raise AssignmentInfeasible(
                f"Fixed assignment of reviewer {rev_id} to application {app_id} is a conflict of interest."
            )
        keys.append(key)
    per_app = Counter(key // n_revs for key in keys)
    too_many = [a for a, n in per_app.items() if n > r_per_app]
    if too_many:
        inverse = {i: id_ for id_, i in app_index.items()}
        raise AssignmentInfeasible(
            f"Application {inverse[too_many[0]]} has {per_app[too_many[0]]} fixed reviewers but only "
            f"{r_per_app} are wanted."
        )
    return np.array(keys, dtype=np.int64)


def _remaining_capacity(reviewers: Sequence[ReviewerSpec], fixed_per_rev: np.ndarray) -> np.ndarray:
    """How many more reviews each reviewer may take (−1 means no limit)."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

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


def _categories(
    applications: Sequence[ApplicationSpec], reviewers: Sequence[ReviewerSpec]
) -> tuple[np.ndarray, np.ndarray]:
    """Each application's category index, and (reviewers × categories) True where expertise covers it."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    codes = {code: i for i, code in enumerate(sorted({a.category for a in applications}))}
    covers = np.zeros((len(reviewers), len(codes)), dtype=bool)
    for r, reviewer in enumerate(reviewers):
        for code in reviewer.expertise:
            if code in codes:
                covers[r, codes[code]] = True
    app_cat = np.fromiter((codes[a.category] for a in applications), dtype=np.int64, count=len(applications))
    return app_cat, covers


def _unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct keys (``np.unique`` by sorting, much faster than its hash path on integers)."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else keys


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` occur in the sorted array ``sorted_keys`` (a vectorised ``in``)."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[at] == keys


def _load_arcs(fixed_load: int, capacity: int, lo: int, hi: int, big: int) -> list[tuple[int, int]]:
    """(capacity, unit cost) arcs pricing a reviewer's extra load with a convex penalty.

    The k-th unit of total load costs −BIG·min(lo−k+1, TIERS) below the band, 0 inside
    it and +BIG·min(k−hi, TIERS) above (:func:`_unit_cost`); slopes never decrease, so
    the flow fills the cheapest levels first and the penalty is exact for the min-cost
    flow.
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


def _unit_cost(level: np.ndarray, lo: int, hi: int, big: int) -> np.ndarray:
    """Cost of the ``level``-th unit of a reviewer's total load, as priced by :func:`_load_arcs`."""
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    below = -big * np.minimum(lo - level + 1, _PENALTY_TIERS)
    above = big * np.minimum(level - hi, _PENALTY_TIERS)
    return np.where(level <= lo, below, np.where(level <= hi, 0, above))


class _Network:
    """The assignment flow of one call in array form: candidate arcs in, assigned pairs out.

    Applications and reviewers are indices; a pair is the key ``a · M + r``.
    """

    def __init__(
        self,
        *,
        n_revs: int,
        need: np.ndarray,
        capacity: np.ndarray,
        fixed_per_rev: np.ndarray,
        lo: int,
        hi: int,
        app_cat: np.ndarray,
        covers: np.ndarray,
        excluded: np.ndarray,
    ) -> None:
        self.n_apps, self.n_revs = len(need), n_revs
        self.need, self.capacity, self.fixed_per_rev = need, capacity, fixed_per_rev
        self.lo, self.hi = lo, hi
        self.app_cat, self.covers = app_cat, covers
        self.excluded = excluded  # sorted keys of conflicted and fixed pairs
        # Balance must outweigh every possible expertise gain.
        self.big = int(need.sum()) + 1

    def every_allowed_pair(self) -> np.ndarray:
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        keys = np.arange(self.n_apps * self.n_revs, dtype=np.int64)
        return keys[~_contains(self.excluded, keys)]

    def sample(self, per_application: int) -> np.ndarray:
        """Candidate keys: per application ``per_application`` draws among the reviewers
        covering its category and as many among all reviewers; an application left with
        fewer than twice the reviews it needs gets every allowed reviewer."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        n_apps, n_revs = self.n_apps, self.n_revs
        rng = np.random.default_rng(_SEED)
        anyone = rng.integers(0, n_revs, size=(n_apps, per_application))
        expert = np.empty_like(anyone)
        for k in range(self.covers.shape[1]):
            rows = np.flatnonzero(self.app_cat == k)
            members = np.flatnonzero(self.covers[:, k])
            if members.size == 0:
                members = np.arange(n_revs)
            expert[rows] = members[rng.integers(0, members.size, size=(rows.size, per_application))]
        base = np.arange(n_apps, dtype=np.int64)[:, None] * n_revs
        keys = _unique(np.concatenate([(base + anyone).ravel(), (base + expert).ravel()]))
        keys = keys[~_contains(self.excluded, keys)]
        thin = np.flatnonzero(np.bincount(keys // n_revs, minlength=n_apps) < 2 * self.need)
        if thin.size:
            every = (thin[:, None] * n_revs + np.arange(n_revs)).ravel()
            keys = _unique(np.concatenate([keys, every[~_contains(self.excluded, every)]]))
        return keys

    def solve(self, candidates: np.ndarray) -> np.ndarray | None:
        """Keys of the pairs a min-cost flow on these candidate arcs assigns, or None when
        they cannot give every application its reviews."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it
        from ortools.graph.python import min_cost_flow  # noqa: PLC0415 - heavy, as numpy

        n_apps, n_revs = self.n_apps, self.n_revs
        sink = n_apps + n_revs
        app, rev = np.divmod(candidates, n_revs)
        degree = np.bincount(rev, minlength=n_revs)
        load_tail, load_cap, load_cost = [], [], []
        for r in range(n_revs):
            cap = int(degree[r]) if self.capacity[r] < 0 else min(int(self.capacity[r]), int(degree[r]))
            for size, cost in _load_arcs(int(self.fixed_per_rev[r]), cap, self.lo, self.hi, self.big):
                load_tail.append(n_apps + r)
                load_cap.append(size)
                load_cost.append(cost)
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(
            np.concatenate([app, np.array(load_tail, dtype=np.int64)]),
            np.concatenate([n_apps + rev, np.full(len(load_tail), sink, dtype=np.int64)]),
            np.concatenate([np.ones(len(candidates), dtype=np.int64), np.array(load_cap, dtype=np.int64)]),
            np.concatenate(
                [-self.covers[rev, self.app_cat[app]].astype(np.int64), np.array(load_cost, dtype=np.int64)]
            ),
        )
        supplies = np.zeros(sink + 1, dtype=np.int64)
        supplies[:n_apps] = self.need
        supplies[sink] = -int(self.need.sum())
        smcf.set_nodes_supplies(np.arange(sink + 1), supplies)
        status = smcf.solve()
        if status == smcf.INFEASIBLE:
            return None
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"Min-cost flow solver failed with status {status}.")
        return candidates[smcf.flows(np.arange(len(candidates))) > 0]

    def solve_from_sample(self, r_per_app: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(candidates, assigned keys) of a flow proven optimal over every allowed pair.

        Starts from a sample, adds the arcs of negative residual cycles until there are
        none (module docstring); a denser sample, then every allowed pair, when that
        does not settle it.
        """
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        for draws in (_DRAWS_PER_REVIEW, 4 * _DRAWS_PER_REVIEW):
            candidates = self.sample(draws * r_per_app)
            for _ in range(_MAX_ROUNDS):
                chosen = self.solve(candidates)
                if chosen is None:
                    break  # the sample cannot place every review: draw more
                missing = self.improving_arcs(chosen)
                if missing is None:
                    return candidates, chosen
                missing = _unique(missing[~_contains(candidates, missing)])
                if missing.size == 0:
                    break  # cannot happen with an exact solver; the fallback settles it anyway
                candidates = _unique(np.concatenate([candidates, missing]))
        candidates = self.every_allowed_pair()
        return candidates, self.solve(candidates)

    def improving_arcs(self, chosen: np.ndarray) -> np.ndarray | None:
        """None when the flow assigning ``chosen`` is optimal over every allowed pair;
        otherwise the pairs that realise a negative cycle of its residual network.

        The residual network is condensed onto the reviewers and the sink (module
        docstring): r → r' costs the least match(k, r) − match(k, r') over categories k
        of which r reviews (by the flow, not fixed) an application that r' has no
        conflict with and does not review; r → sink costs the next unit of r's load
        (if r may take more) and sink → r minus the last one (if r has flow).
        """
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        n_apps, n_revs, n_cats = self.n_apps, self.n_revs, self.covers.shape[1]
        app, rev = np.divmod(chosen, n_revs)
        cat = self.app_cat[app]
        present = np.bincount(rev * n_cats + cat, minlength=n_revs * n_cats).reshape(n_revs, n_cats)

        # For every flow pair (a, r) and every reviewer r' that cannot take a (conflict,
        # fixed or flow pair): count, per (r, r', k), the category-k applications of r
        # that r' cannot take. Where that is all of them, the move r → r' via k is closed.
        taken = _unique(np.concatenate([self.excluded, chosen]))
        start = np.searchsorted(taken, np.arange(n_apps + 1, dtype=np.int64) * n_revs)
        per_pair = (start[1:] - start[:-1])[app]
        which = np.repeat(np.arange(chosen.size), per_pair)
        offset = np.arange(which.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        other = taken[start[app][which] + offset] % n_revs
        triple = np.sort((rev[which] * n_revs + other) * n_cats + cat[which])
        first = np.flatnonzero(np.r_[True, triple[1:] != triple[:-1]])
        triple, blocked = triple[first], np.diff(np.r_[first, triple.size])
        r_from, rest = np.divmod(triple, n_revs * n_cats)
        r_to, k = np.divmod(rest, n_cats)
        closed = blocked == present[r_from, k]
        r_from, r_to, k = r_from[closed], r_to[closed], k[closed]

        # How many categories offer each move at cost −1 (to an expert from a non-expert), 0 and +1.
        expert = self.covers.astype(np.int64)
        lay = 1 - expert
        has = (present > 0).astype(np.int64)
        gain = (has * lay) @ expert.T
        even = (has * expert) @ expert.T + (has * lay) @ lay.T
        loss = (has * expert) @ lay.T
        src_expert, dst_expert = expert[r_from, k], expert[r_to, k]
        for counts, kind in (
            (gain, src_expert < dst_expert),
            (even, src_expert == dst_expert),
            (loss, src_expert > dst_expert),
        ):
            np.subtract.at(counts, (r_from[kind], r_to[kind]), 1)

        sink = n_revs
        cost = np.full((n_revs + 1, n_revs + 1), _NO_ARC, dtype=np.int64)
        cost[:n_revs, :n_revs] = np.where(gain > 0, -1, np.where(even > 0, 0, np.where(loss > 0, 1, _NO_ARC)))
        np.fill_diagonal(cost, _NO_ARC)
        flow_load = np.bincount(rev, minlength=n_revs)
        load = self.fixed_per_rev + flow_load
        room = (self.capacity < 0) | (flow_load < self.capacity)
        cost[:n_revs, sink] = np.where(room, _unit_cost(load + 1, self.lo, self.hi, self.big), _NO_ARC)
        cost[sink, :n_revs] = np.where(flow_load > 0, -_unit_cost(load, self.lo, self.hi, self.big), _NO_ARC)

        cycle = _negative_cycle(cost)
        if cycle is None:
            return None
        arcs = [np.empty(0, dtype=np.int64)]
        for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            if u == sink or v == sink:
                continue
            mine = app[rev == u]
            keys = mine * n_revs + v
            step = self.covers[u, self.app_cat[mine]].astype(np.int64) - self.covers[v, self.app_cat[mine]]
            arcs.append(keys[(step == cost[u, v]) & ~_contains(taken, keys)])
        return np.concatenate(arcs)


def _negative_cycle(cost: np.ndarray) -> list[int] | None:
    """A cycle of negative total cost in the dense graph ``cost`` (u → v costs
    ``cost[u, v]``, ``_NO_ARC`` for no arc), as its nodes in order; None if there is none.

    Bellman–Ford from a virtual source joined to every node at cost 0, all nodes
    relaxed at once per pass. No improvement in a pass: no negative cycle. Early exit:
    a cycle among the predecessor pointers is negative (each pointer was set by a
    strict improvement). Otherwise a node still improving in pass n (n nodes) has a
    cheapest walk of exactly n arcs, which repeats a node; removing the loop would give
    a walk of fewer arcs, which costs more, so the loop is negative. The walk is
    rebuilt from the predecessors recorded per pass.
    """
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

    size = len(cost)
    into = np.ascontiguousarray(cost.T)  # into[v, u] = cost of u → v
    rows = np.arange(size)
    dist = np.zeros(size, dtype=np.int64)
    pred = np.full(size, -1, dtype=np.int64)
    history = np.full((size + 1, size), -1, dtype=np.int32)
    better = np.zeros(size, dtype=bool)
    for step in range(1, size + 1):
        via = into + dist
        src = via.argmin(axis=1)
        best = via[rows, src]
        better = best < dist
        if not better.any():
            return None
        history[step, better] = src[better]
        dist = np.where(better, best, dist)
        pred = np.where(better, src, pred)
        if step % 8 == 0:
            cycle = _pointer_cycle(pred.tolist())
            if cycle is not None and _cycle_cost(cost, cycle) < 0:
                return cycle
    node = int(np.flatnonzero(better)[0])
    walk = [node]
    for step in range(size, 0, -1):
        if history[step, node] >= 0:
            node = int(history[step, node])
            walk.append(node)
    walk.reverse()
    seen: dict[int, int] = {}
    for i, node in enumerate(walk):
        if node in seen:
            cycle = walk[seen[node] : i]
            if _cycle_cost(cost, cycle) >= 0:  # impossible by the argument above
                raise RuntimeError("Bellman–Ford found a cycle that is not negative.")
            return cycle
        seen[node] = i
    raise RuntimeError("Bellman–Ford still improving but no repeated node in the walk.")


def _pointer_cycle(pred: list[int]) -> list[int] | None:
    """A cycle of the predecessor pointers (pred[v] → v), in arc order, or None."""
    state = [0] * len(pred)  # 0 unseen, 1 on the current path, 2 done
    for origin in range(len(pred)):
        path = []
        node = origin
        while node >= 0 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = pred[node]
        if node >= 0 and state[node] == 1:
            cycle = path[path.index(node) :]  # follows pred, i.e. against the arcs
            cycle.reverse()
            return cycle
        for visited in path:
            state[visited] = 2
    return None


def _cycle_cost(cost: np.ndarray, cycle: list[int]) -> int:
    return sum(int(cost[u, v]) for u, v in zip(cycle, cycle[1:] + cycle[:1], strict=True))


def _explain_bottleneck(
    applications: Sequence[ApplicationSpec],
    reviewers: Sequence[ReviewerSpec],
    network: _Network,
    candidates: np.ndarray,
) -> str:
    """Name the applications whose unconflicted reviewers cannot absorb their reviews.

    The source side of a minimum cut in the same network is a set of applications
    (and the reviewers they can use) whose demand exceeds what those reviewers can
    still take — the smallest honest reason the hard rules fail.
    """
    import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it
    from ortools.graph.python import max_flow  # noqa: PLC0415 - heavy, as numpy

    need, capacity = network.need, network.capacity
    n_apps, n_revs = len(need), len(capacity)
    app_idx, rev_idx = np.divmod(candidates, n_revs)
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
