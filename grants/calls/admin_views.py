"""Officers' workflow pages in the Wagtail admin: call state changes, the CSV export,
and screening an application. Each one finds its object through a scoped selector
(another funder's call or application is a 404) and changes state only through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import charts
from core.spreadsheet import SafeCsvWriter, xlsx_response
from core.staff_pages import refuse_with_403
from grants.calls import permissions, selectors
from grants.calls.forms import ScreeningForm, StaffCommentForm
from grants.calls.models import Application, Call
from grants.calls.questions import answer_text, question_label
from grants.calls.services import applications as application_services
from grants.calls.services.calls import CALL_TRANSITIONS, EDITABLE_STATES, WINDOW_ACTIONS
from grants.calls.snapshot import diff_snapshots


@require_GET
@refuse_with_403
def call_manage(request, pk):
    call = selectors.call_with_counts(request.user, pk)
    return TemplateResponse(
        request,
        "grants/admin/call_manage.html",
        {
            "call": call,
            "next_states": [
                (state, Call.Status(state).label)
                for state in CALL_TRANSITIONS.get(call.status, ())
                if state in WINDOW_ACTIONS
            ],
            "in_review_workflow": call.status not in (Call.Status.DRAFT, Call.Status.OPEN),
            "can_manage": permissions.can_manage_call(request.user, call),
            "can_edit": permissions.can_manage_call(request.user, call) and call.status in EDITABLE_STATES,
            "can_export": permissions.can_export_call(request.user, call),
            "status_counts": _status_counts(call),
            "funnel": _funnel_chart(call),
        },
    )


def _funnel_chart(call):
    return charts.funnel_chart(
        title=_("Application funnel"),
        description=_(
            "How many of the call's applications reached each stage, from started to recommended or awarded, "
            "and their share of all started applications."
        ),
        stages=selectors.application_funnel(call),
    )


def _status_counts(call):
    """How many applications the call has in each status, named by the status's label."""
    labels = dict(Application.Status.choices)
    rows = call.applications.values("status").annotate(count=Count("id")).order_by("status")
    return [
        {"status": row["status"], "label": labels.get(row["status"], row["status"]), "count": row["count"]}
        for row in rows
    ]


@require_POST
@refuse_with_403
def call_transition(request, pk, target):
    call = selectors.call_with_counts(request.user, pk)
    action = WINDOW_ACTIONS.get(target)
    if action is None:
        raise Http404  # review stages move only through the review panel
    if not permissions.can_manage_call(request.user, call):
        raise PermissionDenied(_("Only programme officers of this call's funder can change its status."))
    try:
        call = action(call=call, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        # The service returns the call as it now is; the message names its new status.
        messages.success(request, _("The call is now “%(status)s”.") % {"status": call.get_status_display()})
    return redirect("grants_admin_call_manage", pk=call.pk)


class Echo:
    """A file-like object whose write() returns the line, for csv.writer in a stream."""

    def write(self, value):
        return value


# Each column: its stable key (the CSV header, read by machines) and its label (the
# Excel header, read by people, in the reader's language).
EXPORT_COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("status", gettext_lazy("Status")),
    ("organisation_zh", gettext_lazy("Organisation (Chinese)")),
    ("organisation_en", gettext_lazy("Organisation (English)")),
    ("uscc", gettext_lazy("Unified social credit code")),
    ("title", gettext_lazy("Project title")),
    ("category", gettext_lazy("Service category")),
    ("service_item", gettext_lazy("Service item")),
    ("area", gettext_lazy("Area")),
    ("target_areas", gettext_lazy("Places served")),
    ("target_area_detail", gettext_lazy("Places served (details)")),
    ("beneficiaries_count", gettext_lazy("Number of beneficiaries")),
    ("requested_amount", gettext_lazy("Amount requested")),
    ("administration_amount", gettext_lazy("Administration costs")),
    ("cofunding_amount", gettext_lazy("Co-funding")),
    ("currency", gettext_lazy("Currency")),
    ("submitted_at", gettext_lazy("Submitted at")),
]
EXPORT_HEADER = [key for key, _label in EXPORT_COLUMNS]


