"""Milestones, KPIs and tranche labels in two languages (issue 14): each reader sees
their own language, and the other one when theirs is blank."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from grants.awards.models import AwardKPI, AwardMilestone, Tranche
from grants.awards.services import _milestone_plan
from incubator.models import Membership
from tests.factories.awards import AwardFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "base"), [(AwardMilestone, "title"), (AwardKPI, "indicator"), (Tranche, "label")])
def test_each_text_is_in_the_reader_language_with_fallback(model, base):
    both = model(**{f"{base}_zh": "中文", f"{base}_en": "English"})
    chinese_only = model(**{f"{base}_zh": "只有中文", f"{base}_en": ""})
    with translation.override("zh-hans"):
        assert getattr(both, base) == "中文"
    with translation.override("en"):
        assert getattr(both, base) == "English"
        assert getattr(chinese_only, base) == "只有中文"


def test_standard_report_titles_are_stored_in_both_languages():
    class NoMilestones:
        class milestones:  # stands in for the related manager
            @staticmethod
            def all():
                return []

    plan = _milestone_plan(NoMilestones, datetime.date(2026, 1, 1))
    assert [(item["title_zh"], item["title_en"]) for item in plan] == [
        ("中期报告", "Mid-term report"),
        ("结项报告", "Final report"),
    ]


@pytest.fixture
def bilingual_award(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    login(client, membership.user)
    award = AwardFactory(application__organisation=membership.organisation, active=True)
    AwardMilestone.objects.filter(award=award, kind="midterm").update(
        title_zh="村居调解中期报告", title_en="Village mediation mid-term"
    )
    AwardKPI.objects.filter(award=award, position=0).update(
        indicator_zh="调解纠纷件数", indicator_en="Disputes mediated"
    )
    AwardKPI.objects.filter(award=award, position=1).update(indicator_zh="受益群众人数", indicator_en="")
    return award


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        (
            "zh-hans",
            ["村居调解中期报告", "调解纠纷件数", "受益群众人数"],
            ["Village mediation mid-term", "Disputes mediated"],
        ),
        (
            "en",
            ["Village mediation mid-term", "Disputes mediated", "受益群众人数"],
            ["村居调解中期报告", "调解纠纷件数"],
        ),
    ],
)
def test_the_portal_shows_milestones_and_kpis_in_the_reader_language(client, bilingual_award, language, shown, hidden):
    with translation.override(language):
        detail = reverse("awards:award_detail", kwargs={"pk": bilingual_award.pk})
        agreement = reverse("awards:agreement", kwargs={"pk": bilingual_award.pk})
    content = client.get(detail).content.decode() + client.get(agreement).content.decode()
    for text in shown:
        assert text in content, text
    for text in hidden:
        assert text not in content, text
