"""The public site reading the grants app: calls, awards in open data, impact, showcases."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms import impact
from cms.models import ShowcasePage
from cms.opendata.selectors import awarded_grant_rows
from grants.awards.models import Award
from grants.awards.services import create_awards_for_call
from grants.calls.models import Call, Funder
from grants.calls.services import applications as application_services
from grants.calls.services.applications import DraftData
from incubator.models import Area
from tests.cms.test_opendata import assert_valid_package, normalised, unflatten_csv, uscc
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, ReportFactory
from tests.factories.grants import ApplicationFactory, CallFactory, applicant_of
from tests.factories.incubator import OrganisationFactory
from tests.factories.payments import tranche_payment
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def test_calls_page_splits_open_upcoming_and_past_calls(client):
    now = timezone.now()
    open_call = CallFactory(title="Open call", closes_at=now + dt.timedelta(days=5))
    upcoming = CallFactory(
        title="Upcoming call", opens_at=now + dt.timedelta(days=3), closes_at=now + dt.timedelta(days=30)
    )
    past = CallFactory(closed=True, title="Past call")
    CallFactory(draft=True, title="Draft call")
    response = client.get("/en/calls/")
    assert response.context["open_calls"] == [open_call]
    assert response.context["upcoming_calls"] == [upcoming]
    assert [call for call, _ in response.context["past_calls"]] == [past]
    html = response.content.decode()
    assert "Draft call" not in html
    assert f'href="/en/grants/calls/{open_call.slug}/"' in html


def test_calls_page_shows_deadlines_in_china_time(client):
    closes = dt.datetime(2030, 3, 31, 17, 0, tzinfo=dt.UTC)  # 01:00 on 1 April in Shanghai
    CallFactory(closes_at=closes, opens_at=timezone.now() - dt.timedelta(days=1))
    html = client.get("/en/calls/").content.decode()
    assert 'datetime="2030-04-01T01:00:00+08:00"' in html


def test_calls_list_query_count_is_flat(client, no_page_cache):
    def add_rows(n):
        for _ in range(n):
            CallFactory()
            CallFactory(closed=True)

    assert_flat_query_count(client, "/en/calls/", add_rows)


def test_calls_feed_lists_open_calls_with_local_deadlines(client):
    call = CallFactory(title="Mediation grants")
    CallFactory(closed=True)
    data = json.loads(client.get("/en/open-data/calls.json").content)
    assert [row["title"] for row in data["calls"]] == ["Mediation grants"]
    assert data["calls"][0]["closes_at"].endswith("+08:00")
    assert data["calls"][0]["url"] == f"http://testserver/zh-hans/grants/calls/{call.slug}/" or data["calls"][0][
        "url"
    ].endswith(f"/grants/calls/{call.slug}/")


def test_open_data_publishes_each_award_with_money_paid():
    award = AwardFactory(active=True, amount=Decimal("80000.00"))
    tranche_payment(award=award, position=0, paid=True)
    (row,) = awarded_grant_rows()
    assert row.reference == award.reference
    assert row.amount_awarded == Decimal("80000.00")
    assert row.amount_disbursed == award.tranches.get(position=0).amount
    assert row.recipient.uscc == award.application.organisation.uscc
    assert row.programme_title == award.application.call.title


def test_open_data_page_lists_each_grant_by_reference_with_its_amount(client):
    award = AwardFactory(
        amount=Decimal("80000.00"),
        application__organisation__name_en="Xinhe Mediation Centre",
        application__organisation__name_zh="新禾调解中心",
    )
    english = client.get("/en/open-data/").content.decode()
    assert award.reference in english
    assert "¥80,000.00" in english
    assert "Xinhe Mediation Centre" in english
    chinese = client.get("/zh-hans/open-data/").content.decode()
    assert award.reference in chinese and "新禾调解中心" in chinese


def test_open_data_json_validates_with_real_awards(client):
    AwardFactory(
        active=True,
        application__target_areas=[Area.objects.create(name_zh="测试镇", level="town", code="991201101000")],
    )
    AwardFactory()
    data = get_json(client, "/en/open-data/360giving.json")
    assert len(data["grants"]) == 2
    assert_valid_package(data)


# --- Open data from the database ---------------------------------------------------------


def get_json(client, url: str, **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == 200 and response.streaming
    return json.loads(b"".join(response.streaming_content))


def get_csv(client, url: str = "/en/open-data/360giving.csv") -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def district_and_town() -> tuple[Area, Area]:
    district = Area.objects.create(name_zh="测试区", name_en="Test District", level="district", code="991201000000")
    town = Area.objects.create(
        name_zh="测试街道", name_en="Test Street", level="town", code="991201102000", parent=district
    )
    return district, town


def test_open_data_page_totals_come_from_the_database(client):
    first = AwardFactory(amount=Decimal("80000.00"))
    second = AwardFactory(amount=Decimal("45000.50"))
    Award.objects.filter(pk=first.pk).update(created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    Award.objects.filter(pk=second.pk).update(created_at=dt.datetime(2026, 4, 10, 2, 0, tzinfo=dt.UTC))
    response = client.get("/en/open-data/")
    totals = response.context["totals"]
    assert totals.grants == 2
    assert totals.funders == 2
    assert totals.amounts == [("CNY", Decimal("125000.50"))]
    assert (totals.first_award, totals.last_award) == (dt.date(2026, 3, 2), dt.date(2026, 4, 10))
    html = response.content.decode()
    assert "¥125,000.50" in html


def test_a_morning_award_is_published_on_its_day_in_china(client):
    award = AwardFactory()
    # 07:30 on 2 March in Shanghai is 23:30 on 1 March in UTC.
    morning = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    Award.objects.filter(pk=award.pk).update(created_at=morning)
    (grant,) = get_json(client, "/en/open-data/360giving.json")["grants"]
    assert grant["awardDate"] == "2026-03-02"
    (row,) = csv.DictReader(io.StringIO(get_csv(client).lstrip("\ufeff")))
    assert row["Award Date"] == "2026-03-02"


def test_a_grant_names_its_target_area_and_where_the_recipient_is_based(client):
    district, town = district_and_town()
    award = AwardFactory(
        application__target_areas=[town],
        application__organisation__district=district,
        application__organisation__town=town,
        application__organisation__address="测试街道 1 号",
        application__organisation__contacts_public=True,
    )
    (grant,) = get_json(client, "/en/open-data/360giving.json")["grants"]
    assert grant["beneficiaryLocation"] == [
        {"name": "测试街道", "countryCode": "CN", "geoCode": "991201102000", "geoCodeType": "CN-NBS"}
    ]
    (recipient,) = grant["recipientOrganization"]
    organisation = award.application.organisation
    assert recipient["id"] == f"CN-USCI-{organisation.uscc}"
    assert recipient["alternateName"] == organisation.name_en
    assert recipient["addressLocality"] == "测试区"
    assert recipient["streetAddress"] == "测试街道 1 号"
    assert recipient["location"] == [
        {"name": "测试街道", "countryCode": "CN", "geoCode": "991201102000", "geoCodeType": "CN-NBS"}
    ]


def test_an_address_the_organisation_keeps_private_is_not_published(client):
    AwardFactory(application__organisation__address="测试街道 1 号", application__organisation__contacts_public=False)
    (grant,) = get_json(client, "/en/open-data/360giving.json")["grants"]
    assert "streetAddress" not in grant["recipientOrganization"][0]
    assert "测试街道 1 号" not in get_csv(client)


def test_funders_are_identified_by_their_code_only_when_it_is_valid(client):
    valid = AwardFactory(application__call__funder__uscc=uscc("11320506014160000"))
    invalid = AwardFactory()
    Funder.objects.filter(pk=invalid.application.call.funder_id).update(uscc="11320506014160000X")
    grants = {grant["id"]: grant for grant in get_json(client, "/en/open-data/360giving.json")["grants"]}
    funder_ids = {
        reference: grants[f"360G-legalaidhub-{reference}"]["fundingOrganization"][0]["id"]
        for reference in (valid.reference, invalid.reference)
    }
    assert funder_ids[valid.reference] == f"CN-USCI-{uscc('11320506014160000')}"
    assert funder_ids[invalid.reference] == f"360G-legalaidhub-org-funder-{invalid.application.call.funder_id}"


def test_the_files_are_one_language_neutral_file(client):
    award = AwardFactory()
    english = client.get("/en/open-data/360giving.json")
    chinese = client.get("/zh-hans/open-data/360giving.json")
    english_text = b"".join(english.streaming_content).decode()
    assert english_text == b"".join(chinese.streaming_content).decode()
    assert english["ETag"] == chinese["ETag"]
    assert "/en/" not in english_text and "/zh-hans/" not in english_text
    data = json.loads(english_text)
    assert data["title"] == "资助项目 / Awarded grants · Legal Aid Hub"
    assert data["accessURL"] == "http://testserver/open-data/"
    (grant,) = data["grants"]
    assert grant["dataSource"] == "http://testserver/open-data/"
    call_url = grant["grantProgramme"][0]["url"]
    assert call_url == f"http://testserver/grants/calls/{award.application.call.slug}/"
    # A language-neutral link lands on the reader's language.
    for link in (call_url, grant["dataSource"]):
        response = client.get(link.removeprefix("http://testserver"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 302 and response["Location"].startswith("/zh-hans/"), link


def awarded_through_the_services(*, target_areas) -> Award:
    """A grant made the way the product makes one: the applicant names the places in a draft
    and submits; the officer screens, reviews, recommends and awards; the award follows."""
    officer = UserFactory(officer=True)
    call = CallFactory(funder__officers=[officer])
    application = ApplicationFactory(call=call, complete=True)
    member = applicant_of(application)
    application = application_services.application_save_draft(
        application=application,
        by=member,
        data=DraftData(target_areas=target_areas),
        expected_version=application.version,
    )
    application = application_services.application_submit(application=application, by=member)
    for step in (
        application_services.application_mark_eligible,
        application_services.application_start_review,
        application_services.application_recommend,
        application_services.application_award,
    ):
        application = step(application=application, by=officer)
    # The panel's decision made the call final; that journey has its own tests.
    Call.objects.filter(pk=call.pk).update(status=Call.Status.FINAL)
    (award,) = create_awards_for_call(call=call, by=officer)
    return award


def test_a_grant_publishes_every_place_its_application_serves(client):
    _district, town = district_and_town()
    village = Area.objects.create(
        name_zh="测试社区", name_en="Test Community", level="village", code="991201102001", parent=town
    )
    award = awarded_through_the_services(target_areas=[village, town])
    (grant,) = get_json(client, "/en/open-data/360giving.json")["grants"]
    assert grant["id"] == f"360G-legalaidhub-{award.reference}"
    assert grant["beneficiaryLocation"] == [
        {"name": "测试街道", "countryCode": "CN", "geoCode": "991201102000", "geoCodeType": "CN-NBS"},
        {"name": "测试社区", "countryCode": "CN", "geoCode": "991201102001", "geoCodeType": "CN-NBS"},
    ]
    (row,) = csv.DictReader(io.StringIO(get_csv(client).lstrip("\ufeff")))
    assert (row["Beneficiary Location:0:Geographic Code"], row["Beneficiary Location:1:Geographic Code"]) == (
        "991201102000",
        "991201102001",
    )


def test_the_csv_from_the_site_round_trips_through_flattentool(client, tmp_path):
    district, town = district_and_town()
    village = Area.objects.create(
        name_zh="测试社区", name_en="Test Community", level="village", code="991201102001", parent=town
    )
    AwardFactory(
        active=True,
        application__target_areas=[town],
        application__organisation__district=district,
        application__organisation__town=town,
    )
    AwardFactory(application__organisation__uscc="")
    awarded_through_the_services(target_areas=[town, village])
    grants = get_json(client, "/en/open-data/360giving.json")["grants"]
    assert sorted(len(grant.get("beneficiaryLocation", ())) for grant in grants) == [0, 1, 2]
    assert normalised(unflatten_csv(get_csv(client), tmp_path)) == normalised(grants)


def count_file_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        for url in ("/en/open-data/360giving.json", "/en/open-data/360giving.csv"):
            response = client.get(url)
            assert response.status_code == 200
            b"".join(response.streaming_content)
    return len(queries)


def test_the_files_stream_with_the_same_queries_for_5_or_50_awards(client, django_assert_max_num_queries):
    district, town = district_and_town()
    for _ in range(5):
        award = AwardFactory(application__target_areas=[district, town], application__organisation__town=town)
        tranche_payment(award=award, position=0, paid=True)
    few = count_file_queries(client)
    for _ in range(45):
        AwardFactory(application__target_areas=[district, town], application__organisation__district=district)
    assert few <= 12, f"{few} queries for two files of 5 awards"
    with django_assert_max_num_queries(few):
        data = get_json(client, "/en/open-data/360giving.json")
        table = list(csv.DictReader(io.StringIO(get_csv(client).lstrip("\ufeff"))))
    assert len(data["grants"]) == len(table) == 50


def test_the_files_answer_not_modified_until_the_data_changes(client):
    award = AwardFactory(active=True)
    for url in ("/en/open-data/360giving.json", "/en/open-data/360giving.csv"):
        first = client.get(url)
        b"".join(first.streaming_content)
        assert "X-Public-Cache" not in first  # not a whole file in the cache
        assert first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    etag = client.get("/en/open-data/360giving.json")["ETag"]
    tranche_payment(award=award, position=0, paid=True)
    changed = client.get("/en/open-data/360giving.json", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    (grant,) = json.loads(b"".join(changed.streaming_content))["grants"]
    assert Decimal(str(grant["amountDisbursed"])) == award.tranches.get(position=0).amount


def test_impact_counts_calls_awards_money_and_reported_results():
    CallFactory(draft=True)
    award = AwardFactory(active=True)
    tranche_payment(award=award, position=0, paid=True)
    tranche_payment(award=award, position=1, approved=True)
    ReportFactory(milestone=award.milestones.get(kind="midterm"), accepted=True, complete=True)
    ReportFactory(milestone=award.milestones.get(kind="final"), submitted=True, complete=True)  # not accepted
    figures = impact.compute()
    assert figures.calls_run == Call.objects.exclude(status="draft").count()
    assert figures.grants_awarded == 1
    assert figures.money_disbursed == award.tranches.get(position=0).amount
    assert figures.disputes_mediated == 60  # half of the 120 target, from the accepted report only
    assert figures.people_reached == 1000


def test_showcase_shows_award_money_and_kpis_from_accepted_reports(
    client, site_tree, django_capture_on_commit_callbacks
):
    award = AwardFactory(active=True, amount=Decimal("80000.00"))
    tranche_payment(award=award, position=0, paid=True)
    ReportFactory(milestone=award.milestones.get(kind="midterm"), accepted=True, complete=True)
    showcase = site_tree.en["showcase"]
    showcase.award = award
    showcase.organisation = award.application.organisation
    with django_capture_on_commit_callbacks(execute=True):
        showcase.save_revision().publish()
    html = client.get(showcase.url).content.decode()
    assert "¥80,000.00" in html
    assert "Paid so far" in html
    assert "60 of 120 cases (50%)" in html  # the results chart's label (issue 14)


def test_showcase_award_must_belong_to_its_organisation(site_tree):
    showcase = site_tree.en["showcase"]
    showcase.award = AwardFactory()
    showcase.organisation = OrganisationFactory(verified=True)
    with pytest.raises(ValidationError, match="another organisation"):
        showcase.full_clean()


def test_showcase_list_query_count_is_flat(client, site_tree, no_page_cache):
    index = site_tree.en["showcase_index"]

    def add_rows(n):
        for _ in range(n):
            page = ShowcasePage(
                title="Project",
                summary="A project.",
                consent_given=True,
                organisation=OrganisationFactory(verified=True),
                listing_image=site_tree.image,
                listing_image_alt="A picture",
            )
            index.add_child(instance=page)
            page.save_revision().publish()

    assert_flat_query_count(client, index.url, add_rows, slack=1)
