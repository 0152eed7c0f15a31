from celery import shared_task

from grants.awards import services
from grants.awards.thumbnails import make_evidence_thumbnail

__all__ = ["make_evidence_thumbnail", "send_report_reminders"]


@shared_task
def send_report_reminders() -> dict:
    """Reminders before reports are due and overdue flags after (daily, from beat); idempotent."""
    return services.send_report_reminders()
