"""Award proposal: the set of applications with the most total merit the budget allows.

Rules: the requested amounts of the chosen applications add up to at most the call
budget; each category gets between its optional minimum and maximum number of awards;
with ``one_per_organisation`` (the default) an organisation receives at most one award.
Among all sets obeying these rules the proposal maximises the sum of merit scores,
exactly (proven optimal, zero gap). Money is integer cents throughout; use
:func:`to_cents` for Decimal amounts.

How: a 0-1 MILP, solved exactly in steps that keep a province-sized call (20,000
candidates) to about a second:

1. The LP relaxation (GLOP, dual simplex) gives multipliers λ for the budget and μ
   for the category quotas. For any λ ≥ 0 and any μ, every feasible set S obeys
   ``merit(S) ≤ Z − Σ_o penalty_o(S)``, where with reduced merit
   ``r_j = merit_j − λ·amount_j − μ_category(j)`` an organisation's best option is
   ``best_o = max(0, max_j r_j)`` (one award or none), ``Z`` is the multipliers'
   constant plus ``Σ_o best_o``, and ``penalty_o(S) = best_o − r_j`` if S gives o
   the award j, ``best_o`` if none. (Without ``one_per_organisation`` each
   application is its own "organisation".) This is Lagrangian relaxation keeping
   the one-per-organisation rows, and with the LP's multipliers Z is the LP bound.
2. A core of the organisations whose cheapest deviation from their best option is
   smallest is solved exactly by SCIP (zero relative and absolute gap), every other
   organisation held at its best option: the incumbent.
3. A set better than the incumbent has total penalty below the gap
   ``Z − merit(incumbent)``, so every organisation whose cheapest deviation costs at
   least the gap keeps its best option in it (reduced-cost fixing, with a margin
   for floating-point round-off). If those that may deviate all lie in the core,
   the incumbent is the optimum. Otherwise the core doubles (the incumbent as the
   solver's hint) and step 2 runs again; at worst the core is the whole program.
   SCIP's time grows steeply with the core (amounts in arbitrary cents make the
   budget row a hard knapsack), so starting small and doubling keeps the last,
   largest solve near the size actually needed.

Why OR-tools' SCIP and not ``highspy``: OR-tools ships its own, older
``libhighs.so.1`` with the same soname, so ``highspy`` and ``ortools`` cannot be
imported into one process (whichever loads second fails with an undefined symbol),
and the assignment step needs OR-tools' min-cost flow.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from ortools.linear_solver import pywraplp

AppId = Hashable

# The bound and the penalties are computed in floating point; only rule out a
# deviation when its penalty beats the gap by this much (relative to the total
# merit), so round-off can never cut off the optimum.
_FIXING_MARGIN = 1e-9
_FEASIBILITY_TOLERANCE = 1e-9
# Organisations in the first core (step 2); doubled until the core holds every
# organisation that may deviate from its best option in a better set (step 3).
_CORE_ORGANISATIONS = 16


@dataclass(frozen=True)
class AwardCandidate:
    """A ranked application that may be funded, with its merit and requested amount."""

    application_id: AppId
    organisation_id: Hashable
    category: str
    merit: float
    amount_cents: int


@dataclass(frozen=True)
class CategoryQuota:
    """How many awards a category must (minimum) and may (maximum) receive."""

    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class AwardProposal:
    """The proposed awards (best merit first) and the solver's proof of optimality."""

    application_ids: tuple[AppId, ...]
    total_merit: float
    total_amount_cents: int
    budget_cents: int
    optimal: bool
    gap: float  # relative gap between the proposal and the proven bound
    fixed_by_reduced_cost: int  # variables decided before branching (diagnostics)


class ProposalInfeasible(ValueError):
    """No set of awards meets the budget and quota rules; the message names the rule."""


def to_cents(amount: Decimal | int | str) -> int:
    """Whole cents of a money amount; rejects fractions of a cent rather than rounding."""
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractions of a cent.")
    return int(cents)


