"""The back office of the three-party evaluation (Wagtail admin, grants staff, MFA):
evaluation organisations and their evaluators, contracting one for a call, the cases with
their parts, residents' feedback (aggregated) and visits, and publishing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import events_for
from core.pagination import paginate
from grants.awards.admin_views import grants_staff_page
from grants.awards.evaluation import permissions, selectors, services
from grants.awards.evaluation.forms import ContractForm, EvaluationOrganisationForm, InviteEvaluatorForm
from grants.awards.evaluation.models import EvaluationCase, EvaluationOrganisation
from grants.calls.models import Call
from grants.calls.permissions import officer_funder_ids

PAGE_SIZE = 50


def _errors(error) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error)])


@grants_staff_page
@require_GET
def case_list(request):
    status = request.GET.get("status", "")
    cases = selectors.cases_for_officer(request.user).order_by("status", "-created_at")
    if status in EvaluationCase.Status.values:
        cases = cases.filter(status=status)
    page = paginate(request, cases, PAGE_SIZE)
    return TemplateResponse(
        request,
        "awards/admin/evaluation/case_list.html",
        {"page": page, "status": status, "statuses": EvaluationCase.Status.choices},
    )


def _case(request, pk):
    case = selectors.cases_for_officer(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return selectors.case_for(request.user, pk, check=lambda user, c: True)


def _case_context(request, case, **extra):
    user = request.user
    return {
        "case": case,
        "visits": list(case.visits.all()),
        "assessments": list(case.assessments.all()),
        "summary": selectors.feedback_summary(case),
        "response_count": case.responses.count(),
        "problems": services.publish_problems(case=case) if case.status == EvaluationCase.Status.OPEN else [],
        "can_publish": permissions.can_publish(user, case),
        "can_engage": permissions.can_engage_third_party(user, case),
        "contract_form": extra.get("contract_form")
        or ContractForm(organisations=EvaluationOrganisation.objects.all(), initial={"organisation": case.third_party}),
        "history": events_for(case),
    }


@grants_staff_page
@require_GET
def case_detail(request, pk):
    case = _case(request, pk)
    return TemplateResponse(request, "awards/admin/evaluation/case_detail.html", _case_context(request, case))


@grants_staff_page
@require_POST
def case_publish(request, pk):
    case = _case(request, pk)
    if not permissions.can_publish(request.user, case):
        raise PermissionDenied(_("Only a programme officer of the funder can publish this evaluation."))
    try:
        case = services.case_publish(case=case, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The evaluation is published: %(score)s, %(grade)s. The organisation can see its result.")
            % {"score": case.score, "grade": case.get_grade_display()},
        )
    return redirect("awards_admin_evaluation_case", pk=case.pk)


@grants_staff_page
@require_POST
def case_engage(request, pk):
    case = _case(request, pk)
    if not permissions.can_engage_third_party(request.user, case):
        raise PermissionDenied(_("You cannot contract a third party for this evaluation."))
    form = ContractForm(request.POST, organisations=EvaluationOrganisation.objects.all())
    if form.is_valid():
        try:
            services.case_engage(case=case, organisation=form.cleaned_data["organisation"], by=request.user)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The evaluation organisation is contracted for this evaluation."))
    return redirect("awards_admin_evaluation_case", pk=case.pk)


@grants_staff_page
@require_http_methods(["GET", "POST"])
def organisation_list(request):
    form = EvaluationOrganisationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not permissions.can_create_evaluation_organisation(request.user):
            raise PermissionDenied(_("Only a programme officer can add an evaluation organisation."))
        if form.is_valid():
            try:
                organisation = services.organisation_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, _("%(name)s is added.") % {"name": organisation.name})
                return redirect("awards_admin_evaluation_organisations")
        status = 400
    funders = officer_funder_ids(request.user)
    calls = Call.objects.select_related("funder").order_by("-id")
    if not request.user.is_superuser:
        calls = calls.filter(funder_id__in=funders)
    return TemplateResponse(
        request,
        "awards/admin/evaluation/organisation_list.html",
        {
            "organisations": selectors.evaluation_organisations(),
            "form": form,
            "invite_form": InviteEvaluatorForm(),
            "calls": calls[:200],
            "can_create": permissions.can_create_evaluation_organisation(request.user),
        },
        status=status,
    )


@grants_staff_page
@require_POST
def organisation_invite(request, pk):
    organisation = EvaluationOrganisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not permissions.can_invite_evaluator(request.user, organisation):
        raise PermissionDenied(_("Only a programme officer can invite evaluators."))
    form = InviteEvaluatorForm(request.POST)
    if form.is_valid():
        try:
            services.evaluator_invite(organisation=organisation, email=form.cleaned_data["email"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            messages.success(request, _("The invitation is sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("awards_admin_evaluation_organisations")


@grants_staff_page
@require_POST
def call_contract(request):
    """Contract an evaluation organisation for a call (every award of the call)."""
    call = Call.objects.filter(pk=request.POST.get("call")).select_related("funder").first()
    organisation = EvaluationOrganisation.objects.filter(pk=request.POST.get("organisation")).first()
    if call is None or organisation is None:
        messages.error(request, _("Choose a call and an evaluation organisation."))
        return redirect("awards_admin_evaluation_organisations")
    if not permissions.can_contract_for_call(request.user, call):
        raise PermissionDenied(
            _("Only a programme officer of the call's funder can contract an evaluation organisation.")
        )
    services.engagement_contract(call=call, organisation=organisation, by=request.user)
    messages.success(
        request,
        _("%(organisation)s evaluates the grants of %(call)s.")
        % {"organisation": organisation.name, "call": call.title},
    )
    return redirect("awards_admin_evaluation_organisations")
