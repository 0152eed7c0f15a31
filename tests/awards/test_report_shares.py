"""A report line shows its real share of the approved amount: an overspend reads 119%,
not a bar stuck at 100%, for the NGO and for the officer."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants.awards.selectors import report_detail
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def overspent_report():
    officer = UserFactory(officer=True)
    organisation = OrganisationFactory(verified=True)
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user
    award = AwardFactory(
        active=True,
        application__organisation=organisation,
        application__call=FinalCallFactory(funder=FunderFactory(officers=[officer])),
    )
    report = ReportFactory(milestone=milestone(award), submitted=True)
    mediators, sessions = award.budget_lines.order_by("position")  # ¥40,000.00 each
    report.spending.create(budget_line=mediators, spent=Decimal("47600.00"))  # 119%
    report.spending.create(budget_line=sessions, spent=Decimal("10000.00"))  # 25%
    people = award.kpis.get(indicator_en="People reached")  # target 2,000
    report.kpi_actuals.create(kpi=people, actual=Decimal("2500"))  # 125%
    return report, owner, officer


def test_the_share_of_an_overspent_line_is_not_capped(overspent_report):
    report, _owner, _officer = overspent_report
    detail = report_detail(report, report.milestone.award)
    lines = {row["line"].description: row for row in detail["lines"]}
    assert lines["Mediators"]["percent"] == 119
    assert lines["Mediators"]["bar"] == 100
    assert lines["Mediators"]["over"] is True
    assert lines["Village sessions"]["percent"] == 25
    kpis = {row["kpi"].indicator: row for row in detail["kpis"]}
    assert kpis["People reached"]["percent"] == 125


def _row(body: str, label: str) -> str:
    match = re.search(rf"{re.escape(label)}.*?(?:</tr>|</div>\s*</div>)", body, re.S)
    assert match, f"no row for {label}"
    return match.group(0)


def test_the_ngo_and_the_officer_see_119_percent_on_the_overspent_line(overspent_report):
    report, owner, officer = overspent_report
    award = report.milestone.award
    ngo = login(Client(), owner).get(
        reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": report.milestone_id})
    )
    row = _row(ngo.content.decode(), "Mediators</strong>")
    assert "(119%)" in row and "¥47,600.00" in row and "Over budget" in row
    assert 'style="width: 100%"' in row

    staff = login(Client(), officer).get(reverse("awards_admin_report", kwargs={"pk": report.pk}))
    row = _row(staff.content.decode(), "Personnel: Mediators")
    assert "119%" in row and "¥47,600.00" in row and "¥40,000.00" in row
    assert "100%" not in row.replace("119%", "")
    assert "2,500" in staff.content.decode()  # KPI actuals are grouped too


def test_kpi_targets_are_grouped_on_the_agreement_and_the_report_form(overspent_report):
    report, owner, _officer = overspent_report
    award = report.milestone.award
    client = login(Client(), owner)
    agreement = client.get(reverse("awards:agreement", kwargs={"pk": award.pk})).content.decode()
    assert "People reached: 2,000 people" in agreement
    final = award.milestones.get(kind="final")
    form = client.get(reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": final.pk})).content.decode()
    assert "Target: 2,000 people" in form
