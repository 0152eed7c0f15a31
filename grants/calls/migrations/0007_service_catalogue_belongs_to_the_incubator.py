"""The service catalogue now belongs to the incubator (state only: the tables stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0006_private_file_storage'),
        ('incubator', '0010_service_catalogue_belongs_to_the_incubator'),
        ('review', '0004_service_catalogue_belongs_to_the_incubator'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.RemoveField(
            model_name='serviceitem',
            name='category',
        ),
        migrations.AlterField(
            model_name='application',
            name='category',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='incubator.servicecategory', verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='application',
            name='service_item',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='incubator.serviceitem', verbose_name='service item'),
        ),
        migrations.AlterField(
            model_name='call',
            name='eligible_categories',
            field=models.ManyToManyField(blank=True, help_text='Leave empty to accept every category.', related_name='calls', to='incubator.servicecategory', verbose_name='eligible service categories'),
        ),
        migrations.DeleteModel(
            name='ServiceCategory',
        ),
        migrations.DeleteModel(
            name='ServiceItem',
        ),
            ],
        ),
    ]
