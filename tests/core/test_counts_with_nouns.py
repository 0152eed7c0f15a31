"""A number printed with a noun agrees with it: "1 lawyer", "2 lawyers" (issue 14)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from grants.awards.dashboard import award_links
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def team_text(html: str, term: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    dt = next(dt for dt in soup.select("dt") if dt.get_text(strip=True) == term)
    return " ".join(dt.find_next_sibling("dd").get_text().split())


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ((1, 1, 1), "1 full-time staff member, 1 volunteer, 1 lawyer"),
        ((3, 0, 2), "3 full-time staff, 0 volunteers, 2 lawyers"),
    ],
)
def test_public_profile_counts_the_team_in_the_right_number(client, sizes, expected):
    full_time, volunteers, lawyers = sizes
    organisation = OrganisationFactory(
        verified=True, staff_full_time=full_time, staff_volunteers=volunteers, staff_lawyers=lawyers
    )
    with translation.override("en"):
        path = reverse("cms:organisation", kwargs={"pk": organisation.pk})
    assert team_text(client.get(path).content.decode(), "Team") == expected


def test_members_organisation_page_counts_the_team_in_the_right_number(client):
    member = UserFactory()
    organisation = OrganisationFactory(staff_full_time=1, staff_volunteers=4, staff_lawyers=1)
    MembershipFactory(organisation=organisation, user=member, role=Membership.Role.OWNER)
    login(client, member)
    with translation.override("en"):
        path = reverse("incubator:organisation_detail", kwargs={"pk": organisation.pk})
    response = client.get(path)
    assert response.status_code == 200
    assert team_text(response.content.decode(), "Staff") == "1 full-time staff member, 4 volunteers, 1 lawyer"


def test_officers_dashboard_counts_one_report_in_the_singular():
    officer = UserFactory(officer=True)
    funder = FunderFactory(officers=[officer])
    award = AwardFactory(application__call=FinalCallFactory(funder=funder), active=True)
    ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    with translation.override("en"):
        descriptions = [link["description"] for link in award_links(officer)]
    assert "1 report waiting for a decision." in descriptions
