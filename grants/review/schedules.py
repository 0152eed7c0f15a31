"""Periodic work of the review stage, merged into Celery beat by config/celery.py."""

BEAT_SCHEDULE = {
    "review-remind-before-deadlines": {
        "task": "grants.review.tasks.remind_before_deadlines",
        "schedule": 60.0 * 60,
    },
    "review-finalise-due-calls": {
        "task": "grants.review.tasks.finalise_due_calls",
        "schedule": 60.0 * 10,
    },
}
