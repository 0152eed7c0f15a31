import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from cms.opendata import threesixty
from cms.opendata.rows import GrantRow, LocationRef, OrganisationRef

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "cms" / "opendata" / "schema"
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
)

FUNDER = OrganisationRef(name="苏州市吴中区司法局", uscc="11320506014160000X")
RECIPIENT = OrganisationRef(name="吴中区邻里调解服务中心", uscc="52320506MJ5678901A", locality="苏州市吴中区")
COMMUNITY_GROUP = OrganisationRef(name="长桥街道法律志愿者队", local_id="417")


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def format_checker() -> FormatChecker:
    """jsonschema's checkers plus a strict RFC 3339 `date-time` (jsonschema checks that
    format only with an optional package; without it a plain date would match both
    branches of the schema's `oneOf` and be reported invalid)."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            return False
        dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        return True

    return checker


def package_validator() -> Draft202012Validator:
    """The 360Giving package schema with the grant schema resolved from the bundled copy."""
    grant_schema = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant_schema)
    registry = Registry().with_resources((url, resource) for url in GRANT_SCHEMA_URLS)
    registry = registry.with_resource(package_schema["$id"], DRAFT202012.create_resource(package_schema))

    def no_network(uri):
        raise AssertionError(f"tried to fetch {uri}")

    registry = Registry(retrieve=no_network).combine(registry)
    return Draft202012Validator(package_schema, registry=registry, format_checker=format_checker())


def rows() -> list[GrantRow]:
    modified = dt.datetime(2026, 5, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    return [
        GrantRow(
            reference="2026-LA-007",
            title="社区调解室建设",
            description="在六个社区设立调解室，就近化解邻里纠纷。",
            currency="CNY",
            amount_applied_for=Decimal("100000.00"),
            amount_awarded=Decimal("80000.00"),
            amount_disbursed=Decimal("32000.00"),
            award_date=dt.date(2026, 4, 28),
            planned_start=dt.date(2026, 5, 1),
            planned_end=dt.date(2027, 4, 30),
            recipient=RECIPIENT,
            funder=FUNDER,
            programme_code="call-2026-spring",
            programme_title="2026年春季法律服务公益创投",
            programme_url="https://hub.example/zh-hans/calls/2026-spring/",
            category_code="mediation",
            category_title="人民调解",
            service_item_code="community-mediation",
            service_item_title="社区纠纷调解",
            locations=(LocationRef(name="吴中区", code="320506", level="district"),),
            url="https://hub.example/zh-hans/projects/mediation-rooms/",
            modified=modified,
        ),
        GrantRow(
            reference="2026-LA-012",
            title="=Legal lectures for workers",
            description="Monthly lectures on wage claims.",
            currency="CNY",
            amount_awarded=Decimal("45500.50"),
            amount_disbursed=Decimal("0"),
            award_date=dt.date(2026, 4, 28),
            recipient=COMMUNITY_GROUP,
            funder=FUNDER,
            programme_code="call-2026-spring",
            programme_title="2026年春季法律服务公益创投",
            modified=modified,
        ),
    ]


def test_package_validates_against_the_360giving_schema():
    data = threesixty.package(
        rows(), title="Awarded grants", publisher_name="Legal Aid Hub", website="https://hub.example/"
    )
    errors = sorted(package_validator().iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_validator_rejects_a_grant_missing_required_fields():
    data = threesixty.package(rows(), title="Awarded grants", publisher_name="Legal Aid Hub")
    del data["grants"][0]["recipientOrganization"]
    assert list(package_validator().iter_errors(data))


def test_identifiers_follow_360giving_and_org_id_guide():
    grant = threesixty.grant_to_360(rows()[0])
    assert grant["id"] == "360G-legalaidhub-2026-LA-007"
    assert grant["recipientOrganization"][0]["id"] == "CN-USCI-52320506MJ5678901A"
    assert grant["fundingOrganization"][0]["id"] == "CN-USCI-11320506014160000X"


def test_publisher_prefix_comes_from_settings(settings):
    settings.OPEN_DATA_360G_PREFIX = "sz-justice"
    assert threesixty.grant_id("A-1") == "360G-sz-justice-A-1"


def test_organisation_without_uscc_gets_a_local_identifier():
    assert threesixty.grant_to_360(rows()[1])["recipientOrganization"][0]["id"] == "360G-legalaidhub-org-417"
    with pytest.raises(ValueError):
        threesixty.organisation_id(OrganisationRef(name="Nameless"))


def test_amounts_dates_programme_classification_and_location():
    grant = threesixty.grant_to_360(rows()[0])
    assert grant["amountAwarded"] == 80000
    assert grant["amountDisbursed"] == 32000
    assert grant["amountAppliedFor"] == 100000
    assert grant["awardDate"] == "2026-04-28"
    assert grant["plannedDates"] == [{"startDate": "2026-05-01", "endDate": "2027-04-30"}]
    assert grant["grantProgramme"][0]["title"] == "2026年春季法律服务公益创投"
    assert grant["classifications"][0] == {
        "vocabulary": threesixty.CLASSIFICATION_VOCABULARY,
        "code": "mediation",
        "title": "人民调解",
    }
    assert grant["beneficiaryLocation"] == [
        {"name": "吴中区", "countryCode": "CN", "geoCode": "320506", "geoCodeType": "CN-GB2260"}
    ]
    assert grant["dateModified"] == "2026-05-10T09:30:00+08:00"
    assert threesixty.grant_to_360(rows()[1])["amountAwarded"] == 45500.5


def test_csv_has_360giving_columns_one_row_per_grant_and_no_formulas():
    text = threesixty.to_csv(rows())
    assert text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) == 2
    assert table[0]["Identifier"] == "360G-legalaidhub-2026-LA-007"
    assert table[0]["Recipient Org:Identifier"] == "CN-USCI-52320506MJ5678901A"
    assert table[0]["Amount Awarded"] == "80000"
    assert table[0]["Beneficiary Location:Geographic Code"] == "320506"
    assert table[1]["Title"] == "'=Legal lectures for workers"


@pytest.mark.django_db
def test_endpoints_publish_json_and_csv(client):
    response = client.get("/en/open-data/360giving.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["version"] == "1.4" and data["grants"] == []
    csv_response = client.get("/en/open-data/360giving.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]


@pytest.mark.django_db
def test_open_data_page_links_the_files(client):
    html = client.get("/zh-hans/open-data/").content.decode()
    assert 'href="/zh-hans/open-data/360giving.json"' in html
    assert 'href="/zh-hans/open-data/360giving.csv"' in html


@pytest.mark.django_db
def test_open_calls_feed_is_json(client):
    data = client.get("/en/open-data/calls.json").json()
    assert "generated" in data and isinstance(data["calls"], list)
