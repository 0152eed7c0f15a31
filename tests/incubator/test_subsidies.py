import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.transitions import TransitionNotAllowed
from incubator.models import Membership, Subsidy, SubsidyPolicy
from incubator.selectors import payable_subsidies
from incubator.services.subsidies import (
    cap_for,
    subsidy_apply,
    subsidy_approve,
    subsidy_mark_paid,
    subsidy_reject,
    subsidy_withdraw,
)
from tests.factories.incubator import (
    IncubateeFactory,
    MembershipFactory,
    OrganisationFactory,
    SubsidyFactory,
    policy,
)

pytestmark = pytest.mark.django_db
Kind = SubsidyPolicy.Kind
today = timezone.localdate


@pytest.fixture
def resident():
    """A verified organisation resident in the incubation base, with its owner."""
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    IncubateeFactory(organisation=membership.organisation, incubating=True)
    return membership


def apply(membership, kind=Kind.INCUBATION, amount="10000", grade="", **kwargs):
    return subsidy_apply(
        organisation=membership.organisation,
        policy=policy(kind, grade),
        amount=Decimal(amount),
        by=membership.user,
        **kwargs,
    )


class TestIncubationSubsidy:
    def test_resident_applies_and_officer_approves_an_amount(
        self, resident, officer, django_capture_on_commit_callbacks
    ):
        subsidy = apply(resident, amount="20000")
        with django_capture_on_commit_callbacks(execute=True):
            subsidy = subsidy_approve(subsidy=subsidy, amount=Decimal("15000"), by=officer, note="按实际支出核定")
        assert subsidy.status == Subsidy.Status.APPROVED
        assert subsidy.amount_approved == Decimal("15000.00")
        assert subsidy.approved_at is not None
        assert "approved" in mail.outbox[-1].subject
        assert "¥15,000.00" in mail.outbox[-1].subject

    def test_approved_and_unpaid_is_payable_until_paid(self, resident, officer):
        subsidy = subsidy_approve(subsidy=apply(resident), amount=Decimal("10000"), by=officer)
        assert list(payable_subsidies()) == [subsidy]
        subsidy_mark_paid(subsidy=subsidy)
        assert list(payable_subsidies()) == []

    def test_cap_per_calendar_year_counts_earlier_approvals(self, resident, officer):
        subsidy_approve(subsidy=apply(resident, amount="25000"), amount=Decimal("25000"), by=officer)
        second = SubsidyFactory(organisation=resident.organisation, amount_requested=Decimal("10000"))
        with pytest.raises(ValidationError) as error:
            subsidy_approve(subsidy=second, amount=Decimal("10000"), by=officer)
        assert "at most ¥5,000.00 more" in " ".join(error.value.messages)
        subsidy_approve(subsidy=second, amount=Decimal("5000"), by=officer)

    def test_cap_is_per_year(self, resident, officer):
        subsidy_approve(subsidy=apply(resident, amount="30000"), amount=Decimal("30000"), by=officer)
        last_year = SubsidyFactory(
            organisation=resident.organisation, year=today().year - 1, amount_requested=Decimal("30000")
        )
        IncubateeFactory(
            organisation=resident.organisation, incubating=True, resident_from=today().replace(year=today().year - 1)
        )
        subsidy_approve(subsidy=last_year, amount=Decimal("30000"), by=officer)

    def test_rejected_requests_do_not_count_against_the_cap(self, resident, officer):
        subsidy_reject(subsidy=apply(resident, amount="30000"), by=officer, reason="材料不全")
        subsidy_approve(subsidy=apply(resident, amount="30000"), amount=Decimal("30000"), by=officer)

    def test_organisation_not_resident_is_not_eligible(self, officer):
        membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
        with pytest.raises(ValidationError, match="resident"):
            apply(membership)

    def test_cannot_approve_more_than_requested(self, resident, officer):
        with pytest.raises(ValidationError, match="more than was requested"):
            subsidy_approve(subsidy=apply(resident, amount="1000"), amount=Decimal("2000"), by=officer)


class TestOtherPolicies:
    def test_startup_subsidy_within_twelve_months_of_registration_once(self, officer):
        membership = MembershipFactory(
            organisation=OrganisationFactory(verified=True, registration_date=today() - datetime.timedelta(days=100))
        )
        subsidy_approve(subsidy=apply(membership, Kind.STARTUP, "30000"), amount=Decimal("30000"), by=officer)
        with pytest.raises(ValidationError, match="already received"):
            apply(membership, Kind.STARTUP, "30000")

    def test_startup_subsidy_refused_after_the_window(self):
        membership = MembershipFactory(
            organisation=OrganisationFactory(verified=True, registration_date=today() - datetime.timedelta(days=400))
        )
        with pytest.raises(ValidationError, match="last 12 months"):
            apply(membership, Kind.STARTUP, "30000")

    def test_startup_window_is_data(self):
        membership = MembershipFactory(
            organisation=OrganisationFactory(verified=True, registration_date=today() - datetime.timedelta(days=400))
        )
        SubsidyPolicy.objects.filter(kind=Kind.STARTUP).update(window_months=18)
        assert apply(membership, Kind.STARTUP, "30000").status == Subsidy.Status.REQUESTED

    def test_startup_amount_is_capped_at_the_policy_amount(self):
        membership = MembershipFactory(organisation=OrganisationFactory(verified=True, registration_date=today()))
        with pytest.raises(ValidationError, match="more than this subsidy allows"):
            apply(membership, Kind.STARTUP, "30001")

    def test_post_subsidy_is_posts_times_months_times_the_rate(self):
        membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
        subsidy = apply(membership, Kind.POST, "24000", posts=2, months=6)
        assert subsidy.amount_requested == Decimal("24000.00")
        with pytest.raises(ValidationError, match="allows"):
            apply(membership, Kind.POST, "24001", posts=2, months=6)
        with pytest.raises(ValidationError, match="number of posts"):
            apply(membership, Kind.POST, "1000")

    def test_grading_award_matches_the_grade_once(self, officer):
        membership = MembershipFactory(organisation=OrganisationFactory(verified=True, grade="4A"))
        with pytest.raises(ValidationError, match="assessed 5A"):
            apply(membership, Kind.GRADING, "10000", grade="5A")
        award = apply(membership, Kind.GRADING, "20000", grade="4A")
        subsidy_approve(subsidy=award, amount=Decimal("20000"), by=officer)
        with pytest.raises(ValidationError, match="already received"):
            apply(membership, Kind.GRADING, "20000", grade="4A")


