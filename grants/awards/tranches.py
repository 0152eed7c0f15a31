"""Split an award into tranches from a template (pure; no models).

A template is a list of lines, each a percentage of the award, a fixed amount, or
"the remainder", with the trigger that releases it. ``split_award`` enforces:

- the tranche amounts add up to the award exactly, to the cent;
- percentages are shares of the whole award; cents lost to rounding go, one each,
  to the percentage/remainder lines with the largest fractional cents
  (largest-remainder method; ties to the earlier line), so no line is off by more
  than one cent from its exact share;
- at most one remainder line; without one, the lines must cover exactly 100%;
- no line may come out at zero or below (a payment of nothing is not a tranche).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

CENT = Decimal("0.01")
LineKind = Literal["percent", "fixed", "remainder"]


class Trigger(StrEnum):
    """The conditions the product knows how to check; templates may also use a custom label."""

    ON_SIGNING = "on_signing"
    ON_MIDTERM_ACCEPTED = "on_midterm_accepted"
    ON_FINAL_ACCEPTED_AND_EVALUATED = "on_final_accepted_and_evaluated"


@dataclass(frozen=True)
class TemplateLine:
    kind: LineKind
    trigger: str
    value: Decimal | None = None  # percent (0-100] or a fixed amount; None for the remainder
    label: str = ""

    @classmethod
    def percent(cls, value: Decimal | int | str, trigger: str, label: str = "") -> TemplateLine:
        return cls("percent", str(trigger), Decimal(str(value)), label)

    @classmethod
    def fixed(cls, amount: Decimal | int | str, trigger: str, label: str = "") -> TemplateLine:
        return cls("fixed", str(trigger), Decimal(str(amount)), label)

    @classmethod
    def remainder(cls, trigger: str, label: str = "") -> TemplateLine:
        return cls("remainder", str(trigger), None, label)


@dataclass(frozen=True)
class TrancheLine:
    amount: Decimal
    trigger: str
    label: str


DEFAULT_TEMPLATE: tuple[TemplateLine, ...] = (
    TemplateLine.percent(40, Trigger.ON_SIGNING, "On signing"),
    TemplateLine.percent(40, Trigger.ON_MIDTERM_ACCEPTED, "Mid-term report accepted"),
    TemplateLine.percent(20, Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED, "Final report accepted and evaluation done"),
)


def split_award(total: Decimal, template: Sequence[TemplateLine] = DEFAULT_TEMPLATE) -> list[TrancheLine]:
    """Amounts per template line, in template order, summing exactly to ``total``. ValueError if invalid."""
    total_cents = _cents(total, "award total")
    if total_cents <= 0:
        raise ValueError(f"The award total must be positive, got {total}.")
    _check_template(template)

    exact: list[Fraction | None] = []  # exact share in cents for percent/remainder lines; None for fixed
    fixed_cents = 0
    for line in template:
        if line.kind == "fixed":
            fixed_cents += _cents(line.value, f"fixed amount of {_name(line)}")
            exact.append(None)
        elif line.kind == "percent":
            exact.append(Fraction(total_cents) * Fraction(line.value) / 100)
        else:
            exact.append(Fraction(0))  # filled in below
    if fixed_cents > total_cents:
        raise ValueError(f"Fixed amounts ({_money(fixed_cents)}) exceed the award ({_money(total_cents)}).")
    left = Fraction(total_cents - fixed_cents) - sum(share for share in exact if share is not None)
    remainder_index = next((i for i, line in enumerate(template) if line.kind == "remainder"), None)
    if left < 0:
        raise ValueError(
            f"Percentages and fixed amounts exceed the award by {_money_fraction(-left)}"
            + ("; the remainder would be negative." if remainder_index is not None else ".")
        )
    if remainder_index is None:
        if left != 0:
            raise ValueError(
                f"The template covers {_money_fraction(total_cents - left)} of {_money(total_cents)}; "
                "make the lines add up to 100% or add a remainder line."
            )
    else:
        exact[remainder_index] = left

    cents = _largest_remainder(exact, total_cents - fixed_cents)
    result = []
    for line, share, amount in zip(template, exact, cents, strict=True):
        amount_cents = _cents(line.value, "fixed") if share is None else amount
        if amount_cents <= 0:
            raise ValueError(f"{_name(line)} would be {_money(amount_cents)}; every tranche must be positive.")
        result.append(TrancheLine(Decimal(amount_cents).scaleb(-2).quantize(CENT), line.trigger, _name(line)))
    return result


def parse_template(rows: Iterable[Mapping[str, Any]]) -> list[TemplateLine]:
    """Template from stored data: ``[{"percent": "40", "trigger": "on_signing", "label": "..."}, ...]``.

    Each row has exactly one of ``percent``, ``fixed`` or ``remainder: true``.
    """
    lines = []
    for number, row in enumerate(rows, start=1):
        kinds = [kind for kind in ("percent", "fixed", "remainder") if row.get(kind) not in (None, False, "")]
        if len(kinds) != 1:
            raise ValueError(f"Line {number}: give exactly one of percent, fixed or remainder.")
        trigger, label = row.get("trigger", ""), row.get("label", "")
        try:
            if kinds[0] == "percent":
                lines.append(TemplateLine.percent(row["percent"], trigger, label))
            elif kinds[0] == "fixed":
                lines.append(TemplateLine.fixed(row["fixed"], trigger, label))
            else:
                lines.append(TemplateLine.remainder(trigger, label))
        except InvalidOperation:
            raise ValueError(f"Line {number}: {row[kinds[0]]!r} is not a number.") from None
    _check_template(lines)
    return lines


def template_to_data(template: Iterable[TemplateLine]) -> list[dict[str, Any]]:
    """The inverse of ``parse_template``, for storing a template as JSON."""
    rows = []
    for line in template:
        row: dict[str, Any] = {"remainder": True} if line.kind == "remainder" else {line.kind: str(line.value)}
        rows.append({**row, "trigger": line.trigger, "label": line.label})
    return rows


def _check_template(template: Sequence[TemplateLine]) -> None:
    if not template:
        raise ValueError("A tranche template needs at least one line.")
    if sum(1 for line in template if line.kind == "remainder") > 1:
        raise ValueError("A tranche template may have at most one remainder line.")
    percent_total = Decimal(0)
    for line in template:
        if line.kind not in ("percent", "fixed", "remainder"):
            raise ValueError(f"Unknown line kind {line.kind!r}.")
        if not line.trigger.strip():
            raise ValueError(f"{_name(line)} has no trigger.")
        if line.kind == "remainder":
            continue
        if line.value is None or not line.value.is_finite() or line.value <= 0:
            raise ValueError(f"{_name(line)} must be a positive {line.kind}, got {line.value}.")
        if line.kind == "percent":
            if line.value > 100:
                raise ValueError(f"{_name(line)} is {line.value}%; a line cannot exceed 100%.")
            percent_total += line.value
        else:
            _cents(line.value, f"fixed amount of {_name(line)}")
    if percent_total > 100:
        raise ValueError(f"Percentages add up to {percent_total}%, more than 100%.")


def _largest_remainder(exact: list[Fraction | None], target: int) -> list[int]:
    floors = [int(share) if share is not None else 0 for share in exact]  # shares are >= 0, so int() floors
    shortfall = target - sum(floors)
    order = sorted(
        (i for i, share in enumerate(exact) if share is not None),
        key=lambda i: (-(exact[i] - floors[i]), i),
    )
    for i in order[:shortfall]:
        floors[i] += 1
    return floors


def _cents(amount: Decimal | None, what: str) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"The {what} must be a Decimal amount, got {amount!r}.")
    if amount != amount.quantize(CENT):
        raise ValueError(f"The {what} ({amount}) has more than two decimals.")
    return int(amount.scaleb(2))


def _name(line: TemplateLine) -> str:
    return line.label or str(line.trigger)


def _money(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


def _money_fraction(cents: Fraction) -> str:
    return f"{Decimal(cents.numerator) / Decimal(cents.denominator) / 100:.2f}"
