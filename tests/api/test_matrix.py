"""The API's authorization matrix: every operation of the served schema, every role, one
expected status. An operation added to the API without a case here fails the first test."""

import pytest
from django.test import Client

from tests.api.conftest import bearer, make_token
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "ngo_member",
    "other_ngo_member",
    "reviewer",
    "programme_officer",
    "other_programme_officer",
    "finance_officer",
    "editor",
)
OK, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = 200, 401, 403, 404


def public() -> dict:
    return dict.fromkeys(ROLES, OK)


def token_holders(**overrides) -> dict:
    expect = dict.fromkeys(ROLES, OK)
    expect["anonymous"] = UNAUTHENTICATED
    expect.update(overrides)
    return expect


def members(**overrides) -> dict:
    """read:own: NGO members; staff, reviewers and editors have no such scope."""
    expect = dict.fromkeys(ROLES, FORBIDDEN)
    expect.update(anonymous=UNAUTHENTICATED, ngo_member=OK, other_ngo_member=OK)
    expect.update(overrides)
    return expect


def officers(**overrides) -> dict:
    """read:staff: programme officers, each for their own funders."""
    expect = dict.fromkeys(ROLES, FORBIDDEN)
    expect.update(anonymous=UNAUTHENTICATED, programme_officer=OK, other_programme_officer=OK)
    expect.update(overrides)
    return expect


def ledger(**overrides) -> dict:
    """read:finance: finance and programme officers (the ledger's staff)."""
    return officers(finance_officer=OK, **overrides)


def cases(world) -> dict[str, tuple[str, dict]]:
    """'METHOD /schema/path/' -> (the concrete path, {role: status})."""
    o = world.objects
    return {
        "GET /api/v1/calls/": ("/api/v1/calls/", public()),
        "GET /api/v1/calls/{id}/": (f"/api/v1/calls/{o['open_call'].pk}/", public()),
        "GET /api/v1/organisations/": ("/api/v1/organisations/", public()),
        "GET /api/v1/organisations/{id}/": (f"/api/v1/organisations/{world.org.pk}/", public()),
        "GET /api/v1/grants/": ("/api/v1/grants/", public()),
        "GET /api/v1/offers/": ("/api/v1/offers/", public()),
        "GET /api/v1/offers/{id}/": (f"/api/v1/offers/{o['offer'].pk}/", public()),
        "GET /api/v1/token/": ("/api/v1/token/", token_holders()),
        "GET /api/v1/me/organisations/": ("/api/v1/me/organisations/", members()),
        "GET /api/v1/me/organisations/{id}/": (
            f"/api/v1/me/organisations/{world.org.pk}/",
            members(other_ngo_member=NOT_FOUND),
        ),
        "GET /api/v1/me/applications/": ("/api/v1/me/applications/", members()),
        "GET /api/v1/me/applications/{id}/": (
            f"/api/v1/me/applications/{o['application'].pk}/",
            members(other_ngo_member=NOT_FOUND),
        ),
        "GET /api/v1/me/reports/": ("/api/v1/me/reports/", members()),
        "GET /api/v1/me/payments/": ("/api/v1/me/payments/", members()),
        "GET /api/v1/staff/calls/": ("/api/v1/staff/calls/", officers()),
        "GET /api/v1/staff/calls/{id}/": (
            f"/api/v1/staff/calls/{o['open_call'].pk}/",
            officers(other_programme_officer=NOT_FOUND),
        ),
        "GET /api/v1/staff/calls/{id}/ranking/": (
            f"/api/v1/staff/calls/{o['in_review'].pk}/ranking/",
            officers(other_programme_officer=NOT_FOUND),
        ),
        "GET /api/v1/staff/applications/": ("/api/v1/staff/applications/", officers()),
        "GET /api/v1/staff/applications/{id}/": (
            f"/api/v1/staff/applications/{o['application'].pk}/",
            officers(other_programme_officer=NOT_FOUND),
        ),
        "GET /api/v1/staff/awards/": ("/api/v1/staff/awards/", officers()),
        "GET /api/v1/staff/awards/{id}/": (
            f"/api/v1/staff/awards/{o['award'].pk}/",
            officers(other_programme_officer=NOT_FOUND),
        ),
        "GET /api/v1/staff/payments/": ("/api/v1/staff/payments/", officers()),
        "GET /api/v1/finance/ledger/": ("/api/v1/finance/ledger/", ledger()),
    }


def schema_operations() -> set[str]:
    schema = Client().get("/api/v1/schema.json").json()
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_api_operation_has_an_authorization_case(api_world):
    operations = schema_operations()
    covered = set(cases(api_world))
    assert not operations - covered, (
        f"API operations without a case in tests/api/test_matrix.py: {sorted(operations - covered)}"
    )
    assert not covered - operations, f"Cases for operations the schema no longer has: {sorted(covered - operations)}"


def test_each_role_gets_the_expected_status_on_every_operation(api_world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "10000/minute", "anonymous": "10000/minute"},
    }
    headers = {role: bearer(make_token(user)) if user else {} for role, user in api_world.users.items()}
    failures = []
    for operation, (path, expect) in cases(api_world).items():
        for role in ROLES:
            response = Client().get(path, **headers[role])
            if response.status_code != expect[role]:
                failures.append(f"{operation} as {role}: expected {expect[role]}, got {response.status_code}")
            elif response.status_code >= 400:
                assert set(response.json()) >= {"code", "message"}, operation
    assert not failures, "\n".join(failures)


def test_session_cookies_do_not_open_the_api(api_world):
    """The API takes tokens only: a signed-in browser session is anonymous there (no CSRF
    surface, no scope-less access)."""
    client = login(Client(), api_world.users["ngo_member"])
    assert client.get("/api/v1/me/applications/").status_code == 401
