"""The 360Giving serializer: the schema, identifiers, places, dates, and the CSV that
360Giving's own flat-file tool (flattentool) turns back into the same grants."""

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import flattentool
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from cms.opendata import threesixty
from cms.opendata.rows import GrantRow, LocationRef, OrganisationRef
from core.identifiers import check_character
from core.spreadsheet import safe_cell, safe_row

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "cms" / "opendata" / "schema"
GRANT_SCHEMA = SCHEMA_DIR / "360-giving-schema.json"
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
)


def uscc(first17: str) -> str:
    """A valid code: the 17 characters and their check character."""
    return first17 + check_character(first17)


FUNDER_USCC = uscc("11320506014160000")
RECIPIENT_USCC = uscc("52320506MJ5678901")
FUNDER = OrganisationRef(
    name="苏州市吴中区司法局", name_en="Wuzhong Justice Bureau", uscc=FUNDER_USCC, local_id="funder-1"
)
RECIPIENT = OrganisationRef(
    name="吴中区邻里调解服务中心",
    name_en="Wuzhong Neighbourhood Mediation Centre",
    uscc=RECIPIENT_USCC,
    local_id="12",
    locality="吴中区",
    street_address="长桥街道宝带西路 100 号",
    url="https://mediation.example/",
    locations=(LocationRef(name="长桥街道", code="320506001000", level="town"),),
)
COMMUNITY_GROUP = OrganisationRef(name="长桥街道法律志愿者队", local_id="417")
CHANGQIAO = LocationRef(name="长桥街道", code="320506001000", level="town")
YUEXI = LocationRef(name="越溪街道", code="320506003000", level="town")


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
    grant_schema = json.loads(GRANT_SCHEMA.read_text())
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant_schema)
    registry = Registry().with_resources((url, resource) for url in GRANT_SCHEMA_URLS)
    registry = registry.with_resource(package_schema["$id"], DRAFT202012.create_resource(package_schema))

    def no_network(uri):
        raise AssertionError(f"tried to fetch {uri}")

    registry = Registry(retrieve=no_network).combine(registry)
    return Draft202012Validator(package_schema, registry=registry, format_checker=format_checker())


