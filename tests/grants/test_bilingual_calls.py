"""Calls and their questions in two languages (issue 14): each reader sees their own
language, and the other one when theirs is blank."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from core.bilingual import email_values, in_reader_language, language_of
from grants.calls.models import Call
from grants.calls.questions import build_field, question_label
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.utils.auth import login

QUESTIONS = [
    (
        "short_text",
        {
            "label_zh": "合作学校名称",
            "label_en": "Partner school",
            "help_text_zh": "请填写全称。",
            "help_text_en": "Its full name.",
            "required": False,
            "max_length": 100,
        },
    ),
    ("long_text", {"label_zh": "只有中文的问题", "label_en": "", "required": False, "max_words": 50}),
]


@pytest.fixture
def bilingual_call(funder):
    call = CallFactory(funder=funder)
    call.title_zh, call.title_en = "社区调解项目资助", "Community mediation grants"
    call.summary_zh, call.summary_en = "支持村居调解。", "Support for village mediation."
    call.description_zh, call.description_en = "<p>面向吴中区的社会组织。</p>", "<p>For organisations in Wuzhong.</p>"
    call.questions = QUESTIONS
    call.save()
    call.refresh_from_db()
    return call


def test_the_reader_language_with_fallback():
    with translation.override("zh-hans"):
        assert in_reader_language("中文", "English") == "中文"
        assert in_reader_language("", "English") == "English"
    with translation.override("en"):
        assert in_reader_language("中文", "English") == "English"
        assert in_reader_language("中文", "") == "中文"
    assert (language_of("2026年项目"), language_of("Legal aid 2026"), language_of("")) == ("zh", "en", "en")


def test_a_call_text_is_in_the_reader_language_and_falls_back(db):
    call = Call(title_zh="调解", title_en="Mediation", summary_zh="", summary_en="Only English")
    with translation.override("zh-hans"):
        assert (call.title, call.summary, str(call)) == ("调解", "Only English", "调解")
    with translation.override("en"):
        assert (call.title, call.summary) == ("Mediation", "Only English")


def test_assigning_a_title_stores_it_in_the_field_of_its_language():
    call = Call(title="社区调解")
    call.title = "Community mediation"
    assert (call.title_zh, call.title_en) == ("社区调解", "Community mediation")


def test_a_call_needs_a_title_in_at_least_one_language(call):
    call.title_zh = call.title_en = " "
    with pytest.raises(Exception, match="title"):
        call.full_clean()


def test_question_labels_and_help_are_in_the_reader_language(bilingual_call):
    partner, chinese_only = list(bilingual_call.questions)
    with translation.override("en"):
        field = build_field(partner, strict=True)
        assert (field.label, field.help_text) == ("Partner school", "Its full name.")
        assert question_label(chinese_only) == "只有中文的问题"
    with translation.override("zh-hans"):
        field = build_field(partner, strict=True)
        assert (field.label, field.help_text) == ("合作学校名称", "请填写全称。")


def test_a_question_saved_with_one_label_still_shows_it():
    class Old:
        value = {"label": "Partner school", "help_text": ""}

    assert question_label(Old()) == "Partner school"


def test_email_values_give_the_english_sibling(bilingual_call):
    assert email_values("call_title", bilingual_call, "title") == {
        "call_title": "社区调解项目资助",
        "call_title_en": "Community mediation grants",
    }
    english_only = Call(title_en="Legal aid")
    assert email_values("call_title", english_only, "title") == {
        "call_title": "Legal aid",
        "call_title_en": "Legal aid",
    }


@pytest.mark.parametrize(
    ("prefix", "shown", "hidden"),
    [
        (
            "/zh-hans",
            ["社区调解项目资助", "支持村居调解。", "面向吴中区的社会组织。", "合作学校名称"],
            ["Partner school"],
        ),
        (
            "/en",
            [
                "Community mediation grants",
                "Support for village mediation.",
                "For organisations in Wuzhong.",
                "Partner school",
                "只有中文的问题",
            ],
            ["合作学校名称"],
        ),
    ],
)
def test_the_public_call_page_is_in_the_reader_language(client, bilingual_call, prefix, shown, hidden):
    with translation.override(prefix.strip("/")):
        path = reverse("grants:call_detail", args=[bilingual_call.slug])
    content = client.get(path).content.decode()
    for text in shown:
        assert text in content, text
    for text in hidden:
        assert text not in content, text


@pytest.mark.parametrize(
    ("language", "label", "other"),
    [("zh-hans", "合作学校名称", "Partner school"), ("en", "Partner school", "合作学校名称")],
)
def test_the_application_form_asks_the_questions_in_the_reader_language(
    client, bilingual_call, organisation, member, language, label, other
):
    draft = ApplicationFactory(call=bilingual_call, organisation=organisation, created_by=member)
    login(client, member)
    with translation.override(language):
        path = reverse("grants:application_edit", kwargs={"pk": draft.pk}) + "?step=questions"
    content = client.get(path).content.decode()
    assert label in content
    assert other not in content


def test_the_english_back_office_lists_calls_by_their_english_title(client, officer, bilingual_call):
    UserProfile.get_for_user(officer).__class__.objects.filter(user=officer).update(preferred_language="en")
    login(client, officer)
    content = client.get(reverse("grants_calls:index")).content.decode()
    assert "Community mediation grants" in content
    assert "社区调解项目资助" not in content
    assert "Community mediation" in client.get(reverse("grants_calls:index") + "?q=调解").content.decode()
