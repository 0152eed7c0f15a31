"""A call's title, summary and description, and each of its questions, in Chinese and in
English (issue 14).

The old single fields become the Chinese ones (a rename keeps their text), then a text
without any Chinese character moves to the English field: a call written in English
before stays English. Question blocks had `label` and `help_text`; each becomes
`label_zh`/`help_text_zh` or `label_en`/`help_text_en` by the same rule (block ids,
and so the answers stored under them, do not change). Going back, the Chinese text wins
and the English one is used where there is no Chinese.
"""

import wagtail.fields
from django.db import migrations, models

from core.bilingual import language_of

TEXTS = ("title", "summary", "description")
QUESTION_TEXTS = ("label", "help_text")


def sort_into_languages(apps, schema_editor):
    Call = apps.get_model("grants", "Call")
    for call in Call.objects.all():
        for base in TEXTS:
            text = getattr(call, f"{base}_zh")
            if text and language_of(text) == "en":
                setattr(call, f"{base}_en", text)
                setattr(call, f"{base}_zh", "")
        questions = [_split_question(block) for block in call.questions.raw_data]
        Call.objects.filter(pk=call.pk).update(
            **{f"{base}_{lang}": getattr(call, f"{base}_{lang}") for base in TEXTS for lang in ("zh", "en")},
            questions=questions,
        )


def _split_question(block: dict) -> dict:
    value = dict(block.get("value") or {})
    for base in QUESTION_TEXTS:
        if base in value:
            text = value.pop(base) or ""
            value.setdefault(f"{base}_zh", "")
            value.setdefault(f"{base}_en", "")
            value[f"{base}_{language_of(text)}"] = text
    return {**block, "value": value}


def merge_languages(apps, schema_editor):
    Call = apps.get_model("grants", "Call")
    for call in Call.objects.all():
        questions = [_merge_question(block) for block in call.questions.raw_data]
        Call.objects.filter(pk=call.pk).update(
            **{f"{base}_zh": getattr(call, f"{base}_zh") or getattr(call, f"{base}_en") for base in TEXTS},
            questions=questions,
        )


def _merge_question(block: dict) -> dict:
    value = dict(block.get("value") or {})
    for base in QUESTION_TEXTS:
        zh, en = value.pop(f"{base}_zh", "") or "", value.pop(f"{base}_en", "") or ""
        value[base] = zh or en
    return {**block, "value": value}


class Migration(migrations.Migration):
    dependencies = [("grants", "0009_application_names_several_target_areas")]

    operations = [
        migrations.RenameField("call", "title", "title_zh"),
        migrations.RenameField("call", "summary", "summary_zh"),
        migrations.RenameField("call", "description", "description_zh"),
        migrations.AlterField(
            model_name="call",
            name="title_zh",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (Chinese)"),
        ),
        migrations.AlterField(
            model_name="call",
            name="summary_zh",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (Chinese)"),
        ),
        migrations.AlterField(
            model_name="call",
            name="description_zh",
            field=wagtail.fields.RichTextField(blank=True, verbose_name="description (Chinese)"),
        ),
        migrations.AddField(
            model_name="call",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="call",
            name="summary_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (English)"),
        ),
        migrations.AddField(
            model_name="call",
            name="description_en",
            field=wagtail.fields.RichTextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AlterField(
            model_name="call",
            name="questions",
            field=wagtail.fields.StreamField(
                [
                    ("short_text", 6),
                    ("long_text", 8),
                    ("number", 11),
                    ("single_choice", 14),
                    ("multiple_choice", 16),
                    ("date", 17),
                    ("file", 17),
                ],
                blank=True,
                block_lookup={
                    0: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Question (Chinese)", "max_length": 300, "required": False},
                    ),
                    1: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Question (English)", "max_length": 300, "required": False},
                    ),
                    2: ("wagtail.blocks.TextBlock", (), {"label": "Help text (Chinese)", "required": False}),
                    3: ("wagtail.blocks.TextBlock", (), {"label": "Help text (English)", "required": False}),
                    4: ("wagtail.blocks.BooleanBlock", (), {"default": True, "label": "Required", "required": False}),
                    5: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 200,
                            "label": "Maximum characters",
                            "max_value": 500,
                            "min_value": 1,
                            "required": False,
                        },
                    ),
                    6: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("label_zh", 0),
                                ("label_en", 1),
                                ("help_text_zh", 2),
                                ("help_text_en", 3),
                                ("required", 4),
                                ("max_length", 5),
                            ]
                        ],
                        {},
                    ),
                    7: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "help_text": "Each Chinese character counts as one word.",
                            "label": "Maximum words",
                            "min_value": 1,
                            "required": False,
                        },
                    ),
                    8: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("label_zh", 0),
                                ("label_en", 1),
                                ("help_text_zh", 2),
                                ("help_text_en", 3),
                                ("required", 4),
                                ("max_words", 7),
                            ]
                        ],
                        {},
                    ),
                    9: ("wagtail.blocks.DecimalBlock", (), {"label": "Smallest allowed", "required": False}),
                    10: ("wagtail.blocks.DecimalBlock", (), {"label": "Largest allowed", "required": False}),
                    11: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("label_zh", 0),
                                ("label_en", 1),
                                ("help_text_zh", 2),
                                ("help_text_en", 3),
                                ("required", 4),
                                ("min_value", 9),
                                ("max_value", 10),
                            ]
                        ],
                        {},
                    ),
                    12: ("wagtail.blocks.CharBlock", (), {"label": "Choice", "max_length": 200}),
                    13: ("wagtail.blocks.ListBlock", (12,), {"label": "Choices", "min_num": 2}),
                    14: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("label_zh", 0),
                                ("label_en", 1),
                                ("help_text_zh", 2),
                                ("help_text_en", 3),
                                ("required", 4),
                                ("choices", 13),
                            ]
                        ],
                        {},
                    ),
                    15: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {"label": "Most choices allowed", "min_value": 1, "required": False},
                    ),
                    16: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("label_zh", 0),
                                ("label_en", 1),
                                ("help_text_zh", 2),
                                ("help_text_en", 3),
                                ("required", 4),
                                ("choices", 13),
                                ("max_choices", 15),
                            ]
                        ],
                        {},
                    ),
                    17: (
                        "wagtail.blocks.StructBlock",
                        [[("label_zh", 0), ("label_en", 1), ("help_text_zh", 2), ("help_text_en", 3), ("required", 4)]],
                        {},
                    ),
                },
                default=list,
                verbose_name="call-specific questions",
            ),
        ),
        migrations.RunPython(sort_into_languages, merge_languages),
    ]
