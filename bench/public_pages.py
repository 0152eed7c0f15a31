"""Public pages under load: the home page, a project showcase and the NGO directory,
each cached (an anonymous reader) and uncached (a reader with a session cookie, whom
the public page cache never answers), beside the static-file baseline.

Targets (issue 7): cached pages at least half the static-file throughput; uncached
p95 under 150 ms at 10 concurrent clients.

    .venv/bin/python bench/public_pages.py        (BENCH_SECONDS, BENCH_CONCURRENCY)
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import HOST, ROOT, LoadResult, bench_env, gunicorn, load, prepare, print_table, workdir

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "10"))
STATIC = "/static/css/site.css"
PAGES = {
    "home": "/en/",
    "showcase": "/en/projects/neighbourhood-mediation/",
    "directory": "/zh-hans/directory/",
}
# A session cookie the server does not know: the page renders as for an anonymous
# reader, but the public cache steps aside (see cms.caching.is_cacheable_request).
UNCACHED_HEADERS = {"Cookie": "sessionid=bench-no-cache"}


def load_uncached(port: int, path: str, *, concurrency: int, seconds: float, warmup: int = 10) -> LoadResult:
    def get(connection) -> bool:
        try:
            connection.request("GET", path, headers={"Host": HOST, **UNCACHED_HEADERS})
            response = connection.getresponse()
            response.read()
            return response.status == 200 and response.getheader("X-Public-Cache") is None
        except (OSError, http.client.HTTPException):
            connection.close()
            return False

    warm = http.client.HTTPConnection(HOST, port, timeout=10)
    for _ in range(warmup):
        get(warm)
    latencies, errors, lock = [], 0, threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        nonlocal errors
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        local, local_errors = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            ok = get(connection)
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
    return LoadResult(f"{path} (uncached)", len(latencies), errors, time.monotonic() - began, latencies)


# The public site's demo needs only the loaders up to and including demo.cms.
PARTIAL_DEMO = (
    "from django.db import transaction\n"
    "from demo.loader import PUBLIC_SITE, DemoContext, load\n"
    "with transaction.atomic():\n"
    "    load(DemoContext(), PUBLIC_SITE)\n"
)


def prepare_public_site(env: dict) -> None:
    """The full demo when it loads; else only what the public pages show (a broken
    loader elsewhere must not stop this benchmark)."""
    try:
        prepare(env)
    except subprocess.CalledProcessError:
        print("Full demo failed to load; loading the public site's part only.", flush=True)
        run = [sys.executable, "manage.py"]
        subprocess.run([*run, "shell", "-c", PARTIAL_DEMO], cwd=ROOT, env=env, check=True)
        subprocess.run([*run, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def main() -> None:
    env = bench_env(workdir())
    print("Preparing a production-like database with the demo data…", flush=True)
    prepare_public_site(env)
    with gunicorn(env) as (url, port):
        print(f"gunicorn at {url}: {CONCURRENCY} clients, {SECONDS:.0f} s per path\n", flush=True)
        baseline = load(port, STATIC, concurrency=CONCURRENCY, seconds=SECONDS)
        cached = {name: load(port, path, concurrency=CONCURRENCY, seconds=SECONDS) for name, path in PAGES.items()}
        uncached = {
            name: load_uncached(port, path, concurrency=CONCURRENCY, seconds=SECONDS) for name, path in PAGES.items()
        }
    print_table([baseline, *cached.values(), *uncached.values()], baseline)
    print()
    failed = False
    for name in PAGES:
        ratio = cached[name].rps / baseline.rps if baseline.rps else 0
        p95 = uncached[name].percentile(95)
        ok = ratio >= 0.5 and p95 < 150 and not cached[name].errors and not uncached[name].errors
        failed |= not ok
        print(
            f"{name:<10} cached/static {ratio:4.2f} (≥ 0.50)   uncached p95 {p95:6.1f} ms (< 150)   {'ok' if ok else 'MISSED'}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
