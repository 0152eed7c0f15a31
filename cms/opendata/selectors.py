"""What open data reads: every award as a 360Giving row, streamed; the page's totals;
and a version of the data for conditional requests.

A constant number of queries however many awards there are, and the memory of one
chunk of rows:

- one query reads every award with all its row needs (`values()` over the joins to the
  application, call, funder, organisation and its places, category and service item):
  plain dicts, no model instances, only the public columns (nothing private is ever read,
  so nothing private can leak into a row);
- one query reads the applications' target areas and one what has been paid on each
  award, both in the awards' order (their id, newest first: the order they were made in,
  an integer the database need not sort wide rows by and Python compares cheaply),
  merged with the awards as they stream;
- all three go through `.iterator(chunk_size=...)`: a server-side cursor on PostgreSQL,
  `fetchmany` elsewhere, so the rows are never all in memory. (A prefetch per chunk would
  be one more query for every `chunk_size` awards: 100 at 50,000. What has been paid as a
  correlated subquery in the awards' query made PostgreSQL estimate it costly enough to
  JIT-compile it, seconds of compiling at 50,000 awards; summed on its own it is a
  plain grouped scan.)

The language-dependent parts of a row (the call's title) are taken in the language the
caller names; the files use Chinese, the language of the data, so they are the same
bytes for every reader; the page shows the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import CharField, Count, Max, Min, Sum
from django.db.models.functions import Cast, Trunc, TruncDate

from cms import caching
from cms.opendata import threesixty
from cms.opendata.links import absolute, neutral_path
from cms.opendata.rows import GrantRow, LocationRef, OrganisationRef
from cms.opendata.threesixty import award_day, publisher_prefix
from core.bilingual import in_reader_language
from grants.awards.models import Award
from grants.calls.models import Application
from grants.payments.models import Payment

CHUNK_SIZE = 5000  # rows a round trip: fewer FETCHes; ~39 MiB peak Python memory at 50,000 grants
ZERO = Decimal("0")
FILE_LANGUAGE = "zh-hans"  # the files' language for call titles: that of the data, Chinese

# The files' awards newest first by id; the target areas and payments follow the same order
# so that they merge. (The page's latest grants are ordered by when they were made.)
AWARD_ORDER = ("-pk",)
LATEST_ORDER = ("-created_at", "-pk")
LOCATION_ORDER = ("-application__awards__pk", "area__code", "area__pk")

AREA_FIELDS = ("name_zh", "name_en", "code", "level")
# Every column a row reads, and no other: the application's private answers, the
# organisation's contacts and bank details are never selected.
AWARD_FIELDS = (
    "pk",
    "reference",
    "currency",
    "amount",
    "created_at",
    "updated_at",
    "starts_on",
    "ends_on",
    "application__title",
    "application__summary",
    "application__requested_amount",
    "application__call_id",
    "application__call__slug",
    "application__call__title_zh",
    "application__call__title_en",
    "application__call__funder_id",
    "application__call__funder__name_zh",
    "application__call__funder__name_en",
    "application__call__funder__uscc",
    "application__call__funder__website",
    "application__organisation_id",
    "application__organisation__name_zh",
    "application__organisation__name_en",
    "application__organisation__uscc",
    "application__organisation__website",
    "application__organisation__contacts_public",
    "application__organisation__address",
    "application__organisation__district_id",
    *(f"application__organisation__district__{name}" for name in AREA_FIELDS),
    "application__organisation__town_id",
    *(f"application__organisation__town__{name}" for name in AREA_FIELDS),
    "application__category__code",
    "application__category__name_zh",
    "application__service_item__code",
    "application__service_item__name_zh",
)
LOCATION_FIELDS = ("application__awards__pk", *(f"area__{name}" for name in AREA_FIELDS))


def award_values():
    """Every award, newest first, as a dict of the AWARD_FIELDS: one query."""
    return Award.objects.order_by(*AWARD_ORDER).values(*AWARD_FIELDS)


# The files' two times, as text the database writes in China's time (parsing 100,000
# timestamps into datetimes was a fifth of the files' cost): the day an award was made
# ("2026-03-02") and when it last changed, to the second ("2026-03-02 07:30:05").
FILE_TIMES = {
    "award_day": Cast(TruncDate("created_at", tzinfo=threesixty.PUBLIC_TIME_ZONE), CharField()),
    "modified_local": Cast(Trunc("updated_at", "second", tzinfo=threesixty.PUBLIC_TIME_ZONE), CharField()),
}
FILE_AWARD_FIELDS = tuple(field for field in AWARD_FIELDS if field not in ("created_at", "updated_at"))


def file_award_values():
    """award_values() for the files: their times as text (FILE_TIMES), not datetimes."""
    return Award.objects.order_by(*AWARD_ORDER).values(*FILE_AWARD_FIELDS, **FILE_TIMES)


def target_area_values():
    """(award id, area's name_zh, name_en, code, level) for every target area of every
    awarded application, in the awards' order: one query."""
    through = Application.target_areas.through
    return (
        through.objects.filter(application__awards__isnull=False)
        .order_by(*LOCATION_ORDER)
        .values_list(*LOCATION_FIELDS)
    )


def paid_values():
    """(award id, total paid) for every award with a paid payment, in the awards' order:
    one query."""
    return (
        Payment.objects.filter(tranche__award__isnull=False, status=Payment.Status.PAID)
        .values_list("tranche__award")
        .annotate(total=Sum("amount"))
        .order_by("-tranche__award")
    )


def _location(name_zh, name_en, code, level) -> LocationRef:
    # A retired unit never found in the bureau's file has no code: it is named, not coded.
    return LocationRef(name=name_zh, name_en=name_en or "", code=code or "", level=level)


def _place(values: dict, prefix: str) -> LocationRef | None:
    if values[f"{prefix}_id"] is None:
        return None
    return _location(*(values[f"{prefix}__{name}"] for name in AREA_FIELDS))


def _merged(awards: Iterable[dict], *streams: Iterable[tuple]) -> Iterator[tuple[dict, ...]]:
    """Each award with the rows of each stream that belong to it (lists), the streams being
    sorted as the awards are (id, descending) and starting with the award's id. The queries are
    not one snapshot: a row whose award the awards' query did not see (made in between) is
    passed over, never given to the next award; an award with no rows gets an empty list."""
    iterators = [iter(stream) for stream in streams]
    ahead = [next(iterator, None) for iterator in iterators]
    for award in awards:
        key = award["pk"]
        found = []
        for index, iterator in enumerate(iterators):
            row = ahead[index]
            # Newest first: a row sorting after this award's key belongs to an award not read.
            while row is not None and row[0] > key:
                row = next(iterator, None)
            mine = []
            while row is not None and row[0] == key:
                mine.append(row)
                row = next(iterator, None)
            ahead[index] = row
            found.append(mine)
        yield award, *found


def _with_places(awards: Iterable[dict], locations: Iterable[tuple], paid: Iterable[tuple]):
    """(award dict, its target areas as LocationRefs, what has been paid on it)."""
    for award, places, payments in _merged(awards, locations, paid):
        yield award, tuple(_location(*row[1:]) for row in places), payments[0][1] if payments else Decimal("0")


class RowBuilder:
    """Turns award dicts into GrantRows; what is the same for many awards (a call's link, a
    funder) is built once per stream (bounded by the number of calls and funders)."""

    def __init__(self, *, request=None, language: str | None = None):
        self.request = request
        self.language = language
        self.data_source = absolute(request, neutral_path("cms:open_data"))
        self._programme_urls: dict = {}
        self._funders: dict = {}

    def programme_url(self, values: dict) -> str:
        key = values["application__call__slug"] or values["application__call_id"]
        url = self._programme_urls.get(key)
        if url is None:
            url = self._programme_urls[key] = absolute(self.request, neutral_path("grants:call_detail", key=key))
        return url

    def funder(self, values: dict) -> OrganisationRef:
        pk = values["application__call__funder_id"]
        funder = self._funders.get(pk)
        if funder is None:
            funder = self._funders[pk] = OrganisationRef(
                name=values["application__call__funder__name_zh"],
                name_en=values["application__call__funder__name_en"],
                uscc=values["application__call__funder__uscc"],
                local_id=f"funder-{pk}",
                url=values["application__call__funder__website"],
            )
        return funder

    def row(self, values: dict, locations: tuple[LocationRef, ...], disbursed: Decimal) -> GrantRow:
        call_title = in_reader_language(
            values["application__call__title_zh"], values["application__call__title_en"], language=self.language
        )
        title = values["application__title"] or call_title
        # Where the organisation is based: its town or street if known, else its district.
        based_in = _place(values, "application__organisation__town") or _place(
            values, "application__organisation__district"
        )
        organisation = "application__organisation__"
        return GrantRow(
            reference=values["reference"],
            title=title,
            description=values["application__summary"] or title,
            currency=values["currency"],
            amount_applied_for=values["application__requested_amount"] or None,
            amount_awarded=values["amount"],
            amount_disbursed=disbursed or Decimal("0"),
            award_date=award_day(values["created_at"]),
            planned_start=values["starts_on"],
            planned_end=values["ends_on"],
            recipient=OrganisationRef(
                name=values[organisation + "name_zh"],
                name_en=values[organisation + "name_en"],
                uscc=values[organisation + "uscc"],
                local_id=str(values["application__organisation_id"]),
                locality=values[organisation + "district__name_zh"] or "",
                # The address is public only where the organisation's profile shows it.
                street_address=values[organisation + "address"] if values[organisation + "contacts_public"] else "",
                url=values[organisation + "website"],
                locations=(based_in,) if based_in else (),
            ),
            funder=self.funder(values),
            programme_code=values["application__call__slug"] or str(values["application__call_id"]),
            programme_title=call_title,
            programme_url=self.programme_url(values),
            category_code=values["application__category__code"] or "",
            category_title=values["application__category__name_zh"] or "",
            service_item_code=values["application__service_item__code"] or "",
            service_item_title=values["application__service_item__name_zh"] or "",
            locations=locations,
            data_source=self.data_source,
            modified=values["updated_at"],
        )


def iter_grant_rows(
    *, request=None, language: str | None = FILE_LANGUAGE, chunk_size: int = CHUNK_SIZE
) -> Iterator[GrantRow]:
    """Every award, newest (highest id) first, as open-data rows: three queries in all, read `chunk_size`
    rows at a time. `language` is that of the call titles (None: the reader's)."""
    builder = RowBuilder(request=request, language=language)
    awards = award_values().iterator(chunk_size=chunk_size)
    locations = target_area_values().iterator(chunk_size=chunk_size)
    paid = paid_values().iterator(chunk_size=chunk_size)
    for values, places, disbursed in _with_places(awards, locations, paid):
        yield builder.row(values, places, disbursed)


class GrantBuilder:
    """Turns award dicts straight into 360Giving grant dicts, the same as
    `threesixty.grant_to_360(RowBuilder.row(...))` (a test holds them equal) without the
    GrantRow in between: the streamed files' path, where each grant's cost is the files'.

    What many grants share is built once per stream and the same dict is given to each
    (the grants are encoded and dropped, never changed): a funder, a recipient (bounded by
    the organisations), a call's programme, a set of classifications or of places, an
    amount. The memos of what grows with the data (recipients, amounts, places) are
    emptied when they reach MEMO_LIMIT entries, so memory stays bounded."""

    MEMO_LIMIT = 20_000

    def __init__(self, *, request=None, language: str | None = None):
        self._rows = RowBuilder(request=request, language=language)
        self.language = language
        self._grant_prefix = f"360G-{publisher_prefix()}-"
        self._calls: dict = {}  # call id -> (call title, [programme])
        self._funders: dict = {}
        self._recipients: dict = {}
        self._numbers: dict = {}
        self._places: dict = {}
        self._classifications: dict = {}
        self._planned: dict = {}
        self._offsets: dict = {}

    def _number(self, amount):
        number = self._numbers.get(amount)
        if number is None:
            if len(self._numbers) >= self.MEMO_LIMIT:
                self._numbers.clear()
            number = self._numbers[amount] = threesixty.json_number(amount)
        return number

    def _call(self, values: dict) -> tuple:
        call = self._calls.get(values["application__call_id"])
        if call is None:
            title = in_reader_language(
                values["application__call__title_zh"], values["application__call__title_en"], language=self.language
            )
            programme = {
                "code": values["application__call__slug"] or str(values["application__call_id"]),
                "title": title,
            }
            url = self._rows.programme_url(values)
            if url:
                programme["url"] = url
            call = self._calls[values["application__call_id"]] = (title, [programme])
        return call

    def _funder(self, values: dict) -> list:
        funder = self._funders.get(values["application__call__funder_id"])
        if funder is None:
            funder = self._funders[values["application__call__funder_id"]] = [
                threesixty.organisation_360(self._rows.funder(values))
            ]
        return funder

    def _recipient(self, values: dict) -> list:
        pk = values["application__organisation_id"]
        recipient = self._recipients.get(pk)
        if recipient is None:
            if len(self._recipients) >= self.MEMO_LIMIT:
                self._recipients.clear()
            organisation = "application__organisation__"
            based_in = _place(values, "application__organisation__town") or _place(
                values, "application__organisation__district"
            )
            recipient = self._recipients[pk] = [
                threesixty.organisation_360(
                    OrganisationRef(
                        name=values[organisation + "name_zh"],
                        name_en=values[organisation + "name_en"],
                        uscc=values[organisation + "uscc"],
                        local_id=str(pk),
                        locality=values[organisation + "district__name_zh"] or "",
                        street_address=values[organisation + "address"]
                        if values[organisation + "contacts_public"]
                        else "",
                        url=values[organisation + "website"],
                        locations=(based_in,) if based_in else (),
                    )
                )
            ]
        return recipient

    def _beneficiaries(self, places: list) -> list | None:
        if not places:
            return None
        key = tuple((row[1], row[3]) for row in places)  # what a location shows: name, code
        found = self._places.get(key)
        if found is None:
            if len(self._places) >= self.MEMO_LIMIT:
                self._places.clear()
            found = self._places[key] = [threesixty.location_360(_location(*row[1:])) for row in places]
        return found

    def _classification(self, values: dict) -> list | None:
        key = (
            values["application__category__code"],
            values["application__category__name_zh"],
            values["application__service_item__code"],
            values["application__service_item__name_zh"],
        )
        found = self._classifications.get(key)
        if found is None:
            found = []
            if key[0]:
                found.append(
                    {"vocabulary": threesixty.CLASSIFICATION_VOCABULARY, "code": key[0], "title": key[1] or ""}
                )
            if key[2]:
                found.append({"vocabulary": threesixty.SERVICE_ITEM_VOCABULARY, "code": key[2], "title": key[3] or ""})
            found = self._classifications[key] = found or None
        return found

    def _planned_dates(self, start, end) -> list:
        key = (start, end)
        found = self._planned.get(key)
        if found is None:
            if len(self._planned) >= self.MEMO_LIMIT:
                self._planned.clear()
            planned = {"startDate": start.isoformat()}
            if end:
                planned["endDate"] = end.isoformat()
            found = self._planned[key] = [planned]
        return found

    def _modified(self, local: str) -> str:
        """ "2026-03-02 07:30:05" (China's time) as ISO 8601 with its offset,
        "2026-03-02T07:30:05+08:00"; the offset looked up once an hour of the data."""
        hour = local[:13]
        offset = self._offsets.get(hour)
        if offset is None:
            if len(self._offsets) >= self.MEMO_LIMIT:
                self._offsets.clear()
            moment = datetime.fromisoformat(local).replace(tzinfo=threesixty.PUBLIC_TIME_ZONE)
            offset = self._offsets[hour] = moment.isoformat()[19:]
        return local[:10] + "T" + local[11:19] + offset

    def grant(self, values: dict, places: list, paid: list) -> dict:
        """The grant of an award dict, its target-area rows and its paid rows (as `_merged`
        gives them)."""
        call_title, programme = self._call(values)
        title = values["application__title"] or call_title
        grant = {
            "id": self._grant_prefix + values["reference"],
            "title": title,
            "description": values["application__summary"] or title,
            "currency": values["currency"],
            "amountAwarded": self._number(values["amount"]),
            "amountDisbursed": self._number((paid[0][1] if paid else None) or ZERO),
            "awardDate": values["award_day"],
            "recipientOrganization": self._recipient(values),
            "fundingOrganization": self._funder(values),
            "grantProgramme": programme,
            "fromOpenCall": "Yes",
            "dateModified": self._modified(values["modified_local"]),
        }
        if values["application__requested_amount"]:
            grant["amountAppliedFor"] = self._number(values["application__requested_amount"])
        if values["starts_on"]:
            grant["plannedDates"] = self._planned_dates(values["starts_on"], values["ends_on"])
        classifications = self._classification(values)
        if classifications:
            grant["classifications"] = classifications
        beneficiaries = self._beneficiaries(places)
        if beneficiaries:
            grant["beneficiaryLocation"] = beneficiaries
        if self._rows.data_source:
            grant["dataSource"] = self._rows.data_source
        return grant


def iter_grants(*, request=None, language: str | None = FILE_LANGUAGE, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """Every award, newest (highest id) first, as a 360Giving grant dict: what
    `iter_grant_rows` gives, serialised, in the same three queries. The dicts share their
    common parts (GrantBuilder): encode them, do not change them."""
    builder = GrantBuilder(request=request, language=language)
    awards = file_award_values().iterator(chunk_size=chunk_size)
    locations = target_area_values().iterator(chunk_size=chunk_size)
    paid = paid_values().iterator(chunk_size=chunk_size)
    grant = builder.grant
    for values, places, payments in _merged(awards, locations, paid):
        yield grant(values, places, payments)


def beneficiary_location_columns() -> int:
    """How many groups of beneficiary-location columns the CSV needs: the most target areas
    any award's application names (at least one). One aggregate query, before streaming."""
    most = (
        Application.target_areas.through.objects.filter(application__awards__isnull=False)
        .values("application")
        .annotate(places=Count("pk"))
        .aggregate(most=Max("places"))["most"]
    )
    return max(most or 0, 1)


def latest_grant_rows(*, limit: int, request=None) -> list[GrantRow]:
    """The newest `limit` awards as rows, call titles in the reader's language (three queries)."""
    latest = list(award_values().order_by(*LATEST_ORDER)[:limit])
    pks = [award["pk"] for award in latest]
    locations = target_area_values().filter(application__awards__pk__in=pks)
    paid = paid_values().filter(tranche__award__pk__in=pks)
    # Merged in id order, shown in the order they were made.
    by_id = sorted(latest, key=lambda award: award["pk"], reverse=True)
    rows = {
        values["pk"]: (values, places, disbursed) for values, places, disbursed in _with_places(by_id, locations, paid)
    }
    builder = RowBuilder(request=request, language=None)
    return [builder.row(*rows[award["pk"]]) for award in latest]


def awarded_grant_rows(*, request=None) -> list[GrantRow]:
    """Every award as a row, in a list: for small exports and tests; views stream."""
    return list(iter_grant_rows(request=request))


@dataclass(frozen=True)
class OpenDataTotals:
    grants: int
    funders: int
    amounts: list[tuple[str, Decimal]]  # (currency, total awarded), one per currency
    first_award: date | None
    last_award: date | None


def open_data_totals() -> OpenDataTotals:
    """What the open-data page says of all the grants, counted by the database (two queries)."""
    facts = Award.objects.aggregate(
        grants=Count("pk"),
        funders=Count("application__call__funder", distinct=True),
        first=Min("created_at"),
        last=Max("created_at"),
    )
    amounts = (
        Award.objects.values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
        .values_list("currency", "total")
    )
    return OpenDataTotals(
        grants=facts["grants"],
        funders=facts["funders"],
        amounts=[(currency, total) for currency, total in amounts],
        first_award=award_day(facts["first"]) if facts["first"] else None,
        last_award=award_day(facts["last"]) if facts["last"] else None,
    )


def open_data_modified():
    """When the published data last changed (the package's `modified`), or None."""
    return Award.objects.aggregate(modified=Max("updated_at"))["modified"]


def open_data_facts() -> dict:
    """What the version is made of (two aggregate queries); `awards_changed` is also the
    package's `modified`, so a view reads them once for both."""
    awards = Award.objects.aggregate(
        awards=Count("pk"),
        awards_changed=Max("updated_at"),
        applications_changed=Max("application__updated_at"),
        organisations_changed=Max("application__organisation__updated_at"),
        calls_changed=Max("application__call__updated_at"),
    )
    paid = Payment.objects.filter(tranche__award__isnull=False, status=Payment.Status.PAID).aggregate(
        payments=Count("pk"), paid=Sum("amount"), payments_changed=Max("updated_at")
    )
    return {**awards, **paid}


def open_data_version(facts: dict | None = None) -> str:
    """Changes whenever the published data can: the awards (count, last change, and that
    of their applications, organisations and calls), what has been paid on them, and the
    public cache's generation (bumped by every save of a funder, area or category, which
    carry no change time). The files' ETag is built from it."""
    facts = open_data_facts() if facts is None else facts
    parts = [publisher_prefix(), caching.generation(), *facts.values()]
    return "|".join(str(part) for part in parts)
