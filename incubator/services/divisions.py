"""Importing an edition of the national division codes (统计用区划代码) into ``Area``.

Rules the import enforces:

- A row is taken only if its code is well formed for its level and under its parent
  (``incubator.divisions.division_code_problems``); a malformed row stops the import.
- The code is the identity: a known code gets the file's name, level and parent; an unknown
  one is created (English name in pinyin with the kind translated). A curated English name
  is kept; one that was generated is regenerated when the Chinese name changes.
- A unit of an imported level and province that is absent from the file is retired
  (``retired_in`` = the year), never deleted, so foreign keys stay valid, and so are the units
  still current below it; one that comes back is current again. Provinces or levels the file
  does not hold are not touched otherwise. ``replacements.csv`` names a retired unit's
  successor; its retired children take the successor's children of the same name.
- An edition older than one already imported never undoes it: a unit seen in a newer edition
  keeps its name, place and state (only its first edition may move earlier).
- It is idempotent: a second run of the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from incubator.divisions import LEVELS, Division, division_code_problems, english_name
from incubator.models import Area

BATCH_SIZE = 2_000


class Known(NamedTuple):
    """What the import compares of a unit already in the database (tuples: 100,000 rows load fast)."""

    code: str
    pk: int
    name_zh: str
    name_en: str
    level: str
    parent_id: int | None
    first_seen_in: int | None
    last_seen_in: int | None
    retired_in: int | None
    replaced_by_id: int | None


class DivisionImportError(ValueError):
    """The file cannot be imported as it is (nothing was written)."""


@dataclass
class ImportSummary:
    year: int
    read: int = 0
    created: int = 0
    renamed: int = 0
    moved: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    newer: int = 0
    replacements: int = 0
    by_level: dict = field(default_factory=dict)

    def __str__(self):
        return (
            f"edition {self.year}: {self.read} rows read, {self.created} created, {self.renamed} renamed, "
            f"{self.moved} moved, {self.retired} retired, {self.restored} restored, {self.unchanged} unchanged, "
            f"{self.newer} left as a newer edition has them, "
            f"{self.replacements} replacements recorded"
        )


@transaction.atomic
def divisions_import(
    *,
    rows: Iterable[Division],
    year: int,
    replacements: Iterable[tuple[str, str]] = (),
    retire_absent: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Bring ``Area`` in line with one edition's rows (already limited to what is imported).

    ``retire_absent=False`` loads a part of an edition (the demo's) without retiring the rest.
    """
    say = progress or (lambda message: None)
    rows = sorted(rows, key=lambda row: row.code)
    summary = ImportSummary(year=year, read=len(rows))

    known = {row[0]: Known(*row) for row in Area.objects.exclude(code=None).values_list(*Known._fields)}
    incoming = {row.code: row for row in rows}
    _check(rows, incoming, known)

    for level in LEVELS:
        level_rows = [row for row in rows if row.level == level]
        if not level_rows:
            continue
        new, changed = [], []
        counts = {"created": 0, "renamed": 0, "moved": 0, "restored": 0, "unchanged": 0, "newer": 0}
        for row in level_rows:
            parent_id = known[row.parent].pk if row.parent else None
            old = known.get(row.code)
            if old is not None and max(old.last_seen_in or 0, old.retired_in or 0) > year:
                # Known from a newer edition: an older file does not undo its name or place.
                counts["newer"] += 1
                if old.first_seen_in is None or old.first_seen_in > year:
                    Area.objects.filter(pk=old.pk).update(first_seen_in=year)
                continue
            if old is None:
                new.append(
                    Area(
                        code=row.code,
                        name_zh=row.name,
                        name_en=english_name(row.name, row.level),
                        level=row.level,
                        parent_id=parent_id,
                        first_seen_in=year,
                        last_seen_in=year,
                    )
                )
                counts["created"] += 1
                continue
            area = Area(
                pk=old.pk,
                code=old.code,
                name_zh=old.name_zh,
                name_en=old.name_en,
                level=row.level,
                parent_id=parent_id,
                first_seen_in=min(old.first_seen_in or year, year),
                last_seen_in=year,
                retired_in=None,
            )
            if old.name_zh != row.name:
                if not old.name_en or old.name_en == english_name(old.name_zh, old.level):
                    area.name_en = english_name(row.name, row.level)
                area.name_zh = row.name
                counts["renamed"] += 1
            if (old.level, old.parent_id) != (row.level, parent_id):
                counts["moved"] += 1
            if old.retired_in is not None:
                counts["restored"] += 1
            fresh = (area.name_zh, area.name_en, area.level, area.parent_id, area.first_seen_in, year, None)
            if fresh != (
                old.name_zh,
                old.name_en,
                old.level,
                old.parent_id,
                old.first_seen_in,
                old.last_seen_in,
                old.retired_in,
            ):
                changed.append(area)
            else:
                counts["unchanged"] += 1
        Area.objects.bulk_create(new, batch_size=BATCH_SIZE)
        for area in new:
            known[area.code] = Known(
                area.code, area.pk, area.name_zh, area.name_en, area.level, area.parent_id, year, year, None, None
            )
        Area.objects.bulk_update(
            changed,
            ["name_zh", "name_en", "level", "parent", "first_seen_in", "last_seen_in", "retired_in"],
            batch_size=BATCH_SIZE,
        )
        retired = _retire(level=level, level_rows=level_rows, incoming=incoming, year=year) if retire_absent else 0
        for key, value in counts.items():
            setattr(summary, key, getattr(summary, key) + value)
        summary.retired += retired
        summary.by_level[level] = {**counts, "retired": retired}
        say(
            f"{level}: {len(level_rows)} rows, {counts['created']} created, {counts['renamed']} renamed, "
            f"{counts['moved']} moved, {retired} retired"
        )

    summary.retired += _retire_orphans(year=year) if retire_absent else 0
    summary.replacements = _record_replacements(replacements=replacements, known=known)
    say(str(summary))
    return summary


