"""A call's review rounds: set on the call by its programme officer, and moved on one
transition at a time (issue 17).

States of a round: `open → scoring → closed → shortlist_confirmed`, and `closed → scoring`
to take more scores. Rules:
- rounds are set (a live defence added, weights and rules changed) only while the call is
  in review and before the round's shortlist is confirmed;
- a round starts scoring only once the round before it has its shortlist confirmed;
- closing a round computes its scores and its shortlist by its rule; applications tied at
  the line wait for the officer, who puts each in or out with a reason;
- the shortlist is confirmed only when no tie is left undecided.
Lock order: the call, then the round. Every change is audited on the call.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.transitions import check_transition, require
from grants.calls.models import Call
from grants.calls.permissions import can_manage_call
from grants.review.engine import rounds as engine
from grants.review.models import DefenceSlot, ReviewRound, RoundScore, ShortlistEntry
from grants.review.rounds import DEFAULT_DEFENCE_RUBRIC
from grants.review.services.common import lock_call
from grants.review.services.ranking import round_results

S = ReviewRound.Status
TRANSITIONS = {
    S.OPEN: {S.SCORING},
    S.SCORING: {S.CLOSED},
    S.CLOSED: {S.SCORING, S.SHORTLIST_CONFIRMED},
    S.SHORTLIST_CONFIRMED: set(),
}


def _require_officer(by, call) -> None:
    require(can_manage_call(by, call), _("Only programme officers of this call's funder can run its rounds."))


def _require_in_review(call) -> None:
    if call.status != Call.Status.IN_REVIEW:
        raise ValidationError(_("Rounds are run only while the call is in review."))


def _lock_round(round_: ReviewRound) -> tuple[Call, ReviewRound]:
    call = lock_call(call=round_.call)
    return call, ReviewRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def rounds_ensure(*, call: Call, by) -> list[ReviewRound]:
    """Give the call its explicit expert round (weight 100) if it has only the implicit one."""
    call = lock_call(call=call)
    _require_officer(by, call)
    if not ReviewRound.objects.filter(call=call).exists():
        ReviewRound.objects.create(
            call=call,
            kind=ReviewRound.Kind.EXPERT,
            order=1,
            status=S.SCORING if call.status == Call.Status.IN_REVIEW else S.OPEN,
        )
    return list(ReviewRound.objects.filter(call=call).order_by("order"))


@transaction.atomic
def round_add_defence(*, call: Call, by, weight: Decimal = Decimal("40")) -> ReviewRound:
    """Add a live defence after the expert round, with the default defence rubric."""
    rounds_ensure(call=call, by=by)
    call = lock_call(call=call)
    _require_in_review(call)
    if ReviewRound.objects.filter(call=call, kind=ReviewRound.Kind.DEFENCE).exists():
        raise ValidationError(_("This call already has a live defence."))
    expert = ReviewRound.objects.get(call=call, kind=ReviewRound.Kind.EXPERT)
    if expert.status == S.SHORTLIST_CONFIRMED:
        raise ValidationError(_("The expert round's shortlist is confirmed; a round cannot be added after it."))
    round_ = ReviewRound.objects.create(
        call=call,
        kind=ReviewRound.Kind.DEFENCE,
        order=expert.order + 1,
        weight=weight,
        rubric=DEFAULT_DEFENCE_RUBRIC,
    )
    record_event(target=call, verb="review.round_added", actor=by, data={"kind": round_.kind, "weight": str(weight)})
    return round_


ROUND_SETTINGS = (
    "weight",
    "shortlist_rule",
    "shortlist_size",
    "shortlist_threshold",
    "rubric",
    "slot_minutes",
    "include_late_scores",
)


@transaction.atomic
def round_update(*, round_: ReviewRound, by, **values) -> ReviewRound:
    """Change a round's weight, shortlist rule, rubric, slot length or late-score rule.
    The rubric of a defence round is fixed once scoring has started."""
    call, round_ = _lock_round(round_)
    _require_officer(by, call)
    _require_in_review(call)
    if round_.status == S.SHORTLIST_CONFIRMED:
        raise ValidationError(_("This round's shortlist is confirmed; its settings are final."))
    if "rubric" in values and values["rubric"] != round_.rubric:
        if round_.kind != ReviewRound.Kind.DEFENCE:
            raise ValidationError(_("The expert round scores with the call's rubric."))
        if round_.status != S.OPEN:
            raise ValidationError(_("The rubric cannot change once scoring has started."))
    before = {name: str(getattr(round_, name)) for name in ROUND_SETTINGS if name != "rubric"}
    for name, value in values.items():
        if name not in ROUND_SETTINGS:
            raise TypeError(name)
        setattr(round_, name, value)
    if round_.shortlist_rule == ReviewRound.ShortlistRule.TOP_N and not round_.shortlist_size:
        raise ValidationError({"shortlist_size": _("Give N for a top-N shortlist.")})
    if round_.shortlist_rule == ReviewRound.ShortlistRule.THRESHOLD and round_.shortlist_threshold is None:
        raise ValidationError({"shortlist_threshold": _("Give the threshold score.")})
    round_.full_clean()
    round_.save()
    after = {name: str(getattr(round_, name)) for name in ROUND_SETTINGS if name != "rubric"}
    record_event(
        target=call,
        verb="review.round_updated",
        actor=by,
        data={"round": round_.kind, "before": before, "after": after},
    )
    return round_


def _previous(round_: ReviewRound) -> ReviewRound | None:
    return ReviewRound.objects.filter(call_id=round_.call_id, order__lt=round_.order).order_by("-order").first()


def _move(call, round_, target, by, **data) -> ReviewRound:
    check_transition(allowed=TRANSITIONS, current=round_.status, target=target)
    before = round_.status
    round_.status = target
    round_.save(update_fields=["status"])
    record_event(
        target=call,
        verb=f"review.round_{target}",
        actor=by,
        from_state=before,
        to_state=target,
        data={"round": round_.kind, **data},
    )
    return round_


@transaction.atomic
def round_start_scoring(*, round_: ReviewRound, by) -> ReviewRound:
    """open → scoring (or closed → scoring, for more scores). The round before must have its shortlist confirmed."""
    call, round_ = _lock_round(round_)
    _require_officer(by, call)
    _require_in_review(call)
    previous = _previous(round_)
    if previous is not None and previous.status != S.SHORTLIST_CONFIRMED:
        raise ValidationError(_("Confirm the shortlist of the round before this one first."))
    if round_.kind == ReviewRound.Kind.DEFENCE:
        if not round_.defence_members.exists():
            raise ValidationError(_("Add the defence panel's members first."))
        if not round_.slots.exists():
            raise ValidationError(_("Schedule the presentations first."))
    if round_.status == S.CLOSED:
        ShortlistEntry.objects.filter(round=round_).delete()
    return _move(call, round_, S.SCORING, by)


def round_scores(*, round_: ReviewRound) -> dict:
    """{application id: (raw, normalised)} of the round, from what has been submitted."""
    return round_results(call=round_.call, round_=round_)


@transaction.atomic
def round_close(*, round_: ReviewRound, by) -> ReviewRound:
    """scoring → closed: the round's scores are computed and its shortlist drawn by its rule."""
    call, round_ = _lock_round(round_)
    _require_officer(by, call)
    _require_in_review(call)
    check_transition(allowed=TRANSITIONS, current=round_.status, target=S.CLOSED)
    if round_.kind == ReviewRound.Kind.DEFENCE:
        DefenceSlot.objects.filter(round=round_, state=DefenceSlot.State.PRESENTING).update(
            state=DefenceSlot.State.CLOSED
        )
    scores = round_scores(round_=round_)
    if not scores:
        raise ValidationError(_("Nothing has been scored in this round yet."))
    basis = getattr(getattr(call, "panel", None), "ranking_basis", "normalised")
    RoundScore.objects.filter(round=round_).delete()
    RoundScore.objects.bulk_create(
        [
            RoundScore(round=round_, application_id=app, raw_score=raw, normalised_score=norm, score_count=0)
            for app, (raw, norm) in scores.items()
        ]
    )
    lines = engine.shortlist(
        {app: (raw if basis == "raw" else norm) for app, (raw, norm) in scores.items()},
        rule=round_.shortlist_rule,
        size=round_.shortlist_size,
        threshold=float(round_.shortlist_threshold) if round_.shortlist_threshold is not None else None,
    )
    ShortlistEntry.objects.filter(round=round_).delete()
    ShortlistEntry.objects.bulk_create(
        [
            ShortlistEntry(
                round=round_,
                application_id=line.application_id,
                rank=line.rank,
                score=line.score,
                outcome=line.outcome,
                tied=line.outcome == ShortlistEntry.Outcome.TIE,
            )
            for line in lines
        ]
    )
    ties = sum(1 for line in lines if line.outcome == "tie")
    return _move(call, round_, S.CLOSED, by, ties=ties)


