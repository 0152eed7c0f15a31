"""Schema-driven tests: schemathesis generates requests for every operation of the served
schema, valid and invalid, and checks the answers (no 5xx; status codes, headers and bodies
as the schema says; valid requests accepted). Invalid requests are not required to be
refused: like most REST APIs this one ignores query parameters it does not know, and a
blank filter means no filter. In process through Django's WSGI handler: no network, a few minutes
at most (a bounded number of examples per operation)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from accounts import roles
from incubator.models import Membership
from tests.api.conftest import build_api_world, make_token
from tests.factories.accounts import UserFactory
from tests.factories.incubator import MembershipFactory

# Examples per operation and mode: 6 keeps both CI passes to a few minutes each; raise it locally
# (SCHEMATHESIS_EXAMPLES=50) for a deeper search.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))


@pytest.fixture
def api_schema(db, settings):
    # As Django's test client does: a request must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000000/minute", "anonymous": "1000000/minute"},
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema.json", WSGIHandler())
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES, database="none"
    )
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def all_scopes_token(api_schema):
    """A person who holds every role the API distinguishes, so every operation can answer 2xx."""
    world = build_api_world()
    user = UserFactory(
        roles=[roles.NGO_MEMBER, roles.PROGRAMME_OFFICER, roles.FINANCE_OFFICER], is_staff=True, mfa=True
    )
    MembershipFactory(organisation=world.org, user=user, role=Membership.Role.MEMBER)
    world.funder.officers.add(user)
    return make_token(user)


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


@lazy_schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_as_its_schema_says(case, all_scopes_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {all_scopes_token}"}, excluded_checks=[negative_data_rejection]
    )


@lazy_schema.parametrize()
@settings(
    deadline=None,
    max_examples=max(2, EXAMPLES // 3),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_anonymous_callers_as_its_schema_says(case, api_schema):
    case.call_and_validate(excluded_checks=[negative_data_rejection])
