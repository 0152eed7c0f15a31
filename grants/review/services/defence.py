"""The live defence (路演答辩): its panel, the presentation slots, the session on the day
and the members' scores (issue 17).

Rules:
- the panel is made of reviewers; a member with a conflict of interest on an applicant
  (grants.review.conflicts, as for the expert round) does not score that applicant;
- slots are scheduled for the applications the previous round's confirmed shortlist put
  in, in its order, `slot_minutes` apart; the applicants' members are emailed and each
  applicant confirms or declines in its portal;
- on the day a slot moves `waiting → presenting → closed`, or to `absent`; going back
  (previous) is `presenting → waiting` and `closed → presenting`; `absent → waiting`
  undoes a mistake;
- a present member scores a presenting slot; a score sent after its slot closed is kept
  and marked late (counted by the round's `include_late_scores`); a submission is keyed by
  the client's token, so the same submission sent twice (a phone retrying when the
  network returns) is stored once; a submitted score changes only after an officer's
  reopen, which is audited.
Lock order: the call, the round, the slot, the score.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_reviewer
from core.audit import record_event
from core.bilingual import email_values
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition, require
from grants.calls.permissions import can_manage_call, is_member_of
from grants.review.conflicts import detect_conflicts
from grants.review.engine.aggregation import ReviewScores, review_totals
from grants.review.models import (
    ConflictOfInterest,
    DefenceMember,
    DefenceScore,
    DefenceSlot,
    ReviewRound,
    ShortlistEntry,
)
from grants.review.rounds import defence_criteria, engine_criteria
from grants.review.services.common import lock_call
from incubator.selectors import members_of

St = DefenceSlot.State
SLOT_TRANSITIONS = {
    St.WAITING: {St.PRESENTING, St.ABSENT},
    St.PRESENTING: {St.CLOSED, St.WAITING, St.ABSENT},
    St.CLOSED: {St.PRESENTING},
    St.ABSENT: {St.WAITING},
}


def _lock(round_: ReviewRound) -> ReviewRound:
    call = lock_call(call=round_.call)
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    round_.call = call
    return round_


def _require_officer(by, round_) -> None:
    require(can_manage_call(by, round_.call), _("Only programme officers of this call's funder can run the defence."))


def _require_defence(round_) -> None:
    if round_.kind != ReviewRound.Kind.DEFENCE:
        raise ValidationError(_("This is not a live defence round."))


def _previous_shortlist(round_) -> list[int]:
    previous = ReviewRound.objects.filter(call_id=round_.call_id, order__lt=round_.order).order_by("-order").first()
    if previous is None or previous.status != ReviewRound.Status.SHORTLIST_CONFIRMED:
        raise ValidationError(_("Confirm the shortlist of the round before the defence first."))
    return list(
        ShortlistEntry.objects.filter(round=previous, outcome=ShortlistEntry.Outcome.IN)
        .order_by("rank", "id")
        .values_list("application_id", flat=True)
    )


def _record_conflicts(round_, reviewer_ids) -> None:
    slots = list(DefenceSlot.objects.filter(round=round_).select_related("application"))
    found = detect_conflicts(
        applications=[(s.application_id, s.application.organisation_id) for s in slots], reviewer_ids=reviewer_ids
    )
    for conflict in found:
        ConflictOfInterest.objects.get_or_create(
            application_id=conflict.application_id,
            reviewer_id=conflict.reviewer_id,
            source=conflict.source,
            defaults={"call_id": round_.call_id, "detail": conflict.detail},
        )


@transaction.atomic
def member_add(*, round_: ReviewRound, by, reviewer) -> DefenceMember:
    round_ = _lock(round_)
    _require_officer(by, round_)
    _require_defence(round_)
    if not is_reviewer(reviewer):
        raise ValidationError(_("Only reviewers can sit on a defence panel."))
    member, created = DefenceMember.objects.get_or_create(round=round_, reviewer=reviewer)
    if created:
        _record_conflicts(round_, [reviewer.pk])
        record_event(
            target=round_.call, verb="review.defence_member_added", actor=by, data={"reviewer": reviewer.email}
        )
    return member


@transaction.atomic
def member_set_presence(*, member: DefenceMember, by, present: bool) -> DefenceMember:
    """Mark a member present or absent: an absent member's scores are not awaited."""
    round_ = _lock(member.round)
    _require_officer(by, round_)
    member = DefenceMember.objects.select_for_update().select_related("reviewer").get(pk=member.pk)
    if member.present != present:
        member.present = present
        member.save(update_fields=["present"])
        record_event(
            target=round_.call,
            verb="review.defence_member_present" if present else "review.defence_member_absent",
            actor=by,
            data={"reviewer": member.reviewer.email},
        )
    return member


