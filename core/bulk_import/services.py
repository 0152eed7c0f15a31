"""A batch's life: ``preview → running → done``, or ``preview → discarded``.

- ``batch_create``: the file checked, read and validated; kept privately with its rows.
  Nothing of the importer's is written.
- ``batch_confirm``: the uploader only, before ``expires_at``; ``preview → running`` under
  the batch's row lock, so a double submit finds it running and starts nothing. The rows
  are created after commit by ``tasks.bulk_import_run``, in chunks of ``CHUNK_ROWS``.
- ``batch_run_chunk``: creates the next pending rows, each in its own transaction with its
  outcome (lock order: the batch is not locked, the row is); the row that already has an
  outcome is left alone, so a repeated task creates nothing twice. The last chunk marks the
  batch done and removes the file (the rows and their outcomes are the record).
- ``batch_discard``: the uploader drops a batch they will not confirm; its file goes.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk_import import parsing
from core.bulk_import.models import ImportBatch, ImportRow
from core.bulk_import.registry import Importer, get_importer
from core.transitions import check_transition
from core.uploads import check_content_matches_type, original_name, read_upload, refuse_other_types

Status = ImportBatch.Status
TRANSITIONS = {
    Status.PREVIEW: {Status.RUNNING, Status.DISCARDED},
    Status.RUNNING: {Status.DONE},
}
ACCEPTED = {".xlsx", ".csv"}
MAX_BYTES = 5 * 1024 * 1024
BATCH_HOURS = 24  # how long a preview may wait for its confirmation
CHUNK_ROWS = 200  # rows created by one run of the task (well inside its time limit)


def _is_utf16(upload) -> bool:
    upload.seek(0)
    head = upload.read(2)
    upload.seek(0)
    return head in (b"\xff\xfe", b"\xfe\xff")


def read_file(*, importer: Importer, data: bytes, suffix: str):
    table = parsing.read_table(data, suffix)
    return parsing.parse_rows(table, importer.columns, max_rows=importer.max_rows)


@transaction.atomic
def batch_create(*, importer: Importer, by, upload, options: dict | None = None) -> ImportBatch:
    """Read and validate an uploaded file; keep it, privately, for its uploader to confirm."""
    if not importer.can_import(by):
        raise PermissionDenied(_("You may not import these records."))
    suffix = refuse_other_types(upload, ACCEPTED)
    if suffix == ".csv" and _is_utf16(upload):
        # Excel's "Unicode text" is UTF-16: its NUL bytes are text, not a binary file's.
        data = read_upload(upload, max_bytes=MAX_BYTES)
    else:
        data = check_content_matches_type(upload, accepted=ACCEPTED, max_bytes=MAX_BYTES)
    rows, notes = read_file(importer=importer, data=data, suffix=suffix)
    options = options or {}
    results = importer.validate(rows, options=options)
    batch = ImportBatch(
        importer=importer.key,
        created_by=by,
        original_name=original_name(upload),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        options=options,
        notes=notes,
        rows_total=len(rows),
        rows_to_create=sum(1 for result in results if not result.errors),
        expires_at=timezone.now() + timedelta(hours=BATCH_HOURS),
    )
    batch.file.save(f"import{suffix}", ContentFile(data), save=False)
    batch.save()
    ImportRow.objects.bulk_create(
        ImportRow(
            batch=batch,
            number=row.number,
            values=result.values,
            cells=[str(cell) for cell in result.cells],
            errors=[str(error) for error in result.errors],
            warnings=[str(warning) for warning in result.warnings],
            action=ImportRow.Action.SKIP if result.errors else ImportRow.Action.CREATE,
        )
        for row, result in zip(rows, results, strict=True)
    )
    return batch


def _require_uploader(batch: ImportBatch, by) -> None:
    if batch.created_by_id != getattr(by, "pk", None):
        # Another officer's batch does not exist for them.
        raise PermissionDenied(_("Only the officer who uploaded this file can confirm or discard it."))


@transaction.atomic
def batch_confirm(*, batch: ImportBatch, by) -> ImportBatch:
    """The uploader confirms their preview: the rows without errors will be created.

    Idempotent: a batch already running or done is returned as it is (a double submit)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _require_uploader(batch, by)
    importer = get_importer(batch.importer)
    if importer is None or not importer.can_import(by):
        raise PermissionDenied(_("You may not import these records."))
    if batch.status in (Status.RUNNING, Status.DONE):
        return batch
    if batch.is_expired:
        raise ValidationError(
            _("This preview has expired (after %(hours)s hours). Upload the file again.") % {"hours": BATCH_HOURS},
            code="import_expired",
        )
    check_transition(allowed=TRANSITIONS, current=batch.status, target=Status.RUNNING)
    batch.status = Status.RUNNING
    batch.confirmed_at = timezone.now()
    batch.save(update_fields=["status", "confirmed_at"])
    # Rows with errors are skipped now, all at once; their reasons are the preview's errors.
    batch.rows.filter(action=ImportRow.Action.SKIP).update(outcome=ImportRow.Outcome.SKIPPED)

    from core.bulk_import.tasks import bulk_import_run  # noqa: PLC0415  (tasks import this module)

    batch_id = str(batch.pk)
    transaction.on_commit(lambda: bulk_import_run.delay(batch_id))
    return batch


