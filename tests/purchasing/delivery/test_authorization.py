"""This app's rows of the authorization matrix (tests/authz/cases/purchasing_delivery.py),
run on their own so a change here is checked without building every app's cases."""

import pytest

from tests.authz.cases import purchasing_delivery
from tests.authz.matrix import ROLES
from tests.authz.test_matrix import observed_outcome, request_as
from tests.authz.world import build_world


@pytest.mark.django_db
def test_each_role_gets_the_expected_outcome_on_every_delivery_url():
    world = build_world()
    failures = []
    for case in purchasing_delivery.cases(world):
        for role in ROLES:
            expected = case.outcome_for(role)
            response = request_as(case, world.users[role])
            actual = observed_outcome(response)
            if actual != expected:
                failures.append(f"{case.label} as {role}: expected {expected}, got {actual} ({response.status_code})")
    assert not failures, "\n".join(failures)
