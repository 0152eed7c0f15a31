"""The broker's redelivery timeout is short, every task fits in it, and the tasks that must not be lost say so.

Redis redelivers a message that was not acknowledged within the visibility timeout. A
task (or a retry waiting for its countdown, held unacknowledged by a worker) that
outlives the timeout would run twice; a killed worker's task waits that long to run
again, which must be under a minute. Longer waits live in the database
(grants/payments/retries.py) and a periodic sweep queues what is due.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from grants.payments import retries

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["accounts", "cms", "config", "core", "grants", "home", "incubator", "purchasing", "demo"]
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


def visibility_timeout() -> float:
    return app.conf.broker_transport_options["visibility_timeout"]


def hard_limit(task) -> float:
    return task.time_limit or app.conf.task_time_limit


def longest_retry_countdown(task) -> float:
    """How long a retry of the task may wait inside Celery: autoretry's backoff is capped by
    retry_backoff_max; a retry that names no countdown waits default_retry_delay."""
    if getattr(task, "retry_backoff", False):
        return getattr(task, "retry_backoff_max", 600)  # 600: autoretry's default
    return task.default_retry_delay


def test_every_task_has_a_hard_time_limit_above_its_soft_one(tasks):
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert hard_limit(task), name
        assert soft and soft < hard_limit(task), name


def test_the_visibility_timeout_is_the_setting_and_redelivers_within_a_minute():
    options = app.conf.broker_transport_options
    assert visibility_timeout() == settings.TASK_VISIBILITY_TIMEOUT
    # Abandoned messages are looked for on every restore interval (throttle 1), so one is
    # back on the queue at most timeout + interval after it was delivered.
    assert options["unacked_restore_throttle"] == 1
    assert visibility_timeout() + options["unacked_restore_interval"] <= 60
    # A worker killed while holding the restore lock does not stop restores for long.
    assert options["unacked_mutex_expire"] < visibility_timeout()


def test_no_task_runs_or_waits_for_its_retry_longer_than_the_visibility_timeout(tasks):
    """A retry's message is held from its delivery through the countdown and the run."""
    for name, task in tasks.items():
        assert longest_retry_countdown(task) <= settings.TASK_RETRY_MAX_COUNTDOWN, name
        assert hard_limit(task) + longest_retry_countdown(task) < visibility_timeout(), name


def _calls_with_countdowns() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Call):
                    names = {keyword.arg for keyword in node.keywords} & {"countdown", "eta"}
                    found += [f"{path.relative_to(ROOT)}:{node.lineno} {name}=" for name in sorted(names)]
    return found


def test_no_code_makes_a_task_wait_inside_celery():
    """A countdown or ETA is held by a worker, unacknowledged: long waits go to the database
    (next_attempt_at and a periodic sweep, grants/payments/retries.py)."""
    assert _calls_with_countdowns() == []


def test_long_waits_live_in_the_database_and_the_sweep_runs_often(tasks):
    send = tasks["grants.payments.tasks.send_payment"]
    # The sweep never sends a payment again while the attempt that stored the time may still run.
    assert retries.delay_after(1).total_seconds() > hard_limit(send)
    assert [retries.delay_after(n).total_seconds() for n in range(1, 5)] == [60, 120, 240, 480]
    assert retries.delay_after(50) == retries.MAX_DELAY
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == "grants.payments.tasks.retry_due"]
    assert entry["schedule"] < retries.FIRST_DELAY.total_seconds()


def test_a_payment_attempt_has_time_for_one_stripe_call(tasks):
    send = tasks["grants.payments.tasks.send_payment"]
    assert settings.STRIPE_TIMEOUT_SECONDS < send.soft_time_limit < send.time_limit < visibility_timeout()


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
