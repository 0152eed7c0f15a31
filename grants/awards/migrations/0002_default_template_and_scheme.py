from decimal import Decimal

from django.db import migrations

DEFAULT_LINES = [
    {"percent": "40", "trigger": "on_signing", "label": "On signing"},
    {"percent": "40", "trigger": "on_midterm_accepted", "label": "Mid-term report accepted"},
    {
        "percent": "20",
        "trigger": "on_final_accepted_and_evaluated",
        "label": "Final report accepted and evaluation done",
    },
]


def create_defaults(apps, schema_editor):
    TrancheTemplate = apps.get_model("awards", "TrancheTemplate")
    EvaluationScheme = apps.get_model("awards", "EvaluationScheme")
    TrancheTemplate.objects.get_or_create(name="40/40/20", defaults={"lines": DEFAULT_LINES, "is_default": True})
    EvaluationScheme.objects.get_or_create(
        name="Quantity 40, quality 40, use of funds 20",
        defaults={
            "weight_quantity": Decimal("40"),
            "weight_quality": Decimal("40"),
            "weight_use_of_funds": Decimal("20"),
            "excellent_from": Decimal("90"),
            "good_from": Decimal("75"),
            "pass_from": Decimal("60"),
            "is_default": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
