import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from core.transitions import TransitionNotAllowed
from incubator.models import Incubatee, Membership
from incubator.services.incubation import (
    checkpoint_record,
    incubatee_admit,
    incubatee_decline,
    incubatee_exit,
    incubatee_graduate,
    incubatee_make_resident,
    incubatee_withdraw,
    incubation_apply,
    service_log_record,
)
from tests.factories.incubator import (
    CohortFactory,
    CohortGoalFactory,
    IncubateeFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db
Status = Incubatee.Status
today = timezone.localdate


def started_cohort(days_ago: int = 15):
    """A cohort already under way whose applications are still open."""
    return CohortFactory(
        starts_on=today() - datetime.timedelta(days=days_ago), ends_on=today() + datetime.timedelta(days=180)
    )


@pytest.fixture
def owned():
    return MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)


class TestApplying:
    def test_verified_organisation_applies_to_an_open_cohort(self, owned):
        incubatee = incubation_apply(
            organisation=owned.organisation, cohort=CohortFactory(), statement="想要孵化", by=owned.user
        )
        assert incubatee.status == Status.APPLIED

    def test_unverified_organisation_cannot_apply(self):
        membership = MembershipFactory(organisation=OrganisationFactory(submitted=True))
        with pytest.raises(PermissionDenied):
            incubation_apply(
                organisation=membership.organisation, cohort=CohortFactory(), statement="x", by=membership.user
            )

    def test_closed_cohort_refuses_applications(self, owned):
        cohort = CohortFactory(
            applications_open_on=today() - datetime.timedelta(days=30),
            applications_close_on=today() - datetime.timedelta(days=1),
        )
        with pytest.raises(ValidationError, match="not accepting"):
            incubation_apply(organisation=owned.organisation, cohort=cohort, statement="x", by=owned.user)

    def test_one_application_per_cohort(self, owned):
        cohort = CohortFactory()
        incubation_apply(organisation=owned.organisation, cohort=cohort, statement="x", by=owned.user)
        with pytest.raises(ValidationError, match="already applied"):
            incubation_apply(organisation=owned.organisation, cohort=cohort, statement="x", by=owned.user)

    def test_applicant_withdraws_before_a_decision(self, owned):
        incubatee = IncubateeFactory(organisation=owned.organisation)
        incubatee_withdraw(incubatee=incubatee, by=owned.user)
        incubatee.refresh_from_db()
        assert incubatee.status == Status.WITHDRAWN


