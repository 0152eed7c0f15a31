"""Periodic work of the grants app, merged into Celery beat by config/celery.py."""

BEAT_SCHEDULE = {
    "grants-advance-call-windows": {
        "task": "grants.calls.tasks.advance_call_windows",
        "schedule": 60.0,
    },
}
