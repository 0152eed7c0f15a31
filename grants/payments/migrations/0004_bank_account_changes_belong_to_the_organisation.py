"""Bank account changes now belong to the incubator app (state only: the table stays)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_retry_schedule'),
        ('incubator', '0009_bank_account_changes_belong_to_the_organisation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='BankAccountChange')],
        ),
    ]
