from django.db import migrations

from grants.calls.catalogue_data import CATALOGUE


def load_catalogue(apps, schema_editor):
    ServiceCategory = apps.get_model("grants", "ServiceCategory")
    ServiceItem = apps.get_model("grants", "ServiceItem")
    for category_order, (code, name_zh, name_en, items) in enumerate(CATALOGUE):
        category, _ = ServiceCategory.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "sort_order": category_order}
        )
        for item_order, (item_code, item_zh, item_en) in enumerate(items):
            ServiceItem.objects.update_or_create(
                code=item_code,
                defaults={"category": category, "name_zh": item_zh, "name_en": item_en, "sort_order": item_order},
            )


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
