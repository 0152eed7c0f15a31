"""Benchmark harness: the production stack on loopback, a load generator, a profiler.

Everything targets 127.0.0.1 only and every loop is bounded in time. Typical use::

    from bench.harness import bench_env, prepare, gunicorn, wrk_load, print_table, workdir

    env = bench_env(workdir())          # prints the stack as its first line of output
    prepare(env)                        # migrate, load_demo, collectstatic
    with gunicorn(env) as (url, port):  # the README's production command
        static = wrk_load(port, "/static/css/site.css", seconds=5)
        page = wrk_load(port, "/en/", seconds=5, headers={"Cookie": "sessionid=x"})
    print_table([static, page], static)
    profile_requests(env, ["/en/"], cookies={"sessionid": "x"})

API
---
``bench_env(workdir, *, announce=True) -> dict``
    Environment for ``config.settings.production`` (DEBUG off, WhiteNoise, cached
    templates). PostgreSQL when 127.0.0.1:5432 answers (a fresh database
    ``legalaid_bench_<pid>``, created here and dropped by ``cleanup(env)`` or at exit)
    and Redis when 127.0.0.1:6379 answers (``CACHE_URL=redis://127.0.0.1:6379/<db>``,
    a database no one else is using, claimed with a ``legalaid-bench:owner`` key and
    flushed before the run; ``BENCH_REDIS_DB`` forces one). Otherwise SQLite in
    ``workdir`` and local memory (one cache per gunicorn worker). Celery runs eagerly
    (no broker): the pages measured queue no tasks. The returned dict carries
    ``BENCH_STACK`` (one line; printed first when ``announce``; it ends with the
    interpreter, whose build alone changes the figures by 10-30 %, and
    ``cpu_reference_ms()``), ``BENCH_PRODUCTION_STACK`` ("1" on PostgreSQL + Redis) and
    ``BENCH_PG_DB`` / ``BENCH_REDIS_DB``.
``cpu_reference_ms() -> float``
    How fast this machine runs Python: the best of three runs of a fixed loop (two
    million additions), in ms. The same VM has run the benches up to three times slower
    from one day to the next; figures from different runs compare after scaling by it.
``prepare(env, *, demo=True, reuse=None)``
    ``migrate``, ``load_demo`` (the whole demo) and ``collectstatic`` in subprocesses.
    With ``reuse`` (default: ``BENCH_REUSE=1``) on PostgreSQL the prepared database and
    media are kept as a template database (``legalaid_bench_tpl_<key>``, the key hashing
    the migrations, ``demo/``, the models and ``requirements.txt``) that later runs
    clone in seconds instead of minutes; a fresh run (the default) prepares afresh.
``gunicorn(env, *, workers=None, threads=None, timeout=60) -> Server``
    Context manager. Starts gunicorn as the README's production command does
    (``gunicorn -c config/gunicorn.conf.py``: sync workers, two per core, preloaded,
    the collector frozen before the fork), with ``workers`` workers and ``threads``
    threads when given, bound to 127.0.0.1 on a free port, and waits until the app answers. The ``Server`` unpacks as
    ``(url, port)``; it also has ``.url``, ``.port``, ``.process``, ``.started`` (monotonic time of the
    spawn), ``.worker_pids()`` and ``.worker_rss_kib()`` (resident memory per worker).
``wrk_load(port, path, *, connections=10, threads=2, seconds=5, headers=None, warmup=20) -> LoadResult``
    Loads ``http://127.0.0.1:<port><path>`` with ``wrk`` (Debian package) for a fixed
    time after ``warmup`` requests; a Lua ``done()`` hook prints requests, errors
    (socket errors + HTTP status > 399), duration and latency percentiles as JSON. When
    ``wrk`` is missing it falls back to ``python_load`` (threads, keep-alive), which caps
    near 1,000 req/s on two cores, and says so once on stderr.
``python_load(port, path, *, concurrency=10, seconds=5, headers=None, warmup=20) -> LoadResult``
    The Python thread client (fallback).
``LoadResult``
    ``path``, ``label``, ``requests``, ``errors`` (``error_kinds``: connect, read, write,
    timeout, status), ``seconds``, ``tool``; ``.rps`` and
    ``.percentile(q)`` (milliseconds; 50, 75, 90, 95, 99 and 99.9 are kept from wrk).
``probe(port, path, *, headers=None) -> (status, headers, milliseconds)``
    One GET, for checks such as ``X-Public-Cache: hit``.
``first_request(env, path, *, headers=None) -> (ms_first, ms_start_to_answer)``
    Starts a one-worker gunicorn and times the first request that fresh worker answers.
``print_table(results, baseline)``
    req/s, p50, p95, p99, errors and the ratio to ``baseline`` (the static file), or the
    result's own ``ratio`` when set.
``profile_requests(env, paths, *, headers=None, cookies=None, renders=20, top=12, login=None, warmup=2) -> list[dict]``
    In a subprocess with the same environment: Django's test ``Client`` renders each
    path ``renders`` times under cProfile (after ``warmup`` unprofiled renders; with
    ``warmup=0, renders=1`` it profiles a fresh worker's first request: the child loads
    ``config.wsgi`` first, as gunicorn does) and
    prints the ``top`` functions by cumulative time, the mean render time, the SQL
    queries and the cache commands (Redis commands and round trips; the cache
    backend's calls on local memory) per render. ``login`` is an email whose user the
    client is logged in as (``force_login``, no MFA) before the renders. Returns one
    dict per path (``path``, ``status``, ``ms``, ``queries``, ``cache_commands``,
    ``cache_round_trips``, ``profile``).
``cleanup(env)``
    Drops the PostgreSQL database and releases the Redis database (idempotent).
``flush_cache(env)``
    Empties the run's Redis database (nothing to do on local memory, where restarting
    gunicorn empties the caches).
``gunicorn_command(port, *, workers=None, threads=None, timeout=60) -> list``
    The command line ``gunicorn()`` runs.
``workdir() -> Path``
    A fresh temporary directory.
"""

