"""Programme officers edit the village legal advisers' policy in the back office."""

from django.db import migrations

from accounts.migration_helpers import grant_permissions

PERMS = [
    "purchasing_delivery.view_adviserpolicy",
    "purchasing_delivery.add_adviserpolicy",
    "purchasing_delivery.change_adviserpolicy",
]


def grant(apps, schema_editor):
    grant_permissions(apps, "Programme officer", PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("purchasing_delivery", "0001_initial"),
        ("accounts", "0004_buyer_evaluator_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
