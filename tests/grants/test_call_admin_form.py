"""The call form of the back office, submitted as an officer's browser would: a rubric and
one call-specific question of every kind the builder offers, in both admin languages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.text import slugify
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from grants.calls.blocks import QuestionsBlock
from grants.calls.models import Call
from incubator.models import ServiceCategory
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def _list_block(values: list[str]) -> dict:
    """A ListBlock's form data, as Wagtail's editor posts it."""
    data = {str(index): {"value": value, "deleted": "", "order": str(index)} for index, value in enumerate(values)}
    return data | {"count": str(len(values))}


QUESTION_VALUES = {
    "short_text": {"label_en": "Project contact", "help_text_en": "", "required": True, "max_length": 100},
    "long_text": {"label_en": "Describe your volunteers", "help_text_en": "", "required": True, "max_words": 300},
    "number": {"label_en": "Volunteers", "help_text_en": "", "required": False, "min_value": "0", "max_value": "500"},
    "single_choice": {
        "label_en": "Where do you work?",
        "help_text_en": "",
        "required": True,
        "choices": _list_block(["Town", "Village"]),
    },
    "multiple_choice": {
        "label_en": "Which groups do you serve?",
        "help_text_en": "",
        "required": False,
        "max_choices": 2,
        "choices": _list_block(["Elderly", "Migrant workers"]),
    },
    "date": {"label_en": "First activity", "help_text_en": "", "required": True},
    "file": {"label_en": "Volunteer roster", "help_text_en": "", "required": False},
}

RUBRIC = [
    ("criterion", {"code": "need", "label_zh": "需求", "label_en": "Need", "weight": 60, "max_score": 10}),
    ("criterion", {"code": "team", "label_zh": "团队", "label_en": "Team", "weight": 40, "max_score": 10}),
]


def _post_data(funder, *, title: str, rubric=RUBRIC) -> dict:
    opens = timezone.localtime() + timedelta(days=2)
    closes = opens + timedelta(days=30)
    return nested_form_data(
        {
            "funder": funder.pk,
            "title_en": title,
            "slug": slugify(title),
            "summary_en": "Mediation grants",
            "description_en": rich_text("<p>Grants for mediation.</p>"),
            "opens_at": opens.strftime("%Y-%m-%d %H:%M"),
            "closes_at": closes.strftime("%Y-%m-%d %H:%M"),
            "currency": "CNY",
            "total_budget": "300000.00",
            "max_per_project": "100000.00",
            "min_cofunding_percent": "10",
            "admin_cost_cap_percent": "10",
            "eligible_categories": [ServiceCategory.objects.get(code="mediation").pk],
            "require_verified": "on",
            "min_months_registered": "0",
            "require_no_overdue_reports": "on",
            "max_active_grants": "2",
            "questions": streamfield(list(QUESTION_VALUES.items())),
            "rubric": streamfield(rubric),
            "reviewers_per_application": "3",
            "objection_period_days": "7",
        }
    )


@pytest.fixture
def officer():
    user = UserFactory(officer=True)
    FunderFactory(officers=[user])
    return user


def test_every_question_kind_of_the_builder_is_in_the_form():
    assert set(QuestionsBlock().child_blocks) == set(QUESTION_VALUES)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_officer_creates_and_edits_a_call_with_rubric_and_questions(client, officer, language):
    UserProfile.get_for_user(officer).__class__.objects.filter(user=officer).update(preferred_language=language)
    login(client, officer)
    funder = officer.funders.get()

    assert client.get("/admin/grants/calls/new/").status_code == 200
    response = client.post("/admin/grants/calls/new/", _post_data(funder, title="Mediation 2027"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    call = Call.objects.get(title_en="Mediation 2027")
    assert [child.value["code"] for child in call.rubric] == ["need", "team"]
    assert [child.block_type for child in call.questions] == list(QUESTION_VALUES)
    assert list(call.questions[3].value["choices"]) == ["Town", "Village"]

    edit_url = f"/admin/grants/calls/edit/{call.pk}/"
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, _post_data(funder, title="Mediation 2027 (edited)"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Mediation 2027 (edited)"


def test_rubric_weights_not_adding_to_100_are_refused_on_the_form(client, officer):
    login(client, officer)
    rubric = [("criterion", {"code": "need", "label_zh": "需求", "label_en": "Need", "weight": 60, "max_score": 10})]
    response = client.post(
        "/admin/grants/calls/new/", _post_data(officer.funders.get(), title="Bad weights", rubric=rubric)
    )
    assert response.status_code == 200
    assert "must add up to 100%" in response.content.decode()
    assert not Call.objects.filter(title_en="Bad weights").exists()
