from celery import shared_task

from grants.calls.services.calls import advance_call_windows as advance


@shared_task
def advance_call_windows() -> dict:
    """Open and close calls on time (the beat runs it every minute; requests check the clock too)."""

    return advance()