def _check(rows: list[Division], incoming: dict[str, Division], known: dict[str, Known]) -> None:
    problems = []
    for row in rows:
        parent = incoming.get(row.parent) or known.get(row.parent)
        if row.parent and parent is None:
            problems.append(f"{row.code} {row.name}: parent {row.parent} is neither in the file nor imported")
            continue
        for problem in division_code_problems(row.code, row.level, row.parent, parent.level if parent else ""):
            problems.append(f"{row.code} {row.name}: {problem}")
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise DivisionImportError(f"{len(problems)} rows are not valid division codes: {shown}{more}")


def _retire(*, level: str, level_rows: list[Division], incoming: dict[str, Division], year: int) -> int:
    """Retire the current units of `level` in the provinces this level's rows cover, absent from the file."""
    provinces = {row.code[:2] for row in level_rows}
    in_provinces = Q()
    for province in provinces:
        in_provinces |= Q(code__startswith=province)
    candidates = (
        Area.objects.current()
        .filter(in_provinces, level=level)
        .exclude(last_seen_in__gt=year)
        .values_list("pk", "code")
    )
    gone = [pk for pk, code in candidates if code not in incoming]
    for start in range(0, len(gone), BATCH_SIZE):
        Area.objects.filter(pk__in=gone[start : start + BATCH_SIZE]).update(retired_in=year)
    return len(gone)


def _retire_orphans(*, year: int) -> int:
    """Units still current under a unit retired now (villages of a merged town) are retired with it."""
    total = 0
    for _level in LEVELS:
        count = Area.objects.current().filter(parent__retired_in=year).update(retired_in=year)
        if not count:
            break
        total += count
    return total


def _record_replacements(*, replacements: Iterable[tuple[str, str]], known: dict[str, Known]) -> int:
    """Point each retired unit at its successor (from the edition's replacements.csv), and the
    retired children of a replaced unit at the successor's children of the same name."""
    pairs = [(known[old].pk, known[new].pk) for old, new in replacements if old in known and new in known]
    recorded = 0
    for old_pk, new_pk in pairs:
        recorded += (
            Area.objects.filter(pk=old_pk, retired_in__isnull=False)
            .exclude(replaced_by_id=new_pk)
            .update(replaced_by_id=new_pk)
        )
        successors = dict(Area.objects.current().filter(parent_id=new_pk).values_list("name_zh", "pk"))
        for child_pk, name in Area.objects.filter(parent_id=old_pk, retired_in__isnull=False).values_list(
            "pk", "name_zh"
        ):
            if name in successors:
                recorded += (
                    Area.objects.filter(pk=child_pk)
                    .exclude(replaced_by_id=successors[name])
                    .update(replaced_by_id=successors[name])
                )
    return recorded
