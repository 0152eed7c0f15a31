"""The back-office pages of bulk import (Wagtail admin): upload, the batch's page (preview,
progress, report), confirm, discard, the report and the template as files."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk_import import selectors, services
from core.bulk_import.forms import UploadForm
from core.bulk_import.models import ImportBatch, ImportRow
from core.bulk_import.registry import Importer, get_importer
from core.pagination import paginate
from core.spreadsheet import SafeCsvWriter, xlsx_response
from core.staff_pages import refuse_with_403

PAGE_SIZE = 100
SHOW = ("all", "problems", "created", "skipped")


def _importer_for(user, key: str) -> Importer:
    importer = get_importer(key)
    if importer is None:
        raise Http404
    if not importer.can_import(user):
        raise PermissionDenied(_("You may not import these records."))
    return importer


def _batch_for(request, pk) -> tuple[ImportBatch, Importer]:
    batch = selectors.batch_of(user=request.user, pk=pk)
    return batch, _importer_for(request.user, batch.importer)


@refuse_with_403
def upload(request, importer):
    importer = _importer_for(request.user, importer)
    form = UploadForm(request.POST or None, request.FILES or None, importer=importer)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                importer=importer, by=request.user, upload=form.cleaned_data["file"], options=form.options()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("bulk_import_batch", pk=batch.pk)
    return render(
        request,
        "bulk_import/upload.html",
        {
            "page_title": _("Import: %(what)s") % {"what": importer.label},
            "header_icon": "upload",
            "importer": importer,
            "form": form,
            "max_rows": importer.max_rows,
            "hours": services.BATCH_HOURS,
            "recent": selectors.recent_batches(user=request.user, importer=importer.key),
        },
    )


@refuse_with_403
def template(request, importer):
    """An empty workbook with the columns and one example row."""
    importer = _importer_for(request.user, importer)
    return xlsx_response(
        [column.label for column in importer.columns],
        [[column.example for column in importer.columns]],
        filename=f"{importer.key}-template.xlsx",
        title=str(importer.label),
    )


@refuse_with_403
def batch(request, pk):
    batch, importer = _batch_for(request, pk)
    show = request.GET.get("show") if request.GET.get("show") in SHOW else "all"
    rows = paginate(request, selectors.rows_of(batch=batch, show=show), PAGE_SIZE)
    for row in rows:
        row.link = importer.object_url(row.object_id) if row.object_id else ""
    return render(
        request,
        "bulk_import/batch.html",
        {
            "page_title": _("Import: %(what)s") % {"what": importer.label},
            "page_subtitle": batch.original_name,
            "header_icon": "upload",
            "batch": batch,
            "importer": importer,
            "rows": rows,
            "show": show,
            "filters": [(value, label) for value, label in _filters() if _shown(value, batch)],
            "preview_headers": importer.preview_headers,
            "Status": ImportBatch.Status,
            "hours": services.BATCH_HOURS,
        },
    )


def _filters():
    return (
        ("all", _("All rows")),
        ("problems", _("Rows with errors or warnings")),
        ("created", _("Created")),
        ("skipped", _("Skipped")),
    )


def _shown(value, batch) -> bool:
    if value in ("created", "skipped"):
        return batch.status in (ImportBatch.Status.RUNNING, ImportBatch.Status.DONE)
    return True


@refuse_with_403
def confirm(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    batch, _importer = _batch_for(request, pk)
    try:
        batch = services.batch_confirm(batch=batch, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("bulk_import_batch", pk=batch.pk)


@refuse_with_403
def discard(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    batch, importer = _batch_for(request, pk)
    try:
        services.batch_discard(batch=batch, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("bulk_import_batch", pk=batch.pk)
    messages.success(request, _("The file “%(name)s” is discarded; nothing was imported.") % {"name": batch})
    return redirect("bulk_import_upload", importer=importer.key)


def _report_rows(batch: ImportBatch, importer: Importer):
    outcome_labels = dict(ImportRow.Outcome.choices)
    action_labels = dict(ImportRow.Action.choices)
    for row in batch.rows.order_by("number").iterator(chunk_size=1000):
        cells = list(row.cells) + [""] * (len(importer.preview_headers) - len(row.cells))
        if row.outcome:
            state, reason = str(outcome_labels[row.outcome]), row.reason if row.outcome == "skipped" else ""
        else:
            state, reason = str(action_labels[row.action]), " ".join(row.errors)
        yield [row.number, *cells, state, reason, " ".join(row.warnings)]


@refuse_with_403
def report(request, pk, format):
    """The batch's rows with their outcome (or, before confirmation, the preview's verdict)."""
    batch, importer = _batch_for(request, pk)
    header = [_("Row"), *[str(label) for label in importer.preview_headers], _("Result"), _("Reason"), _("Warnings")]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{importer.key}-import-report-{stamp}"
    if format == "xlsx":
        return xlsx_response(header, _report_rows(batch, importer), filename=f"{filename}.xlsx", title=_("Report"))
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel and WPS read the BOM as UTF-8 (Chinese text intact)
    writer = SafeCsvWriter(buffer)
    writer.writerow(header)
    writer.writerows(_report_rows(batch, importer))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
