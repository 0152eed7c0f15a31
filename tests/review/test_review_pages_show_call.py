"""What officers and the public read on the review-stage pages: every officer page
names its stage and the call in its heading, and the announcement says which score
it shows and shows that score."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grants.calls.models import Call
from grants.review.models import Announcement, Assignment, AwardProposal, RankingBasis
from tests.factories.review import InReviewApplicationFactory, PanelFactory, ReviewFactory, announced_call, panel_of
from tests.utils.auth import login

STAGES = [
    ("review_admin_call", None),
    ("review_admin_assignments", "Assignments"),
    ("review_admin_reviews", "Reviews"),
    ("review_admin_ranking", "Ranking"),
    ("review_admin_proposal", "Award proposal"),
    ("review_admin_objections", "Announcement and objections"),
]


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


def h1_text(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.DOTALL)
    assert match, "the page has no <h1>"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


@pytest.mark.parametrize(("name", "stage"), STAGES)
def test_every_review_stage_page_heading_names_the_stage_and_the_call(officer, officer_client, name, stage):
    call, _lines = announced_call(officer=officer, title="Harbour district mediation 2026")
    heading = h1_text(officer_client.get(reverse(name, kwargs={"pk": call.pk})))
    assert call.title in heading
    if stage:
        assert stage in heading


def test_the_review_detail_heading_names_the_call(call, officer_client):
    PanelFactory(call=call)
    review = ReviewFactory(submitted=True, assignment__application__call=call)
    response = officer_client.get(reverse("review_admin_review", kwargs={"pk": call.pk, "review_pk": review.pk}))
    heading = h1_text(response)
    assert "Review" in heading and call.title in heading
    assert review.assignment.application.display_title in response.content.decode()


def test_the_review_index_has_a_heading(officer, officer_client):
    assert h1_text(officer_client.get(reverse("review_admin_index"))) == "Expert review"


@pytest.mark.parametrize(
    ("basis", "column", "explanation"),
    [
        (RankingBasis.NORMALISED, "Normalised score", "reviewer-normalised score"),
        (RankingBasis.RAW, "Raw score", "raw score, the mean of the expert reviewers"),
    ],
)
def test_the_announcement_says_which_score_it_shows_and_shows_it(officer, basis, column, explanation):
    call, lines = announced_call(officer=officer)
    AwardProposal.objects.filter(call=call).update(basis=basis)
    for line, merit in zip(lines, (81.24, 64.5), strict=True):
        line.merit = merit
        line.save(update_fields=["merit"])
    page = Client().get(reverse("announcements:detail", kwargs={"key": call.slug})).content.decode()
    table = page[page.index('id="awards"') : page.index("</table>")]
    assert f">{column}</th>" in table
    assert "81.2" in table and "64.5" in table
    basis_note = re.search(r'id="score-basis">(.*?)</p>', page, re.DOTALL).group(1)
    assert explanation in basis_note
    other = "Raw score" if basis == RankingBasis.NORMALISED else "Normalised score"
    assert other not in table


def test_the_objections_page_says_when_the_results_became_final(officer, officer_client):
    call, _lines = announced_call(officer=officer)
    page = officer_client.get(reverse("review_admin_objections", kwargs={"pk": call.pk})).content.decode()
    assert 'id="results-final"' not in page
    Call.objects.filter(pk=call.pk).update(status=Call.Status.FINAL)
    Announcement.objects.filter(call=call).update(finalised_at=timezone.now())
    page = officer_client.get(reverse("review_admin_objections", kwargs={"pk": call.pk})).content.decode()
    assert 'id="results-final"' in page and "The results are final since" in page


def test_the_proposal_quota_labels_are_hidden_the_admin_way(call, officer_client):
    PanelFactory(call=call)
    page = officer_client.get(reverse("review_admin_proposal", kwargs={"pk": call.pk})).content.decode()
    assert "at least</label>" in page
    assert 'class="visually-hidden"' not in page


def test_the_optimiser_runs_from_the_assignments_page(call, officer_client, reviewers):
    panel_of(call, reviewers)
    InReviewApplicationFactory(call=call)
    url = reverse("review_admin_assignments", kwargs={"pk": call.pk})
    page = officer_client.get(url).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*with the optimiser', page, re.DOTALL)
    assert form, "no optimiser button on the assignments page"
    response = officer_client.post(form.group(1))
    assert response.status_code == 302 and response.url == url
    assert Assignment.objects.filter(call=call).count() == call.reviewers_per_application
