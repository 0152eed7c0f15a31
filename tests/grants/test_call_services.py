from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import events_for
from grants.calls.models import Call
from grants.calls.schedules import BEAT_SCHEDULE
from grants.calls.services import calls as services
from grants.calls.tasks import advance_call_windows
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory

S = Call.Status
ALL = list(S.values)
ALLOWED = [(current, target) for current, targets in services.CALL_TRANSITIONS.items() for target in targets]
# No service moves a call back to draft, so only the other targets can be attempted.
FORBIDDEN = [(current, target) for current in ALL for target in ALL[1:] if (current, target) not in ALLOWED]
# The service for each target state. The review workflow calls the last four with the work
# that goes with them (tests/review); becoming final also needs the review's checks to pass,
# so that move is tested there, through the review's own services.
MOVES = {
    S.OPEN: services.call_open,
    S.CLOSED: services.call_close,
    S.IN_REVIEW: services.call_start_review,
    S.DECIDED: services.call_decide,
    S.ANNOUNCED: services.call_announce,
    S.FINAL: services.call_finalise,
}


def test_the_call_lifecycle_is_a_straight_line():
    assert ALLOWED == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "in_review"),
        ("in_review", "decided"),
        ("decided", "announced"),
        ("announced", "final"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_call_transitions_are_refused(current, target, officer, funder):
    call = CallFactory(funder=funder, status=current)
    with pytest.raises(ValidationError):
        MOVES[target](call=call, by=officer)
    call.refresh_from_db()
    assert call.status == current


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), [move for move in ALLOWED if move != ("announced", "final")])
def test_allowed_call_transitions_change_status_and_are_audited(current, target, officer, funder):
    call = CallFactory(funder=funder, status=current)
    MOVES[target](call=call, by=officer)
    call.refresh_from_db()
    assert call.status == target
    event = events_for(call).last()
    assert (event.from_state, event.to_state, event.actor) == (current, target, officer)


@pytest.mark.django_db
def test_officer_of_another_funder_cannot_move_a_call(officer):
    call = CallFactory(funder=FunderFactory(), status=S.CLOSED)
    with pytest.raises(PermissionDenied):
        services.call_start_review(call=call, by=officer)


@pytest.mark.django_db
def test_finance_officer_cannot_move_a_call(finance, funder):
    call = CallFactory(funder=funder, status=S.CLOSED)
    with pytest.raises(PermissionDenied):
        services.call_start_review(call=call, by=finance)


@pytest.mark.django_db
def test_the_beat_opens_a_draft_call_at_its_opening_time_and_not_before(funder):
    opens = timezone.now() + timedelta(hours=1)
    call = CallFactory(funder=funder, status=S.DRAFT, opens_at=opens, closes_at=opens + timedelta(days=10))
    assert services.advance_call_windows(now=opens - timedelta(seconds=1)) == {"opened": [], "closed": []}
    call.refresh_from_db()
    assert call.status == S.DRAFT
    assert services.advance_call_windows(now=opens) == {"opened": [call.pk], "closed": []}
    call.refresh_from_db()
    assert call.status == S.OPEN


@pytest.mark.django_db
def test_the_beat_leaves_drafts_held_by_the_officer_alone(funder):
    call = CallFactory(funder=funder, draft=True, auto_open=False)
    services.advance_call_windows(now=call.opens_at + timedelta(minutes=1))
    call.refresh_from_db()
    assert call.status == S.DRAFT


@pytest.mark.django_db
def test_the_beat_closes_an_open_call_at_its_closing_time_and_running_twice_changes_nothing(funder):
    call = CallFactory(funder=funder)
    assert services.advance_call_windows(now=call.closes_at - timedelta(seconds=1))["closed"] == []
    assert services.advance_call_windows(now=call.closes_at)["closed"] == [call.pk]
    assert services.advance_call_windows(now=call.closes_at + timedelta(minutes=1)) == {"opened": [], "closed": []}
    call.refresh_from_db()
    assert call.status == S.CLOSED
    assert events_for(call).filter(verb="call.closed").count() == 1


@pytest.mark.django_db
def test_an_officer_closing_early_moves_the_closing_time_to_now(officer, funder):
    call = CallFactory(funder=funder)
    now = timezone.now()
    services.call_close(call=call, by=officer, now=now)
    call.refresh_from_db()
    assert call.status == S.CLOSED
    assert call.closes_at == now
    assert not call.is_accepting(now)


