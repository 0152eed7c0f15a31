"""The evaluation URLs' authorization cases (tests/authz/cases/evaluation.py) for the matrix's roles,
and for the role the matrix does not have: an evaluator of the contracted organisation (with and
without a second factor). The full matrix (tests/authz/test_matrix.py) runs the same cases."""

import pytest

from accounts import roles
from grants.awards.evaluation.models import EvaluationOrganisation, Evaluator
from tests.authz.cases import evaluation as evaluation_cases
from tests.authz.matrix import ALLOW, FORBIDDEN, MFA, NOT_FOUND, ROLES
from tests.authz.test_matrix import observed_outcome, request_as
from tests.authz.world import build_world
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

# What an evaluator of the contracted organisation gets on each URL (GET and POST alike).
EVALUATOR = {
    "awards:feedback": None,  # as everyone: the case's own expectation
    "awards:feedback_thanks": None,
    "awards:evaluator_invitation": None,
    "awards:case_detail": ALLOW,
    "awards:feedback_poster": NOT_FOUND,
    "awards:visit_confirm": FORBIDDEN,
    "awards:evaluator_home": ALLOW,
    "awards:evaluator_case": ALLOW,
    "awards:evaluator_declare": ALLOW,
    "awards:evaluator_propose": ALLOW,
    "awards:evaluator_record": ALLOW,
    "awards:evaluator_evidence": ALLOW,
    "awards:evaluator_marks": ALLOW,
    "awards:visit_evidence": NOT_FOUND,  # only once they have declared no conflict
}


def test_each_matrix_role_gets_the_expected_outcome_on_every_evaluation_url():
    world = build_world()
    failures = []
    for case in evaluation_cases.cases(world):
        for role in ROLES:
            expected = case.outcome_for(role)
            response = request_as(case, world.users[role])
            actual = observed_outcome(response)
            if actual != expected:
                failures.append(f"{case.label} as {role}: expected {expected}, got {actual} ({response.status_code})")
    assert not failures, "\n".join(failures)


def test_an_evaluator_gets_their_pages_only_with_a_second_factor():
    world = build_world()
    cases = evaluation_cases.cases(world)
    organisation = EvaluationOrganisation.objects.get(name_en="Evaluation Centre")
    with_totp = UserFactory(email="seat@evaluators.cn", roles=[roles.EVALUATOR], mfa=True)
    without_totp = UserFactory(email="seat2@evaluators.cn", roles=[roles.EVALUATOR], mfa=False)
    for user in (with_totp, without_totp):
        Evaluator.objects.create(organisation=organisation, user=user)
    failures = []
    for case in cases:
        if case.name.startswith("awards_admin_"):
            expected = FORBIDDEN  # the Wagtail admin refuses non-staff
        elif case.name in EVALUATOR:
            expected = EVALUATOR[case.name] or case.outcome_for("ngo_member")
        else:
            expected = case.outcome_for("reviewer")
        if case.name == "awards:evaluator_invitation":
            expected = ALLOW
        actual = observed_outcome(request_as(case, with_totp))
        # A POST without data is refused with a 400 (the form says why): still let in.
        if expected == ALLOW and actual == "status 400":
            actual = ALLOW
        if actual != expected:
            failures.append(f"{case.label} as evaluator: expected {expected}, got {actual}")
        if case.name.startswith("awards:evaluator_") and case.name != "awards:evaluator_invitation":
            outcome = observed_outcome(request_as(case, without_totp, mfa=False))
            if outcome != MFA:
                failures.append(f"{case.label} as evaluator without TOTP: expected {MFA}, got {outcome}")
    assert not failures, "\n".join(failures)
