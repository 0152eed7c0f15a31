"""The awards cards on the signed-in dashboard: the NGO's grants and reports due; the officers' queue."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_finance_officer, is_programme_officer
from grants.awards import selectors
from grants.awards.models import MilestoneReport


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
                "description": _("%(count)s report(s) waiting for a decision.") % {"count": waiting},
            }
        )
    return links
