"""The error summary (templates/components/error_summary.html, issue 14): a failed form
lists each error as a link to its field, and its script moves the focus to it."""

import re

import pytest
from django.urls import reverse

from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def test_the_organisation_form_summarises_its_errors_with_links_to_the_fields(client):
    login(client, UserFactory(ngo_member=True))
    html = client.get("/en/ngo/register/").content.decode()
    assert "data-error-summary" not in html
    response = client.post("/en/ngo/register/", {"name_zh": "吴中区惠民法律服务中心", "uscc": "320506000012345"})
    html = response.content.decode()
    assert 'class="error-summary"' in html and "data-error-summary-focus" in html
    assert 'href="#id_uscc"' in html
    assert "components/error_summary.js" in html


def test_the_report_form_summarises_its_errors_with_links_to_the_fields(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    login(client, membership.user)
    award = AwardFactory(application__organisation=membership.organisation, active=True)
    url = reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": milestone(award).pk})
    html = client.get(url).content.decode()
    assert "data-error-summary" not in html
    figure = re.search(r'name="(kpi_\d+)"', html).group(1)
    html = client.post(url, {"narrative": "Done.", figure: "many"}).content.decode()
    assert "data-error-summary-focus" in html
    assert f'href="#id_{figure}"' in html
