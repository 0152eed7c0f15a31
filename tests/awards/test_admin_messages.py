"""The officer's confirmations name the grant by its reference (AW-…) and the report by
its title, never by a database id."""

import pytest
from django.test import Client
from django.urls import reverse

from core.audit import events_for
from grants.awards.models import AwardMilestone
from grants.awards.services import create_awards_for_call
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import (
    AwardedApplicationFactory,
    AwardFactory,
    FinalCallFactory,
    FunderFactory,
    ReportFactory,
    milestone,
)
from tests.factories.incubator import MembershipFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client():
    officer = UserFactory(officer=True)
    client = login(Client(), officer)
    client.award = AwardFactory(
        active=True, application__call=FinalCallFactory(funder=FunderFactory(officers=[officer]))
    )
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_accepting_a_report_names_the_report_and_the_award(officer_client):
    award = officer_client.award
    report = ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    response = officer_client.post(
        reverse("awards_admin_report_accept", kwargs={"pk": report.pk}), {"comment": ""}, follow=True
    )
    assert f"Mid-term report of {award.reference} accepted." in _messages(response)


def test_returning_a_report_names_the_report_the_award_and_the_organisation(officer_client):
    award = officer_client.award
    report = ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    response = officer_client.post(
        reverse("awards_admin_report_return", kwargs={"pk": report.pk}), {"comment": "Add receipts."}, follow=True
    )
    organisation = award.application.organisation.name
    assert f"Mid-term report of {award.reference} returned to {organisation}." in _messages(response)


def test_the_evaluation_message_names_the_award(officer_client):
    award = officer_client.award
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    response = officer_client.post(
        reverse("awards_admin_evaluate", kwargs={"pk": award.pk}),
        {"quantity": "95", "quality": "90", "use_of_funds": "85", "comment": ""},
        follow=True,
    )
    (message,) = _messages(response)
    assert message.startswith(f"Evaluation of {award.reference} recorded: ")
    assert "final tranche can now be paid" in message


def test_the_award_email_and_history_show_the_amount_grouped(django_capture_on_commit_callbacks, mailoutbox):
    officer = UserFactory(officer=True)
    application = AwardedApplicationFactory(call=FinalCallFactory(funder=FunderFactory(officers=[officer])))
    MembershipFactory(organisation=application.organisation, role=Membership.Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        (award,) = create_awards_for_call(call=application.call, by=officer)
    offered = [message for message in mailoutbox if award.reference in message.body]
    assert offered, [message.subject for message in mailoutbox]
    assert "80,000.00 CNY" in offered[0].body

    assert any("80,000.00 CNY" in event.message for event in events_for(award))


def test_the_ngo_is_told_which_agreement_it_accepted_and_which_report_it_submitted():
    owner = MembershipFactory(role=Membership.Role.OWNER, organisation__verified=True)
    client = login(Client(), owner.user)
    award = AwardFactory(application__organisation=owner.organisation)
    response = client.post(reverse("awards:agreement", kwargs={"pk": award.pk}), follow=True)
    assert f"Agreement accepted for {award.reference}. The first tranche can now be paid." in _messages(response)

    midterm = milestone(award)
    ReportFactory(milestone=midterm, complete=True)
    response = client.post(
        reverse("awards:report_submit", kwargs={"pk": award.pk, "milestone_pk": midterm.pk}), follow=True
    )
    assert (
        f"Report submitted: Mid-term report of {award.reference}. The programme officer will review it."
        in _messages(response)
    )
