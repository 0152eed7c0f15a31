from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo_loader import DemoContext, demo_modules


class Command(BaseCommand):
    help = "Load demo users, pages and data for every feature (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        ctx = DemoContext()
        with transaction.atomic():
            for module in demo_modules():
                module.load(ctx)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write("Demo logins (password for all: {})".format(ctx.objects.get("password", "?")))
        for login in ctx.logins:
            self.stdout.write(f"  {login['role']:<20} {login['email']:<28} {login.get('note', '')}")
        mfa = ctx.objects.get("mfa_help")
        if mfa:
            self.stdout.write("")
            self.stdout.write(mfa)
