from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.calls.budget import budget_problems, percent, totals
from grants.calls.models import Call
from grants.calls.questions import WordLimitValidator, build_field, count_words
from grants.calls.uploads import validate_attachment
from tests.factories.files import pdf_bytes


def a_call(**overrides):
    values = {
        "max_per_project": Decimal("100000"),
        "admin_cost_cap_percent": Decimal("10"),
        "min_cofunding_percent": Decimal("20"),
        "currency": "CNY",
    }
    values.update(overrides)
    return Call(**values)


GOOD = [("personnel", Decimal("60000")), ("activities", Decimal("30000")), ("administration", Decimal("9000"))]


def test_a_budget_within_every_rule_has_no_problems():
    assert budget_problems(call=a_call(), lines=GOOD, cofunding=Decimal("19800")) == []


def test_total_above_the_call_maximum_is_explained_with_both_figures():
    lines = [("personnel", Decimal("95000")), ("activities", Decimal("10000"))]
    assert budget_problems(call=a_call(), lines=lines, cofunding=Decimal("50000")) == [
        "The budget adds up to ¥105,000.00, above this call's maximum of ¥100,000.00 per project."
    ]


def test_administration_above_the_cap_gives_its_share_and_the_cap():
    lines = [("personnel", Decimal("80000")), ("administration", Decimal("20000"))]
    assert budget_problems(call=a_call(), lines=lines, cofunding=Decimal("20000")) == [
        "Administration costs are ¥20,000.00 (20% of the budget); this call allows at most 10%, i.e. ¥10,000.00."
    ]


def test_co_funding_below_the_minimum_share_names_the_minimum():
    assert budget_problems(call=a_call(), lines=GOOD, cofunding=Decimal("1000")) == [
        "Co-funding is ¥1,000.00; this call requires at least 20% of the amount requested, i.e. ¥19,800.00."
    ]


def test_amounts_must_be_positive_and_a_line_is_needed():
    assert budget_problems(call=a_call(min_cofunding_percent=Decimal("0")), lines=[], cofunding=0) == [
        "Add at least one budget line."
    ]
    problems = budget_problems(
        call=a_call(min_cofunding_percent=Decimal("0")), lines=[("personnel", Decimal("0"))], cofunding=Decimal("-1")
    )
    assert "Every budget line needs an amount above zero." in problems
    assert "Co-funding cannot be negative." in problems


def test_totals_and_percent_formatting():
    assert totals(GOOD).requested == Decimal("99000.00")
    assert totals(GOOD).administration == Decimal("9000.00")
    assert (percent(Decimal("10.00")), percent(Decimal("12.50")), percent(Decimal("0"))) == ("10", "12.5", "0")


def test_chinese_characters_count_as_words():
    assert count_words("调解 neighbour disputes") == 4
    assert count_words("") == 0
    with pytest.raises(ValidationError, match="7 words; the limit is 5"):
        WordLimitValidator(5)("社区法律服务 ok")


class FakeQuestion:
    def __init__(self, block_type, **value):
        self.block_type = block_type
        self.id = "q1"
        self.value = {"label": "Q", "help_text": "", "required": True, **value}


def test_number_questions_enforce_their_limits():
    field = build_field(FakeQuestion("number", min_value=Decimal("1"), max_value=Decimal("10")), strict=True)
    assert field.clean("5") == Decimal("5")
    with pytest.raises(ValidationError):
        field.clean("11")


def test_multiple_choice_questions_enforce_the_most_choices():
    field = build_field(FakeQuestion("multiple_choice", choices=["a", "b", "c"], max_choices=2), strict=True)
    assert field.clean(["a", "b"]) == ["a", "b"]
    with pytest.raises(ValidationError, match="Choose at most 2"):
        field.clean(["a", "b", "c"])


def test_a_long_answer_has_a_character_cap_even_without_a_word_limit():
    field = build_field(FakeQuestion("long_text"), strict=True)
    field.clean("word " * 1000)
    with pytest.raises(ValidationError, match="at most 20000 characters"):
        field.clean("x" * (1024 * 1024))
    assert field.widget.attrs["maxlength"] == "20000"


def test_required_questions_are_only_required_at_submission():
    assert build_field(FakeQuestion("short_text"), strict=False).required is False
    assert build_field(FakeQuestion("short_text"), strict=True).required is True


def test_attachments_are_checked_by_type_size_and_content():
    validate_attachment(SimpleUploadedFile("plan.pdf", pdf_bytes()))
    with pytest.raises(ValidationError, match="not an accepted file type"):
        validate_attachment(SimpleUploadedFile("run.exe", b"MZ"))
    with pytest.raises(ValidationError, match="does not look like a pdf"):
        validate_attachment(SimpleUploadedFile("fake.pdf", b"<html>"))
    with pytest.raises(ValidationError, match="is empty"):
        validate_attachment(SimpleUploadedFile("empty.txt", b""))
