from django.core.management.base import BaseCommand, CommandError

from core.identifiers import stored_invalid_usccs, uscc_holders


class Command(BaseCommand):
    help = (
        "List every stored unified social credit code (funders, organisations, every model registered with "
        "core.identifiers.register_uscc_holder) that is not a valid, canonical 18-character code. "
        "Exits with status 1 when there is one, so it can run in monitoring."
    )

    def handle(self, *args, verbosity=1, **options):
        invalid = list(stored_invalid_usccs())
        for item in invalid:
            self.stdout.write(f"{item.model._meta.label} #{item.pk} “{item.name}”: {item.code!r}: {item.message}")
        if invalid:
            raise CommandError(f"{len(invalid)} stored unified social credit code(s) are not valid.")
        if verbosity:
            checked = ", ".join(f"{model._meta.label}.{field}" for model, field in uscc_holders())
            self.stdout.write(f"Every stored unified social credit code is valid ({checked}).")
