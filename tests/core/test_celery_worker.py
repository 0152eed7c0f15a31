"""A real Celery worker, in its own process, against the local Redis."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/14"


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_broker():
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer at 127.0.0.1:6379; CI must run the worker test")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return BROKER


@pytest.fixture
def worker(redis_broker, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "CELERY_BROKER_URL": redis_broker,
        "CELERY_RESULT_BACKEND": redis_broker,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@localhost",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_task_runs_through_a_real_worker(worker, redis_broker):
    client = Celery("probe", broker=redis_broker, backend=redis_broker, set_as_current=False)
    deadline = time.monotonic() + 60
    result = client.send_task("core.tasks.ping", kwargs={"value": 21})
    value = result.get(timeout=max(1, deadline - time.monotonic()))
    assert value == 42
    assert worker.poll() is None, "the worker died"