@transaction.atomic
def slots_schedule(*, round_: ReviewRound, by, starts_at) -> list[DefenceSlot]:
    """One slot per shortlisted application, in shortlist order from `starts_at`. Slots
    that nobody has scored yet are laid anew; a scored one stays."""
    round_ = _lock(round_)
    _require_officer(by, round_)
    _require_defence(round_)
    if round_.status not in (ReviewRound.Status.OPEN, ReviewRound.Status.SCORING):
        raise ValidationError(_("The defence is closed; its slots are final."))
    applications = _previous_shortlist(round_)
    if not applications:
        raise ValidationError(_("Nobody is on the shortlist."))
    kept = set(DefenceSlot.objects.filter(round=round_, scores__isnull=False).values_list("application_id", flat=True))
    DefenceSlot.objects.filter(round=round_).exclude(application_id__in=kept).delete()
    used = set(DefenceSlot.objects.filter(round=round_).values_list("position", flat=True))
    position = 0
    for index, application_id in enumerate(applications):
        if application_id in kept:
            continue
        position += 1
        while position in used:
            position += 1
        DefenceSlot.objects.create(
            round=round_,
            application_id=application_id,
            position=position,
            starts_at=starts_at + timedelta(minutes=round_.slot_minutes * index),
        )
    _record_conflicts(round_, list(round_.defence_members.values_list("reviewer_id", flat=True)))
    record_event(
        target=round_.call,
        verb="review.defence_scheduled",
        actor=by,
        data={"slots": len(applications), "starts_at": starts_at.isoformat()},
    )
    return list(DefenceSlot.objects.filter(round=round_).order_by("position"))


@transaction.atomic
def slots_notify(*, round_: ReviewRound, by) -> int:
    """Email every scheduled applicant's members their slot, in each member's language."""
    round_ = _lock(round_)
    _require_officer(by, round_)
    slots = list(DefenceSlot.objects.filter(round=round_).select_related("application"))
    if not slots:
        raise ValidationError(_("Schedule the presentations first."))
    now = timezone.now()
    for slot in slots:
        notify(
            template="review_defence_slot",
            recipients=members_of(slot.application.organisation_id),
            context={
                **email_values("call_title", round_.call, "title"),
                "application_title": slot.application.title,
                "starts_at": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
                "minutes": round_.slot_minutes,
                "path": site_path("review:defence_slot", pk=slot.pk),
            },
            key=f"review-defence-slot:{slot.pk}:{slot.starts_at.isoformat()}",
        )
        slot.notified_at = now
        slot.save(update_fields=["notified_at"])
    record_event(target=round_.call, verb="review.defence_notified", actor=by, data={"slots": len(slots)})
    return len(slots)


def can_respond(*, user, slot) -> bool:
    return is_member_of(user, slot.application.organisation_id) and slot.state == St.WAITING


