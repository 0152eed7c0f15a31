"""The NGO's award page charts the grant's indicators against their targets (issue 14):
only accepted reports count; the chart has its table, in both languages; one query."""

import pytest
from django.urls import reverse
from django.utils import translation

from grants.awards import selectors
from incubator.models import Membership
from tests.factories.awards import AwardFactory, ReportFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    login(client, membership.user)
    return membership


def test_kpi_results_count_accepted_reports_only(django_assert_max_num_queries):
    award = AwardFactory(active=True)
    ReportFactory(milestone=milestone(award), accepted=True, complete=True)
    ReportFactory(milestone=milestone(award, "final"), submitted=True, complete=True)
    award.milestones.get(kind="final").report.kpi_actuals.update(actual=1999)
    with django_assert_max_num_queries(1):
        rows = selectors.kpi_results(award)
    assert [(indicator, achieved) for indicator, achieved, _t, _u in rows] == [
        ("Disputes mediated", 60),
        ("People reached", 1000),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_award_page_charts_results_against_targets(client, member, language):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    ReportFactory(milestone=milestone(award), accepted=True, complete=True)
    with translation.override(language):
        url = reverse("awards:award_detail", kwargs={"pk": award.pk})
    page = client.get(url).content.decode()
    section = page[page.index('id="results"') : page.index("</section>", page.index('id="results"'))]
    assert 'role="img"' in section and "<table" in section
    assert '<th scope="row">Disputes mediated</th><td>120 cases</td><td>60 cases</td><td>50%</td>' in section
    assert "css/charts.css" in page
    assert "style=" not in section


def test_an_award_page_before_any_accepted_report_lists_the_targets(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    page = client.get(reverse("awards:award_detail", kwargs={"pk": award.pk})).content.decode()
    assert '<th scope="row">People reached</th><td>2,000 people</td><td>—</td>' in page
