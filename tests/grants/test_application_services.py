import datetime
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.audit import events_for
from core.transitions import TransitionNotAllowed
from grants.calls import eligibility
from grants.calls.models import Application, ApplicationComment, ReferenceCounter
from grants.calls.selectors import comments_for
from grants.calls.services import applications as services
from grants.calls.snapshot import diff_snapshots
from incubator.models import Organisation, ServiceCategory
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, milestone
from tests.factories.grants import ApplicationFactory, applicant_of, fill_application
from tests.factories.incubator import MembershipFactory, OrganisationFactory

A = Application.Status
ALL = list(A.values)
ALLOWED = [(current, target) for current, targets in services.APPLICATION_TRANSITIONS.items() for target in targets]


def data_from(application, **fields):
    """DraftData that keeps the application as it is, with `fields` changed."""
    current = {name: getattr(application, name) for names in services.SECTION_FIELDS.values() for name in names}
    current.update(fields)
    return services.DraftData(fields=current)


# --- Starting -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_member_of_an_eligible_organisation_starts_a_draft(call, organisation, member):
    application = services.application_start(call=call, organisation=organisation, by=member)
    assert (application.status, application.version, application.created_by) == (A.DRAFT, 1, member)
    assert events_for(application).get().verb == "application.started"


@pytest.mark.django_db
def test_non_member_cannot_start_an_application_for_an_organisation(call, organisation):
    with pytest.raises(PermissionDenied):
        services.application_start(call=call, organisation=organisation, by=UserFactory(ngo_member=True))


@pytest.mark.django_db
def test_an_unverified_organisation_is_told_it_must_be_verified(call):
    organisation = OrganisationFactory(status=Organisation.Status.SUBMITTED)
    user = MembershipFactory(organisation=organisation).user
    with pytest.raises(ValidationError) as error:
        services.application_start(call=call, organisation=organisation, by=user)
    assert error.value.messages == [
        "The organisation must be verified by a programme officer before it can apply; its profile is “Submitted”."
    ]


@pytest.mark.django_db
def test_each_failing_eligibility_rule_is_named_exactly(call, organisation, member, monkeypatch):
    call.eligible_legal_forms = ["social_group", "foundation"]
    call.min_months_registered = 12
    call.max_active_grants = 1
    call.save()
    organisation.registration_date = timezone.localdate() - timedelta(days=100)
    organisation.save()
    monkeypatch.setattr(eligibility, "has_overdue_reports", lambda org: True)
    monkeypatch.setattr(eligibility, "active_grant_count", lambda org: 1)
    messages = [failure.message for failure in eligibility.eligibility_failures(organisation=organisation, call=call)]
    assert messages == [
        "This call is open only to: Social group; Foundation. The organisation is registered as: Private non-enterprise unit.",
        f"The organisation must have been registered for at least 12 months; it was registered on "
        f"{organisation.registration_date.isoformat()} (3 months ago).",
        "The organisation has overdue milestone reports; file them before applying.",
        "Organisations may hold at most 1 active grants to apply; this one holds 1.",
    ]
    with pytest.raises(ValidationError) as error:
        services.application_start(call=call, organisation=organisation, by=member)
    assert error.value.messages == messages


@pytest.mark.django_db
def test_missing_registration_date_fails_the_months_rule_with_its_own_message(call, organisation):
    call.min_months_registered = 6
    organisation.registration_date = None
    failures = eligibility.eligibility_failures(organisation=organisation, call=call)
    assert [f.message for f in failures] == [
        "The organisation must have been registered for at least 6 months; its profile has no registration date."
    ]


@pytest.mark.django_db
def test_an_organisation_with_an_overdue_report_fails_the_no_overdue_reports_rule():
    award = AwardFactory(active=True)
    organisation = award.application.organisation
    assert eligibility.has_overdue_reports(organisation) is False
    assert eligibility.active_grant_count(organisation) == 1
    due = milestone(award)
    due.due_date = timezone.localdate() - datetime.timedelta(days=1)
    due.save(update_fields=["due_date"])
    assert eligibility.has_overdue_reports(organisation) is True


