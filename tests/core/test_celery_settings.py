"""The broker's redelivery timeout fits every task, and the tasks that must not be lost say so.

Redis redelivers a message that was not acknowledged within the visibility timeout. A
task (or a retry waiting for its countdown, held unacknowledged by a worker) that
outlives the timeout would run twice; a killed worker's task waits that long to run again.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
MUST_NOT_BE_LOST = [
    "grants.payments.tasks.send_payment",
    "grants.payments.tasks.process_webhook_event",
    "core.tasks.send_templated_email",
]


@pytest.fixture(scope="module")
def tasks():
    app.autodiscover_tasks(force=True)
    found = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert set(MUST_NOT_BE_LOST) <= set(found)
    return found


def hard_limit(task) -> float:
    return task.time_limit or app.conf.task_time_limit


def test_every_task_has_a_hard_time_limit_above_its_soft_one(tasks):
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert hard_limit(task), name
        assert soft and soft < hard_limit(task), name


def test_the_visibility_timeout_exceeds_the_longest_task_plus_the_longest_retry_countdown(tasks):
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.TASK_VISIBILITY_TIMEOUT
    longest = max(hard_limit(task) for task in tasks.values())
    for name, task in tasks.items():
        if getattr(task, "retry_backoff", False):
            assert getattr(task, "retry_backoff_max", 600) <= settings.TASK_RETRY_MAX_COUNTDOWN, (
                name
            )  # 600: autoretry's default
    assert longest + settings.TASK_RETRY_MAX_COUNTDOWN < visibility


def test_the_payment_retry_countdown_stays_under_the_cap():
    from grants.payments.tasks import _countdown

    assert [_countdown(n) for n in range(4)] == [30, 60, 120, 240]
    assert max(_countdown(n) for n in range(20)) == settings.TASK_RETRY_MAX_COUNTDOWN


def test_abandoned_messages_are_looked_for_every_few_seconds():
    options = app.conf.broker_transport_options
    assert options["unacked_restore_throttle"] == 1
    assert 1 <= options["unacked_restore_interval"] <= 10


@pytest.mark.parametrize("name", MUST_NOT_BE_LOST)
def test_tasks_that_must_not_be_lost_are_acknowledged_late_and_requeued_when_their_worker_dies(tasks, name):
    task = tasks[name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True


def test_workers_reserve_one_message_per_process():
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def test_without_a_broker_tasks_still_run_in_process(tmp_path):
    """The embedded default (dev settings, no CELERY_BROKER_URL): eager tasks, the options above harmless."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "DJANGO_SETTINGS_MODULE"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    script = (
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "from core.tasks import ping\n"
        "print(app.conf.task_always_eager, app.conf.broker_url, ping.delay(21).get())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "memory://", "42"]
