from django.core.management.base import BaseCommand

from core.bulk_import.services import purge_expired


class Command(BaseCommand):
    help = "Discard the bulk-import previews never confirmed past their expiry, with their files."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired import(s) discarded.")
