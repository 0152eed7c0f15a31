import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import events_for
from core.transitions import TransitionNotAllowed
from grants.awards import selectors, services
from grants.awards.models import (
    Amendment,
    Award,
    AwardMilestone,
    EvaluationCase,
    Grade,
    MilestoneReport,
    Tranche,
    TrancheTemplate,
)
from grants.awards.services import ReportData, StaleReport
from grants.awards.tranches import Trigger
from grants.calls.models import Application, ApplicationKPI, ApplicationMilestone, BudgetLine, Call
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardedApplicationFactory, AwardFactory, FinalCallFactory, ReportFactory, milestone
from tests.factories.incubator import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(officer=True)


def owner_of(award):
    return MembershipFactory(organisation=award.application.organisation, role=Membership.Role.OWNER).user


def member_of(award, role=Membership.Role.MEMBER):
    return MembershipFactory(organisation=award.application.organisation, role=role).user


def officer_of(award):
    user = UserFactory(officer=True)
    award.application.call.funder.officers.add(user)
    return user


def full_data(award, narrative="Sessions held in six villages.") -> ReportData:
    return ReportData(
        narrative=narrative,
        kpi_actuals={kpi.pk: (kpi.target / 2, "") for kpi in award.kpis.all()},
        spending={line.pk: (line.amount / 4, "") for line in award.budget_lines.all()},
    )


# --- create_awards_for_call ----------------------------------------------------------------


def _application_with_plan(call, **kwargs):
    application = AwardedApplicationFactory(call=call, **kwargs)
    today = datetime.date(2026, 3, 1)
    for index, months in enumerate((3, 6, 9, 12)):
        ApplicationMilestone.objects.create(
            application=application,
            title=f"Milestone {index + 1}",
            due_date=today + datetime.timedelta(days=30 * months),
            position=index,
        )
    ApplicationKPI.objects.create(application=application, indicator="Lectures held", unit="lectures", target=40)
    ApplicationKPI.objects.create(application=application, indicator="", unit="", target=None)
    BudgetLine.objects.create(application=application, kind="personnel", description="Staff", amount=Decimal("50000"))
    BudgetLine.objects.create(
        application=application, kind="activities", description="Sessions", amount=Decimal("30000")
    )
    return application


def test_final_call_makes_one_award_per_awarded_application_with_schedule_milestones_kpis_and_budget(officer):
    call = FinalCallFactory(funder__officers=[officer])
    application = _application_with_plan(call)
    AwardedApplicationFactory(call=call, status=Application.Status.DECLINED)

    created = services.create_awards_for_call(call=call, by=officer, starts_on=datetime.date(2026, 3, 1))

    assert len(created) == 1
    award = created[0]
    assert award.application == application
    assert award.amount == Decimal("80000.00")
    assert award.status == Award.Status.OFFERED
    assert [(t.trigger, t.amount) for t in award.tranches.order_by("position")] == [
        (Trigger.ON_SIGNING, Decimal("32000.00")),
        (Trigger.ON_MIDTERM_ACCEPTED, Decimal("32000.00")),
        (Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED, Decimal("16000.00")),
    ]
    kinds = list(award.milestones.order_by("due_date").values_list("kind", flat=True))
    assert kinds == ["progress", "midterm", "progress", "final"]
    assert award.ends_on == award.milestones.get(kind="final").due_date
    assert list(award.kpis.values_list("indicator_en", "target")) == [("Lectures held", Decimal("40.00"))]
    assert sum(line.amount for line in award.budget_lines.all()) == award.amount
    assert events_for(award).filter(verb="award.created").exists()


def test_making_awards_twice_creates_nothing_more(officer):
    call = FinalCallFactory(funder__officers=[officer])
    _application_with_plan(call)
    services.create_awards_for_call(call=call, by=officer)
    assert services.create_awards_for_call(call=call, by=officer) == []
    assert Award.objects.filter(application__call=call).count() == 1


def test_an_application_without_milestones_gets_a_midterm_and_a_final_report(officer):
    call = FinalCallFactory(funder__officers=[officer])
    AwardedApplicationFactory(call=call)
    (award,) = services.create_awards_for_call(call=call, by=officer, starts_on=datetime.date(2026, 1, 1))
    assert sorted(award.milestones.values_list("kind", flat=True)) == ["final", "midterm"]
    assert award.ends_on == datetime.date(2027, 1, 1)


