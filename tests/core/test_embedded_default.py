"""The embedded default does what production does: emails link to the served address and
sign with the product's name; the beat schedule's tasks run without a beat."""

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from config.celery import app as celery_app
from config.settings.dev import runserver_url
from core.emails import render_email
from core.notify import notify
from core.periodic import PeriodicRunner
from grants.calls.models import Call
from grants.calls.services import calls
from home.models import SiteSettings
from tests.factories.accounts import UserFactory
from tests.factories.grants import CallFactory, FunderFactory

pytestmark = pytest.mark.django_db

SERVED = "http://127.0.0.1:9123"
PRODUCT = "Legal Aid Hub · 法律服务社会组织孵化平台"
URL = re.compile(r"https?://[^\s)>\"]+")
ROOT = Path(__file__).resolve().parents[2]
MAKE_VARS = ("SITE_URL", "HOST", "PORT")
# Enough for every template to render; what the links show is checked, not the wording.
SAMPLE_CONTEXT = {"path": "/somewhere/", "count": 2, "days": 7, "call_id": 7, "application_id": 3}
SAMPLE_CONTEXT |= {"award_id": 4, "milestone_id": 5, "report_id": 6, "amount": "1000.00", "currency": "CNY"}
SAMPLE_CONTEXT |= {"case_id": 10, "period_id": 11}


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """The runner closes stale connections before each task, as a long-lived process must.
    Inside a test the connection holds the test's transaction (autocommit off), which
    Django would take for a broken connection and close; its test client skips the same
    call for the same reason."""
    monkeypatch.setattr("core.periodic.close_old_connections", lambda: None)


@pytest.fixture
def served(settings):
    settings.SITE_URL = SERVED
    site_settings = SiteSettings.load(request_or_site=Site.objects.get(is_default_site=True))
    site_settings.organisation_name = PRODUCT
    site_settings.save()
    return settings


def email_templates() -> list[str]:
    """Every template notify() can send: emails/<name>.txt in any template folder."""
    names = set()
    for engine in engines.all():
        for folder in engine.template_dirs:
            names |= {path.stem for path in Path(folder).glob("emails/*.txt")}
    names.discard("signature")
    return sorted(names)


