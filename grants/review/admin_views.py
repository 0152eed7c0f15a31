"""Officers' review pages in the Wagtail admin: the panel, assignments, progress and
reminders, reviews, ranking, the award proposal, publishing and objections.

Each page finds its call through `selectors.review_call_for_officer` (another funder's
call is a 404) and changes state only through services; a refused change comes back
as a message and nothing typed is lost on the page that shows a form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core import charts
from core.audit import events_for
from core.pagination import paginate
from grants.calls.models import Call
from grants.review import chart_selectors, permissions, selectors
from grants.review.forms import (
    AnswerForm,
    AssignmentAddForm,
    AssignmentReplaceForm,
    DescriptorLevelFormSet,
    InvitationForm,
    LineOverrideForm,
    PanelSettingsForm,
    ProposalForm,
    ReasonForm,
)
from grants.review.models import Announcement, RankingBasis, ScoreDescriptor
from grants.review.services import announcements as announcement_services
from grants.review.services import assignments as assignment_services
from grants.review.services import decisions as decision_services
from grants.review.services import descriptors as descriptor_services
from grants.review.services import panels as panel_services
from grants.review.services import ranking as ranking_services
from grants.review.services import reviews as review_services
from incubator.models import ServiceCategory

# Rows per page of every list here that grows with the call (issue 15); the award proposal
# alone shows all its lines (see `proposal`).
PAGE_SIZE = 50


def _flash(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _call(request, pk) -> Call:
    call = selectors.review_call_for_officer(request.user, pk)
    if not permissions.can_view_review_progress(request.user, call):
        raise PermissionDenied
    return call


def _managed_call(request, pk) -> Call:
    call = _call(request, pk)
    if not permissions.can_manage_panel(request.user, call):
        raise PermissionDenied(_("Only programme officers of this call's funder can do this."))
    return call


def _run(request, action, success: str) -> bool:
    try:
        result = action()
    except ValidationError as error:
        _flash(request, error)
        return False
    if success:
        messages.success(request, success)
    return result if result is not None else True


# --- Charts (issue 14) ---------------------------------------------------------------------------


def _progress_charts(call, totals: dict) -> list:
    """`totals`: the call's progress_totals, which the page shows too."""
    return [
        charts.progress_chart(
            title=_("Reviews submitted"),
            description=_("How many of the reviews due in this call the reviewers have submitted."),
            done=totals["done"],
            total=totals["due"],
            done_label=_("Submitted"),
        ),
        charts.grouped_bar_chart(
            title=_("Reviews per reviewer"),
            description=_("For each reviewer, the reviews assigned and the reviews submitted."),
            series=[_("Assigned"), _("Submitted")],
            groups=[
                (progress.reviewer.email, [progress.assigned, progress.submitted])
                for progress in selectors.progress_by_reviewer(call)
            ],
        ),
    ]


def _application_spread_chart(call):
    return charts.spread_chart(
        title=_("Score spread per application"),
        description=_(
            "For each application, the lowest and highest review total, the middle half of the totals, "
            "the median and each review as a dot, on the 0–100 scale."
        ),
        rows=chart_selectors.spread_by_application(chart_selectors.review_totals(call)),
    )


def _reviewer_charts(call) -> list:
    totals = chart_selectors.review_totals(call)
    return [
        charts.spread_chart(
            title=_("Score spread per reviewer"),
            description=_("For each reviewer, the spread of the totals they gave, on the 0–100 scale."),
            rows=chart_selectors.spread_by_reviewer(totals),
        ),
        charts.bar_chart(
            title=_("Harsh or lenient: each reviewer against the other reviewers"),
            description=_(
                "For each reviewer, how many points their totals lie on average below (harsh) or above "
                "(lenient) the mean total of the same applications."
            ),
            items=chart_selectors.reviewer_deviation(totals),
            value_label=_("Points from the application mean"),
        ),
    ]


