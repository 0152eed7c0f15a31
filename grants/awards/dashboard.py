"""The awards cards on the signed-in dashboard: the NGO's grants and reports due; the officers' queue."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.dashboard import Task
from accounts.roles import is_finance_officer, is_programme_officer
from grants.awards import selectors
from grants.awards.models import Award, AwardMilestone, MilestoneReport
from grants.awards.permissions import can_accept_agreement
from grants.calls.permissions import member_organisation_ids


def award_links(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    links = []
    if selectors.awards_for_member(user).exists():
        links.append(
            {
                "url": reverse("awards:award_list"),
                "title": _("My grants"),
                "description": _("Agreements, reports due, payments and evaluation."),
            }
        )
    if is_programme_officer(user) or is_finance_officer(user):
        waiting = selectors.reports_for_officer(user).filter(status=MilestoneReport.Status.SUBMITTED).count()
        links.append(
            {
                "url": reverse("awards_admin_reports"),
                "title": _("Reports queue"),
                "description": ngettext(
                    "%(count)s report waiting for a decision.", "%(count)s reports waiting for a decision.", waiting
                )
                % {"count": waiting},
            }
        )
    return links


# Reports due within this many days are shown before they are overdue.
REPORT_NOTICE_DAYS = 30


def award_tasks(user) -> list[Task]:
    """Programme officers: submitted reports to check. NGO members: agreements to accept
    (managers) and reports due soon or overdue, with their dates."""
    if not user.is_authenticated:
        return []
    tasks = []
    if is_programme_officer(user):
        tasks.append(
            Task(
                label=_("Reports to check"),
                url=reverse("awards_admin_reports") + f"?status={MilestoneReport.Status.SUBMITTED}",
                count=selectors.reports_for_officer(user).filter(status=MilestoneReport.Status.SUBMITTED).count(),
                back_office=True,
            )
        )
    organisation_ids = member_organisation_ids(user)
    if not organisation_ids:
        return tasks
    for award in Award.objects.filter(
        status=Award.Status.OFFERED, application__organisation_id__in=organisation_ids
    ).select_related("application"):
        if can_accept_agreement(user, award):
            tasks.append(
                Task(
                    label=_("Accept the grant agreement for “%(title)s”") % {"title": award.application.display_title},
                    url=reverse("awards:agreement", kwargs={"pk": award.pk}),
                )
            )
    today = timezone.localdate()
    milestones = (
        AwardMilestone.objects.filter(
            award__status=Award.Status.ACTIVE,
            award__application__organisation_id__in=organisation_ids,
            due_date__lte=today + timedelta(days=REPORT_NOTICE_DAYS),
        )
        .exclude(report__status__in=[MilestoneReport.Status.SUBMITTED, MilestoneReport.Status.ACCEPTED])
        .select_related("award", "award__application")
        .order_by("due_date", "id")
    )
    for milestone in milestones:
        tasks.append(
            Task(
                label=_("Report “%(milestone)s” for “%(title)s”")
                % {"milestone": milestone.title, "title": milestone.award.application.display_title},
                url=reverse("awards:report_edit", kwargs={"pk": milestone.award_id, "milestone_pk": milestone.pk}),
                due=milestone.due_date,
                overdue=milestone.due_date < today,
            )
        )
    return tasks