class TestRulesAndTransitions:
    def test_unverified_organisation_cannot_apply(self):
        membership = MembershipFactory(organisation=OrganisationFactory(submitted=True))
        with pytest.raises(PermissionDenied):
            apply(membership)

    def test_plain_member_cannot_apply(self, resident):
        member = MembershipFactory(organisation=resident.organisation, role=Membership.Role.MEMBER)
        with pytest.raises(PermissionDenied):
            apply(member)

    def test_inactive_policy_refuses_applications(self, resident):
        SubsidyPolicy.objects.filter(kind=Kind.INCUBATION).update(is_active=False)
        with pytest.raises(ValidationError, match="not open"):
            apply(resident)

    def test_only_programme_officers_decide(self, resident):
        subsidy = apply(resident)
        with pytest.raises(PermissionDenied):
            subsidy_approve(subsidy=subsidy, amount=Decimal("1"), by=resident.user)
        with pytest.raises(PermissionDenied):
            subsidy_reject(subsidy=subsidy, by=resident.user, reason="x")

    def test_reject_needs_a_reason_shown_to_the_ngo(self, resident, officer, django_capture_on_commit_callbacks):
        subsidy = apply(resident)
        with pytest.raises(ValidationError):
            subsidy_reject(subsidy=subsidy, by=officer, reason="")
        with django_capture_on_commit_callbacks(execute=True):
            subsidy_reject(subsidy=subsidy, by=officer, reason="本年度已享受同类补贴")
        assert "本年度已享受同类补贴" in mail.outbox[-1].body

    @pytest.mark.parametrize(
        "status", [Subsidy.Status.APPROVED, Subsidy.Status.REJECTED, Subsidy.Status.WITHDRAWN, Subsidy.Status.PAID]
    )
    def test_only_a_request_can_be_approved(self, resident, officer, status):
        subsidy = SubsidyFactory(organisation=resident.organisation, status=status, amount_approved=Decimal("1"))
        with pytest.raises(TransitionNotAllowed):
            subsidy_approve(subsidy=subsidy, amount=Decimal("1"), by=officer)

    def test_applicant_withdraws_a_request_but_not_an_approval(self, resident, officer):
        subsidy = apply(resident)
        subsidy_withdraw(subsidy=subsidy, by=resident.user)
        approved = subsidy_approve(subsidy=apply(resident), amount=Decimal("100"), by=officer)
        with pytest.raises(PermissionDenied):
            subsidy_withdraw(subsidy=approved, by=resident.user)

    def test_only_approved_subsidies_are_marked_paid(self, resident):
        with pytest.raises(TransitionNotAllowed):
            subsidy_mark_paid(subsidy=apply(resident))


class TestTheCapIsOneRule:
    """`cap_for` is the subsidy cap; approvals here and the ledger's payments both use it."""

    def test_each_kind_has_its_cap_and_the_claims_that_share_it(self, resident):
        org = resident.organisation
        incubation = cap_for(policy=policy(Kind.INCUBATION), organisation_id=org.pk, year=2026)
        assert incubation.limit == policy(Kind.INCUBATION).amount
        assert incubation.shared_by == {"organisation_id": org.pk, "policy__kind": Kind.INCUBATION, "year": 2026}
        startup = cap_for(policy=policy(Kind.STARTUP), organisation_id=org.pk, year=2026)
        assert startup.shared_by == {"organisation_id": org.pk, "policy__kind": Kind.STARTUP}
        grading = cap_for(policy=policy(Kind.GRADING, "4A"), organisation_id=org.pk, year=2026)
        assert grading.shared_by["policy__grade"] == "4A"
        post = cap_for(policy=policy(Kind.POST), organisation_id=org.pk, year=2026, posts=2, months=6, subsidy_id=7)
        assert post.limit == policy(Kind.POST).amount * 12
        assert post.shared_by == {"pk": 7}

    def test_an_unknown_kind_is_refused_never_uncapped(self, resident):
        retired = SubsidyPolicy(kind="retired", amount=Decimal("1000"))
        with pytest.raises(ValidationError, match="not a kind of subsidy with a cap"):
            cap_for(policy=retired, organisation_id=resident.organisation.pk, year=2026)

    def test_a_request_under_an_unknown_kind_cannot_be_approved(self, resident, officer):
        subsidy = apply(resident, amount="1000")
        SubsidyPolicy.objects.filter(pk=subsidy.policy_id).update(kind="retired")
        with pytest.raises(ValidationError, match="not a kind of subsidy with a cap"):
            subsidy_approve(subsidy=subsidy, amount=Decimal("1000"), by=officer)
        subsidy.refresh_from_db()
        assert subsidy.status == Subsidy.Status.REQUESTED
