"""Issue 14: on the report form each KPI and budget line has two inputs (the figure and a
note), and both have a visible label, not only the first."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from incubator.models import Membership
from tests.factories.awards import AwardFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


class Labels(HTMLParser):
    """The ids of the report's inputs and, per id, the classes of the labels naming it."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and (attrs.get("name") or "").startswith(("kpi_", "line_")):
            self.inputs.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labels.setdefault(attrs["for"], []).append((attrs.get("class") or "").split())


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_figure_and_note_on_the_report_form_has_a_visible_label(client, language):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    login(client, membership.user)
    award = AwardFactory(application__organisation=membership.organisation, active=True)
    with translation.override(language):
        url = reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": milestone(award).pk})
    assert url.startswith(f"/{language}/")
    page = Labels()
    page.feed(client.get(url).content.decode())
    notes = [name for name in page.inputs if name.endswith("_note")]
    assert notes and len(notes) * 2 == len(page.inputs), page.inputs
    for input_id in page.inputs:
        labels = page.labels.get(input_id, [])
        assert labels, f"{input_id} has no label"
        assert any("visually-hidden" not in classes for classes in labels), f"{input_id}'s label is hidden"
