"""Staff application list and CSV export with 10,000 applications.

Run: ``.venv/bin/python bench/applications_bench.py [--rows N]``. Builds a throwaway
SQLite database, one call with three questions and N submitted applications (each
from its own organisation, with answers), then measures in-process, through the real
URLs with a signed-in programme officer:

- the Wagtail application list (first page, a filtered page, a search): time and
  query count, with the query count compared to the same page over 10 rows — it
  must not grow;
- the streaming CSV export: time to first byte, total time, rows, and the peak
  Python memory while streaming (it must stay far below the size of the export).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.conf import settings

    # The test settings point tests at an in-memory database; the bench wants the file.
    settings.DATABASES["default"]["NAME"] = str(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(rows: int):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from grants.calls.models import Application
    from incubator.models import Organisation, ServiceItem
    from tests.factories.accounts import UserFactory
    from tests.factories.grants import CallFactory, FunderFactory
    from tests.factories.incubator import make_uscc

    officer = UserFactory(officer=True, email="bench-officer@bureau.gov.cn")
    funder = FunderFactory(officers=[officer])
    call = CallFactory(funder=funder, slug="bench-call", closed=True)
    call.questions = [
        ("short_text", {"label": "Partner school", "help_text": "", "required": False, "max_length": 100}),
        ("long_text", {"label": "Why now?", "help_text": "", "required": False, "max_words": 300}),
        ("single_choice", {"label": "Run before?", "help_text": "", "required": False, "choices": ["Yes", "No"]}),
    ]
    call.save()
    call.refresh_from_db()
    questions = list(call.questions)
    item = ServiceItem.objects.select_related("category").get(code="neighbourhood-mediation")
    now = timezone.now()
    batch = 2000
    created = 0
    while created < rows:
        size = min(batch, rows - created)
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name_zh=f"基准测试组织{created + i}",
                name_en=f"Bench NGO {created + i}",
                legal_form=Organisation.LegalForm.PRIVATE_NON_ENTERPRISE,
                field_type=Organisation.FieldType.PROFESSIONAL,
                uscc=make_uscc("private_non_enterprise", 900000 + created + i),
                status=Organisation.Status.VERIFIED,
            )
            for i in range(size)
        )
        Application.objects.bulk_create(
            Application(
                call=call,
                organisation=organisation,
                reference=f"GC-2026-{created + i + 1:05d}",
                status=Application.Status.SUBMITTED,
                title=f"Mediation project {created + i}",
                summary="Volunteer mediators in six communities. " * 5,
                category=item.category,
                service_item=item,
                target_area_detail="Xinhe Street",
                beneficiaries_count=1000 + i,
                requested_amount=Decimal("80000.00"),
                administration_amount=Decimal("5000.00"),
                cofunding_amount=Decimal("10000.00"),
                submitted_at=now - timedelta(minutes=i),
                answers={
                    questions[0].id: f"School {i}",
                    questions[1].id: "Because disputes are rising. " * 10,
                    questions[2].id: "Yes",
                },
            )
            for i, organisation in enumerate(organisations)
        )
        created += size
    return officer, call


def measure(client, url: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return elapsed, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="applications-bench-") as directory:
        print("Migrating a throwaway database…", flush=True)
        setup_django(Path(directory) / "bench.sqlite3")
        from django.test import Client
        from django.urls import reverse

        from grants.calls.models import Application
        from tests.utils.auth import login

        print(f"Creating {args.rows:,} applications…", flush=True)
        start = time.perf_counter()
        officer, call = build(10)
        client = login(Client(), officer)
        index = reverse("grants_applications:index")
        pages = {
            "list, first page": index,
            "list, filtered by call and status": f"{index}?call={call.pk}&status=submitted",
            "list, search by organisation": f"{index}?q=Bench+NGO+7",
        }
        small = {label: measure(client, url)[1] for label, url in pages.items()}
        Application.objects.all().delete()
        from incubator.models import Organisation

        Organisation.objects.filter(name_en__startswith="Bench NGO").delete()
        build_rows = args.rows
        from grants.calls.models import Call

        Call.objects.filter(pk=call.pk).delete()
        officer.delete()
        officer, call = build(build_rows)
        client = login(Client(), officer)
        pages = {
            "list, first page": index,
            "list, filtered by call and status": f"{index}?call={call.pk}&status=submitted",
            "list, search by organisation": f"{index}?q=Bench+NGO+7",
        }
        print(f"  done in {time.perf_counter() - start:.1f} s\n")

        print(f"{'page':<38} {'seconds':>8} {'queries':>8} {'(10 rows)':>10}")
        flat = True
        for label, url in pages.items():
            measure(client, url)  # warm caches and compiled templates
            elapsed, count = measure(client, url)
            flat = flat and count <= small[label]
            print(f"{label:<38} {elapsed:>8.3f} {count:>8} {small[label]:>10}")
        print(f"query count flat from 10 to {args.rows:,} rows: {'yes' if flat else 'NO'}\n")

        export = reverse("grants_admin_call_export", kwargs={"pk": call.pk})

        def stream_export():
            begin = time.perf_counter()
            chunks = iter(client.get(export).streaming_content)
            first = next(chunks)
            first_byte = time.perf_counter() - begin
            size, lines = len(first), first.count(b"\n")
            for chunk in chunks:
                size += len(chunk)
                lines += chunk.count(b"\n")
            return first_byte, time.perf_counter() - begin, size, lines

        first_byte, total, size, lines = stream_export()
        # Memory on a second pass: tracing allocations slows Python several times over.
        tracemalloc.start()
        stream_export()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print("CSV export (streaming)")
        print(f"  rows: {lines - 1:,} (+ header)   size: {size / 1_048_576:.1f} MiB")
        print(
            f"  first byte after {first_byte:.3f} s, complete after {total:.2f} s ({(lines - 1) / total:,.0f} rows/s)"
        )
        print(f"  peak Python memory while streaming: {peak / 1_048_576:.1f} MiB")
        if not flat:
            sys.exit("The application list's query count grew with the rows.")


if __name__ == "__main__":
    main()
