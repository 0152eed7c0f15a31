"""Three-party evaluation pages outside the back office, under /<lang>/grants/awards/evaluation/:

- residents: the survey (no account) at feedback/<token>/;
- the evaluated NGO: its cases (visit schedule, confirming a time, the printable QR poster and,
  once published, its result);
- evaluators (invited, MFA): their cases, conflict declaration, visits, notes, evidence and marks.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.mfa import mfa_setup_redirect, user_has_mfa
from core import invitations
from core.private_files import download_name, serve_private_file
from grants.awards.evaluation import feedback, permissions, selectors, services
from grants.awards.evaluation.forms import (
    ConfirmVisitForm,
    DeclareForm,
    MarksForm,
    ProposeVisitForm,
    RecordVisitForm,
    SurveyForm,
    VisitEvidenceForm,
)
from grants.awards.evaluation.models import Part, SiteVisit

INVITATION_SESSION_KEY = "evaluator_invitation_token"


def _errors(error) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error)])


def _add_errors(form, error) -> None:
    for message in _errors(error):
        form.add_error(None, message)


# --- Residents ----------------------------------------------------------------------------


def _questions(case):
    return list(case.scheme.criteria.filter(part=Part.BENEFICIARIES))


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_form(request, token):
    """The survey. Works without an account; see `feedback` for the guards."""
    case = selectors.case_by_token(token)
    questions = _questions(case)
    closed = not case.feedback_open or case.is_published
    if request.method == "GET":
        if feedback.device_answered(request, case):
            return render(request, "awards/evaluation/feedback_thanks.html", {"case": case, "again": True})
        form = SurveyForm(questions=questions, initial={"shown": feedback.shown_token()})
        return render(request, "awards/evaluation/feedback_form.html", {"case": case, "form": form, "closed": closed})
    form = SurveyForm(request.POST, questions=questions)
    refusal = None
    limited = False
    if closed:
        refusal = _("This survey is closed. Thank you.")
    elif request.POST.get("website"):
        refusal = _("Your answers could not be sent.")
    elif feedback.too_fast_or_forged(request.POST.get("shown", "")):
        refusal = _("Please take a moment to read the questions, then send your answers again.")
    elif feedback.device_answered(request, case):
        return render(request, "awards/evaluation/feedback_thanks.html", {"case": case, "again": True})
    elif feedback.address_exhausted(request, case) or feedback.link_exhausted(case):
        refusal = _("Many answers came from here in a short time. Please try again later.")
        limited = True
    if refusal is None and form.is_valid():
        try:
            services.feedback_submit(
                case=case,
                answers=form.answers(),
                comment=form.cleaned_data.get("comment", ""),
                language=get_language() or "",
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            feedback.count_address(request, case)
            response = redirect("awards:feedback_thanks", token=token)
            feedback.mark_device(response, case)
            return response
    elif refusal is not None:
        form.is_valid()
        form.add_error(None, refusal)
    # A fresh "shown at" so a person who corrects the form is not refused for the old one.
    data = request.POST.copy()
    data["shown"] = feedback.shown_token()
    form.data = data
    status = 429 if limited else 400
    return render(
        request, "awards/evaluation/feedback_form.html", {"case": case, "form": form, "closed": closed}, status=status
    )


@require_GET
def feedback_thanks(request, token):
    case = selectors.case_by_token(token)
    return render(request, "awards/evaluation/feedback_thanks.html", {"case": case})


# --- The evaluated NGO ------------------------------------------------------------------------


def _feedback_url(request, case) -> str:
    return request.build_absolute_uri(reverse("awards:feedback", kwargs={"token": case.feedback_token}))


@login_required
@require_GET
def case_detail(request, pk):
    case = selectors.case_for(request.user, pk, check=permissions.can_view_case)
    user = request.user
    visits = list(case.visits.all())
    return render(
        request,
        "awards/evaluation/case_detail.html",
        {
            "case": case,
            "visits": visits,
            "confirm_forms": {
                v.pk: ConfirmVisitForm(visit=v) for v in visits if permissions.can_confirm_visit(user, v)
            },
            "can_view_result": permissions.can_view_result(user, case),
            "can_print_poster": permissions.can_print_poster(user, case),
            "feedback_url": _feedback_url(request, case),
            "summary": selectors.feedback_summary(case),
            "response_count": case.responses.count(),
            "is_member": permissions.is_organisation_member(user, case),
        },
    )


@login_required
@require_POST
def visit_confirm(request, pk, visit_pk):
    case = selectors.case_for(request.user, pk, check=permissions.can_view_case)
    visit = next((v for v in case.visits.all() if v.pk == visit_pk), None)
    if visit is None or not permissions.can_confirm_visit(request.user, visit):
        raise PermissionDenied(_("Only a member of the organisation can confirm a proposed visit."))
    form = ConfirmVisitForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            services.visit_confirm(visit=visit, slot=form.cleaned_data["slot"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("The visit is confirmed. The evaluator has been told."))
    else:
        messages.error(request, _("Choose one of the proposed times."))
    return redirect("awards:case_detail", pk=case.pk)


@login_required
@require_GET
def feedback_poster(request, pk):
    """A printable A4 poster in both languages with the survey's QR code (SVG made on the server)."""
    case = selectors.case_for(request.user, pk, check=permissions.can_print_poster)
    url = _feedback_url(request, case)
    return render(
        request,
        "awards/evaluation/feedback_poster.html",
        {"case": case, "feedback_url": url, "qr_svg": feedback.qr_svg(url)},
    )


