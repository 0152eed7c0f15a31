"""A call question for tests, written in whichever shape the question blocks have: one
`label`, or a Chinese and an English one (the bilingual questions of issue 14)."""

from grants.calls.blocks import ShortTextQuestionBlock


def short_text_question(label: str, *, label_en: str = "") -> tuple[str, dict]:
    fields = ShortTextQuestionBlock.base_blocks
    value = {"required": False, "max_length": 100}
    if "label_zh" in fields:
        value.update(label_zh=label, label_en=label_en, help_text_zh="", help_text_en="")
    else:
        value.update(label=label, help_text="")
    return ("short_text", value)
