"""Open data at province scale: the 360Giving JSON and CSV of 50,000 awarded grants.

Run (PostgreSQL, the stack the README prescribes)::

    createdb -h 127.0.0.1 -U postgres legalaid_opendata   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legalaid_opendata \\
        .venv/bin/python bench/open_data.py [--rows 50000] [--reset]

Settings are config.settings.production as bench.harness.bench_env gives them (DEBUG off),
with DATABASE_URL from the environment (default: the database above; a sqlite:/// URL
works too, slower to build). The first run migrates the database and creates the grants
with bulk inserts (a minute or so): 20 funders, 200 calls, 5,000 organisations, and per
grant an awarded application naming one to three target areas, the award, a tranche and,
for every other award, a paid payment. Later runs reuse them; `--reset` drops and
recreates the database first (it must be one of its own: the bench refuses a database
holding anything but its own grants).

Then, in this process, through the real URLs with Django's test client, for the JSON and
then the CSV it consumes the whole stream and prints:

- wall time to the last byte (target < 5 s) and to the first byte;
- peak Python memory while streaming (tracemalloc, on a second pass since tracing slows
  Python down; target < 64 MiB) and the peak growth of the process's RSS;
- the queries the request made (counted by a connection.execute_wrapper, which sees the
  server-side cursors' statements too), which must not depend on the
  number of grants (target <= MAX_QUERIES, a constant; tests/cms/test_opendata_streaming.py
  proves the count is the same for 3 and 30 grants);
- bytes, grants written, that the JSON parses with every grant in it and its publisher
  and licence, and that none of the private values the bench planted appears.

It exits with status 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/legalaid_opendata"
# What bench.harness.bench_env sets for config.settings.production, but on a database that
# persists between runs (50,000 grants take minutes to insert; bench_env's is dropped at exit).
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "open-data-bench" / "media"),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
    }
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.identifiers import check_character  # noqa: E402
from grants.awards.models import Award, EvaluationScheme, Tranche  # noqa: E402
from grants.calls.models import Application, Call, Funder  # noqa: E402
from grants.payments.models import Payment  # noqa: E402
from incubator.models import Area, Organisation, ServiceItem  # noqa: E402

TIME_LIMIT = 5.0  # seconds to stream either file
MEMORY_LIMIT = 64 * 1_048_576  # peak Python memory while streaming
MAX_QUERIES = 10  # per file, whatever the number of grants
FUNDERS, CALLS, ORGANISATIONS = 20, 200, 5_000
BATCH = 5_000
REFERENCE_PREFIX = "AW-BENCH-"
FILES = {"JSON": "/en/open-data/360giving.json", "CSV": "/en/open-data/360giving.csv"}


def uscc(first17: str) -> str:
    return first17 + check_character(first17)


# --- Data ---------------------------------------------------------------------------------


def reset_database() -> None:
    """Drop and recreate the bench's database (PostgreSQL only), then migrate."""
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    if connection.vendor != "postgresql":
        raise SystemExit("--reset drops a PostgreSQL database; delete the SQLite file instead.")
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def build(rows: int) -> None:
    """`rows` awarded grants, created with bulk inserts in batches of BATCH."""
    now = timezone.now()
    areas = list(Area.objects.filter(level__in=["district", "town", "village"]).order_by("code"))
    districts = [area for area in areas if area.level == "district"] or [None]
    towns = [area for area in areas if area.level == "town"] or [None]
    item = ServiceItem.objects.select_related("category").order_by("code").first()
    scheme = EvaluationScheme.objects.get(is_default=True)

    funders = Funder.objects.bulk_create(
        Funder(
            name_zh=f"基准市第{i}区司法局",
            name_en=f"Bench Justice Bureau {i}",
            kind=Funder.Kind.JUSTICE_BUREAU,
            uscc=uscc(f"11320{i:03d}014160000"[:17]) if i % 2 else "",
            website=f"https://bureau{i}.example.gov.cn/",
        )
        for i in range(FUNDERS)
    )
    calls = Call.objects.bulk_create(
        Call(
            funder=funders[i % FUNDERS],
            title_zh=f"{2020 + i % 7}年法律服务公益创投第{i}批",
            title_en=f"Legal aid grants, round {i}" if i % 3 else "",
            slug=f"bench-call-{i}",
            summary_zh="社区调解与法律援助项目。",
            total_budget=Decimal("5000000.00"),
            max_per_project=Decimal("100000.00"),
            opens_at=now - dt.timedelta(days=400),
            closes_at=now - dt.timedelta(days=300),
            status=Call.Status.FINAL,
        )
        for i in range(CALLS)
    )
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                name_zh=f"基准法律服务中心{i}",
                name_en=f"Bench Legal Service Centre {i}" if i % 4 else "",
                legal_form=Organisation.LegalForm.PRIVATE_NON_ENTERPRISE,
                field_type=Organisation.FieldType.PROFESSIONAL,
                uscc=uscc(f"523205{i:011d}") if i % 10 else "",
                status=Organisation.Status.VERIFIED,
                district=districts[i % len(districts)],
                town=towns[i % len(towns)] if i % 3 else None,
                address=f"测试路 {i} 号",
                contacts_public=bool(i % 2),
                website=f"https://ngo{i}.example.org/" if i % 5 else "",
                # Private: never in the open data (the bench checks).
                bank_account_number=f"6222{i:012d}",
                contact_phone=f"0512-{i:08d}",
            )
            for i in range(ORGANISATIONS)
        ),
        batch_size=BATCH,
    )
    per_call = -(-rows // CALLS)
    through = Application.target_areas.through
    for start in range(0, rows, BATCH):
        numbers = range(start, min(start + BATCH, rows))
        applications = Application.objects.bulk_create(
            Application(
                call=calls[n // per_call],
                organisation=organisations[n % ORGANISATIONS],
                reference=f"BENCH-{n:07d}",
                status=Application.Status.AWARDED,
                title=f"社区调解项目 {n}",
                summary="在六个社区设立调解室，就近化解邻里纠纷。" * 3,
                category=item.category if item else None,
                service_item=item,
                requested_amount=Decimal("100000.00"),
                submitted_at=now - dt.timedelta(days=300),
                beneficiaries="PRIVATE-BENEFICIARIES",
                screening_reasons="PRIVATE-SCREENING",
            )
            for n in numbers
        )
        through.objects.bulk_create(
            through(application=application, area=areas[(n + k * 7) % len(areas)])
            for n, application in zip(numbers, applications, strict=True)
            for k in range(1 + n % 3)
        )
        awards = Award.objects.bulk_create(
            Award(
                application=application,
                reference=f"{REFERENCE_PREFIX}{n:07d}",
                status=Award.Status.ACTIVE,
                amount=Decimal("80000.00") + n % 1000,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                evaluation_scheme=scheme,
                accepted_at=now,
                terms="PRIVATE-TERMS",
            )
            for n, application in zip(numbers, applications, strict=True)
        )
        tranches = Tranche.objects.bulk_create(
            Tranche(award=award, position=0, label_zh="首期", trigger="on_signing", amount=award.amount * 4 / 10)
            for award in awards
        )
        Payment.objects.bulk_create(
            Payment(
                tranche=tranche,
                funder=application.call.funder,
                payee=application.organisation,
                amount=tranche.amount,
                status=Payment.Status.PAID,
                paid_at=now,
                paid_on=now.date(),
                description="PRIVATE-PAYMENT",
            )
            for tranche, application in zip(tranches, applications, strict=True)
            if tranche.award.pk % 2
        )
        print(f"  {numbers.stop:,} grants", flush=True)
    if connection.vendor == "postgresql":
        # Awards made over three years, not all in the same second.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE awards_award SET created_at = created_at - (id % 1096) * INTERVAL '1 day' "
                "- (id % 86400) * INTERVAL '1 second'"
            )
            cursor.execute("ANALYZE")


def ensure_data(rows: int, *, reset: bool) -> None:
    if reset:
        print("Dropping and recreating the database…", flush=True)
        reset_database()
    call_command("migrate", verbosity=0, interactive=False)
    awards = Award.objects.count()
    bench = Award.objects.filter(reference__startswith=REFERENCE_PREFIX).count()
    if awards and awards != bench:
        raise SystemExit("This database holds awards the bench did not make: give the bench its own database.")
    if bench == rows:
        print(f"Reusing the {rows:,} grants already in the database.", flush=True)
        return
    if bench:
        raise SystemExit(f"The database holds {bench:,} bench grants, not {rows:,}: run with --reset.")
    print(f"Creating {rows:,} awarded grants…", flush=True)
    start = time.perf_counter()
    build(rows)
    print(f"  done in {time.perf_counter() - start:.1f} s\n", flush=True)


# --- Measurements -------------------------------------------------------------------------


class Queries:
    """Every statement the connection executes inside `with connection.execute_wrapper(...)`
    (server-side cursors included), with its duration."""

    def __init__(self):
        self.executed: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        begin = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.executed.append((time.perf_counter() - begin, sql))

    def __len__(self):
        return len(self.executed)


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRss:
    """The highest RSS seen (sampled every 5 ms) while the block runs, above its start."""

    def __enter__(self):
        self.start = self.peak = rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss())
        self.growth = self.peak - self.start


