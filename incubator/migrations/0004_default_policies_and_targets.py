"""The seeds' subsidy policies and development targets, as editable data."""

from decimal import Decimal

from django.db import migrations

POLICIES = [
    # kind, grade, amount, zh, en, description
    ("startup", "", Decimal("30000"), "开办费补贴", "Start-up subsidy",
     "¥30,000 once, for an organisation registered within the last 12 months."),
    ("incubation", "", Decimal("30000"), "孵化补贴", "Incubation subsidy",
     "Up to ¥30,000 per organisation per calendar year while resident in the incubation base."),
    ("post", "", Decimal("2000"), "社工岗位补贴", "Social-work post subsidy",
     "Per social-work post created, per month."),
    ("grading", "3A", Decimal("10000"), "3A等级评估奖励", "Grading award (3A)", ""),
    ("grading", "4A", Decimal("20000"), "4A等级评估奖励", "Grading award (4A)", ""),
    ("grading", "5A", Decimal("30000"), "5A等级评估奖励", "Grading award (5A)", ""),
]

TARGETS = [
    ("ngos_per_10k", Decimal("1"), "One justice-field NGO per 10,000 residents"),
    ("coverage", Decimal("35"), "35% of villages and communities served"),
]


def load(apps, schema_editor):
    SubsidyPolicy = apps.get_model("incubator", "SubsidyPolicy")
    Target = apps.get_model("incubator", "Target")
    for kind, grade, amount, zh, en, description in POLICIES:
        SubsidyPolicy.objects.get_or_create(
            kind=kind,
            grade=grade,
            defaults={"amount": amount, "name_zh": zh, "name_en": en, "description": description},
        )
    for metric, value, label in TARGETS:
        Target.objects.get_or_create(metric=metric, area=None, defaults={"value": value, "label": label})


def unload(apps, schema_editor):
    apps.get_model("incubator", "Target").objects.all().delete()
    SubsidyPolicy = apps.get_model("incubator", "SubsidyPolicy")
    SubsidyPolicy.objects.filter(subsidies__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("incubator", "0003_wuzhong_areas")]

    operations = [migrations.RunPython(load, unload)]
