"""Call lifecycle: draft → open → closed → in_review → decided → announced → final."""

from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import record_event
from core.bilingual import email_values
from core.notify import notify
from core.transitions import check_transition, require
from grants.calls.models import Application, Call
from grants.calls.permissions import can_manage_call, is_programme_officer_of
from grants.calls.selectors import programme_officers_of
from incubator.selectors import members_by_organisation

S = Call.Status
CALL_TRANSITIONS = {
    S.DRAFT: (S.OPEN,),
    S.OPEN: (S.CLOSED,),
    S.CLOSED: (S.IN_REVIEW,),
    S.IN_REVIEW: (S.DECIDED,),
    S.DECIDED: (S.ANNOUNCED,),
    S.ANNOUNCED: (S.FINAL,),
    S.FINAL: (),
}
EDITABLE_STATES = (S.DRAFT, S.OPEN)


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("funder").get(pk=call.pk)


def _notify_officers(call: Call, verb: str) -> None:
    recipients = programme_officers_of(call.funder_id)
    if not recipients:
        return
    notify(
        template="grants_call_status",
        recipients=recipients,
        context={
            **email_values("call_title", call, "title"),
            "status": call.status,
            "status_label": _english_label(call.status),
            "call_id": call.pk,
        },
        key=f"call-{verb}:{call.pk}",
    )


def _english_label(status) -> str:
    with translation.override("en"):
        return str(S(status).label)


def _move(*, call: Call, target: str, by, verb: str, message: str = "") -> Call:
    locked = _locked(call)
    check_transition(allowed=CALL_TRANSITIONS, current=locked.status, target=target)
    previous = locked.status
    locked.status = target
    locked.full_clean()
    locked.save(update_fields=["status", "opens_at", "closes_at", "updated_at"])
    record_event(target=locked, verb=verb, actor=by, from_state=previous, to_state=target, message=message)
    _notify_officers(locked, verb)
    call.refresh_from_db()
    return locked


@transaction.atomic
def call_save(*, call: Call, by, save_related=None) -> Call:
    """Create or edit a call. Only a programme officer of the call's funder may, and only
    while the call is a draft or open (the rules of a closed competition do not change)."""
    require(is_programme_officer_of(by, call.funder_id), _("You can only edit calls of your own funders."))
    created = call.pk is None
    if not created:
        current = Call.objects.select_for_update().get(pk=call.pk)
        if current.status not in EDITABLE_STATES:
            raise ValidationError(_("A call that has closed can no longer be edited."))
        call.status = current.status
    else:
        call.status = S.DRAFT
        call.created_by = by
    call.full_clean()
    call.save()
    if save_related is not None:
        save_related()
    record_event(target=call, verb="call.created" if created else "call.edited", actor=by, to_state=call.status)
    return call


@transaction.atomic
def call_open(*, call: Call, by=None, now=None) -> Call:
    """Open a call. By hand, an officer opens it now (moving the opening time forward);
    the beat opens it at its opening time. A call whose closing time has passed cannot open."""
    now = now or timezone.now()
    if by is not None:
        require(can_manage_call(by, call), _("You can only open calls of your own funders."))
    locked = _locked(call)
    if locked.closes_at <= now:
        raise ValidationError(_("The closing time has passed; move it to the future before opening the call."))
    if by is None and locked.opens_at > now:
        raise ValidationError(_("The call does not open before its opening time."))
    if not locked.rubric:
        raise ValidationError(_("Add the review rubric before opening the call."))
    locked.opens_at = min(locked.opens_at, now)
    locked.save(update_fields=["opens_at"])
    return _move(call=locked, target=S.OPEN, by=by, verb="call.opened")


@transaction.atomic
def call_close(*, call: Call, by=None, now=None) -> Call:
    """Close a call. By hand, an officer closes it early (the closing time becomes now);
    the beat closes it at its closing time."""
    now = now or timezone.now()
    if by is not None:
        require(can_manage_call(by, call), _("You can only close calls of your own funders."))
    locked = _locked(call)
    if by is None and locked.closes_at > now:
        raise ValidationError(_("The call does not close before its closing time."))
    early = locked.closes_at > now
    if early:
        locked.closes_at = max(now, locked.opens_at + timedelta(seconds=1))
        locked.save(update_fields=["closes_at"])
    locked = _move(call=locked, target=S.CLOSED, by=by, verb="call.closed")
    if early:
        _notify_applicants_of_early_close(locked)
    return locked


