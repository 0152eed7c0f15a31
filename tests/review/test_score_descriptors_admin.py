"""Officers enter what each score level of a rubric criterion means (issue 14): the
service's rules, the back-office page, and the levels then shown on the reviewer's scoring page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from core.audit import events_for
from grants.review.models import ScoreDescriptor
from grants.review.services.descriptors import score_descriptors_save
from tests.factories.accounts import UserFactory
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, officer_call
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def url(call):
    return reverse("review_admin_descriptors", kwargs={"pk": call.pk})


def level(low, zh, en=""):
    return {"min_score": low, "text_zh": zh, "text_en": en}


def formset_data(criterion, rows, *, initial=0):
    prefix = f"levels-{criterion.code}"
    data = {
        "criterion": criterion.code,
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


# --- The service --------------------------------------------------------------------------------


def test_the_funders_officer_saves_a_criterions_levels_replacing_the_old_ones_and_it_is_audited(call, officer):
    first = call.criteria[0]
    score_descriptors_save(call=call, criterion_code=first.code, levels=[level(0, "旧")], by=officer)
    saved = score_descriptors_save(
        call=call,
        criterion_code=first.code,
        levels=[level(6, " 可信 ", "Credible"), level(0, "未涉及", "Absent")],
        by=officer,
    )
    assert [(d.min_score, d.text_zh, d.text_en) for d in saved] == [(0, "未涉及", "Absent"), (6, "可信", "Credible")]
    assert list(ScoreDescriptor.objects.filter(call=call).values_list("criterion_code", "min_score", "text_zh")) == [
        (first.code, 0, "未涉及"),
        (first.code, 6, "可信"),
    ]
    event = events_for(call).filter(verb="review.descriptors_saved").order_by("-pk").first()
    assert event.actor == officer
    assert event.data == {"criterion": first.code, "levels": [0, 6]}


@pytest.mark.parametrize(
    "levels",
    [
        [level(0, "未涉及"), level(11, "太高")],  # above the criterion's maximum (10)
        [level(-1, "负数")],
        [level(3, "一"), level(3, "二")],  # the same level twice
        [level(3, "")],  # no Chinese text
    ],
)
def test_out_of_range_duplicate_or_textless_levels_are_refused_and_nothing_changes(call, officer, levels):
    first = call.criteria[0]
    assert first.max_score == 10
    ScoreDescriptor.objects.create(call=call, criterion_code=first.code, min_score=0, text_zh="原有")
    with pytest.raises(ValidationError):
        score_descriptors_save(call=call, criterion_code=first.code, levels=levels, by=officer)
    assert list(ScoreDescriptor.objects.filter(call=call).values_list("text_zh", flat=True)) == ["原有"]


def test_an_unknown_criterion_is_refused(call, officer):
    with pytest.raises(ValidationError):
        score_descriptors_save(call=call, criterion_code="nope", levels=[level(0, "零")], by=officer)


def test_another_funders_officer_and_a_reviewer_are_refused(call):
    other = UserFactory(officer=True)
    officer_call(other)
    first = call.criteria[0]
    for user in (other, UserFactory(reviewer=True)):
        with pytest.raises(PermissionDenied):
            score_descriptors_save(call=call, criterion_code=first.code, levels=[level(0, "零")], by=user)
    assert not ScoreDescriptor.objects.exists()


# --- The page -----------------------------------------------------------------------------------


def test_the_officer_saves_levels_on_the_page_and_the_reviewer_sees_them_beside_the_score(call, officer):
    client = login(Client(), officer)
    response = client.get(url(call))
    assert response.status_code == 200
    html = response.content.decode()
    assert call.title in html
    first = call.criteria[0]
    for criterion in call.criteria:
        assert f'name="criterion" value="{criterion.code}"' in html
    # Blank rows are there without JavaScript, each input labelled with its row number.
    assert f'id="id_levels-{first.code}-1-min_score"' in html
    assert f'for="id_levels-{first.code}-1-text_zh">Chinese text, level 2</label>' in html
    assert f'for="id_levels-{first.code}-0-min_score">From score, level 1</label>' in html

    rows = [
        level("0", "未涉及", "Nothing on it"),
        level("6", "可信", "Credible plan, clear targets"),
        level("", "", ""),
    ]
    response = client.post(url(call), formset_data(first, rows))
    assert response.status_code == 302
    assert ScoreDescriptor.objects.filter(call=call, criterion_code=first.code).count() == 2

    # Shown again as rows, with a blank row to add one.
    html = client.get(url(call)).content.decode()
    assert 'value="Credible plan, clear targets"' in html
    assert f'id="id_levels-{first.code}-2-min_score"' in html

    reviewer = UserFactory(reviewer=True, email="expert@university.edu.cn")
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True)
    scoring = login(Client(), reviewer).get(reverse("review:review_edit", kwargs={"pk": assignment.application_id}))
    page = scoring.content.decode()
    assert "0–5</span> Nothing on it" in page
    assert f"6–{first.max_score}</span> Credible plan, clear targets" in page


def test_removing_a_row_on_the_page_deletes_the_level(call, officer):
    first = call.criteria[0]
    ScoreDescriptor.objects.create(call=call, criterion_code=first.code, min_score=0, text_zh="未涉及")
    ScoreDescriptor.objects.create(call=call, criterion_code=first.code, min_score=5, text_zh="一般")
    client = login(Client(), officer)
    rows = [level("0", "未涉及"), {**level("5", "一般"), "DELETE": "on"}]
    assert client.post(url(call), formset_data(first, rows, initial=2)).status_code == 302
    assert list(ScoreDescriptor.objects.filter(call=call).values_list("min_score", flat=True)) == [0]


def test_a_refused_save_keeps_what_was_typed_and_says_why(call, officer):
    first = call.criteria[0]
    client = login(Client(), officer)
    response = client.post(url(call), formset_data(first, [level("3", "一"), level("3", "二维护")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Two levels start at score 3" in html
    assert 'value="二维护"' in html
    response = client.post(url(call), formset_data(first, [level("", "没有分数")]))
    assert response.status_code == 400
    assert "Give the score from which this level starts." in response.content.decode()
    assert not ScoreDescriptor.objects.exists()


def test_the_page_is_refused_to_anonymous_ngo_member_reviewer_and_another_funders_officer(call):
    first = call.criteria[0]
    data = formset_data(first, [level("0", "零")])
    anonymous = Client()
    response = anonymous.get(url(call))
    assert response.status_code == 302 and "login" in response["Location"]
    assert anonymous.post(url(call), data).status_code == 302
    other_officer = UserFactory(officer=True)
    officer_call(other_officer)
    for user in (UserFactory(ngo_member=True), UserFactory(reviewer=True), other_officer):
        client = login(Client(), user)
        assert client.get(url(call)).status_code in (302, 403)
        assert client.post(url(call), data).status_code in (302, 403)
    assert login(Client(), other_officer).get(url(call)).status_code == 403
    assert not ScoreDescriptor.objects.exists()


def test_the_review_pages_link_to_the_descriptors(call, officer):
    html = login(Client(), officer).get(reverse("review_admin_ranking", kwargs={"pk": call.pk})).content.decode()
    assert f'href="{url(call)}"' in html


def test_the_page_reads_every_criterions_levels_in_a_fixed_number_of_queries(
    call, officer, django_assert_max_num_queries
):
    for criterion in call.criteria:
        for low in (0, 3, 6):
            ScoreDescriptor.objects.create(call=call, criterion_code=criterion.code, min_score=low, text_zh=f"级{low}")
    client = login(Client(), officer)
    client.get(
        url(call)
    )  # warm the session and the caches; 15 queries with 3 criteria, an N+1 per criterion would pass 16
    with django_assert_max_num_queries(16):
        response = client.get(url(call))
    assert response.content.decode().count('value="级6"') == len(call.criteria)
