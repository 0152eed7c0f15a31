"""StreamField blocks of a call: its rubric and its call-specific questions.

Officers build these in the Wagtail admin; `grants.calls.questions` turns the question
blocks into form fields, and every block's stable `id` (Wagtail's block UUID) is the
key its answer is stored under on the application.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class RubricCriterionBlock(blocks.StructBlock):
    code = blocks.CharBlock(label=_("Code"), max_length=40, help_text=_("A short stable key, e.g. “feasibility”."))
    label_zh = blocks.CharBlock(label=_("Criterion (Chinese)"), max_length=120)
    label_en = blocks.CharBlock(label=_("Criterion (English)"), max_length=120, required=False)
    weight = blocks.IntegerBlock(label=_("Weight (%)"), min_value=1, max_value=100)
    max_score = blocks.IntegerBlock(label=_("Maximum score"), min_value=1, max_value=100, default=10)
    guidance = blocks.TextBlock(label=_("Guidance for reviewers"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Criterion")


class RubricBlock(blocks.StreamBlock):
    criterion = RubricCriterionBlock()

    def clean(self, value):
        value = super().clean(value)
        codes = [child.value["code"] for child in value]
        if len(codes) != len(set(codes)):
            raise blocks.StreamBlockValidationError(non_block_errors=[_("Each criterion needs its own code.")])
        total = sum(child.value["weight"] or 0 for child in value)
        if value and total != 100:
            raise blocks.StreamBlockValidationError(
                non_block_errors=[_("The weights add up to %(total)s%%; they must add up to 100%%.") % {"total": total}]
            )
        return value


DEFAULT_RUBRIC = [
    ("need", "需求与相关性", "Need and relevance", 25),
    ("feasibility", "可行性", "Feasibility", 25),
    ("team", "团队能力", "Team capacity", 20),
    ("budget", "预算合理性", "Budget reasonableness", 15),
    ("sustainability", "可持续性与创新性", "Sustainability and innovation", 15),
]


def default_rubric():
    """The seeds' rubric, as a stream value (a callable default must give the form a value it can render)."""
    return RubricBlock().to_python(_default_rubric_data())


def _default_rubric_data() -> list:
    return [
        {
            "type": "criterion",
            "value": {"code": code, "label_zh": zh, "label_en": en, "weight": weight, "max_score": 10, "guidance": ""},
        }
        for code, zh, en, weight in DEFAULT_RUBRIC
    ]


class QuestionBlock(blocks.StructBlock):
    """Fields every question has. The question and its help text are in Chinese and in
    English; `grants.calls.questions.question_label` shows the reader's language (and a
    plain `label` saved before there were two, should one still be met)."""

    label_zh = blocks.CharBlock(label=_("Question (Chinese)"), max_length=300, required=False)
    label_en = blocks.CharBlock(label=_("Question (English)"), max_length=300, required=False)
    help_text_zh = blocks.TextBlock(label=_("Help text (Chinese)"), required=False)
    help_text_en = blocks.TextBlock(label=_("Help text (English)"), required=False)
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)

    class Meta:
        icon = "help"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("label_zh") or "").strip() and not (value.get("label_en") or "").strip():
            raise StructBlockValidationError(
                block_errors={"label_zh": ValidationError(_("Write the question in Chinese, in English or in both."))}
            )
        return value


class ShortTextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        label=_("Maximum characters"), required=False, min_value=1, max_value=500, default=200
    )

    class Meta:
        label = _("Short text")
        icon = "pilcrow"


class LongTextQuestionBlock(QuestionBlock):
    max_words = blocks.IntegerBlock(
        label=_("Maximum words"),
        required=False,
        min_value=1,
        help_text=_("Each Chinese character counts as one word."),
    )

    class Meta:
        label = _("Long text")
        icon = "doc-full"


class NumberQuestionBlock(QuestionBlock):
    min_value = blocks.DecimalBlock(label=_("Smallest allowed"), required=False)
    max_value = blocks.DecimalBlock(label=_("Largest allowed"), required=False)

    class Meta:
        label = _("Number")
        icon = "order"

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None and low > high:
            raise StructBlockValidationError(
                block_errors={"max_value": ValidationError(_("The largest value must not be below the smallest."))}
            )
        return value


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(blocks.CharBlock(label=_("Choice"), max_length=200), label=_("Choices"), min_num=2)


class SingleChoiceQuestionBlock(ChoiceQuestionBlock):
    class Meta:
        label = _("Single choice")
        icon = "radio-full"


class MultipleChoiceQuestionBlock(ChoiceQuestionBlock):
    max_choices = blocks.IntegerBlock(label=_("Most choices allowed"), required=False, min_value=1)

    class Meta:
        label = _("Multiple choice")
        icon = "tick-inverse"


class DateQuestionBlock(QuestionBlock):
    class Meta:
        label = _("Date")
        icon = "date"


class FileQuestionBlock(QuestionBlock):
    class Meta:
        label = _("File")
        icon = "doc-empty"


class QuestionsBlock(blocks.StreamBlock):
    short_text = ShortTextQuestionBlock()
    long_text = LongTextQuestionBlock()
    number = NumberQuestionBlock()
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    date = DateQuestionBlock()
    file = FileQuestionBlock()
