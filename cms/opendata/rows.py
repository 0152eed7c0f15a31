"""The plain, typed input of the 360Giving serializer: one row per awarded grant.

Kept separate from any model so the serializer can be tested with realistic rows
before (and independently of) the models that produce them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class LocationRef:
    """An administrative division as stored on the Area: its code is published as it is
    (6, 9 or 12 digits, whatever the import stored), never padded or cut."""

    name: str
    code: str = ""
    level: str = ""  # province, city, district, town or village
    name_en: str = ""


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation as open data names it. `uscc` when it has one (published only if
    valid), else `local_id`, the platform's own stable identifier."""

    name: str
    uscc: str = ""
    local_id: str = ""
    name_en: str = ""
    locality: str = ""  # the district (or county, city) it is based in
    street_address: str = ""  # only when the organisation publishes its address
    url: str = ""
    locations: tuple[LocationRef, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GrantRow:
    reference: str  # the award's own reference, unique within this publisher
    title: str
    description: str
    currency: str
    amount_awarded: Decimal
    amount_disbursed: Decimal
    award_date: date  # the day the award was made, in Asia/Shanghai
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
    data_source: str = ""
    from_open_call: bool = True
