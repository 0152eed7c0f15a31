"""The report photo's thumbnail, made by a worker after the evidence is stored.

A module of its own so the service that stores evidence can queue it while
grants/awards/tasks.py (the beat's entry points, which call the services) re-exports
it; the task keeps its name in grants.awards.tasks.
"""

from celery import shared_task

from core.uploads import make_thumbnail
from grants.awards.models import ReportEvidence


@shared_task(
    name="grants.awards.tasks.make_evidence_thumbnail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=10,
    max_retries=5,
)
def make_evidence_thumbnail(evidence_id: int) -> bool:
    """Make the thumbnail of a report photo; does nothing when it exists or the photo is gone."""
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
