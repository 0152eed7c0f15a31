"""A bounded soak on the production stack: mixed public, NGO, reviewer and officer pages
for SOAK_SECONDS (default 1800) at a modest concurrency, with MFA sessions.

gunicorn runs as the README's production command does (config/gunicorn.conf.py; bench/harness.py).
The NGO member, the reviewer and the programme officer sign in over HTTP through the real
login and TOTP forms (bench/sessions.py). SOAK_CLIENTS threads (default 4) each use one
HTTP connection (reopened after each answer: sync workers close it) and go round the mix of pages in their own shuffled order, without
pause, until the time is up; public pages are asked both as an anonymous reader (the
public page cache answers) and with an unknown session cookie (rendered every time).

Every SOAK_SAMPLE_SECONDS (default 30) the resident memory of each gunicorn worker (VmRSS
in /proc/<pid>/status of the master's children) is sampled and printed with the requests
and errors so far.

Judged at the end:
- errors must be 0 (any status other than 200, or a failed connection; a lost session
  shows as a 302 to the login page and counts);
- worker memory must be flat after warm-up: for each worker, its RSS at the end is less
  than 10% above its RSS at the first sample after SOAK_WARMUP_SECONDS (default 300, or a
  sixth of a shorter soak); a worker that was replaced during the soak also fails it.
Exits non-zero when either fails.

    nohup .venv/bin/python bench/soak.py > /work/notes/soak.log 2>&1 &
    (SOAK_SECONDS, SOAK_CLIENTS, SOAK_WARMUP_SECONDS, SOAK_SAMPLE_SECONDS, SOAK_WORKERS;
     BENCH_DATABASE_URL reuses an already prepared database)
"""

import http.client
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import HOST, gunicorn
from bench.sessions import sign_in_roles
from bench.signed_in_pages import environment, page_paths

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "1800"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "4"))
SAMPLE_SECONDS = float(os.environ.get("SOAK_SAMPLE_SECONDS", "30"))
WARMUP_SECONDS = float(os.environ.get("SOAK_WARMUP_SECONDS", str(min(300.0, SOAK_SECONDS / 6))))
WORKERS = int(os.environ.get("SOAK_WORKERS") or 0) or None  # None: the config file's
GROWTH_LIMIT = 0.10  # flat: each worker's RSS at the end < 10% above its RSS after warm-up

