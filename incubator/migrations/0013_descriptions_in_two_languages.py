"""Programmes', cohorts' and subsidy policies' descriptions in Chinese and in English
(issue 14; their names already were).

Each old `description` becomes `description_zh` (a rename keeps its text); a text without
any Chinese character moves to `description_en`. The policies seeded by 0004 were
described in English only: they get the Chinese beside it. Going back, the Chinese text
wins and the English one is used where there is no Chinese.
"""

from django.db import migrations, models

from core.bilingual import language_of

MODELS = ("programme", "cohort", "subsidypolicy")
SEEDED_POLICIES = {
    "¥30,000 once, for an organisation registered within the last 12 months.": (
        "登记成立未满12个月的机构，一次性补贴3万元。"
    ),
    "Up to ¥30,000 per organisation per calendar year while resident in the incubation base.": (
        "入驻孵化基地期间，每家机构每个自然年度最高补贴3万元。"
    ),
    "Per social-work post created, per month.": "每新设一个社会工作岗位，按月补贴。",
}


def sort_into_languages(apps, schema_editor):
    for model_name in MODELS:
        Model = apps.get_model("incubator", model_name)
        for pk, text in Model.objects.exclude(description_zh="").values_list("pk", "description_zh"):
            if language_of(text) == "en":
                chinese = SEEDED_POLICIES.get(text, "") if model_name == "subsidypolicy" else ""
                Model.objects.filter(pk=pk).update(description_zh=chinese, description_en=text)


def merge_languages(apps, schema_editor):
    for model_name in MODELS:
        Model = apps.get_model("incubator", model_name)
        for pk, zh, en in Model.objects.values_list("pk", "description_zh", "description_en"):
            if en and (not zh or SEEDED_POLICIES.get(en) == zh):
                Model.objects.filter(pk=pk).update(description_zh=en)


def _fields(model_name):
    return [
        migrations.RenameField(model_name, "description", "description_zh"),
        migrations.AlterField(
            model_name=model_name,
            name="description_zh",
            field=models.TextField(blank=True, max_length=5000, verbose_name="description (Chinese)"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="description_en",
            field=models.TextField(blank=True, max_length=5000, verbose_name="description (English)"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("incubator", "0012_wuzhong_areas_take_their_national_codes")]

    operations = [
        *_fields("programme"),
        *_fields("cohort"),
        *_fields("subsidypolicy"),
        migrations.RunPython(sort_into_languages, merge_languages),
    ]
