"""Point the default Wagtail site at SITE_URL (also done after every `migrate`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from cms.services import default_site_follow_site_url


class Command(BaseCommand):
    help = "Make the default Wagtail site answer at SITE_URL (hostname, port, https). Idempotent."

    def handle(self, *args, **options):
        changed = default_site_follow_site_url(site_url=settings.SITE_URL)
        self.stdout.write(f"Default site {'now at' if changed else 'already at'} {settings.SITE_URL}")
