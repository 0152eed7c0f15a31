"""A contract is evaluated by the three-party scheme (issue 17, grants.awards.evaluation).

- Signing opens the contract's case (``open_case``, kind "contract"); the contract keeps it in
  ``Contract.evaluation_case`` and its ``beneficiary_feedback_url`` is the case's survey link.
- The buyer's staff give the purchaser's marks; the buyer's staff or a programme officer manage
  the case (contract a third party, publish). Residents answer the survey (the QR poster).
- Once published, the case's grade is the contract's evaluation result
  (``purchasing.contracts.evaluation_results``): a passing grade lets the delivery app pay the
  final instalment and the buyer renew the contract; a failing one holds both back, with the
  grade as the reason.

``register()`` is called from ``ContractsConfig.ready()``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.roles import is_programme_officer
from core.audit import record_event
from core.links import site_path
from grants.awards.evaluation import registry
from grants.awards.evaluation import services as evaluation_services
from purchasing.contracts import evaluation_results
from purchasing.contracts.evaluation_results import EvaluationResult
from purchasing.contracts.models import Contract
from purchasing.contracts.permissions import is_buyer_staff

KIND = "contract"


def contract_of(case) -> Contract | None:
    if case is None or case.kind != KIND:
        return None
    return Contract.objects.select_related("buyer", "organisation").filter(evaluation_case_id=case.pk).first()


def feedback_link(case) -> str:
    """The survey's public address (no language prefix: a reader lands in their own)."""
    return settings.SITE_URL + site_path("awards:feedback", token=case.feedback_token)


def open_case(contract: Contract):
    """The contract's case, opened once (called inside the signing transaction)."""
    if contract.evaluation_case_id:
        return contract.evaluation_case
    case = evaluation_services.case_open(
        kind=KIND,
        organisation=contract.organisation,
        title=f"{contract.reference} · {contract.title_zh or contract.title_en}",
    )
    contract.evaluation_case = case
    fields = ["evaluation_case", "updated_at"]
    if not contract.beneficiary_feedback_url:
        contract.beneficiary_feedback_url = feedback_link(case)
        fields.append("beneficiary_feedback_url")
    contract.save(update_fields=fields)
    return case


# --- The kind's answers for grants.awards.evaluation ---------------------------------------------


def is_purchaser(user, case) -> bool:
    contract = contract_of(case)
    return contract is not None and is_buyer_staff(user, contract.buyer_id)


def is_manager(user, case) -> bool:
    contract = contract_of(case)
    return contract is not None and (is_buyer_staff(user, contract.buyer_id) or is_programme_officer(user))


def publish_problems(*, case) -> list[str]:
    contract = contract_of(case)
    if contract is None:
        return [_("This evaluation belongs to no contract.")]
    if contract.status not in (*Contract.COMMITTED, Contract.Status.TERMINATED):
        return [_("The contract has not been signed.")]
    return []


def subject_url(case) -> str:
    contract = contract_of(case)
    return site_path("purchasing:contract_detail", pk=contract.pk) if contract else ""


def graded(*, case) -> None:
    """Inside the publishing transaction: the contract's history records the result; the final
    instalment and renewal read it from then on (``result``)."""
    contract = contract_of(case)
    if contract is None:
        return
    record_event(
        target=contract,
        verb="purchasing.contract_evaluated",
        actor=case.published_by,
        message=f"{case.score} ({case.get_grade_display()})",
        data={"case": case.pk, "score": str(case.score), "grade": case.grade, "passed": case.passed},
    )


def result(contract) -> EvaluationResult | None:
    """The contract's evaluation result: its published case's grade, or None while open."""
    case = contract.evaluation_case if contract.evaluation_case_id else None
    if case is None or not case.is_published:
        return None
    return EvaluationResult(passed=case.passed, grade=case.get_grade_display(), summary=str(case.score))


def register() -> None:
    registry.register_subject_kind(
        KIND,
        is_purchaser=is_purchaser,
        is_manager=is_manager,
        publish_problems=publish_problems,
        subject_url=subject_url,
    )
    registry.on_evaluation_graded(graded, kind=KIND)
    evaluation_results.register(result)