def _notify_applicants_of_early_close(call: Call) -> None:
    """Organisations with an application in the call learn that it closed before its
    announced time (a draft can no longer be submitted)."""
    organisation_ids = (
        Application.objects.filter(call=call).exclude(status=Application.Status.WITHDRAWN).values("organisation_id")
    )
    people = members_by_organisation(organisation_ids=organisation_ids)
    members = list({user.pk: user for users in people.values() for user in users}.values())
    notify(
        template="grants_call_closed_early",
        recipients=list(members),
        context={
            **email_values("call_title", call, "title"),
            "closed_at": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M"),
            "call_slug": call.slug,
        },
        key=f"call-closed-early:{call.pk}",
    )


def _officer_move(*, call: Call, by, target: str, verb: str) -> Call:
    require(can_manage_call(by, call), _("You can only manage calls of your own funders."))
    return _move(call=call, target=target, by=by, verb=verb)


@transaction.atomic
def call_start_review(*, call: Call, by) -> Call:
    """Closed → in review: the expert panel starts scoring."""
    return _officer_move(call=call, by=by, target=S.IN_REVIEW, verb="call.review_started")


@transaction.atomic
def call_decide(*, call: Call, by) -> Call:
    """In review → decided: the award proposal is settled."""
    return _officer_move(call=call, by=by, target=S.DECIDED, verb="call.decided")


@transaction.atomic
def call_announce(*, call: Call, by) -> Call:
    """Decided → announced: the results are public and the objection period runs."""
    return _officer_move(call=call, by=by, target=S.ANNOUNCED, verb="call.announced")


# What must hold before a call's results become final, filled by the apps above that know
# (review registers its `finalisation_problems` in ReviewConfig.ready(): the announcement
# exists, the objection period has passed, no objection is open). Each check is
# `check(*, call, now) -> list[str]`, the reasons the call cannot become final yet.
FINALISATION_CHECKS: list[Callable[..., list[str]]] = []


def register_finalisation_check(check: Callable[..., list[str]]) -> Callable[..., list[str]]:
    if check not in FINALISATION_CHECKS:
        FINALISATION_CHECKS.append(check)
    return check


@transaction.atomic
def call_finalise(*, call: Call, by=None, now=None) -> Call:
    """Announced → final: the results stand. The one writer of the final state.

    `by` is the officer, or None when the beat does it. Refused unless every registered
    finalisation check passes (with none registered nothing can confirm the results, so it
    is refused too). The work that goes with it (awards, the applicants told) is the review's
    `call_make_final`, which comes through here.
    """
    now = now or timezone.now()
    if by is not None:
        require(can_manage_call(by, call), _("You can only manage calls of your own funders."))
    locked = _locked(call)
    check_transition(allowed=CALL_TRANSITIONS, current=locked.status, target=S.FINAL)
    if not FINALISATION_CHECKS:
        raise ValidationError(_("Nothing can confirm that these results may become final."))
    problems = [problem for check in FINALISATION_CHECKS for problem in check(call=locked, now=now)]
    if problems:
        raise ValidationError(problems)
    return _move(call=locked, target=S.FINAL, by=by, verb="call.finalised")


# The moves an officer may make from the call's own page. Later stages move only
# through the review workflow (grants.review.services), which does the work that goes
# with them: starting the eligible applications' review (call_start_review), deciding the
# award proposal (call_decide), publishing the announcement (call_announce) and making the
# results final once the objections are settled (call_finalise).
WINDOW_ACTIONS = {S.OPEN: call_open, S.CLOSED: call_close}


def advance_call_windows(*, now=None) -> dict:
    """Open the draft calls whose opening time has come and close the open calls whose
    closing time has passed. Run by the beat every minute; safe to run any number of times."""
    now = now or timezone.now()
    opened, closed = [], []
    due_open = Call.objects.filter(status=S.DRAFT, auto_open=True, opens_at__lte=now, closes_at__gt=now)
    for call in due_open:
        try:
            call_open(call=call, now=now)
            opened.append(call.pk)
        except ValidationError:
            continue
    for call in Call.objects.filter(status=S.OPEN, closes_at__lte=now):
        try:
            call_close(call=call, now=now)
            closed.append(call.pk)
        except ValidationError:
            continue
    return {"opened": opened, "closed": closed}
