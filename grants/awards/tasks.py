from celery import shared_task

from grants.awards import services
from grants.awards.evaluation import services as evaluation_services
from grants.awards.thumbnails import make_evidence_thumbnail

__all__ = ["make_evidence_thumbnail", "send_report_reminders", "send_visit_reminders"]


@shared_task
def send_report_reminders() -> dict:
    """Reminders before reports are due and overdue flags after (daily, from beat); idempotent."""
    return services.send_report_reminders()


@shared_task
def send_visit_reminders() -> int:
    """Remind the NGO and the evaluators of a site visit due within a day (hourly, from beat); idempotent."""
    return evaluation_services.send_visit_reminders()
