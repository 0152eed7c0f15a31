"""Background work of the review stage. Tasks take ids and call services; every one is
safe to run again (emails carry idempotency keys; finalising checks the state)."""

from celery import shared_task

from grants.calls.models import Call
from grants.review.services import announcements, assignments, ranking


@shared_task
def remind_before_deadlines() -> int:
    """Remind reviewers with outstanding reviews shortly before their panel's deadline."""
    return assignments.remind_before_deadlines()


@shared_task
def finalise_due_calls() -> list[int]:
    """Make results final once the objection period has passed and every objection is answered."""
    return announcements.finalise_due_calls()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=10, max_retries=3)
def aggregate_call_scores(call_id: int) -> int:
    """Recompute a call's scores (large calls: run off the request). Within the default
    30 s time limit: the engine is benchmarked under 5 s for 5,000 applications with five
    reviews each (bench/review_scale.py), and the rows are written in one bulk insert."""
    call = Call.objects.filter(pk=call_id).first()
    return ranking.aggregate_call(call=call) if call else 0
