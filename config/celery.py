"""The Celery app. The broker comes from CELERY_BROKER_URL; unset, tasks run eagerly.

Periodic work: each app may have a `schedules.py` with a plain `BEAT_SCHEDULE` dict
(no Django imports there); they are merged here for `celery beat`.
"""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SCHEDULE_MODULES = [
    "incubator.schedules",
    "grants.calls.schedules",
    "grants.review.schedules",
    "grants.awards.schedules",
    "grants.payments.schedules",
    "cms.schedules",
]


def collect_beat_schedule() -> dict:
    schedule = {}
    for name in SCHEDULE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


app.conf.beat_schedule = collect_beat_schedule()