@transaction.atomic
def slot_respond(*, slot: DefenceSlot, by, confirm: bool) -> DefenceSlot:
    """The applicant confirms it will present, or declines (and then scores 0 in the round)."""
    slot = DefenceSlot.objects.select_for_update().select_related("application", "round").get(pk=slot.pk)
    require(is_member_of(by, slot.application.organisation_id), _("Only the applicant's members can answer."))
    if slot.state != St.WAITING or slot.round.status not in (ReviewRound.Status.OPEN, ReviewRound.Status.SCORING):
        raise ValidationError(_("This presentation can no longer be confirmed or declined."))
    slot.response = DefenceSlot.Response.CONFIRMED if confirm else DefenceSlot.Response.DECLINED
    slot.responded_at = timezone.now()
    slot.save(update_fields=["response", "responded_at"])
    record_event(
        target=slot.application,
        verb="review.defence_confirmed" if confirm else "review.defence_declined",
        actor=by,
    )
    return slot


@transaction.atomic
def slot_move(*, slot: DefenceSlot, by, target: str) -> DefenceSlot:
    """Move one slot on the day: start, close, mark the applicant absent, or go back."""
    round_ = _lock(slot.round)
    _require_officer(by, round_)
    if round_.status != ReviewRound.Status.SCORING:
        raise ValidationError(_("Start the defence round's scoring first."))
    slot = DefenceSlot.objects.select_for_update().select_related("application").get(pk=slot.pk)
    check_transition(allowed=SLOT_TRANSITIONS, current=slot.state, target=target)
    before = slot.state
    now = timezone.now()
    if target == St.PRESENTING:
        # One presenter at a time: whoever is presenting goes back to waiting.
        DefenceSlot.objects.filter(round=round_, state=St.PRESENTING).exclude(pk=slot.pk).update(state=St.WAITING)
        slot.opened_at = slot.opened_at or now
        round_.current_slot = slot
    elif target == St.CLOSED:
        slot.closed_at = now
    slot.state = target
    slot.save(update_fields=["state", "opened_at", "closed_at"])
    if target == St.PRESENTING or round_.current_slot_id is None:
        round_.current_slot = slot
    round_.save(update_fields=["current_slot"])
    record_event(
        target=slot.application, verb=f"review.defence_slot_{target}", actor=by, from_state=before, to_state=target
    )
    return slot


@transaction.atomic
def session_next(*, round_: ReviewRound, by) -> DefenceSlot | None:
    """Close the presenting slot and start the next waiting one."""
    round_ = _lock(round_)
    current = DefenceSlot.objects.filter(round=round_, state=St.PRESENTING).first()
    if current is not None:
        slot_move(slot=current, by=by, target=St.CLOSED)
    after = current.position if current else (round_.current_slot.position if round_.current_slot else 0)
    following = (
        DefenceSlot.objects.filter(round=round_, state=St.WAITING, position__gt=after).order_by("position").first()
        or DefenceSlot.objects.filter(round=round_, state=St.WAITING).order_by("position").first()
    )
    if following is None:
        return None
    return slot_move(slot=following, by=by, target=St.PRESENTING)


@transaction.atomic
def session_previous(*, round_: ReviewRound, by) -> DefenceSlot | None:
    """Put the presenting slot back to waiting and present again the one before it."""
    round_ = _lock(round_)
    current = DefenceSlot.objects.filter(round=round_, state=St.PRESENTING).first()
    position = current.position if current else (round_.current_slot.position if round_.current_slot else 10**6)
    before = (
        DefenceSlot.objects.filter(round=round_, state=St.CLOSED, position__lt=position).order_by("-position").first()
    )
    if before is None:
        raise ValidationError(_("There is no earlier presentation to go back to."))
    if current is not None:
        slot_move(slot=current, by=by, target=St.WAITING)
    return slot_move(slot=before, by=by, target=St.PRESENTING)


def has_conflict(*, reviewer_id: int, application_id: int) -> bool:
    return ConflictOfInterest.objects.filter(reviewer_id=reviewer_id, application_id=application_id).exists()


