"""The officers' back office for awards in the Wagtail admin: awards and amendments, the
reports queue with accept/return, the evaluation form and the funder-rating aggregates.

Every object is found through a scoped selector (another funder's award or report is
a 404) and every change goes through a service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_finance_officer, is_programme_officer
from core.audit import events_for
from core.pagination import paginate
from core.staff_pages import staff_page
from grants.awards import permissions, selectors, services
from grants.awards.evaluation.forms import MarksForm
from grants.awards.forms import BudgetRevisionForm, DecisionForm, ExtensionForm
from grants.awards.models import Award, MilestoneReport
from grants.awards.views import serve_evidence

PAGE_SIZE = 50


def _is_grants_staff(user) -> bool:
    return is_programme_officer(user) or is_finance_officer(user)


# Every page here: grants staff only; an award, report or file outside the officer's
# funders, or an id that does not exist, gets the same 403 page, so nothing leaks.
grants_staff_page = staff_page(
    _is_grants_staff,
    gettext_lazy("Only programme and finance officers can see grants."),
    not_found_message=gettext_lazy("This is not an award of your funders, or it does not exist."),
)


def _errors(error) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error)])


@grants_staff_page
@require_GET
def award_list(request):
    status = request.GET.get("status", "")
    if status not in Award.Status.values:
        status = ""
    page = paginate(request, selectors.officer_award_list(request.user, status=status), PAGE_SIZE)
    return TemplateResponse(
        request,
        "awards/admin/award_list.html",
        {"page": page, "status": status, "statuses": Award.Status.choices},
    )


def _award_context(request, award, **forms):
    return {
        "award": award,
        "milestones": award.milestones.all(),
        "tranches": award.tranches.all(),
        "payable": set(selectors.tranches_payable().filter(award=award).values_list("pk", flat=True)),
        "evaluation": getattr(award, "evaluation_case", None),
        "history": events_for(award),
        "can_amend": permissions.can_amend_award(request.user, award),
        "can_evaluate": permissions.can_evaluate_award(request.user, award),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "budget_form": forms.get("budget_form") or BudgetRevisionForm(award=award),
        "payments": selectors.payments_for_award(award),
    }


@grants_staff_page
@require_GET
def award_detail(request, pk):
    award = selectors.award_for_officer(request.user, pk)
    return TemplateResponse(request, "awards/admin/award_detail.html", _award_context(request, award))


@grants_staff_page
@require_POST
def award_extend(request, pk):
    award = selectors.award_for_officer(request.user, pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.amend_extension(award=award, by=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The no-cost extension is recorded."))
            return redirect("awards_admin_detail", pk=award.pk)
    award = selectors.award_for_officer(request.user, pk)
    return TemplateResponse(
        request, "awards/admin/award_detail.html", _award_context(request, award, extension_form=form), status=400
    )


@grants_staff_page
@require_POST
def award_budget(request, pk):
    award = selectors.award_for_officer(request.user, pk)
    form = BudgetRevisionForm(request.POST, award=award)
    if form.is_valid():
        try:
            services.amend_budget(
                award=award, by=request.user, amounts=form.amounts(), reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The budget revision is recorded."))
            return redirect("awards_admin_detail", pk=award.pk)
    award = selectors.award_for_officer(request.user, pk)
    return TemplateResponse(
        request, "awards/admin/award_detail.html", _award_context(request, award, budget_form=form), status=400
    )


@grants_staff_page
@require_http_methods(["GET", "POST"])
def award_evaluate(request, pk):
    """The funder's (purchaser's) marks on the scheme's criteria; the evaluation is published at
    once when nothing else is awaited, otherwise from the evaluation's page."""
    award = selectors.award_for_officer(request.user, pk)
    case = services.evaluation_case(award=award)
    form = MarksForm(request.POST or None, criteria=case.scheme.criteria.filter(part="purchaser"))
    if request.method == "POST":
        if not permissions.can_evaluate_award(request.user, award):
            raise PermissionDenied(_("This grant cannot be evaluated by you now."))
        if form.is_valid():
            try:
                case = services.evaluation_record(
                    award=award, by=request.user, marks=form.marks(), comment=form.cleaned_data["comment"]
                )
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                if case.is_published:
                    message = _("Evaluation of %(reference)s recorded: %(score)s, %(grade)s.") % {
                        "reference": award.reference,
                        "score": case.score,
                        "grade": case.get_grade_display(),
                    }
                    if case.passed:
                        message += " " + _("The final tranche can now be paid.")
                    else:
                        message += " " + _("The grade does not pass: the final tranche is kept back.")
                    messages.success(request, message)
                    return redirect("awards_admin_detail", pk=award.pk)
                messages.success(
                    request,
                    _(
                        "The funder's marks for %(reference)s are recorded. Publish the evaluation once the third party's marks are in."
                    )
                    % {"reference": award.reference},
                )
                return redirect("awards_admin_evaluation_case", pk=case.pk)
    return TemplateResponse(
        request,
        "awards/admin/evaluation_form.html",
        {
            "award": award,
            "case": case,
            "form": form,
            "scheme": case.scheme,
            "can_evaluate": permissions.can_evaluate_award(request.user, award)
            and not case.assessments.filter(part="purchaser").exists(),
            "final_report": next((m for m in award.milestones.all() if m.kind == "final"), None),
        },
    )


