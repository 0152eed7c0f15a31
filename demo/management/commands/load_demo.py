import logging

from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from demo.loader import DemoContext, load


class Command(BaseCommand):
    help = "Load demo users, pages and data for every feature (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, verbosity=1, **options):
        ctx = DemoContext()
        # The demo's history goes through the services, which email people; keep those
        # hundreds of messages (and the eager tasks' log line for each) off the console.
        # They are recorded as sent all the same.
        trace_log = logging.getLogger("celery.app.trace")
        trace_level = trace_log.level
        if verbosity < 2:
            trace_log.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                outbox_before = len(getattr(mail, "outbox", []))
                with transaction.atomic():
                    load(ctx)
                emails = len(getattr(mail, "outbox", [])) - outbox_before
        finally:
            trace_log.setLevel(trace_level)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({emails} emails of its history not shown)."))
        self.stdout.write("")
        self.stdout.write("Demo logins (password for all: {})".format(ctx.objects.get("password", "?")))
        for login in ctx.logins:
            self.stdout.write(f"  {login['role']:<20} {login['email']:<28} {login.get('note', '')}")
        mfa = ctx.objects.get("mfa_help")
        if mfa:
            self.stdout.write("")
            self.stdout.write(mfa)
