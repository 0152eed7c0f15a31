"""The live defence's plain pages (issue 17): a panel member's scoring on a phone, the
room's projection screen and its live fragment, and the applicant's slot, which its
members confirm or decline.

The scoring page works on a weak connection: `static/review/defence_score.js` keeps an
unsent score in the phone's localStorage and posts it again when the connection returns;
the post carries the client's token, so a score sent twice is stored once.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grants.review import defence_selectors, permissions
from grants.review.models import DefenceScore, DefenceSlot, ReviewRound
from grants.review.rounds import defence_criteria
from grants.review.services import defence as defence_services
from grants.review.views import _reviewer_only


@_reviewer_only
@require_GET
def seats(request):
    return render(request, "review/defence_seats.html", {"seats": defence_selectors.seats_of(request.user)})


@_reviewer_only
@require_GET
def round_for_member(request, round_pk):
    member = defence_selectors.seat_of(request.user, round_pk)
    boards = defence_selectors.boards(member.round)
    own = {s.slot_id: s for b in boards for s in b.scores if s.reviewer_id == request.user.pk}
    return render(
        request,
        "review/defence_round.html",
        {
            "member": member,
            "round": member.round,
            "rows": [{"slot": b.slot, "score": own.get(b.slot.pk)} for b in boards],
        },
    )


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@_reviewer_only
@require_http_methods(["GET", "POST"])
def score(request, round_pk, slot_pk):
    member = defence_selectors.seat_of(request.user, round_pk)
    slot = defence_selectors.slot_for_member(member, slot_pk)
    round_ = member.round
    errors = {}
    if request.method == "POST":
        values = {c.code: request.POST.get(f"score_{c.code}", "") for c in defence_criteria(round_)}
        try:
            stored = defence_services.score_submit(
                slot=slot, by=request.user, scores=values, client_token=request.POST.get("client_token", "")
            )
        except ValidationError as error:
            if _wants_json(request):
                return JsonResponse({"ok": False, "errors": error.messages}, status=400)
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        except PermissionDenied as error:
            if _wants_json(request):
                return JsonResponse({"ok": False, "errors": [str(error)]}, status=403)
            raise
        else:
            if _wants_json(request):
                return JsonResponse({"ok": True, "total": stored.total, "late": stored.late})
            messages.success(request, _("Your score is in."))
            return redirect("review:defence_score", round_pk=round_.pk, slot_pk=slot.pk)
    own = defence_selectors.own_score(request.user, slot)
    conflicted = defence_services.has_conflict(reviewer_id=request.user.pk, application_id=slot.application_id)
    can_score = (
        member.present
        and not conflicted
        and round_.status == ReviewRound.Status.SCORING
        and slot.state in (DefenceSlot.State.PRESENTING, DefenceSlot.State.CLOSED)
        and (own is None or own.status == DefenceScore.Status.REOPENED)
    )
    previous_values = own.scores if own else {}
    criteria = [
        {
            "criterion": c,
            "levels": c.reader_levels(),
            "options": range(c.max_score + 1),
            "value": str(request.POST.get(f"score_{c.code}", previous_values.get(c.code, ""))),
            "errors": errors.get(c.code, []),
        }
        for c in defence_criteria(round_)
    ]
    slots = defence_selectors.slot_order(round_)
    index = next((i for i, s in enumerate(slots) if s.pk == slot.pk), 0)
    return render(
        request,
        "review/defence_score.html",
        {
            "round": round_,
            "slot": slot,
            "own": own,
            "can_score": can_score,
            "conflicted": conflicted,
            "member": member,
            "criteria": criteria,
            "errors": errors.get("__all__", []),
            "client_token": uuid.uuid4().hex,
            "previous_slot": slots[index - 1] if index > 0 else None,
            "next_slot": slots[index + 1] if index + 1 < len(slots) else None,
            "show_identity": permissions.can_see_identity(request.user, round_.call),
        },
    )


def _screen_round(request, round_pk) -> ReviewRound:
    round_ = get_object_or_404(
        ReviewRound.objects.select_related("call__funder"), pk=round_pk, kind=ReviewRound.Kind.DEFENCE
    )
    if not permissions.can_view_review_progress(request.user, round_.call):
        raise PermissionDenied(_("Only the call's officers can open the projection screen."))
    return round_


@login_required
@require_GET
def screen(request, round_pk):
    round_ = _screen_round(request, round_pk)
    return render(request, "review/defence_screen.html", {"round": round_, "boards": defence_selectors.boards(round_)})


@login_required
@require_GET
def screen_live(request, round_pk):
    round_ = _screen_round(request, round_pk)
    return render(
        request,
        "review/partials/defence_screen_rows.html",
        {"round": round_, "boards": defence_selectors.boards(round_)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def applicant_slot(request, pk):
    slot = defence_selectors.slot_for_applicant(request.user, pk)
    if request.method == "POST":
        confirm = request.POST.get("answer") == "confirm"
        try:
            defence_services.slot_respond(slot=slot, by=request.user, confirm=confirm)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Thank you: your presentation is confirmed.")
                if confirm
                else _("You have declined the presentation."),
            )
        return redirect("review:defence_slot", pk=slot.pk)
    return render(
        request,
        "review/defence_slot.html",
        {"slot": slot, "can_respond": defence_services.can_respond(user=request.user, slot=slot)},
    )
