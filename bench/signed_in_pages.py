"""Signed-in portal and staff pages under load, on the production stack.

Each role signs in over HTTP through the real login form and, for staff and reviewers,
the real TOTP challenge (bench/sessions.py); wrk then loads each of that role's pages
at 10 connections with the session's Cookie header. Printed per page: req/s, p50, p95,
p99 and errors, then the profile (cProfile top, SQL queries, cache commands) of the
slowest pages, rendered with the same session cookie. Target (issue 15): p95 < 250 ms
at 10 clients; exits non-zero on a missed target, an error or a page that does not
answer 200 to the signed-in session (a lost session would otherwise measure the login
redirect).

    .venv/bin/python bench/signed_in_pages.py   (BENCH_SECONDS=5, BENCH_CONCURRENCY=10,
                                                 BENCH_PROFILE_SLOWEST=3, BENCH_P95_MS=250)

The pages are those of the demo data (manage.py load_demo), found by `page_paths`:
NGO member (dashboard, their applications, an application, an award), reviewer
(assignment list, a review form), programme officer (admin home with the task panel,
a call's applications, a call's ranking), finance officer (admin home, payment queue).
BENCH_DATABASE_URL reuses an already prepared database (skips migrate and load_demo).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import ROOT, bench_env, gunicorn, prepare, print_table, profile_requests, workdir, wrk_load
from bench.sessions import ROLE_USERS, ensure_users, sign_in_roles
from bench.sessions import check as check_status

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "10"))
PROFILE_SLOWEST = int(os.environ.get("BENCH_PROFILE_SLOWEST", "3"))
TARGET_P95_MS = float(os.environ.get("BENCH_P95_MS", "250"))

# Prints {"role": [[label, path], ...]} for the demo data; run by `manage.py shell -c`.
_PATHS_SCRIPT = r"""
import json
from django.contrib.auth import get_user_model
from grants.awards.models import Award
from grants.calls.models import Application, Call
from grants.review.models import Assignment, Review, ScoreSummary
from demo.accounts import DEMO_USERS

emails = {row[0]: row[1] for row in DEMO_USERS}
User = get_user_model()
ngo = User.objects.get(email=emails[NGO_KEY])
reviewer = User.objects.get(email=emails[REVIEWER_KEY])
mine = Application.objects.filter(organisation__memberships__user=ngo).order_by("-pk")
application = mine.exclude(status="draft").first() or mine.first()
award = Award.objects.filter(application__organisation__memberships__user=ngo).order_by("-pk").first()
# A review form that opens: declared free of conflicts, in a call under review, the
# review not yet submitted (a submitted one redirects to its read-only page).
assignment = (
    Assignment.objects.filter(reviewer=reviewer, call__status="in_review", declared_no_conflict_at__isnull=False)
    .exclude(review__status=Review.Status.SUBMITTED)
    .order_by("pk")
    .first()
)
submitted = Review.objects.filter(assignment__reviewer=reviewer, status=Review.Status.SUBMITTED).order_by("pk").first()
ranked = ScoreSummary.objects.values_list("call_id", flat=True).order_by("-call_id").first()
busiest = max(Call.objects.all(), key=lambda call: call.applications.count())
pages = {
    "ngo": [
        ["dashboard", "/en/dashboard/"],
        ["my applications", "/en/grants/applications/"],
        ["an application", f"/en/grants/applications/{application.pk}/"],
    ],
    "reviewer": [["assignments", "/en/review/"]],
    "officer": [
        ["admin home", "/admin/"],
        ["call's applications", f"/admin/grants/applications/?call={busiest.pk}"],
    ],
    "finance": [["admin home", "/admin/"], ["payment queue", "/admin/payments/queue/"]],
}
if award:
    pages["ngo"].append(["an award", f"/en/grants/awards/{award.pk}/"])
if assignment:
    pages["reviewer"].append(["review form", f"/en/review/applications/{assignment.application_id}/score/"])
elif submitted:
    pages["reviewer"].append(["a submitted review", f"/en/review/reviews/{submitted.pk}/"])
if ranked:
    pages["officer"].append(["ranking", f"/admin/review/calls/{ranked}/ranking/"])
print("BENCH-PAGES " + json.dumps(pages))
"""


def page_paths(env: dict) -> dict[str, list[tuple[str, str]]]:
    """The pages to measure per role, found in the demo data."""
    script = _PATHS_SCRIPT.replace("NGO_KEY", repr(ROLE_USERS["ngo"])).replace(
        "REVIEWER_KEY", repr(ROLE_USERS["reviewer"])
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH-PAGES "))
    return {role: [tuple(page) for page in pages] for role, pages in json.loads(line[len("BENCH-PAGES ") :]).items()}


def environment() -> tuple[dict, dict]:
    """The bench's environment, prepared, and the demo users' credentials."""
    env = bench_env(workdir())
    reuse = os.environ.get("BENCH_DATABASE_URL")
    if reuse:
        env["DATABASE_URL"] = reuse
        print(f"(reusing the prepared database {reuse.rsplit('/', 1)[-1]})", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    else:
        prepare(env)
    return env, ensure_users(env)


def main() -> int:
    env, users = environment()
    pages = page_paths(env)
    failures = []
    results = []
    with gunicorn(env) as server:
        sessions = sign_in_roles(server.port, users, pages)
        print("signed in: " + ", ".join(f"{s.role} {s.email}{' (TOTP)' if s.mfa else ''}" for s in sessions.values()))
        for role, role_pages in pages.items():
            session = sessions[role]
            for label, path in role_pages:
                status = check_status(server.port, session, path)
                if status != 200:
                    failures.append(f"{role} {path}: status {status} before the load")
                    continue
                result = wrk_load(
                    server.port,
                    path,
                    connections=CONCURRENCY,
                    seconds=SECONDS,
                    headers={"Cookie": session.cookie},
                    label=f"{role}: {label} {path}",
                )
                result.role, result.cookie = role, session.cookie
                results.append(result)
                status = check_status(server.port, session, path)
                if status != 200:
                    failures.append(f"{role} {path}: status {status} after the load (session lost?)")
    if not results:
        for failure in failures:
            print(f"MISSED: {failure}")
        return 1
    baseline = max(results, key=lambda result: result.rps)
    print(f"\nsigned-in pages at {CONCURRENCY} connections, {SECONDS:.0f} s each (ratio: to the fastest page)")
    print_table(results, baseline)
    for result in results:
        if result.errors:
            failures.append(f"{result.label}: {result.errors} errors")
        if not result.percentile(95) < TARGET_P95_MS:
            failures.append(f"{result.label}: p95 {result.percentile(95):.1f} ms >= {TARGET_P95_MS:.0f} ms")
    slowest = sorted(results, key=lambda result: result.percentile(95), reverse=True)[:PROFILE_SLOWEST]
    if slowest:
        print(f"\nprofiles of the {len(slowest)} slowest pages (by p95), with the same session cookies:")
    for result in slowest:
        cookies = dict(part.strip().split("=", 1) for part in result.cookie.split(";") if "=" in part)
        profile_requests(env, [result.path], cookies=cookies, renders=10, top=25)
    print(f"\ntarget: every signed-in page p95 < {TARGET_P95_MS:.0f} ms, no errors")
    for failure in failures:
        print(f"MISSED: {failure}")
    print("all targets met" if not failures else f"{len(failures)} missed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
