"""The migration that gives calls and their questions two languages, run as Django runs it:
existing text lands in the field of its language, and going back merges it again."""

from datetime import UTC, datetime

import pytest

from tests.utils.migrations import migrate

BEFORE = [("grants", "0009_application_names_several_target_areas")]
AFTER = [("grants", "0010_calls_and_questions_in_two_languages")]


def _question(block_id, label, help_text=""):
    return {
        "type": "short_text",
        "id": block_id,
        "value": {"label": label, "help_text": help_text, "required": True, "max_length": 200},
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_existing_texts_land_in_the_field_of_their_language_and_merge_back():
    apps = migrate(BEFORE)
    Funder = apps.get_model("grants", "Funder")
    Call = apps.get_model("grants", "Call")
    funder = Funder.objects.create(name_zh="吴中区司法局", kind="government")
    common = {
        "funder": funder,
        "currency": "CNY",
        "total_budget": 100000,
        "max_per_project": 10000,
        "opens_at": datetime(2026, 1, 1, tzinfo=UTC),
        "closes_at": datetime(2026, 2, 1, tzinfo=UTC),
        "rubric": [],
    }
    chinese = Call.objects.create(
        slug="zh",
        title="2026年社区调解项目",
        summary="支持村居调解。",
        description="<p>面向吴中区的社会组织。</p>",
        questions=[_question("q-zh", "项目覆盖哪些村居？", "请列出村居名称。"), _question("q-en", "Who benefits?")],
        **common,
    )
    english = Call.objects.create(
        slug="en", title="Legal aid 2026", summary="Support for legal aid.", description="<p>For NGOs.</p>", **common
    )

    apps = migrate(AFTER)
    Call = apps.get_model("grants", "Call")
    chinese = Call.objects.get(pk=chinese.pk)
    assert (chinese.title_zh, chinese.title_en) == ("2026年社区调解项目", "")
    assert (chinese.summary_zh, chinese.description_zh) == ("支持村居调解。", "<p>面向吴中区的社会组织。</p>")
    english = Call.objects.get(pk=english.pk)
    assert (english.title_zh, english.title_en) == ("", "Legal aid 2026")
    assert (english.summary_zh, english.summary_en) == ("", "Support for legal aid.")
    assert (english.description_zh, english.description_en) == ("", "<p>For NGOs.</p>")
    blocks = {block["id"]: block["value"] for block in chinese.questions.raw_data}
    assert blocks["q-zh"]["label_zh"] == "项目覆盖哪些村居？" and blocks["q-zh"]["label_en"] == ""
    assert blocks["q-zh"]["help_text_zh"] == "请列出村居名称。"
    assert blocks["q-en"]["label_en"] == "Who benefits?" and blocks["q-en"]["label_zh"] == ""
    assert "label" not in blocks["q-zh"]

    apps = migrate(BEFORE)
    Call = apps.get_model("grants", "Call")
    assert Call.objects.get(pk=english.pk).title == "Legal aid 2026"
    chinese = Call.objects.get(pk=chinese.pk)
    assert chinese.title == "2026年社区调解项目"
    assert [block["value"]["label"] for block in chinese.questions.raw_data] == ["项目覆盖哪些村居？", "Who benefits?"]
