"""Reads of the three-party evaluation, scoped to who is asking."""

from collections import Counter

from django.db.models import Prefetch, Q
from django.http import Http404

from grants.awards.evaluation import permissions
from grants.awards.evaluation.models import (
    EvaluationCase,
    EvaluationOrganisation,
    Part,
    SiteVisit,
    VisitEvidence,
)
from grants.awards.evaluation.scoring import MIN_ANSWERS
from grants.calls.permissions import member_organisation_ids, officer_funder_ids


def _case_base():
    return EvaluationCase.objects.select_related("organisation", "scheme", "third_party", "funder", "award")


def _with_visits(queryset):
    return queryset.prefetch_related(
        Prefetch("visits", queryset=SiteVisit.objects.prefetch_related("slots", "evidence").order_by("-created_at")),
        "assessments",
    )


def case_by_token(token: str) -> EvaluationCase:
    case = _case_base().filter(feedback_token=token).first()
    if case is None:
        raise Http404
    return case


def cases_for_member(user):
    if not user.is_authenticated:
        return EvaluationCase.objects.none()
    return _case_base().filter(organisation_id__in=member_organisation_ids(user))


def cases_for_evaluator(user):
    return _case_base().filter(third_party_id__in=permissions.evaluator_organisation_ids(user))


def cases_for_officer(user):
    if not user.is_authenticated:
        return EvaluationCase.objects.none()
    queryset = _case_base()
    if user.is_superuser:
        return queryset
    return queryset.filter(funder_id__in=officer_funder_ids(user))


def case_for(user, pk, *, check) -> EvaluationCase:
    """The case if `check(user, case)`; 404 otherwise (nothing tells a stranger it exists)."""
    case = _with_visits(_case_base()).filter(pk=pk).first()
    if case is None or not check(user, case):
        raise Http404
    return case


def visit_evidence_for(user, pk) -> VisitEvidence:
    evidence = VisitEvidence.objects.select_related("visit__case").filter(pk=pk).first()
    if evidence is None or not permissions.can_view_visit_evidence(user, evidence.visit):
        raise Http404
    return evidence


def evaluation_organisations():
    return EvaluationOrganisation.objects.prefetch_related("evaluators__user", "engagements__call")


def feedback_summary(case) -> dict | None:
    """Per question: the count of each answer (5 to 1) and the number answering; the total and
    the comments. None under MIN_ANSWERS responses, so no single answer can be picked out."""
    answers = list(case.responses.values_list("answers", "comment"))
    if len(answers) < MIN_ANSWERS:
        return None
    questions = list(case.scheme.criteria.filter(part=Part.BENEFICIARIES))
    rows = []
    for question in questions:
        counts = Counter(a.get(str(question.pk)) for a, _comment in answers if a.get(str(question.pk)))
        answered = sum(counts.values())
        rows.append(
            {
                "question": question,
                "answered": answered,
                "counts": [(value, counts.get(value, 0)) for value in (5, 4, 3, 2, 1)],
                "mean": round(sum(v * n for v, n in counts.items()) / answered, 1) if answered else None,
            }
        )
    return {
        "total": len(answers),
        "rows": rows,
        "comments": [comment for _a, comment in answers if comment],
    }


def visits_waiting_for(user):
    """Visits proposed to the user's organisations, waiting for a confirmed time."""
    return SiteVisit.objects.filter(
        Q(case__organisation_id__in=member_organisation_ids(user)), status=SiteVisit.Status.PROPOSED
    ).select_related("case")
