"""A payment task survives a SIGKILLed worker: real Celery workers, real Redis, the fake Stripe API.

The test database (SQLite in memory) is copied to a file the worker processes open.
The fake Stripe server creates the transfer and then holds its answer, so the first
worker is killed while it waits inside the task, after Stripe acted and before the
payment was recorded as sent. The broker must hand the message to a second worker
(a short visibility timeout stands in for production's), whose Stripe call repeats the
stored idempotency key and gets the same transfer back.
"""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from grants.payments import services
from grants.payments.models import Payment
from tests.core.test_celery_worker import REDIS_HOST, REDIS_PORT, redis_answers
from tests.factories.accounts import UserFactory
from tests.factories.payments import ConnectedAccountFactory, PaymentFactory, approved_subsidy
from tests.fakes.fixtures import FAKE_SECRET_KEY, FAKE_WEBHOOK_SECRET

pytestmark = [pytest.mark.worker, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/13"  # a database of its own, flushed around the test
VISIBILITY_TIMEOUT = 5  # seconds; production's is over an hour (config/settings/base.py)


@pytest.fixture(autouse=True)
def _sqlite_test_database():
    # The broker's behaviour does not depend on the database; the copy for the workers does.
    if connection.vendor != "sqlite":
        pytest.skip("the workers get an SQLite copy of the test database; this test runs on SQLite")


@pytest.fixture
def redis_broker():
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer at 127.0.0.1:6379; CI must run the worker tests")
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    yield BROKER
    client.flushdb()
    client.close()


@pytest.fixture
def start_worker(redis_broker, tmp_path):
    processes = []

    def start(name: str, database: Path, stripe_url: str, visibility_timeout=VISIBILITY_TIMEOUT) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{database}",
            "CELERY_BROKER_URL": redis_broker,
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "STRIPE_SECRET_KEY": FAKE_SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": FAKE_WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_url,
            "STRIPE_TIMEOUT_SECONDS": "60",  # the first worker must still be waiting when it is killed
            "MEDIA_ROOT": str(tmp_path / "media"),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("CELERY_RESULT_BACKEND", None)
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                # The production pool. (With --pool=solo the event loop waits for the task
                # before it sends even an early acknowledgement, so every task looks late-acked.)
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}-{os.getpid()}@localhost",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool process dies with it
        )
        process.log_path, process.log_file = tmp_path / f"{name}.log", log
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its group
        process.wait()
        process.log_file.close()


def wait_for(condition, *, timeout: float, what: str, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    logs = "\n".join(f"--- {w.log_path.name}\n{w.log_path.read_text(errors='replace')[-3000:]}" for w in workers)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")


class QueuedPayment:
    """An approved Stripe payment in a database file the workers open, its sending queued in Redis.

    Approved through the service (its own after-commit send is not run in this process);
    the fake Stripe server will create the transfer and then hold its answer.
    """

    def __init__(self, fake_stripe, broker: str, database: Path, capture_on_commit):
        account = fake_stripe.add_account(onboarded=True)
        subsidy = approved_subsidy()
        ConnectedAccountFactory(organisation=subsidy.organisation, account_id=account["id"])
        self.payment = PaymentFactory(subsidy=subsidy, rail=Payment.Rail.STRIPE, requested=True)
        with capture_on_commit() as callbacks:
            services.payment_approve(payment=self.payment, by=UserFactory(finance=True))
        assert callbacks, "approving a Stripe payment queues its sending"

        # A copy of this test's database, uncommitted rows included (the backup API would
        # wait for this test's transaction to end; a dump reads through it).
        self.database = database
        connection.ensure_connection()
        with sqlite3.connect(database) as target:
            target.executescript("\n".join(connection.connection.iterdump()))

        fake_stripe.fail_next("/v1/transfers", mode="timeout_after_commit", delay=120)
        from celery import Celery

        # Not the current app: the project's tasks in this process must stay eager.
        with Celery("probe", broker=broker, set_as_current=False) as probe:
            probe.send_task("grants.payments.tasks.send_payment", args=[self.payment.pk])

    def row(self) -> tuple:
        with sqlite3.connect(self.database, timeout=20) as db:
            return db.execute(
                f"SELECT status, external_id, idempotency_key, send_attempts FROM {Payment._meta.db_table} WHERE id = ?",
                [self.payment.pk],
            ).fetchone()


def assert_one_transfer_sent_twice_with_one_key(fake_stripe, queued: QueuedPayment):
    (transfer,) = fake_stripe.objects_of("transfer")
    status, external_id, stored_key, attempts = queued.row()
    assert (status, external_id, attempts) == (Payment.Status.SENT, transfer["id"], 2)
    first_request, second_request = fake_stripe.requests_to("/v1/transfers")
    assert first_request.idempotency_key == second_request.idempotency_key == stored_key
    assert second_request.replayed, "Stripe answered the repeat with the original transfer"


def pool_processes(worker: subprocess.Popen) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


def test_a_worker_killed_mid_transfer_has_its_task_redelivered_and_stripe_makes_one_transfer(
    fake_stripe, start_worker, redis_broker, tmp_path, django_capture_on_commit_callbacks
):
    queued = QueuedPayment(fake_stripe, redis_broker, tmp_path / "worker.sqlite3", django_capture_on_commit_callbacks)
    first = start_worker("first", queued.database, fake_stripe.url)
    wait_for(lambda: fake_stripe.objects_of("transfer"), timeout=60, what="the first transfer", workers=[first])

    os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool process, as when a container is killed
    first.wait(timeout=10)
    killed_at = time.monotonic()
    status, external_id, key, attempts = queued.row()
    assert (status, external_id, attempts) == (Payment.Status.APPROVED, "", 1), "killed mid-task"
    assert key

    # Nothing tells Redis the worker died: after the visibility timeout another worker gets the task.
    second = start_worker("second", queued.database, fake_stripe.url)
    wait_for(
        lambda: queued.row()[0] == Payment.Status.SENT,
        timeout=60 - (time.monotonic() - killed_at),
        what="the redelivered task to send the payment",
        workers=[first, second],
    )
    assert time.monotonic() - killed_at < 60, "redelivered within a minute"
    assert_one_transfer_sent_twice_with_one_key(fake_stripe, queued)
    assert second.poll() is None, "the second worker is still running"


def test_a_pool_process_killed_mid_transfer_has_its_task_requeued_at_once(
    fake_stripe, start_worker, redis_broker, tmp_path, django_capture_on_commit_callbacks
):
    """The out-of-memory killer picks the pool process: its worker sees it die and puts the
    task back (reject_on_worker_lost) without waiting for the visibility timeout."""
    queued = QueuedPayment(fake_stripe, redis_broker, tmp_path / "worker.sqlite3", django_capture_on_commit_callbacks)
    worker = start_worker("worker", queued.database, fake_stripe.url, visibility_timeout=3600)
    wait_for(lambda: fake_stripe.objects_of("transfer"), timeout=60, what="the first transfer", workers=[worker])

    (pool_process,) = pool_processes(worker)
    os.kill(pool_process, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(
        lambda: queued.row()[0] == Payment.Status.SENT,
        timeout=45,
        what="the requeued task to send the payment",
        workers=[worker],
    )
    assert time.monotonic() - killed_at < 60
    assert_one_transfer_sent_twice_with_one_key(fake_stripe, queued)
    assert worker.poll() is None