# --- Overview and panel -----------------------------------------------------------------------


@require_GET
def index(request):
    return TemplateResponse(
        request,
        "review/admin/index.html",
        {"calls": paginate(request, selectors.review_calls_for_officer(request.user), PAGE_SIZE)},
    )


def _panel_context(request, call, **extra) -> dict:
    panel = call.panel
    return {
        "call": call,
        "panel": panel,
        "can_manage": permissions.can_manage_panel(request.user, call),
        "progress": selectors.reviewer_progress_page(
            paginate(request, selectors.reviewer_progress_rows(call), PAGE_SIZE)
        ),
        "totals": selectors.progress_totals(call),
        "invitations": selectors.open_invitations(call),
        "invite_form": InvitationForm(),
        "settings_form": PanelSettingsForm(
            initial={
                "review_deadline": timezone.localtime(panel.review_deadline) if panel.review_deadline else None,
                "disagreement_threshold": panel.disagreement_threshold,
                "ranking_basis": panel.ranking_basis,
            }
        ),
        **extra,
    }


@require_GET
def call_panel(request, pk):
    call = _call(request, pk)
    return TemplateResponse(request, "review/admin/panel.html", _panel_context(request, call))


@require_POST
def panel_settings(request, pk):
    call = _managed_call(request, pk)
    form = PanelSettingsForm(request.POST)
    if form.is_valid():
        ok = _run(
            request,
            lambda: panel_services.panel_update(panel=call.panel, by=request.user, **form.cleaned_data),
            _("Panel settings saved."),
        )
        if ok:
            return redirect("review_admin_call", pk=call.pk)
    return TemplateResponse(
        request, "review/admin/panel.html", _panel_context(request, call, settings_form=form), status=200
    )