@transaction.atomic
def batch_discard(*, batch: ImportBatch, by) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _require_uploader(batch, by)
    check_transition(allowed=TRANSITIONS, current=batch.status, target=Status.DISCARDED)
    batch.status = Status.DISCARDED
    batch.save(update_fields=["status"])
    _delete_file(batch)
    return batch


def _delete_file(batch: ImportBatch) -> None:
    if batch.file:
        name, storage = batch.file.name, batch.file.storage
        transaction.on_commit(lambda: storage.delete(name))
        ImportBatch.objects.filter(pk=batch.pk).update(file="")


def batch_run_chunk(*, batch_id, rows: int = CHUNK_ROWS) -> bool:
    """Create the next ``rows`` pending rows of a running batch. True while rows remain."""
    batch = ImportBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != Status.RUNNING:
        return False
    importer = get_importer(batch.importer)
    pending = list(batch.rows.filter(outcome=ImportRow.Outcome.PENDING).order_by("number")[:rows])
    if not pending:
        _finish(batch)
        return False
    problems = importer.recheck([row.values for row in pending]) if importer else None
    for index, row in enumerate(pending):
        _run_row(batch, importer, row, problems[index] if problems else [_("This kind of import is not available.")])
    return True


def _run_row(batch: ImportBatch, importer: Importer | None, row: ImportRow, problems: list[str]) -> None:
    with transaction.atomic():
        row = ImportRow.objects.select_for_update().get(pk=row.pk)
        if row.outcome:
            return  # done by an earlier run of the task
        if problems:
            row.outcome, row.outcome_message = ImportRow.Outcome.SKIPPED, " ".join(str(p) for p in problems)
        else:
            note = _("Imported from “%(file)s”, row %(row)s.") % {"file": batch.original_name, "row": row.number}
            try:
                with transaction.atomic():
                    created = importer.create(values=row.values, by=batch.created_by, note=note)
            except (ValidationError, PermissionDenied) as error:
                messages = getattr(error, "messages", None) or [str(error)]
                row.outcome, row.outcome_message = ImportRow.Outcome.SKIPPED, " ".join(messages)
            else:
                row.outcome, row.object_id = ImportRow.Outcome.CREATED, str(created.pk)
        row.save(update_fields=["outcome", "outcome_message", "object_id"])


@transaction.atomic
def _finish(batch: ImportBatch) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.RUNNING:
        return
    check_transition(allowed=TRANSITIONS, current=batch.status, target=Status.DONE)
    batch.status = Status.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    _delete_file(batch)


def purge_expired(*, now=None) -> int:
    """Previews left unconfirmed past their expiry lose their file (personal data: contacts)
    and are marked discarded. Returns how many."""
    now = now or timezone.now()
    count = 0
    for batch in ImportBatch.objects.filter(status=Status.PREVIEW, expires_at__lte=now).only("pk", "file", "status"):
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != Status.PREVIEW:
                continue
            locked.status = Status.DISCARDED
            locked.save(update_fields=["status"])
            _delete_file(locked)
            count += 1
    return count
