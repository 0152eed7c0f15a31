from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=10, max_retries=5)
def make_evidence_thumbnail(evidence_id: int) -> bool:
    """Make the thumbnail of a report photo; does nothing when it exists or the photo is gone."""
    from grants.awards.models import ReportEvidence
    from grants.awards.uploads import make_thumbnail

    evidence = ReportEvidence.objects.filter(pk=evidence_id, kind=ReportEvidence.Kind.PHOTO).first()
    if evidence is None or evidence.thumbnail:
        return False
    with evidence.file.open("rb") as handle:
        thumbnail = make_thumbnail(handle.read())
    evidence.thumbnail.save(f"{evidence.pk}.jpg", thumbnail, save=False)
    # Only fill an empty thumbnail: a concurrent run that got there first wins.
    updated = ReportEvidence.objects.filter(pk=evidence.pk, thumbnail="").update(thumbnail=evidence.thumbnail.name)
    if not updated:
        evidence.thumbnail.storage.delete(evidence.thumbnail.name)
    return bool(updated)


@shared_task
def send_report_reminders() -> dict:
    """Reminders before reports are due and overdue flags after (daily, from beat); idempotent."""
    from grants.awards.services import send_report_reminders as send

    return send()