PUBLIC_PAGES = [
    "/en/",
    "/zh-hans/",
    "/en/projects/neighbourhood-mediation/",
    "/zh-hans/directory/",
    "/en/calls/",
    "/en/grants/calls/2026-legal-aid-for-workers/",
    "/en/news/spring-cohort-opens/",
]
SOAK_ROLES = ("ngo", "reviewer", "officer")
UNCACHED_COOKIE = "sessionid=soak-no-cache"


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = 0
        self.error_samples: list[str] = []
        self.latencies: dict[str, list[float]] = {}

    def record(self, label: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.requests += 1
            self.latencies.setdefault(label, []).append(ms)
            if error:
                self.errors += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{label}: {error}")


def mix(pages: dict, sessions: dict) -> list[tuple[str, str, dict]]:
    """(label, path, headers) of every request in one round of the mix."""
    requests = []
    for path in PUBLIC_PAGES:
        requests.append((f"public {path}", path, {}))
        requests.append((f"public uncached {path}", path, {"Cookie": UNCACHED_COOKIE}))
    for role in SOAK_ROLES:
        for _label, path in pages[role]:
            requests.append((f"{role} {path}", path, {"Cookie": sessions[role].cookie}))
    return requests


def client(port: int, requests: list, stop_at: float, tally: Tally, seed: int) -> None:
    order = list(requests)
    random.Random(seed).shuffle(order)
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    while time.monotonic() < stop_at:
        for label, path, headers in order:
            if time.monotonic() >= stop_at:
                break
            started = time.perf_counter()
            error = None
            try:
                connection.request("GET", path, headers={"Host": HOST, "Accept-Language": "en", **headers})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    error = f"status {response.status} {response.getheader('Location') or ''}".strip()
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            tally.record(label, (time.perf_counter() - started) * 1000, error)
    connection.close()


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def main() -> int:
    env, users = environment()
    pages = page_paths(env)
    print(
        f"soak: {SOAK_SECONDS:.0f} s, {CLIENTS} clients, {WORKERS or 'the configured'} gunicorn workers (config/gunicorn.conf.py), "
        f"RSS sampled every {SAMPLE_SECONDS:.0f} s, warm-up {WARMUP_SECONDS:.0f} s",
        flush=True,
    )
    tally = Tally()
    samples: list[tuple[float, dict[int, int]]] = []
    with gunicorn(env, workers=WORKERS) as server:
        sessions = sign_in_roles(server.port, users, SOAK_ROLES)
        print("signed in: " + ", ".join(f"{s.role} {s.email}{' (TOTP)' if s.mfa else ''}" for s in sessions.values()))
        requests = mix(pages, sessions)
        print(f"mix of {len(requests)} requests per round:", flush=True)
        for label, _path, _headers in requests:
            print(f"  {label}")
        began = time.monotonic()
        stop_at = began + SOAK_SECONDS
        threads = [
            threading.Thread(target=client, args=(server.port, requests, stop_at, tally, seed), daemon=True)
            for seed in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        samples.append((0.0, server.worker_rss_kib()))
        next_sample = began + SAMPLE_SECONDS
        while any(thread.is_alive() for thread in threads):
            time.sleep(max(0.0, min(next_sample, stop_at + 60) - time.monotonic()))
            now = time.monotonic()
            if now >= next_sample and now <= stop_at + 1:
                rss = server.worker_rss_kib()
                samples.append((now - began, rss))
                print(
                    f"t={now - began:6.0f} s  requests {tally.requests:7d}  errors {tally.errors:4d}  "
                    + "  ".join(f"worker {pid}: {mib(kib)}" for pid, kib in sorted(rss.items())),
                    flush=True,
                )
                next_sample += SAMPLE_SECONDS
            if now > stop_at + 60:
                break
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - began
        samples.append((elapsed, server.worker_rss_kib()))
    return report(tally, samples, elapsed)


def report(tally: Tally, samples: list, elapsed: float) -> int:
    failures = []
    print(
        f"\nsoak over: {elapsed:.0f} s, {tally.requests} requests ({tally.requests / elapsed:.1f} req/s), errors {tally.errors}"
    )
    for sample in tally.error_samples:
        print(f"  error: {sample}")
    if tally.errors:
        failures.append(f"{tally.errors} errors")
    print(f"{'page':<62} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for label, values in sorted(tally.latencies.items()):
        q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
        print(f"{label[:62]:<62} {len(values):>8} {q[49]:>8.1f} {q[94]:>8.1f}")
    warm = next(((t, rss) for t, rss in samples if t >= WARMUP_SECONDS and rss), None)
    end_t, end = samples[-1]
    if warm is None or not end:
        failures.append("no memory sample after the warm-up (soak too short?)")
    else:
        warm_t, warm_rss = warm
        print(
            f"\nworker memory (VmRSS) after warm-up (t={warm_t:.0f} s) and at the end (t={end_t:.0f} s); "
            f"flat when each worker grew < {GROWTH_LIMIT:.0%}:"
        )
        for pid, before in sorted(warm_rss.items()):
            after = end.get(pid)
            if after is None:
                print(f"  worker {pid}: {mib(before)} -> gone (replaced during the soak)")
                failures.append(f"worker {pid} was replaced")
                continue
            growth = (after - before) / before
            print(f"  worker {pid}: {mib(before)} -> {mib(after)}  growth {growth:+.1%}")
            if growth >= GROWTH_LIMIT:
                failures.append(f"worker {pid} grew {growth:.1%}")
        total_before, total_after = sum(warm_rss.values()), sum(end.values())
        print(
            f"  all workers: {mib(total_before)} -> {mib(total_after)}  "
            f"growth {(total_after - total_before) / total_before:+.1%}"
        )
        first = samples[0][1]
        if first:
            print(f"  (at the start: {', '.join(mib(kib) for _, kib in sorted(first.items()))})")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("soak passed: 0 errors, flat worker memory" if not failures else "soak failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
