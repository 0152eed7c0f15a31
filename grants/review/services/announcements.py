"""The public announcement ("公示"), objections, and the call becoming final.

Publishing opens the objection period (the call's `objection_period_days`). Anyone may
lodge an objection; officers answer each in writing. The call becomes final only when
the period has passed and every objection is resolved; then the awards are created
and the applicants told.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import record_event
from core.bilingual import email_values
from core.links import site_path
from core.notify import notify
from core.transitions import check_transition, require
from grants.calls.models import Application, Call
from grants.calls.permissions import can_manage_call
from grants.calls.services.applications import applications_award_final
from grants.calls.services.calls import call_announce, call_finalise
from grants.review.models import Announcement, AwardProposal, Objection
from grants.review.selectors import officers_of
from grants.review.services.common import lock_call
from incubator.selectors import members_by_organisation

OS = Objection.Status
OBJECTION_TRANSITIONS = {OS.OPEN: (OS.RESOLVED,), OS.RESOLVED: ()}


def client_hash(*, address: str) -> str:
    """A keyed hash of a client address: lets officers spot floods without keeping IPs."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


def _members_of(application_ids) -> dict[int, list]:
    """Current members of each application's organisation, by application id."""
    org_of = dict(Application.objects.filter(pk__in=application_ids).values_list("pk", "organisation_id"))
    users_by_org = members_by_organisation(organisation_ids=set(org_of.values()))
    return {app_id: users_by_org[org_id] for app_id, org_id in org_of.items() if users_by_org.get(org_id)}


@transaction.atomic
def results_publish(*, call: Call, by, now=None) -> Announcement:
    """Decided → announced: the proposed awards go public and the objection period opens."""
    now = now or timezone.now()
    call = lock_call(call=call)
    require(can_manage_call(by, call), _("Only programme officers of this call's funder can publish its results."))
    if call.status != Call.Status.DECIDED:
        raise ValidationError(_("Only decided results can be published."))
    proposal = AwardProposal.objects.filter(call=call, decided_at__isnull=False).first()
    if proposal is None:
        raise ValidationError(_("Decide the awards before publishing the results."))
    announcement = Announcement.objects.create(
        call=call,
        published_at=now,
        published_by=by,
        objections_close_at=now + timedelta(days=call.objection_period_days),
    )
    call_announce(call=call, by=by)
    record_event(
        target=call,
        verb="review.results_published",
        actor=by,
        data={"objections_close_at": announcement.objections_close_at.isoformat()},
    )
    application_ids = list(proposal.lines.values_list("application_id", flat=True))
    for application_id, users in _members_of(application_ids).items():
        notify(
            template="review_results_published",
            recipients=users,
            context={
                **email_values("call_title", call, "title"),
                "closes": timezone.localtime(announcement.objections_close_at).strftime("%Y-%m-%d %H:%M"),
                "path": site_path("review:feedback", pk=application_id),
            },
            key=f"review-results-published:{call.pk}:{application_id}",
        )
    return announcement


@transaction.atomic
def objection_lodge(
    *, call: Call, name: str, email: str, phone: str, text: str, application=None, client: str = "", now=None
) -> Objection:
    """Anyone may object while the objection period runs, giving a name and an email."""
    now = now or timezone.now()
    announcement = Announcement.objects.filter(call=call).first()
    if call.status != Call.Status.ANNOUNCED or announcement is None or not announcement.is_open_for_objections(now):
        raise ValidationError(_("The objection period for this call has ended."))
    if application is not None and not call.award_proposal.lines.filter(application=application, funded=True).exists():
        raise ValidationError({"application": _("Choose one of the proposed awards, or none.")})
    objection = Objection(
        call=call,
        application=application,
        name=(name or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        text=(text or "").strip(),
        client_hash=client_hash(address=client) if client else "",
    )
    objection.full_clean()
    objection.save()
    record_event(target=objection, verb="review.objection_lodged", to_state=OS.OPEN)
    recipients = officers_of(call=call)
    if recipients:
        notify(
            template="review_objection_lodged",
            recipients=recipients,
            context={**email_values("call_title", call, "title"), "objection_id": objection.pk},
            key=f"review-objection-lodged:{objection.pk}",
        )
    notify(
        template="review_objection_received",
        recipients=[objection.email],
        context={
            **email_values("call_title", call, "title"),
            "name": objection.name,
            "language": translation.get_language(),
        },
        key=f"review-objection-received:{objection.pk}",
    )
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, by, answer: str) -> Objection:
    """An officer answers the objection in writing; the answer is sent to the objector."""
    objection = Objection.objects.select_for_update().select_related("call", "call__funder").get(pk=objection.pk)
    require(
        can_manage_call(by, objection.call),
        _("Only programme officers of this call's funder can answer its objections."),
    )
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer; the objector will receive it.")})
    check_transition(allowed=OBJECTION_TRANSITIONS, current=objection.status, target=OS.RESOLVED)
    objection.status = OS.RESOLVED
    objection.answer = answer
    objection.resolved_by = by
    objection.resolved_at = timezone.now()
    objection.full_clean()
    objection.save()
    record_event(
        target=objection,
        verb="review.objection_resolved",
        actor=by,
        from_state=OS.OPEN,
        to_state=OS.RESOLVED,
        message=answer,
    )
    notify(
        template="review_objection_answered",
        recipients=[objection.email],
        context={**email_values("call_title", objection.call, "title"), "name": objection.name, "answer": answer},
        key=f"review-objection-answered:{objection.pk}",
    )
    return objection


