"""The people and things the API tests read: two organisations, two funders, an officer of
each, a finance officer, a reviewer and an editor, with calls, applications (submitted,
with a frozen revision), an award, a report, payments and a ranking."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts import roles
from api.permissions import offered_scopes
from api.services import token_create
from grants.calls.models import Application, ApplicationRevision, Call
from grants.review.models import ScoreSummary
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FunderFactory, ReportFactory, milestone
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.factories.payments import PaymentFactory, approved_subsidy
from tests.purchasing.contracts.factories import OfferFactory

ALL_SCOPES = ["read:public", "read:own", "read:staff", "read:finance"]


def make_token(user, scopes=None, *, days: int = 30) -> str:
    """A token for `user` with `scopes` (by default every scope their roles allow)."""
    scopes = scopes if scopes is not None else offered_scopes(user)
    _, secret = token_create(
        user=user, name="test", scopes=scopes, expires_at=timezone.now() + timedelta(days=days), mfa_passed=True
    )
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@dataclass
class ApiWorld:
    users: dict
    org: object
    other_org: object
    funder: object
    other_funder: object
    objects: dict = field(default_factory=dict)


def submit(application, *, by):
    """A submitted application with its frozen snapshot (as application_submit writes it)."""
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    ApplicationRevision.objects.create(
        application=application,
        number=1,
        snapshot={"title": application.title, "requested_amount": str(application.requested_amount)},
        submitted_at=application.submitted_at,
        submitted_by=by,
    )
    return application


def build_api_world() -> ApiWorld:
    member = UserFactory(email="member@ngo-a.org", roles=[roles.NGO_MEMBER])
    other_member = UserFactory(email="member@ngo-b.org", roles=[roles.NGO_MEMBER])
    org = OrganisationFactory(verified=True, name_en="NGO A")
    other_org = OrganisationFactory(verified=True, name_en="NGO B")
    MembershipFactory(organisation=org, user=member, role=Membership.Role.OWNER)
    MembershipFactory(organisation=other_org, user=other_member, role=Membership.Role.OWNER)
    officer = UserFactory(email="officer@bureau.gov.cn", officer=True)
    other_officer = UserFactory(email="officer@street.gov.cn", officer=True)
    finance = UserFactory(email="finance@bureau.gov.cn", finance=True)
    funder = FunderFactory(officers=[officer, finance])
    other_funder = FunderFactory(officers=[other_officer])
    users = {
        "anonymous": None,
        "ngo_member": member,
        "other_ngo_member": other_member,
        "reviewer": UserFactory(email="reviewer@experts.org", reviewer=True),
        "programme_officer": officer,
        "other_programme_officer": other_officer,
        "finance_officer": finance,
        "editor": UserFactory(email="editor@hub.org", editor=True),
    }
    world = ApiWorld(users=users, org=org, other_org=other_org, funder=funder, other_funder=other_funder)

    open_call = CallFactory(funder=funder)
    CallFactory(funder=funder, draft=True)
    other_call = CallFactory(funder=other_funder)
    application = submit(ApplicationFactory(call=open_call, organisation=org, created_by=member), by=member)
    other_application = submit(
        ApplicationFactory(call=other_call, organisation=other_org, created_by=other_member), by=other_member
    )
    draft = ApplicationFactory(call=CallFactory(funder=funder), organisation=org, created_by=member)

    award = AwardFactory(application__organisation=org, application__call__funder=funder, active=True)
    other_award = AwardFactory(application__organisation=other_org, application__call__funder=other_funder)
    report = ReportFactory(milestone=milestone(award), submitted=True)
    tranche_payment = PaymentFactory(subsidy=None, tranche=award.tranches.first(), funder=funder, requested=True)
    subsidy_payment = PaymentFactory(subsidy=approved_subsidy(organisation=org), paid=True)
    other_payment = PaymentFactory(subsidy=None, tranche=other_award.tranches.first(), funder=other_funder)
    in_review = CallFactory(funder=funder, closed=True)
    in_review.status = Call.Status.IN_REVIEW
    in_review.save(update_fields=["status"])
    ranked = submit(ApplicationFactory(call=in_review, organisation=org, created_by=member), by=member)
    ScoreSummary.objects.create(
        call=in_review,
        application=ranked,
        review_count=3,
        raw_score=81.5,
        normalised_score=0.7,
        spread=4.0,
        disagreement=False,
        raw_rank=1,
        normalised_rank=1,
        computed_at=timezone.now(),
    )
    offer = OfferFactory(organisation=org, published=True)
    OfferFactory(organisation=org)  # a draft: never public
    world.objects.update(
        offer=offer,
        open_call=open_call,
        other_call=other_call,
        in_review=in_review,
        application=application,
        other_application=other_application,
        draft=draft,
        award=award,
        other_award=other_award,
        report=report,
        tranche_payment=tranche_payment,
        subsidy_payment=subsidy_payment,
        other_payment=other_payment,
        amount=Decimal("80000.00"),
    )
    return world


@pytest.fixture
def api_world(db):
    return build_api_world()
