"""Officers' pages for a call's rounds and its live defence, in the Wagtail admin (issue 17):
the rounds (settings, transitions, shortlist and ties, the combined ranking), the defence
panel and schedule, and the session page that runs the day. The room's projection page
and the members' scoring pages are plain views (grants/review/defence_views.py).

Each page finds its call through `selectors.review_call_for_officer` and changes state only
through services; a refusal comes back as a message.
"""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core.audit import events_for
from grants.review import defence_selectors, permissions, selectors
from grants.review.models import DefenceSlot, ReviewRound, ShortlistEntry
from grants.review.rounds import parse_rubric, rubric_text
from grants.review.services import defence as defence_services
from grants.review.services import ranking as ranking_services
from grants.review.services import rounds as round_services


def _call(request, pk):
    call = selectors.review_call_for_officer(request.user, pk)
    if not permissions.can_view_review_progress(request.user, call):
        raise PermissionDenied
    return call


def _managed_call(request, pk):
    call = _call(request, pk)
    if not permissions.can_manage_panel(request.user, call):
        raise PermissionDenied(_("Only programme officers of this call's funder can do this."))
    return call


def _run(request, action, success: str):
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True if result is None else result


class RoundForm(forms.ModelForm):
    rubric_text = forms.CharField(
        label=gettext_lazy("Rubric (defence)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "rounds-rubric"}),
        help_text=gettext_lazy(
            "One criterion a line: code | weight | maximum | 中文 | English; its score descriptors indented "
            "under it: from score | 中文 | English."
        ),
    )

    class Meta:
        model = ReviewRound
        fields = [
            "weight",
            "shortlist_rule",
            "shortlist_size",
            "shortlist_threshold",
            "slot_minutes",
            "include_late_scores",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != ReviewRound.Kind.DEFENCE:
            del self.fields["rubric_text"]
            del self.fields["slot_minutes"]
            del self.fields["include_late_scores"]
        else:
            self.fields["rubric_text"].initial = rubric_text(self.instance.rubric)

    def clean_rubric_text(self):
        text = self.cleaned_data.get("rubric_text", "")
        try:
            return parse_rubric(text)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["rubric"]) from None


class TieForm(forms.Form):
    goes_on = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("1", gettext_lazy("Goes on")), ("0", gettext_lazy("Does not go on"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2_000, widget=forms.Textarea(attrs={"rows": 2}))


class MemberForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=gettext_lazy("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = User.objects.filter(
            panel_memberships__panel__call=call, is_active=True
        ).order_by("email")


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("First presentation starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2_000)


# --- Rounds ------------------------------------------------------------------------------------


def _rounds_context(request, call, **extra) -> dict:
    rounds = defence_selectors.rounds_summary(call)
    basis = getattr(getattr(call, "panel", None), "ranking_basis", "normalised")
    forms_by_round = extra.pop("forms", {})
    rows = []
    for view in rounds:
        round_ = view.round
        rows.append(
            {
                "view": view,
                "form": forms_by_round.get(view.pk)
                or (RoundForm(instance=round_, prefix=f"r{round_.pk}") if round_ else None),
                "shortlist": list(defence_selectors.shortlist_of(round_)) if round_ else [],
                "next": sorted(round_services.TRANSITIONS.get(view.status, ())) if round_ else [],
            }
        )
    return {
        "call": call,
        "rows": rows,
        "can_manage": permissions.can_manage_panel(request.user, call),
        "has_defence": any(view.kind == ReviewRound.Kind.DEFENCE for view in rounds),
        "ranking": defence_selectors.combined_ranking(call, basis),
        "round_views": [view for view in rounds if view.round is not None],
        "basis": basis,
        "tie_form": TieForm(),
        "problems": round_services.proposal_problems(call=call),
        "Outcome": ShortlistEntry.Outcome,
        **extra,
    }


@require_GET
def rounds(request, pk):
    call = _call(request, pk)
    return TemplateResponse(request, "review/admin/rounds.html", _rounds_context(request, call))


@require_POST
def round_add_defence(request, pk):
    call = _managed_call(request, pk)
    _run(request, lambda: round_services.round_add_defence(call=call, by=request.user), _("Live defence added."))
    return redirect("review_admin_rounds", pk=call.pk)


@require_POST
def round_edit(request, pk, round_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.round_of_call(call, round_pk)
    form = RoundForm(request.POST, instance=ReviewRound.objects.get(pk=round_.pk), prefix=f"r{round_.pk}")
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data}
        if "rubric_text" in form.cleaned_data:
            values["rubric"] = form.cleaned_data["rubric_text"]
        round_.refresh_from_db()
        if _run(
            request,
            lambda: round_services.round_update(round_=round_, by=request.user, **values),
            _("Round saved."),
        ):
            return redirect("review_admin_rounds", pk=call.pk)
    return TemplateResponse(
        request, "review/admin/rounds.html", _rounds_context(request, call, forms={round_.pk: form})
    )


TRANSITION_SERVICES = {
    ReviewRound.Status.SCORING: (round_services.round_start_scoring, gettext_lazy("The round is taking scores.")),
    ReviewRound.Status.CLOSED: (round_services.round_close, gettext_lazy("Round closed; its shortlist is drawn.")),
    ReviewRound.Status.SHORTLIST_CONFIRMED: (
        round_services.round_confirm_shortlist,
        gettext_lazy("Shortlist confirmed."),
    ),
}


@require_POST
def round_transition(request, pk, round_pk, target):
    call = _managed_call(request, pk)
    round_ = defence_selectors.round_of_call(call, round_pk)
    if target not in TRANSITION_SERVICES:
        raise PermissionDenied
    service, success = TRANSITION_SERVICES[target]
    _run(request, lambda: service(round_=round_, by=request.user), str(success))
    return redirect("review_admin_rounds", pk=call.pk)


@require_POST
def tie_decide(request, pk, round_pk, entry_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.round_of_call(call, round_pk)
    entry = defence_selectors.entry_of_round(round_, entry_pk)
    form = TieForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: round_services.shortlist_decide(
                entry=entry, by=request.user, goes_on=form.cleaned_data["goes_on"], reason=form.cleaned_data["reason"]
            ),
            _("Decision recorded."),
        )
    else:
        messages.error(request, _("Choose in or out and give the reason."))
    return redirect("review_admin_rounds", pk=call.pk)


@require_POST
def combined_recalculate(request, pk):
    call = _managed_call(request, pk)
    _run(request, lambda: ranking_services.aggregate_call(call=call), _("Combined ranking recalculated."))
    return redirect("review_admin_rounds", pk=call.pk)


# --- Live defence: panel and schedule --------------------------------------------------------


def _defence_context(request, call, round_, **extra) -> dict:
    return {
        "call": call,
        "round": round_,
        "can_manage": permissions.can_manage_panel(request.user, call),
        "members": defence_selectors.members_of_round(round_),
        "slots": defence_selectors.slots_of(round_),
        "member_form": extra.pop("member_form", None) or MemberForm(call=call),
        "schedule_form": extra.pop("schedule_form", None) or ScheduleForm(),
        **extra,
    }


@require_GET
def defence(request, pk, round_pk):
    call = _call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    return TemplateResponse(request, "review/admin/defence.html", _defence_context(request, call, round_))


@require_POST
def defence_member_add(request, pk, round_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    form = MemberForm(request.POST, call=call)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        if _run(
            request,
            lambda: defence_services.member_add(round_=round_, by=request.user, reviewer=reviewer),
            _("Member added."),
        ):
            return redirect("review_admin_defence", pk=call.pk, round_pk=round_.pk)
    return TemplateResponse(
        request, "review/admin/defence.html", _defence_context(request, call, round_, member_form=form)
    )


@require_POST
def defence_member_presence(request, pk, round_pk, member_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    member = defence_selectors.member_of_round(round_, member_pk)
    present = request.POST.get("present") == "1"
    _run(
        request,
        lambda: defence_services.member_set_presence(member=member, by=request.user, present=present),
        _("Marked present.") if present else _("Marked absent."),
    )
    target = "review_admin_session" if request.POST.get("next") == "session" else "review_admin_defence"
    return redirect(target, pk=call.pk, round_pk=round_.pk)


@require_POST
def defence_schedule(request, pk, round_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        starts_at = form.cleaned_data["starts_at"]
        if isinstance(starts_at, datetime) and timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if _run(
            request,
            lambda: defence_services.slots_schedule(round_=round_, by=request.user, starts_at=starts_at),
            _("Presentations scheduled."),
        ):
            return redirect("review_admin_defence", pk=call.pk, round_pk=round_.pk)
    return TemplateResponse(
        request, "review/admin/defence.html", _defence_context(request, call, round_, schedule_form=form)
    )


@require_POST
def defence_notify(request, pk, round_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    _run(
        request,
        lambda: defence_services.slots_notify(round_=round_, by=request.user),
        _("The applicants have been emailed their slots."),
    )
    return redirect("review_admin_defence", pk=call.pk, round_pk=round_.pk)


# --- Live defence: the session on the day ------------------------------------------------------


@require_GET
def session(request, pk, round_pk):
    call = _call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    current = next((b for b in defence_selectors.boards(round_) if b.slot.state == DefenceSlot.State.PRESENTING), None)
    return TemplateResponse(
        request,
        "review/admin/session.html",
        {
            "call": call,
            "round": round_,
            "can_manage": permissions.can_manage_panel(request.user, call),
            "boards": defence_selectors.boards(round_),
            "current": current,
            "members": defence_selectors.members_of_round(round_),
            "reason_form": ReasonForm(),
            "events": events_for(call)[:10],
            "State": DefenceSlot.State,
        },
    )


@require_POST
def session_step(request, pk, round_pk, step):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    if step == "next":
        _run(request, lambda: defence_services.session_next(round_=round_, by=request.user), "")
    elif step == "previous":
        _run(request, lambda: defence_services.session_previous(round_=round_, by=request.user), "")
    else:
        raise PermissionDenied
    return redirect("review_admin_session", pk=call.pk, round_pk=round_.pk)


@require_POST
def session_slot(request, pk, round_pk, slot_pk, target):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    slot = defence_selectors.slot_of_round(round_, slot_pk)
    if target not in DefenceSlot.State.values:
        raise PermissionDenied
    _run(request, lambda: defence_services.slot_move(slot=slot, by=request.user, target=target), "")
    return redirect("review_admin_session", pk=call.pk, round_pk=round_.pk)


@require_POST
def score_reopen(request, pk, round_pk, score_pk):
    call = _managed_call(request, pk)
    round_ = defence_selectors.defence_round_of_call(call, round_pk)
    score = defence_selectors.score_of_round(round_, score_pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    _run(
        request,
        lambda: defence_services.score_reopen(score=score, by=request.user, reason=reason),
        _("Score reopened for the member to change."),
    )
    return redirect("review_admin_session", pk=call.pk, round_pk=round_.pk)
