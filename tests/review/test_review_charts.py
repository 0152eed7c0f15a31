"""Review-stage charts (issue 14): the score spread per application on the ranking page,
per reviewer (and how harsh or lenient each is) on the reviews page, the review
progress on the assignments page; each with its table; and the award proposal of a
decided call shows the decision."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.audit import record_event
from grants.calls.models import Application, Call
from grants.review import chart_selectors, selectors
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, ReviewFactory, announced_call, scores
from tests.utils.admin_language import admin_in
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


def reviewed(call, reviewers, values):
    """One application reviewed by each reviewer with the given scores (every criterion)."""
    application = InReviewApplicationFactory(call=call)
    for reviewer, value in zip(reviewers, values, strict=True):
        ReviewFactory(
            submitted=True,
            scores=scores(value),
            assignment=AssignmentFactory(application=application, reviewer=reviewer, declared=True),
        )
    return application


def url(name, call, language, user=None):
    """The page's URL; with `user`, the back office speaks `language` to them."""
    if user is not None:
        admin_in(user, language)
    with translation.override(language):
        return reverse(name, kwargs={"pk": call.pk})


def speaks(page: str, language: str) -> None:
    assert f'<html lang="{language}"' in page


def figure(page: str, title: str) -> str:
    match = re.search(
        r'<figure class="chart[^"]*"[^>]*>(?:(?!</figure>).)*' + re.escape(title) + r".*?</figure>", page, re.DOTALL
    )
    assert match, f"no chart {title!r} on the page"
    return match.group(0)


def test_review_totals_and_deviation(call, reviewers):
    harsh, lenient = reviewers[:2]
    reviewed(call, [harsh, lenient], [4, 8])
    reviewed(call, [harsh, lenient], [6, 10])
    reviewed(call, [lenient], [10])  # alone: no one to compare with
    totals = chart_selectors.review_totals(call)
    assert len(totals) == 5
    assert sorted(round(t.total) for t in totals if t.reviewer == harsh.email) == [40, 60]
    deviation = dict(chart_selectors.reviewer_deviation(totals))
    assert deviation == {harsh.email: -20.0, lenient.email: 20.0}
    spread = chart_selectors.spread_by_application(totals)
    assert sorted(spread[0][1]) == [100.0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_ranking_page_shows_the_spread_per_application_with_its_table(
    call, officer, reviewers, officer_client, language
):
    application = reviewed(call, reviewers[:3], [5, 7, 9])
    page = officer_client.get(url("review_admin_ranking", call, language, officer)).content.decode()
    speaks(page, language)
    assert 'href="/static/css/charts.css"' in page or "css/charts.css" in page
    chart = figure(page, application.reference)
    assert 'role="img"' in chart and "<table" in chart
    assert f'<th scope="row">{application.reference}</th>' in chart
    assert "50, 70, 90" in chart


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_reviews_page_shows_each_reviewer_harsh_or_lenient(call, officer, reviewers, officer_client, language):
    harsh, lenient = reviewers[:2]
    reviewed(call, [harsh, lenient], [4, 8])
    page = officer_client.get(url("review_admin_reviews", call, language, officer)).content.decode()
    speaks(page, language)
    assert page.count('role="img"') == 2
    assert f'<th scope="row">{harsh.email}</th><td>-20</td>' in page
    assert f'<th scope="row">{lenient.email}</th><td>20</td>' in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_assignments_page_shows_the_review_progress(call, officer, reviewers, officer_client, language):
    reviewed(call, reviewers[:2], [5, 7])
    AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewers[0], declared=True)
    page = officer_client.get(url("review_admin_assignments", call, language, officer)).content.decode()
    speaks(page, language)
    assert page.count('role="img"') == 2
    progress = figure(page, "67%")
    assert "<td>3</td><td>67%</td>" in progress, progress  # 2 of 3 reviews submitted
    assert f'<th scope="row">{reviewers[0].email}</th><td>2</td><td>1</td>' in page


def test_no_reviews_yet_says_so(call, officer_client):
    page = officer_client.get(url("review_admin_ranking", call, "en")).content.decode()
    assert "No data yet." in page


def test_chart_queries_do_not_grow_with_the_reviews(call, reviewers, django_assert_max_num_queries):
    reviewed(call, reviewers[:2], [5, 7])

    def read():
        totals = chart_selectors.review_totals(call)
        chart_selectors.reviewer_deviation(totals)
        selectors.progress_by_reviewer(call)

    with django_assert_max_num_queries(3):
        read()
    for _ in range(5):
        reviewed(call, reviewers[:3], [4, 6, 8])
    with django_assert_max_num_queries(3):
        read()


def test_the_proposal_of_a_decided_call_shows_the_decision(officer, officer_client):
    call, lines = announced_call(officer=officer)
    type(lines[0].proposal).objects.filter(pk=lines[0].proposal_id).update(decided_by=officer)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.FINAL)
    page = officer_client.get(url("review_admin_proposal", call, "en")).content.decode()
    section = page[page.index('id="decision"') : page.index("</section>", page.index('id="decision"'))]
    assert "Decided on" in section
    assert (officer.get_full_name() or officer.email) in section
    assert "2 awards, ¥160,000.00 in all." in section
    for line in lines:
        assert line.application.display_title in section
    assert "Compute the proposal" not in page


def test_a_call_decided_without_a_proposal_shows_its_recommended_applications(officer, officer_client):
    call, _lines = announced_call(officer=officer, awards=0)
    call.award_proposal.delete()
    application = InReviewApplicationFactory(call=call, status=Application.Status.AWARDED)
    amount = f"¥{application.requested_amount:,.2f}"
    InReviewApplicationFactory(call=call, status=Application.Status.NOT_RECOMMENDED)
    record_event(target=call, verb="call.decided", actor=officer)
    page = officer_client.get(url("review_admin_proposal", call, "en")).content.decode()
    section = page[page.index('id="decision"') : page.index("</section>", page.index('id="decision"'))]
    assert application.display_title in section and amount in section
    assert f"1 award, {amount} in all." in section
    assert "decided without an award proposal" in section


def test_every_review_stage_heading_names_the_call_in_chinese_too(officer, officer_client):
    call, _lines = announced_call(officer=officer, title="港区调解项目 2026")
    names = ["review_admin_assignments", "review_admin_reviews", "review_admin_ranking", "review_admin_proposal"]
    for name in [*names, "review_admin_objections"]:
        page = officer_client.get(url(name, call, "zh-hans", officer)).content.decode()
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
        assert heading, f"{name}: no <h1>"
        text = re.sub(r"<[^>]+>|\s+", " ", heading.group(1)).strip()
        assert call.title in text and len(text) > len(call.title), f"{name}: {text!r}"
        speaks(page, "zh-hans")