def export_rows(call):
    """The header (the columns' keys, then the questions), then one row per application
    with typed cells (amounts as Decimal, the submission time as a datetime): the CSV and
    the Excel export both write these. Reads the rows in chunks, never all at once."""
    questions = list(call.questions)
    zh = (translation.get_language() or "").startswith("zh")
    statuses = dict(Application.Status.choices)

    def name(row, prefix):
        first, second = (
            (f"{prefix}__name_zh", f"{prefix}__name_en") if zh else (f"{prefix}__name_en", f"{prefix}__name_zh")
        )
        return row[first] or row[second] or ""

    yield EXPORT_HEADER + [question_label(question) for question in questions]
    for row, places in selectors.export_applications_with_places(call):
        answers = row["answers"] or {}
        yield [
            row["reference"] or "",
            str(statuses.get(row["status"], row["status"])),
            row["organisation__name_zh"],
            row["organisation__name_en"],
            row["organisation__uscc"],
            row["title"],
            name(row, "category"),
            name(row, "service_item"),
            name(row, "area"),
            "; ".join(f"{(name_zh if zh else name_en) or name_zh} {code}".strip() for code, name_zh, name_en in places),
            row["target_area_detail"],
            "" if row["beneficiaries_count"] is None else row["beneficiaries_count"],
            row["requested_amount"],
            row["administration_amount"],
            row["cofunding_amount"],
            call.currency,
            row["submitted_at"] or "",
        ] + [answer_text(question, answers.get(question.id)) for question in questions]


@require_GET
@refuse_with_403
def call_export(request, pk):
    call = selectors.call_with_counts(request.user, pk)
    if not permissions.can_export_call(request.user, call):
        raise PermissionDenied
    writer = SafeCsvWriter(Echo())

    def stream():
        yield "\ufeff"  # so Excel reads the Chinese text as UTF-8
        for row in export_rows(call):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="applications-{call.slug}.csv"'
    return response


@require_GET
@refuse_with_403
def call_export_xlsx(request, pk):
    """The same rows as the CSV, as an Excel workbook with headings in the reader's language."""
    call = selectors.call_with_counts(request.user, pk)
    if not permissions.can_export_call(request.user, call):
        raise PermissionDenied
    rows = export_rows(call)
    keys = next(rows)
    header = [str(label) for _key, label in EXPORT_COLUMNS] + keys[len(EXPORT_COLUMNS) :]
    return xlsx_response(header, rows, filename=f"applications-{call.slug}.xlsx", title=_("Applications"))


@require_GET
@refuse_with_403
def application_detail(request, pk):
    application = selectors.application_for_officer(request.user, pk)
    revisions = list(selectors.revisions_of(application))
    compare = None
    if len(revisions) > 1:
        numbers = {revision.number: revision for revision in revisions}
        old = numbers.get(_int(request.GET.get("from")), revisions[-2])
        new = numbers.get(_int(request.GET.get("to")), revisions[-1])
        compare = {"old": old, "new": new, "changes": diff_snapshots(old.snapshot, new.snapshot)}
    latest = revisions[-1] if revisions else None
    return TemplateResponse(
        request,
        "grants/admin/application_detail.html",
        {
            "application": application,
            "latest": latest,
            "revisions": revisions,
            "compare": compare,
            "comments": selectors.comments_for(request.user, application),
            "screening_history": [
                {"event": event, "label": SCREENING_LABELS[event.verb]}
                for event in selectors.screening_history(application)
            ],
            "comment_form": StaffCommentForm(),
            "screening_form": ScreeningForm(),
            "can_screen": permissions.can_screen_application(request.user, application)
            and application.status == application.Status.SUBMITTED,
            "answers": [
                {
                    "label": question_label(question),
                    "text": answer_text(question, (application.answers or {}).get(question.id)),
                }
                for question in application.call.questions
            ],
        },
    )


SCREENING_LABELS = {
    "application.submitted": gettext_lazy("Submitted"),
    "application.info_requested": gettext_lazy("Information requested"),
    "application.resubmitted": gettext_lazy("Resubmitted"),
    "application.eligible": gettext_lazy("Marked eligible"),
    "application.ineligible": gettext_lazy("Marked ineligible"),
}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@refuse_with_403
def application_screen(request, pk):
    application = selectors.application_for_officer(request.user, pk)
    if not permissions.can_screen_application(request.user, application):
        raise PermissionDenied(_("Only programme officers of this call's funder can screen its applications."))
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("grants_admin_application", pk=application.pk)
    decision = form.cleaned_data["decision"]
    try:
        if decision == "eligible":
            application_services.application_mark_eligible(application=application, by=request.user)
        elif decision == "ineligible":
            application_services.application_mark_ineligible(
                application=application, by=request.user, reasons=form.cleaned_data["reasons"]
            )
        else:
            application_services.application_request_info(
                application=application,
                by=request.user,
                message=form.cleaned_data["reasons"],
                sections=form.cleaned_data["sections"],
                due_at=form.due_at(),
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Screening recorded; the applicant has been told."))
    return redirect("grants_admin_application", pk=application.pk)


@require_POST
@refuse_with_403
def application_comment(request, pk):
    application = selectors.application_for_officer(request.user, pk)
    form = StaffCommentForm(request.POST)
    if form.is_valid():
        application_services.comment_add(
            application=application,
            by=request.user,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data["internal"],
        )
        messages.success(
            request, _("Note added.") if form.cleaned_data["internal"] else _("Message sent to the applicant.")
        )
    else:
        messages.error(request, _("Write a message first."))
    return redirect("grants_admin_application", pk=application.pk)
