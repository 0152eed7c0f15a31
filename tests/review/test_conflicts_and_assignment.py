from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import events_for
from grants.calls.models import Application, Call
from grants.review.conflicts import detect_conflicts
from grants.review.models import Assignment, ConflictOfInterest, DeclaredRelationship
from grants.review.services import assignments as services
from grants.review.services.panels import panel_for
from incubator.models import ServiceCategory
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.factories.review import (
    AssignmentFactory,
    InReviewApplicationFactory,
    ReviewerProfileFactory,
    ReviewFactory,
    officer_call,
    panel_of,
)

pytestmark = pytest.mark.django_db

Source = ConflictOfInterest.Source


def sources(application, reviewer):
    found = detect_conflicts(applications=[(application.pk, application.organisation_id)], reviewer_ids=[reviewer.pk])
    return {c.source for c in found}


# --- Detection ---------------------------------------------------------------------------------


def test_current_member_of_the_applicant_has_a_conflict(call):
    application = InReviewApplicationFactory(call=call)
    reviewer = UserFactory(reviewer=True, email="someone@gmail.com")
    MembershipFactory(organisation=application.organisation, user=reviewer)
    assert sources(application, reviewer) == {Source.MEMBERSHIP}


def test_former_member_of_the_applicant_still_has_a_conflict(call):
    application = InReviewApplicationFactory(call=call)
    reviewer = UserFactory(reviewer=True, email="someone@gmail.com")
    MembershipFactory(
        organisation=application.organisation, user=reviewer, left_at=timezone.now() - timedelta(days=400)
    )
    assert sources(application, reviewer) == {Source.MEMBERSHIP}


def test_shared_institutional_email_domain_is_a_conflict(call):
    organisation = OrganisationFactory(verified=True, contact_email="office@xinhe-mediation.org")
    application = InReviewApplicationFactory(call=call, organisation=organisation)
    reviewer = UserFactory(reviewer=True, email="wang@xinhe-mediation.org")
    assert sources(application, reviewer) == {Source.EMAIL_DOMAIN}


def test_members_email_domain_counts_as_the_organisations(call):
    application = InReviewApplicationFactory(call=call)
    MembershipFactory(organisation=application.organisation, user=UserFactory(email="director@lawcentre.cn"))
    reviewer = UserFactory(reviewer=True, email="li@lawcentre.cn")
    assert sources(application, reviewer) == {Source.EMAIL_DOMAIN}


@pytest.mark.parametrize("domain", ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "foxmail.com"])
def test_free_mail_domains_are_not_a_conflict(call, domain):
    organisation = OrganisationFactory(verified=True, contact_email=f"ngo@{domain}")
    application = InReviewApplicationFactory(call=call, organisation=organisation)
    reviewer = UserFactory(reviewer=True, email=f"expert@{domain}")
    assert sources(application, reviewer) == set()


def test_declared_relationship_is_a_conflict(call):
    application = InReviewApplicationFactory(call=call)
    reviewer = UserFactory(reviewer=True, email="expert@gmail.com")
    DeclaredRelationship.objects.create(reviewer=reviewer, organisation=application.organisation, nature="Board member")
    assert sources(application, reviewer) == {Source.RELATIONSHIP}


def test_unrelated_reviewer_has_no_conflict(call):
    application = InReviewApplicationFactory(call=call)
    reviewer = UserFactory(reviewer=True, email="expert@university.edu.cn")
    assert sources(application, reviewer) == set()


# --- Starting the review -----------------------------------------------------------------------


