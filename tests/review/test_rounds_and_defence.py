"""Rounds and the live defence through their services: transitions allowed and refused,
shortlists with ties decided by the officer, scores kept once and reopened only with a
reason, late and absent handled explicitly, and the combined ranking of hand-computed
scores feeding the real award proposal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import events_for
from core.transitions import TransitionNotAllowed
from grants.calls.models import Application
from grants.review.defence_selectors import boards
from grants.review.models import (
    DefenceScore,
    DefenceSlot,
    ProposalLine,
    ReviewRound,
    RoundScore,
    ScoreSummary,
    ShortlistEntry,
)
from grants.review.services import decisions
from grants.review.services import defence as defence_services
from grants.review.services import rounds as round_services
from grants.review.services.ranking import aggregate_call
from tests.factories.accounts import UserFactory
from tests.factories.grants import applicant_of
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, ReviewFactory, scores

pytestmark = pytest.mark.django_db

R = ReviewRound.Status
DEFENCE_CODES = ("presentation", "answers", "delivery")


def defence_scores(value: int) -> dict:
    return dict.fromkeys(DEFENCE_CODES, value)


@pytest.fixture
def expert(db):
    return UserFactory(reviewer=True, email="expert@uni.edu.cn")


@pytest.fixture
def apps(call, expert):
    """Four applications, one reviewer: expert totals 90, 80, 70, 70 (every criterion v → 10·v)."""
    call.total_budget = Decimal("100000")
    call.max_per_project = Decimal("80000")
    call.save()
    result = []
    for value in (9, 8, 7, 7):
        application = InReviewApplicationFactory(call=call, requested=80000)
        assignment = AssignmentFactory(application=application, reviewer=expert, declared=True)
        ReviewFactory(assignment=assignment, submitted=True, scores=scores(value))
        result.append(application)
    return result


@pytest.fixture
def with_defence(call, officer, apps):
    defence = round_services.round_add_defence(call=call, by=officer, weight=Decimal("40"))
    expert_round = ReviewRound.objects.get(call=call, kind=ReviewRound.Kind.EXPERT)
    round_services.round_update(
        round_=expert_round, by=officer, weight=Decimal("60"), shortlist_rule="top_n", shortlist_size=2
    )
    return expert_round, defence


def members(round_, officer, count=2):
    people = [UserFactory(reviewer=True, email=f"panel{i}@law{i}.edu.cn") for i in range(count)]
    for person in people:
        defence_services.member_add(round_=round_, by=officer, reviewer=person)
    return people


def ready_defence(officer, expert_round, defence, count=2):
    round_services.round_close(round_=expert_round, by=officer)
    round_services.round_confirm_shortlist(round_=expert_round, by=officer)
    people = members(defence, officer, count)
    defence_services.slots_schedule(round_=defence, by=officer, starts_at=timezone.now() + timedelta(hours=1))
    round_services.round_start_scoring(round_=defence, by=officer)
    return people


# --- Rounds ------------------------------------------------------------------------------------


def test_a_call_with_the_expert_round_only_ranks_as_before(call, apps):
    aggregate_call(call=call)
    summaries = {s.application_id: s for s in ScoreSummary.objects.filter(call=call)}
    assert [summaries[a.pk].raw_score for a in apps] == [90.0, 80.0, 70.0, 70.0]
    assert all(s.shortlisted for s in summaries.values())
    assert not ReviewRound.objects.filter(call=call).exists()


def test_round_transitions_follow_the_table(call, officer, with_defence):
    expert_round, defence = with_defence
    assert expert_round.status == R.SCORING
    with pytest.raises(TransitionNotAllowed):
        round_services.round_confirm_shortlist(round_=expert_round, by=officer)
    with pytest.raises(ValidationError, match="round before this one"):
        round_services.round_start_scoring(round_=defence, by=officer)
    round_services.round_close(round_=expert_round, by=officer)
    with pytest.raises(TransitionNotAllowed):
        round_services.round_close(round_=expert_round, by=officer)
    round_services.round_confirm_shortlist(round_=expert_round, by=officer)
    with pytest.raises(TransitionNotAllowed):
        round_services.round_start_scoring(round_=expert_round, by=officer)
    verbs = [e.verb for e in events_for(call)]
    assert "review.round_closed" in verbs and "review.round_shortlist_confirmed" in verbs


def test_only_the_calls_officer_moves_a_round(call, with_defence):
    expert_round, _defence = with_defence
    with pytest.raises(PermissionDenied):
        round_services.round_close(round_=expert_round, by=UserFactory(officer=True))


def test_top_two_shortlist_puts_two_in(call, officer, apps, with_defence):
    expert_round, _ = with_defence
    round_services.round_close(round_=expert_round, by=officer)
    entries = {e.application_id: e.outcome for e in ShortlistEntry.objects.filter(round=expert_round)}
    assert entries == {apps[0].pk: "in", apps[1].pk: "in", apps[2].pk: "out", apps[3].pk: "out"}


def test_a_tie_at_the_line_waits_for_the_officers_decision(call, officer, apps, with_defence):
    expert_round, _ = with_defence
    round_services.round_update(round_=expert_round, by=officer, shortlist_size=3)
    round_services.round_close(round_=expert_round, by=officer)
    tied = list(ShortlistEntry.objects.filter(round=expert_round, outcome="tie").order_by("application_id"))
    assert [e.application_id for e in tied] == [apps[2].pk, apps[3].pk]
    with pytest.raises(ValidationError, match="tied at the line"):
        round_services.round_confirm_shortlist(round_=expert_round, by=officer)
    with pytest.raises(ValidationError):
        round_services.shortlist_decide(entry=tied[0], by=officer, goes_on=True, reason="")
    round_services.shortlist_decide(entry=tied[0], by=officer, goes_on=True, reason="Stronger budget.")
    round_services.shortlist_decide(entry=tied[1], by=officer, goes_on=False, reason="Weaker team.")
    round_services.round_confirm_shortlist(round_=expert_round, by=officer)
    assert ShortlistEntry.objects.filter(round=expert_round, outcome="in").count() == 3
    assert "review.tie_decided" in [e.verb for e in events_for(apps[2])]


def test_threshold_rule(call, officer, apps, with_defence):
    expert_round, _ = with_defence
    round_services.round_update(round_=expert_round, by=officer, shortlist_rule="threshold", shortlist_threshold=80)
    round_services.round_close(round_=expert_round, by=officer)
    assert set(
        ShortlistEntry.objects.filter(round=expert_round, outcome="in").values_list("application_id", flat=True)
    ) == {
        apps[0].pk,
        apps[1].pk,
    }


def test_the_defence_rubric_cannot_change_once_scoring_started(call, officer, with_defence):
    expert_round, defence = with_defence
    ready_defence(officer, expert_round, defence)
    with pytest.raises(ValidationError, match="rubric cannot change"):
        round_services.round_update(round_=defence, by=officer, rubric=[{"code": "x"}])


# --- The live defence ---------------------------------------------------------------------------


def test_scores_are_stored_once_per_token_and_locked_until_reopened(call, officer, apps, with_defence):
    expert_round, defence = with_defence
    first, _second = ready_defence(officer, expert_round, defence)
    slot = DefenceSlot.objects.get(round=defence, application=apps[0])
    with pytest.raises(ValidationError, match="not presenting"):
        defence_services.score_submit(slot=slot, by=first, scores=defence_scores(6), client_token="t" * 16)
    defence_services.slot_move(slot=slot, by=officer, target="presenting")
    score = defence_services.score_submit(slot=slot, by=first, scores=defence_scores(6), client_token="a" * 16)
    again = defence_services.score_submit(slot=slot, by=first, scores=defence_scores(6), client_token="a" * 16)
    assert again.pk == score.pk and DefenceScore.objects.filter(slot=slot).count() == 1
    assert score.total == 60.0
    with pytest.raises(ValidationError, match="already submitted"):
        defence_services.score_submit(slot=slot, by=first, scores=defence_scores(9), client_token="b" * 16)
    with pytest.raises(ValidationError):
        defence_services.score_reopen(score=score, by=officer, reason=" ")
    defence_services.score_reopen(score=score, by=officer, reason="Pressed the wrong number.")
    changed = defence_services.score_submit(slot=slot, by=first, scores=defence_scores(7), client_token="c" * 16)
    assert changed.pk == score.pk and changed.total == 70.0
    events = [e for e in events_for(apps[0]) if e.verb == "review.defence_score_reopened"]
    assert events and events[0].message == "Pressed the wrong number."


def test_only_present_panel_members_score_and_out_of_range_is_refused(call, officer, apps, with_defence):
    expert_round, defence = with_defence
    first, second = ready_defence(officer, expert_round, defence)
    slot = DefenceSlot.objects.get(round=defence, application=apps[0])
    defence_services.slot_move(slot=slot, by=officer, target="presenting")
    with pytest.raises(PermissionDenied):
        defence_services.score_submit(
            slot=slot, by=UserFactory(reviewer=True), scores=defence_scores(5), client_token="x" * 16
        )
    with pytest.raises(ValidationError):
        defence_services.score_submit(slot=slot, by=first, scores=defence_scores(11), client_token="y" * 16)
    member = defence.defence_members.get(reviewer=second)
    defence_services.member_set_presence(member=member, by=officer, present=False)
    with pytest.raises(ValidationError, match="marked absent"):
        defence_services.score_submit(slot=slot, by=second, scores=defence_scores(5), client_token="z" * 16)


def test_the_aggregate_shows_only_after_every_present_member_and_late_scores_are_marked(
    call, officer, apps, with_defence
):
    expert_round, defence = with_defence
    first, second, third = ready_defence(officer, expert_round, defence, count=3)
    slot = DefenceSlot.objects.get(round=defence, application=apps[0])
    defence_services.slot_move(slot=slot, by=officer, target="presenting")
    defence_services.score_submit(slot=slot, by=first, scores=defence_scores(6), client_token="1" * 16)
    defence_services.score_submit(slot=slot, by=second, scores=defence_scores(8), client_token="2" * 16)
    board = boards(defence)[0]
    assert (board.submitted_count, len(board.expected), board.revealed, board.aggregate) == (2, 3, False, None)
    # The third member is late: the slot closes before their score arrives.
    defence_services.slot_move(slot=slot, by=officer, target="closed")
    late = defence_services.score_submit(slot=slot, by=third, scores=defence_scores(10), client_token="3" * 16)
    assert late.late
    board = boards(defence)[0]
    # Revealed; the late score is not counted by default: (60 + 80) / 2.
    assert board.revealed and board.aggregate == 70.0 and board.late_count == 1
    defence.include_late_scores = True
    defence.save()
    assert boards(defence)[0].aggregate == 80.0


def test_an_absent_member_is_not_awaited(call, officer, apps, with_defence):
    expert_round, defence = with_defence
    first, second = ready_defence(officer, expert_round, defence)
    defence_services.member_set_presence(member=defence.defence_members.get(reviewer=second), by=officer, present=False)
    slot = DefenceSlot.objects.get(round=defence, application=apps[0])
    defence_services.slot_move(slot=slot, by=officer, target="presenting")
    defence_services.score_submit(slot=slot, by=first, scores=defence_scores(5), client_token="q" * 16)
    assert boards(defence)[0].revealed and boards(defence)[0].aggregate == 50.0


def test_the_applicant_confirms_or_declines_and_is_emailed(
    call, officer, apps, with_defence, mailoutbox, django_capture_on_commit_callbacks
):
    expert_round, defence = with_defence
    ready_defence(officer, expert_round, defence)
    member = applicant_of(apps[1])
    with django_capture_on_commit_callbacks(execute=True):
        assert defence_services.slots_notify(round_=defence, by=officer) == 2
    slot = DefenceSlot.objects.get(round=defence, application=apps[1])
    assert any(member.email in m.to for m in mailoutbox)
    with pytest.raises(PermissionDenied):
        defence_services.slot_respond(slot=slot, by=applicant_of(apps[0]), confirm=True)
    defence_services.slot_respond(slot=slot, by=member, confirm=False)
    assert DefenceSlot.objects.get(pk=slot.pk).response == "declined"


def test_slot_transitions_and_session_order(call, officer, apps, with_defence):
    expert_round, defence = with_defence
    ready_defence(officer, expert_round, defence)
    first = defence_services.session_next(round_=defence, by=officer)
    assert first.application_id == apps[0].pk and first.state == "presenting"
    second = defence_services.session_next(round_=defence, by=officer)
    assert second.application_id == apps[1].pk
    assert DefenceSlot.objects.get(pk=first.pk).state == "closed"
    back = defence_services.session_previous(round_=defence, by=officer)
    assert back.pk == first.pk and DefenceSlot.objects.get(pk=second.pk).state == "waiting"
    with pytest.raises(TransitionNotAllowed):
        defence_services.slot_move(slot=DefenceSlot.objects.get(pk=second.pk), by=officer, target="closed")


# --- Combined ranking into the award proposal ------------------------------------------------------


def test_the_combined_ranking_decides_the_award_proposal(call, officer, apps, with_defence):
    """Expert (weight 60): A 90, B 80, C 70, D 70; top 2 go on. Defence (weight 40), two
    members: A 60 and 80 (raw 70), B 90 and 90 (raw 90). Normalised defence: member z-scores
    are −1 for A and +1 for B for both members; all totals 60, 80, 90, 90 have mean 80 and
    standard deviation √150, so A 80 − √150, B 80 + √150.
    Combined raw: A 0.6·90 + 0.4·70 = 82, B 0.6·80 + 0.4·90 = 84.
    The budget (100,000) funds one 80,000 project: B, though A led the expert round."""
    expert_round, defence = with_defence
    first, second = ready_defence(officer, expert_round, defence)
    a, b = (DefenceSlot.objects.get(round=defence, application=app) for app in apps[:2])
    defence_services.slot_move(slot=a, by=officer, target="presenting")
    defence_services.score_submit(slot=a, by=first, scores=defence_scores(6), client_token="a1" * 8)
    defence_services.score_submit(slot=a, by=second, scores=defence_scores(8), client_token="a2" * 8)
    defence_services.session_next(round_=defence, by=officer)
    defence_services.score_submit(slot=b, by=first, scores=defence_scores(9), client_token="b1" * 8)
    defence_services.score_submit(slot=b, by=second, scores=defence_scores(9), client_token="b2" * 8)
    round_services.round_close(round_=defence, by=officer)

    proposal = decisions.proposal_create(call=call, by=officer, basis="raw")
    summaries = {s.application_id: s for s in ScoreSummary.objects.filter(call=call)}
    spread = 150**0.5
    assert summaries[apps[0].pk].raw_score == pytest.approx(82.0)
    assert summaries[apps[1].pk].raw_score == pytest.approx(84.0)
    assert summaries[apps[0].pk].normalised_score == pytest.approx(0.6 * 90 + 0.4 * (80 - spread))
    assert summaries[apps[1].pk].normalised_score == pytest.approx(0.6 * 80 + 0.4 * (80 + spread))
    assert not summaries[apps[2].pk].shortlisted and not summaries[apps[3].pk].shortlisted
    assert RoundScore.objects.get(round=defence, application=apps[1]).raw_score == pytest.approx(90.0)

    lines = list(ProposalLine.objects.filter(proposal=proposal).order_by("rank"))
    assert [line.application_id for line in lines[:2]] == [apps[1].pk, apps[0].pk]
    assert [line.proposed for line in lines] == [True, False, False, False]
    decisions.proposal_decide(proposal=proposal, by=officer)
    assert Application.objects.get(pk=apps[1].pk).status == Application.Status.RECOMMENDED
    assert Application.objects.get(pk=apps[0].pk).status == Application.Status.NOT_RECOMMENDED


def test_no_proposal_before_the_rounds_are_through(call, officer, with_defence):
    _expert_round, _defence = with_defence
    with pytest.raises(ValidationError, match="Confirm the shortlist"):
        decisions.proposal_create(call=call, by=officer, basis="raw")


def test_a_declined_applicant_scores_zero_in_the_defence(call, officer, apps, with_defence):
    expert_round, defence = with_defence
    _first, _second = ready_defence(officer, expert_round, defence)
    slot = DefenceSlot.objects.get(round=defence, application=apps[0])
    defence_services.slot_respond(slot=slot, by=applicant_of(apps[0]), confirm=False)
    aggregate_call(call=call)
    assert ScoreSummary.objects.get(application=apps[0]).raw_score == pytest.approx(0.6 * 90)