def test_months_between_counts_whole_months():
    assert eligibility.months_between(date(2025, 1, 31), date(2025, 2, 28)) == 0
    assert eligibility.months_between(date(2025, 1, 15), date(2026, 1, 15)) == 12
    assert eligibility.months_between(date(2025, 1, 15), date(2026, 1, 14)) == 11


@pytest.mark.django_db
def test_an_organisation_cannot_start_a_second_live_application_to_the_same_call(draft, member):
    with pytest.raises(ValidationError) as error:
        services.application_start(call=draft.call, organisation=draft.organisation, by=member)
    assert error.value.code == "exists"


@pytest.mark.django_db
def test_no_application_can_start_after_the_close(call, organisation, member):
    with pytest.raises(ValidationError, match="not taking applications"):
        services.application_start(call=call, organisation=organisation, by=member, now=call.closes_at)


# --- Drafting -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_a_draft_bumps_its_version_and_keeps_every_part(draft, member):
    data = data_from(draft, title="Mediation corners")
    data.budget_lines = [{"kind": "personnel", "description": "Mediators", "amount": Decimal("1000")}]
    data.milestones = [{"title": "Launch", "due_date": None, "deliverable": ""}]
    data.kpis = [{"indicator": "Cases", "unit": "cases", "target": None}]
    saved = services.application_save_draft(application=draft, by=member, data=data, expected_version=1)
    assert saved.version == 2
    assert saved.title == "Mediation corners"
    assert saved.requested_amount == Decimal("1000.00")
    assert [m.title for m in saved.milestones.all()] == ["Launch"]
    assert [k.indicator for k in saved.kpis.all()] == ["Cases"]


@pytest.mark.django_db
def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing(draft, member):
    services.application_save_draft(
        application=draft, by=member, data=data_from(draft, title="Tab one"), expected_version=1
    )
    with pytest.raises(services.StaleApplication) as stale:
        services.application_save_draft(
            application=draft, by=member, data=data_from(draft, title="Tab two"), expected_version=1
        )
    assert stale.value.application.version == 2
    draft.refresh_from_db()
    assert draft.title == "Tab one"


@pytest.mark.django_db
def test_a_draft_cannot_be_saved_one_second_after_the_close(draft, member):
    one_second_late = draft.call.closes_at + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="The call closed at"):
        services.application_save_draft(
            application=draft, by=member, data=data_from(draft, title="Late"), expected_version=1, now=one_second_late
        )


@pytest.mark.django_db
def test_another_organisations_member_cannot_save_the_draft(draft):
    with pytest.raises(PermissionDenied):
        services.application_save_draft(
            application=draft, by=UserFactory(ngo_member=True), data=data_from(draft), expected_version=1
        )


# --- Submitting -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_incomplete_draft_lists_what_is_missing(draft, member):
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=draft, by=member)
    messages = error.value.messages
    assert "Give the project a title." in messages
    assert "Propose at least one milestone." in messages
    assert "Add at least one KPI." in messages
    assert "Add at least one budget line." in messages
    draft.refresh_from_db()
    assert draft.status == A.DRAFT


@pytest.mark.django_db
def test_submitting_freezes_a_snapshot_gives_a_reference_and_emails_a_receipt(draft, member, run_on_commit):
    fill_application(draft)
    with run_on_commit():
        submitted = services.application_submit(application=draft, by=member)
    year = timezone.localdate().year
    assert submitted.status == A.SUBMITTED
    assert submitted.reference == f"GC-{year}-0001"
    revision = submitted.revisions.get()
    assert revision.number == 1
    assert revision.snapshot["project"]["title"] == draft.title
    assert revision.snapshot["organisation"]["name_zh"] == draft.organisation.name_zh
    assert revision.snapshot["budget"]["requested"] == "80000.00"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert submitted.reference in mail.outbox[0].subject
    assert submitted.reference in mail.outbox[0].body


