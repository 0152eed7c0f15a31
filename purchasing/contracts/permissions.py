"""Who may do what in service purchasing. Views, templates and services all ask here.

Each function returns a ``Verdict``: it unpacks as ``(allowed, reason)`` and is true when
allowed, so a page can say why a button is missing (``{{ verdict.reason }}``).

Buyers' staff act for their buyer (needs, choices, contracts, budget use); an NGO's owners
and admins act for it (offers, quotes, accepting contracts), its members read; programme
officers register buyers, set budget lines and suspend offers, and read everything.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import BUYER, has_role, is_programme_officer
from incubator.models import Membership, Organisation
from purchasing.contracts import evaluation_results
from purchasing.contracts.models import Contract, ContractAmendment, Need, Offer, Quote

MANAGERS = (Membership.Role.OWNER, Membership.Role.ADMIN)


class Verdict(tuple):
    """``(allowed, reason)``; true when allowed."""

    def __new__(cls, allowed: bool, reason: str = ""):
        return super().__new__(cls, (bool(allowed), "" if allowed else str(reason)))

    def __bool__(self):
        return self[0]

    @property
    def allowed(self) -> bool:
        return self[0]

    @property
    def reason(self) -> str:
        return self[1]


YES = Verdict(True)


def permit(verdict) -> None:
    """PermissionDenied with the verdict's reason unless it allows (what services call)."""
    allowed, reason = verdict
    if not allowed:
        raise PermissionDenied(reason)


def no(reason) -> Verdict:
    return Verdict(False, reason)


# --- Who the user is --------------------------------------------------------------------


def buyer_ids_of(user) -> frozenset:
    """The buyers whose staff the user is (with the Buyer role), cached for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_purchasing_buyer_ids", None)
    if cached is None:
        cached = (
            frozenset(user.buyers.filter(is_active=True).values_list("id", flat=True))
            if has_role(user, BUYER)
            else frozenset()
        )
        user._purchasing_buyer_ids = cached
    return cached


def organisation_roles_of(user) -> dict:
    """{organisation id: role} of the user's active memberships, cached for the request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_purchasing_org_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user, left_at__isnull=True).values_list("organisation_id", "role"))
        user._purchasing_org_roles = cached
    return cached


def is_buyer_staff(user, buyer_id) -> bool:
    return buyer_id in buyer_ids_of(user)


def manages_organisation(user, organisation_id) -> bool:
    return organisation_roles_of(user).get(organisation_id) in MANAGERS


def is_member(user, organisation_id) -> bool:
    return organisation_id in organisation_roles_of(user)


# --- Buyers -------------------------------------------------------------------------------


def can_manage_buyers(user) -> Verdict:
    if is_programme_officer(user):
        return YES
    return no(_("Only programme officers register buyers and set their budgets."))


def can_use_buyer_portal(user) -> Verdict:
    if buyer_ids_of(user):
        return YES
    return no(_("This page is for the staff of a buyer."))


# --- Offers -------------------------------------------------------------------------------


def can_publish_offers(user, organisation: Organisation) -> Verdict:
    if not manages_organisation(user, organisation.pk):
        return no(_("Only the organisation's owners and admins manage its offers."))
    if organisation.status != Organisation.Status.VERIFIED:
        return no(_("Only verified organisations publish service offers."))
    return YES


def can_edit_offer(user, offer: Offer) -> Verdict:
    if not manages_organisation(user, offer.organisation_id):
        return no(_("Only the organisation's owners and admins manage its offers."))
    if offer.status == Offer.Status.SUSPENDED:
        return no(
            _("This offer is suspended by the programme office: %(reason)s") % {"reason": offer.suspension_reason}
        )
    if offer.status == Offer.Status.WITHDRAWN:
        return no(_("This offer was withdrawn."))
    return YES


def can_suspend_offer(user, offer: Offer) -> Verdict:
    if not is_programme_officer(user):
        return no(_("Only programme officers suspend offers."))
    if offer.status != Offer.Status.PUBLISHED:
        return no(_("Only a published offer can be suspended."))
    return YES