def warm(client: Client, url: str) -> None:
    """One request read to its first chunk: URL patterns, translations, the connection."""
    response = client.get(url)
    next(iter(response.streaming_content))
    response.close()


def stream(client: Client, url: str, sink=None):
    """GET the file and read it to the end, writing it to `sink` (a file) if given:
    (seconds to the first byte, to the last, bytes, the response, CPU seconds of this process)."""
    cpu = time.process_time()
    begin = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert response.streaming, f"{url} is not streamed"
    first = None
    size = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - begin
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    response.close()
    return first or 0.0, time.perf_counter() - begin, size, response, time.process_time() - cpu


def measure(client: Client, label: str, url: str, rows: int) -> bool:
    warm(client, url)
    with tempfile.TemporaryFile() as body:
        # The body goes to a file, not into this process's memory.
        queries = Queries()
        with connection.execute_wrapper(queries), PeakRss() as memory:
            first, total, size, response, cpu = stream(client, url, sink=body)
        tracemalloc.start()
        stream(client, url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        body.seek(0)
        content = body.read()

    if label == "JSON":
        data = json.loads(content)
        grants = len(data["grants"])
        assert data["publisher"]["name"] and data["license"], "publisher and licence metadata"
        data = None
    else:
        grants = content.count(b"\n360G-")  # each row starts with the grant's identifier
    for secret in ("PRIVATE-", "6222000000", "0512-0000"):
        assert secret.encode() not in content, f"private data ({secret}) in the {label}"
    content = None

    checks = {
        "time": total < TIME_LIMIT,
        "memory": peak < MEMORY_LIMIT,
        "queries": len(queries) <= MAX_QUERIES,
        "grants": grants == rows,
    }
    mark = {True: "ok", False: "MISSED"}
    print(f"{label} {url}")
    print(f"  {response['Content-Type']}; ETag {response.get('ETag', '-')}")
    print(f"  grants: {grants:,}   size: {size / 1_048_576:.1f} MiB   [{mark[checks['grants']]}]")
    print(
        f"  wall time: {total:.2f} s (first byte {first:.3f} s, {rows / total:,.0f} grants/s)"
        f"   target < {TIME_LIMIT:.0f} s [{mark[checks['time']]}]"
    )
    print(f"  CPU time of this process: {cpu:.2f} s (the rest: the database, and other processes on a busy machine)")
    print(
        f"  peak Python memory (tracemalloc): {peak / 1_048_576:.1f} MiB   target < "
        f"{MEMORY_LIMIT // 1_048_576} MiB [{mark[checks['memory']]}]"
    )
    print(f"  RSS growth while streaming: {memory.growth / 1_048_576:.1f} MiB")
    print(f"  queries: {len(queries)}   target <= {MAX_QUERIES}, not growing with rows [{mark[checks['queries']]}]")
    for seconds, sql in queries.executed:
        print(f"    {seconds:7.3f} s  {sql[:110]}")
    print()
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()

    database = urlsplit(os.environ["DATABASE_URL"])
    print(f"Database: {connection.vendor} {database.hostname or ''}{database.path}")
    ensure_data(args.rows, reset=args.reset)
    # Not-modified: the ETag costs a couple of aggregate queries, never the file.
    client = Client()
    results = [measure(client, label, url, args.rows) for label, url in FILES.items()]
    head = client.get(FILES["JSON"])
    head.close()  # not read: only its ETag
    etag = head["ETag"]
    queries = Queries()
    with connection.execute_wrapper(queries):
        begin = time.perf_counter()
        not_modified = client.get(FILES["JSON"], HTTP_IF_NONE_MATCH=etag)
        elapsed = time.perf_counter() - begin
    print(f"If-None-Match with the current ETag: {not_modified.status_code} in {elapsed:.3f} s, {len(queries)} queries")
    results.append(not_modified.status_code == 304)
    print("\nAll targets met." if all(results) else "\nSome targets MISSED.")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
