"""`make bench`: the home page beside a static file, served by one production-like gunicorn.

Prints requests/s and p50/p95 latency for each, and their ratio. Environment:
BENCH_SECONDS (default 5), BENCH_CONCURRENCY (default 10).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_env, gunicorn, load, prepare, print_table, workdir

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "10"))
STATIC = "/static/css/site.css"
PAGES = ["/en/", "/zh-hans/"]


def main() -> None:
    env = bench_env(workdir())
    print("Preparing a production-like database with the demo data…", flush=True)
    prepare(env)
    with gunicorn(env) as (url, port):
        print(f"gunicorn at {url}: {CONCURRENCY} clients, {SECONDS:.0f} s per path\n", flush=True)
        baseline = load(port, STATIC, concurrency=CONCURRENCY, seconds=SECONDS)
        results = [load(port, path, concurrency=CONCURRENCY, seconds=SECONDS) for path in PAGES]
    print_table([baseline, *results], baseline)
    home = results[0]
    print(f"\nhome page / static file throughput ratio: {home.rps / baseline.rps:.2f}")


if __name__ == "__main__":
    main()