def test_awards_are_made_only_for_a_final_call(officer):
    call = FinalCallFactory(funder__officers=[officer], status=Call.Status.ANNOUNCED)
    AwardedApplicationFactory(call=call)
    with pytest.raises(ValidationError, match="only when the call is final"):
        services.create_awards_for_call(call=call, by=officer)


def test_an_officer_of_another_funder_cannot_make_awards():
    call = FinalCallFactory()
    AwardedApplicationFactory(call=call)
    with pytest.raises(PermissionDenied):
        services.create_awards_for_call(call=call, by=UserFactory(officer=True))


def test_a_template_with_fixed_amount_and_remainder_sums_to_the_award_to_the_cent(officer):
    template = TrancheTemplate.objects.create(
        name="fixed first",
        lines=[
            {"fixed": "10000.01", "trigger": "on_signing", "label": "Start-up"},
            {"percent": "33.3", "trigger": "on_midterm_accepted", "label": "Mid"},
            {"remainder": True, "trigger": "on_final_accepted_and_evaluated", "label": "Rest"},
        ],
    )
    template.full_clean()
    call = FinalCallFactory(funder__officers=[officer])
    AwardedApplicationFactory(call=call, requested_amount=Decimal("77777.77"))
    (award,) = services.create_awards_for_call(call=call, by=officer, template=template)
    amounts = list(award.tranches.order_by("position").values_list("amount", flat=True))
    assert amounts[0] == Decimal("10000.01")
    assert sum(amounts) == Decimal("77777.77")


def test_a_template_with_an_unknown_trigger_is_refused():
    template = TrancheTemplate(name="odd", lines=[{"percent": "100", "trigger": "when_it_rains"}])
    with pytest.raises(ValidationError, match="Unknown trigger"):
        template.full_clean()


# --- Agreement -------------------------------------------------------------------------------


def test_an_owner_accepts_the_agreement_and_the_time_and_user_are_recorded():
    award = AwardFactory()
    owner = owner_of(award)
    services.agreement_accept(award=award, by=owner)
    award.refresh_from_db()
    assert award.status == Award.Status.ACTIVE
    assert award.accepted_by == owner
    assert award.accepted_at is not None
    assert events_for(award).filter(verb="award.agreement_accepted", actor=owner).exists()


def test_an_admin_may_accept_the_agreement():
    award = AwardFactory()
    services.agreement_accept(award=award, by=member_of(award, Membership.Role.ADMIN))
    award.refresh_from_db()
    assert award.status == Award.Status.ACTIVE


def test_a_plain_member_cannot_accept_the_agreement():
    award = AwardFactory()
    with pytest.raises(PermissionDenied, match="owner or admin"):
        services.agreement_accept(award=award, by=member_of(award))


def test_an_outsider_cannot_accept_the_agreement():
    award = AwardFactory()
    outsider = MembershipFactory(role=Membership.Role.OWNER).user
    with pytest.raises(PermissionDenied):
        services.agreement_accept(award=award, by=outsider)


def test_an_agreement_cannot_be_accepted_twice():
    award = AwardFactory()
    owner = owner_of(award)
    services.agreement_accept(award=award, by=owner)
    with pytest.raises(TransitionNotAllowed):
        services.agreement_accept(award=award, by=owner)


# --- Tranche conditions ------------------------------------------------------------------------


def tranche(award, trigger) -> Tranche:
    return award.tranches.get(trigger=trigger)


def test_the_signing_tranche_is_payable_only_after_the_agreement_is_accepted():
    award = AwardFactory()
    assert not tranche(award, Trigger.ON_SIGNING).is_payable()
    services.agreement_accept(award=award, by=owner_of(award))
    assert tranche(award, Trigger.ON_SIGNING).is_payable()
    assert not tranche(award, Trigger.ON_MIDTERM_ACCEPTED).is_payable()
    assert list(selectors.tranches_payable()) == [tranche(award, Trigger.ON_SIGNING)]


def test_the_midterm_tranche_is_payable_once_the_midterm_report_is_accepted():
    award = AwardFactory(active=True)
    report = ReportFactory(milestone=milestone(award), submitted=True)
    assert not tranche(award, Trigger.ON_MIDTERM_ACCEPTED).is_payable()
    services.report_accept(report=report, by=officer_of(award))
    assert tranche(award, Trigger.ON_MIDTERM_ACCEPTED).is_payable()
    assert not tranche(award, Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED).is_payable()