@transaction.atomic
def shortlist_decide(*, entry: ShortlistEntry, by, goes_on: bool, reason: str) -> ShortlistEntry:
    """Put an application tied at the line in or out of the shortlist, with a reason."""
    entry = ShortlistEntry.objects.select_related("round").get(pk=entry.pk)
    call, round_ = _lock_round(entry.round)
    entry = ShortlistEntry.objects.select_for_update().get(pk=entry.pk)
    _require_officer(by, call)
    if round_.status != S.CLOSED:
        raise ValidationError(_("Ties are decided while the round is closed and its shortlist not yet confirmed."))
    if not entry.tied:
        raise ValidationError(_("Only an application tied at the line is decided by hand."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision; it is kept in the record.")})
    entry.outcome = ShortlistEntry.Outcome.IN if goes_on else ShortlistEntry.Outcome.OUT
    entry.decided_by = by
    entry.reason = reason
    entry.save(update_fields=["outcome", "decided_by", "reason"])
    record_event(
        target=entry.application,
        verb="review.tie_decided",
        actor=by,
        message=reason,
        data={"round": round_.kind, "outcome": entry.outcome},
    )
    return entry


@transaction.atomic
def round_confirm_shortlist(*, round_: ReviewRound, by) -> ReviewRound:
    """closed → shortlist confirmed, once every tie at the line is decided."""
    call, round_ = _lock_round(round_)
    _require_officer(by, call)
    _require_in_review(call)
    check_transition(allowed=TRANSITIONS, current=round_.status, target=S.SHORTLIST_CONFIRMED)
    if ShortlistEntry.objects.filter(round=round_, outcome=ShortlistEntry.Outcome.TIE).exists():
        raise ValidationError(_("Decide every application tied at the line first."))
    going_on = ShortlistEntry.objects.filter(round=round_, outcome=ShortlistEntry.Outcome.IN).count()
    return _move(call, round_, S.SHORTLIST_CONFIRMED, by, shortlisted=going_on)


def proposal_problems(*, call: Call) -> list[str]:
    """What the rounds still lack before awards can be proposed from the combined ranking:
    with more than one round, every round but the last has its shortlist confirmed and the
    last is closed. A call with one round proposes as before."""
    rounds = list(ReviewRound.objects.filter(call=call).order_by("order"))
    if len(rounds) < 2:
        return []
    problems = [
        _("Confirm the shortlist of the round “%(round)s”.") % {"round": r.get_kind_display()}
        for r in rounds[:-1]
        if r.status != S.SHORTLIST_CONFIRMED
    ]
    if rounds[-1].status not in (S.CLOSED, S.SHORTLIST_CONFIRMED):
        problems.append(_("Close the round “%(round)s”.") % {"round": rounds[-1].get_kind_display()})
    return problems
