"""The incubator's cards on the signed-in dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles
from accounts.dashboard import Task
from incubator import permissions, selectors
from incubator.models import Incubatee, Subsidy
from incubator.selectors import my_organisations


def organisation_links(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    organisations = list(my_organisations(user=user)[:5])
    if not organisations and not roles.has_role(user, roles.NGO_MEMBER):
        return []
    links = [
        {
            "url": reverse("incubator:organisation_detail", kwargs={"pk": organisation.pk}),
            "title": organisation.name,
            "description": organisation.get_status_display(),
        }
        for organisation in organisations
    ]
    links.append(
        {
            "url": reverse("incubator:home") if organisations else reverse("incubator:organisation_create"),
            "title": _("My organisations") if organisations else _("Register your organisation"),
            "description": _("Profile, members, documents, incubation and subsidies.")
            if organisations
            else _("Register your NGO to apply for incubation, subsidies and grants."),
        }
    )
    return links


def incubator_tasks(user) -> list[Task]:
    """Programme officers: organisations to verify, incubation applications and subsidy
    requests to decide (three counts, three queries)."""
    if not permissions.can_manage_incubation(user):
        return []
    return [
        Task(
            label=_("Organisations to verify"),
            url=reverse("incubator_admin_queue"),
            count=selectors.verification_queue().count(),
            back_office=True,
        ),
        Task(
            label=_("Incubation applications to decide"),
            url=reverse("incubator_incubatees:index") + f"?status={Incubatee.Status.APPLIED}",
            count=Incubatee.objects.filter(status=Incubatee.Status.APPLIED).count(),
            back_office=True,
        ),
        Task(
            label=_("Subsidy requests to decide"),
            url=reverse("incubator_subsidies:index") + f"?status={Subsidy.Status.REQUESTED}",
            count=Subsidy.objects.filter(status=Subsidy.Status.REQUESTED).count(),
            back_office=True,
        ),
    ]