def test_the_final_tranche_needs_the_final_report_accepted_and_the_evaluation():
    award = AwardFactory(active=True)
    officer = officer_of(award)
    final = ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), submitted=True)
    services.report_accept(report=final, by=officer)
    final_tranche = tranche(award, Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED)
    assert not final_tranche.is_payable()
    services.evaluation_record(
        award=award, by=officer, quantity=Decimal(90), quality=Decimal(80), use_of_funds=Decimal(70)
    )
    assert final_tranche.is_payable()
    assert final_tranche in selectors.tranches_payable()


# --- Reports -----------------------------------------------------------------------------------


def test_a_member_saves_a_draft_report_with_kpi_actuals_and_spending():
    award = AwardFactory(active=True)
    report = services.report_save(milestone=milestone(award), by=member_of(award), data=full_data(award))
    assert report.status == MilestoneReport.Status.DRAFT
    assert report.kpi_actuals.count() == 2
    assert report.spending.count() == 2


def test_an_outsider_cannot_write_a_report():
    award = AwardFactory(active=True)
    with pytest.raises(PermissionDenied):
        services.report_save(milestone=milestone(award), by=UserFactory(ngo_member=True), data=full_data(award))


def test_no_report_is_written_before_the_agreement_is_accepted():
    award = AwardFactory()
    with pytest.raises(ValidationError, match="agreement is accepted"):
        services.report_save(milestone=milestone(award), by=member_of(award), data=full_data(award))


def test_a_save_based_on_an_older_version_is_refused():
    award = AwardFactory(active=True)
    user = member_of(award)
    report = services.report_save(milestone=milestone(award), by=user, data=full_data(award))
    services.report_save(
        milestone=milestone(award), by=user, data=full_data(award, "second tab"), version=report.version
    )
    with pytest.raises(StaleReport):
        services.report_save(
            milestone=milestone(award), by=user, data=full_data(award, "first tab"), version=report.version
        )
    report.refresh_from_db()
    assert report.narrative == "second tab"


def test_a_complete_report_is_submitted_and_the_officers_are_told(mailoutbox, django_capture_on_commit_callbacks):
    award = AwardFactory(active=True)
    officer_of(award)
    user = member_of(award)
    report = services.report_save(milestone=milestone(award), by=user, data=full_data(award))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(report=report, by=user)
    assert report.status == MilestoneReport.Status.SUBMITTED
    assert report.submitted_by == user
    assert any("Report submitted" in mail.subject for mail in mailoutbox)


def test_an_incomplete_report_cannot_be_submitted_and_says_what_is_missing():
    award = AwardFactory(active=True)
    user = member_of(award)
    report = services.report_save(
        milestone=milestone(award), by=user, data=ReportData(narrative="", kpi_actuals={}, spending={})
    )
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, by=user)
    messages = " ".join(error.value.messages)
    assert "Describe what was done" in messages
    assert "every KPI" in messages
    assert "every budget line" in messages


def test_a_submitted_report_cannot_be_changed_by_the_ngo():
    report = ReportFactory(submitted=True)
    award = report.milestone.award
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.report_save(milestone=report.milestone, by=member_of(award), data=full_data(award))


def test_a_submitted_report_cannot_be_submitted_again():
    report = ReportFactory(submitted=True, complete=True)
    with pytest.raises(TransitionNotAllowed):
        services.report_submit(report=report, by=member_of(report.milestone.award))


def test_the_officer_returns_a_report_with_a_comment_and_everything_is_kept():
    report = ReportFactory(submitted=True, complete=True)
    award = report.milestone.award
    officer = officer_of(award)
    services.report_return(report=report, by=officer, comment="Add the attendance sheets.")
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.RETURNED
    assert report.narrative
    assert report.kpi_actuals.count() == 2
    assert list(report.comments.values_list("body", "decision")) == [("Add the attendance sheets.", "returned")]


def test_a_report_cannot_be_returned_without_a_comment():
    report = ReportFactory(submitted=True)
    with pytest.raises(ValidationError, match="Say what the organisation should change"):
        services.report_return(report=report, by=officer_of(report.milestone.award), comment="  ")


def test_a_returned_report_is_changed_and_resubmitted_then_accepted():
    report = ReportFactory(returned=True, complete=True)
    award = report.milestone.award
    user = member_of(award)
    services.report_save(milestone=report.milestone, by=user, data=full_data(award, "With attendance sheets."))
    report = services.report_submit(report=MilestoneReport.objects.get(pk=report.pk), by=user)
    assert report.status == MilestoneReport.Status.SUBMITTED
    report = services.report_accept(report=report, by=officer_of(award), comment="Thank you.")
    assert report.status == MilestoneReport.Status.ACCEPTED
    assert report.narrative == "With attendance sheets."


