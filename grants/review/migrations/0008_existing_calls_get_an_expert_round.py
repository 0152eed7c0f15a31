"""Every existing call's review becomes one expert round of weight 100, in the state its
call's review has reached: the combined ranking of a single round is that round's."""

from django.db import migrations


def forwards(apps, schema_editor):
    Call = apps.get_model("grants", "Call")
    ReviewRound = apps.get_model("review", "ReviewRound")
    later = {"decided", "announced", "final"}
    ReviewRound.objects.bulk_create(
        [
            ReviewRound(
                call_id=call.pk,
                kind="expert",
                order=1,
                weight=100,
                status="closed" if call.status in later else ("scoring" if call.status == "in_review" else "open"),
            )
            for call in Call.objects.exclude(review_rounds__kind="expert").only("pk", "status")
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("review", "0007_review_rounds")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
