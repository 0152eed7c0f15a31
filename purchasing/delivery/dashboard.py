"""What waits for each side of a contract (registered in DeliveryConfig.ready): the buyer's
submitted periods to accept or dispute; the NGO's disputed periods and ended ones not yet
submitted. A constant number of queries."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.dashboard import Task
from purchasing.delivery import selectors


def delivery_links(user) -> list[dict]:
    if not user.is_authenticated or not selectors.contracts_with_delivery(user=user).exists():
        return []
    return [
        {
            "url": reverse("purchasing_delivery:contracts"),
            "title": _("Service contracts: delivery"),
            "description": _("Log deliveries, submit each period, accept or dispute them."),
        }
    ]


def delivery_tasks(user) -> list[Task]:
    if not user.is_authenticated:
        return []
    tasks = []
    to_decide = selectors.periods_waiting_for_buyer(user=user).count()
    if to_decide:
        tasks.append(
            Task(
                label=_("Delivery periods to accept or dispute"),
                url=reverse("purchasing_delivery:contracts"),
                count=to_decide,
            )
        )
    to_submit = selectors.periods_waiting_for_ngo(user=user).count()
    if to_submit:
        tasks.append(
            Task(
                label=_("Delivery periods to submit or correct"),
                url=reverse("purchasing_delivery:contracts"),
                count=to_submit,
            )
        )
    return tasks
