"""Awarded grants in the 360Giving Data Standard (1.4), as a JSON package and a CSV.

Both are written grant by grant (`iter_json`, `iter_csv`), so a view can stream any
number of grants in constant memory; `package` and `to_csv` build the whole thing for
tests and small exports.

Identifiers (360Giving's identifier guidance and org-id.guide):
- grant: `360G-<prefix>-<award reference>`;
- organisation with a *valid* unified social credit code: `CN-USCI-<code>`; a code that
  fails its check is never published as an identifier (it would name another
  organisation, or none), so such an organisation, like one without a code (a community
  group filed with the street office), gets the platform's stable id
  `360G-<prefix>-org-<local id>`.

Places: `geoCode` is the division code stored on the Area, as stored. 360Giving's
geoCodeType codelist is open and lists only British gazetteers, so the type names the
Chinese one the code comes from, recognised by its shape: 12 digits are the national
statistics bureau's division codes (统计用区划代码, `CN-NBS`), 9 digits the town codes of
GB/T 10114, 6 digits the county-level codes of GB/T 2260. A code of another shape is
published without a type rather than with a wrong one.

Dates: `awardDate` is the day the award was made in Asia/Shanghai (DESIGN.md: dates the
public sees are China's), not the UTC day.

The CSV uses 360Giving's column titles, which its flat-file tool (flattentool) turns back
into the same JSON. Lists that can hold several items number them
(`Beneficiary Location:0:Name`, `Beneficiary Location:1:Name`, ...), one group of columns
per item, so a grant for several places keeps them apart.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings

from cms.opendata.rows import GrantRow, LocationRef, OrganisationRef
from core.identifiers import is_valid_uscc, normalise_uscc
from core.spreadsheet import SafeCsvWriter

SCHEMA_VERSION = "1.4"
CLASSIFICATION_VOCABULARY = "LegalAidHub:ServiceCategory"
SERVICE_ITEM_VOCABULARY = "LegalAidHub:ServiceItem"
COUNTRY_CODE = "CN"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLIC_TIME_ZONE = ZoneInfo("Asia/Shanghai")

# Division codes by length: which gazetteer a code of that shape comes from.
GEOCODE_TYPES = {12: "CN-NBS", 9: "CN-GB10114", 6: "CN-GB2260"}


def publisher_prefix() -> str:
    return getattr(settings, "OPEN_DATA_360G_PREFIX", "legalaidhub")


def grant_id(reference: str) -> str:
    return f"360G-{publisher_prefix()}-{reference}"


@functools.lru_cache(maxsize=8192)
def _valid_uscc(code: str) -> str:
    """The code in canonical form if it is a valid USCC, else "" (remembered: a file names
    the same funders and organisations over and over, and the check is the costliest step
    of a grant; bounded, so memory stays flat whatever the number of organisations)."""
    uscc = normalise_uscc(code)
    return uscc if is_valid_uscc(uscc) else ""


def organisation_id(org: OrganisationRef) -> str:
    uscc = _valid_uscc(org.uscc or "")
    if uscc:
        return f"CN-USCI-{uscc}"
    if not org.local_id:
        raise ValueError(f"Organisation {org.name!r} has neither a valid USCC nor a local id")
    return f"360G-{publisher_prefix()}-org-{org.local_id}"


def award_day(moment: datetime) -> date:
    """The day of `moment` in China: an award made at 07:30 on 2 March (23:30 UTC on the
    1st) is dated 2 March."""
    return moment.astimezone(PUBLIC_TIME_ZONE).date()


def geocode_type(code: str) -> str:
    return GEOCODE_TYPES.get(len(code), "") if code.isdigit() else ""


def json_number(amount: Decimal) -> int | float:
    """JSON numbers without float noise: whole amounts as integers, else two decimals."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


_number = json_number


def _datetime(value: datetime) -> str:
    return value.astimezone(PUBLIC_TIME_ZONE).isoformat(timespec="seconds")


def location_360(location: LocationRef) -> dict:
    data = {"name": location.name, "countryCode": COUNTRY_CODE}
    if location.code:
        data["geoCode"] = location.code
        code_type = geocode_type(location.code)
        if code_type:
            data["geoCodeType"] = code_type
    return data