# --- Evaluators ---------------------------------------------------------------------------


def evaluator_page(view):
    """Evaluators only, with a passed second factor (the Evaluator role requires MFA)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_evaluator(request.user):
            raise PermissionDenied(_("Only evaluators can open this page."))
        second_factor = mfa_setup_redirect(request, next_url=request.get_full_path())
        if second_factor is not None:
            return second_factor
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@evaluator_page
@require_GET
def evaluator_home(request):
    cases = selectors.cases_for_evaluator(request.user).order_by("status", "-created_at")
    return render(request, "awards/evaluation/evaluator_home.html", {"cases": cases})


def _evaluator_case(request, pk):
    return selectors.case_for(request.user, pk, check=permissions.is_evaluator_of)


def _evaluator_context(request, case, **forms):
    user = request.user
    cleared = permissions.is_cleared_evaluator(user, case)
    criteria = list(case.scheme.criteria.filter(part=Part.THIRD_PARTY))
    visits = list(case.visits.all())
    return {
        "case": case,
        "declaration": permissions.declaration_of(user, case),
        "cleared": cleared,
        "declare_form": forms.get("declare_form") or DeclareForm(),
        "propose_form": forms.get("propose_form") or ProposeVisitForm(),
        "visits": visits,
        "record_forms": {
            v.pk: (forms.get("record_form") if forms.get("record_visit") == v.pk else None)
            or RecordVisitForm(initial={"notes": v.notes})
            for v in visits
            if permissions.can_record_visit(user, v)
        },
        "evidence_form": VisitEvidenceForm(),
        "marks_form": forms.get("marks_form") or MarksForm(criteria=criteria),
        "can_propose": permissions.can_propose_visit(user, case),
        "can_declare": permissions.can_declare_conflict(user, case),
        "can_mark": permissions.can_assess(user, case, Part.THIRD_PARTY),
        "has_recorded_visit": any(v.status == SiteVisit.Status.RECORDED for v in visits),
        "assessment": next((a for a in case.assessments.all() if a.part == Part.THIRD_PARTY), None),
    }


@evaluator_page
@require_GET
def evaluator_case(request, pk):
    case = _evaluator_case(request, pk)
    return render(request, "awards/evaluation/evaluator_case.html", _evaluator_context(request, case))


def _evaluator_post(request, pk, action):
    case = _evaluator_case(request, pk)
    try:
        message, forms = action(case)
    except PermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    if message:
        messages.success(request, message)
        return redirect("awards:evaluator_case", pk=case.pk)
    case = _evaluator_case(request, pk)
    return render(
        request, "awards/evaluation/evaluator_case.html", _evaluator_context(request, case, **forms), status=400
    )


@evaluator_page
@require_POST
def evaluator_declare(request, pk):
    def action(case):
        form = DeclareForm(request.POST)
        if form.is_valid():
            try:
                declaration = services.conflict_declare(case=case, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if declaration.has_conflict:
                    return _("Your conflict is recorded. You will not evaluate this project."), {}
                return _("Thank you. You can now plan the site visit."), {}
        return None, {"declare_form": form}

    return _evaluator_post(request, pk, action)


@evaluator_page
@require_POST
def evaluator_propose(request, pk):
    def action(case):
        form = ProposeVisitForm(request.POST)
        if form.is_valid():
            try:
                services.visit_propose(
                    case=case, by=request.user, slots=form.slots(), place=form.cleaned_data.get("place", "")
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _("The times are proposed. The organisation will confirm one."), {}
        return None, {"propose_form": form}

    return _evaluator_post(request, pk, action)


@evaluator_page
@require_POST
def evaluator_record(request, pk, visit_pk):
    def action(case):
        visit = next((v for v in case.visits.all() if v.pk == visit_pk), None)
        if visit is None:
            raise PermissionDenied(_("This visit is not part of this evaluation."))
        form = RecordVisitForm(request.POST)
        if form.is_valid():
            try:
                services.visit_record(visit=visit, by=request.user, notes=form.cleaned_data["notes"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _("The visit notes are saved."), {}
        return None, {"record_form": form, "record_visit": visit.pk}

    return _evaluator_post(request, pk, action)


@evaluator_page
@require_POST
def evaluator_evidence(request, pk, visit_pk):
    case = _evaluator_case(request, pk)
    visit = next((v for v in case.visits.all() if v.pk == visit_pk), None)
    if visit is None:
        raise PermissionDenied(_("This visit is not part of this evaluation."))
    form = VisitEvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo or a document to upload."))
    else:
        try:
            services.visit_evidence_add(
                visit=visit, by=request.user, upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("The evidence is attached to the visit."))
    return redirect("awards:evaluator_case", pk=case.pk)


@evaluator_page
@require_POST
def evaluator_marks(request, pk):
    def action(case):
        form = MarksForm(request.POST, criteria=case.scheme.criteria.filter(part=Part.THIRD_PARTY))
        if form.is_valid():
            try:
                services.assessment_submit(
                    case=case,
                    part=Part.THIRD_PARTY,
                    by=request.user,
                    marks=form.marks(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _("Your marks are submitted. The funder publishes the result."), {}
        return None, {"marks_form": form}

    return _evaluator_post(request, pk, action)


@login_required
@require_GET
def visit_evidence_file(request, pk):
    """Visit evidence: the case's cleared evaluators and its manager (private file)."""
    evidence = selectors.visit_evidence_for(request.user, pk)
    if permissions.is_evaluator(request.user):
        second_factor = mfa_setup_redirect(request, next_url=request.get_full_path())
        if second_factor is not None:
            return second_factor
    return serve_private_file(
        evidence.file,
        filename=download_name(evidence.original_name, evidence.file.name),
        content_type=evidence.content_type,
        as_attachment=not evidence.content_type.startswith("image/"),
        cache_control="private, max-age=3600",
    )


