"""The finance back office in the Wagtail admin: payments queue (with bulk approval),
payment detail with its audit trail, what can be requested, bank batches, bank
confirmation imports, committed/paid/available figures and the ledger CSV.

Every page finds its objects through scoped selectors and changes state only through
services; permission checks are the ``permissions`` functions the templates use too.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import data_version
from core.audit import events_for
from core.pagination import paginate
from core.spreadsheet import SafeCsvWriter, xlsx_response
from core.staff_pages import refuse_with_403
from core.transitions import require
from grants.calls.selectors import funders_for_officer
from grants.payments import banking, permissions, selectors, services
from grants.payments.forms import ConfirmationUploadForm, MarkPaidForm, QueueFilterForm, ReasonForm
from grants.payments.models import Payment

PAGE_SIZE = 50  # rows per page of every list here (issue 15)


def _funder_options(user) -> list[tuple[int, str]]:
    """(pk, name) of the officer's funders for the queue's filter, kept under the data
    version: a query on every page of the queue before (issue 15)."""
    return data_version.per_user(
        "funder-options", user, compute=lambda: [(funder.pk, funder.name) for funder in funders_for_officer(user)]
    )


def _flash(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Queue ------------------------------------------------------------------------------------


@refuse_with_403
@require_http_methods(["GET", "POST"])
def queue(request):
    user = request.user
    require(permissions.can_view_ledger(user), _("Only programme and finance officers see the payments ledger."))
    if request.method == "POST":
        return _bulk_approve(request)

    form = QueueFilterForm(request.GET or None, funders=_funder_options(user))
    filters = form.cleaned_data if form.is_valid() else {}
    payments = paginate(
        request,
        selectors.payments_queue(
            user=user,
            status=filters.get("status", ""),
            rail=filters.get("rail", ""),
            kind=filters.get("kind", ""),
            funder=filters.get("funder", ""),
            search=filters.get("q", ""),
        ),
        PAGE_SIZE,
    )
    for payment in payments:
        payment.approvable = payment.status == Payment.Status.REQUESTED and permissions.can_approve_payment(
            user, payment
        )
    return TemplateResponse(
        request,
        "payments/admin/queue.html",
        {
            "form": form,
            "payments": payments,
            "can_approve": permissions.can_approve_payment(user),
            "query": request.GET.urlencode(),
        },
    )


def _bulk_approve(request):
    user = request.user
    require(permissions.can_approve_payment(user), _("Only finance officers approve payments."))
    ids = [int(value) for value in request.POST.getlist("payment") if value.isdigit()]
    payments = list(selectors.payments_for_user(user=user).filter(pk__in=ids))
    if not payments:
        messages.warning(request, _("Select the payments to approve."))
    approved, refused = services.payments_approve_bulk(payments=payments, by=user)
    if approved:
        messages.success(
            request,
            ngettext("Payment %(references)s approved.", "%(count)s payments approved: %(references)s.", len(approved))
            % {"count": len(approved), "references": ", ".join(payment.reference for payment in approved)},
        )
    for payment, reason in refused:
        messages.error(request, f"{payment.reference}: {reason}")
    return redirect(
        reverse("payments_admin_queue") + ("?" + request.POST["query"] if request.POST.get("query") else "")
    )


# --- One payment -----------------------------------------------------------------------------------


@refuse_with_403
@require_GET
def payment_detail(request, pk):
    user = request.user
    require(permissions.can_view_ledger(user), _("Only programme and finance officers see the payments ledger."))
    payment = selectors.payment_for_user(user=user, pk=pk)
    status = payment.status
    S = Payment.Status
    return TemplateResponse(
        request,
        "payments/admin/payment_detail.html",
        {
            "payment": payment,
            "events": events_for(payment),
            "can_request": status == S.SCHEDULED and permissions.can_request_payment(user, payment),
            "can_approve": status == S.REQUESTED and permissions.can_approve_payment(user, payment),
            "own_request": status == S.REQUESTED and payment.requested_by_id == user.pk,
            "can_mark_paid": status == S.SENT and permissions.can_release_payment(user, payment),
            "can_fail": status in (S.APPROVED, S.SENT) and permissions.can_release_payment(user, payment),
            "can_retry": status == S.FAILED and permissions.can_retry_payment(user, payment),
            "can_cancel": status in services.TRANSITIONS
            and S.CANCELLED in services.TRANSITIONS[status]
            and permissions.can_cancel_payment(user, payment),
            "reason_form": ReasonForm(),
            "paid_form": MarkPaidForm(initial={"paid_on": timezone.localdate()}),
        },
    )


@refuse_with_403
@require_POST
def payment_action(request, pk, action):
    user = request.user
    require(permissions.can_view_ledger(user), _("Only programme and finance officers see the payments ledger."))
    payment = selectors.payment_for_user(user=user, pk=pk)
    try:
        if action == "request":
            services.payment_request(payment=payment, by=user)
            done = _("Payment requested; finance has been told.")
        elif action == "approve":
            services.payment_approve(payment=payment, by=user)
            done = _("Payment approved.")
        elif action == "retry":
            services.payment_retry(payment=payment, by=user)
            done = _("Payment released again.")
        elif action in ("cancel", "fail"):
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give a reason."))
            if action == "cancel":
                services.payment_cancel(payment=payment, by=user, reason=form.cleaned_data["reason"])
                done = _("Payment cancelled.")
            else:
                services.payment_fail(payment=payment, by=user, reason=form.cleaned_data["reason"])
                done = _("Payment marked failed.")
        elif action == "mark-paid":
            form = MarkPaidForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the value date."))
            services.payment_mark_paid(
                payment=payment, by=user, paid_on=form.cleaned_data["paid_on"], note=form.cleaned_data["note"]
            )
            done = _("Payment marked paid.")
        else:
            raise Http404
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, done)
    return redirect("payments_admin_payment", pk=payment.pk)


# --- What can be requested ---------------------------------------------------------------------------


@refuse_with_403
@require_GET
def payable(request):
    user = request.user
    require(permissions.can_request_payment(user), _("Only programme officers request payments."))
    tranches, subsidies = selectors.payable_without_payment(user=user)
    return TemplateResponse(
        request,
        "payments/admin/payable.html",
        {
            "tranches": paginate(request, tranches, PAGE_SIZE),
            "subsidies": paginate(request, subsidies, PAGE_SIZE, param="subsidies_page"),
        },
    )


@refuse_with_403
@require_POST
def request_source(request, kind, pk):
    user = request.user
    require(permissions.can_request_payment(user), _("Only programme officers request payments."))
    tranches, subsidies = selectors.payable_without_payment(user=user)
    pool = {"tranche": tranches, "subsidy": subsidies}.get(kind)
    source = pool.filter(pk=pk).first() if pool is not None else None
    if source is None:
        raise Http404
    try:
        if kind == "tranche":
            payment = services.payment_request_tranche(tranche=source, by=user)
        else:
            payment = services.payment_request_subsidy(subsidy=source, by=user)
    except ValidationError as error:
        _flash(request, error)
        return redirect("payments_admin_payable")
    messages.success(request, _("Payment %(reference)s requested.") % {"reference": payment.reference})
    return redirect("payments_admin_payment", pk=payment.pk)


# --- Bank batches and confirmations ---------------------------------------------------------------------


@refuse_with_403
@require_http_methods(["GET", "POST"])
def batches(request):
    user = request.user
    require(permissions.can_release_payment(user), _("Only finance officers export bank batches."))
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("payment") if value.isdigit()]
        if not ids:
            # Nothing ticked means nothing to send: never "everything waiting".
            messages.error(request, _("Tick the payments to put into the batch."))
            return redirect("payments_admin_batches")
        batch, skipped = banking.bank_batch_create(by=user, payment_ids=ids)
        for payment, problem in skipped:
            messages.warning(request, f"{payment.reference}: {problem}")
        if batch is None:
            messages.error(request, _("No payment could go into a batch."))
            return redirect("payments_admin_batches")
        messages.success(
            request,
            ngettext(
                "Batch %(reference)s created with %(count)s payment; download it and key it into online banking.",
                "Batch %(reference)s created with %(count)s payments; download it and key it into online banking.",
                batch.payment_count,
            )
            % {"reference": batch.reference, "count": batch.payment_count},
        )
        return redirect("payments_admin_batches")
    return TemplateResponse(
        request,
        "payments/admin/batches.html",
        {
            "ready": paginate(
                request, selectors.bank_payments_ready(user=user).order_by("approved_at", "id"), PAGE_SIZE
            ),
            "batches": paginate(request, selectors.batches_for_user(user=user), PAGE_SIZE, param="batches_page"),
        },
    )


@refuse_with_403
@require_GET
def batch_download(request, pk):
    require(permissions.can_release_payment(request.user), _("Only finance officers download bank batches."))
    batch = selectors.batch_for_user(user=request.user, pk=pk)
    response = HttpResponse(batch.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    return response


@refuse_with_403
@require_http_methods(["GET", "POST"])
def reconciliation(request):
    user = request.user
    require(permissions.can_release_payment(user), _("Only finance officers import bank confirmations."))
    form = ConfirmationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = banking.bank_confirmation_import(file=upload.read(), by=user, file_name=upload.name)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect("payments_admin_reconciliation_report", pk=result.pk)
    return TemplateResponse(
        request,
        "payments/admin/reconciliation.html",
        {"form": form, "imports": paginate(request, selectors.imports_for_user(user=user), PAGE_SIZE)},
    )


@refuse_with_403
@require_GET
def reconciliation_report(request, pk):
    require(permissions.can_release_payment(request.user), _("Only finance officers see reconciliation reports."))
    result = selectors.import_for_user(user=request.user, pk=pk)
    return TemplateResponse(request, "payments/admin/reconciliation_report.html", {"result": result})


# --- Figures and export -----------------------------------------------------------------------------------


@refuse_with_403
@require_GET
def finance(request):
    user = request.user
    require(permissions.can_view_ledger(user), _("Only programme and finance officers see the payments ledger."))
    calls = selectors.finance_by_call(user=user)
    return TemplateResponse(
        request,
        "payments/admin/finance.html",
        {
            # The charts and the per-funder totals read every call; the table shows a page of them.
            "calls": calls,
            "call_rows": paginate(request, calls, PAGE_SIZE),
            "funders": selectors.finance_by_funder(user=user),
            "subsidies": selectors.finance_subsidies(user=user),
        },
    )


class _Echo:
    def write(self, value):
        return value


# Each column: its stable key (the CSV header) and its label (the Excel header, in the
# reader's language).
LEDGER_COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("kind", gettext_lazy("Kind")),
    ("award_or_policy", gettext_lazy("Award or subsidy policy")),
    ("funder", gettext_lazy("Funder")),
    ("payee", gettext_lazy("Payee")),
    ("payee_uscc", gettext_lazy("Payee's unified social credit code")),
    ("amount", gettext_lazy("Amount")),
    ("currency", gettext_lazy("Currency")),
    ("rail", gettext_lazy("Payment rail")),
    ("status", gettext_lazy("Status")),
    ("requested_by", gettext_lazy("Requested by")),
    ("requested_at", gettext_lazy("Requested at")),
    ("approved_by", gettext_lazy("Approved by")),
    ("approved_at", gettext_lazy("Approved at")),
    ("sent_at", gettext_lazy("Sent at")),
    ("external_id", gettext_lazy("Bank or Stripe reference")),
    ("batch", gettext_lazy("Bank batch")),
    ("paid_on", gettext_lazy("Paid on")),
]
LEDGER_HEADER = [key for key, _label in LEDGER_COLUMNS]


def _ledger_kind(payment, *, readable: bool) -> str:
    return payment.kind_label if readable else payment.kind


def _ledger_source(payment) -> str:
    if payment.tranche_id:
        return payment.tranche.award.reference
    if payment.subsidy_id:
        return f"{payment.subsidy.policy.name_zh} {payment.subsidy.year}"
    return payment.description


def ledger_rows(user, *, readable: bool = False):
    """One row per payment the user may see, with typed cells (the amount as Decimal,
    times and dates as such): the CSV and the Excel export both write these. Reads the
    payments in chunks. The CSV keeps the stable codes of kind, rail and status for
    reconciliation scripts; `readable` gives their labels in the reader's language instead,
    for the workbook people open (issue 14: no raw codes where people read)."""
    rows = selectors.payments_for_user(user=user).order_by("created_at", "id")
    for p in rows.iterator(chunk_size=500):
        yield [
            p.reference,
            _ledger_kind(p, readable=readable),
            _ledger_source(p),
            p.funder.name_zh if p.funder_id else p.payer_name,
            p.payee.name_zh,
            p.payee.uscc,
            p.amount,
            p.currency,
            p.get_rail_display() if readable else p.rail,
            p.get_status_display() if readable else p.status,
            p.requested_by.email if p.requested_by_id else "",
            p.requested_at or "",
            p.approved_by.email if p.approved_by_id else "",
            p.approved_at or "",
            p.sent_at or "",
            p.external_id,
            p.batch.reference if p.batch_id else "",
            p.paid_on or "",
        ]


@refuse_with_403
@require_GET
def ledger_export(request):
    user = request.user
    require(permissions.can_export_ledger(user), _("Only programme and finance officers export the ledger."))
    writer = SafeCsvWriter(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow(LEDGER_HEADER)
        for row in ledger_rows(user):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payments-ledger-{timezone.localdate():%Y%m%d}.csv"'
    return response


@refuse_with_403
@require_GET
def ledger_export_xlsx(request):
    """The same rows as the CSV, as an Excel workbook with headings in the reader's language."""
    user = request.user
    require(permissions.can_export_ledger(user), _("Only programme and finance officers export the ledger."))
    return xlsx_response(
        [str(label) for _key, label in LEDGER_COLUMNS],
        ledger_rows(user, readable=True),
        filename=f"payments-ledger-{timezone.localdate():%Y%m%d}.xlsx",
        title=_("Payments"),
    )