def organisation_360(org: OrganisationRef) -> dict:
    data = {"id": organisation_id(org), "name": org.name}
    if org.name_en and org.name_en != org.name:
        data["alternateName"] = org.name_en
    if org.street_address:
        data["streetAddress"] = org.street_address
    if org.locality:
        data["addressLocality"] = org.locality
    data["addressCountry"] = COUNTRY_CODE
    if org.url:
        data["url"] = org.url
    if org.locations:
        data["location"] = [location_360(location) for location in org.locations]
    return data


def grant_to_360(row: GrantRow) -> dict:
    grant = {
        "id": grant_id(row.reference),
        "title": row.title,
        "description": row.description,
        "currency": row.currency,
        "amountAwarded": _number(row.amount_awarded),
        "amountDisbursed": _number(row.amount_disbursed),
        "awardDate": row.award_date.isoformat(),
        "recipientOrganization": [organisation_360(row.recipient)],
        "fundingOrganization": [organisation_360(row.funder)],
        "grantProgramme": [{"code": row.programme_code, "title": row.programme_title}],
        "fromOpenCall": "Yes" if row.from_open_call else "No",
        "dateModified": _datetime(row.modified),
    }
    if row.amount_applied_for is not None:
        grant["amountAppliedFor"] = _number(row.amount_applied_for)
    if row.programme_url:
        grant["grantProgramme"][0]["url"] = row.programme_url
    if row.planned_start:
        planned = {"startDate": row.planned_start.isoformat()}
        if row.planned_end:
            planned["endDate"] = row.planned_end.isoformat()
        grant["plannedDates"] = [planned]
    classifications = []
    if row.category_code:
        classifications.append(
            {"vocabulary": CLASSIFICATION_VOCABULARY, "code": row.category_code, "title": row.category_title}
        )
    if row.service_item_code:
        classifications.append(
            {"vocabulary": SERVICE_ITEM_VOCABULARY, "code": row.service_item_code, "title": row.service_item_title}
        )
    if classifications:
        grant["classifications"] = classifications
    if row.locations:
        grant["beneficiaryLocation"] = [location_360(location) for location in row.locations]
    if row.url:
        grant["url"] = row.url
    if row.data_source:
        grant["dataSource"] = row.data_source
    return grant


# --- JSON -------------------------------------------------------------------------------


def package_metadata(
    *,
    title: str,
    publisher_name: str,
    description: str = "",
    website: str = "",
    access_url: str = "",
    download_url: str = "",
    issued: date,
    modified: datetime | None = None,
) -> dict:
    """Everything in a package but its grants."""
    data = {"version": SCHEMA_VERSION, "title": title}
    if description:
        data["description"] = description
    data["issued"] = issued.isoformat()
    if modified:
        data["modified"] = _datetime(modified)
    data["publisher"] = {"name": publisher_name, **({"website": website} if website else {})}
    if access_url:
        data["accessURL"] = access_url
    if download_url:
        data["downloadURL"] = download_url
    data["license"] = LICENSE_URL
    return data


def iter_json(rows: Iterable[GrantRow], *, metadata: dict, batch: int = 100) -> Iterator[str]:
    """The package as text, a batch of grants at a time."""
    for piece in iter_json_grants(map(grant_to_360, rows), metadata=metadata, batch=batch):
        yield piece.decode()


def iter_json_grants(grants: Iterable[dict], *, metadata: dict, batch: int = 500) -> Iterator[bytes]:
    """The package of these grant dicts as UTF-8, `batch` grants a piece, one grant a line.
    Each grant is encoded by orjson (what json.dumps(grant, ensure_ascii=False,
    separators=(",", ":")) writes, several times faster: at 50,000 grants the standard
    encoder was the costliest step of the file). (The schema wants at least one grant; an
    empty package is still published so consumers see a well-formed, empty file.)"""
    head = json.dumps(metadata, ensure_ascii=False, indent=2)
    yield (head[: head.rindex("}")].rstrip() + ',\n  "grants": [').encode()
    dumps = orjson.dumps
    buffer: list[bytes] = []
    separator = b"\n    "
    for grant in grants:
        buffer.append(separator)
        buffer.append(dumps(grant))
        separator = b",\n    "
        if len(buffer) >= 2 * batch:
            yield b"".join(buffer)
            buffer.clear()
    buffer.append(b"\n  ]\n}\n" if separator != b"\n    " else b"]\n}\n")
    yield b"".join(buffer)


