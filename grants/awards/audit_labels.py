"""How the awards' and reports' audit events read (core.audit), and their History pages (core.history)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_finance_officer, is_programme_officer
from core.audit import register_verbs
from core.history import register_history
from core.transitions import require
from grants.awards.models import Award, EvaluationCase, MilestoneReport, SiteVisit
from grants.awards.selectors import award_for_officer, report_for_officer

AWARD_VERBS = {
    "award.created": _("Award made"),
    "award.agreement_accepted": _("Agreement accepted"),
    "award.amended": _("Award amended"),
    "award.evaluated": _("Evaluated"),
    "award.funder_rated": _("Funder rated by the organisation"),
    "report.overdue": _("Report overdue"),
}
REPORT_VERBS = {
    "report.submitted": _("Report submitted"),
    "report.accepted": _("Report accepted"),
    "report.returned": _("Report returned for changes"),
    "report.evidence_added": _("Evidence added"),
    "report.evidence_removed": _("Evidence removed"),
}

# The three-party evaluation (grants.awards.evaluation).
CASE_VERBS = {
    "evaluation.case_opened": _("Evaluation opened"),
    "evaluation.third_party_contracted": _("Evaluation organisation contracted"),
    "evaluation.conflict_declared": _("Evaluator declared on conflicts"),
    "evaluation.part_marked": _("Marks given"),
    "evaluation.published": _("Evaluation published"),
    "evaluation.purchaser_rated": _("Purchaser rated by the organisation"),
    "evaluation.organisation_added": _("Evaluation organisation added"),
    "evaluation.evaluator_invited": _("Evaluator invited"),
    "evaluation.evaluator_joined": _("Evaluator joined"),
}
VISIT_VERBS = {
    "evaluation.visit_proposed": _("Site visit proposed"),
    "evaluation.visit_confirmed": _("Site visit confirmed"),
    "evaluation.visit_cancelled": _("Site visit cancelled"),
    "evaluation.visit_recorded": _("Site visit recorded"),
    "evaluation.visit_evidence_added": _("Visit evidence added"),
}


def _grants_staff(find):
    """As the award pages: programme and finance officers, within their funders."""

    def guarded(user, pk):
        require(
            is_programme_officer(user) or is_finance_officer(user),
            _("Only programme and finance officers can see grants."),
        )
        return find(user, pk)

    return guarded


def register_audit() -> None:
    register_verbs(AWARD_VERBS, states=Award.Status)
    register_verbs(REPORT_VERBS, states=MilestoneReport.Status)
    register_verbs(CASE_VERBS, states=EvaluationCase.Status)
    register_verbs(VISIT_VERBS, states=SiteVisit.Status)
    register_history(
        Award,
        find=_grants_staff(award_for_officer),
        page_url=lambda award: reverse("awards_admin_detail", args=[award.pk]),
    )
    register_history(
        MilestoneReport,
        find=_grants_staff(report_for_officer),
        page_url=lambda report: reverse("awards_admin_report", args=[report.pk]),
    )