def test_an_accepted_report_cannot_be_returned_or_edited():
    report = ReportFactory(accepted=True)
    award = report.milestone.award
    with pytest.raises(TransitionNotAllowed):
        services.report_return(report=report, by=officer_of(award), comment="Too late")
    with pytest.raises(ValidationError):
        services.report_save(milestone=report.milestone, by=member_of(award), data=full_data(award))


def test_a_draft_report_cannot_be_accepted():
    report = ReportFactory()
    with pytest.raises(TransitionNotAllowed):
        services.report_accept(report=report, by=officer_of(report.milestone.award))


def test_an_officer_of_another_funder_cannot_accept_a_report():
    report = ReportFactory(submitted=True)
    with pytest.raises(PermissionDenied, match="programme officer of the funder"):
        services.report_accept(report=report, by=UserFactory(officer=True))


def test_an_ngo_member_cannot_accept_its_own_report():
    report = ReportFactory(submitted=True)
    with pytest.raises(PermissionDenied):
        services.report_accept(report=report, by=member_of(report.milestone.award))


# --- Reminders and overdue ---------------------------------------------------------------------


def test_reminders_are_sent_once_per_milestone_and_kind(mailoutbox, django_capture_on_commit_callbacks):
    award = AwardFactory(active=True)
    member_of(award)
    due = milestone(award).due_date
    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_report_reminders(today=due - datetime.timedelta(days=10))
        again = services.send_report_reminders(today=due - datetime.timedelta(days=9))
    assert first["due_soon"] == 1
    assert again["due_soon"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.send_report_reminders(today=due - datetime.timedelta(days=2))
    subjects = [mail.subject for mail in mailoutbox]
    assert sum("Report due on" in s for s in subjects) == 1
    assert sum("due in a few days" in s for s in subjects) == 1


def test_a_report_past_its_due_date_is_flagged_overdue_and_fails_the_eligibility_rule():
    award = AwardFactory(active=True)
    organisation = award.application.organisation
    due = milestone(award).due_date
    assert not selectors.organisation_has_overdue_reports(organisation, today=due)
    sent = services.send_report_reminders(today=due + datetime.timedelta(days=1))
    assert sent["overdue"] == 1
    assert milestone(award).overdue_since == due + datetime.timedelta(days=1)
    assert selectors.organisation_has_overdue_reports(organisation, today=due + datetime.timedelta(days=1))
    assert services.send_report_reminders(today=due + datetime.timedelta(days=2))["overdue"] == 0


def test_a_submitted_report_is_not_overdue():
    report = ReportFactory(submitted=True)
    due = report.milestone.due_date
    assert not selectors.organisation_has_overdue_reports(
        report.milestone.award.application.organisation, today=due + datetime.timedelta(days=5)
    )


def test_a_returned_report_past_its_due_date_is_overdue():
    report = ReportFactory(returned=True)
    due = report.milestone.due_date
    assert selectors.organisation_has_overdue_reports(
        report.milestone.award.application.organisation, today=due + datetime.timedelta(days=5)
    )


# --- Amendments --------------------------------------------------------------------------------


def test_a_no_cost_extension_moves_the_end_and_open_due_dates_and_keeps_history():
    award = AwardFactory(active=True)
    officer = officer_of(award)
    old_end = award.ends_on
    old_mid = milestone(award).due_date
    amendment = services.amend_extension(
        award=award, by=officer, ends_on=old_end + datetime.timedelta(days=60), reason="Floods delayed the sessions."
    )
    award.refresh_from_db()
    assert award.ends_on == old_end + datetime.timedelta(days=60)
    assert milestone(award).due_date == old_mid + datetime.timedelta(days=60)
    assert milestone(award, AwardMilestone.Kind.FINAL).due_date == award.ends_on
    assert amendment.before["ends_on"] == old_end.isoformat()
    assert amendment.kind == Amendment.Kind.NO_COST_EXTENSION
    assert events_for(award).filter(verb="award.amended").exists()


def test_an_extension_needs_a_reason_and_a_later_end():
    award = AwardFactory(active=True)
    officer = officer_of(award)
    with pytest.raises(ValidationError, match="reason"):
        services.amend_extension(award=award, by=officer, ends_on=award.ends_on + datetime.timedelta(days=1), reason="")
    with pytest.raises(ValidationError, match="must end after"):
        services.amend_extension(award=award, by=officer, ends_on=award.ends_on, reason="Why not")


def test_a_budget_revision_moves_money_between_lines_but_keeps_the_total():
    award = AwardFactory(active=True)
    officer = officer_of(award)
    first, second = award.budget_lines.order_by("position")
    services.amend_budget(
        award=award,
        by=officer,
        amounts={first.pk: first.amount - 5000, second.pk: second.amount + 5000},
        reason="More village sessions.",
    )
    first.refresh_from_db()
    assert first.amount == Decimal("35000.00")
    with pytest.raises(ValidationError, match=r"must still add up to ¥80,000\.00, not ¥80,001\.00"):
        services.amend_budget(award=award, by=officer, amounts={first.pk: first.amount + 1}, reason="Oops")


def test_an_ngo_member_cannot_amend_an_award():
    award = AwardFactory(active=True)
    with pytest.raises(PermissionDenied):
        services.amend_extension(
            award=award, by=owner_of(award), ends_on=award.ends_on + datetime.timedelta(days=5), reason="Please"
        )


# --- Evaluation and funder rating ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("marks", "score", "grade"),
    [
        ((100, 90, 70), Decimal("90.00"), Grade.EXCELLENT),
        ((80, 80, 60), Decimal("76.00"), Grade.GOOD),
        ((60, 60, 60), Decimal("60.00"), Grade.PASS),
        ((70, 50, 50), Decimal("58.00"), Grade.FAIL),
    ],
)
def test_the_evaluation_weighs_quantity_quality_and_use_of_funds_into_a_score_and_grade(marks, score, grade):
    award = AwardFactory(active=True)
    officer = officer_of(award)
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    evaluation = services.evaluation_record(
        award=award, by=officer, quantity=Decimal(marks[0]), quality=Decimal(marks[1]), use_of_funds=Decimal(marks[2])
    )
    assert evaluation.score == score
    assert evaluation.grade == grade
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED
    assert selectors.latest_grade(award.application.organisation) == grade


