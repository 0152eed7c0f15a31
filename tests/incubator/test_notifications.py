"""Programme officers hear about the incubator's work queue; NGOs hear that their cohort
application arrived. Finance staff get none of these programme emails."""

from decimal import Decimal

import pytest
from django.core import mail

from incubator.models import Membership, OrganisationDocument, ServiceItem, SubsidyPolicy
from incubator.services.incubation import incubation_apply
from incubator.services.organisations import organisation_return, organisation_submit
from incubator.services.subsidies import subsidy_apply
from tests.factories.accounts import UserFactory
from tests.factories.incubator import (
    CohortFactory,
    DocumentFactory,
    IncubateeFactory,
    MembershipFactory,
    OrganisationFactory,
    policy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    """Two programme officers (one has left), a finance officer and an editor."""
    return {
        "officer": UserFactory(officer=True, email="officer@bureau.gov.cn"),
        "gone": UserFactory(officer=True, email="left@bureau.gov.cn", is_active=False),
        "finance": UserFactory(finance=True, email="finance@bureau.gov.cn"),
        "editor": UserFactory(editor=True, email="editor@bureau.gov.cn"),
    }


def owner_of(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def assert_only_the_officer_heard(staff, subject_part):
    (message,) = sent_to("officer@bureau.gov.cn")
    assert subject_part in message.subject
    for other in ("left@bureau.gov.cn", "finance@bureau.gov.cn", "editor@bureau.gov.cn"):
        assert sent_to(other) == [], f"{other} got a programme email"
    return message


def test_officers_hear_when_an_organisation_is_submitted_and_resubmitted(staff, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(complete=True, name_zh="吴中区惠民法律服务中心")
    owner = owner_of(organisation)
    organisation.services.add(ServiceItem.objects.first())
    DocumentFactory(organisation=organisation, kind=OrganisationDocument.Kind.REGISTRATION_CERTIFICATE)

    with django_capture_on_commit_callbacks(execute=True):
        organisation_submit(organisation=organisation, by=owner)
    # The officer reads English (the sender's language): the organisation's English name.
    message = assert_only_the_officer_heard(staff, organisation.name_en)
    assert "was submitted" in message.subject
    assert f"/admin/incubator/organisations/{organisation.pk}/review/" in message.body
    assert f"Organisation {organisation.pk}" not in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organisation_return(organisation=organisation, by=staff["officer"], reason="请补充章程")
        organisation_submit(organisation=organisation, by=owner)
    (message,) = [m for m in sent_to("officer@bureau.gov.cn") if "To verify" in m.subject]
    assert "resubmitted" in message.subject
    assert sent_to("finance@bureau.gov.cn") == []


def test_cohort_application_reaches_the_officers_and_the_ngo_hears_it_is_received(
    staff, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(verified=True, name_zh="新河调解中心", name_en="Xinhe Mediation Centre")
    owner = owner_of(organisation)
    cohort = CohortFactory(name_zh="2027年春季班", name_en="Spring 2027")

    with django_capture_on_commit_callbacks(execute=True):
        incubatee = incubation_apply(organisation=organisation, cohort=cohort, statement="提升项目设计能力", by=owner)

    # Both read English (the sender's language): the cohort's English name.
    message = assert_only_the_officer_heard(staff, "Xinhe Mediation Centre")  # officers read English here
    assert "Spring 2027" in message.subject
    assert "提升项目设计能力" in message.body
    assert f"/admin/incubator/incubatees/{incubatee.pk}/decide/" in message.body

    (received,) = sent_to(owner.email)
    assert "received" in received.subject and "Spring 2027" in received.subject
    assert f"/ngo/{organisation.pk}/incubation/" in received.body


def test_subsidy_request_reaches_the_officers_only(staff, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(verified=True, name_zh="新河调解中心", name_en="Xinhe Mediation Centre")
    owner = owner_of(organisation)
    IncubateeFactory(organisation=organisation, incubating=True)

    with django_capture_on_commit_callbacks(execute=True):
        subsidy = subsidy_apply(
            organisation=organisation,
            policy=policy(SubsidyPolicy.Kind.INCUBATION),
            amount=Decimal("12000"),
            by=owner,
        )

    message = assert_only_the_officer_heard(staff, "Xinhe Mediation Centre")  # officers read English here
    assert "12,000" in message.subject
    assert f"/admin/incubator/subsidies/{subsidy.pk}/decide/" in message.body
    assert sent_to(owner.email) == []
