"""Who speaks for an organisation: one definition (incubator.selectors), used by every
email to "the organisation" in incubator, grants, review, awards and payments."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from grants.awards import services as award_services
from incubator.models import Membership
from incubator.selectors import managers_of, members_by_organisation, members_of
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(verified=True)
    MembershipFactory(organisation=organisation, user=UserFactory(email="owner@ngo.org"))
    MembershipFactory(organisation=organisation, user=UserFactory(email="member@ngo.org"), role=Membership.Role.MEMBER)
    MembershipFactory(organisation=organisation, user=UserFactory(email="gone@ngo.org", is_active=False))
    MembershipFactory(organisation=organisation, user=UserFactory(email="left@ngo.org"), left_at=timezone.now())
    return organisation


def emails(users):
    return sorted(user.email for user in users)


def test_members_are_current_members_with_active_accounts(organisation):
    assert emails(members_of(organisation)) == ["member@ngo.org", "owner@ngo.org"]
    assert emails(members_of(organisation.pk)) == ["member@ngo.org", "owner@ngo.org"]
    assert emails(managers_of(organisation)) == ["owner@ngo.org"]
    other = OrganisationFactory()
    by_org = members_by_organisation(organisation_ids=[organisation.pk, other.pk])
    assert emails(by_org[organisation.pk]) == ["member@ngo.org", "owner@ngo.org"]
    assert other.pk not in by_org


def test_an_award_email_never_reaches_a_deactivated_or_departed_member(
    organisation, django_capture_on_commit_callbacks
):
    award = AwardFactory(application__organisation=organisation, active=True)
    officer = UserFactory(officer=True)
    award.application.call.funder.officers.add(officer)
    with django_capture_on_commit_callbacks(execute=True):
        award_services.amend_extension(
            award=award, by=officer, ends_on=award.ends_on + datetime.timedelta(days=30), reason="Floods."
        )
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"owner@ngo.org", "member@ngo.org"} <= recipients
    assert not recipients & {"gone@ngo.org", "left@ngo.org"}