def can_reinstate_offer(user, offer: Offer) -> Verdict:
    if not is_programme_officer(user):
        return no(_("Only programme officers reinstate offers."))
    if offer.status != Offer.Status.SUSPENDED:
        return no(_("Only a suspended offer can be reinstated."))
    return YES


# --- Needs and quotes ---------------------------------------------------------------------


def can_post_need(user, buyer) -> Verdict:
    if not is_buyer_staff(user, buyer.pk):
        return no(_("Only the buyer's staff post its needs."))
    return YES


def can_view_need(user, need: Need) -> Verdict:
    if is_programme_officer(user) or is_buyer_staff(user, need.buyer_id):
        return YES
    if need.status == Need.Status.OPEN and organisation_roles_of(user):
        return YES
    if need.quotes.filter(organisation_id__in=organisation_roles_of(user).keys()).exists():
        return YES
    return no(_("This need is not open to you."))


def can_cancel_need(user, need: Need) -> Verdict:
    if not is_buyer_staff(user, need.buyer_id):
        return no(_("Only the buyer's staff manage its needs."))
    if need.status != Need.Status.OPEN:
        return no(_("Only an open need can be cancelled."))
    return YES


def can_quote(user, need: Need, organisation: Organisation | None = None) -> Verdict:
    if organisation is not None and not manages_organisation(user, organisation.pk):
        return no(_("Only the organisation's owners and admins send quotes."))
    if organisation is None and not any(role in MANAGERS for role in organisation_roles_of(user).values()):
        return no(_("Only an organisation's owners and admins send quotes."))
    if need.status != Need.Status.OPEN:
        return no(_("This need no longer takes quotes."))
    if need.quote_deadline <= timezone.now():
        return no(_("The deadline for quotes has passed."))
    return YES


def can_withdraw_quote(user, quote: Quote) -> Verdict:
    if not manages_organisation(user, quote.organisation_id):
        return no(_("Only the organisation's owners and admins manage its quotes."))
    if quote.status != Quote.Status.SUBMITTED:
        return no(_("Only a submitted quote can be withdrawn."))
    if quote.need.quote_deadline <= timezone.now():
        return no(_("The deadline for quotes has passed; the buyer is comparing the quotes."))
    return YES


def can_choose_quote(user, need: Need) -> Verdict:
    if not is_buyer_staff(user, need.buyer_id):
        return no(_("Only the buyer's staff choose a quote."))
    if need.status != Need.Status.OPEN:
        return no(_("A quote was already chosen, or the need was cancelled."))
    if need.quote_deadline > timezone.now():
        return no(
            _("Quotes are compared after the deadline (%(deadline)s), so every organisation has had its chance.")
            % {"deadline": timezone.localtime(need.quote_deadline).strftime("%Y-%m-%d %H:%M")}
        )
    return YES


def can_contract_offer(user, offer: Offer) -> Verdict:
    if not buyer_ids_of(user):
        return no(_("Only a buyer's staff contract an offer."))
    if offer.status != Offer.Status.PUBLISHED:
        return no(_("Only a published offer can be contracted."))
    return YES


# --- Contracts ----------------------------------------------------------------------------


def can_view_contract(user, contract: Contract) -> Verdict:
    if (
        is_programme_officer(user)
        or is_buyer_staff(user, contract.buyer_id)
        or is_member(user, contract.organisation_id)
    ):
        return YES
    return no(_("Only the contract's parties and the programme office see it."))


def can_edit_contract(user, contract: Contract) -> Verdict:
    if not is_buyer_staff(user, contract.buyer_id):
        return no(_("Only the buyer's staff write the contract's terms."))
    if contract.status != Contract.Status.DRAFT:
        return no(_("Only a draft contract can be edited; amend a signed one."))
    return YES


def can_offer_contract(user, contract: Contract) -> Verdict:
    return can_edit_contract(user, contract)


def can_cancel_contract(user, contract: Contract) -> Verdict:
    return can_edit_contract(user, contract)


def can_withdraw_contract(user, contract: Contract) -> Verdict:
    if not is_buyer_staff(user, contract.buyer_id):
        return no(_("Only the buyer's staff take a contract back."))
    if contract.status != Contract.Status.OFFERED:
        return no(_("Only a contract offered for signature can be taken back."))
    return YES


