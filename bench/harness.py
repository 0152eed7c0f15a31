"""Benchmark scaffolding: a production-like gunicorn on loopback and a load generator.

The server runs config.settings.production (DEBUG off, cached templates, WhiteNoise
static files) against a SQLite database prepared with the demo data. The load
generator is plain Python: N threads with keep-alive connections for a fixed time,
recording each request's latency. Only 127.0.0.1 is ever targeted; every loop is
bounded in time.
"""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_env(workdir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict, *, demo: bool = True) -> None:
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    if demo:
        subprocess.run([*run, "load_demo", "--quiet"], cwd=ROOT, env=env, check=True)
    subprocess.run([*run, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 2, threads: int = 4):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield f"http://{HOST}:{port}", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class LoadResult:
    path: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]


def load(port: int, path: str, *, concurrency: int = 10, seconds: float = 5.0, warmup: int = 20) -> LoadResult:
    """Hit http://127.0.0.1:<port><path> from `concurrency` threads for `seconds`."""
    for _ in range(warmup):
        _get(http.client.HTTPConnection(HOST, port, timeout=10), path)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        nonlocal errors
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        local, local_errors = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            ok = _get(connection, path)
            local.append((time.perf_counter() - started) * 1000)
            if not ok:
                local_errors += 1
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
        with lock:
            latencies.extend(local)
            errors += local_errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(path, len(latencies), errors, time.monotonic() - began, latencies)


def _get(connection, path) -> bool:
    try:
        connection.request("GET", path, headers={"Host": HOST, "Accept-Language": "en"})
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except (OSError, http.client.HTTPException):
        connection.close()
        return False


def print_table(results: list[LoadResult], baseline: LoadResult) -> None:
    print(f"{'path':<40} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'vs static':>10}")
    for result in results:
        ratio = result.rps / baseline.rps if baseline.rps else 0
        print(
            f"{result.path:<40} {result.rps:>9.1f} {result.percentile(50):>8.1f} {result.percentile(95):>8.1f} "
            f"{result.errors:>7} {ratio:>9.2f}x"
        )


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="legalaid-bench-"))
