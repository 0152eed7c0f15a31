"""The data step of awards 0006: after the rename every old text sits in the Chinese
field; English text moves to the English one, the standard report titles get both."""

import importlib

import pytest
from django.apps import apps

from grants.awards.models import AwardKPI, AwardMilestone, Tranche
from tests.factories.awards import AwardFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("grants.awards.migrations.0006_milestones_kpis_and_tranches_in_two_languages")


def test_old_texts_land_in_the_field_of_their_language_and_merge_back():
    award = AwardFactory()
    # As the rename leaves them: everything in the Chinese field.
    AwardMilestone.objects.filter(award=award, kind="midterm").update(title_zh="Mid-term report", title_en="")
    AwardMilestone.objects.filter(award=award, kind="final").update(title_zh="村居调解结项", title_en="")
    AwardKPI.objects.filter(award=award, position=0).update(indicator_zh="Disputes mediated", indicator_en="")
    AwardKPI.objects.filter(award=award, position=1).update(indicator_zh="受益人数", indicator_en="")
    Tranche.objects.filter(award=award).update(label_zh="On signing", label_en="")

    migration.sort_into_languages(apps, None)

    midterm, final = award.milestones.order_by("position")
    assert (midterm.title_zh, midterm.title_en) == ("中期报告", "Mid-term report")
    assert (final.title_zh, final.title_en) == ("村居调解结项", "")
    kpis = list(award.kpis.order_by("position").values_list("indicator_zh", "indicator_en"))
    assert kpis == [("", "Disputes mediated"), ("受益人数", "")]
    assert set(award.tranches.values_list("label_zh", "label_en")) == {("", "On signing")}

    migration.merge_languages(apps, None)
    assert list(award.kpis.order_by("position").values_list("indicator_zh", flat=True)) == [
        "Disputes mediated",
        "受益人数",
    ]
    assert set(award.tranches.values_list("label_zh", flat=True)) == {"On signing"}