def finalisation_problems(*, call: Call, now) -> list[str]:
    """Why the call's results cannot become final at `now`: registered with
    `grants.calls.services.calls.call_finalise` (ReviewConfig.ready())."""
    problems = []
    announcement = Announcement.objects.filter(call=call).first()
    if call.status != Call.Status.ANNOUNCED or announcement is None:
        return [_("Only announced results can become final.")]
    if now < announcement.objections_close_at:
        problems.append(
            _("The objection period runs until %(time)s.")
            % {"time": timezone.localtime(announcement.objections_close_at).strftime("%Y-%m-%d %H:%M")}
        )
    open_count = Objection.objects.filter(call=call, status=OS.OPEN).count()
    if open_count:
        problems.append(
            ngettext(
                "%(count)s objection still needs an answer.", "%(count)s objections still need an answer.", open_count
            )
            % {"count": open_count}
        )
    return problems


@transaction.atomic
def call_make_final(*, call: Call, by=None, now=None) -> Call:
    """Announced → final, once the objection period has passed and every objection is
    resolved. Then the awards are created and every applicant told the outcome. `by`
    is None when the beat does it."""
    now = now or timezone.now()
    if by is not None:
        require(can_manage_call(by, call), _("Only programme officers of this call's funder can finalise its results."))
    call = lock_call(call=call)
    # The one writer of the final state; it runs `finalisation_problems` (registered in
    # ReviewConfig.ready()) and refuses while any remains.
    call = call_finalise(call=call, by=by, now=now)
    Announcement.objects.filter(call=call).update(finalised_at=now)
    applications_award_final(call=call, by=by)
    for handler in RESULTS_FINAL_HANDLERS:
        handler(call=call, by=by)
    _notify_outcomes(call)
    return call


# What higher apps do in the same transaction when a call's results become final; awards
# registers the making of the awards (AwardsConfig.ready()), so no final call is without them.
RESULTS_FINAL_HANDLERS: list[Callable[..., object]] = []


def on_results_final(handler: Callable[..., object]) -> Callable[..., object]:
    if handler not in RESULTS_FINAL_HANDLERS:
        RESULTS_FINAL_HANDLERS.append(handler)
    return handler


def _notify_outcomes(call: Call) -> None:
    proposal = AwardProposal.objects.filter(call=call).first()
    if proposal is None:
        return
    lines = {line.application_id: line for line in proposal.lines.all()}
    for application_id, users in _members_of(list(lines)).items():
        line = lines[application_id]
        notify(
            template="review_results_final",
            recipients=users,
            context={
                **email_values("call_title", call, "title"),
                "funded": line.funded,
                "amount": str(line.amount),
                "currency": call.currency,
                "path": site_path("review:feedback", pk=application_id),
            },
            key=f"review-results-final:{call.pk}:{application_id}",
        )


def finalise_due_calls(*, now=None) -> list[int]:
    """Make final every announced call whose objection period has passed with no open
    objection. Run by the beat; safe to run any number of times."""
    now = now or timezone.now()
    finalised = []
    due = Announcement.objects.filter(
        call__status=Call.Status.ANNOUNCED, objections_close_at__lte=now, finalised_at__isnull=True
    ).values_list("call_id", flat=True)
    for call in Call.objects.filter(pk__in=list(due)):
        try:
            call_make_final(call=call, now=now)
        except ValidationError:
            continue
        finalised.append(call.pk)
    return finalised
