"""The buyer (service purchasing) and evaluator (third-party evaluation) roles."""

from django.db import migrations

NEW_ROLES = ["Buyer", "Evaluator"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in NEW_ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=NEW_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_editor_submit_translation")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