@pytest.mark.django_db
def test_a_call_whose_closing_time_has_passed_cannot_open(officer, funder):
    past = timezone.now() - timedelta(days=1)
    call = CallFactory(funder=funder, status=S.DRAFT, opens_at=past - timedelta(days=5), closes_at=past)
    with pytest.raises(ValidationError, match="closing time has passed"):
        services.call_open(call=call, by=officer)


def test_the_beat_schedule_runs_the_window_task_every_minute():
    entry = BEAT_SCHEDULE["grants-advance-call-windows"]
    assert entry["task"] == "grants.calls.tasks.advance_call_windows"
    assert entry["schedule"] == 60.0


@pytest.mark.django_db
def test_the_window_task_is_registered_and_runs(funder):
    call = CallFactory(funder=funder, status=S.OPEN)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    result = advance_call_windows.delay().get()
    assert result["closed"] == [call.pk]


@pytest.mark.django_db
def test_an_open_call_refuses_everything_one_second_after_closing_whatever_its_status(funder):
    call = CallFactory(funder=funder)
    assert call.status == S.OPEN
    assert call.is_accepting(call.closes_at - timedelta(seconds=1))
    assert not call.is_accepting(call.closes_at)
    assert not call.is_accepting(call.closes_at + timedelta(seconds=1))
    assert not call.is_accepting(call.opens_at - timedelta(seconds=1))


@pytest.mark.django_db
def test_call_save_sets_draft_and_creator_and_refuses_other_funders(officer, funder):
    call = CallFactory.build(funder=funder, status=S.OPEN)
    saved = services.call_save(call=call, by=officer)
    assert (saved.status, saved.created_by) == (S.DRAFT, officer)
    stranger = UserFactory(officer=True)
    with pytest.raises(PermissionDenied):
        services.call_save(call=saved, by=stranger)


@pytest.mark.django_db
def test_a_closed_call_can_no_longer_be_edited(officer, funder):
    call = CallFactory(funder=funder, closed=True)
    call.title = "Changed"
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.call_save(call=call, by=officer)


@pytest.mark.django_db
def test_the_default_rubric_is_the_seeds_five_criteria(funder):
    call = CallFactory(funder=funder)
    assert [(c.code, c.weight) for c in call.criteria] == [
        ("need", 25),
        ("feasibility", 25),
        ("team", 20),
        ("budget", 15),
        ("sustainability", 15),
    ]
    assert call.currency == "CNY"


@pytest.mark.django_db
def test_rubric_weights_must_add_up_to_100(funder):
    call = CallFactory(funder=funder)
    call.rubric = [("criterion", {"code": "a", "label_zh": "甲", "label_en": "A", "weight": 60, "max_score": 10})]
    with pytest.raises(ValidationError, match="add up to 60%"):
        call.full_clean()


@pytest.mark.django_db
def test_a_call_must_close_after_it_opens_and_cap_projects_within_budget(funder):
    call = CallFactory.build(funder=funder)
    call.closes_at = call.opens_at
    call.max_per_project = call.total_budget + 1
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert set(error.value.message_dict) >= {"closes_at", "max_per_project"}


@pytest.mark.django_db
def test_closing_early_tells_the_applicants_and_only_programme_officers_hear_of_it(
    officer, funder, mailoutbox, django_capture_on_commit_callbacks
):
    finance = UserFactory(finance=True)
    funder.officers.add(finance)
    call = CallFactory(funder=funder)
    drafting = ApplicationFactory(call=call)
    member = MembershipFactory(organisation=drafting.organisation).user
    withdrawn = ApplicationFactory(call=call, status="withdrawn")
    gone = MembershipFactory(organisation=withdrawn.organisation).user
    outsider = MembershipFactory().user

    with django_capture_on_commit_callbacks(execute=True):
        services.call_close(call=call, by=officer)

    to = {message.to[0]: message for message in mailoutbox}
    assert "closed early" in to[member.email].subject
    assert call.title in to[member.email].body
    assert officer.email in to
    assert finance.email not in to and gone.email not in to and outsider.email not in to


@pytest.mark.django_db
def test_a_call_closing_at_its_time_sends_no_early_notice(
    officer, funder, mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory(funder=funder, closes_at=timezone.now() - timedelta(minutes=1))
    member = MembershipFactory(organisation=ApplicationFactory(call=call).organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        services.call_close(call=call)
    assert member.email not in {message.to[0] for message in mailoutbox}
