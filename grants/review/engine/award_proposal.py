"""Award proposal: the set of applications with the most total merit the budget allows.

Rules: the requested amounts of the chosen applications add up to at most the call
budget; each category gets between its optional minimum and maximum number of awards;
with ``one_per_organisation`` (the default) an organisation receives at most one award.
Among all sets obeying these rules the proposal maximises the sum of merit scores,
exactly (proven optimal, zero gap). Money is integer cents throughout; use
:func:`to_cents` for Decimal amounts.

How: a 0-1 MILP. To keep large calls fast it is solved in two exact steps:

1. The LP relaxation (GLOP) gives an upper bound and reduced costs; a greedy rounding
   of it gives a feasible incumbent. Any variable whose reduced cost exceeds the gap
   between bound and incumbent cannot change in a better solution, so it is fixed
   (standard reduced-cost fixing; a safety margin absorbs LP round-off).
2. The remaining small 0-1 problem is solved by SCIP with zero relative and absolute
   gap. Its optimum, or the incumbent if nothing beats it, is the exact optimum.

Why OR-tools' SCIP and not ``highspy``: OR-tools ships its own, older
``libhighs.so.1`` with the same soname, so ``highspy`` and ``ortools`` cannot be
imported into one process (whichever loads second fails with an undefined symbol),
and the assignment step needs OR-tools' min-cost flow.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from ortools.linear_solver import pywraplp

AppId = Hashable

# Reduced costs come from a floating-point LP; only fix a variable when its reduced
# cost beats the gap by this much, so round-off can never cut off the optimum.
_FIXING_MARGIN = 1e-6
_FEASIBILITY_TOLERANCE = 1e-9


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
    lp = model.solve_lp()
    if lp is None:
        raise ProposalInfeasible(_diagnose(candidates, budget_cents, quotas, one_per_organisation))
    bound, values, reduced = lp
    incumbent = model.round_greedily(values)

    fixed: dict[int, int] = {}
    if incumbent is not None:
        gap = bound - float(model.merit[incumbent].sum())
        margin = gap + _FIXING_MARGIN * max(1.0, abs(bound))
        for j in range(model.n):
            if values[j] > 1 - 1e-9 and reduced[j] > margin:
                fixed[j] = 1
            elif values[j] < 1e-9 and -reduced[j] > margin:
                fixed[j] = 0

    chosen, optimal, rel_gap = model.solve_mip(fixed, incumbent)
    if chosen is None:
        raise ProposalInfeasible(_diagnose(candidates, budget_cents, quotas, one_per_organisation))
    if incumbent is not None and model.merit[incumbent].sum() > model.merit[chosen].sum():
        chosen = incumbent
    model.verify(chosen)

    order = sorted(chosen.tolist(), key=lambda j: (-model.merit[j], j))
    return AwardProposal(
        application_ids=tuple(candidates[j].application_id for j in order),
        total_merit=float(math.fsum(model.merit[chosen])),
        total_amount_cents=int(sum(int(model.amount[j]) for j in chosen)),
        budget_cents=budget_cents,
        optimal=optimal,
        gap=rel_gap,
        fixed_by_reduced_cost=len(fixed),
    )


class _Model:
    """The 0-1 program in array form, shared by the LP, the rounding and the MIP."""

    def __init__(
        self,
        candidates: Sequence[AwardCandidate],
        budget_cents: int,
        quotas: dict[str, CategoryQuota],
        one_per_organisation: bool,
    ) -> None:
        self.n = len(candidates)
        self.merit = np.array([float(c.merit) for c in candidates])
        self.amount = np.array([int(c.amount_cents) for c in candidates], dtype=np.int64)
        self.budget = int(budget_cents)
        # Dividing by the common factor keeps the budget row's numbers small, so the
        # solver's feasibility tolerance cannot hide an overspend of even one cent.
        self.scale = math.gcd(*self.amount.tolist())
        self.groups: list[tuple[list[int], int, int]] = []  # (members, min, max)
        by_cat: dict[str, list[int]] = defaultdict(list)
        for j, c in enumerate(candidates):
            by_cat[c.category].append(j)
        for code, quota in quotas.items():
            members = by_cat.get(code, [])
            upper = len(members) if quota.maximum is None else min(quota.maximum, len(members))
            self.groups.append((members, quota.minimum, upper))
        if one_per_organisation:
            by_org: dict[Hashable, list[int]] = defaultdict(list)
            for j, c in enumerate(candidates):
                by_org[c.organisation_id].append(j)
            self.groups.extend((members, 0, 1) for members in by_org.values() if len(members) > 1)

    def _build(self, solver: pywraplp.Solver, free: list[int], fixed: dict[int, int], integer: bool):
        ones = [j for j, v in fixed.items() if v == 1]
        x = {j: solver.Var(0.0, 1.0, integer, f"x{j}") for j in free}
        spent = int(self.amount[ones].sum())
        budget_row = solver.Constraint(-solver.infinity(), (self.budget - spent) // self.scale)
        for j in free:
            budget_row.SetCoefficient(x[j], float(self.amount[j] // self.scale))
        for members, low, high in self.groups:
            taken = sum(fixed.get(j, 0) for j in members)
            row = solver.Constraint(low - taken, high - taken)
            for j in members:
                if j in x:
                    row.SetCoefficient(x[j], 1.0)
        objective = solver.Objective()
        for j in free:
            objective.SetCoefficient(x[j], float(self.merit[j]))
        objective.SetMaximization()
        return x

    def solve_lp(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """LP bound, fractional solution and reduced costs, or None if even the LP is infeasible."""
        solver = pywraplp.Solver.CreateSolver("GLOP")
        x = self._build(solver, list(range(self.n)), {}, integer=False)
        status = solver.Solve()
        if status == pywraplp.Solver.INFEASIBLE:
            return None
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"LP relaxation failed with status {status}.")
        values = np.array([x[j].solution_value() for j in range(self.n)])
        reduced = np.array([x[j].reduced_cost() for j in range(self.n)])
        return solver.Objective().Value(), values, reduced

    def round_greedily(self, values: np.ndarray) -> np.ndarray | None:
        """A feasible set built from the LP: its integral part, then the best-value fillers."""
        order = np.lexsort((-self.merit / self.amount, -np.round(values, 9)))
        left = self.budget
        count = [0] * len(self.groups)
        member_of: dict[int, list[int]] = defaultdict(list)
        for g, (members, _, _) in enumerate(self.groups):
            for j in members:
                member_of[j].append(g)
        chosen = []
        for j in order.tolist():
            if values[j] < 1e-9 and self.merit[j] <= 0:
                continue
            if self.amount[j] > left or any(count[g] >= self.groups[g][2] for g in member_of[j]):
                continue
            chosen.append(j)
            left -= int(self.amount[j])
            for g in member_of[j]:
                count[g] += 1
        if any(count[g] < low for g, (_, low, _) in enumerate(self.groups)):
            return None  # the rounding missed a minimum; solve without an incumbent
        return np.array(sorted(chosen), dtype=np.int64)

    def solve_mip(self, fixed: dict[int, int], incumbent: np.ndarray | None) -> tuple[np.ndarray | None, bool, float]:
        """Exact optimum over the variables not fixed: (chosen, proven optimal, relative gap)."""
        solver = pywraplp.Solver.CreateSolver("SCIP")
        solver.SetSolverSpecificParametersAsString(
            f"limits/gap = 0\nlimits/absgap = 0\nnumerics/feastol = {_FEASIBILITY_TOLERANCE}\n"
        )
        free = [j for j in range(self.n) if j not in fixed]
        x = self._build(solver, free, fixed, integer=True)
        if incumbent is not None:
            chosen_set = set(incumbent.tolist())
            solver.SetHint([x[j] for j in free], [1.0 if j in chosen_set else 0.0 for j in free])
        params = pywraplp.MPSolverParameters()
        params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
        status = solver.Solve(params)
        if status == pywraplp.Solver.INFEASIBLE:
            return None, False, math.inf
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            raise RuntimeError(f"MILP solver failed with status {status}.")
        picked = [j for j, v in fixed.items() if v == 1] + [j for j in free if x[j].solution_value() > 0.5]
        objective = solver.Objective()
        fixed_merit = float(self.merit[[j for j, v in fixed.items() if v == 1]].sum())
        # Measured before adding the fixed part, so float addition cannot fake a gap.
        rel_gap = abs(objective.BestBound() - objective.Value()) / max(1.0, abs(objective.Value() + fixed_merit))
        return np.array(sorted(picked), dtype=np.int64), status == pywraplp.Solver.OPTIMAL, rel_gap

    def verify(self, chosen: np.ndarray) -> None:
        """Re-check the rules in exact integers; a solver tolerance must never overspend."""
        spent = int(sum(int(self.amount[j]) for j in chosen))
        if spent > self.budget:
            raise RuntimeError(f"Solver proposed {spent} cents against a budget of {self.budget}.")
        picked = set(chosen.tolist())
        for members, low, high in self.groups:
            taken = sum(1 for j in members if j in picked)
            if not low <= taken <= high:
                raise RuntimeError("Solver proposal breaks a quota or the one-per-organisation rule.")


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
    if one_per_organisation:
        relaxed = _Model(candidates, budget_cents, quotas, one_per_organisation=False)
        if relaxed.solve_lp() is not None and relaxed.solve_mip({}, None)[0] is not None:
            return (
                "The category minimums cannot all be met with at most one award per organisation: "
                "organisations with applications in several categories can fill only one of them."
            )
    return f"The category minimums cannot all be met within the budget of {_money(budget_cents)}" + (
        " with at most one award per organisation." if one_per_organisation else "."
    )


def _money(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"