import atexit
import contextlib
import cProfile
import hashlib
import http.client
import importlib
import json
import os
import platform
import pstats
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connections
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_PORT = 5432
REDIS_PORT = 6379
# Redis databases the harness may claim (0-9 are left to the project and the helpers' tests).
REDIS_DBS = range(10, 16)
REDIS_OWNER_KEY = "legalaid-bench:owner"
WRK_MARKER = "BENCH-WRK-JSON "
PROFILE_MARKER = "BENCH-PROFILE-JSON "
SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

try:  # optional: without them the harness falls back to SQLite and local memory
    import psycopg
except ImportError:  # pragma: no cover
    psycopg = None
try:
    import redis
except ImportError:  # pragma: no cover
    redis = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


# --- the stack -----------------------------------------------------------------------


def _create_pg_database() -> tuple[str | None, str]:
    """A fresh database on the local PostgreSQL, or (None, why not)."""
    if psycopg is None:
        return None, "psycopg is not installed"
    if not _answers(PG_PORT):
        return None, f"PostgreSQL does not answer at {HOST}:{PG_PORT}"
    name = f"legalaid_bench_{os.getpid()}"
    try:
        with psycopg.connect(
            f"host={HOST} port={PG_PORT} user=postgres dbname=postgres", autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _drop_stale_databases(conn)
            conn.execute(f'CREATE DATABASE "{name}"')
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        return None, f"PostgreSQL refused: {error}".strip()
    return name, version


def _drop_stale_databases(conn) -> None:
    """Databases left by benches whose process is gone (killed before their cleanup ran)."""
    names = conn.execute(r"SELECT datname FROM pg_database WHERE datname ~ '^legalaid_bench_[0-9]+$'").fetchall()
    for (name,) in names:
        if not _pid_alive(int(name.rsplit("_", 1)[1])):
            with contextlib.suppress(psycopg.Error):
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _drop_pg_database(name: str) -> None:
    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(
            f"host={HOST} port={PG_PORT} user=postgres dbname=postgres", autocommit=True, connect_timeout=5
        ) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim_redis_db() -> tuple[int | None, str]:
    """A Redis database no one else uses, flushed, with our pid as its owner; or (None, why not)."""
    if redis is None:
        return None, "the redis package is not installed"
    if not _answers(REDIS_PORT):
        return None, f"Redis does not answer at {HOST}:{REDIS_PORT}"
    forced = os.environ.get("BENCH_REDIS_DB")
    candidates = [int(forced)] if forced else list(REDIS_DBS)
    pid = str(os.getpid())
    try:
        for db in candidates:
            client = redis.Redis(host=HOST, port=REDIS_PORT, db=db, socket_timeout=5)
            owner = client.get(REDIS_OWNER_KEY)
            if owner is not None and owner.decode() != pid and _pid_alive(int(owner)) and not forced:
                continue  # another bench is running on it
            if owner is None and client.dbsize() and not forced:
                continue  # someone else's data
            if owner is None and not client.set(REDIS_OWNER_KEY, pid, nx=True) and not forced:
                continue  # lost a race
            with client.pipeline(transaction=True) as pipe:
                pipe.flushdb().set(REDIS_OWNER_KEY, pid).execute()
            version = client.info("server").get("redis_version", "?")
            client.close()
            return db, version
    except redis.RedisError as error:
        return None, f"Redis refused: {error}"
    return None, f"no free Redis database among {candidates[0]}-{candidates[-1]}"


def _release_redis_db(db: int) -> None:
    with contextlib.suppress(redis.RedisError):
        client = redis.Redis(host=HOST, port=REDIS_PORT, db=db, socket_timeout=5)
        if client.get(REDIS_OWNER_KEY) == str(os.getpid()).encode():
            client.flushdb()
        client.close()


def bench_env(workdir: Path, *, announce: bool = True) -> dict:
    """The environment of a production-like run; see the module docstring."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:8000",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private-media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for variable in ("CACHE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DATABASE_URL"):
        env.pop(variable, None)
    pg_name, pg_note = _create_pg_database()
    redis_db, redis_note = _claim_redis_db()
    parts = []
    if pg_name:
        env["DATABASE_URL"] = f"postgres://postgres@{HOST}:{PG_PORT}/{pg_name}"
        env["BENCH_PG_DB"] = pg_name
        parts.append(f"PostgreSQL {pg_note} (database {pg_name})")
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        parts.append(f"SQLite (fallback: {pg_note})")
    if redis_db is not None:
        env["CACHE_URL"] = f"redis://{HOST}:{REDIS_PORT}/{redis_db}"
        env["BENCH_REDIS_DB"] = str(redis_db)
        parts.append(f"Redis {redis_note} (db {redis_db}, flushed)")
    else:
        parts.append(f"local-memory cache, one per worker (fallback: {redis_note})")
    production = pg_name is not None and redis_db is not None
    env["BENCH_PRODUCTION_STACK"] = "1" if production else "0"
    env["BENCH_STACK"] = (
        f"stack: {' + '.join(parts)}; Celery eager; "
        + ("the production stack" if production else "NOT the production stack, figures are not comparable")
        + f"; Python {platform.python_version()} ({Path(sys.executable).resolve()})"
        + f"; CPU reference {cpu_reference_ms():.0f} ms (2 million Python additions)"
    )
    atexit.register(cleanup, env)
    if announce:
        print(env["BENCH_STACK"], flush=True)
    return env


def cpu_reference_ms() -> float:
    """The best of three runs of a fixed pure-Python loop, in ms (see the module docstring)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def cleanup(env: dict) -> None:
    """Drop the benchmark's PostgreSQL database and flush its Redis database (idempotent)."""
    if name := env.pop("BENCH_PG_DB", None):
        _drop_pg_database(name)
    if db := env.pop("BENCH_REDIS_DB", None):
        _release_redis_db(int(db))


def flush_cache(env: dict) -> None:
    """Empty the run's Redis database (keeps the owner key); nothing to do on local memory."""
    if db := env.get("BENCH_REDIS_DB"):
        client = redis.Redis(host=HOST, port=REDIS_PORT, db=int(db), socket_timeout=5)
        with client.pipeline(transaction=True) as pipe:
            pipe.flushdb().set(REDIS_OWNER_KEY, str(os.getpid())).execute()
        client.close()


def prepare(env: dict, *, demo: bool = True, reuse: bool | None = None) -> None:
    """migrate, load_demo and collectstatic. With `reuse` (default: BENCH_REUSE=1) on
    PostgreSQL, the prepared database and media are kept as a template keyed by the
    migrations, demo/, the models and the pinned requirements, and later runs clone it."""
    run = [sys.executable, "manage.py"]
    if reuse is None:
        reuse = os.environ.get("BENCH_REUSE") == "1"
    template = _template_name(demo) if reuse and env.get("BENCH_PG_DB") else None
    if template and _clone_template(env, template):
        print(f"(BENCH_REUSE=1: cloned the prepared database {template})", flush=True)
    else:
        subprocess.run([*run, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=900)
        if demo:
            subprocess.run([*run, "load_demo", "--quiet"], cwd=ROOT, env=env, check=True, timeout=900)
        if template:
            _save_template(env, template)
    subprocess.run([*run, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)


TEMPLATE_PREFIX = "legalaid_bench_tpl_"
TEMPLATE_MEDIA = Path(tempfile.gettempdir()) / "legalaid-bench-templates"


def _template_name(demo: bool) -> str:
    """Changes whenever what a prepared database holds may change."""
    digest = hashlib.sha256(str(demo).encode())
    sources = [ROOT / "requirements.txt", *sorted((ROOT / "demo").rglob("*"))]
    sources += sorted(path for path in ROOT.glob("**/migrations/*.py") if ".venv" not in path.parts)
    sources += sorted(path for path in ROOT.glob("**/models*.py") if ".venv" not in path.parts)
    sources += sorted(path for path in ROOT.glob("**/models/*.py") if ".venv" not in path.parts)
    for path in sources:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return TEMPLATE_PREFIX + digest.hexdigest()[:16]


def _pg_admin():
    return psycopg.connect(
        f"host={HOST} port={PG_PORT} user=postgres dbname=postgres", autocommit=True, connect_timeout=5
    )


def _clone_template(env: dict, template: str) -> bool:
    media = TEMPLATE_MEDIA / template
    try:
        with _pg_admin() as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
                return False
            name = env["BENCH_PG_DB"]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    except psycopg.Error as error:
        print(f"(could not clone {template}: {error}; preparing afresh)", flush=True)
        return False
    for folder in ("media", "private-media"):
        if (media / folder).is_dir():
            shutil.copytree(media / folder, Path(env[f"{folder.upper().replace('-', '_')}_ROOT"]), dirs_exist_ok=True)
    return True


def _save_template(env: dict, template: str) -> None:
    """Copies the prepared database to `template` (published by a rename, so a half-made
    copy is never cloned) with its media; drops templates of other keys."""
    media = TEMPLATE_MEDIA / template
    for folder in ("media", "private-media"):
        source = Path(env[f"{folder.upper().replace('-', '_')}_ROOT"])
        if source.is_dir():
            shutil.copytree(source, media / folder, dirs_exist_ok=True)
    partial = f"{template}_{os.getpid()}"
    try:
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{partial}" TEMPLATE "{env["BENCH_PG_DB"]}"')
            try:
                conn.execute(f'ALTER DATABASE "{partial}" RENAME TO "{template}"')
            except psycopg.errors.DuplicateDatabase:
                conn.execute(f'DROP DATABASE "{partial}"')
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [TEMPLATE_PREFIX.replace("_", r"\_") + "%", template],
            ).fetchall()
            for (old,) in rows:
                if not old.startswith(template):
                    with contextlib.suppress(psycopg.Error):
                        conn.execute(f'DROP DATABASE "{old}"')
                    shutil.rmtree(TEMPLATE_MEDIA / old, ignore_errors=True)
    except psycopg.Error as error:
        print(f"(could not keep the prepared database as {template}: {error})", flush=True)


# --- gunicorn ------------------------------------------------------------------------


class Server:
    """A running gunicorn; unpacks as (url, port)."""

    def __init__(self, process: subprocess.Popen, port: int, started: float):
        self.process = process
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.started = started

    def __iter__(self):
        return iter((self.url, self.port))

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_kib(self) -> dict[int, int]:
        sizes = {}
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1])
        return sizes