def test_starting_the_review_moves_the_call_and_its_eligible_applications(officer):
    call = CallFactory(closed=True, funder=FunderFactory(officers=[officer]))
    eligible = ApplicationFactory(call=call, status=Application.Status.ELIGIBLE)
    ineligible = ApplicationFactory(call=call, status=Application.Status.INELIGIBLE)
    services.review_start(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == Call.Status.IN_REVIEW
    assert Application.objects.get(pk=eligible.pk).status == Application.Status.IN_REVIEW
    assert Application.objects.get(pk=ineligible.pk).status == Application.Status.INELIGIBLE
    assert hasattr(call, "panel")


def test_an_officer_of_another_funder_cannot_start_the_review(call):
    with pytest.raises(PermissionDenied):
        services.review_start(call=call, by=UserFactory(officer=True))


# --- Assignment --------------------------------------------------------------------------------


def test_assignment_gives_every_application_r_distinct_reviewers_with_balanced_loads(call, officer, reviewers):
    applications = [InReviewApplicationFactory(call=call) for _ in range(5)]
    panel_of(call, reviewers)
    outcome = services.assign_reviewers(call=call, by=officer)
    assert outcome.created == 15
    per_app = Counter(Assignment.objects.filter(call=call).values_list("application_id", flat=True))
    assert all(per_app[a.pk] == call.reviewers_per_application for a in applications)
    loads = Counter(Assignment.objects.filter(call=call).values_list("reviewer_id", flat=True))
    assert max(loads.values()) - min(loads.values()) <= 1
    assert outcome.balanced


def test_assignment_never_assigns_a_conflicted_pair(call, officer, reviewers):
    applications = [InReviewApplicationFactory(call=call) for _ in range(3)]
    MembershipFactory(organisation=applications[0].organisation, user=reviewers[0])
    panel_of(call, reviewers)
    services.assign_reviewers(call=call, by=officer)
    assert not Assignment.objects.filter(application=applications[0], reviewer=reviewers[0]).exists()
    assert ConflictOfInterest.objects.filter(application=applications[0], reviewer=reviewers[0]).exists()


def test_assignment_prefers_reviewers_with_expertise_in_the_category(call, officer, reviewers, mediation):
    other = ServiceCategory.objects.exclude(pk=mediation.pk).first()
    application = InReviewApplicationFactory(call=call)  # mediation
    experts = reviewers[:3]
    for reviewer in experts:
        ReviewerProfileFactory(user=reviewer, expertise=[mediation])
    ReviewerProfileFactory(user=reviewers[3], expertise=[other])
    panel_of(call, reviewers)
    services.assign_reviewers(call=call, by=officer)
    assigned = set(Assignment.objects.filter(application=application).values_list("reviewer_id", flat=True))
    assert assigned == {r.pk for r in experts}


def test_assignment_keeps_existing_assignments_and_fills_the_gaps(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    kept = AssignmentFactory(application=application, reviewer=reviewers[0], declared=True)
    panel_of(call, reviewers)
    outcome = services.assign_reviewers(call=call, by=officer)
    assert outcome.kept == 1 and outcome.created == 2
    assert Assignment.objects.filter(pk=kept.pk).exists()


def test_when_no_valid_assignment_exists_the_officer_is_told_why(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    for reviewer in reviewers[:2]:
        MembershipFactory(organisation=application.organisation, user=reviewer)
    panel_of(call, reviewers[:3])
    with pytest.raises(ValidationError) as error:
        services.assign_reviewers(call=call, by=officer)
    message = " ".join(error.value.messages)
    assert "No valid assignment exists" in message
    assert "without a conflict" in message
    assert not Assignment.objects.filter(call=call).exists()


def test_assignment_needs_a_panel(call, officer):
    InReviewApplicationFactory(call=call)
    with pytest.raises(ValidationError, match="no reviewers yet"):
        services.assign_reviewers(call=call, by=officer)


def test_assignment_is_refused_outside_the_review(officer, reviewers):
    call = officer_call(officer, status=Call.Status.DECIDED)
    with pytest.raises(ValidationError, match="only while the call is in review"):
        services.assign_reviewers(call=call, by=officer)


def test_new_assignments_are_emailed_to_the_reviewers(call, officer, reviewers, django_capture_on_commit_callbacks):
    InReviewApplicationFactory(call=call)
    panel_of(call, reviewers[:3])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_reviewers(call=call, by=officer)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in reviewers[:3])


def test_adding_a_reviewer_by_hand_fills_a_short_application(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    for reviewer in reviewers[:2]:
        AssignmentFactory(application=application, reviewer=reviewer)
    assignment, _warnings = services.assignment_add(application=application, reviewer=reviewers[2], by=officer)
    assert not assignment.by_optimiser
    assert [e.verb for e in events_for(application)][-1] == "review.assignment_added"


def test_adding_a_fourth_reviewer_breaks_the_rule_and_is_refused(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    for reviewer in reviewers[:3]:
        AssignmentFactory(application=application, reviewer=reviewer)
    with pytest.raises(ValidationError, match="needs 3"):
        services.assignment_add(application=application, reviewer=reviewers[3], by=officer)


def test_adding_a_conflicted_reviewer_by_hand_is_refused(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    MembershipFactory(organisation=application.organisation, user=reviewers[0])
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.assignment_add(application=application, reviewer=reviewers[0], by=officer)


def test_adding_someone_off_the_panel_is_refused(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers[:1])
    with pytest.raises(ValidationError, match="not on this call's panel"):
        services.assignment_add(application=application, reviewer=reviewers[3], by=officer)


def test_replacing_a_reviewer_swaps_the_assignment(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    assignments = [AssignmentFactory(application=application, reviewer=r) for r in reviewers[:3]]
    new, _warnings = services.assignment_replace(assignment=assignments[0], reviewer=reviewers[3], by=officer)
    assigned = set(Assignment.objects.filter(application=application).values_list("reviewer_id", flat=True))
    assert assigned == {reviewers[1].pk, reviewers[2].pk, reviewers[3].pk}
    assert new.assigned_by == officer


def test_a_submitted_review_cannot_be_reassigned(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    review = ReviewFactory(
        submitted=True, assignment=AssignmentFactory(application=application, reviewer=reviewers[0], declared=True)
    )
    with pytest.raises(ValidationError, match="already submitted"):
        services.assignment_replace(assignment=review.assignment, reviewer=reviewers[3], by=officer)


def test_replacing_with_a_reviewer_already_on_the_application_is_refused(call, officer, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    assignments = [AssignmentFactory(application=application, reviewer=r) for r in reviewers[:3]]
    with pytest.raises(ValidationError):
        services.assignment_replace(assignment=assignments[0], reviewer=reviewers[1], by=officer)


def test_hand_changes_need_an_officer_of_the_funder(call, reviewers):
    application = InReviewApplicationFactory(call=call)
    panel_of(call, reviewers)
    with pytest.raises(PermissionDenied):
        services.assignment_add(application=application, reviewer=reviewers[0], by=UserFactory(officer=True))


# --- Declaration -------------------------------------------------------------------------------


def test_declaring_no_conflict_opens_the_assignment(call):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call))
    result = services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=False)
    assert result is not None and result.declared
    assert "review.no_conflict_declared" in [e.verb for e in events_for(assignment.application)]


def test_declaring_a_conflict_removes_the_assignment_and_records_it(call):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call))
    result = services.declare(
        assignment=assignment, by=assignment.reviewer, has_conflict=True, detail="My sister runs it."
    )
    assert result is None
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    conflict = ConflictOfInterest.objects.get(application=assignment.application, reviewer=assignment.reviewer)
    assert conflict.source == Source.DECLARED and conflict.detail == "My sister runs it."
    assert "review.conflict_declared" in [e.verb for e in events_for(assignment.application)]


def test_a_declared_conflict_needs_a_description(call):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call))
    with pytest.raises(ValidationError, match="what the conflict is"):
        services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=True, detail=" ")
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_conflict_found_at_declaration_removes_the_assignment_even_if_none_is_declared(call):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call))
    MembershipFactory(organisation=assignment.application.organisation, user=assignment.reviewer)
    assert services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=False) is None
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_only_the_assigned_reviewer_may_declare_and_only_once(call):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call))
    with pytest.raises(PermissionDenied):
        services.declare(assignment=assignment, by=UserFactory(reviewer=True), has_conflict=False)
    services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=False)
    with pytest.raises(PermissionDenied):
        services.declare(assignment=assignment, by=assignment.reviewer, has_conflict=True, detail="x")


