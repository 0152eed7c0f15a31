"""The budget rules of a call, shared by the form (to explain) and the submit service (to enforce)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import format_money, to_money

HUNDRED = Decimal("100")


def percent(value) -> str:
    """10.00 → "10", 12.50 → "12.5"."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Totals:
    requested: Decimal
    administration: Decimal


def totals(lines) -> Totals:
    """`lines` are (kind, amount) pairs."""
    requested = sum((Decimal(amount) for _kind, amount in lines if amount is not None), Decimal("0"))
    administration = sum(
        (Decimal(amount) for kind, amount in lines if kind == "administration" and amount is not None), Decimal("0")
    )
    return Totals(requested=to_money(requested), administration=to_money(administration))


def budget_problems(*, call, lines, cofunding) -> list[str]:
    """Every budget rule the lines and co-funding break, as messages for the applicant.

    Rules: at least one line; every amount positive; total requested ≤ the call's
    maximum per project; administration ≤ the call's cap (a share of the total
    requested); co-funding ≥ the call's minimum share of the total requested.
    """
    problems = []
    money = lambda amount: format_money(amount, call.currency)  # noqa: E731
    if not lines:
        problems.append(_("Add at least one budget line."))
        return problems
    if any(amount is None or Decimal(amount) <= 0 for _kind, amount in lines):
        problems.append(_("Every budget line needs an amount above zero."))
    if cofunding is not None and Decimal(cofunding) < 0:
        problems.append(_("Co-funding cannot be negative."))
    sums = totals(lines)
    if sums.requested > call.max_per_project:
        problems.append(
            _("The budget adds up to %(total)s, above this call's maximum of %(max)s per project.")
            % {"total": money(sums.requested), "max": money(call.max_per_project)}
        )
    if sums.requested > 0:
        cap = to_money(sums.requested * call.admin_cost_cap_percent / HUNDRED)
        if sums.administration > cap:
            share = percent((sums.administration * HUNDRED / sums.requested).quantize(Decimal("0.1")))
            problems.append(
                _(
                    "Administration costs are %(admin)s (%(share)s%% of the budget); this call allows at most "
                    "%(cap_percent)s%%, i.e. %(cap)s."
                )
                % {
                    "admin": money(sums.administration),
                    "share": share,
                    "cap_percent": percent(call.admin_cost_cap_percent),
                    "cap": money(cap),
                }
            )
        minimum = to_money(sums.requested * call.min_cofunding_percent / HUNDRED)
        if call.min_cofunding_percent > 0 and Decimal(cofunding or 0) < minimum:
            problems.append(
                _(
                    "Co-funding is %(cofunding)s; this call requires at least %(percent)s%% of the amount requested, "
                    "i.e. %(minimum)s."
                )
                % {
                    "cofunding": money(cofunding or 0),
                    "percent": percent(call.min_cofunding_percent),
                    "minimum": money(minimum),
                }
            )
    return problems


@dataclass(frozen=True)
class Summary:
    """The budget's totals beside the call's caps, as the form shows them (and its script recomputes)."""

    requested: Decimal
    administration: Decimal
    maximum: Decimal
    administration_cap: Decimal
    cofunding: Decimal
    cofunding_minimum: Decimal

    @property
    def over_maximum(self) -> bool:
        return self.requested > self.maximum

    @property
    def over_administration_cap(self) -> bool:
        return self.administration > self.administration_cap

    @property
    def cofunding_short(self) -> bool:
        return self.cofunding < self.cofunding_minimum


def summary(*, call, lines, cofunding) -> Summary:
    """The same sums and caps `budget_problems` checks, for display beside the budget lines."""
    sums = totals(lines)
    return Summary(
        requested=sums.requested,
        administration=sums.administration,
        maximum=to_money(call.max_per_project),
        administration_cap=to_money(sums.requested * call.admin_cost_cap_percent / HUNDRED),
        cofunding=to_money(Decimal(cofunding or 0)),
        cofunding_minimum=to_money(sums.requested * call.min_cofunding_percent / HUNDRED),
    )
