"""Back-office workflow pages (Wagtail admin). Each action calls a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import charts
from core.pagination import paginate
from core.staff_pages import staff_page
from incubator import permissions, selectors
from incubator.forms import IncubateeDecisionForm, ReturnForm, SubsidyDecisionForm, VerifyForm
from incubator.history import history_of
from incubator.models import BankAccountChange, Incubatee, Organisation, Subsidy
from incubator.services import bank_accounts
from incubator.services import incubation as incubation_services
from incubator.services import organisations as organisation_services
from incubator.services import subsidies as subsidy_services
from incubator.services.common import local_today
from incubator.services.subsidies import cap_for, eligibility_problems
from incubator.views import _serve_document

PAGE_SIZE = 50  # rows per page of the queues here (issue 15)

officer_page = staff_page(permissions.can_manage_incubation, gettext_lazy("Only programme officers can use this page."))


def _admin_render(request, template, title, context, icon="group"):
    return render(request, template, {"page_title": title, "header_icon": icon, **context})


@officer_page
def verification_queue(request):
    status = request.GET.get("status") or Organisation.Status.SUBMITTED
    if status not in Organisation.Status.values:
        status = Organisation.Status.SUBMITTED
    return _admin_render(
        request,
        "incubator/admin/verification_queue.html",
        _("Verification queue"),
        {
            "organisations": paginate(request, selectors.verification_queue(status=status), PAGE_SIZE),
            "status": status,
            "statuses": Organisation.Status.choices,
        },
    )


@officer_page
def organisation_review(request, pk):
    organisation = selectors.organisation_for_staff(pk=pk)
    verify_form = VerifyForm(prefix="verify")
    return_form = ReturnForm(prefix="return")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                verify_form = VerifyForm(request.POST, prefix="verify")
                if verify_form.is_valid():
                    organisation_services.organisation_verify(
                        organisation=organisation, by=request.user, note=verify_form.cleaned_data["note"]
                    )
                    messages.success(request, _("“%(name)s” is verified.") % {"name": organisation.name})
                    return redirect("incubator_admin_queue")
            elif action == "return":
                return_form = ReturnForm(request.POST, prefix="return")
                if return_form.is_valid():
                    organisation_services.organisation_return(
                        organisation=organisation, by=request.user, reason=return_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, _("“%(name)s” is returned to the organisation.") % {"name": organisation.name}
                    )
                    return redirect("incubator_admin_queue")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return _admin_render(
        request,
        "incubator/admin/organisation_review.html",
        _("Review organisation"),
        {
            "organisation": organisation,
            "documents": selectors.documents_of(organisation=organisation),
            "members": selectors.memberships_of(organisation=organisation),
            "history": history_of(organisation, viewer_is_staff=True),
            "can_verify": permissions.can_verify_organisation(request.user, organisation),
            "verify_form": verify_form,
            "return_form": return_form,
        },
    )


@officer_page
def organisation_document(request, pk, document_pk):
    organisation = selectors.organisation_for_staff(pk=pk)
    return _serve_document(selectors.document_of(organisation=organisation, pk=document_pk))


@officer_page
def incubatee_decide(request, pk):
    incubatee = get_object_or_404(
        Incubatee.objects.select_related("organisation", "cohort", "cohort__programme"), pk=pk
    )
    form = IncubateeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, on, note = form.cleaned_data["action"], form.cleaned_data["on"], form.cleaned_data["note"]
        services = {
            "admit": lambda: incubation_services.incubatee_admit(
                incubatee=incubatee, by=request.user, on=on, note=note
            ),
            "decline": lambda: incubation_services.incubatee_decline(incubatee=incubatee, by=request.user, reason=note),
            "resident": lambda: incubation_services.incubatee_make_resident(
                incubatee=incubatee, by=request.user, on=on, note=note
            ),
            "graduate": lambda: incubation_services.incubatee_graduate(
                incubatee=incubatee, by=request.user, on=on, note=note
            ),
            "exit": lambda: incubation_services.incubatee_exit(
                incubatee=incubatee, by=request.user, reason=note, on=on
            ),
        }
        try:
            services[action]()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision recorded for “%(name)s”.") % {"name": incubatee.organisation.name})
            return redirect("incubator_admin_incubatee", pk=incubatee.pk)
    return _admin_render(
        request,
        "incubator/admin/incubatee_decide.html",
        _("Incubatee"),
        {
            "incubatee": incubatee,
            "form": form,
            "service_log": incubatee.service_log.select_related("recorded_by"),
            "checkpoints": incubatee.checkpoints.select_related("goal"),
            "transitions": incubation_services.TRANSITIONS.get(incubatee.status, ()),
            "receives_services": incubatee.status in incubation_services.RECEIVES_SERVICES,
            "holds_checkpoints": incubatee.status in incubation_services.HOLDS_CHECKPOINTS,
        },
        icon="user",
    )


@officer_page
def subsidy_decide(request, pk):
    subsidy = get_object_or_404(Subsidy.objects.select_related("organisation", "policy"), pk=pk)
    form = SubsidyDecisionForm(request.POST or None, initial={"amount": subsidy.amount_requested})
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "approve":
                amount = form.cleaned_data["amount"]
                if not amount:
                    raise ValidationError(_("Enter the amount to approve."))
                subsidy_services.subsidy_approve(
                    subsidy=subsidy, amount=amount, by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Subsidy approved."))
            else:
                subsidy_services.subsidy_reject(subsidy=subsidy, by=request.user, reason=form.cleaned_data["note"])
                messages.success(request, _("Subsidy rejected."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("incubator_subsidies:index")
    problems = []
    if subsidy.status == Subsidy.Status.REQUESTED:
        problems = eligibility_problems(
            organisation=subsidy.organisation,
            policy=subsidy.policy,
            year=subsidy.year,
            amount=subsidy.amount_requested,
            today=local_today(),
            posts=subsidy.posts,
            months=subsidy.months,
        )
    return _admin_render(
        request,
        "incubator/admin/subsidy_decide.html",
        _("Subsidy request"),
        {
            "subsidy": subsidy,
            "form": form,
            "problems": problems,
            "limit": _subsidy_limit(subsidy),
            "can_decide": permissions.can_decide_subsidy(request.user, subsidy),
        },
        icon="doc-full",
    )


def _subsidy_limit(subsidy):
    try:
        return cap_for(
            policy=subsidy.policy,
            organisation_id=subsidy.organisation_id,
            year=subsidy.year,
            posts=subsidy.posts,
            months=subsidy.months,
            subsidy_id=subsidy.pk,
        ).limit
    except ValidationError:
        return None


def _dashboard_charts(*, funnel, by_field, districts, targets) -> list:
    """The dashboard's charts (issue 14), drawn from the figures the page already read."""
    covered = sum(1 for row in districts if row["ngos"] or row["villages_served"])
    return [
        charts.funnel_chart(
            title=_("Incubation funnel"),
            description=_("All cohorts together: organisations that applied, were admitted and hatched (graduated)."),
            stages=[
                (_("Applied"), sum(cohort.applied for cohort in funnel)),
                (_("Admitted"), sum(cohort.admitted for cohort in funnel)),
                (_("Hatched (graduated)"), sum(cohort.hatched for cohort in funnel)),
            ],
        ),
        charts.progress_chart(
            title=_("Districts covered"),
            description=_(
                "The programme's districts with at least one verified NGO or one village or community served."
            ),
            done=covered,
            total=len(districts),
            done_label=_("Districts covered"),
        ),
        charts.kpi_chart(
            title=_("Targets: where we are"),
            description=_("Each target of the programme against today's figure."),
            rows=[
                (
                    f"{row['target']} · {row['target'].area.name if row['target'].area_id else _('All districts')}",
                    row["actual"],
                    row["target"].value,
                    "",
                )
                for row in targets
            ],
        ),
        charts.grouped_bar_chart(
            title=_("Villages and communities served per district"),
            description=_("For each district of the programme, its villages and communities and how many are served."),
            series=[_("Villages and communities"), _("Served")],
            groups=[(row["district"].name, [row["villages"], row["villages_served"]]) for row in districts],
        ),
        charts.bar_chart(
            title=_("Verified organisations by field type"),
            description=_("How many verified organisations work in each field."),
            items=by_field,
            value_label=_("Verified organisations"),
        ),
    ]