def gunicorn_command(port: int, *, workers: int | None = None, threads: int | None = None, timeout: int = 60) -> list:
    """The README's production command (config/gunicorn.conf.py: sync workers, preloaded,
    the collector frozen before the fork), bound to loopback; `workers` and `threads`
    default to the config file's (threads > 1 makes gunicorn use gthread workers)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "config" / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        str(timeout),
        "--log-level",
        "warning",
        "--access-logfile",
        "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
    ]
    if workers:
        command += ["--workers", str(workers)]
    return [*command, "--threads", str(threads)] if threads else command


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int | None = None, threads: int | None = None, timeout: int = 60):
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        gunicorn_command(port, workers=workers, threads=threads, timeout=timeout), cwd=ROOT, env=env
    )
    server = Server(process, port, started)
    try:
        _wait_until_listening(process, port, deadline=started + 60)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_listening(process: subprocess.Popen, port: int, *, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        if _answers(port):
            return
        time.sleep(0.05)
    raise RuntimeError("gunicorn did not start within 60 s")


def first_request(env: dict, path: str, *, headers: dict | None = None) -> tuple[float, float]:
    """A fresh one-worker gunicorn: (ms of its first request, ms from spawn to that answer)."""
    with gunicorn(env, workers=1) as server:
        status, _, ms = probe(server.port, path, headers=headers, timeout=30)
        if status >= 400:
            raise RuntimeError(f"first request to {path} answered {status}")
        return ms, (time.monotonic() - server.started) * 1000


# --- load ----------------------------------------------------------------------------


@dataclass
class LoadResult:
    path: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list = field(default_factory=list)
    percentiles_ms: dict = field(default_factory=dict)
    tool: str = "python"
    label: str = ""
    error_kinds: dict = field(default_factory=dict)
    # The ratio print_table shows when set (e.g. to a baseline measured just before this run).
    ratio: float | None = None

    def __post_init__(self):
        self.label = self.label or self.path

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if q in self.percentiles_ms:
            return self.percentiles_ms[q]
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=1000, method="inclusive")[round(q * 10) - 1]


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %f, "p75": %f, "p90": %f, "p95": %f, "p99": %f, "p99.9": %f, ' ..
    '"max": %f}\\n',
    "MARKER", summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency:percentile(99.9), latency.max))
end
"""
_wrk_missing_said = False


