"""The incubator's rows of the authorization matrix, run on their own so that a
failure names the incubator (the full matrix runs in tests/authz)."""

import pytest

from tests.authz.cases import incubator as incubator_cases
from tests.authz.matrix import ROLES
from tests.authz.test_matrix import observed_outcome, request_as
from tests.authz.world import build_world


@pytest.mark.django_db
def test_every_incubator_url_answers_each_role_as_the_matrix_expects():
    world = build_world()
    failures = []
    for case in incubator_cases.cases(world):
        for role in ROLES:
            expected = case.outcome_for(role)
            response = request_as(case, world.users[role])
            actual = observed_outcome(response)
            if actual != expected:
                failures.append(f"{case.label} as {role}: expected {expected}, got {actual} ({response.status_code})")
    assert not failures, "\n".join(failures)
