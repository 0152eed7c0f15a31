"""Dashboard cards (registered in PaymentsConfig.ready): the NGO's payments, finance's queue."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.dashboard import Task
from grants.payments import permissions, selectors
from grants.payments.models import Payment
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


def payment_tasks(user) -> list[Task]:
    """Programme officers: payments ready to request. Finance officers: requests waiting
    for their approval (count and total) and failed payments."""
    if not user.is_authenticated:
        return []
    tasks = []
    if permissions.can_request_payment(user):
        tranches, subsidies = selectors.payable_without_payment(user=user)
        tasks.append(
            Task(
                label=_("Payments to request"),
                url=reverse("payments_admin_payable"),
                count=tranches.count() + subsidies.count(),
                back_office=True,
            )
        )
    if permissions.can_approve_payment(user):
        # Four-eyes: a request of one's own waits for someone else.
        waiting = (
            selectors.payments_for_user(user=user)
            .filter(status=Payment.Status.REQUESTED)
            .exclude(requested_by=user)
            .values("currency")
            .annotate(count=Count("id"), total=Sum("amount"))
            .order_by("currency")
        )
        for row in waiting:
            tasks.append(
                Task(
                    label=_("Payments waiting for your approval"),
                    url=reverse("payments_admin_queue") + f"?status={Payment.Status.REQUESTED}",
                    count=row["count"],
                    total=row["total"],
                    currency=row["currency"],
                    back_office=True,
                )
            )
    if permissions.can_release_payment(user):
        tasks.append(
            Task(
                label=_("Failed payments"),
                url=reverse("payments_admin_queue") + f"?status={Payment.Status.FAILED}",
                count=selectors.payments_for_user(user=user).filter(status=Payment.Status.FAILED).count(),
                back_office=True,
            )
        )
    return tasks
