"""Tranche schedules: amounts always add up to the award, to the cent."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from grants.awards.tranches import (
    DEFAULT_TEMPLATE,
    TemplateLine,
    TrancheLine,
    Trigger,
    parse_template,
    split_award,
    template_to_data,
)

D = Decimal


def test_default_template_is_40_40_20_on_the_three_conditions():
    lines = split_award(D("100000.00"))

    assert lines == [
        TrancheLine(D("40000.00"), "on_signing", "On signing"),
        TrancheLine(D("40000.00"), "on_midterm_accepted", "Mid-term report accepted"),
        TrancheLine(D("20000.00"), "on_final_accepted_and_evaluated", "Final report accepted and evaluation done"),
    ]


def test_default_split_of_100000_01_gives_the_odd_cent_to_the_largest_fraction():
    # Exact shares: 40000.004, 40000.004, 20000.002 fen-fractions -> one cent left over, first tie wins.
    amounts = [line.amount for line in split_award(D("100000.01"))]

    assert amounts == [D("40000.01"), D("40000.00"), D("20000.00")]
    assert sum(amounts) == D("100000.01")


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (D("0.03"), [D("0.01"), D("0.01"), D("0.01")]),
        # 3333.3, 3333.3, 3333.4 fen: the remainder line has the largest fraction.
        (D("100.00"), [D("33.33"), D("33.33"), D("33.34")]),
        # 1.66665, 1.66665, 1.6667 fen: two cents left, to the remainder, then to the earlier tie.
        (D("0.05"), [D("0.02"), D("0.01"), D("0.02")]),
    ],
)
def test_thirds_distribute_cents_by_largest_remainder(total, expected):
    template = [
        TemplateLine.percent(D("33.333"), "a"),
        TemplateLine.percent(D("33.333"), "b"),
        TemplateLine.remainder("c"),
    ]

    assert [line.amount for line in split_award(total, template)] == expected


def test_fixed_amount_then_percentages_then_remainder():
    template = [
        TemplateLine.fixed(D("5000"), Trigger.ON_SIGNING, "Start-up"),
        TemplateLine.percent(50, Trigger.ON_MIDTERM_ACCEPTED),
        TemplateLine.remainder("on_closing_ceremony", "Custom: closing ceremony"),
    ]

    lines = split_award(D("30000.00"), template)

    assert [(line.amount, line.trigger, line.label) for line in lines] == [
        (D("5000.00"), "on_signing", "Start-up"),
        (D("15000.00"), "on_midterm_accepted", "on_midterm_accepted"),
        (D("10000.00"), "on_closing_ceremony", "Custom: closing ceremony"),
    ]


@pytest.mark.parametrize(
    ("total", "template", "message"),
    [
        (D("100"), [TemplateLine.percent(60, "a"), TemplateLine.percent(50, "b")], "more than 100%"),
        (D("100"), [TemplateLine.percent(101, "a")], "cannot exceed 100%"),
        (D("100"), [TemplateLine.fixed(D("150"), "a"), TemplateLine.remainder("b")], "exceed the award"),
        (
            D("100"),
            [TemplateLine.fixed(D("50"), "a"), TemplateLine.percent(60, "b"), TemplateLine.remainder("c")],
            "remainder would be negative",
        ),
        (D("100"), [TemplateLine.percent(100, "a"), TemplateLine.remainder("b")], "must be positive"),
        (D("100"), [TemplateLine.remainder("a"), TemplateLine.remainder("b")], "at most one remainder"),
        (D("100"), [TemplateLine.percent(40, "a"), TemplateLine.percent(40, "b")], "add a remainder line"),
        (D("100"), [TemplateLine.fixed(D("50"), "a"), TemplateLine.percent(60, "b")], "exceed the award"),
        (D("100"), [], "at least one line"),
        (D("100"), [TemplateLine.percent(0, "a"), TemplateLine.remainder("b")], "positive percent"),
        (D("100"), [TemplateLine.fixed(D("-1"), "a"), TemplateLine.remainder("b")], "positive fixed"),
        (D("100"), [TemplateLine.fixed(D("1.001"), "a"), TemplateLine.remainder("b")], "more than two decimals"),
        (D("100"), [TemplateLine.percent(100, " ")], "no trigger"),
        (D("0"), DEFAULT_TEMPLATE, "must be positive"),
        (D("-10"), DEFAULT_TEMPLATE, "must be positive"),
        (D("10.005"), DEFAULT_TEMPLATE, "more than two decimals"),
        (D("0.02"), DEFAULT_TEMPLATE, "would be 0.00"),
        (100, DEFAULT_TEMPLATE, "Decimal"),
    ],
)
def test_invalid_templates_and_totals_are_refused_with_a_clear_message(total, template, message):
    with pytest.raises(ValueError, match=message):
        split_award(total, template)


def _random_template(rng: random.Random, total_cents: int) -> list[TemplateLine]:
    """A valid template: some fixed lines within the total, percentages within 100, maybe a remainder."""
    lines = []
    fixed_budget = rng.randint(0, total_cents // 2)
    for _ in range(rng.randint(0, 2)):
        if fixed_budget <= 0:
            break
        amount = rng.randint(1, fixed_budget)
        fixed_budget -= amount
        lines.append(TemplateLine.fixed(D(amount).scaleb(-2), f"fixed-{len(lines)}"))
    fixed_cents = sum(int(line.value * 100) for line in lines)
    # Percentages of the whole award must leave room for the fixed part.
    room = Fraction(total_cents - fixed_cents, total_cents) * 100
    use_remainder = fixed_cents > 0 or rng.random() < 0.6
    percents = []
    budget = room
    for _ in range(rng.randint(0 if use_remainder else 1, 4)):
        p = D(rng.randint(1, 10_000)) / 100  # 0.01 .. 100.00
        if Fraction(p) > budget:
            break
        percents.append(p)
        budget -= Fraction(p)
    if not use_remainder:
        if not percents or room != 100:
            return [TemplateLine.percent(100, "all")]
        percents[-1] += D(budget.numerator) / D(budget.denominator)  # close to exactly 100
        if sum(percents) != 100:
            return [TemplateLine.percent(100, "all")]
    lines += [TemplateLine.percent(p, f"pct-{i}") for i, p in enumerate(percents)]
    if use_remainder:
        lines.insert(rng.randint(0, len(lines)), TemplateLine.remainder("rest"))
    rng.shuffle(lines)
    return lines


def test_random_totals_and_templates_always_sum_exactly_and_stay_within_a_cent_of_exact():
    rng = random.Random(20260302)
    checked = 0
    for _ in range(3000):
        total_cents = rng.choice([rng.randint(1, 1000), rng.randint(1, 10**8), rng.randint(1, 10**12)])
        total = D(total_cents).scaleb(-2)
        template = _random_template(rng, total_cents)
        try:
            lines = split_award(total, template)
        except ValueError as exc:
            # The only legitimate refusal for a valid template: some line rounds to nothing.
            assert "must be positive" in str(exc)
            continue
        checked += 1
        assert sum(line.amount for line in lines) == total
        assert all(line.amount > 0 and line.amount == line.amount.quantize(D("0.01")) for line in lines)
        assert [line.trigger for line in lines] == [line.trigger for line in template]
        for line, template_line in zip(lines, template, strict=True):
            if template_line.kind == "fixed":
                assert line.amount == template_line.value
            elif template_line.kind == "percent":
                exact = Fraction(total_cents) * Fraction(template_line.value) / 100
                assert abs(Fraction(int(line.amount * 100)) - exact) < 1
    assert checked > 2500


def test_default_template_sums_exactly_for_many_random_awards():
    rng = random.Random(7)
    for _ in range(2000):
        total = D(rng.randint(3, 10**11)).scaleb(-2)
        amounts = [line.amount for line in split_award(total)]
        assert sum(amounts) == total
        assert max(amounts[0], amounts[1]) - min(amounts[0], amounts[1]) <= D("0.01")


def test_template_data_round_trip():
    template = [
        TemplateLine.fixed(D("5000.00"), "on_signing", "首付款"),
        *DEFAULT_TEMPLATE[1:],
        TemplateLine.remainder("x"),
    ]
    template = template[:3]  # fixed + 40% + 20%, with room for nothing else
    data = template_to_data([*template, TemplateLine.remainder("bonus")])

    parsed = parse_template(data)

    assert parsed == [*template, TemplateLine.remainder("bonus")]
    assert split_award(D("100000.00"), parsed)[-1].amount == D("35000.00")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"percent": "40", "fixed": "5", "trigger": "a"}], "exactly one of"),
        ([{"trigger": "a"}], "exactly one of"),
        ([{"percent": "forty", "trigger": "a"}], "not a number"),
        ([{"percent": "140", "trigger": "a"}], "cannot exceed 100%"),
    ],
)
def test_parse_template_rejects_bad_rows(rows, message):
    with pytest.raises(ValueError, match=message):
        parse_template(rows)
