"""The Celery app. The broker comes from CELERY_BROKER_URL; unset, tasks run eagerly.

Periodic work: each app may have a `schedules.py` with a plain `BEAT_SCHEDULE` dict
(no Django imports there); they are merged here for `celery beat`.
"""

import os

from celery import Celery

from core.bulk_import import schedules as bulk_import_schedules
from grants.awards import schedules as awards_schedules
from grants.calls import schedules as calls_schedules
from grants.payments import schedules as payments_schedules
from grants.review import schedules as review_schedules
from webhooks import schedules as webhooks_schedules

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The apps that have periodic work (plain dicts, no Django imports).
SCHEDULES = [
    bulk_import_schedules,
    awards_schedules,
    calls_schedules,
    payments_schedules,
    review_schedules,
    webhooks_schedules,
]


def collect_beat_schedule() -> dict:
    schedule = {}
    for module in SCHEDULES:
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


app.conf.beat_schedule = collect_beat_schedule()
