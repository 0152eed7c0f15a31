"""An application names several target areas (issue 13, open data: beneficiary locations).

Each existing application's one `area` becomes its first target area, so the open data
publishes the same place as before. `area` stays (the district the application is filed
under). Going back, an application left without an `area` takes the district of its first
target area.
"""

from django.db import migrations, models

DISTRICT = "district"


def copy_area_into_target_areas(apps, schema_editor):
    Application = apps.get_model("grants", "Application")
    Through = Application.target_areas.through
    rows = [
        Through(application_id=application_id, area_id=area_id)
        for application_id, area_id in Application.objects.filter(area__isnull=False).values_list("pk", "area_id")
    ]
    Through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def fill_empty_area_from_target_areas(apps, schema_editor):
    Application = apps.get_model("grants", "Application")
    Area = apps.get_model("incubator", "Area")
    for application in Application.objects.filter(area__isnull=True).prefetch_related("target_areas"):
        first = min(application.target_areas.all(), key=lambda area: area.code or "", default=None)
        while first is not None and first.level != DISTRICT and first.parent_id:
            first = Area.objects.get(pk=first.parent_id)
        if first is not None and first.level == DISTRICT:
            Application.objects.filter(pk=application.pk).update(area=first)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0008_funder_uscc_is_validated"),
        ("incubator", "0012_wuzhong_areas_take_their_national_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="target_areas",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="incubator.area", verbose_name="target areas"
            ),
        ),
        migrations.RunPython(copy_area_into_target_areas, fill_empty_area_from_target_areas),
    ]
