"""The NGO portal for grants: agreements, milestone reports, payments, evaluation and rating the funder.

Every page looks the award up through `selectors.*_for_member`, so a user who is not a
member of the organisation gets 404 (never 403: outsiders cannot learn which ids exist).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import charts
from core.private_files import download_name, serve_private_file
from grants.awards import permissions, selectors, services
from grants.awards.forms import EvidenceForm, FunderRatingForm, ReportForm
from grants.awards.models import Award, AwardMilestone, MilestoneReport


def _report_of(milestone) -> MilestoneReport | None:
    return getattr(milestone, "report", None)


@login_required
@require_GET
def award_list(request):
    awards = selectors.awards_for_member(request.user).order_by("-created_at", "-id")
    return render(request, "awards/award_list.html", {"awards": awards})


@login_required
@require_GET
def award_detail(request, pk):
    award = selectors.award_for_member(request.user, pk, plan=False)
    today = timezone.localdate()
    milestones = []
    for milestone in award.milestones.all():
        report = _report_of(milestone)
        outstanding = report is None or report.status in (MilestoneReport.Status.DRAFT, MilestoneReport.Status.RETURNED)
        milestones.append(
            {
                "milestone": milestone,
                "report": report,
                "overdue": award.status == award.Status.ACTIVE and outstanding and milestone.due_date < today,
                "days_left": (milestone.due_date - today).days,
                "can_edit": permissions.can_edit_report(request.user, milestone),
            }
        )
    payments = selectors.payments_for_award(award)
    payable = set(selectors.tranches_payable().filter(award=award).values_list("pk", flat=True))
    tranche_rows = [
        {
            "tranche": tranche,
            "payable": tranche.pk in payable,
            "payments": [p for p in payments or [] if getattr(p, "tranche_id", None) == tranche.pk],
        }
        for tranche in award.tranches.all()
    ]
    return render(
        request,
        "awards/award_detail.html",
        {
            "award": award,
            "milestones": milestones,
            "tranche_rows": tranche_rows,
            "ledger_available": payments is not None,
            "evaluation": services.evaluation_case(award=award) if award.status != Award.Status.OFFERED else None,
            "can_accept": permissions.can_accept_agreement(request.user, award),
            "can_rate": permissions.can_rate_funder(request.user, award),
            "rated": hasattr(award, "funder_rating"),
            "kpi_chart": charts.kpi_chart(
                title=_("Results against targets"),
                description=_("Each indicator of the grant: its target and the best figure an accepted report gives."),
                rows=selectors.kpi_results(award),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk):
    award = selectors.award_for_member(request.user, pk)
    can_accept = permissions.can_accept_agreement(request.user, award)
    if request.method == "POST":
        try:
            services.agreement_accept(award=award, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You cannot accept this agreement."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Agreement accepted for %(reference)s. The first tranche can now be paid.")
                % {"reference": award.reference},
            )
            return redirect("awards:award_detail", pk=award.pk)
        return redirect("awards:agreement", pk=award.pk)
    return render(
        request,
        "awards/agreement.html",
        {
            "award": award,
            "tranches": award.tranches.all(),
            "milestones": award.milestones.all(),
            "can_accept": can_accept,
        },
    )


def _report_context(request, award, milestone, form, evidence_form=None, problems=None):
    report = _report_of(milestone)
    detail = selectors.report_detail(report, award)
    return {
        "award": award,
        "milestone": milestone,
        "report": report,
        "detail": detail,
        "form": form,
        "evidence_form": evidence_form or EvidenceForm(),
        "can_edit": permissions.can_edit_report(request.user, milestone),
        "can_submit": report is not None and permissions.can_submit_report(request.user, report),
        "problems": problems if problems is not None else (services.report_problems(report=report) if report else []),
    }


def _milestone(request, pk, milestone_pk) -> AwardMilestone:
    milestone = selectors.milestone_for_member(request.user, award_pk=pk, pk=milestone_pk)
    return milestone


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk, milestone_pk):
    award = selectors.award_for_member(request.user, pk)
    milestone = next((m for m in award.milestones.all() if m.pk == milestone_pk), None)
    if milestone is None:
        raise Http404
    report = _report_of(milestone)
    if request.method == "POST":
        if not permissions.can_edit_report(request.user, milestone):
            messages.error(request, _("This report cannot be changed now."))
            return redirect("awards:report_edit", pk=award.pk, milestone_pk=milestone.pk)
        form = ReportForm(request.POST, award=award)
        if form.is_valid():
            try:
                report = services.report_save(
                    milestone=milestone, by=request.user, data=form.to_data(), version=form.cleaned_data.get("version")
                )
            except services.StaleReport:
                form.add_error(
                    None,
                    _(
                        "Someone saved this report after you opened it. Your text is still below; "
                        "copy what you need, reload the page and save again."
                    ),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Report saved."))
                return redirect("awards:report_edit", pk=award.pk, milestone_pk=milestone.pk)
        return render(request, "awards/report_form.html", _report_context(request, award, milestone, form), status=200)
    detail = selectors.report_detail(report, award)
    form = ReportForm(initial=ReportForm.initial_for(report, detail), award=award)
    return render(request, "awards/report_form.html", _report_context(request, award, milestone, form))


@login_required
@require_POST
def report_submit(request, pk, milestone_pk):
    milestone = _milestone(request, pk, milestone_pk)
    report = _report_of(milestone)
    if report is None:
        messages.error(request, _("Save the report before submitting it."))
        return redirect("awards:report_edit", pk=pk, milestone_pk=milestone.pk)
    try:
        services.report_submit(report=report, by=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Report submitted: %(milestone)s of %(reference)s. The programme officer will review it.")
            % {"milestone": milestone.title, "reference": milestone.award.reference},
        )
        return redirect("awards:award_detail", pk=pk)
    return redirect("awards:report_edit", pk=pk, milestone_pk=milestone.pk)


@login_required
@require_POST
def evidence_upload(request, pk, milestone_pk):
    award = selectors.award_for_member(request.user, pk)
    milestone = next((m for m in award.milestones.all() if m.pk == milestone_pk), None)
    if milestone is None:
        raise Http404
    evidence_form = EvidenceForm(request.POST, request.FILES)
    if evidence_form.is_valid():
        try:
            report = _report_of(milestone)
            if report is None:
                report = services.report_save(
                    milestone=milestone,
                    by=request.user,
                    data=services.ReportData(narrative="", kpi_actuals={}, spending={}),
                )
            services.evidence_add(
                report=report,
                by=request.user,
                upload=evidence_form.cleaned_data["file"],
                caption=evidence_form.cleaned_data["caption"],
            )
        except ValidationError as error:
            for message in error.messages:
                evidence_form.add_error("file", message)
        except PermissionDenied as error:
            evidence_form.add_error(None, str(error))
        else:
            messages.success(request, _("File added to the report."))
            return redirect("awards:report_edit", pk=award.pk, milestone_pk=milestone.pk)
    milestone = selectors.milestone_for_member(request.user, award_pk=pk, pk=milestone_pk)
    report = _report_of(milestone)
    detail = selectors.report_detail(report, award)
    form = ReportForm(initial=ReportForm.initial_for(report, detail), award=award)
    return render(request, "awards/report_form.html", _report_context(request, award, milestone, form, evidence_form))


@login_required
@require_POST
def evidence_delete(request, pk, milestone_pk, evidence_pk):
    milestone = _milestone(request, pk, milestone_pk)
    evidence = selectors.evidence_for_member(request.user, evidence_pk)
    if evidence.report.milestone_id != milestone.pk:
        raise Http404
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("File removed from the report."))
    return redirect("awards:report_edit", pk=pk, milestone_pk=milestone.pk)


def serve_evidence(evidence, *, thumbnail: bool):
    field = evidence.thumbnail if thumbnail and evidence.thumbnail else evidence.file
    content_type = "image/jpeg" if field is evidence.thumbnail else evidence.content_type
    return serve_private_file(
        field,
        filename=download_name(evidence.original_name, field.name),
        content_type=content_type,
        as_attachment=evidence.kind == evidence.Kind.FILE,
        cache_control="private, max-age=3600",
    )


@login_required
@require_GET
def evidence_file(request, pk, milestone_pk, evidence_pk):
    milestone = _milestone(request, pk, milestone_pk)
    evidence = selectors.evidence_for_member(request.user, evidence_pk)
    if evidence.report.milestone_id != milestone.pk:
        raise Http404
    return serve_evidence(evidence, thumbnail=request.GET.get("size") == "thumb")


@login_required
@require_http_methods(["GET", "POST"])
def rate_funder(request, pk):
    award = selectors.award_for_member(request.user, pk)
    can_rate = permissions.can_rate_funder(request.user, award)
    form = FunderRatingForm(request.POST or None)
    if request.method == "POST":
        if not can_rate:
            messages.error(request, _("Only an owner or admin can rate the funder, once per grant."))
            return redirect("awards:award_detail", pk=award.pk)
        if form.is_valid():
            try:
                services.funder_rating_record(award=award, by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("Thank you. Your rating is shown to staff only as an anonymous average."))
                return redirect("awards:award_detail", pk=award.pk)
    return render(request, "awards/rate_funder.html", {"award": award, "form": form, "can_rate": can_rate})