def test_a_grant_cannot_be_evaluated_before_its_final_report_is_accepted():
    award = AwardFactory(active=True)
    with pytest.raises(ValidationError, match="final report is accepted"):
        services.evaluation_record(
            award=award, by=officer_of(award), quantity=Decimal(90), quality=Decimal(90), use_of_funds=Decimal(90)
        )


def test_a_grant_is_evaluated_only_once():
    award = AwardFactory(active=True)
    officer = officer_of(award)
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    marks = {"quantity": Decimal(90), "quality": Decimal(90), "use_of_funds": Decimal(90)}
    services.evaluation_record(award=award, by=officer, **marks)
    with pytest.raises(ValidationError, match="already been evaluated"):
        services.evaluation_record(award=award, by=officer, **marks)
    assert EvaluationCase.objects.filter(award=award, status=EvaluationCase.Status.PUBLISHED).count() == 1


def test_marks_outside_0_to_100_are_refused():
    award = AwardFactory(active=True)
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    with pytest.raises(ValidationError):
        services.evaluation_record(
            award=award, by=officer_of(award), quantity=Decimal(101), quality=Decimal(90), use_of_funds=Decimal(90)
        )


def _rate(award, by, marks=(4, 5, 3, 2)):
    return services.funder_rating_record(
        award=award, by=by, guidance=marks[0], service=marks[1], intervention=marks[2], payment_timeliness=marks[3]
    )


def test_the_ngo_rates_the_funder_once():
    award = AwardFactory(active=True)
    owner = owner_of(award)
    _rate(award, owner)
    with pytest.raises(ValidationError, match="already rated"):
        _rate(award, owner)


def test_a_plain_member_cannot_rate_the_funder():
    award = AwardFactory(active=True)
    with pytest.raises(PermissionDenied):
        _rate(award, member_of(award))


def test_ratings_out_of_range_are_refused():
    award = AwardFactory(active=True)
    with pytest.raises(ValidationError):
        _rate(award, owner_of(award), marks=(6, 5, 5, 5))


def test_staff_see_funder_ratings_only_as_an_aggregate_of_at_least_three():
    first = AwardFactory(active=True)
    funder = first.application.call.funder
    _rate(first, owner_of(first), (5, 5, 5, 5))
    second = AwardFactory(active=True, application__call=first.application.call)
    _rate(second, owner_of(second), (3, 3, 3, 3))
    assert selectors.funder_rating_summary(funder) is None
    third = AwardFactory(active=True, application__call=first.application.call)
    _rate(third, owner_of(third), (4, 1, 4, 4))
    summary = selectors.funder_rating_summary(funder)
    assert summary["count"] == 3
    assert summary["guidance"] == 4
    assert summary["service"] == 3
