"""Reads of awards, reports and evaluations, scoped to who is asking."""

from django.db.models import Q
from django.utils import timezone

from grants.awards.models import Award, AwardMilestone, MilestoneReport, Tranche


def tranches_payable():
    """Tranches whose release condition holds now, for the disbursement ledger.

    Whether a tranche has already been paid is the ledger's business, not this one's.
    """
    return (
        Tranche.objects.filter(Tranche.payable_condition())
        .select_related(
            "award", "award__application", "award__application__organisation", "award__application__call__funder"
        )
        .order_by("award_id", "position")
    )


def overdue_milestones(*, today=None):
    """Milestones past their due date whose report has not been submitted or accepted.

    A submitted report is with the officer, so it is not the NGO's delay; a returned one is.
    """
    today = today or timezone.localdate()
    return (
        AwardMilestone.objects.filter(due_date__lt=today)
        .exclude(report__status__in=[MilestoneReport.Status.SUBMITTED, MilestoneReport.Status.ACCEPTED])
        .exclude(award__status=Award.Status.COMPLETED)
    )


def organisation_has_overdue_reports(organisation, *, today=None) -> bool:
    """For the calls' eligibility rule "no overdue reports"."""
    return overdue_milestones(today=today).filter(award__application__organisation=organisation).exists()


def organisation_active_grant_count(organisation) -> int:
    """Awards not yet completed: for the calls' "at most K active grants" rule."""
    return Award.objects.filter(Q(application__organisation=organisation), ~Q(status=Award.Status.COMPLETED)).count()