def assert_valid_package(data: dict) -> None:
    errors = sorted(package_validator().iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def unflatten_csv(text: str, directory: Path) -> list[dict]:
    """Our CSV read back by 360Giving's flat-file tool, as 360Giving's own data quality
    tool reads it: the grant schema, root list `grants`, ids in `id`, column titles."""
    sheets = directory / "sheets"
    sheets.mkdir()
    (sheets / "grants.csv").write_text(text, encoding="utf-8")  # with its BOM, as downloaded
    output = directory / "unflattened.json"
    flattentool.unflatten(
        str(sheets),
        input_format="csv",
        output_name=str(output),
        root_list_path="grants",
        id_name="id",
        schema=str(GRANT_SCHEMA),
        convert_titles=True,
        encoding="utf-8-sig",
    )
    return json.loads(output.read_text(encoding="utf-8"))["grants"]


def normalised(value):
    """JSON values compared as data: numbers by value (80000 == 80000.0), dicts unordered."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return Decimal(str(value)).normalize()


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
            programme_url="https://hub.example/grants/calls/2026-spring/",
            category_code="mediation",
            category_title="人民调解",
            service_item_code="community-mediation",
            service_item_title="社区纠纷调解",
            locations=(CHANGQIAO, YUEXI),
            url="https://hub.example/projects/mediation-rooms/",
            data_source="https://hub.example/open-data/",
            modified=modified,
        ),
        GrantRow(
            reference="2026-LA-012",
            title="Legal lectures for workers",
            description="Monthly lectures on wage claims.",
            currency="CNY",
            amount_awarded=Decimal("45500.50"),
            amount_disbursed=Decimal("0"),
            award_date=dt.date(2026, 4, 28),
            recipient=COMMUNITY_GROUP,
            funder=FUNDER,
            programme_code="call-2026-spring",
            programme_title="2026年春季法律服务公益创投",
            service_item_code="wage-claims",
            service_item_title="欠薪维权",
            locations=(LocationRef(name="吴中区", code="320506", level="district"),),
            data_source="https://hub.example/open-data/",
            modified=modified,
        ),
    ]


def metadata(**overrides) -> dict:
    values = {
        "title": "资助项目 / Awarded grants",
        "publisher_name": "Legal Aid Hub",
        "website": "https://hub.example/",
        "issued": dt.date(2026, 5, 11),
    }
    return {**values, **overrides}


def test_package_validates_against_the_360giving_schema():
    assert_valid_package(threesixty.package(rows(), **metadata()))


def test_validator_rejects_a_grant_missing_required_fields():
    data = threesixty.package(rows(), **metadata())
    del data["grants"][0]["recipientOrganization"]
    assert list(package_validator().iter_errors(data))


def test_streamed_json_is_the_package():
    text = "".join(threesixty.iter_json(rows(), metadata=threesixty.package_metadata(**metadata()), batch=1))
    assert json.loads(text) == threesixty.package(rows(), **metadata())
    empty = "".join(threesixty.iter_json([], metadata=threesixty.package_metadata(**metadata())))
    assert json.loads(empty)["grants"] == []


def test_identifiers_follow_360giving_and_org_id_guide():
    grant = threesixty.grant_to_360(rows()[0])
    assert grant["id"] == "360G-legalaidhub-2026-LA-007"
    assert grant["recipientOrganization"][0]["id"] == f"CN-USCI-{RECIPIENT_USCC}"
    assert grant["fundingOrganization"][0]["id"] == f"CN-USCI-{FUNDER_USCC}"


def test_publisher_prefix_comes_from_settings(settings):
    settings.OPEN_DATA_360G_PREFIX = "sz-justice"
    assert threesixty.grant_id("A-1") == "360G-sz-justice-A-1"


def test_organisation_without_uscc_gets_a_local_identifier():
    assert threesixty.grant_to_360(rows()[1])["recipientOrganization"][0]["id"] == "360G-legalaidhub-org-417"
    with pytest.raises(ValueError):
        threesixty.organisation_id(OrganisationRef(name="Nameless"))


def test_a_uscc_that_fails_its_check_is_never_published_as_an_identifier():
    wrong_check = FUNDER_USCC[:17] + ("0" if FUNDER_USCC[17] != "0" else "1")
    funder = dataclasses.replace(FUNDER, uscc=wrong_check)
    assert threesixty.organisation_id(funder) == "360G-legalaidhub-org-funder-1"
    assert threesixty.organisation_id(dataclasses.replace(FUNDER, uscc="11320506014160")) == (
        "360G-legalaidhub-org-funder-1"
    )


def test_a_valid_uscc_is_published_in_its_canonical_form():
    pasted = dataclasses.replace(FUNDER, uscc=f" {FUNDER_USCC[:6]}-{FUNDER_USCC[6:].lower()} ")
    assert threesixty.organisation_id(pasted) == f"CN-USCI-{FUNDER_USCC}"


def test_amounts_dates_programme_and_classifications():
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
    assert grant["dateModified"] == "2026-05-10T09:30:00+08:00"
    assert grant["dataSource"] == "https://hub.example/open-data/"
    assert threesixty.grant_to_360(rows()[1])["amountAwarded"] == 45500.5


def test_a_morning_award_is_dated_the_day_it_was_made_in_china():
    morning = dt.datetime(2026, 3, 2, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert morning.astimezone(dt.UTC).date() == dt.date(2026, 3, 1)
    assert threesixty.award_day(morning.astimezone(dt.UTC)) == dt.date(2026, 3, 2)


def test_beneficiary_locations_carry_the_division_codes_as_stored():
    grant = threesixty.grant_to_360(rows()[0])
    assert grant["beneficiaryLocation"] == [
        {"name": "长桥街道", "countryCode": "CN", "geoCode": "320506001000", "geoCodeType": "CN-NBS"},
        {"name": "越溪街道", "countryCode": "CN", "geoCode": "320506003000", "geoCodeType": "CN-NBS"},
    ]
    assert threesixty.grant_to_360(rows()[1])["beneficiaryLocation"] == [
        {"name": "吴中区", "countryCode": "CN", "geoCode": "320506", "geoCodeType": "CN-GB2260"}
    ]
    # A code of no known shape is still published as stored, without a type it does not have.
    odd = threesixty.grant_to_360(dataclasses.replace(rows()[1], locations=(LocationRef(name="某地", code="32050"),)))
    assert odd["beneficiaryLocation"] == [{"name": "某地", "countryCode": "CN", "geoCode": "32050"}]


def test_recipient_carries_its_address_and_location():
    (recipient,) = threesixty.grant_to_360(rows()[0])["recipientOrganization"]
    assert recipient == {
        "id": f"CN-USCI-{RECIPIENT_USCC}",
        "name": "吴中区邻里调解服务中心",
        "alternateName": "Wuzhong Neighbourhood Mediation Centre",
        "streetAddress": "长桥街道宝带西路 100 号",
        "addressLocality": "吴中区",
        "addressCountry": "CN",
        "url": "https://mediation.example/",
        "location": [{"name": "长桥街道", "countryCode": "CN", "geoCode": "320506001000", "geoCodeType": "CN-NBS"}],
    }


def test_csv_has_360giving_columns_one_row_per_grant_and_numbered_locations():
    text = threesixty.to_csv(rows())
    assert text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) == 2
    assert table[0]["Identifier"] == "360G-legalaidhub-2026-LA-007"
    assert table[0]["Recipient Org:Identifier"] == f"CN-USCI-{RECIPIENT_USCC}"
    assert table[0]["Amount Awarded"] == "80000"
    assert table[0]["Award Date"] == "2026-04-28"
    assert table[0]["Beneficiary Location:0:Geographic Code"] == "320506001000"
    assert table[0]["Beneficiary Location:1:Name"] == "越溪街道"
    assert table[1]["Beneficiary Location:0:Name"] == "吴中区"
    assert table[1]["Beneficiary Location:1:Name"] == ""


def test_csv_cells_never_start_a_formula():
    row = dataclasses.replace(rows()[1], title="=HYPERLINK(1)")
    table = list(csv.DictReader(io.StringIO(threesixty.to_csv([row]).lstrip("\ufeff"))))
    assert table[0]["Title"] == "'=HYPERLINK(1)"


def test_csv_round_trips_through_flattentool_to_the_same_grants(tmp_path):
    """360Giving's own tool reads our CSV back into the grants of our JSON, the grant for
    two places included (joined into one cell they would come back as one place)."""
    grants = threesixty.package(rows(), **metadata())["grants"]
    unflattened = unflatten_csv(threesixty.to_csv(rows()), tmp_path)
    assert normalised(unflattened) == normalised(grants)
    assert len(unflattened[0]["beneficiaryLocation"]) == 2
    assert_valid_package({"grants": unflattened})


def test_streamed_csv_is_the_same_in_batches():
    assert "".join(threesixty.iter_csv(rows(), locations=2, batch=1)) == threesixty.to_csv(rows())
    with pytest.raises(ValueError, match="more beneficiary locations"):
        "".join(threesixty.iter_csv(rows(), locations=1))


def test_the_spreadsheet_helpers_fast_path_keeps_every_cell_as_safe_cell_makes_it():
    values = ["", "a", "=1+1", "+x", "-12.50", "-x", "@a", "\tb", "\rc", None, 0, 1.5, Decimal("2"), True, "中文"]
    assert safe_row(values) == [safe_cell(value) for value in values]
