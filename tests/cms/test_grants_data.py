"""The public site reading the grants app: calls, awards in open data, impact, showcases."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from cms import impact
from cms.opendata.selectors import awarded_grant_rows
from grants.calls.models import Call
from tests.factories.awards import AwardFactory, ReportFactory
from tests.factories.grants import CallFactory
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
    from tests.cms.test_opendata import package_validator

    AwardFactory(active=True)
    AwardFactory()
    data = json.loads(client.get("/en/open-data/360giving.json").content)
    assert len(data["grants"]) == 2
    errors = list(package_validator().iter_errors(data))
    assert not errors, [e.message for e in errors]


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
    assert "60 / 120 cases" in html.replace("<strong>", "").replace("</strong>", "")


def test_showcase_award_must_belong_to_its_organisation(site_tree):
    from django.core.exceptions import ValidationError

    from tests.factories.incubator import OrganisationFactory

    showcase = site_tree.en["showcase"]
    showcase.award = AwardFactory()
    showcase.organisation = OrganisationFactory(verified=True)
    with pytest.raises(ValidationError, match="another organisation"):
        showcase.full_clean()


def test_showcase_list_query_count_is_flat(client, site_tree, no_page_cache):
    index = site_tree.en["showcase_index"]

    def add_rows(n):
        from cms.models import ShowcasePage
        from tests.factories.incubator import OrganisationFactory

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
