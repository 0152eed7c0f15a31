"""Milestone titles, KPI indicators and tranche labels in Chinese and in English (issue 14).

Each old field becomes the Chinese one (a rename keeps its text); a text without any
Chinese character moves to the English field. The standard report titles the award
service wrote ("Mid-term report", "Final report", in either language) get both.
Going back, the Chinese text wins and the English one is used where there is no Chinese.
"""

from django.db import migrations, models

from core.bilingual import language_of

FIELDS = (("awardmilestone", "title"), ("awardkpi", "indicator"), ("tranche", "label"))
STANDARD_TITLES = [("中期报告", "Mid-term report"), ("结项报告", "Final report")]


def sort_into_languages(apps, schema_editor):
    for model_name, base in FIELDS:
        Model = apps.get_model("awards", model_name)
        for pk, text in Model.objects.exclude(**{f"{base}_zh": ""}).values_list("pk", f"{base}_zh"):
            both = next((pair for pair in STANDARD_TITLES if text in pair), None) if base == "title" else None
            if both:
                Model.objects.filter(pk=pk).update(**{f"{base}_zh": both[0], f"{base}_en": both[1]})
            elif language_of(text) == "en":
                Model.objects.filter(pk=pk).update(**{f"{base}_zh": "", f"{base}_en": text})


def merge_languages(apps, schema_editor):
    for model_name, base in FIELDS:
        Model = apps.get_model("awards", model_name)
        for pk, en in Model.objects.filter(**{f"{base}_zh": ""}).values_list("pk", f"{base}_en"):
            Model.objects.filter(pk=pk).update(**{f"{base}_zh": en})


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_private_file_storage")]

    operations = [
        migrations.RenameField("awardmilestone", "title", "title_zh"),
        migrations.RenameField("awardkpi", "indicator", "indicator_zh"),
        migrations.RenameField("tranche", "label", "label_zh"),
        migrations.AlterField(
            model_name="awardmilestone",
            name="title_zh",
            field=models.CharField(blank=True, max_length=200, verbose_name="milestone (Chinese)"),
        ),
        migrations.AddField(
            model_name="awardmilestone",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="milestone (English)"),
        ),
        migrations.AlterField(
            model_name="awardkpi",
            name="indicator_zh",
            field=models.CharField(blank=True, max_length=200, verbose_name="indicator (Chinese)"),
        ),
        migrations.AddField(
            model_name="awardkpi",
            name="indicator_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="indicator (English)"),
        ),
        migrations.AlterField(
            model_name="tranche",
            name="label_zh",
            field=models.CharField(blank=True, max_length=200, verbose_name="label (Chinese)"),
        ),
        migrations.AddField(
            model_name="tranche",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="label (English)"),
        ),
        migrations.RunPython(sort_into_languages, merge_languages),
    ]
