"""The API reads exactly what the screens show to the same person, in one list convention
and one error shape."""

import pytest
from django.test import Client

from tests.api.conftest import bearer, make_token, submit
from tests.factories.awards import AwardFactory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


def get(path, secret=None, **headers):
    extra = bearer(secret) if secret else {}
    return Client().get(path, **extra, **headers)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_public_calls_leave_drafts_out_and_filter_by_status(api_world):
    response = get("/api/v1/calls/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    listed = {row["id"] for row in body["results"]}
    assert api_world.objects["open_call"].pk in listed
    assert all(row["status"] != "draft" for row in body["results"])
    open_only = get("/api/v1/calls/?status=open").json()["results"]
    assert {row["status"] for row in open_only} == {"open"}


def test_directory_lists_only_verified_organisations_without_private_fields(api_world):
    hidden = OrganisationFactory(name_en="Unverified NGO")
    listed = ids(get("/api/v1/organisations/"))
    assert api_world.org.pk in listed
    assert hidden.pk not in listed
    row = get(f"/api/v1/organisations/{api_world.org.pk}/").json()
    assert "bank_account_number" not in row and "contact_phone" not in row
    assert get(f"/api/v1/organisations/{hidden.pk}/").status_code == 404


def test_grants_are_the_open_data_grants(api_world):
    body = get("/api/v1/grants/").json()
    assert body["count"] == 2
    grant = body["results"][0]
    assert grant["id"].startswith("360G-")
    assert {"title", "amountAwarded", "currency", "recipientOrganization", "fundingOrganization"} <= set(grant)


def test_offers_are_the_published_ones(api_world):
    listed = ids(get("/api/v1/offers/"))
    assert listed == {api_world.objects["offer"].pk}
    row = get(f"/api/v1/offers/{api_world.objects['offer'].pk}/").json()
    assert row["unit_price"] == "500.00" and row["organisation"] == api_world.org.pk


def test_member_reads_only_their_organisations_things(api_world):
    secret = make_token(api_world.users["ngo_member"])
    assert ids(get("/api/v1/me/organisations/", secret)) == {api_world.org.pk}
    applications = ids(get("/api/v1/me/applications/", secret))
    assert api_world.objects["application"].pk in applications
    assert api_world.objects["draft"].pk in applications  # their own drafts, as on their screens
    assert api_world.objects["other_application"].pk not in applications
    other = api_world.objects["other_application"].pk
    assert get(f"/api/v1/me/applications/{other}/", secret).status_code == 404
    assert ids(get("/api/v1/me/reports/", secret)) == {api_world.objects["report"].pk}
    payments = ids(get("/api/v1/me/payments/", secret))
    assert api_world.objects["subsidy_payment"].pk in payments
    assert api_world.objects["other_payment"].pk not in payments


def test_officer_reads_their_funders_submitted_applications_as_snapshots(api_world):
    secret = make_token(api_world.users["programme_officer"])
    listed = ids(get("/api/v1/staff/applications/", secret))
    assert api_world.objects["application"].pk in listed
    assert api_world.objects["draft"].pk not in listed  # drafts are the applicant's business
    assert api_world.objects["other_application"].pk not in listed
    detail = get(f"/api/v1/staff/applications/{api_world.objects['application'].pk}/", secret).json()
    assert detail["revision"] == 1
    assert detail["snapshot"]["title"] == api_world.objects["application"].title
    assert ids(get("/api/v1/staff/awards/", secret)) == {api_world.objects["award"].pk}
    calls = ids(get("/api/v1/staff/calls/", secret))
    assert api_world.objects["other_call"].pk not in calls


def test_ranking_shows_aggregates_and_no_reviewer(api_world):
    secret = make_token(api_world.users["programme_officer"])
    call = api_world.objects["in_review"]
    rows = get(f"/api/v1/staff/calls/{call.pk}/ranking/", secret).json()["results"]
    assert len(rows) == 1
    assert rows[0]["raw_score"] == 81.5
    assert not any("reviewer" in key for key in rows[0])
    other = make_token(api_world.users["other_programme_officer"])
    assert get(f"/api/v1/staff/calls/{call.pk}/ranking/", other).status_code == 404


def test_finance_officer_reads_the_ledger_but_not_applications(api_world):
    secret = make_token(api_world.users["finance_officer"])
    ledger = ids(get("/api/v1/finance/ledger/", secret))
    assert api_world.objects["tranche_payment"].pk in ledger
    assert api_world.objects["other_payment"].pk not in ledger
    response = get("/api/v1/staff/applications/", secret)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_pagination_and_ordering_follow_one_convention(api_world):
    for _ in range(3):
        CallFactory()
    first = get("/api/v1/calls/?page_size=2&ordering=id").json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    assert [row["id"] for row in first["results"]] == sorted(row["id"] for row in first["results"])
    descending = get("/api/v1/calls/?ordering=-id").json()["results"]
    assert [row["id"] for row in descending] == sorted((row["id"] for row in descending), reverse=True)


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Not found."), ("zh-hans", "未找到。")],
)
def test_errors_are_json_in_the_requests_language(api_world, language, text):
    response = get("/api/v1/calls/999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": text}


def test_unknown_api_path_is_a_json_404_not_a_redirect(db):
    response = get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_no_token_is_401_with_the_bearer_challenge(api_world):
    response = get("/api/v1/me/applications/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_invalid_parameters_are_400_with_field_errors(api_world):
    response = get("/api/v1/calls/?status=nonsense")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "status" in body["errors"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/calls/", "/api/v1/organisations/", "/api/v1/grants/"],
)
def test_public_lists_keep_a_flat_query_count(api_world, path):
    def add_rows(n):
        for _ in range(n):
            organisation = OrganisationFactory(verified=True)
            call = CallFactory()
            ApplicationFactory(call=call, organisation=organisation)
            if path == "/api/v1/grants/":
                AwardFactory()

    assert_flat_query_count(Client(), path, add_rows)


def test_member_lists_keep_a_flat_query_count(api_world):
    secret = make_token(api_world.users["ngo_member"])
    client = Client(**bearer(secret))

    def add_rows(n):
        for _ in range(n):
            ApplicationFactory(call=CallFactory(), organisation=api_world.org)

    assert_flat_query_count(client, "/api/v1/me/applications/", add_rows)


def test_officer_lists_keep_a_flat_query_count(api_world):
    secret = make_token(api_world.users["programme_officer"])
    client = Client(**bearer(secret))

    def add_rows(n):
        for _ in range(n):
            submit(ApplicationFactory(call=api_world.objects["open_call"]), by=None)

    assert_flat_query_count(client, "/api/v1/staff/applications/", add_rows)
