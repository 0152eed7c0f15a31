"""What an SMS says: the text of `sms/<message>.txt` and the values the cloud's template gets."""

from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from core.emails import email_language
from core.sms.messages import SMS_MESSAGES


def mask_phone(phone: str) -> str:
    """+8613812345678 → +86138****5678: enough to tell numbers apart in a log, not to dial."""
    digits = phone or ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:-8]}****{digits[-4:]}"


def has_sms_version(template: str) -> bool:
    return template in SMS_MESSAGES


def sms_values(template: str, context: dict, language: str) -> dict[str, str]:
    """The message's parameters (SMS_MESSAGES' order) as short texts in `language`: a
    value `x` with a sibling `x_en` (a bilingual name) shows `x_en` to a reader of any
    language but Chinese, as in emails; each cut to the cloud's length for a variable."""
    values = {}
    for name in SMS_MESSAGES[template]:
        value = context.get(name, "")
        if not language.startswith("zh") and context.get(f"{name}_en"):
            value = context[f"{name}_en"]
        value = " ".join(str(value).split())
        values[name] = value if len(value) <= PARAM_MAX_LENGTH else value[: PARAM_MAX_LENGTH - 1] + "…"
    return values


# Tencent Cloud allows at most 35 characters in one variable of a notification template.
PARAM_MAX_LENGTH = 30


def render_sms(template: str, context: dict, language: str | None) -> str:
    """The text of `sms/<template>.txt` in `language`, as the cloud's approved template
    says it (docs/operations.md lists them)."""
    language = email_language(language)
    with translation.override(language):
        text = get_template(f"sms/{template}.txt").template.render(
            Context(sms_values(template, context, language), autoescape=False)
        )
    return " ".join(text.split())