def propose_awards(
    candidates: Sequence[AwardCandidate],
    budget_cents: int,
    *,
    category_quotas: Mapping[str, CategoryQuota] | None = None,
    one_per_organisation: bool = True,
) -> AwardProposal:
    """Choose the awards that maximise total merit within the budget and quotas.

    Enforces: total requested amount ≤ ``budget_cents``; each category's award count
    within its quota; at most one award per organisation when
    ``one_per_organisation``. The result is the exact optimum; when several sets tie,
    any one of them is returned. Raises :class:`ProposalInfeasible` naming the rule
    that cannot be met.
    """
    quotas = dict(category_quotas or {})
    _check_inputs(candidates, budget_cents, quotas)
    _precheck_quotas(candidates, budget_cents, quotas, one_per_organisation)
    if not candidates:
        return AwardProposal((), 0.0, 0, budget_cents, True, 0.0, 0)

    model = _Model(candidates, budget_cents, quotas, one_per_organisation)
    solution = model.solve()
    if solution is None:
        raise ProposalInfeasible(_diagnose(candidates, budget_cents, quotas, one_per_organisation))
    chosen, optimal, rel_gap, decided = solution
    model.verify(chosen)

    order = sorted(chosen.tolist(), key=lambda j: (-model.merit[j], j))
    return AwardProposal(
        application_ids=tuple(candidates[j].application_id for j in order),
        total_merit=float(math.fsum(model.merit[chosen])),
        total_amount_cents=int(sum(int(model.amount[j]) for j in chosen)),
        budget_cents=budget_cents,
        optimal=optimal,
        gap=rel_gap,
        fixed_by_reduced_cost=decided,
    )


