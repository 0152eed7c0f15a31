"""The plain, typed input of the 360Giving serializer: one row per awarded grant.

Kept separate from any model so the serializer can be tested with realistic rows
before (and independently of) the Award model that will produce them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation as open data names it. `uscc` when it has one, else a local id."""

    name: str
    uscc: str = ""
    local_id: str = ""
    name_en: str = ""
    locality: str = ""
    url: str = ""


@dataclass(frozen=True)
class LocationRef:
    name: str
    code: str = ""  # the administrative division code (GB/T 2260)
    level: str = ""  # district, town or village


@dataclass(frozen=True)
class GrantRow:
    reference: str  # the award's own reference, unique within this publisher
    title: str
    description: str
    currency: str
    amount_awarded: Decimal
    amount_disbursed: Decimal
    award_date: date
    recipient: OrganisationRef
    funder: OrganisationRef
    programme_code: str
    programme_title: str
    modified: datetime
    amount_applied_for: Decimal | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    programme_url: str = ""
    category_code: str = ""
    category_title: str = ""
    service_item_code: str = ""
    service_item_title: str = ""
    locations: tuple[LocationRef, ...] = field(default_factory=tuple)
    url: str = ""
    from_open_call: bool = True
