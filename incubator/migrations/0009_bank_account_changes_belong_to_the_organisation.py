"""Bank account changes move from payments to the organisation's app (state only: the
table keeps its name, payments_bankaccountchange, and its rows)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incubator', '0008_private_file_storage'),
        ('payments', '0003_retry_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='BankAccountChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bank_name', models.CharField(max_length=200, verbose_name='bank')),
                ('bank_account_name', models.CharField(blank=True, max_length=200, verbose_name='account name')),
                ('bank_account_number', models.CharField(max_length=40, verbose_name='account number')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('confirmed', 'Confirmed'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled')], default='pending', max_length=12, verbose_name='status')),
                ('proposed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='proposed at')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bank_account_changes', to='incubator.organisation', verbose_name='organisation')),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by')),
            ],
            options={
                'verbose_name': 'bank account change',
                'verbose_name_plural': 'bank account changes',
                'db_table': 'payments_bankaccountchange',
                'ordering': ['-proposed_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(('decided_by', models.F('proposed_by')), _negated=True), _connector='OR'), name='bank_change_decider_is_not_proposer'), models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('organisation',), name='one_pending_bank_change_per_organisation')],
            },
        ),
                ],
        ),
    ]
