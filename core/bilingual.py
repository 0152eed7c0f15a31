"""Text kept in Chinese and in English, shown in the reader's language.

`in_reader_language(zh, en)` is the one rule: a Chinese reader sees the Chinese text,
any other reader the English one, and either falls back to the other when blank.
`bilingual("title")` is a model property over the fields `title_zh` and `title_en`
(`{{ call.title }}` prints the reader's language); assigning to it (`Call(title=...)`)
stores the text in the field of its language, the rule of `language_of`. Querysets
still filter, order and search on the two real fields.
"""

import re

from django.utils import translation

CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def reads_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "").startswith("zh")


def in_reader_language(zh, en, *, language: str | None = None):
    """`zh` for a Chinese reader, `en` for anyone else; the other one when that is blank."""
    if reads_chinese(language):
        return zh or en
    return en or zh


def language_of(text: str) -> str:
    """ "zh" when the text has any Chinese character, else "en" (how existing
    single-language text is sorted into its field)."""
    return "zh" if CHINESE.search(text or "") else "en"


class BilingualProperty(property):
    """A property (so `Model(title=...)` and factories may set it) that list views can
    sort and label: `admin_order_field` names the Chinese field, `short_description`
    is the column's heading."""

    admin_order_field: str
    short_description: str


def bilingual(base: str, label=None) -> property:
    """A property reading `<base>_zh`/`<base>_en` in the reader's language; `label`
    (lazily translated) heads its column in back-office lists."""

    def get(instance):
        return in_reader_language(getattr(instance, f"{base}_zh"), getattr(instance, f"{base}_en"))

    def set_(instance, value):
        setattr(instance, f"{base}_{language_of(str(value or ''))}", value)

    prop = BilingualProperty(get, set_, doc=f"{base} in the reader's language, falling back to the other one.")
    prop.admin_order_field = f"{base}_zh"
    if label is not None:
        prop.short_description = label
    return prop


def bilingual_value(value, base: str):
    """The same for a mapping (a StreamField block's value): `<base>_zh`/`<base>_en`,
    falling back to a plain `<base>` saved before the block had two languages."""
    text = in_reader_language(value.get(f"{base}_zh"), value.get(f"{base}_en"))
    return text or value.get(base) or ""


def email_values(key: str, instance, base: str) -> dict:
    """`{key: Chinese, key_en: English}` for an email's context: core.emails shows
    `key_en` to a reader of any language but Chinese, each falling back to the other."""
    zh, en = getattr(instance, f"{base}_zh"), getattr(instance, f"{base}_en")
    return {key: zh or en, f"{key}_en": en or zh}


def in_both_languages(base: str, message, params: dict | None = None) -> dict:
    """`{base_zh: ..., base_en: ...}`: a lazily translated message (gettext_lazy, with
    its %-params) as a Chinese and an English text to store, e.g. a standard milestone title."""
    values = {}
    for language, suffix in (("zh-hans", "zh"), ("en", "en")):
        with translation.override(language):
            values[f"{base}_{suffix}"] = str(message) % params if params else str(message)
    return values