def wrk_load(
    port: int,
    path: str,
    *,
    connections: int = 10,
    threads: int = 2,
    seconds: float = 5.0,
    headers: dict | None = None,
    warmup: int = 20,
    label: str = "",
) -> LoadResult:
    """Load http://127.0.0.1:<port><path> with wrk for `seconds` (falls back to python_load)."""
    global _wrk_missing_said  # said once per process
    wrk = shutil.which("wrk")
    if wrk is None:
        if not _wrk_missing_said:
            print(
                "wrk is missing (apt-get install wrk): falling back to the Python client, "
                "which caps near the static file's rate",
                file=sys.stderr,
                flush=True,
            )
            _wrk_missing_said = True
        return python_load(port, path, concurrency=connections, seconds=seconds, headers=headers, label=label)
    _warm(port, path, headers, warmup)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("MARKER", WRK_MARKER))
    command = [wrk, "-c", str(connections), "-t", str(min(threads, connections)), "-d", f"{max(1, round(seconds))}s"]
    command += ["--timeout", "10s", "-s", script.name, "-H", "Accept-Language: en"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run(
            [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith(WRK_MARKER))
    data = json.loads(line[len(WRK_MARKER) :])
    kinds = {kind: data[kind] for kind in ("connect", "read", "write", "status", "timeout") if data[kind]}
    percentiles = {float(q): data[f"p{q}"] / 1000 for q in ("50", "75", "90", "95", "99", "99.9")}
    return LoadResult(
        path,
        data["requests"],
        sum(kinds.values()),
        data["duration_us"] / 1e6,
        percentiles_ms=percentiles,
        tool="wrk",
        label=label,
        error_kinds=kinds,
    )


def python_load(
    port: int,
    path: str,
    *,
    concurrency: int = 10,
    seconds: float = 5.0,
    headers: dict | None = None,
    warmup: int = 20,
    label: str = "",
) -> LoadResult:
    """Hit http://127.0.0.1:<port><path> from `concurrency` threads for `seconds`."""
    _warm(port, path, headers, warmup)
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
            ok = _get(connection, path, headers)
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
    return LoadResult(path, len(latencies), errors, time.monotonic() - began, latencies, label=label)


# The former name of python_load.
load = python_load


def _warm(port: int, path: str, headers: dict | None, count: int) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    for _ in range(count):
        if not _get(connection, path, headers):
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.close()


def _get(connection, path, headers=None) -> bool:
    try:
        connection.request("GET", path, headers={"Host": HOST, "Accept-Language": "en", **(headers or {})})
        response = connection.getresponse()
        response.read()
        return response.status < 400
    except (OSError, http.client.HTTPException):
        connection.close()
        return False


def probe(port: int, path: str, *, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, float]:
    """One GET: (status, headers with lower-case names, milliseconds)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": HOST, "Accept-Language": "en", **(headers or {})})
        response = connection.getresponse()
        response.read()
        ms = (time.perf_counter() - started) * 1000
        return response.status, {name.lower(): value for name, value in response.getheaders()}, ms
    finally:
        connection.close()


def print_table(results: list[LoadResult], baseline: LoadResult) -> None:
    width = max(40, *(len(result.label) for result in results))
    print(f"{'path':<{width}} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs static':>10}")
    for result in results:
        ratio = result.ratio if result.ratio is not None else result.rps / baseline.rps if baseline.rps else 0
        print(
            f"{result.label:<{width}} {result.rps:>9.1f} {result.percentile(50):>8.1f} {result.percentile(95):>8.1f} "
            f"{result.percentile(99):>8.1f} {result.errors:>7} {ratio:>9.2f}x"
        )
    for result in results:
        if result.error_kinds:
            print(f"errors of {result.label}: {', '.join(f'{kind} {n}' for kind, n in result.error_kinds.items())}")
    tools = sorted({result.tool for result in results})
    print(f"(load generator: {', '.join(tools)})")


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="legalaid-bench-"))


# --- profiling ------------------------------------------------------------------------


def profile_requests(
    env: dict,
    paths: list[str],
    *,
    headers: dict | None = None,
    cookies: dict | None = None,
    renders: int = 20,
    top: int = 12,
    login: str | None = None,
    warmup: int = 2,
    echo: bool = True,
) -> list[dict]:
    """Profile renders of `paths` with Django's test Client in a subprocess; see the module docstring."""
    request = {
        "paths": paths,
        "headers": headers or {},
        "cookies": cookies or {},
        "renders": renders,
        "top": top,
        "login": login,
        "warmup": warmup,
    }
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "profile", json.dumps(request)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"profiling failed:\n{completed.stderr[-4000:]}")
    results = [
        json.loads(line[len(PROFILE_MARKER) :])
        for line in completed.stdout.splitlines()
        if line.startswith(PROFILE_MARKER)
    ]
    if echo:
        for result in results:
            print(format_profile(result))
    return results


def format_profile(result: dict) -> str:
    cache = f"{result['cache_commands']:.1f} cache commands"
    if result["cache_round_trips"] is not None:
        cache += f" in {result['cache_round_trips']:.1f} round trips"
    return (
        f"--- profile of {result['path']} (status {result['status']}): {result['ms']:.1f} ms per render "
        f"under cProfile, {result['queries']:.1f} SQL queries, {cache} per render "
        f"({result['renders']} renders)\n{result['profile']}"
    )


class _Counter:
    """Counts SQL queries (a connection execute wrapper) and cache commands."""

    def __init__(self):
        self.queries = 0
        self.commands = 0
        self.round_trips = 0

    def sql(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def _install_cache_counter(counter: _Counter) -> bool:
    """Counts Redis commands and round trips when the cache is Redis, else the backend's calls.
    Returns whether round trips are counted."""
    backend = caches["default"]
    if type(backend).__module__.startswith("django_redis"):
        execute = redis.Redis.execute_command
        pipeline_execute = redis.client.Pipeline.execute

        def counted_execute(self, *args, **options):
            counter.commands += 1
            counter.round_trips += 1
            return execute(self, *args, **options)

        def counted_pipeline(self, *args, **options):
            counter.commands += len(self.command_stack)
            counter.round_trips += 1
            return pipeline_execute(self, *args, **options)

        redis.Redis.execute_command = counted_execute
        redis.client.Pipeline.execute = counted_pipeline
        return True
    for name in ("get", "set", "add", "delete", "get_many", "set_many", "delete_many", "incr", "decr", "touch"):
        original = getattr(backend, name)

        def counted(*args, _original=original, **kwargs):
            counter.commands += 1
            return _original(*args, **kwargs)

        setattr(backend, name, counted)
    return False


def _profile_child(request: dict) -> None:
    """Runs in the subprocess started by profile_requests (DJANGO_SETTINGS_MODULE from env)."""
    django.setup()
    importlib.import_module("config.wsgi")  # what a gunicorn worker has loaded before its first request

    counter = _Counter()
    counts_round_trips = _install_cache_counter(counter)
    client = Client(headers={"Accept-Language": "en", **request["headers"]}, HTTP_HOST=HOST)
    for name, value in request["cookies"].items():
        client.cookies[name] = value
    client.handler.load_middleware()  # as get_wsgi_application() has (WhiteNoise scans the static files)
    if request["login"]:
        client.force_login(get_user_model().objects.get(email=request["login"]))
    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(counter.sql))
        for path in request["paths"]:
            for _ in range(request["warmup"]):
                client.get(path)
            counter.queries = counter.commands = counter.round_trips = 0
            profiler = cProfile.Profile()
            started = time.perf_counter()
            for _ in range(request["renders"]):
                profiler.enable()
                status = client.get(path).status_code
                profiler.disable()
            elapsed = (time.perf_counter() - started) * 1000
            renders = request["renders"]
            report = {
                "path": path,
                "status": status,
                "renders": renders,
                "ms": elapsed / renders,
                "queries": counter.queries / renders,
                "cache_commands": counter.commands / renders,
                "cache_round_trips": counter.round_trips / renders if counts_round_trips else None,
                "profile": _profile_table(pstats.Stats(profiler), renders, request["top"]),
            }
            print(PROFILE_MARKER + json.dumps(report), flush=True)


def _short(func: tuple) -> str:
    """file:line(function) with the file relative to site-packages or the project."""
    filename, line, name = func
    for marker in ("site-packages/", f"{ROOT}/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})"


# Frames that only pass the request or a template node on: they sit above everything else
# in a cumulative listing and say nothing about where the time goes.
PLUMBING = (
    "django/test/",
    "django/core/handlers/",
    "django/utils/deprecation.py",
    "django/template/base.py",
    "django/template/loader_tags.py",
    "django/template/response.py",
    "django/template/backends/",
    "django/template/loader.py",
    "django/template/defaulttags.py",
    "django/shortcuts.py",
    "<frozen importlib",
    "importlib/__init__.py",
    "bench/harness.py",
)


def _is_plumbing(func: tuple) -> bool:
    filename, _, name = func
    if filename.endswith("middleware.py") and name in ("__call__", "sync_middleware", "async_middleware"):
        return True
    return any(part in filename for part in PLUMBING)


def _profile_table(stats: pstats.Stats, renders: int, top: int) -> str:
    """Three listings in milliseconds per render: the project's own functions by cumulative
    time; every function by cumulative time without the request and template plumbing
    (PLUMBING) and without frames holding over 90 % of the time; every function by own time."""
    rows = [(func, calls, own, cumulative) for func, (_, calls, own, cumulative, _) in stats.stats.items()]
    total = max((cumulative for *_, cumulative in rows), default=0)
    ours = [row for row in rows if row[0][0].startswith(f"{ROOT}/") and "/.venv/" not in row[0][0]]
    ours = [row for row in ours if not _is_plumbing(row[0])]
    inner = [row for row in rows if row[3] < 0.9 * total and not _is_plumbing(row[0])]
    header = f"  {'cum ms':>8} {'own ms':>8} {'calls':>7}"

    def listing(title: str, chosen: list, key) -> list[str]:
        lines = [f"{header}  {title}"]
        lines += [
            f"  {cum * 1000 / renders:8.2f} {tt * 1000 / renders:8.2f} {calls / renders:7.1f}  {_short(func)}"
            for func, calls, tt, cum in sorted(chosen, key=key)[:top]
        ]
        return lines

    return "\n".join(
        listing("project code, by cumulative time", ours, lambda row: -row[3])
        + listing("everything by cumulative time, request and template plumbing left out", inner, lambda row: -row[3])
        + listing("by own time", rows, lambda row: -row[2])
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "profile":
        sys.path.insert(0, str(ROOT))
        _profile_child(json.loads(sys.argv[2]))
    else:
        sys.exit("usage: harness.py profile '<json>' (started by profile_requests)")