@grants_staff_page
@require_GET
def report_queue(request):
    status = request.GET.get("status", "")
    if status not in MilestoneReport.Status.values:
        status = ""
    page = paginate(request, selectors.report_queue(request.user, status=status), PAGE_SIZE)
    return TemplateResponse(
        request,
        "awards/admin/report_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": [choice for choice in MilestoneReport.Status.choices if choice[0] != "draft"],
        },
    )


def _report_context(request, report, form=None):
    award = selectors.award_for_officer(request.user, report.milestone.award_id)
    return {
        "report": report,
        "award": award,
        "milestone": report.milestone,
        "detail": selectors.report_detail(report, award),
        "form": form or DecisionForm(),
        "can_decide": permissions.can_decide_report(request.user, report),
        "history": events_for(report),
    }


@grants_staff_page
@require_GET
def report_detail(request, pk):
    report = selectors.report_for_officer(request.user, pk)
    return TemplateResponse(request, "awards/admin/report_detail.html", _report_context(request, report))


def _decide(request, pk, action, success):
    """`success` is a message with %(milestone)s, %(reference)s and %(organisation)s."""
    report = selectors.report_for_officer(request.user, pk)
    if not permissions.can_decide_report(request.user, report):
        if report.status != MilestoneReport.Status.SUBMITTED:
            messages.error(
                request,
                _("This report is “%(status)s”; only a submitted report can be accepted or returned.")
                % {"status": report.get_status_display()},
            )
            return redirect("awards_admin_report", pk=report.pk)
        raise PermissionDenied(_("Only a programme officer of the funder can accept or return reports."))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            action(report=report, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            for message in _errors(error):
                form.add_error("comment" if "comment" in getattr(error, "error_dict", {}) else None, message)
        else:
            award = report.milestone.award
            messages.success(
                request,
                success
                % {
                    "milestone": report.milestone.title,
                    "reference": award.reference,
                    "organisation": award.application.organisation.name,
                },
            )
            return redirect("awards_admin_reports")
    return TemplateResponse(
        request, "awards/admin/report_detail.html", _report_context(request, report, form), status=400
    )


@grants_staff_page
@require_POST
def report_accept(request, pk):
    return _decide(request, pk, services.report_accept, _("%(milestone)s of %(reference)s accepted."))


@grants_staff_page
@require_POST
def report_return(request, pk):
    return _decide(
        request, pk, services.report_return, _("%(milestone)s of %(reference)s returned to %(organisation)s.")
    )


@grants_staff_page
@require_GET
def evidence_file(request, pk):
    evidence = selectors.evidence_for_officer(request.user, pk)
    return serve_evidence(evidence, thumbnail=request.GET.get("size") == "thumb")


@grants_staff_page
@require_GET
def funder_ratings(request):
    return TemplateResponse(
        request,
        "awards/admin/funder_ratings.html",
        {"rows": selectors.funder_rating_summaries(request.user), "minimum": selectors.MIN_RATINGS_SHOWN},
    )