@officer_page
def dashboard(request):
    by_field = selectors.organisations_by_field_type()
    funnel = list(selectors.cohort_funnel())
    districts = selectors.district_figures()
    targets = selectors.target_progress()
    return _admin_render(
        request,
        "incubator/admin/dashboard.html",
        _("Incubator dashboard"),
        {
            "funnel": funnel,
            "districts": districts,
            "targets": targets,
            "charts": _dashboard_charts(funnel=funnel, by_field=by_field, districts=districts, targets=targets),
            "queue_count": selectors.verification_queue().count(),
            "payable": paginate(request, selectors.payable_subsidies(), PAGE_SIZE, param="payable_page"),
        },
        icon="view",
    )


ledger_staff_page = staff_page(
    permissions.can_decide_bank_change, gettext_lazy("Only programme and finance officers can use this page.")
)


@ledger_staff_page
def bank_changes(request):
    """Proposed bank-account changes of verified organisations: a second officer confirms or rejects."""
    changes = BankAccountChange.objects.select_related("organisation", "proposed_by", "decided_by")
    return _admin_render(
        request,
        "incubator/admin/bank_changes.html",
        _("Bank account changes"),
        {
            "pending": paginate(
                request,
                changes.filter(status=BankAccountChange.Status.PENDING).order_by("proposed_at", "pk"),
                PAGE_SIZE,
            ),
            "decided": paginate(
                request,
                changes.exclude(status=BankAccountChange.Status.PENDING).order_by("-proposed_at", "-pk"),
                PAGE_SIZE,
                param="decided_page",
            ),
        },
        icon="tasks",
    )


@ledger_staff_page
def bank_change_decide(request, pk):
    """POST only: confirm, reject (with a reason) or, for its proposer, cancel one pending change."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    change = get_object_or_404(BankAccountChange.objects.select_related("organisation"), pk=pk)
    action = request.POST.get("action")
    if action == "cancel":
        if change.proposed_by_id != request.user.pk:
            raise PermissionDenied(_("Only the officer who proposed this change can cancel it."))
    elif not permissions.can_decide_bank_change(request.user, change):
        raise PermissionDenied(_("You proposed this change, so another officer must confirm or reject it."))
    name = change.organisation.name
    try:
        if action == "confirm":
            bank_accounts.bank_change_confirm(change=change, by=request.user)
            messages.success(request, _("The new bank account of “%(name)s” is confirmed.") % {"name": name})
        elif action == "reject":
            bank_accounts.bank_change_reject(change=change, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The bank account change of “%(name)s” is rejected.") % {"name": name})
        elif action == "cancel":
            bank_accounts.bank_change_cancel(change=change, by=request.user)
            messages.success(request, _("The bank account change of “%(name)s” is cancelled.") % {"name": name})
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("incubator_admin_bank_changes")
