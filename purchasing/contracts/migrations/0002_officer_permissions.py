"""Programme officers run service purchasing in the back office: they register buyers and
read offers, needs and contracts (offers change only through suspend/reinstate, contracts
only through their parties' services)."""

from django.db import migrations

from accounts.migration_helpers import grant_permissions

PROGRAMME = [
    "purchasing.add_buyer",
    "purchasing.change_buyer",
    "purchasing.view_buyer",
    "purchasing.view_budgetline",
    "purchasing.view_offer",
    "purchasing.view_need",
    "purchasing.view_contract",
]
FINANCE = ["purchasing.view_buyer", "purchasing.view_budgetline", "purchasing.view_contract"]


def grant(apps, schema_editor):
    grant_permissions(apps, "Programme officer", PROGRAMME)
    grant_permissions(apps, "Finance officer", FINANCE)


class Migration(migrations.Migration):
    dependencies = [("purchasing", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
