"""Programmes, cohorts and subsidy policies in two languages (issue 14): names and
descriptions in the reader's language with a fallback, also in the back office."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from incubator.models import Cohort, Programme, SubsidyPolicy
from tests.factories.accounts import UserFactory
from tests.factories.incubator import CohortFactory, ProgrammeFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Programme, Cohort, SubsidyPolicy])
def test_descriptions_are_in_the_reader_language_with_fallback(model):
    both = model(name_zh="名称", name_en="Name", description_zh="说明", description_en="About")
    english_only = model(name_zh="", name_en="Name", description_zh="", description_en="About")
    with translation.override("zh-hans"):
        assert (both.name, both.description) == ("名称", "说明")
        assert (english_only.name, english_only.description) == ("Name", "About")
    with translation.override("en"):
        assert (both.name, both.description) == ("Name", "About")


def test_the_seeded_policies_are_described_in_both_languages():
    startup = SubsidyPolicy.objects.get(kind=SubsidyPolicy.Kind.STARTUP)
    assert startup.description_en.startswith("¥30,000 once")
    assert "一次性补贴3万元" in startup.description_zh


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", ["Start-up subsidy", "Spring mediation cohort"], ["开办费补贴", "春季调解班"]),
        ("zh-hans", ["开办费补贴", "春季调解班"], ["Start-up subsidy", "Spring mediation cohort"]),
    ],
)
def test_the_back_office_lists_names_in_the_staff_member_language(client, language, shown, hidden):
    officer = UserFactory(officer=True)
    UserProfile.get_for_user(officer).__class__.objects.filter(user=officer).update(preferred_language=language)
    CohortFactory(name_zh="春季调解班", name_en="Spring mediation cohort", programme=ProgrammeFactory())
    login(client, officer)
    content = client.get(reverse("incubator_subsidy_policies:index")).content.decode()
    content += client.get(reverse("incubator_cohorts:index")).content.decode()
    for text in shown:
        assert text in content, text
    for text in hidden:
        assert text not in content, text
