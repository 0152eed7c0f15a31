from django.db.models import Count, Q
from django.http import Http404

from core.bulk_import.models import ImportBatch, ImportRow


def batch_of(*, user, pk) -> ImportBatch:
    """The user's own batch: another officer's (or an id that does not exist) is not found."""
    batch = (
        ImportBatch.objects.filter(pk=pk, created_by_id=getattr(user, "pk", None))
        .annotate(
            rows_done=Count("rows", filter=~Q(rows__outcome="")),
            rows_created=Count("rows", filter=Q(rows__outcome=ImportRow.Outcome.CREATED)),
            rows_skipped=Count("rows", filter=Q(rows__outcome=ImportRow.Outcome.SKIPPED)),
            rows_with_warnings=Count("rows", filter=~Q(rows__warnings=[])),
        )
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def rows_of(*, batch: ImportBatch, show: str = "all"):
    rows = batch.rows.order_by("number")
    if show == "problems":
        rows = rows.filter(Q(action=ImportRow.Action.SKIP) | ~Q(warnings=[]))
    elif show == "skipped":
        rows = rows.filter(outcome=ImportRow.Outcome.SKIPPED)
    elif show == "created":
        rows = rows.filter(outcome=ImportRow.Outcome.CREATED)
    return rows


def recent_batches(*, user, importer: str, limit: int = 10):
    return ImportBatch.objects.filter(created_by_id=user.pk, importer=importer).order_by("-created_at")[:limit]
