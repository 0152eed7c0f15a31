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


def bilingual(base: str) -> property:
    """A property reading `<base>_zh`/`<base>_en` in the reader's language."""

    def get(instance):
        return in_reader_language(getattr(instance, f"{base}_zh"), getattr(instance, f"{base}_en"))

    def set_(instance, value):
        setattr(instance, f"{base}_{language_of(str(value or ''))}", value)

    return property(get, set_, doc=f"{base} in the reader's language, falling back to the other one.")


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
