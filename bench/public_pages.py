"""Public pages under load on the production stack, beside a static file served by the
same gunicorn (WhiteNoise): the home page, a project showcase and the NGO directory,
each cached (an anonymous reader, answered from the public page cache) and uncached (a
reader with a session cookie the server does not know, whom the cache never answers).

Targets (issue 15), with wrk at 10 connections on PostgreSQL + Redis:
  - cached pages at least 0.6x the static file's requests per second;
  - uncached pages p95 under 100 ms;
  - no errors; a cached response carries X-Public-Cache: hit, an uncached one no such header;
  - the first request a fresh worker answers (a public page, /admin/login/) under 1 s.
Then it profiles an uncached render of each page (cProfile, SQL queries and cache commands
per render) and a fresh process's first request. Exits 1 on a missed target.

    .venv/bin/python bench/public_pages.py   (BENCH_SECONDS=5, BENCH_CONNECTIONS=10, BENCH_ROUNDS=3,
                                              BENCH_PROFILE=0 to skip the profiles,
                                              BENCH_REUSE=1 to clone a prepared database)

Each cached page is measured right after the static file, in BENCH_ROUNDS rounds; the
median of its ratios counts (the machine's load varies from one run to the next).
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    ROOT,
    bench_env,
    first_request,
    gunicorn,
    prepare,
    print_table,
    probe,
    profile_requests,
    workdir,
    wrk_load,
)

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", os.environ.get("BENCH_CONCURRENCY", "10")))
PROFILE = os.environ.get("BENCH_PROFILE", "1") != "0"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
STATIC = "/static/css/site.css"
PAGES = {
    "home": "/en/",
    "showcase": "/en/projects/neighbourhood-mediation/",
    "directory": "/zh-hans/directory/",
}
# A session cookie the server does not know: the page renders as for an anonymous
# reader, but the public cache steps aside (see cms.caching.is_cacheable_request).
UNCACHED_COOKIES = {"sessionid": "bench-no-cache"}
UNCACHED_HEADERS = {"Cookie": "sessionid=bench-no-cache"}
CACHED_RATIO_TARGET = 0.6
UNCACHED_P95_TARGET_MS = 100
FIRST_REQUEST_TARGET_MS = 1000

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
        subprocess.run([*run, "shell", "-c", PARTIAL_DEMO], cwd=ROOT, env=env, check=True, timeout=900)
        subprocess.run([*run, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)


def median(items: list, *, key):
    """The middle item by `key` (the upper one of an even count)."""
    return sorted(items, key=key)[len(items) // 2]


def check_cache_headers(port: int) -> list[str]:
    """A cached page is answered from the cache (X-Public-Cache: hit) and an uncached one is not."""
    problems = []
    for name, path in PAGES.items():
        probe(port, path)  # fills the cache on a miss
        status, headers, _ = probe(port, path)
        if status != 200 or headers.get("x-public-cache") != "hit":
            problems.append(f"{name}: cached request answered {status}, X-Public-Cache={headers.get('x-public-cache')}")
        status, headers, _ = probe(port, path, headers=UNCACHED_HEADERS)
        if status != 200 or "x-public-cache" in headers:
            problems.append(
                f"{name}: uncached request answered {status}, X-Public-Cache={headers.get('x-public-cache')}"
            )
    return problems


def main() -> None:
    env = bench_env(workdir())
    print("Preparing the database with the demo data…", flush=True)
    prepare_public_site(env)

    with gunicorn(env) as server:
        port = server.port
        print(
            f"\ngunicorn at {server.url} (config/gunicorn.conf.py: sync workers, two per core); wrk, {CONNECTIONS} connections, "
            f"{SECONDS:.0f} s per path\n",
            flush=True,
        )
        header_problems = check_cache_headers(port)
        # On a shared machine the load varies from one run to the next: each cached page is
        # measured right after the static file, in ROUNDS rounds, and the median ratio counts.
        statics, runs, ratios = [], {name: [] for name in PAGES}, {name: [] for name in PAGES}
        for _ in range(max(1, ROUNDS)):
            for name, path in PAGES.items():
                static = wrk_load(port, STATIC, connections=CONNECTIONS, seconds=SECONDS, label=f"{STATIC} (static)")
                page = wrk_load(port, path, connections=CONNECTIONS, seconds=SECONDS, label=f"{path} (cached)")
                statics.append(static)
                runs[name].append(page)
                ratios[name].append(page.rps / static.rps if static.rps else 0)
        baseline = median(statics, key=lambda result: result.rps)
        cached = {
            name: median(runs[name], key=lambda page, name=name: ratios[name][runs[name].index(page)]) for name in PAGES
        }
        for name, page in cached.items():
            page.ratio = ratios[name][runs[name].index(page)]
        uncached = {
            name: wrk_load(
                port,
                path,
                connections=CONNECTIONS,
                seconds=SECONDS,
                headers=UNCACHED_HEADERS,
                label=f"{path} (uncached)",
            )
            for name, path in PAGES.items()
        }
        header_problems += check_cache_headers(port)
        rss = server.worker_rss_kib()
    print_table([baseline, *cached.values(), *uncached.values()], baseline)
    print(
        f"(static: the median of {len(statics)} runs, "
        f"{' '.join(f'{result.rps:.0f}' for result in statics)} req/s; "
        "each cached page: its run with the median ratio to the static run just before it, and that ratio)"
    )
    print(f"worker memory after the run: {', '.join(f'{kib / 1024:.0f} MiB' for kib in rss.values())}")
    print(
        "\nFirst request answered by a fresh worker (one-worker gunicorn, --preload, each started anew, "
        "after the load above: the images' renditions exist and Redis is warm, as when a worker restarts):"
    )
    first = {}
    for label, path, headers in (
        ("public page (uncached render)", PAGES["home"], UNCACHED_HEADERS),
        ("/admin/login/", "/admin/login/", None),
    ):
        ms, since_spawn = first_request(env, path, headers=headers)
        first[label] = ms
        print(f"  {label:<32} {ms:7.1f} ms (< {FIRST_REQUEST_TARGET_MS})   spawn to answer {since_spawn:7.0f} ms")

    print()

    failed = False
    for problem in header_problems:
        print(f"cache header MISSED: {problem}")
        failed = True
    for name in PAGES:
        ratio = cached[name].ratio
        p95 = uncached[name].percentile(95)
        errors = cached[name].errors + uncached[name].errors
        ok = ratio >= CACHED_RATIO_TARGET and p95 < UNCACHED_P95_TARGET_MS and not errors
        failed |= not ok
        print(
            f"{name:<10} cached/static {ratio:4.2f} (≥ {CACHED_RATIO_TARGET:.2f}; rounds "
            f"{' '.join(f'{r:.2f}' for r in ratios[name])})   "
            f"uncached p95 {p95:6.1f} ms (< {UNCACHED_P95_TARGET_MS})   errors {errors}   "
            f"{'ok' if ok else 'MISSED'}"
        )
    for label, ms in first.items():
        ok = ms < FIRST_REQUEST_TARGET_MS
        failed |= not ok
        print(f"first request, {label:<32} {ms:7.1f} ms (< {FIRST_REQUEST_TARGET_MS})   {'ok' if ok else 'MISSED'}")
    if baseline.errors:
        print(f"static file: {baseline.errors} errors   MISSED")
        failed = True
    if env["BENCH_PRODUCTION_STACK"] != "1":
        print("NOTE: not on PostgreSQL + Redis; the targets are defined on the production stack.")

    if PROFILE:
        print("\nWhere an uncached render's time goes (test Client in a subprocess, same settings):\n", flush=True)
        profile_requests(env, list(PAGES.values()), cookies=UNCACHED_COOKIES)
        print(
            "\nA fresh worker's first request (test Client after loading config.wsgi, as gunicorn does):\n", flush=True
        )
        profile_requests(env, [PAGES["home"]], cookies=UNCACHED_COOKIES, warmup=0, renders=1)
        profile_requests(env, ["/admin/login/"], warmup=0, renders=1)
    print(env["BENCH_STACK"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