@pytest.mark.django_db
def test_a_later_profile_edit_does_not_change_what_was_submitted(submitted):
    organisation = submitted.organisation
    original = organisation.name_zh
    organisation.name_zh = "改名后的组织"
    organisation.mission = "A new mission"
    organisation.save()
    snapshot = submitted.revisions.get().snapshot
    assert snapshot["organisation"]["name_zh"] == original
    assert snapshot["organisation"]["mission"] == ""


@pytest.mark.django_db
def test_a_submitted_application_cannot_be_edited_by_the_applicant(submitted):
    member = applicant_of(submitted)
    with pytest.raises(ValidationError, match="has been submitted"):
        services.application_save_draft(
            application=submitted,
            by=member,
            data=data_from(submitted, title="Changed"),
            expected_version=submitted.version,
        )


@pytest.mark.django_db
def test_submitting_one_second_after_the_close_is_refused_even_if_the_call_is_still_open(draft, member):
    fill_application(draft)
    with pytest.raises(ValidationError, match="The call closed at"):
        services.application_submit(application=draft, by=member, now=draft.call.closes_at + timedelta(seconds=1))
    draft.refresh_from_db()
    assert draft.status == A.DRAFT
    assert draft.call.status == "open"


@pytest.mark.django_db
def test_references_are_sequential_within_a_year_and_restart_the_next(call):
    first = ApplicationFactory(call=call, submitted=True)
    second = ApplicationFactory(call=call, submitted=True)
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"GC-{year}-0001", f"GC-{year}-0002")
    assert services.next_reference(now=timezone.now().replace(year=year + 1)) == f"GC-{year + 1}-0001"
    assert ReferenceCounter.objects.get(year=year).last == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises all writers; needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_and_sequential_when_many_submit_at_once():
    now = timezone.now()
    results, errors = [], []
    barrier = threading.Barrier(8)

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(services.next_reference(now=now))
        except Exception as error:  # noqa: BLE001  (collected and reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = timezone.localdate().year
    assert sorted(results) == [f"GC-{year}-{n:04d}" for n in range(1, 9)]


# --- Withdrawing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_applicant_can_withdraw_before_the_close(submitted, run_on_commit):
    member = applicant_of(submitted)
    with run_on_commit():
        withdrawn = services.application_withdraw(
            application=submitted, by=member, reason="Merged with another project"
        )
    assert withdrawn.status == A.WITHDRAWN
    assert events_for(withdrawn).last().message == "Merged with another project"


@pytest.mark.django_db
def test_nobody_can_withdraw_after_the_close(submitted):
    member = applicant_of(submitted)
    with pytest.raises(ValidationError, match="The call closed at"):
        services.application_withdraw(application=submitted, by=member, now=submitted.call.closes_at)


@pytest.mark.django_db
def test_after_withdrawing_the_organisation_may_start_again(submitted):
    member = applicant_of(submitted)
    services.application_withdraw(application=submitted, by=member)
    again = services.application_start(call=submitted.call, organisation=submitted.organisation, by=member)
    assert again.status == A.DRAFT


# --- The transition table -------------------------------------------------------------------


