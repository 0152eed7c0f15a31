"""A payment task survives a SIGKILLed worker: real Celery workers, real Redis, the fake Stripe API.

The test database (SQLite in memory) is copied to a file the worker processes open.
The fake Stripe server creates the transfer and then holds its answer, so the first
worker is killed while it waits inside the task, after Stripe acted and before the
payment was recorded as sent. The broker must hand the message to a second worker,
with production's visibility timeout and restore interval (config/settings/base.py),
within a minute of the kill; its Stripe call repeats the stored idempotency key and
gets the same transfer back.
"""

import contextlib
import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
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

    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    yield BROKER
    client.flushdb()
    client.close()


@pytest.fixture
def start_worker(redis_broker, tmp_path):
    processes = []

    def start(name: str, database: Path, stripe_url: str, visibility_timeout: int | None = None) -> subprocess.Popen:
        """A worker with production's Celery settings; `visibility_timeout` overrides the default."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{database}",
            "CELERY_BROKER_URL": redis_broker,
            "STRIPE_SECRET_KEY": FAKE_SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": FAKE_WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("CELERY_RESULT_BACKEND", None)
        env.pop("CELERY_VISIBILITY_TIMEOUT", None)
        env.pop("STRIPE_TIMEOUT_SECONDS", None)  # production's 20 s, under the task's soft time limit
        if visibility_timeout is not None:
            env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
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


def _copy_database(source: sqlite3.Connection, path: Path) -> None:
    """Copies `source` (its uncommitted rows too) into a new database at `path`.

    A full-text table (Wagtail's search index) makes its own shadow tables when it is
    created. Python 3.11.2 (Debian 12's) dumps it as CREATE VIRTUAL TABLE and then its
    shadow tables as well, so the dump's own CREATE of them finds them made and the copy
    stopped (3.11.7 writes the virtual table into the schema instead); they are skipped
    here, and the rows the full-text table put in them itself are not added twice."""
    with sqlite3.connect(path) as target:
        for statement in source.iterdump():
            try:
                target.execute(statement)
            except (sqlite3.OperationalError, sqlite3.IntegrityError) as error:
                shadow_table = "_fts_" in statement and (
                    "already exists" in str(error) or isinstance(error, sqlite3.IntegrityError)
                )
                if not shadow_table:
                    raise


class QueuedPayment:
    """An approved Stripe payment in a database file the workers open, its sending queued in Redis.

    Approved through the service (its own after-commit send is not run in this process);
    the fake Stripe server will create the transfer and then hold its answer.
    """

    def __init__(
        self, fake_stripe, broker: str, database: Path, capture_on_commit, *, fault=("timeout_after_commit", 120)
    ):
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
        _copy_database(connection.connection, database)

        mode, delay = fault
        fake_stripe.fail_next("/v1/transfers", mode=mode, delay=delay)
        self.broker = broker
        self.send_task("grants.payments.tasks.send_payment", args=[self.payment.pk])

    def send_task(self, name: str, args=()) -> None:
        # Not the current app: the project's tasks in this process must stay eager.
        with Celery("probe", broker=self.broker, set_as_current=False) as probe:
            probe.send_task(name, args=list(args))

    def move_next_attempt_to_the_past(self) -> None:
        # Django stores aware datetimes in SQLite as UTC text without the offset.
        past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)).replace(tzinfo=None)
        with sqlite3.connect(self.database, timeout=20) as db:
            db.execute(
                f"UPDATE {Payment._meta.db_table} SET next_attempt_at = ? WHERE id = ?",
                [past.isoformat(sep=" "), self.payment.pk],
            )

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


def process_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in {"Z", "X"}  # a zombie is dead too


def test_a_whole_worker_killed_mid_transfer_has_its_task_redelivered_within_a_minute_and_stripe_makes_one_transfer(
    fake_stripe, start_worker, redis_broker, tmp_path, django_capture_on_commit_callbacks
):
    """Production's settings: the visibility timeout (45 s) plus one restore interval (5 s)."""
    queued = QueuedPayment(fake_stripe, redis_broker, tmp_path / "worker.sqlite3", django_capture_on_commit_callbacks)
    first = start_worker("first", queued.database, fake_stripe.url)
    wait_for(lambda: fake_stripe.objects_of("transfer"), timeout=60, what="the first transfer", workers=[first])
    (pool_process,) = pool_processes(first)

    # The whole worker, parent and pool process, as when a container is killed: the process
    # group gets SIGKILL, so nobody is left to put the message back or to say it died.
    os.killpg(first.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    first.wait(timeout=10)
    wait_for(lambda: not process_alive(pool_process), timeout=10, what="the pool process to die", workers=[first])
    status, external_id, key, attempts = queued.row()
    assert (status, external_id, attempts) == (Payment.Status.APPROVED, "", 1), "killed mid-task"
    assert key

    # After the visibility timeout the new worker's periodic look finds the message and runs it.
    second = start_worker("second", queued.database, fake_stripe.url)
    wait_for(
        lambda: queued.row()[0] == Payment.Status.SENT,
        timeout=60 - (time.monotonic() - killed_at),
        what="the redelivered task to send the payment",
        workers=[first, second],
    )
    elapsed = time.monotonic() - killed_at
    assert elapsed < 60, f"redelivered within a minute (took {elapsed:.0f} s)"
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


def test_a_payment_whose_attempt_failed_is_sent_by_the_sweep_on_a_real_worker_when_due_and_not_before(
    fake_stripe, start_worker, redis_broker, tmp_path, django_capture_on_commit_callbacks
):
    """No Celery countdown holds the retry: the attempt stored its next time, and the
    periodic ``retry_due`` task (sent here as beat would) queues it once it is due."""
    queued = QueuedPayment(
        fake_stripe, redis_broker, tmp_path / "worker.sqlite3", django_capture_on_commit_callbacks, fault=("500", None)
    )
    worker = start_worker("worker", queued.database, fake_stripe.url)
    wait_for(lambda: fake_stripe.requests_to("/v1/transfers"), timeout=60, what="the first attempt", workers=[worker])
    assert not fake_stripe.objects_of("transfer")

    def sweeps_done() -> int:
        log = worker.log_path.read_text(errors="replace")
        return sum("grants.payments.tasks.retry_due[" in line and "succeeded" in line for line in log.splitlines())

    queued.send_task("grants.payments.tasks.retry_due")  # before the next attempt is due
    wait_for(lambda: sweeps_done() == 1, timeout=30, what="the first sweep", workers=[worker])
    time.sleep(1)
    assert len(fake_stripe.requests_to("/v1/transfers")) == 1, "not sent again before it is due"
    assert queued.row()[0] == Payment.Status.APPROVED

    queued.move_next_attempt_to_the_past()
    queued.send_task("grants.payments.tasks.retry_due")
    wait_for(lambda: queued.row()[0] == Payment.Status.SENT, timeout=30, what="the sweep to send it", workers=[worker])
    (transfer,) = fake_stripe.objects_of("transfer")
    _, external_id, key, attempts = queued.row()
    assert (external_id, attempts) == (transfer["id"], 2)
    first, second = fake_stripe.requests_to("/v1/transfers")
    assert first.idempotency_key == second.idempotency_key == key
