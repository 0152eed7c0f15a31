from celery import shared_task
from django.db import OperationalError

from core.bulk_import import services


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=10,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=20,
    time_limit=25,
)
def bulk_import_run(batch_id: str) -> None:
    """One chunk of a confirmed batch, then the next chunk as a new task (each well inside
    the time limit; a repeated or retried chunk creates nothing twice)."""
    if services.batch_run_chunk(batch_id=batch_id):
        bulk_import_run.delay(batch_id)


@shared_task(acks_late=True, soft_time_limit=20, time_limit=25)
def purge_expired_imports() -> int:
    return services.purge_expired()
