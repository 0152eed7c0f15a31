"""Awarded grants in the 360Giving Data Standard (1.4), as a JSON package and a CSV.

Identifiers:
- grant: `360G-<prefix>-<award reference>`;
- organisation with a unified social credit code: `CN-USCI-<code>` (org-id.guide);
  without one (a community group filed with the street office): `360G-<prefix>-org-<local id>`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from cms.opendata.rows import GrantRow, OrganisationRef
from core.spreadsheet import SafeCsvWriter

SCHEMA_VERSION = "1.4"
CLASSIFICATION_VOCABULARY = "LegalAidHub:ServiceCategory"
SERVICE_ITEM_VOCABULARY = "LegalAidHub:ServiceItem"
GEOCODE_TYPE = "CN-GB2260"  # administrative division codes of the People's Republic of China
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def publisher_prefix() -> str:
    return getattr(settings, "OPEN_DATA_360G_PREFIX", "legalaidhub")


def grant_id(reference: str) -> str:
    return f"360G-{publisher_prefix()}-{reference}"


def organisation_id(org: OrganisationRef) -> str:
    if org.uscc:
        return f"CN-USCI-{org.uscc.upper()}"
    if not org.local_id:
        raise ValueError(f"Organisation {org.name!r} has neither a USCC nor a local id")
    return f"360G-{publisher_prefix()}-org-{org.local_id}"


def _number(amount: Decimal) -> int | float:
    """JSON numbers without float noise: whole amounts as integers, else two decimals."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _datetime(value: datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.isoformat(timespec="seconds")


def _organisation(org: OrganisationRef) -> dict:
    data = {"id": organisation_id(org), "name": org.name}
    if org.locality:
        data["addressLocality"] = org.locality
    if org.url:
        data["url"] = org.url
    data["addressCountry"] = "CN"
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
        "recipientOrganization": [_organisation(row.recipient)],
        "fundingOrganization": [_organisation(row.funder)],
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
        grant["beneficiaryLocation"] = [
            {
                "name": location.name,
                "countryCode": "CN",
                **({"geoCode": location.code, "geoCodeType": GEOCODE_TYPE} if location.code else {}),
            }
            for location in row.locations
        ]
    if row.url:
        grant["url"] = row.url
    return grant


def package(
    rows: Iterable[GrantRow], *, title: str, publisher_name: str, website: str = "", issued: date | None = None
) -> dict:
    """A 360Giving package of `rows`. (The schema wants at least one grant; an empty
    package is still published so consumers see a well-formed, empty file.)"""
    rows = list(rows)
    modified = max((row.modified for row in rows), default=None)
    data = {
        "version": SCHEMA_VERSION,
        "title": title,
        "issued": (issued or timezone.localdate()).isoformat(),
        "publisher": {"name": publisher_name, **({"website": website} if website else {})},
        "license": LICENSE_URL,
        "grants": [grant_to_360(row) for row in rows],
    }
    if modified:
        data["modified"] = _datetime(modified)
    return data


# The 360Giving flat (spreadsheet) column titles for the fields we publish.
CSV_COLUMNS = [
    ("Identifier", lambda g: g["id"]),
    ("Title", lambda g: g["title"]),
    ("Description", lambda g: g["description"]),
    ("Currency", lambda g: g["currency"]),
    ("Amount Applied For", lambda g: g.get("amountAppliedFor", "")),
    ("Amount Awarded", lambda g: g["amountAwarded"]),
    ("Amount Disbursed", lambda g: g["amountDisbursed"]),
    ("Award Date", lambda g: g["awardDate"]),
    ("Planned Dates:Start Date", lambda g: (g.get("plannedDates") or [{}])[0].get("startDate", "")),
    ("Planned Dates:End Date", lambda g: (g.get("plannedDates") or [{}])[0].get("endDate", "")),
    ("Recipient Org:Identifier", lambda g: g["recipientOrganization"][0]["id"]),
    ("Recipient Org:Name", lambda g: g["recipientOrganization"][0]["name"]),
    ("Recipient Org:City", lambda g: g["recipientOrganization"][0].get("addressLocality", "")),
    ("Funding Org:Identifier", lambda g: g["fundingOrganization"][0]["id"]),
    ("Funding Org:Name", lambda g: g["fundingOrganization"][0]["name"]),
    ("Grant Programme:Code", lambda g: g["grantProgramme"][0]["code"]),
    ("Grant Programme:Title", lambda g: g["grantProgramme"][0]["title"]),
    ("Grant Programme:URL", lambda g: g["grantProgramme"][0].get("url", "")),
    ("Classifications:Vocabulary", lambda g: _first(g, "classifications", "vocabulary")),
    ("Classifications:Code", lambda g: _first(g, "classifications", "code")),
    ("Classifications:Title", lambda g: _first(g, "classifications", "title")),
    ("Beneficiary Location:Name", lambda g: "; ".join(loc["name"] for loc in g.get("beneficiaryLocation", []))),
    (
        "Beneficiary Location:Geographic Code",
        lambda g: "; ".join(loc.get("geoCode", "") for loc in g.get("beneficiaryLocation", [])),
    ),
    ("From An Open Call?", lambda g: g["fromOpenCall"]),
    ("URL", lambda g: g.get("url", "")),
    ("Last Modified", lambda g: g["dateModified"]),
]


def _first(grant: dict, key: str, attr: str) -> str:
    items = grant.get(key) or [{}]
    return items[0].get(attr, "") or ""


def to_csv(rows: Iterable[GrantRow]) -> str:
    """The same grants as a CSV with 360Giving column titles (UTF-8 with BOM for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeCsvWriter(out)
    writer.writerow([title for title, _ in CSV_COLUMNS])
    for row in rows:
        grant = grant_to_360(row)
        writer.writerow([value(grant) for _, value in CSV_COLUMNS])
    return out.getvalue()
