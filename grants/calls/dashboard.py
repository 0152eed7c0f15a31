"""Cards for the signed-in dashboard (registered in CallsConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grants.calls.permissions import member_organisation_ids, officer_funder_ids


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
