from django.db import migrations

from accounts.migration_helpers import grant_permissions

PROGRAMME = [
    "grants.add_call",
    "grants.change_call",
    "grants.view_call",
    "grants.view_application",
    "grants.add_servicecategory",
    "grants.change_servicecategory",
    "grants.view_servicecategory",
    "grants.add_serviceitem",
    "grants.change_serviceitem",
    "grants.view_serviceitem",
]
FINANCE = ["grants.view_call", "grants.view_application"]


def grant(apps, schema_editor):
    grant_permissions(apps, "Programme officer", PROGRAMME)
    grant_permissions(apps, "Finance officer", FINANCE)


class Migration(migrations.Migration):
    dependencies = [("grants", "0003_calls_and_applications"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