def clean_scores(*, round_: ReviewRound, scores: dict) -> tuple[dict, float]:
    """Every criterion scored with a whole number in its range; the weighted total on 0–100."""
    cleaned, errors = {}, {}
    for criterion in defence_criteria(round_):
        value = scores.get(criterion.code)
        try:
            number = int(str(value).strip())
            if str(number) != str(value).strip() or not 0 <= number <= criterion.max_score:
                raise ValueError
        except (TypeError, ValueError):
            errors[criterion.code] = _("Give a whole number from 0 to %(max)s.") % {"max": criterion.max_score}
            continue
        cleaned[criterion.code] = number
    if errors:
        raise ValidationError(errors)
    total = review_totals([ReviewScores(application_id=0, reviewer_id=0, scores=cleaned)], engine_criteria(round_))
    return cleaned, round(float(total[0]), 2)


@transaction.atomic
def score_submit(*, slot: DefenceSlot, by, scores: dict, client_token: str) -> DefenceScore:
    """Record a present member's score of a presentation. Sending the same token again
    returns the score already stored; a second, different score is refused."""
    client_token = (client_token or "").strip()[:64]
    if len(client_token) < 8:
        raise ValidationError(_("The submission has no token; reload the page."))
    existing = DefenceScore.objects.filter(client_token=client_token).first()
    if existing is not None:
        if existing.reviewer_id != by.pk:
            raise ValidationError(_("The submission's token is not yours; reload the page."))
        return existing
    round_ = _lock(slot.round)
    slot = DefenceSlot.objects.select_for_update().select_related("application").get(pk=slot.pk)
    member = DefenceMember.objects.filter(round=round_, reviewer=by).first()
    require(member is not None, _("Only the defence panel's members can score."))
    if not member.present:
        raise ValidationError(_("You are marked absent; ask the programme officer."))
    if has_conflict(reviewer_id=by.pk, application_id=slot.application_id):
        raise ValidationError(_("You have a conflict of interest with this applicant and do not score it."))
    if round_.status != ReviewRound.Status.SCORING:
        raise ValidationError(_("The defence round is not taking scores."))
    if slot.state not in (St.PRESENTING, St.CLOSED):
        raise ValidationError(_("This applicant is not presenting."))
    cleaned, total = clean_scores(round_=round_, scores=scores)
    score = DefenceScore.objects.select_for_update().filter(slot=slot, reviewer=by).first()
    now = timezone.now()
    late = slot.state == St.CLOSED
    if score is not None and score.status == DefenceScore.Status.SUBMITTED:
        raise ValidationError(_("Your score is already submitted; only the programme officer can reopen it."))
    if score is None:
        score = DefenceScore(slot=slot, reviewer=by)
    score.scores = cleaned
    score.total = total
    score.client_token = client_token
    score.status = DefenceScore.Status.SUBMITTED
    score.late = late
    score.submitted_at = now
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError as error:
        raise ValidationError(_("The submission's token is already used; reload the page.")) from error
    record_event(
        target=slot.application,
        verb="review.defence_score_late" if late else "review.defence_scored",
        actor=by,
        data={"total": total},
    )
    return score


@transaction.atomic
def score_reopen(*, score: DefenceScore, by, reason: str) -> DefenceScore:
    """Let a member change a submitted score: audited, with the officer's reason."""
    round_ = _lock(score.slot.round)
    _require_officer(by, round_)
    score = DefenceScore.objects.select_for_update().select_related("slot__application", "reviewer").get(pk=score.pk)
    if score.status != DefenceScore.Status.SUBMITTED:
        raise ValidationError(_("This score is already open for changes."))
    if round_.status != ReviewRound.Status.SCORING:
        raise ValidationError(_("The defence round is not taking scores."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening; it is kept in the record.")})
    score.status = DefenceScore.Status.REOPENED
    score.save(update_fields=["status"])
    record_event(
        target=score.slot.application,
        verb="review.defence_score_reopened",
        actor=by,
        message=reason,
        data={"reviewer": score.reviewer.email, "total": score.total},
    )
    return score
