"""Who may do what in a three-party evaluation. Views, templates and services ask here.

- The purchaser (a grant's funder's programme officers; for other kinds, whom the kind says) gives
  the purchaser's marks; the case's manager contracts a third party and publishes.
- Evaluators of the case's third-party organisation declare conflicts; with no conflict they
  propose visits, record them and give the third party's marks.
- The evaluated organisation's members see their visits, confirm a slot, print the feedback
  poster and, once published, the result. Residents answer the survey without an account.
"""

from accounts.roles import EVALUATOR, has_role, is_programme_officer
from grants.awards.evaluation.models import EvaluationCase, Evaluator, EvaluatorConflict, SiteVisit
from grants.awards.evaluation.registry import kind_of
from grants.awards.permissions import is_manager_of
from grants.calls.permissions import is_member_of, is_programme_officer_of


def is_evaluator(user) -> bool:
    return user.is_authenticated and has_role(user, EVALUATOR)


def evaluator_organisation_ids(user) -> frozenset:
    if not is_evaluator(user):
        return frozenset()
    cached = getattr(user, "_evaluator_org_ids", None)
    if cached is None:
        cached = frozenset(Evaluator.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._evaluator_org_ids = cached
    return cached


def is_evaluator_of(user, case) -> bool:
    return case.third_party_id is not None and case.third_party_id in evaluator_organisation_ids(user)


def declaration_of(user, case):
    return EvaluatorConflict.objects.filter(case=case, evaluator=user).first() if user.is_authenticated else None


def is_cleared_evaluator(user, case) -> bool:
    """An evaluator of the case who declared no conflict (and none was detected)."""
    if not is_evaluator_of(user, case):
        return False
    declaration = declaration_of(user, case)
    return declaration is not None and not declaration.has_conflict


def is_purchaser(user, case) -> bool:
    return user.is_authenticated and bool(kind_of(case).is_purchaser(user, case))


def is_manager(user, case) -> bool:
    return user.is_authenticated and bool(kind_of(case).is_manager(user, case))


def is_organisation_member(user, case) -> bool:
    return is_member_of(user, case.organisation_id)


# --- Cases ------------------------------------------------------------------------------------


def can_view_case(user, case) -> bool:
    """The case page: the NGO, its purchaser and manager, and cleared evaluators."""
    return (
        is_organisation_member(user, case)
        or is_manager(user, case)
        or is_purchaser(user, case)
        or is_evaluator_of(user, case)
    )


def can_view_result(user, case) -> bool:
    """The NGO sees its result once published; the purchaser and manager always."""
    if is_manager(user, case) or is_purchaser(user, case):
        return True
    return case.is_published and is_organisation_member(user, case)


def can_print_poster(user, case) -> bool:
    return is_organisation_member(user, case) or is_manager(user, case)


def can_engage_third_party(user, case) -> bool:
    return case.status == EvaluationCase.Status.OPEN and is_manager(user, case)


def can_contract_for_call(user, call) -> bool:
    return is_programme_officer_of(user, call.funder_id)


def can_create_evaluation_organisation(user) -> bool:
    return is_programme_officer(user)


def can_invite_evaluator(user, organisation) -> bool:
    return is_programme_officer(user)


def can_declare_conflict(user, case) -> bool:
    return case.status == EvaluationCase.Status.OPEN and is_evaluator_of(user, case) and not declaration_of(user, case)


def can_propose_visit(user, case) -> bool:
    return case.status == EvaluationCase.Status.OPEN and is_cleared_evaluator(user, case)


def can_confirm_visit(user, visit) -> bool:
    return visit.status == SiteVisit.Status.PROPOSED and is_organisation_member(user, visit.case)


def can_record_visit(user, visit) -> bool:
    return visit.status in (SiteVisit.Status.CONFIRMED, SiteVisit.Status.RECORDED) and is_cleared_evaluator(
        user, visit.case
    )


def can_view_visit_evidence(user, visit) -> bool:
    return is_cleared_evaluator(user, visit.case) or is_manager(user, visit.case)


def can_assess(user, case, part) -> bool:
    if case.status != EvaluationCase.Status.OPEN or case.assessments.filter(part=part).exists():
        return False
    if part == "purchaser":
        return is_purchaser(user, case)
    if part == "third_party":
        return is_cleared_evaluator(user, case)
    return False


def can_publish(user, case) -> bool:
    return case.status == EvaluationCase.Status.OPEN and is_manager(user, case)


def can_rate_purchaser(user, case) -> bool:
    return case.kind != "award" and is_manager_of(user, case.organisation_id) and not hasattr(case, "purchaser_rating")