def make_dry_run(*arguments: str) -> str:
    """What `make run …` would run, as a newcomer's shell would call it (no variables
    inherited from a make that runs the tests)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", *MAKE_VARS)}
    return subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout


def test_make_run_serves_links_and_periodic_tasks_at_the_chosen_port():
    dry_run = make_dry_run("PORT=9123")
    assert "SITE_URL=http://127.0.0.1:9123" in dry_run
    assert "manage.py runserver 127.0.0.1:9123" in dry_run
    assert "manage.py run_periodic &" in dry_run
    assert "trap 'kill $periodic" in dry_run


def test_an_explicit_site_url_wins_over_the_port():
    dry_run = make_dry_run("PORT=9123", "SITE_URL=https://hub.example.org")
    assert "SITE_URL=https://hub.example.org" in dry_run
    assert "SITE_URL=http://127.0.0.1:9123" not in dry_run


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["manage.py", "runserver"], "http://127.0.0.1:8000"),
        (["manage.py", "runserver", "9000"], "http://127.0.0.1:9000"),
        (["manage.py", "runserver", "0.0.0.0:8080"], "http://127.0.0.1:8080"),
        (["manage.py", "runserver", "--noreload", "localhost:7000"], "http://localhost:7000"),
        (["manage.py", "migrate"], None),
    ],
)
def test_runserver_alone_also_links_to_its_own_address(argv, expected):
    assert runserver_url(argv) == expected


def test_every_email_links_to_the_served_address_and_signs_with_the_product(served):
    templates = email_templates()
    assert len(templates) > 30
    linked = set()
    for template in templates:
        for language in ("en", "zh-hans"):
            body = render_email(template, SAMPLE_CONTEXT, language).text
            links = URL.findall(body)
            linked |= {template} if len(links) > 1 else set()  # the signature's, and one of its own
            assert all(link.startswith(f"{SERVED}/") for link in links), (template, links)
            assert body.rstrip().endswith(f"-- \n{PRODUCT}\n{SERVED}/{language}/"), (template, body)
            assert "testserver" not in body and "localhost" not in body
    assert len(linked) > 30


def test_a_notification_sent_through_notify_carries_the_served_links(served, django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True, preferred_language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            template="grants_call_status",
            recipients=[officer],
            context={"call_title": "Community mediation", "status_label": "Open", "call_id": 42},
            key="test:site-url",
        )
    (message,) = mail.outbox
    assert f"{SERVED}/admin/grants/calls/42/manage/" in message.body
    assert message.body.endswith(f"-- \n{PRODUCT}\n{SERVED}/zh-hans/\n")


def test_account_emails_sign_with_the_product_not_the_host(served, client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert PRODUCT in message.body
    assert "Hello from testserver" not in message.body
    assert "Thank you for using testserver" not in message.body
    # The reset link and the signature: the address served (SITE_URL), in the reader's language.
    assert "testserver" not in message.body
    assert f"{SERVED}/en/accounts/password/reset/key/" in message.body
    assert message.body.rstrip().endswith(f"{PRODUCT}\n{SERVED}/en/")


# --- Periodic work -----------------------------------------------------------------


class FakeClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_every_beat_entry_names_a_real_task():
    schedule = celery_app.conf.beat_schedule
    assert {
        "grants.calls.tasks.advance_call_windows",
        "grants.review.tasks.remind_before_deadlines",
        "grants.review.tasks.finalise_due_calls",
        "grants.awards.tasks.send_report_reminders",
        "grants.payments.tasks.retry_due",
    } <= {entry["task"] for entry in schedule.values()}
    runner = PeriodicRunner()
    assert {entry.name for entry in runner.entries} == set(schedule)
    for entry in runner.entries:
        assert callable(celery_app.tasks[entry.task].run)


def test_an_unknown_task_in_the_schedule_is_refused():
    with pytest.raises(LookupError, match="no_such_task"):
        PeriodicRunner({"broken": {"task": "grants.calls.tasks.no_such_task", "schedule": 60.0}})


def test_one_tick_runs_every_task_and_opens_a_call_whose_time_has_come(served, django_capture_on_commit_callbacks):
    officer = UserFactory(officer=True)
    funder = FunderFactory(officers=[officer])
    call = CallFactory(
        funder=funder,
        status=Call.Status.DRAFT,
        auto_open=True,
        opens_at=timezone.now() - timedelta(minutes=5),
        closes_at=timezone.now() + timedelta(days=30),
    )
    clock = FakeClock(timezone.now())
    runner = PeriodicRunner(clock=clock)

    with django_capture_on_commit_callbacks(execute=True):
        outcomes = runner.tick()

    assert {o.name for o in outcomes} == set(celery_app.conf.beat_schedule)
    assert [o for o in outcomes if o.error] == []
    by_task = {o.task: o.result for o in outcomes}
    assert by_task["grants.calls.tasks.advance_call_windows"] == {"opened": [call.pk], "closed": []}
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    (message,) = [m for m in mail.outbox if officer.email in m.to]
    assert f"{SERVED}/admin/grants/calls/{call.pk}/manage/" in message.body
    assert PRODUCT in message.body


def test_after_the_first_tick_each_task_runs_at_its_own_interval():
    start = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
    clock = FakeClock(start)
    runner = PeriodicRunner(clock=clock)
    runner.tick()
    assert runner.due() == []
    assert 1 <= runner.seconds_to_next() <= 60

    clock.now = start + timedelta(seconds=61)
    assert sorted(o.task for o in runner.tick()) == sorted(
        [
            "grants.payments.tasks.retry_due",  # every 30 s
            "webhooks.tasks.retry_due",  # every 30 s
            "grants.calls.tasks.advance_call_windows",
        ]
    )

    clock.now = start + timedelta(minutes=11)
    assert sorted(o.task for o in runner.tick()) == sorted(
        [
            "grants.payments.tasks.retry_due",
            "webhooks.tasks.retry_due",
            "grants.review.tasks.finalise_due_calls",
            "grants.calls.tasks.advance_call_windows",
        ]
    )

    clock.now = start + timedelta(days=1)  # past 08:30 and past an hour: everything again
    assert {o.task for o in runner.tick()} == {entry["task"] for entry in celery_app.conf.beat_schedule.values()}


def test_a_failing_task_does_not_stop_the_others(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(calls, "advance_call_windows", broken)
    outcomes = PeriodicRunner(clock=FakeClock(timezone.now())).tick()
    failed = [o.task for o in outcomes if o.error]
    assert failed == ["grants.calls.tasks.advance_call_windows"]
    assert len(outcomes) == len(celery_app.conf.beat_schedule)
