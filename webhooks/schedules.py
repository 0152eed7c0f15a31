"""The beat schedule of outbound webhooks (no Django imports here; listed in config/celery.py)."""

BEAT_SCHEDULE = {
    "webhooks-retry-due": {"task": "webhooks.tasks.retry_due", "schedule": 30.0},
}