@require_http_methods(["GET", "POST"])
def evaluator_invitation(request, token):
    """Works signed in or not: a visitor signs in or signs up with the invited address; joining
    needs a second factor first (evaluators use MFA)."""
    user = request.user
    try:
        invitation = services.invitation_from_token(token=token)
    except invitations.InvalidInvitation as error:
        return render(request, "awards/evaluation/invitation_accept.html", {"error": error.messages[0]})
    if not user.is_authenticated:
        invitations.keep_pending(request, session_key=INVITATION_SESSION_KEY, token=token)
        return render(request, "awards/evaluation/invitation_accept.html", {"invitation": invitation, "token": token})
    if not invitations.addressed_to(invitation, user):
        return render(
            request,
            "awards/evaluation/invitation_accept.html",
            {"invitation": invitation, "error": invitations.wrong_address_message(invitation)},
        )
    second_factor = mfa_setup_redirect(request, next_url=request.get_full_path())
    if second_factor is not None:
        if not user_has_mfa(user):
            messages.info(request, _("Evaluators sign in with a second factor. Set up an authenticator app now."))
        return second_factor
    if request.method == "POST":
        try:
            services.evaluator_invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            return render(
                request,
                "awards/evaluation/invitation_accept.html",
                {"invitation": invitation, "error": error.messages[0]},
            )
        invitations.forget_pending(request, session_key=INVITATION_SESSION_KEY)
        messages.success(
            request, _("Welcome. You evaluate for %(organisation)s.") % {"organisation": invitation.organisation.name}
        )
        return redirect("awards:evaluator_home")
    return render(request, "awards/evaluation/invitation_accept.html", {"invitation": invitation, "token": token})
