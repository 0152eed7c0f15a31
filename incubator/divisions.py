"""The national statistics bureau's division codes (统计用区划代码): structure, files, names.

A code has 12 digits: province 2, city 2, county 2, town 3, village 3. A unit's code is its
parent's significant digits followed by its own part, the rest zeros. Town parts follow the
national rule for codes below the county (县以下行政区划代码编制规则): 001–099 streets, 100–199
towns, 200–399 townships, 400–599 units run by a state enterprise (farms, forests, development
zones). Village parts: 001–199 residents' committees (居委会), 200–399 village committees
(村委会); the bureau's own files also hold 400–599 for units added later or set up like
committees (e.g. 110105020400 机场工作区社区, 522632210500 摆拉村委会), so those are accepted and
their kind is not read from the code.

The shipped files (``incubator/data/divisions/<year>/*.csv.gz``, made by
``scripts/derive_divisions.py``) have one format: ``code,name,level,parent``.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

DATA_DIR = Path(__file__).resolve().parent / "data" / "divisions"
LATEST_YEAR = 2023

LEVELS = ("province", "city", "district", "town", "village")
# Where each level's own part of the code lies.
PART = {"province": (0, 2), "city": (2, 4), "district": (4, 6), "town": (6, 9), "village": (9, 12)}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str  # the parent's code, "" for a province


LEVEL_NAMES = {
    "province": _("province"),
    "city": _("city"),
    "district": _("county or district"),
    "town": _("town or street"),
    "village": _("village or community"),
}


def level_of(code: str) -> str:
    """The deepest level whose part of the code is not all zeros."""
    for level in reversed(LEVELS):
        start, end = PART[level]
        if set(code[start:end]) - {"0"}:
            return level
    return ""


def significant(code: str, level: str) -> str:
    """The digits that identify the unit: its code without the level's trailing zeros."""
    return code[: PART[level][1]]


def division_code_problems(code: str, level: str, parent_code: str = "", parent_level: str = "") -> list[str]:
    """What is wrong with a code for a unit of `level` under the given parent ([] when nothing)."""
    if level not in PART:
        return [str(_("Unknown level “%(level)s”.") % {"level": level})]
    name = LEVEL_NAMES[level]
    if not (len(code) == 12 and code.isascii() and code.isdigit()):
        return [str(_("A division code has 12 digits."))]
    problems = []
    start, end = PART[level]
    own = code[start:end]
    if set(own) == {"0"}:
        problems.append(str(_("The code's %(level)s part cannot be all zeros.") % {"level": name}))
    if set(code[end:]) - {"0"}:
        problems.append(str(_("A %(level)s code ends in %(count)d zeros.") % {"level": name, "count": 12 - end}))
    if level in ("town", "village") and int(own) >= 600:
        problems.append(str(_("The %(level)s part must be between 001 and 599.") % {"level": name}))
    if level == "province":
        if parent_code:
            problems.append(str(_("A province has no parent.")))
        return problems
    if not parent_code:
        problems.append(str(_("A %(level)s needs its parent.") % {"level": name}))
        return problems
    expected_parents = {
        "city": ("province",),
        "district": ("city",),
        "town": ("district", "city"),
        "village": ("town",),
    }
    if parent_level and parent_level not in expected_parents[level]:
        problems.append(
            str(
                _("A %(level)s cannot be under a %(parent)s.")
                % {"level": name, "parent": LEVEL_NAMES.get(parent_level, parent_level)}
            )
        )
        return problems
    prefix = significant(parent_code, parent_level or level_of(parent_code))
    between = code[len(prefix) : start]
    if not code.startswith(prefix) or set(between) - {"0"}:
        problems.append(str(_("The code does not start with its parent's code %(parent)s.") % {"parent": parent_code}))
    return problems


def validate_division_code(code: str, level: str, parent_code: str = "", parent_level: str = "") -> None:
    problems = division_code_problems(code, level, parent_code, parent_level)
    if problems:
        raise ValidationError(problems)


def village_kind(code: str) -> str:
    """``residents`` (001–199), ``village`` (200–399) or ``other`` (400–599) from the village part."""
    part = int(code[9:12])
    if 1 <= part <= 199:
        return "residents"
    if 200 <= part <= 399:
        return "village"
    return "other"


# --- files --------------------------------------------------------------------------------


def year_dir(year: int) -> Path:
    return DATA_DIR / str(year)