def _force(application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


SERVICE_FOR_TARGET = {
    A.ELIGIBLE: lambda app, officer: services.application_mark_eligible(application=app, by=officer),
    A.INELIGIBLE: lambda app, officer: services.application_mark_ineligible(application=app, by=officer, reasons="No"),
    A.MORE_INFO: lambda app, officer: services.application_request_info(
        application=app,
        by=officer,
        message="Budget detail",
        sections=["budget"],
        due_at=timezone.now() + timedelta(days=3),
    ),
    A.IN_REVIEW: lambda app, officer: services.application_start_review(application=app, by=officer),
    A.RECOMMENDED: lambda app, officer: services.application_recommend(application=app, by=officer),
    A.NOT_RECOMMENDED: lambda app, officer: services.application_not_recommend(application=app, by=officer),
    A.AWARDED: lambda app, officer: services.application_award(application=app, by=officer),
    A.DECLINED: lambda app, officer: services.application_decline(application=app, by=officer),
    A.SUBMITTED: lambda app, officer: services.application_submit(application=app, by=applicant_of(app)),
    A.WITHDRAWN: lambda app, officer: services.application_withdraw(application=app, by=applicant_of(app)),
}
FORBIDDEN = [(current, target) for current in ALL for target in SERVICE_FOR_TARGET if (current, target) not in ALLOWED]


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_application_transitions(current, target, call, officer):
    application = ApplicationFactory(call=call, complete=True)
    if current == A.MORE_INFO:
        application = _force(application, A.SUBMITTED)
        SERVICE_FOR_TARGET[A.MORE_INFO](application, officer)
    else:
        application = _force(application, current)
    result = SERVICE_FOR_TARGET[target](application, officer)
    assert result.status == target
    assert events_for(result).last().to_state == target


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_application_transitions(current, target, call, officer):
    application = _force(ApplicationFactory(call=call, complete=True), current)
    with pytest.raises((TransitionNotAllowed, ValidationError)):
        SERVICE_FOR_TARGET[target](application, officer)
    application.refresh_from_db()
    assert application.status == current


@pytest.mark.django_db
def test_officers_of_another_funder_and_finance_officers_cannot_screen(submitted, finance):
    for user in (UserFactory(officer=True), finance):
        with pytest.raises(PermissionDenied):
            services.application_mark_eligible(application=submitted, by=user)


# --- Screening ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ineligible_needs_reasons_which_the_applicant_is_told(submitted, officer, run_on_commit):
    with pytest.raises(ValidationError, match="Give the reasons"):
        services.application_mark_ineligible(application=submitted, by=officer, reasons=" ")
    mail.outbox.clear()
    with run_on_commit():
        result = services.application_mark_ineligible(
            application=submitted, by=officer, reasons="Registered too recently."
        )
    assert result.screening_reasons == "Registered too recently."
    assert "Registered too recently." in mail.outbox[0].body
    assert mail.outbox[0].to == [applicant_of(submitted).email]


@pytest.mark.django_db
def test_more_information_reopens_only_the_chosen_parts_until_resubmitted_as_a_new_revision(submitted, officer):
    member = applicant_of(submitted)
    services.application_request_info(
        application=submitted,
        by=officer,
        message="Split the personnel costs.",
        sections=["budget"],
        due_at=timezone.now() + timedelta(days=5),
    )
    submitted.refresh_from_db()
    data = data_from(submitted, title="A different title", cofunding_amount=Decimal("20000.00"))
    data.budget_lines = [
        {"kind": "personnel", "description": "Mediator A", "amount": Decimal("25000")},
        {"kind": "personnel", "description": "Mediator B", "amount": Decimal("25000")},
        {"kind": "activities", "description": "Sessions", "amount": Decimal("20000")},
    ]
    saved = services.application_save_draft(
        application=submitted, by=member, data=data, expected_version=submitted.version
    )
    assert saved.title == "Neighbourhood mediation in Xinhe Street"  # the project part stayed closed
    assert saved.cofunding_amount == Decimal("20000.00")
    resubmitted = services.application_submit(application=saved, by=member)
    assert resubmitted.status == A.SUBMITTED
    assert resubmitted.revisions.count() == 2
    old, new = (revision.snapshot for revision in resubmitted.revisions.order_by("number"))
    changed = {change["field"] for change in diff_snapshots(old, new)}
    assert "budget.cofunding" in changed
    assert "budget.lines.1.description" in changed
    assert "project.title" not in changed
    assert resubmitted.reference == submitted.reference


@pytest.mark.django_db
def test_the_requested_information_cannot_be_sent_after_its_deadline(submitted, officer):
    due = timezone.now() + timedelta(days=1)
    services.application_request_info(
        application=submitted, by=officer, message="More", sections=["budget"], due_at=due
    )
    submitted.refresh_from_db()
    with pytest.raises(ValidationError, match="has passed"):
        services.application_submit(application=submitted, by=applicant_of(submitted), now=due + timedelta(seconds=1))


@pytest.mark.django_db
def test_a_request_for_information_needs_a_message_sections_and_a_future_deadline(submitted, officer):
    future = timezone.now() + timedelta(days=1)
    for kwargs, message in [
        ({"message": "", "sections": ["budget"], "due_at": future}, "Say what information"),
        ({"message": "x", "sections": [], "due_at": future}, "at least one part"),
        ({"message": "x", "sections": ["budget"], "due_at": timezone.now() - timedelta(minutes=1)}, "in the future"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.application_request_info(application=submitted, by=officer, **kwargs)


# --- Comments -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_internal_notes_are_never_shown_to_the_applicant(submitted, officer, run_on_commit):
    member = applicant_of(submitted)
    mail.outbox.clear()
    with run_on_commit():
        services.comment_add(application=submitted, by=officer, body="Budget looks padded.", internal=True)
        services.comment_add(application=submitted, by=officer, body="Please send the charter.")
        services.comment_add(application=submitted, by=member, body="Attached.")
    assert [c.body for c in comments_for(member, submitted)] == ["Please send the charter.", "Attached."]
    assert comments_for(officer, submitted).count() == 3
    # The applicant hears of the public reply only; the programme officers (not the
    # funder's finance officers) hear of the applicant's.
    programme_officers = submitted.call.funder.officers.filter(groups__name="Programme officer")
    assert submitted.call.funder.officers.filter(groups__name="Finance officer").exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [member.email, *[u.email for u in programme_officers]]
    )


@pytest.mark.django_db
def test_applicants_cannot_write_internal_notes(submitted):
    with pytest.raises(PermissionDenied):
        services.comment_add(application=submitted, by=applicant_of(submitted), body="x", internal=True)
    assert not ApplicationComment.objects.exists()


@pytest.mark.django_db
def test_officers_of_another_funder_cannot_comment(submitted):
    with pytest.raises(PermissionDenied):
        services.comment_add(application=submitted, by=UserFactory(officer=True), body="x")


@pytest.mark.django_db
def test_the_eligibility_rules_are_checked_again_at_submission(draft, member, call):
    fill_application(draft)
    Organisation.objects.filter(pk=draft.organisation_id).update(status=Organisation.Status.RETURNED)
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="must be verified"):
        services.application_submit(application=draft, by=member)


@pytest.mark.django_db
def test_a_category_the_call_does_not_fund_stops_submission(draft, member, call):
    call.eligible_categories.set([ServiceCategory.objects.get(code="legal-aid")])
    fill_application(draft)
    with pytest.raises(ValidationError, match="does not fund the chosen service category"):
        services.application_submit(application=draft, by=member)


# --- Awarding at the final call ----------------------------------------------------------


@pytest.mark.django_db
def test_final_call_awards_only_its_recommended_applications(call, officer):
    recommended = _force(ApplicationFactory(call=call, complete=True), A.RECOMMENDED)
    not_recommended = _force(ApplicationFactory(call=call, complete=True), A.NOT_RECOMMENDED)
    call.status = call.Status.FINAL
    call.save()
    assert services.applications_award_final(call=call, by=officer) == [recommended]
    recommended.refresh_from_db()
    not_recommended.refresh_from_db()
    assert (recommended.status, not_recommended.status) == (A.AWARDED, A.NOT_RECOMMENDED)
    assert services.applications_award_final(call=call, by=None) == []  # the beat, again: nothing left


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "open", "closed", "in_review", "decided", "announced"])
def test_no_application_is_awarded_before_the_call_is_final(call, officer, status):
    recommended = _force(ApplicationFactory(call=call, complete=True), A.RECOMMENDED)
    call.status = status
    call.save()
    with pytest.raises(ValidationError, match="only when the call's results are final"):
        services.applications_award_final(call=call, by=officer)
    recommended.refresh_from_db()
    assert recommended.status == A.RECOMMENDED


@pytest.mark.django_db
def test_an_officer_of_another_funder_cannot_award_a_final_calls_applications(call):
    _force(ApplicationFactory(call=call, complete=True), A.RECOMMENDED)
    call.status = call.Status.FINAL
    call.save()
    with pytest.raises(PermissionDenied):
        services.applications_award_final(call=call, by=UserFactory(officer=True))
