"""The areas seeded by 0003 take the national statistics bureau's codes (2023 edition).

0003 invented its codes: 5 of 7 towns were wrong (its 东山镇 had 木渎镇's real code) and the
villages had made-up numbers. Each seeded row is matched by parent and name (without the
committee suffix: 龙西社区 = 龙西社区居委会) against the shipped 2023 file and takes the real code
and official Chinese name in place, so every organisation, application and panel that points
at it still points at the same place. Codes change in two phases (first a placeholder, then
the real code) so that a swap never clashes on the unique code. A row that matches nothing is
retired with no code (its code was invented and may belong to another real place); nothing
is deleted. ``manage.py import_divisions`` adds the rest of the district and the country.

Self-contained on purpose: it reads the 2023 file itself, not through the import code,
which may change with later editions.
"""

import csv
import gzip
from pathlib import Path

from django.db import migrations

YEAR = 2023
DISTRICT = "320506"
SOURCE = Path(__file__).resolve().parent.parent / "data" / "divisions" / "2023"
ANCESTORS = {
    "320000000000": ("province", "江苏省", "Jiangsu Province"),
    "320500000000": ("city", "苏州市", "Suzhou City"),
}
SUFFIXES = ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "村民委员会", "村委会", "社区", "村")


def _official():
    rows = {}
    for name in ("towns.csv.gz", "villages-32.csv.gz"):
        with gzip.open(SOURCE / name, "rt", encoding="utf-8", newline="") as source:
            for row in csv.DictReader(source):
                if row["code"].startswith(DISTRICT):
                    rows[row["code"]] = row
    return rows


def _key(name):
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _english(curated, official_name):
    """The seed's English name with its last word fixed to the official kind (张桥社区 was 张桥村委会)."""
    stem, _space, last = curated.rpartition(" ")
    if last not in ("Community", "Village") or not stem:
        return curated
    village = official_name.endswith(("村委会", "村民委员会", "村"))
    return f"{stem} {'Village' if village else 'Community'}"


def correct_codes(apps, schema_editor):
    Area = apps.get_model("incubator", "Area")
    district = Area.objects.filter(code__in=[DISTRICT, DISTRICT + "000000"]).first()
    if district is None:
        return
    official = _official()
    children = {}
    for row in official.values():
        children.setdefault(row["parent"], {}).setdefault(_key(row["name"]), row)

    targets = {district.pk: official[DISTRICT + "000000"]}
    taken = {DISTRICT + "000000"}
    seeded = list(Area.objects.filter(code__startswith=DISTRICT).exclude(pk=district.pk).order_by("code"))
    by_parent = {}
    for area in seeded:
        by_parent.setdefault(area.parent_id, []).append(area)

    def match(parent):
        parent_code = targets[parent.pk]["code"]
        for area in by_parent.get(parent.pk, []):
            row = children.get(parent_code, {}).get(_key(area.name_zh))
            if row and row["code"] not in taken:
                targets[area.pk] = row
                taken.add(row["code"])
                match(area)

    match(district)

    rows = [district, *seeded]
    for area in rows:  # phase 1: out of the way of every real code
        area.code = f"~{area.pk}"
    Area.objects.bulk_update(rows, ["code"])

    parent = None
    for code, (level, name_zh, name_en) in ANCESTORS.items():
        parent, _created = Area.objects.get_or_create(
            code=code,
            defaults={"level": level, "name_zh": name_zh, "name_en": name_en, "parent": parent},
        )
        Area.objects.filter(pk=parent.pk).update(first_seen_in=parent.first_seen_in or YEAR, last_seen_in=YEAR)
    district.parent = parent

    for area in rows:  # phase 2: the real code, or retired with none
        row = targets.get(area.pk)
        if row is None:
            area.code = None
            area.retired_in = YEAR
            continue
        area.code = row["code"]
        area.name_zh = row["name"]
        area.name_en = _english(area.name_en, row["name"]) if row["level"] == "village" else area.name_en
        area.level = row["level"]
        area.first_seen_in = area.first_seen_in or YEAR
        area.last_seen_in = YEAR
        area.retired_in = None
    Area.objects.bulk_update(
        rows, ["code", "name_zh", "name_en", "level", "parent", "first_seen_in", "last_seen_in", "retired_in"]
    )


class Migration(migrations.Migration):
    dependencies = [("incubator", "0011_area_national_division_codes")]

    operations = [migrations.RunPython(correct_codes, migrations.RunPython.noop)]
