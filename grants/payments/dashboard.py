"""Dashboard cards (registered in PaymentsConfig.ready): the NGO's payments, finance's queue."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grants.payments import permissions
from incubator.selectors import organisations_of


def payment_links(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    links = []

    for organisation in organisations_of(user).order_by("name_zh", "id"):
        links.append(
            {
                "url": reverse("payments:organisation_payments", kwargs={"pk": organisation.pk}),
                "title": _("Payments to %(name)s") % {"name": organisation.name},
                "description": _("Subsidies and grant tranches scheduled and paid, and how you are paid."),
            }
        )
    if permissions.can_view_ledger(user):
        links.append(
            {
                "url": reverse("payments_admin_queue"),
                "title": _("Payments queue"),
                "description": _("Request, approve and release payments; bank batches and confirmations."),
            }
        )
    return links
