"""Dashboard cards and tasks of service purchasing (registered in ContractsConfig.ready)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dashboard import Task
from accounts.roles import is_programme_officer
from purchasing.contracts.models import Contract, ContractAmendment, Need, Offer
from purchasing.contracts.permissions import MANAGERS, buyer_ids_of, organisation_roles_of
from purchasing.contracts.selectors import open_needs_for_organisations


def purchasing_links(user) -> list[dict]:
    links = []
    if buyer_ids_of(user):
        links.append(
            {
                "url": reverse("purchasing:buyer_home"),
                "title": _("Service purchasing"),
                "description": _("Your needs, the quotes received, your contracts and your budget."),
            }
        )
    if organisation_roles_of(user):
        links.append(
            {
                "url": reverse("purchasing:ngo_home"),
                "title": _("Service offers and contracts"),
                "description": _("Publish your services, quote for buyers' needs, sign and follow contracts."),
            }
        )
    return links


def purchasing_tasks(user) -> list[Task]:
    """Buyers: needs whose quotes are ready to compare, contracts to sign, amendments to
    accept. NGO owners and admins: needs to quote for, contracts and amendments to accept.
    Officers: suspended offers waiting on them. A constant number of queries."""
    if not user.is_authenticated:
        return []
    tasks = []
    now = timezone.now()
    buyer_ids = buyer_ids_of(user)
    managed = [org_id for org_id, role in organisation_roles_of(user).items() if role in MANAGERS]
    if buyer_ids:
        tasks.append(
            Task(
                label=_("Needs with quotes to compare"),
                url=reverse("purchasing:buyer_needs"),
                count=Need.objects.filter(
                    buyer_id__in=buyer_ids, status=Need.Status.OPEN, quote_deadline__lte=now, quotes__status="submitted"
                )
                .distinct()
                .count(),
            )
        )
        tasks.append(
            Task(
                label=_("Contracts waiting for your signature"),
                url=reverse("purchasing:contract_list"),
                count=Contract.objects.filter(
                    buyer_id__in=buyer_ids, status=Contract.Status.OFFERED, buyer_accepted_at__isnull=True
                ).count(),
            )
        )
    if managed:
        tasks.append(
            Task(
                label=_("Buyers' needs you can quote for"),
                url=reverse("purchasing:open_needs"),
                count=open_needs_for_organisations(user=user, now=now)
                .exclude(quotes__organisation_id__in=managed, quotes__status__in=["submitted", "chosen"])
                .count(),
            )
        )
        tasks.append(
            Task(
                label=_("Service contracts waiting for your signature"),
                url=reverse("purchasing:contract_list"),
                count=Contract.objects.filter(
                    organisation_id__in=managed, status=Contract.Status.OFFERED, ngo_accepted_at__isnull=True
                ).count(),
            )
        )
    if buyer_ids or managed:
        tasks.append(
            Task(
                label=_("Contract amendments to accept"),
                url=reverse("purchasing:contract_list"),
                count=ContractAmendment.objects.filter(status=ContractAmendment.Status.PROPOSED)
                .filter(
                    Q(contract__buyer_id__in=buyer_ids, buyer_accepted_at__isnull=True)
                    | Q(contract__organisation_id__in=managed, ngo_accepted_at__isnull=True)
                )
                .count(),
            )
        )
    if is_programme_officer(user):
        tasks.append(
            Task(
                label=_("Suspended service offers"),
                url=reverse("purchasing_offers:index") + "?status=suspended",
                count=Offer.objects.filter(status=Offer.Status.SUSPENDED).count(),
                back_office=True,
            )
        )
    return tasks