@require_POST
def invite(request, pk):
    call = _managed_call(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        ok = _run(
            request,
            lambda: panel_services.invitation_create(panel=call.panel, email=email, by=request.user),
            _("Invitation sent to %(email)s.") % {"email": email},
        )
        if ok:
            return redirect("review_admin_call", pk=call.pk)
    return TemplateResponse(
        request, "review/admin/panel.html", _panel_context(request, call, invite_form=form), status=200
    )


@require_POST
def invitation_revoke(request, pk, invitation_pk):
    call = _managed_call(request, pk)
    invitation = selectors.invitation_of_panel(call, invitation_pk)
    _run(
        request,
        lambda: panel_services.invitation_revoke(invitation=invitation, by=request.user),
        _("Invitation withdrawn."),
    )
    return redirect("review_admin_call", pk=call.pk)


@require_POST
def member_remove(request, pk, member_pk):
    call = _managed_call(request, pk)
    member = selectors.member_of_panel(call, member_pk)
    _run(
        request,
        lambda: panel_services.member_remove(member=member, by=request.user),
        _("Reviewer removed from the panel."),
    )
    return redirect("review_admin_call", pk=call.pk)


@require_POST
def start_review(request, pk):
    call = _managed_call(request, pk)
    _run(request, lambda: assignment_services.review_start(call=call, by=request.user), _("The review has started."))
    return redirect("review_admin_call", pk=call.pk)


@require_POST
def assign(request, pk):
    call = _managed_call(request, pk)
    outcome = _run(request, lambda: assignment_services.assign_reviewers(call=call, by=request.user), "")
    if outcome:
        low, high = outcome.target_load
        messages.success(
            request,
            _(
                "%(created)s new assignments (%(kept)s kept). Loads %(low)s–%(high)s per reviewer; "
                "%(matches)s pairs match the reviewer's expertise."
            )
            % {
                "created": outcome.created,
                "kept": outcome.kept,
                "low": low,
                "high": high,
                "matches": outcome.expertise_matches,
            },
        )
        if not outcome.balanced:
            messages.warning(request, _("Conflicts or load limits made a perfectly even spread impossible."))
    return redirect("review_admin_assignments", pk=call.pk)


@require_POST
def remind(request, pk):
    call = _managed_call(request, pk)
    sent = _run(request, lambda: assignment_services.send_reminders(call=call, by=request.user), "")
    if sent is not False:
        count = 0 if sent is True else sent
        messages.success(
            request,
            ngettext("Reminder sent to %(count)s reviewer.", "Reminders sent to %(count)s reviewers.", count)
            % {"count": count},
        )
    return redirect("review_admin_call", pk=call.pk)


# --- Assignments --------------------------------------------------------------------------------


@require_GET
def assignments(request, pk):
    call = _call(request, pk)
    reviewers = selectors.reviewer_choices(call)
    totals = selectors.progress_totals(call)
    return TemplateResponse(
        request,
        "review/admin/assignments.html",
        {
            "call": call,
            "applications": paginate(request, selectors.assignments_by_application(call), PAGE_SIZE),
            "totals": totals,
            "can_manage": permissions.can_manage_panel(request.user, call) and call.status == Call.Status.IN_REVIEW,
            "reviewers": list(reviewers),
            "charts": _progress_charts(call, totals),
        },
    )


def _warn(request, warnings) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@require_POST
def assignment_add(request, pk):
    call = _managed_call(request, pk)
    form = AssignmentAddForm(request.POST, reviewers=selectors.reviewer_choices(call))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer."))
        return redirect("review_admin_assignments", pk=call.pk)
    application = selectors.application_of_call(call, form.cleaned_data["application"])
    result = _run(
        request,
        lambda: assignment_services.assignment_add(
            application=application, reviewer=form.cleaned_data["reviewer"], by=request.user
        ),
        _("Reviewer added."),
    )
    if result and result is not True:
        _warn(request, result[1])
    return redirect("review_admin_assignments", pk=call.pk)


@require_POST
def assignment_replace(request, pk, assignment_pk):
    call = _managed_call(request, pk)
    assignment = selectors.assignment_of_call(call, assignment_pk)
    form = AssignmentReplaceForm(request.POST, reviewers=selectors.reviewer_choices(call))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer."))
        return redirect("review_admin_assignments", pk=call.pk)
    result = _run(
        request,
        lambda: assignment_services.assignment_replace(
            assignment=assignment, reviewer=form.cleaned_data["reviewer"], by=request.user
        ),
        _("Reviewer replaced."),
    )
    if result and result is not True:
        _warn(request, result[1])
    return redirect("review_admin_assignments", pk=call.pk)


# --- Reviews ------------------------------------------------------------------------------------


@require_GET
def reviews(request, pk):
    call = _call(request, pk)
    return TemplateResponse(
        request,
        "review/admin/reviews.html",
        {
            "call": call,
            "reviews": paginate(request, selectors.reviews_of_call(call), PAGE_SIZE),
            "charts": _reviewer_charts(call),
        },
    )


@require_GET
def review_detail(request, pk, review_pk):
    call = _call(request, pk)
    review = selectors.review_of_call(call, review_pk)
    rows = [
        {"criterion": c, "score": review.scores.get(c.code), "comment": review.criterion_comments.get(c.code, "")}
        for c in call.criteria
    ]
    return TemplateResponse(
        request,
        "review/admin/review_detail.html",
        {
            "call": call,
            "review": review,
            "rows": rows,
            "events": events_for(review),
            "form": ReasonForm(),
            "can_reopen": permissions.can_reopen_review(request.user, review),
        },
    )


@require_POST
def review_reopen(request, pk, review_pk):
    call = _managed_call(request, pk)
    review = selectors.review_of_call(call, review_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason; the reviewer will see it."))
    else:
        _run(
            request,
            lambda: review_services.review_reopen(review=review, by=request.user, reason=form.cleaned_data["reason"]),
            _("The review is open again; the reviewer has been told."),
        )
    return redirect("review_admin_review", pk=call.pk, review_pk=review.pk)


# --- Ranking and proposal -----------------------------------------------------------------------


@require_GET
def ranking(request, pk):
    call = _call(request, pk)
    basis = request.GET.get("by") or call.panel.ranking_basis
    if basis not in RankingBasis.values:
        basis = RankingBasis.NORMALISED
    # Paged like the other lists (?by= is kept): the rank column is the call-wide rank, the
    # spread chart reads every application, and funding is decided on the proposal page.
    rows = paginate(request, selectors.ranking(call, basis), PAGE_SIZE)
    return TemplateResponse(
        request,
        "review/admin/ranking.html",
        {
            "call": call,
            "rows": rows,
            "basis": basis,
            "bases": RankingBasis.choices,
            "can_manage": permissions.can_manage_panel(request.user, call),
            "charts": [_application_spread_chart(call)],
        },
    )


@require_POST
def aggregate(request, pk):
    call = _managed_call(request, pk)
    count = ranking_services.aggregate_call(call=call)
    messages.success(
        request,
        ngettext(
            "Scores recalculated for %(count)s application.", "Scores recalculated for %(count)s applications.", count
        )
        % {"count": count},
    )
    return redirect("review_admin_ranking", pk=call.pk)


def _proposal_form(call, data=None):
    categories = call.eligible_categories.all()
    if not categories.exists():
        categories = ServiceCategory.objects.all()
    return ProposalForm(data, categories=categories, initial={"basis": call.panel.ranking_basis})


@require_GET
def proposal(request, pk):
    # Not paged: the officer decides on the proposal as a whole (where the funding line
    # falls, what a change to one line does to the total), so every line is shown; its
    # queries do not grow with the lines (selectors.proposal_lines joins what they show).
    call = _call(request, pk)
    current = selectors.proposal_of(call)
    lines = list(selectors.proposal_lines(current)) if current else []
    return TemplateResponse(
        request,
        "review/admin/proposal.html",
        {
            "call": call,
            "proposal": current,
            "lines": lines,
            "funded_total": sum(line.amount for line in lines if line.funded),
            "problems": decision_services.decision_problems(proposal=current)
            if current and not current.is_decided
            else [],
            "form": _proposal_form(call),
            "override_form": LineOverrideForm(),
            "can_decide": permissions.can_decide_awards(request.user, call),
            "can_publish": permissions.can_publish_results(request.user, call),
            "decision": selectors.decision_of(call, current),
        },
    )


@require_POST
def propose(request, pk):
    call = _managed_call(request, pk)
    form = _proposal_form(call, request.POST)
    if form.is_valid():
        ok = _run(
            request,
            lambda: decision_services.proposal_create(
                call=call, by=request.user, basis=form.cleaned_data["basis"], quotas=form.quotas()
            ),
            _("Award proposal computed."),
        )
        if ok:
            return redirect("review_admin_proposal", pk=call.pk)
    current = selectors.proposal_of(call)
    lines = list(selectors.proposal_lines(current)) if current else []
    return TemplateResponse(
        request,
        "review/admin/proposal.html",
        {
            "call": call,
            "proposal": current,
            "lines": lines,
            "funded_total": sum(line.amount for line in lines if line.funded),
            "problems": [],
            "form": form,
            "override_form": LineOverrideForm(),
            "can_decide": permissions.can_decide_awards(request.user, call),
            "can_publish": permissions.can_publish_results(request.user, call),
            "decision": selectors.decision_of(call, current),
        },
        status=200,
    )


@require_POST
def line_override(request, pk, line_pk):
    call = _managed_call(request, pk)
    line = selectors.line_of_call(call, line_pk)
    form = LineOverrideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        _run(
            request,
            lambda: decision_services.line_override(
                line=line,
                by=request.user,
                funded=form.cleaned_data["funded"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            ),
            _("Line changed."),
        )
    return redirect("review_admin_proposal", pk=call.pk)


@require_POST
def decide(request, pk):
    call = _managed_call(request, pk)
    current = selectors.proposal_of(call)
    if current is None:
        messages.error(request, _("Compute the award proposal first."))
    else:
        _run(
            request,
            lambda: decision_services.proposal_decide(proposal=current, by=request.user),
            _("Awards decided; the applications are recommended or not recommended."),
        )
    return redirect("review_admin_proposal", pk=call.pk)


@require_POST
def publish(request, pk):
    call = _managed_call(request, pk)
    _run(
        request,
        lambda: announcement_services.results_publish(call=call, by=request.user),
        _("Results published; the objection period is open."),
    )
    return redirect("review_admin_objections", pk=call.pk)


# --- Objections ---------------------------------------------------------------------------------


@require_GET
def objections(request, pk):
    call = _call(request, pk)
    return TemplateResponse(
        request,
        "review/admin/objections.html",
        {
            "call": call,
            "announcement": Announcement.objects.filter(call=call).first(),
            "objections": paginate(request, selectors.objections_of_call(call), PAGE_SIZE),
            "form": AnswerForm(),
            "can_manage": permissions.can_manage_panel(request.user, call),
            "problems": announcement_services.finalisation_problems(call=call, now=timezone.now())
            if call.status == Call.Status.ANNOUNCED
            else [],
        },
    )


@require_POST
def objection_resolve(request, pk, objection_pk):
    call = _managed_call(request, pk)
    objection = selectors.objection_of_call(call, objection_pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer; the objector will receive it."))
    else:
        _run(
            request,
            lambda: announcement_services.objection_resolve(
                objection=objection, by=request.user, answer=form.cleaned_data["answer"]
            ),
            _("Answer sent; the objection is resolved."),
        )
    return redirect("review_admin_objections", pk=call.pk)


@require_POST
def finalise(request, pk):
    call = _managed_call(request, pk)
    _run(
        request,
        lambda: announcement_services.call_make_final(call=call, by=request.user),
        _("The results are final; awards are being created and the applicants told."),
    )
    return redirect("review_admin_objections", pk=call.pk)


# --- Score descriptors (issue 14) ---------------------------------------------------------------


def _descriptor_formsets(call, data=None, posted: str = "") -> list[dict]:
    """One formset of levels per criterion of the call's rubric; only the posted criterion's is bound."""
    own: dict[str, list[dict]] = {}
    for descriptor in ScoreDescriptor.objects.filter(call=call):
        own.setdefault(descriptor.criterion_code, []).append(
            {"min_score": descriptor.min_score, "text_zh": descriptor.text_zh, "text_en": descriptor.text_en}
        )
    return [
        {
            "criterion": criterion,
            "formset": DescriptorLevelFormSet(
                data if criterion.code == posted else None,
                initial=own.get(criterion.code, []),
                prefix=f"levels-{criterion.code}",
            ),
        }
        for criterion in call.criteria
    ]


def score_descriptors(request, pk):
    call = _managed_call(request, pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    posted = request.POST.get("criterion", "") if request.method == "POST" else ""
    groups = _descriptor_formsets(call, request.POST if request.method == "POST" else None, posted)
    status = 200
    if request.method == "POST":
        group = next((g for g in groups if g["criterion"].code == posted), None)
        if group is None:
            messages.error(request, _("Choose a criterion of this call's rubric."))
            status = 400
        elif group["formset"].is_valid():
            saved = _run(
                request,
                lambda: descriptor_services.score_descriptors_save(
                    call=call, criterion_code=posted, levels=group["formset"].levels(), by=request.user
                ),
                _("Score levels saved for %(criterion)s.") % {"criterion": group["criterion"].label},
            )
            if saved is not False:
                return redirect("review_admin_descriptors", pk=call.pk)
            status = 400
        else:
            status = 400
    return TemplateResponse(
        request, "review/admin/descriptors.html", {"call": call, "groups": groups, "posted": posted}, status=status
    )