def division_files(directory: Path, *, levels: Iterable[str] = (), provinces: Iterable[str] = ()) -> list[Path]:
    """The edition's files, leaving out ``villages-<province>`` files the import would not use."""
    levels, provinces = set(levels), {code[:2] for code in provinces}
    chosen = []
    for path in sorted([*directory.glob("*.csv.gz"), *directory.glob("*.csv")]):
        if path.name.startswith("villages-"):
            province = path.name.removeprefix("villages-")[:2]
            if (levels and "village" not in levels) or (provinces and province not in provinces):
                continue
        chosen.append(path)
    return chosen


def read_divisions(paths: Iterable[Path]) -> Iterator[Division]:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as source:
            for row in csv.DictReader(source):
                if "level" not in row:  # replacements.csv and other side files
                    break
                yield Division(row["code"], row["name"].strip(), row["level"], row["parent"] or "")


def select_divisions(
    rows: Iterable[Division], *, provinces: Iterable[str] = (), levels: Iterable[str] = ()
) -> list[Division]:
    """The rows of the given provinces (2-digit codes) and levels, sorted so parents come first."""
    provinces = {str(code).strip()[:2] for code in provinces if str(code).strip()}
    levels = set(levels) or set(LEVELS)
    chosen = [row for row in rows if row.level in levels and (not provinces or row.code[:2] in provinces)]
    return sorted(chosen, key=lambda row: row.code)


def levels_down_to(level: str) -> list[str]:
    return list(LEVELS[: LEVELS.index(level) + 1])


def read_replacements(directory: Path) -> list[tuple[str, str]]:
    """(retired code, code that took it over) pairs from the edition's ``replacements.csv``."""
    path = directory / "replacements.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as source:
        return [(row["code"], row["replaced_by"]) for row in csv.DictReader(source)]


# --- English names ------------------------------------------------------------------------

WHOLE_NAMES = {
    "市辖区": "Municipal Districts",
    "县": "Counties",
    "省直辖县级行政区划": "County-level Divisions under the Province",
    "自治区直辖县级行政区划": "County-level Divisions under the Autonomous Region",
}

# Longest first, so that 社区居委会 wins over 居委会 and 风景区 over 区.
SUFFIXES = sorted(
    {
        "社区居民委员会": "Community",
        "社区居委会": "Community",
        "居民委员会": "Residents' Committee",
        "居委会": "Residents' Committee",
        "村民委员会": "Village",
        "村委会": "Village",
        "社区": "Community",
        "村": "Village",
        "街道办事处": "Subdistrict",
        "街道": "Subdistrict",
        "镇": "Town",
        "乡": "Township",
        "苏木": "Sumu",
        "自治区": "Autonomous Region",
        "自治州": "Autonomous Prefecture",
        "自治县": "Autonomous County",
        "自治旗": "Autonomous Banner",
        "地区": "Prefecture",
        "盟": "League",
        "旗": "Banner",
        "林区": "Forestry District",
        "特区": "Special District",
        "省": "Province",
        "市": "City",
        "区": "District",
        "县": "County",
        "经济技术开发区": "Economic and Technological Development Zone",
        "高新技术产业开发区": "High-tech Industrial Development Zone",
        "经济开发区": "Economic Development Zone",
        "开发区": "Development Zone",
        "工业园区": "Industrial Park",
        "园区": "Park",
        "农场": "Farm",
        "林场": "Forest Farm",
        "牧场": "Ranch",
        "渔场": "Fishery",
        "风景区": "Scenic Area",
        "度假区": "Resort",
        "管理委员会": "Administrative Committee",
        "管委会": "Administrative Committee",
        "办事处": "Office",
        "生活区": "Residential Area",
    }.items(),
    key=lambda item: -len(item[0]),
)

PUNCTUATION = str.maketrans({"（": " (", "）": ") ", "·": " ", "、": ", "})


def romanise(text: str) -> str:
    syllables = lazy_pinyin(text, v_to_u=True)
    word = " ".join("".join(syllables).translate(PUNCTUATION).split())
    return word[:1].upper() + word[1:]


def english_name(name_zh: str, level: str = "") -> str:
    """A readable English name: the stem in pinyin and the kind translated (吴中区 → Wuzhong District)."""
    if name_zh in WHOLE_NAMES:
        return WHOLE_NAMES[name_zh]
    for suffix, english in SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
            if suffix == "市" and level == "province":
                english = "Municipality"
            return f"{romanise(name_zh[: -len(suffix)])} {english}"
    return romanise(name_zh)
