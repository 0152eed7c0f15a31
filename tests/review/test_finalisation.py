"""A call becomes final only through `call_finalise`, with the review's checks: the officer
and the beat, allowed and refused (objection period running, an objection open, no
announcement), and the work that goes with it done once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import events_for
from grants.awards.models import Award
from grants.calls.models import Application, Call
from grants.calls.services import calls as call_services
from grants.review.models import Announcement
from grants.review.services import announcements
from tests.factories.accounts import UserFactory
from tests.factories.review import ObjectionFactory, announced_call, officer_call

pytestmark = pytest.mark.django_db
S = Call.Status


def passed(call):
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(hours=1))


def finalised_events(call):
    return [e for e in events_for(call) if e.verb == "call.finalised"]


def test_review_registered_its_checks_with_the_calls_service():
    assert announcements.finalisation_problems in call_services.FINALISATION_CHECKS


def test_an_officer_makes_the_call_final_once_the_checks_pass(officer):
    call, lines = announced_call(officer=officer)
    passed(call)
    announcements.call_make_final(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == S.FINAL
    (event,) = finalised_events(call)
    assert (event.from_state, event.to_state, event.actor) == (S.ANNOUNCED, S.FINAL, officer)
    assert Announcement.objects.get(call=call).finalised_at is not None
    assert {a.status for a in Application.objects.filter(call=call)} == {Application.Status.AWARDED}
    assert Award.objects.filter(application__call=call).count() == len(lines)


def test_the_beat_makes_the_call_final_through_the_same_service(officer):
    call, lines = announced_call(officer=officer)
    passed(call)
    assert announcements.finalise_due_calls() == [call.pk]
    call.refresh_from_db()
    assert call.status == S.FINAL
    (event,) = finalised_events(call)
    assert event.actor is None
    assert Award.objects.filter(application__call=call).count() == len(lines)
    assert announcements.finalise_due_calls() == []
    assert len(finalised_events(call)) == 1


def test_the_beat_may_pass_the_time_it_runs_at(officer):
    call, _lines = announced_call(officer=officer, days_left=3)
    assert announcements.finalise_due_calls() == []
    assert announcements.finalise_due_calls(now=timezone.now() + timedelta(days=4)) == [call.pk]


@pytest.mark.parametrize("entry", ["calls", "review"])
def test_refused_while_the_objection_period_runs(officer, entry):
    call, _lines = announced_call(officer=officer, days_left=3)
    finalise = call_services.call_finalise if entry == "calls" else announcements.call_make_final
    with pytest.raises(ValidationError, match="objection period runs until"):
        finalise(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == S.ANNOUNCED and not finalised_events(call)


@pytest.mark.parametrize("entry", ["calls", "review"])
def test_refused_while_an_objection_is_open(officer, entry):
    call, _lines = announced_call(officer=officer)
    passed(call)
    ObjectionFactory(call=call)
    finalise = call_services.call_finalise if entry == "calls" else announcements.call_make_final
    with pytest.raises(ValidationError, match=r"still needs? an answer"):
        finalise(call=call, by=None)
    assert announcements.finalise_due_calls() == []
    call.refresh_from_db()
    assert call.status == S.ANNOUNCED and not finalised_events(call)


def test_refused_for_an_announced_call_without_its_announcement(officer):
    call = officer_call(officer, status=S.ANNOUNCED)
    with pytest.raises(ValidationError, match="Only announced results can become final"):
        call_services.call_finalise(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == S.ANNOUNCED


@pytest.mark.parametrize("status", [S.DECIDED, S.IN_REVIEW, S.FINAL])
def test_refused_for_a_call_not_announced(officer, status):
    call = officer_call(officer, status=status)
    with pytest.raises(ValidationError):
        call_services.call_finalise(call=call, by=officer)
    with pytest.raises(ValidationError):
        announcements.call_make_final(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == status


def test_an_officer_of_another_funder_cannot_make_the_call_final(officer):
    call, _lines = announced_call(officer=officer)
    passed(call)
    stranger = UserFactory(officer=True)
    with pytest.raises(PermissionDenied):
        call_services.call_finalise(call=call, by=stranger)
    with pytest.raises(PermissionDenied):
        announcements.call_make_final(call=call, by=stranger)
    call.refresh_from_db()
    assert call.status == S.ANNOUNCED


def test_with_no_check_registered_nothing_becomes_final(officer, monkeypatch):
    call, _lines = announced_call(officer=officer)
    passed(call)
    monkeypatch.setattr(call_services, "FINALISATION_CHECKS", [])
    with pytest.raises(ValidationError, match="Nothing can confirm"):
        call_services.call_finalise(call=call, by=officer)
    call.refresh_from_db()
    assert call.status == S.ANNOUNCED


def test_the_review_stage_moves_are_not_offered_as_plain_call_actions():
    assert set(call_services.WINDOW_ACTIONS) == {S.OPEN, S.CLOSED}
    assert not hasattr(call_services, "CALL_ACTIONS")
    assert not hasattr(announcements, "_system_finalise")
