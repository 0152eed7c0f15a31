"""The service catalogue moves from calls to the incubator (state only: the tables keep
their names, grants_servicecategory and grants_serviceitem, and their rows)."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = [("grants", "servicecategory"), ("grants", "serviceitem"), ("payments", "bankaccountchange")]


def move_content_types(apps, schema_editor):
    """The moved models keep their content types, so the roles' permissions on them (and
    anything else that points at a content type) follow them to the incubator."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old_label, model in MOVED:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label="incubator", model=model).first()
        if new is not None:  # made by a post_migrate in between: keep the old one's rows
            Permission.objects.filter(content_type=new).delete()
            new.delete()
        old.app_label = "incubator"
        old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, model in MOVED:
        ContentType.objects.filter(app_label="incubator", model=model).update(app_label=old_label)


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0006_private_file_storage'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('incubator', '0009_bank_account_changes_belong_to_the_organisation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='ServiceCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_zh', models.CharField(max_length=200, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('code', models.SlugField(unique=True)),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'service category',
                'verbose_name_plural': 'service categories',
                'db_table': 'grants_servicecategory',
                'ordering': ['sort_order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ServiceItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_zh', models.CharField(max_length=200, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('code', models.SlugField(unique=True)),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='incubator.servicecategory')),
            ],
            options={
                'verbose_name': 'service item',
                'verbose_name_plural': 'service items',
                'db_table': 'grants_serviceitem',
                'ordering': ['category__sort_order', 'sort_order', 'id'],
            },
        ),
        migrations.AlterField(
            model_name='organisation',
            name='services',
            field=models.ManyToManyField(blank=True, related_name='organisations', to='incubator.serviceitem', verbose_name='services offered'),
        ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
