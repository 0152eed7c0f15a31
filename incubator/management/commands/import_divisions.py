"""Import an edition of the national statistics bureau's division codes into the service areas.

    manage.py import_divisions                       # the shipped latest edition, everything in it
    manage.py import_divisions --year 2023 --down-to town
    manage.py import_divisions --year 2023 --provinces 32,37 --down-to village
    manage.py import_divisions --year 2024 --dir /path/to/2024   # a new edition's folder
    manage.py import_divisions --year 2024 --file towns.csv.gz --file villages-32.csv.gz

The files are ``code,name,level,parent`` CSV (optionally gzip-compressed) as written by
``scripts/derive_divisions.py``; a ``replacements.csv`` (``code,replaced_by``) beside them
records which unit took over a retired one. See docs/operations.md, "Division codes".
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incubator.divisions import (
    LATEST_YEAR,
    LEVELS,
    division_files,
    levels_down_to,
    read_divisions,
    read_replacements,
    select_divisions,
    year_dir,
)
from incubator.services.divisions import DivisionImportError, divisions_import


class Command(BaseCommand):
    help = "Import (or update to) an edition of the national division codes (统计用区划代码)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=LATEST_YEAR, help="the edition (default: %(default)s)")
        parser.add_argument("--dir", type=Path, help="folder of the edition's files (default: the shipped one)")
        parser.add_argument("--file", type=Path, action="append", default=[], help="one file (repeatable)")
        parser.add_argument("--provinces", default="", help="limit to these 2-digit province codes, e.g. 32,37")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--down-to", choices=LEVELS, help="import the levels down to this one")
        group.add_argument("--levels", default="", help="comma-separated levels, e.g. town,village")

    def handle(self, *args, year, dir, file, provinces, down_to, levels, **options):
        chosen_levels = levels_down_to(down_to) if down_to else [name for name in levels.split(",") if name]
        unknown = set(chosen_levels) - set(LEVELS)
        if unknown:
            raise CommandError(f"Unknown levels: {', '.join(sorted(unknown))}.")
        chosen_provinces = [code.strip() for code in provinces.split(",") if code.strip()]
        directory = dir or (None if file else year_dir(year))
        paths = list(file)
        if not paths and directory and directory.is_dir():
            paths = division_files(directory, levels=chosen_levels, provinces=chosen_provinces)
        if not paths:
            raise CommandError(f"No division files for edition {year} (looked in {directory}).")
        started = time.monotonic()
        rows = select_divisions(read_divisions(paths), provinces=chosen_provinces, levels=chosen_levels)
        self.stdout.write(f"Read {len(rows)} rows from {len(paths)} files of edition {year}.")
        try:
            summary = divisions_import(
                rows=rows,
                year=year,
                replacements=read_replacements(directory) if directory else [],
                progress=self.stdout.write,
            )
        except DivisionImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {summary} in {time.monotonic() - started:.1f} s."))
