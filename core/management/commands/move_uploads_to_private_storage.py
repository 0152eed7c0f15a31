"""Moves uploads saved before private storage existed (in the public media folder, under
the names people gave them) into the private storage under unguessable names.

Run once after upgrading (docs/operations.md); it is idempotent: a file already in the
private storage is left alone, and a row whose file is nowhere is reported, not changed.
"""

from django.apps import apps
from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from django.db import models

from core.private_files import private_storage, unguessable_name


def private_file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and getattr(field, "_storage_callable", None) is private_storage:
                yield model, field


class Command(BaseCommand):
    help = "Move uploads from the public media folder into the private storage, renamed unguessably."

    def handle(self, *args, **options):
        public = storages["default"]
        moved = missing = 0
        for model, field in private_file_fields():
            private = field.storage
            rows = model._default_manager.exclude(**{field.name: ""}).values_list("pk", field.name)
            for pk, name in rows.iterator():
                if private.exists(name):
                    continue
                if not public.exists(name):
                    missing += 1
                    self.stderr.write(f"{model._meta.label} {pk}: {field.name} {name!r} is in neither storage")
                    continue
                folder = name.split("/", 1)[0]
                with public.open(name, "rb") as handle:
                    new_name = private.save(unguessable_name(folder, name), handle)
                model._default_manager.filter(pk=pk).update(**{field.name: new_name})
                public.delete(name)  # only once the row points at the private copy
                moved += 1
        self.stdout.write(f"Moved {moved} file(s) into the private storage; {missing} missing.")