# --- Reminders ---------------------------------------------------------------------------------


def test_reminders_go_only_to_reviewers_with_outstanding_reviews(call, officer, django_capture_on_commit_callbacks):
    application = InReviewApplicationFactory(call=call)
    done = ReviewFactory(submitted=True, assignment=AssignmentFactory(application=application, declared=True))
    pending = AssignmentFactory(application=application)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(call=call, by=officer)
    assert sent == 1
    assert [m.to for m in mail.outbox] == [[pending.reviewer.email]]
    assert done.assignment.reviewer.email not in {m.to[0] for m in mail.outbox}


def test_the_beat_reminds_once_before_the_deadline(call, django_capture_on_commit_callbacks):
    panel = panel_for(call=call)
    panel.review_deadline = timezone.now() + timedelta(hours=20)
    panel.save()
    AssignmentFactory(application=InReviewApplicationFactory(call=call))
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.remind_before_deadlines()
    assert len(mail.outbox) == 1
    assert "due" in mail.outbox[0].subject.lower()


def test_the_beat_does_not_remind_long_before_the_deadline(call, django_capture_on_commit_callbacks):
    panel = panel_for(call=call)
    panel.review_deadline = timezone.now() + timedelta(days=10)
    panel.save()
    AssignmentFactory(application=InReviewApplicationFactory(call=call))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_before_deadlines() == 0
    assert mail.outbox == []
