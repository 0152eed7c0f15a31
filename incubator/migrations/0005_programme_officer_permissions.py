"""Programme officers work the incubator's back-office viewsets."""

from django.db import migrations

from accounts.migration_helpers import grant_permissions

PERMS = [
    "incubator.view_area", "incubator.add_area", "incubator.change_area", "incubator.delete_area",
    "incubator.view_organisation", "incubator.change_organisation",
    "incubator.view_membership",
    "incubator.view_organisationdocument",
    "incubator.view_programme", "incubator.add_programme", "incubator.change_programme",
    "incubator.view_cohort", "incubator.add_cohort", "incubator.change_cohort",
    "incubator.view_incubatee",
    "incubator.view_servicelogentry", "incubator.add_servicelogentry", "incubator.change_servicelogentry",
    "incubator.delete_servicelogentry",
    "incubator.view_checkpoint", "incubator.add_checkpoint", "incubator.change_checkpoint",
    "incubator.delete_checkpoint",
    "incubator.view_subsidypolicy", "incubator.add_subsidypolicy", "incubator.change_subsidypolicy",
    "incubator.view_subsidy",
    "incubator.view_target", "incubator.add_target", "incubator.change_target", "incubator.delete_target",
]


def grant(apps, schema_editor):
    grant_permissions(apps, "Programme officer", PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("incubator", "0004_default_policies_and_targets"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
