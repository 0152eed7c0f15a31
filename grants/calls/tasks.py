from celery import shared_task

from grants.calls.services import calls as call_services


@shared_task
def advance_call_windows() -> dict:
    """Open and close calls on time (the beat runs it every minute; requests check the clock too)."""
    return call_services.advance_call_windows()
