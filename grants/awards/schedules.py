"""Periodic work of the awards app, merged into Celery beat by config/celery.py."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "awards-report-reminders": {
        "task": "grants.awards.tasks.send_report_reminders",
        # Every morning at 08:30 Asia/Shanghai (CELERY_TIMEZONE), and safe to run more often.
        "schedule": crontab(hour=8, minute=30),
    },
    "awards-visit-reminders": {
        "task": "grants.awards.tasks.send_visit_reminders",
        # Hourly: a visit confirmed for the next 24 hours is reminded once (idempotent).
        "schedule": crontab(minute=15),
    },
}