def package(rows: Iterable[GrantRow], **metadata) -> dict:
    """The whole package as a dict (`metadata` as for `package_metadata`)."""
    return {**package_metadata(**metadata), "grants": [grant_to_360(row) for row in rows]}


# --- CSV --------------------------------------------------------------------------------

# 360Giving's titles: (title, JSON key) for the fields we publish, in column order.
ORGANISATION_FIELDS = (
    ("Identifier", "id"),
    ("Name", "name"),
    ("Alternate Name", "alternateName"),
    ("Street Address", "streetAddress"),
    ("City", "addressLocality"),
    ("Country", "addressCountry"),
    ("Web Address", "url"),
)
LOCATION_FIELDS = (
    ("Name", "name"),
    ("Country Code", "countryCode"),
    ("Geographic Code", "geoCode"),
    ("Geographic Code Type", "geoCodeType"),
)
CLASSIFICATION_FIELDS = (("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title"))
CLASSIFICATION_SLOTS = 2  # the service category and the service item


def csv_columns(*, locations: int = 1) -> list[tuple[str, tuple]]:
    """(title, path in the grant) for every column; `locations` groups of beneficiary
    location columns (the most any grant in the file has, at least one)."""
    columns = [
        ("Identifier", ("id",)),
        ("Title", ("title",)),
        ("Description", ("description",)),
        ("Currency", ("currency",)),
        ("Amount Applied For", ("amountAppliedFor",)),
        ("Amount Awarded", ("amountAwarded",)),
        ("Amount Disbursed", ("amountDisbursed",)),
        ("Award Date", ("awardDate",)),
        ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
        ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ]
    for prefix, key in (("Recipient Org", "recipientOrganization"), ("Funding Org", "fundingOrganization")):
        columns += [(f"{prefix}:{title}", (key, 0, name)) for title, name in ORGANISATION_FIELDS]
    columns += [
        (f"Recipient Org:Location:0:{title}", ("recipientOrganization", 0, "location", 0, name))
        for title, name in LOCATION_FIELDS
    ]
    columns += [
        ("Grant Programme:Code", ("grantProgramme", 0, "code")),
        ("Grant Programme:Title", ("grantProgramme", 0, "title")),
        ("Grant Programme:URL", ("grantProgramme", 0, "url")),
    ]
    for slot in range(CLASSIFICATION_SLOTS):
        columns += [
            (f"Classifications:{slot}:{title}", ("classifications", slot, name))
            for title, name in CLASSIFICATION_FIELDS
        ]
    for slot in range(max(locations, 1)):
        columns += [
            (f"Beneficiary Location:{slot}:{title}", ("beneficiaryLocation", slot, name))
            for title, name in LOCATION_FIELDS
        ]
    columns += [
        ("From An Open Call?", ("fromOpenCall",)),
        ("URL", ("url",)),
        ("Data Source", ("dataSource",)),
        ("Last Modified", ("dateModified",)),
    ]
    return columns


def _cell(grant: dict, path: tuple) -> object:
    """The value at `path` in the grant, or "" where the grant has none (a missing key, a
    shorter list). Grants are shaped by grant_to_360, so a path meets dicts and lists only."""
    value: object = grant
    try:
        for step in path:
            value = value[step]
    except (KeyError, IndexError, TypeError):
        return ""
    return "" if value is None else value


def iter_csv(rows: Iterable[GrantRow], *, locations: int = 1, batch: int = 100) -> Iterator[str]:
    """The grants as CSV text (UTF-8 with BOM for Excel), a batch of rows at a time.
    Cells that would start a formula are written as text (core.spreadsheet)."""
    return iter_csv_grants(map(grant_to_360, rows), locations=locations, batch=batch)


