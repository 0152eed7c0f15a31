"""Cards for the signed-in dashboard (registered in CallsConfig.ready)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dashboard import Task
from accounts.roles import is_programme_officer
from grants.calls.models import Application, Call
from grants.calls.permissions import member_organisation_ids, officer_funder_ids
from grants.calls.selectors import applications_for_member, applications_for_officer


def grant_links(user) -> list[dict]:
    links = []
    if member_organisation_ids(user):
        links.append(
            {
                "url": reverse("grants:my_applications"),
                "title": _("Grant applications"),
                "description": _("Drafts, submitted applications, screening results and messages."),
            }
        )
    links.append(
        {
            "url": reverse("cms:calls"),
            "title": _("Open grant calls"),
            "description": _("Public-benefit venture grants taking applications now."),
        }
    )
    if user.is_superuser or officer_funder_ids(user):
        links.append(
            {
                "url": reverse("grants_calls:index"),
                "title": _("Calls and applications"),
                "description": _("Run your funders' calls, screen applications and export them."),
            }
        )
    return links


def call_tasks(user) -> list[Task]:
    """Programme officers: applications to screen. Applicants: drafts to finish before
    their call closes, and applications an officer asked more information about."""
    if not user.is_authenticated:
        return []
    tasks = []
    if is_programme_officer(user) and (user.is_superuser or officer_funder_ids(user)):
        tasks.append(
            Task(
                label=_("Applications to screen"),
                url=reverse("grants_applications:index") + f"?status={Application.Status.SUBMITTED}",
                count=applications_for_officer(user).filter(status=Application.Status.SUBMITTED).count(),
                back_office=True,
            )
        )
    if member_organisation_ids(user):
        now = timezone.now()
        waiting = (
            applications_for_member(user)
            .filter(
                Q(status=Application.Status.DRAFT, call__status=Call.Status.OPEN, call__closes_at__gt=now)
                | Q(status=Application.Status.MORE_INFO)
            )
            .order_by("call__closes_at", "id")
        )
        for application in waiting:
            if application.status == Application.Status.MORE_INFO:
                tasks.append(
                    Task(
                        label=_("Information requested on “%(title)s”") % {"title": application.display_title},
                        url=reverse("grants:application_detail", kwargs={"pk": application.pk}),
                    )
                )
            else:
                tasks.append(
                    Task(
                        label=_("Finish and submit “%(title)s”") % {"title": application.display_title},
                        url=reverse("grants:application_edit", kwargs={"pk": application.pk}),
                        due=timezone.localdate(application.call.closes_at),
                    )
                )
    return tasks
