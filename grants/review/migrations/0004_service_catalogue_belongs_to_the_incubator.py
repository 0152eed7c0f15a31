"""The reviewers' expertise points at the catalogue in its new app (state only)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incubator', '0010_service_catalogue_belongs_to_the_incubator'),
        ('review', '0003_text_length_limits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.AlterField(
            model_name='reviewerprofile',
            name='expertise',
            field=models.ManyToManyField(blank=True, related_name='+', to='incubator.servicecategory', verbose_name='service categories'),
        ),
            ],
        ),
    ]