class _Model:
    """The 0-1 program in array form: the LP bound, the core and the exact subproblems.

    Candidates are indices j; ``org_of[j]`` is the group of at most one award (the
    organisation, or j itself without ``one_per_organisation``).
    """

    def __init__(
        self,
        candidates: Sequence[AwardCandidate],
        budget_cents: int,
        quotas: dict[str, CategoryQuota],
        one_per_organisation: bool,
    ) -> None:
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        self.n = n = len(candidates)
        self.merit = np.array([float(c.merit) for c in candidates])
        self.amount = np.array([int(c.amount_cents) for c in candidates], dtype=np.int64)
        self.budget = int(budget_cents)
        # Dividing by the common factor keeps the budget row's numbers small, so the
        # solver's feasibility tolerance cannot hide an overspend of even one cent.
        self.scale = math.gcd(*self.amount.tolist())
        self.units = self.amount // self.scale
        self.capacity = self.budget // self.scale
        codes: dict[str, int] = {}
        category = np.fromiter((codes.setdefault(c.category, len(codes)) for c in candidates), np.int64, n)
        # One row per quota: (members, minimum, maximum); a category has at most one.
        self.quotas: list[tuple[np.ndarray, int, int]] = []
        self.quota_of = np.full(n, -1, dtype=np.int64)
        for code, quota in quotas.items():
            members = np.flatnonzero(category == codes[code]) if code in codes else np.empty(0, np.int64)
            upper = len(members) if quota.maximum is None else min(quota.maximum, len(members))
            self.quota_of[members] = len(self.quotas)
            self.quotas.append((members, quota.minimum, upper))
        if one_per_organisation:
            orgs: dict[Hashable, int] = {}
            self.org_of = np.fromiter((orgs.setdefault(c.organisation_id, len(orgs)) for c in candidates), np.int64, n)
        else:
            self.org_of = np.arange(n, dtype=np.int64)
        self.n_orgs = int(self.org_of.max()) + 1
        self.org_size = np.bincount(self.org_of, minlength=self.n_orgs)

    # --- step 1: multipliers and penalties ---------------------------------------------

    def multipliers(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """(budget λ per unit, quota μ per row, LP bound) from the LP relaxation, or None
        if even the LP is infeasible."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it
        from ortools.linear_solver import pywraplp  # noqa: PLC0415 - heavy, as numpy

        solver = pywraplp.Solver.CreateSolver("GLOP")
        solver.SetSolverSpecificParametersAsString("use_dual_simplex: true")
        _, budget_row, quota_rows = self._build(solver, np.arange(self.n), np.empty(0, np.int64), integer=False)
        status = solver.Solve()
        if status == pywraplp.Solver.INFEASIBLE:
            return None
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"LP relaxation failed with status {status}.")
        duals = np.array([row.dual_value() for row in quota_rows])
        return budget_row.dual_value(), duals, solver.Objective().Value()

    def penalties(self, lam: float, mu: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """(bound Z, best item per organisation or −1, cheapest deviation per organisation,
        penalty of each candidate) for multipliers λ ≥ 0 and μ (module docstring)."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        lam = max(0.0, lam)
        constant = [lam * self.capacity] + [
            m * (high if m > 0 else low) for m, (_, low, high) in zip(mu.tolist(), self.quotas, strict=True)
        ]
        shift = np.where(self.quota_of >= 0, np.append(mu, 0.0)[self.quota_of], 0.0)
        reduced = self.merit - lam * self.units - shift
        best = np.zeros(self.n_orgs)
        np.maximum.at(best, self.org_of, reduced)
        penalty = best[self.org_of] - reduced
        # Each organisation's best option: its highest reduced merit if positive, else none.
        order = np.lexsort((penalty, self.org_of))
        first = order[np.r_[True, self.org_of[order][1:] != self.org_of[order][:-1]]]
        choice = np.full(self.n_orgs, -1, dtype=np.int64)
        positive = best[self.org_of[first]] > 0
        choice[self.org_of[first[positive]]] = first[positive]
        deviation = np.where(choice >= 0, best, np.inf)  # giving up the award
        others = np.ones(self.n, dtype=bool)
        others[choice[choice >= 0]] = False
        np.minimum.at(deviation, self.org_of[others], penalty[others])
        bound = math.fsum(constant) + math.fsum(best.tolist())
        return bound, choice, deviation, penalty

    # --- steps 2 and 3: exact subproblems -----------------------------------------------

    def solve(self) -> tuple[np.ndarray, bool, float, int] | None:
        """(chosen indices, proven optimal, relative gap, candidates decided without
        branching), or None when no set obeys the rules."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        lp = self.multipliers()
        if lp is None:
            return None
        lam, mu, lp_bound = lp
        # The dual's sign convention is the solver's; either sign gives a valid bound,
        # the right one gives the LP bound, so keep the tighter.
        bound, choice, deviation, _ = min(
            (self.penalties(lam, mu), self.penalties(-lam, -mu)), key=lambda result: result[0]
        )
        margin = _FIXING_MARGIN * max(1.0, math.fsum(np.abs(self.merit).tolist()), abs(bound), abs(lp_bound))

        # Organisations by their cheapest deviation; the core is a prefix of this order,
        # and so is the set that may deviate from a better set than the incumbent.
        by_deviation = np.argsort(deviation, kind="stable")
        core_size, hint = _CORE_ORGANISATIONS, None
        while True:
            core = np.zeros(self.n_orgs, dtype=bool)
            core[by_deviation[:core_size]] = True
            part = self._solve_part(core, choice, hint=hint)
            if part is not None:
                chosen, optimal, rel_gap = part
                gap = bound - math.fsum(self.merit[chosen].tolist())
                if not ((deviation < gap + margin) & ~core).any():
                    return chosen, optimal, rel_gap, int(self.org_size[~core].sum())
                hint = chosen  # still a solution of the larger core
            if core.all():
                return part and (*part, 0)
            core_size *= 2

    def _solve_part(
        self, free_orgs: np.ndarray, choice: np.ndarray, hint: np.ndarray | None
    ) -> tuple[np.ndarray, bool, float] | None:
        """Exact optimum when the organisations outside ``free_orgs`` keep their ``choice``:
        (chosen, proven optimal, relative gap), or None if no such set obeys the rules."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it
        from ortools.linear_solver import pywraplp  # noqa: PLC0415 - heavy, as numpy

        held = choice[~free_orgs]
        held = held[held >= 0]
        free = np.flatnonzero(free_orgs[self.org_of])
        solver = pywraplp.Solver.CreateSolver("SCIP")
        solver.SetSolverSpecificParametersAsString(
            f"limits/gap = 0\nlimits/absgap = 0\nnumerics/feastol = {_FEASIBILITY_TOLERANCE}\n"
        )
        built = self._build(solver, free, held, integer=True)
        if built is None:
            return None
        x = built[0]
        if hint is not None:
            hinted = set(hint.tolist())
            solver.SetHint(x, [1.0 if j in hinted else 0.0 for j in free.tolist()])
        params = pywraplp.MPSolverParameters()
        params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
        status = solver.Solve(params)
        if status == pywraplp.Solver.INFEASIBLE:
            return None
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            raise RuntimeError(f"MILP solver failed with status {status}.")
        picked = [j for j, var in zip(free.tolist(), x, strict=True) if var.solution_value() > 0.5]
        objective = solver.Objective()
        # Measured on the free part alone, so float addition cannot fake a gap.
        held_merit = math.fsum(self.merit[held].tolist())
        rel_gap = abs(objective.BestBound() - objective.Value()) / max(1.0, abs(objective.Value() + held_merit))
        chosen = np.sort(np.concatenate([held, np.array(picked, dtype=np.int64)]))
        return chosen, status == pywraplp.Solver.OPTIMAL, rel_gap

    def _build(self, solver: pywraplp.Solver, free: np.ndarray, held: np.ndarray, integer: bool):
        """Variables for ``free``, rows for the budget and quotas net of ``held`` (chosen
        already), one-award rows for organisations with several free candidates. None
        when ``held`` alone breaks the budget or a quota maximum."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        left = self.capacity - int(self.units[held].sum())
        if left < 0:
            return None
        x = [solver.Var(0.0, 1.0, integer, f"x{j}") for j in free.tolist()]
        budget_row = solver.Constraint(-solver.infinity(), float(left))
        for var, units in zip(x, self.units[free].tolist(), strict=True):
            budget_row.SetCoefficient(var, float(units))
        taken = np.bincount(self.quota_of[held][self.quota_of[held] >= 0], minlength=len(self.quotas))
        quota_rows = []
        position = {j: i for i, j in enumerate(free.tolist())}
        for (members, low, high), already in zip(self.quotas, taken.tolist(), strict=True):
            if high - already < 0:
                return None
            row = solver.Constraint(float(low - already), float(high - already))
            for j in members.tolist():
                if j in position:
                    row.SetCoefficient(x[position[j]], 1.0)
            quota_rows.append(row)
        orgs = self.org_of[free]
        order = np.argsort(orgs, kind="stable")
        bounds = np.flatnonzero(np.r_[True, orgs[order][1:] != orgs[order][:-1], True])
        for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if end - start > 1:
                row = solver.Constraint(-solver.infinity(), 1.0)
                for i in order[start:end].tolist():
                    row.SetCoefficient(x[i], 1.0)
        objective = solver.Objective()
        for var, merit in zip(x, self.merit[free].tolist(), strict=True):
            objective.SetCoefficient(var, merit)
        objective.SetMaximization()
        return x, budget_row, quota_rows

    def verify(self, chosen: np.ndarray) -> None:
        """Re-check the rules in exact integers; a solver tolerance must never overspend."""
        import numpy as np  # noqa: PLC0415 - heavy; deferred so that web processes start without it

        spent = int(sum(int(self.amount[j]) for j in chosen))
        if spent > self.budget:
            raise RuntimeError(f"Solver proposed {spent} cents against a budget of {self.budget}.")
        picked = np.zeros(self.n, dtype=bool)
        picked[chosen] = True
        for members, low, high in self.quotas:
            if not low <= int(picked[members].sum()) <= high:
                raise RuntimeError("Solver proposal breaks a quota.")
        if np.bincount(self.org_of[chosen], minlength=self.n_orgs).max(initial=0) > 1:
            raise RuntimeError("Solver proposal breaks the one-per-organisation rule.")


def _check_inputs(candidates: Sequence[AwardCandidate], budget_cents: int, quotas: dict[str, CategoryQuota]) -> None:
    if budget_cents < 0:
        raise ValueError("The budget cannot be negative.")
    ids = [c.application_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("An application appears twice among the candidates.")
    for c in candidates:
        if not isinstance(c.amount_cents, int) or c.amount_cents <= 0:
            raise ValueError(f"Application {c.application_id}: the amount must be a positive number of cents.")
        if not math.isfinite(float(c.merit)):
            raise ValueError(f"Application {c.application_id}: the merit score must be a finite number.")
    for code, quota in quotas.items():
        if quota.minimum < 0 or (quota.maximum is not None and quota.maximum < quota.minimum):
            raise ProposalInfeasible(
                f"Category {code}: the minimum ({quota.minimum}) must be between 0 and the maximum ({quota.maximum})."
            )


def _precheck_quotas(
    candidates: Sequence[AwardCandidate],
    budget_cents: int,
    quotas: dict[str, CategoryQuota],
    one_per_organisation: bool,
) -> None:
    """Cheap, named reasons why the category minimums cannot be met."""
    cheapest_total = 0
    for code, quota in quotas.items():
        if quota.minimum == 0:
            continue
        members = [c for c in candidates if c.category == code]
        if len(members) < quota.minimum:
            raise ProposalInfeasible(
                f"Category {code} needs at least {quota.minimum} award(s) but has only {len(members)} candidate(s)."
            )
        if one_per_organisation:
            cheapest_per_org: dict[Hashable, int] = {}
            for c in members:
                cheapest_per_org[c.organisation_id] = min(
                    c.amount_cents, cheapest_per_org.get(c.organisation_id, c.amount_cents)
                )
            amounts = sorted(cheapest_per_org.values())
            if len(amounts) < quota.minimum:
                raise ProposalInfeasible(
                    f"Category {code} needs at least {quota.minimum} award(s) but its candidates come from only "
                    f"{len(amounts)} organisation(s), and each organisation may receive one award."
                )
        else:
            amounts = sorted(c.amount_cents for c in members)
        cheapest = sum(amounts[: quota.minimum])
        if cheapest > budget_cents:
            raise ProposalInfeasible(
                f"Category {code} needs at least {quota.minimum} award(s); the cheapest cost {_money(cheapest)}, "
                f"more than the budget of {_money(budget_cents)}."
            )
        cheapest_total += cheapest
    if cheapest_total > budget_cents:
        raise ProposalInfeasible(
            f"Meeting all category minimums together costs at least {_money(cheapest_total)}, "
            f"more than the budget of {_money(budget_cents)}."
        )


def _diagnose(
    candidates: Sequence[AwardCandidate],
    budget_cents: int,
    quotas: dict[str, CategoryQuota],
    one_per_organisation: bool,
) -> str:
    """Say which rule breaks feasibility once the cheap checks have passed."""
    if one_per_organisation and _Model(candidates, budget_cents, quotas, one_per_organisation=False).solve():
        return (
            "The category minimums cannot all be met with at most one award per organisation: "
            "organisations with applications in several categories can fill only one of them."
        )
    return f"The category minimums cannot all be met within the budget of {_money(budget_cents)}" + (
        " with at most one award per organisation." if one_per_organisation else "."
    )


def _money(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"