class _SharedCells:
    """The CSV cells of a part many grants share (an organisation, a programme, a set of
    places), made once for every grant that shares the same object. The memo holds the
    object it was made from, so an id is never reused while its entry lives; it is
    emptied at `limit` entries."""

    def __init__(self, cells, *, limit: int = 8192):
        self._cells = cells
        self._memo: dict = {}
        self._limit = limit

    def __call__(self, part) -> list:
        found = self._memo.get(id(part))
        if found is not None and found[0] is part:
            return found[1]
        if len(self._memo) >= self._limit:
            self._memo.clear()
        cells = self._cells(part)
        self._memo[id(part)] = (part, cells)
        return cells


def _organisation_cells(organisations: list) -> list:
    org = organisations[0] if organisations else {}
    cells = [org.get(name, "") for _, name in ORGANISATION_FIELDS]
    return cells + (_location_cells(org.get("location") or ())[: len(LOCATION_FIELDS)] or [""] * len(LOCATION_FIELDS))


def _location_cells(places) -> list:
    cells = []
    for place in places:
        cells += [place.get(name, "") for _, name in LOCATION_FIELDS]
    return cells


def _programme_cells(programmes: list) -> list:
    programme = programmes[0] if programmes else {}
    return [programme.get("code", ""), programme.get("title", ""), programme.get("url", "")]


def _classification_cells(classifications) -> list:
    cells = []
    for slot in range(CLASSIFICATION_SLOTS):
        item = classifications[slot] if slot < len(classifications) else {}
        cells += [item.get(name, "") for _, name in CLASSIFICATION_FIELDS]
    return cells


def iter_csv_grants(grants: Iterable[dict], *, locations: int = 1, batch: int = 500) -> Iterator[str]:
    """These grant dicts as CSV text (UTF-8 with BOM for Excel), `batch` rows a piece, in
    the columns of `csv_columns` (a test holds the cells equal to theirs). Every row is
    written by core.spreadsheet.SafeCsvWriter, so no cell starts a formula (checked once,
    there); the parts grants share (organisations, programme, classifications, places)
    are made into cells once per part."""
    slots = max(locations, 1)
    columns = csv_columns(locations=slots)
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    out.write("\ufeff")
    writer.writerow([title for title, _ in columns])
    # The header at once: a client has its first bytes before the database has sorted the grants.
    yield out.getvalue()
    out.seek(0)
    out.truncate()
    organisation = _SharedCells(_organisation_cells)
    programme = _SharedCells(_programme_cells)
    classification = _SharedCells(_classification_cells)
    place_cells = len(LOCATION_FIELDS) * slots
    beneficiaries = _SharedCells(lambda places: (_location_cells(places) + [""] * place_cells)[:place_cells])
    no_places = [""] * place_cells
    no_classifications = [""] * (len(CLASSIFICATION_FIELDS) * CLASSIFICATION_SLOTS)
    writerow = writer.writerow
    for count, grant in enumerate(grants, start=1):
        places = grant.get("beneficiaryLocation")
        if places and len(places) > slots:
            raise ValueError(f"Grant {grant['id']} has more beneficiary locations than the {locations} columns")
        planned = grant.get("plannedDates")
        planned = planned[0] if planned else {}
        classifications = grant.get("classifications")
        row = [
            grant["id"],
            grant["title"],
            grant["description"],
            grant["currency"],
            grant.get("amountAppliedFor", ""),
            grant["amountAwarded"],
            grant["amountDisbursed"],
            grant["awardDate"],
            planned.get("startDate", ""),
            planned.get("endDate", ""),
        ]
        recipient = organisation(grant["recipientOrganization"])
        row += recipient[:7]
        row += organisation(grant["fundingOrganization"])[:7]
        row += recipient[7:]
        row += programme(grant.get("grantProgramme") or [])
        row += classification(classifications) if classifications else no_classifications
        row += beneficiaries(places) if places else no_places
        # Absent values as "" (what the writer makes of None), so most rows take its fast way.
        row += (
            grant.get("fromOpenCall", ""),
            grant.get("url", ""),
            grant.get("dataSource", ""),
            grant.get("dateModified", ""),
        )
        writerow(row)
        if count % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def to_csv(rows: Iterable[GrantRow]) -> str:
    rows = list(rows)
    return "".join(iter_csv(rows, locations=max((len(row.locations) for row in rows), default=1)))
