"""Who may do what with awards, reports and evaluations. Views, templates and services ask here.

An award belongs to the applicant organisation and to the call's funder. The
organisation's owners and admins accept the agreement and rate the funder; any of its
members may write and submit reports. The funder's programme officers amend awards,
accept or return reports and evaluate; finance officers of the funder may read.
A platform administrator (superuser) may do what an officer may.
"""

from accounts.roles import is_programme_officer
from grants.awards.models import Award, EvaluationCase, FunderRating, MilestoneReport
from grants.calls.permissions import (
    is_member_of,
    is_programme_officer_of,
    is_staff_of_funder,
    officer_funder_ids,
)
from incubator.models import Membership

MANAGERS = (Membership.Role.OWNER, Membership.Role.ADMIN)


def _funder_id(award) -> int:
    return award.application.call.funder_id


def _organisation_id(award) -> int:
    return award.application.organisation_id


def is_manager_of(user, organisation_id) -> bool:
    """An owner or admin of the organisation (cached on the user for the request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_award_manager_org_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, left_at__isnull=True, role__in=MANAGERS).values_list(
                "organisation_id", flat=True
            )
        )
        user._award_manager_org_ids = cached
    return organisation_id in cached


def officer_funder_ids_for(user) -> frozenset:
    return officer_funder_ids(user) if is_programme_officer(user) else frozenset()


def is_member_of_award(user, award) -> bool:
    return is_member_of(user, _organisation_id(award))


# --- NGO members ---------------------------------------------------------------------


def can_view_award(user, award) -> bool:
    return is_member_of(user, _organisation_id(award)) or is_staff_of_funder(user, _funder_id(award))


def can_accept_agreement(user, award) -> bool:
    return award.status == Award.Status.OFFERED and is_manager_of(user, _organisation_id(award))


def can_edit_report(user, milestone) -> bool:
    """Start or change the report of `milestone`: while the award runs and the report is not with the officer."""
    if milestone.award.status != Award.Status.ACTIVE or not is_member_of(user, _organisation_id(milestone.award)):
        return False
    report = getattr(milestone, "report", None)
    return report is None or report.is_editable


def can_submit_report(user, report) -> bool:
    return report.is_editable and can_edit_report(user, report.milestone)


def can_rate_funder(user, award) -> bool:
    return (
        award.status in (Award.Status.ACTIVE, Award.Status.COMPLETED)
        and not _has_rating(award)
        and is_manager_of(user, _organisation_id(award))
    )


# --- Officers --------------------------------------------------------------------------


def can_view_award_as_staff(user, award) -> bool:
    return is_staff_of_funder(user, _funder_id(award))


def can_amend_award(user, award) -> bool:
    return award.status in (Award.Status.OFFERED, Award.Status.ACTIVE) and is_programme_officer_of(
        user, _funder_id(award)
    )


def can_decide_report(user, report) -> bool:
    return report.status == MilestoneReport.Status.SUBMITTED and is_programme_officer_of(
        user, _funder_id(report.milestone.award)
    )


def can_evaluate_award(user, award) -> bool:
    """Give the funder's (purchaser's) marks and publish the three-party evaluation."""
    return (
        award.status == Award.Status.ACTIVE
        and not _has_evaluation(award)
        and is_programme_officer_of(user, _funder_id(award))
    )


def can_view_funder_ratings(user, funder) -> bool:
    return is_staff_of_funder(user, funder.pk)


def _has_rating(award) -> bool:
    try:
        award.funder_rating  # noqa: B018
    except FunderRating.DoesNotExist:
        return False
    return True


def _has_evaluation(award) -> bool:
    """The award's evaluation is published (the case may be open)."""
    try:
        case = award.evaluation_case
    except EvaluationCase.DoesNotExist:
        return False
    return case.is_published
