"""The 360Giving files at scale: streamed, in a number of queries that does not grow with
the grants, valid against the schema, the CSV's columns, and nothing private in either
(issue 15; bench/open_data.py measures 50,000 grants on PostgreSQL)."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from cms.opendata import selectors, threesixty
from core.spreadsheet import safe_cell
from grants.awards.models import Award
from grants.calls.models import Application
from incubator.models import Area
from tests.cms.test_opendata import assert_valid_package
from tests.factories.awards import AwardFactory
from tests.factories.payments import tranche_payment

pytestmark = pytest.mark.django_db

JSON_URL = "/en/open-data/360giving.json"
CSV_URL = "/en/open-data/360giving.csv"


def read(response) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


@pytest.fixture
def places():
    district = Area.objects.create(name_zh="测试区", name_en="Test District", level="district", code="991201000000")
    town = Area.objects.create(name_zh="测试街道", level="town", code="991201102000", parent=district)
    village = Area.objects.create(name_zh="测试社区", level="village", code="991201102001", parent=town)
    return district, town, village


def add_awards(count: int, places) -> None:
    """Awards as varied as the rows a query must cover: 0 to 3 target areas, a recipient
    based in a district or a town, every other one with a paid tranche."""
    district, town, village = places
    for n in range(count):
        award = AwardFactory(
            active=True,
            application__target_areas=[district, town, village][: n % 4],
            application__organisation__district=district,
            application__organisation__town=town if n % 2 else None,
        )
        if n % 2:
            tranche_payment(award=award, position=0, paid=True)


def file_queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        body = read(client.get(url))
    return len(queries), body


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_the_same_queries_for_3_or_30_grants(client, places, url, django_assert_num_queries):
    add_awards(3, places)
    read(client.get(url))  # the first request's one-off lookups (the site) are not the file's
    few, body = file_queries(client, url)
    assert few <= 8, f"{few} queries for one file"
    add_awards(27, places)
    with django_assert_num_queries(few):
        body = read(client.get(url))
    if url == JSON_URL:
        assert len(json.loads(body)["grants"]) == 30
    else:
        assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))) == 30


def test_the_streamed_json_is_a_valid_package_with_its_publisher_and_licence(client, places):
    add_awards(6, places)
    response = client.get(JSON_URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="360giving-grants.json"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"]
    assert "must-revalidate" in response["Cache-Control"] and "public" in response["Cache-Control"]
    data = json.loads(read(response))
    assert_valid_package(data)
    assert data["publisher"]["name"] and data["license"] == threesixty.LICENSE_URL
    assert data["downloadURL"] == "http://testserver/open-data/360giving.json"
    assert len(data["grants"]) == 6
    # Newest (by id) first, each with its own places (0 to 3) and what has been paid on it.
    references = list(Award.objects.order_by("-pk").values_list("reference", flat=True))
    assert [grant["id"] for grant in data["grants"]] == [threesixty.grant_id(ref) for ref in references]
    by_reference = {award.reference: award for award in Award.objects.prefetch_related("application__target_areas")}
    for grant in data["grants"]:
        award = by_reference[grant["id"].removeprefix("360G-legalaidhub-")]
        codes = [place["geoCode"] for place in grant.get("beneficiaryLocation", ())]
        assert codes == sorted(area.code for area in award.application.target_areas.all())
        paid = sum(tranche.amount for tranche in award.tranches.filter(payments__status="paid"))
        assert Decimal(str(grant["amountDisbursed"])) == paid


def test_an_empty_package_is_still_well_formed(client):
    data = json.loads(read(client.get(JSON_URL)))
    assert data["grants"] == [] and data["publisher"]["name"]


def test_the_csv_keeps_its_columns(client, places):
    add_awards(4, places)  # the most places any grant names: 3
    response = client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="360giving-grants.csv"'
    text = read(response).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == [title for title, _ in threesixty.csv_columns(locations=3)]
    assert header[:8] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
    ]
    assert header[-4:] == ["From An Open Call?", "URL", "Data Source", "Last Modified"]
    assert "Beneficiary Location:2:Geographic Code" in header
    assert len(rows) == 4 and all(len(row) == len(header) for row in rows)


def test_nothing_private_is_published(client, places):
    _district, town, _village = places
    award = AwardFactory(
        active=True,
        terms="PRIVATE-TERMS",
        application__target_areas=[town],
        application__beneficiaries="PRIVATE-BENEFICIARIES",
        application__activities="PRIVATE-ACTIVITIES",
        application__screening_reasons="PRIVATE-SCREENING",
        application__info_request="PRIVATE-INFO-REQUEST",
        application__answers={"q1": "PRIVATE-ANSWER"},
        application__organisation__address="PRIVATE-ADDRESS",
        application__organisation__contacts_public=False,
        application__organisation__contact_name="PRIVATE-CONTACT",
        application__organisation__contact_phone="0512-PRIVATE",
        application__organisation__contact_email="private@ngo.example",
        application__organisation__bank_account_number="6222PRIVATE",
        application__organisation__mission="PRIVATE-MISSION?",
    )
    tranche_payment(award=award, position=0, paid=True)
    for url in (JSON_URL, CSV_URL):
        body = read(client.get(url)).decode("utf-8")
        assert award.reference in body
        for secret in ("PRIVATE", "private@ngo.example"):
            assert secret not in body, (url, secret)


def test_a_head_answers_the_headers_without_reading_a_grant(client, places):
    add_awards(2, places)
    get = client.get(JSON_URL)
    read(get)
    for url in (JSON_URL, CSV_URL):
        with CaptureQueriesContext(connection) as queries:
            head = client.head(url)
            content = b"".join(head.streaming_content)
        assert head.status_code == 200 and content == b""
        assert head["ETag"] and head["Content-Type"]
        assert not any("awards_award" in query["sql"] and "ORDER BY" in query["sql"] for query in queries)
    assert client.head(JSON_URL, HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304


def test_the_files_name_a_call_in_chinese_for_every_reader_and_the_page_in_the_readers_language(client, places):
    # `title` (the factory's) is stored as the English title, beside the Chinese one.
    award = AwardFactory(application__call__title="Legal aid grants", application__call__title_zh="法律援助公益创投")
    english = read(client.get(JSON_URL))
    assert english == read(client.get("/zh-hans/open-data/360giving.json"))
    (grant,) = json.loads(english)["grants"]
    assert grant["grantProgramme"][0]["title"] == "法律援助公益创投"
    assert "Legal aid grants" in client.get("/en/open-data/").content.decode()
    assert award.reference in client.get("/zh-hans/open-data/").content.decode()


def test_rows_merge_with_their_places_and_payments_across_chunks(places):
    district, town, village = places
    awards = [AwardFactory(application__target_areas=[district, town, village][: n % 4]) for n in range(7)]
    tranche_payment(award=awards[2], position=0, paid=True)
    # When an award was made does not change the files' order (ids), nor the merge.
    Award.objects.filter(pk__in=[award.pk for award in awards[:4]]).update(
        created_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    )
    expected = {
        award.reference: sorted(
            area.code for area in Application.objects.get(pk=award.application_id).target_areas.all()
        )
        for award in awards
    }
    for chunk_size in (1, 2, 3, 100):
        rows = list(selectors.iter_grant_rows(chunk_size=chunk_size))
        assert [row.reference for row in rows] == [award.reference for award in reversed(awards)]
        assert {row.reference: [place.code for place in row.locations] for row in rows} == expected
        paid = {row.reference: row.amount_disbursed for row in rows if row.amount_disbursed}
        assert paid == {awards[2].reference: awards[2].tranches.get(position=0).amount}


def test_an_area_of_an_award_made_between_the_queries_is_skipped(places):
    """The awards and their places are separate reads; a place whose award the first did
    not see is passed over, not given to the next award."""
    district, town, _ = places
    older = AwardFactory(application__target_areas=[district])
    newer = AwardFactory(application__target_areas=[town])
    awards = [row for row in selectors.award_values() if row["pk"] == older.pk]
    merged = list(selectors._with_places(awards, selectors.target_area_values(), selectors.paid_values()))
    assert newer.pk > older.pk
    ((values, locations, disbursed),) = merged
    assert values["reference"] == older.reference
    assert [place.code for place in locations] == [district.code]
    assert disbursed == 0


def test_the_streamed_files_are_those_of_the_rows(client, places):
    """The files are built from the database values straight to grant dicts (GrantBuilder,
    its shared parts memoised) and the CSV's cells from those (iter_csv_grants): the same
    bytes as serialising each GrantRow with grant_to_360 and reading each CSV cell by its
    path, for awards with and without places, payments, an address, planned dates."""
    add_awards(6, places)
    AwardFactory(
        application__organisation__contacts_public=True,
        application__organisation__address="=SUM(A1)",
        application__organisation__name_zh="-某组织",
        application__requested_amount=Decimal("0"),
        amount=Decimal("1234.50"),
    )
    metadata = threesixty.package_metadata(title="t", publisher_name="p", issued=dt.date(2026, 3, 1))
    rows = list(selectors.iter_grant_rows())
    grants = list(selectors.iter_grants())
    assert grants == [threesixty.grant_to_360(row) for row in rows]
    text = b"".join(threesixty.iter_json_grants(iter(grants), metadata=metadata, batch=2)).decode()
    assert text == "".join(threesixty.iter_json(rows, metadata=metadata))
    # orjson writes each grant as the standard library would, compactly, one a line.
    lines = text.splitlines()
    first = lines.index('  "grants": [') + 1
    assert [line.strip().rstrip(",") for line in lines[first : first + len(rows)]] == [
        json.dumps(threesixty.grant_to_360(row), ensure_ascii=False, separators=(",", ":")) for row in rows
    ]
    assert json.loads(text)["grants"] == json.loads(json.dumps(grants))
    locations = selectors.beneficiary_location_columns()
    text = "".join(threesixty.iter_csv_grants(selectors.iter_grants(), locations=locations, batch=3))
    header, *cells = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    columns = threesixty.csv_columns(locations=locations)
    assert header == [title for title, _ in columns]
    expected = [
        [str(safe_cell(threesixty._cell(grant, path))) for _, path in columns]
        for grant in map(threesixty.grant_to_360, rows)
    ]
    assert cells == expected
    assert any(cell == "'=SUM(A1)" for row in cells for cell in row)
    assert any(cell == "'-某组织" for row in cells for cell in row)