def side_of(user, contract: Contract) -> str | None:
    """ "buyer", "ngo" or None: the party the user may sign for."""
    if is_buyer_staff(user, contract.buyer_id):
        return "buyer"
    if manages_organisation(user, contract.organisation_id):
        return "ngo"
    return None


def can_accept_contract(user, contract: Contract) -> Verdict:
    side = side_of(user, contract)
    if side is None:
        return no(_("Only the buyer's staff and the organisation's owners and admins accept a contract."))
    if contract.status != Contract.Status.OFFERED:
        return no(_("Only a contract offered for signature can be accepted."))
    if (contract.buyer_accepted_at if side == "buyer" else contract.ngo_accepted_at) is not None:
        return no(_("Your side has already accepted; waiting for the other party."))
    return YES


def can_decline_contract(user, contract: Contract) -> Verdict:
    if side_of(user, contract) is None:
        return no(_("Only the buyer's staff and the organisation's owners and admins decline a contract."))
    if contract.status != Contract.Status.OFFERED:
        return no(_("Only a contract offered for signature can be declined."))
    return YES


def can_start_contract(user, contract: Contract) -> Verdict:
    if not is_buyer_staff(user, contract.buyer_id):
        return no(_("Only the buyer's staff start the service."))
    if contract.status != Contract.Status.SIGNED:
        return no(_("Only a signed contract can start."))
    return YES


def can_complete_contract(user, contract: Contract) -> Verdict:
    if not is_buyer_staff(user, contract.buyer_id):
        return no(_("Only the buyer's staff mark the service complete."))
    if contract.status != Contract.Status.ACTIVE:
        return no(_("Only an active contract can be completed."))
    return YES


def can_terminate_contract(user, contract: Contract) -> Verdict:
    if not (is_buyer_staff(user, contract.buyer_id) or is_programme_officer(user)):
        return no(_("Only the buyer's staff or the programme office terminate a contract."))
    if contract.status not in (Contract.Status.SIGNED, Contract.Status.ACTIVE):
        return no(_("Only a signed or active contract can be terminated."))
    return YES


def can_amend_contract(user, contract: Contract) -> Verdict:
    if side_of(user, contract) is None:
        return no(_("Only the contract's parties propose amendments."))
    if contract.status not in (Contract.Status.SIGNED, Contract.Status.ACTIVE):
        return no(_("Only a signed or active contract can be amended."))
    if contract.amendments.filter(status=ContractAmendment.Status.PROPOSED).exists():
        return no(_("An amendment is already waiting for acceptance."))
    return YES


def can_decide_amendment(user, amendment: ContractAmendment) -> Verdict:
    side = side_of(user, amendment.contract)
    if side is None:
        return no(_("Only the contract's parties accept amendments."))
    if amendment.status != ContractAmendment.Status.PROPOSED:
        return no(_("This amendment is no longer open."))
    if (amendment.buyer_accepted_at if side == "buyer" else amendment.ngo_accepted_at) is not None:
        return no(_("Your side has already accepted; waiting for the other party."))
    return YES


def can_renew_contract(user, contract: Contract) -> Verdict:
    """The buyer renews a contract that ran (active or completed) and passed its evaluation
    (purchasing.contracts.evaluation_results, filled by the evaluation work)."""
    if not is_buyer_staff(user, contract.buyer_id):
        return no(_("Only the buyer's staff renew a contract."))
    if contract.status not in (Contract.Status.ACTIVE, Contract.Status.COMPLETED):
        return no(_("Only an active or completed contract can be renewed: start the service first."))
    if contract.renewals.exclude(status__in=(Contract.Status.DECLINED, Contract.Status.CANCELLED)).exists():
        return no(_("This contract has already been renewed."))
    result = evaluation_results.result_for(contract)
    if result is None:
        return no(_("This contract has no evaluation result yet; it can be renewed only after a passing evaluation."))
    if not result.passed:
        return no(
            _("The evaluation did not pass (%(grade)s); the contract cannot be renewed.")
            % {"grade": result.grade or _("no grade")}
        )
    return YES
