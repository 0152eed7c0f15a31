"""How service purchasing's audit events read (core.audit), and History pages (core.history)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs
from core.history import register_history
from purchasing.contracts.models import Buyer, Contract, ContractAmendment, Need, Offer, Quote
from purchasing.contracts.permissions import can_manage_buyers, permit
from purchasing.contracts.selectors import contract_for_user

BUYER_VERBS = {
    "purchasing.buyer_registered": _("Buyer registered"),
    "purchasing.budget_line_set": _("Budget line set"),
    "purchasing.buyer_invited": _("Buyer staff invited"),
    "purchasing.buyer_invitation_revoked": _("Buyer invitation withdrawn"),
    "purchasing.buyer_joined": _("Joined the buyer's staff"),
}
OFFER_VERBS = {
    "purchasing.offer_created": _("Offer created"),
    "purchasing.offer_changed": _("Offer changed"),
    "purchasing.offer_published": _("Offer published"),
    "purchasing.offer_withdrawn": _("Offer withdrawn"),
    "purchasing.offer_suspended": _("Offer suspended"),
    "purchasing.offer_reinstated": _("Offer reinstated"),
    "purchasing.offer_photo_added": _("Offer photo added"),
    "purchasing.offer_photo_removed": _("Offer photo removed"),
}
NEED_VERBS = {
    "purchasing.need_posted": _("Need posted"),
    "purchasing.need_cancelled": _("Need cancelled"),
    "purchasing.need_chosen": _("Quote chosen for the need"),
}
QUOTE_VERBS = {
    "purchasing.quote_submitted": _("Quote submitted"),
    "purchasing.quote_withdrawn": _("Quote withdrawn"),
    "purchasing.quote_chosen": _("Quote chosen"),
    "purchasing.quote_declined": _("Quote not chosen"),
}
CONTRACT_VERBS = {
    "purchasing.contract_drafted": _("Contract drafted"),
    "purchasing.contract_terms_changed": _("Contract terms changed"),
    "purchasing.contract_offered": _("Contract offered for signature"),
    "purchasing.contract_withdrawn": _("Contract taken back into draft"),
    "purchasing.contract_accepted": _("Contract accepted by one party"),
    "purchasing.contract_signed": _("Contract signed"),
    "purchasing.contract_declined": _("Contract declined"),
    "purchasing.contract_cancelled": _("Contract cancelled"),
    "purchasing.contract_started": _("Contract started"),
    "purchasing.contract_completed": _("Contract completed"),
    "purchasing.contract_terminated": _("Contract terminated"),
    "purchasing.contract_renewed": _("Contract renewed"),
}
AMENDMENT_VERBS = {
    "purchasing.amendment_proposed": _("Amendment proposed"),
    "purchasing.amendment_accepted": _("Amendment accepted"),
    "purchasing.amendment_declined": _("Amendment declined"),
    "purchasing.amendment_withdrawn": _("Amendment withdrawn"),
}


def _find_contract(user, pk):
    return contract_for_user(user=user, pk=pk)


def _find_offer(user, pk):
    permit(can_manage_buyers(user))
    return get_object_or_404(Offer, pk=pk)


def _find_buyer(user, pk):
    permit(can_manage_buyers(user))
    return get_object_or_404(Buyer, pk=pk)


def _find_need(user, pk):
    permit(can_manage_buyers(user))
    return get_object_or_404(Need, pk=pk)


def register_audit() -> None:
    register_verbs(BUYER_VERBS)
    register_verbs(OFFER_VERBS, states=Offer.Status)
    register_verbs(NEED_VERBS, states=Need.Status)
    register_verbs(QUOTE_VERBS, states=Quote.Status)
    register_verbs(CONTRACT_VERBS, states=Contract.Status)
    register_verbs(AMENDMENT_VERBS, states=ContractAmendment.Status)
    register_history(
        Contract,
        find=_find_contract,
        page_url=lambda contract: reverse("purchasing_admin_contract", args=[contract.pk]),
    )
    register_history(Offer, find=_find_offer)
    register_history(Buyer, find=_find_buyer)
    register_history(Need, find=_find_need)