class TestDecisions:
    def test_full_path_admit_resident_hatched_with_dates_and_emails(
        self, owned, officer, django_capture_on_commit_callbacks
    ):
        incubatee = IncubateeFactory(organisation=owned.organisation, cohort=started_cohort())
        with django_capture_on_commit_callbacks(execute=True):
            incubatee_admit(incubatee=incubatee, by=officer, on=today() - datetime.timedelta(days=20))
            incubatee_make_resident(incubatee=incubatee, by=officer, on=today() - datetime.timedelta(days=10))
            incubatee_graduate(incubatee=incubatee, by=officer, on=today(), note="顺利出壳")
        incubatee.refresh_from_db()
        assert incubatee.status == Status.HATCHED
        assert incubatee.admitted_on == today() - datetime.timedelta(days=20)
        assert incubatee.resident_from == today() - datetime.timedelta(days=10)
        assert incubatee.hatched_on == today()
        assert len(mail.outbox) == 3
        assert "hatched" in mail.outbox[-1].subject

    def test_exit_needs_a_reason_and_keeps_it(self, officer):
        incubatee = IncubateeFactory(incubating=True)
        with pytest.raises(ValidationError):
            incubatee_exit(incubatee=incubatee, by=officer, reason=" ")
        incubatee_exit(incubatee=incubatee, by=officer, reason="负责人离职，机构暂停运营")
        incubatee.refresh_from_db()
        assert incubatee.status == Status.EXITED
        assert incubatee.exited_on == today()
        assert incubatee.decision_note == "负责人离职，机构暂停运营"

    def test_decline_needs_a_reason(self, officer):
        with pytest.raises(ValidationError):
            incubatee_decline(incubatee=IncubateeFactory(), by=officer, reason="")

    @pytest.mark.parametrize(
        ("status", "action"),
        [
            (Status.APPLIED, "resident"),
            (Status.APPLIED, "graduate"),
            (Status.APPLIED, "exit"),
            (Status.ADMITTED, "admit"),
            (Status.ADMITTED, "graduate"),
            (Status.INCUBATING, "admit"),
            (Status.HATCHED, "exit"),
            (Status.EXITED, "resident"),
            (Status.DECLINED, "admit"),
            (Status.WITHDRAWN, "admit"),
        ],
    )
    def test_forbidden_transitions(self, officer, status, action):
        incubatee = IncubateeFactory(status=status)
        actions = {
            "admit": lambda: incubatee_admit(incubatee=incubatee, by=officer),
            "resident": lambda: incubatee_make_resident(incubatee=incubatee, by=officer),
            "graduate": lambda: incubatee_graduate(incubatee=incubatee, by=officer),
            "exit": lambda: incubatee_exit(incubatee=incubatee, by=officer, reason="x"),
        }
        with pytest.raises(TransitionNotAllowed):
            actions[action]()

    def test_cohort_places_are_a_cap_on_admissions(self, officer):
        cohort = CohortFactory(target_admitted=1)
        incubatee_admit(incubatee=IncubateeFactory(cohort=cohort), by=officer)
        with pytest.raises(ValidationError, match="places"):
            incubatee_admit(incubatee=IncubateeFactory(cohort=cohort), by=officer)

    def test_residence_cannot_start_before_admission_or_in_the_future(self, officer):
        incubatee = IncubateeFactory(admitted=True, cohort=started_cohort(days_ago=90))
        with pytest.raises(ValidationError, match="before admission"):
            incubatee_make_resident(
                incubatee=incubatee, by=officer, on=incubatee.admitted_on - datetime.timedelta(days=1)
            )
        with pytest.raises(ValidationError, match="future"):
            incubatee_make_resident(incubatee=incubatee, by=officer, on=today() + datetime.timedelta(days=1))

    def test_residence_cannot_start_before_the_cohort_starts(self, officer):
        cohort = CohortFactory(starts_on=today() + datetime.timedelta(days=5))
        incubatee = IncubateeFactory(admitted=True, cohort=cohort)
        starts = date_format(cohort.starts_on)
        with pytest.raises(ValidationError, match=f"before the cohort starts on {starts}"):
            incubatee_make_resident(incubatee=incubatee, by=officer)
        incubatee.refresh_from_db()
        assert incubatee.status == Status.ADMITTED and incubatee.resident_from is None

    def test_residence_may_start_on_the_cohort_start_day(self, officer):
        cohort = started_cohort(days_ago=2)
        incubatee = IncubateeFactory(admitted=True, cohort=cohort)
        incubatee_make_resident(incubatee=incubatee, by=officer, on=cohort.starts_on)
        incubatee.refresh_from_db()
        assert incubatee.status == Status.INCUBATING and incubatee.resident_from == cohort.starts_on

    def test_ngo_members_cannot_decide(self, owned):
        incubatee = IncubateeFactory(organisation=owned.organisation)
        with pytest.raises(PermissionDenied):
            incubatee_admit(incubatee=incubatee, by=owned.user)


class TestServiceLogAndCheckpoints:
    def test_officer_logs_a_service_with_who_when_and_hours(self, officer):
        incubatee = IncubateeFactory(incubating=True)
        entry = service_log_record(
            incubatee=incubatee,
            kind="project_design",
            provided_on=today(),
            provider="苏州大学王教授",
            hours=Decimal("3.5"),
            notes="项目书结构",
            by=officer,
        )
        assert entry.recorded_by == officer
        assert incubatee.service_log.get() == entry

    def test_no_services_before_residence_or_after_hatching(self, officer):
        for status in (Status.APPLIED, Status.ADMITTED, Status.HATCHED):
            with pytest.raises(ValidationError, match="only for resident incubatees"):
                service_log_record(
                    incubatee=IncubateeFactory(status=status),
                    kind="training",
                    provided_on=today(),
                    provider="x",
                    hours=Decimal(1),
                    by=officer,
                )

    def test_hours_must_be_positive(self, officer):
        with pytest.raises(ValidationError):
            service_log_record(
                incubatee=IncubateeFactory(incubating=True),
                kind="training",
                provided_on=today(),
                provider="x",
                hours=Decimal(0),
                by=officer,
            )

    def test_checkpoint_must_use_a_goal_of_the_incubatees_cohort(self, officer):
        incubatee = IncubateeFactory(incubating=True)
        with pytest.raises(ValidationError, match="another cohort"):
            checkpoint_record(
                incubatee=incubatee, goal=CohortGoalFactory(), held_on=today(), progress="met", by=officer
            )
        checkpoint = checkpoint_record(
            incubatee=incubatee,
            goal=CohortGoalFactory(cohort=incubatee.cohort),
            held_on=today(),
            progress="met",
            by=officer,
        )
        assert checkpoint.get_progress_display() == "Met"
