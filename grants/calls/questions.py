"""A call's own questions as form fields, and their answers as text.

Each question block has a stable id; its form field is `q_<id>` and its answer is
stored under `<id>` in `Application.answers` (files: the attachment's id).
"""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bilingual import bilingual_value
from grants.calls.uploads import ALLOWED_EXTENSIONS, validate_attachment

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z0-9À-ɏ]+(?:['’-][A-Za-z0-9À-ɏ]+)*")


def count_words(text: str) -> int:
    """Words in mixed Chinese and Latin text: each Chinese character is one word."""
    text = text or ""
    return len(CJK.findall(text)) + len(WORD.findall(CJK.sub(" ", text)))


LONG_ANSWER_CHARS = 20_000


class WordLimitValidator:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        words = count_words(value)
        if words > self.limit:
            raise ValidationError(
                _("%(words)s words; the limit is %(limit)s.") % {"words": words, "limit": self.limit},
                code="word_limit",
            )


def question_label(question) -> str:
    """The question in the reader's language, falling back to the other one."""
    return bilingual_value(question.value, "label")


def question_help(question) -> str:
    return bilingual_value(question.value, "help_text")


def field_name(question) -> str:
    return f"q_{question.id}"


def build_field(question, *, strict: bool, existing_file=None):
    kind = question.block_type
    value = question.value
    common = {
        "label": question_label(question),
        "help_text": question_help(question),
        "required": bool(value.get("required")) and strict,
    }
    if kind == "short_text":
        return forms.CharField(max_length=value.get("max_length") or 500, **common)
    if kind == "long_text":
        validators = [WordLimitValidator(value["max_words"])] if value.get("max_words") else []
        # A hard cap in characters too, whatever the word limit: no answer of megabytes.
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 6}), validators=validators, max_length=LONG_ANSWER_CHARS, **common
        )
        if value.get("max_words"):
            field.help_text = " ".join(
                filter(None, [common["help_text"], _("At most %(limit)s words.") % {"limit": value["max_words"]}])
            )
        return field
    if kind == "number":
        return forms.DecimalField(
            min_value=value.get("min_value"),
            max_value=value.get("max_value"),
            max_digits=14,
            decimal_places=2,
            **common,
        )
    if kind == "single_choice":
        choices = [(choice, choice) for choice in value["choices"]]
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "multiple_choice":
        choices = [(choice, choice) for choice in value["choices"]]
        field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        limit = value.get("max_choices")
        if limit:
            field.validators.append(MaxChoicesValidator(limit))
        return field
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "file":
        # A file already uploaded satisfies "required" until replaced.
        common["required"] = common["required"] and existing_file is None
        return forms.FileField(
            validators=[validate_attachment],
            widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
            **common,
        )
    raise ValueError(f"unknown question type {kind}")


class MaxChoicesValidator:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        if len(value) > self.limit:
            raise ValidationError(
                _("Choose at most %(limit)s.") % {"limit": self.limit},
                code="max_choices",
            )


def to_answer(question, cleaned):
    """A cleaned form value as JSON."""
    if cleaned in (None, "", []):
        return None
    if isinstance(cleaned, Decimal):
        return str(cleaned)
    if isinstance(cleaned, date):
        return cleaned.isoformat()
    return cleaned


def to_initial(question, answer):
    if answer is None:
        return None
    if question.block_type == "file":
        return None
    return answer


def answer_text(question, answer, attachments_by_id=None) -> str:
    """An answer as one line of text, for pages and CSV exports."""
    if answer in (None, "", []):
        return ""
    if question.block_type == "multiple_choice" and isinstance(answer, list):
        return "; ".join(str(item) for item in answer)
    if question.block_type == "file":
        attachment = (attachments_by_id or {}).get(answer)
        return attachment.title if attachment else str(gettext_lazy("(file)"))
    return str(answer)


def missing_required(questions, answers: dict) -> list[str]:
    """Labels of required questions without an answer (the submit service re-checks the stored answers)."""
    return [
        question_label(question)
        for question in questions
        if question.value.get("required") and answers.get(question.id) in (None, "", [])
    ]
