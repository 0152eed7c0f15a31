"""Who may do what with deliveries and the village advisers' programme. Each function
returns ``(allowed, reason)`` so a page can say why a button is missing; views, templates
and services ask here.

The NGO side is any active member of the contract's organisation (owners and admins
too); the buyer side is the staff of the contract's buyer; programme officers see every
contract and run the advisers' programme; finance officers see deliveries read-only
(they pay instalments in the ledger). Reviewers and the public see nothing here but the
public coverage figures.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_finance_officer, is_programme_officer
from grants.calls.permissions import member_organisation_ids
from purchasing.contracts.models import Contract
from purchasing.delivery.models import DeliveryPeriod

Status = DeliveryPeriod.Status
# Contracts under which service is delivered and paid.
DELIVERING = (Contract.Status.SIGNED, Contract.Status.ACTIVE)

Answer = tuple[bool, str]


def buyer_ids(user) -> frozenset:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_buyer_ids", None)
    if cached is None:
        cached = frozenset(user.buyers.values_list("id", flat=True))
        user._buyer_ids = cached
    return cached


def is_ngo_side(user, contract) -> bool:
    return user.is_authenticated and contract.organisation_id in member_organisation_ids(user)


def is_buyer_side(user, contract) -> bool:
    return contract.buyer_id in buyer_ids(user)


def can_view_delivery(user, contract) -> Answer:
    if not user.is_authenticated:
        return False, _("Sign in to see deliveries.")
    if is_ngo_side(user, contract) or is_buyer_side(user, contract):
        return True, ""
    if is_programme_officer(user) or is_finance_officer(user):
        return True, ""
    return False, _("Only the contract's parties and the programme's officers see its deliveries.")


def _editable_period(period) -> Answer:
    if period.contract.status not in DELIVERING:
        return False, _("Deliveries are logged only under a signed or active contract.")
    if period.status not in (Status.OPEN, Status.DISPUTED):
        return False, _("This period is %(status)s; deliveries can no longer change.") % {
            "status": period.get_status_display()
        }
    return True, ""


def can_log_delivery(user, period) -> Answer:
    if not is_ngo_side(user, period.contract):
        return False, _("Only the organisation delivering the contract logs its deliveries.")
    return _editable_period(period)


def can_submit_period(user, period) -> Answer:
    allowed, reason = can_log_delivery(user, period)
    if not allowed:
        return allowed, reason
    if period.instalment.period_start > timezone.localdate():
        return False, _("The period has not started yet.")
    return True, ""


def can_decide_period(user, period) -> Answer:
    """The buyer accepts or disputes a submitted period."""
    if not is_buyer_side(user, period.contract):
        return False, _("Only the buyer's staff accept or dispute a period's delivery.")
    if period.status != Status.SUBMITTED:
        return False, _("Only a submitted period can be accepted or disputed.")
    return True, ""


def can_release_final(user, instalment) -> Answer:
    """The buyer (or a programme officer) puts the final instalment in the ledger."""
    if not (is_buyer_side(user, instalment.contract) or is_programme_officer(user)):
        return False, _("Only the buyer's staff or a programme officer release the final instalment.")
    return True, ""


# --- Village legal advisers ----------------------------------------------------------------


def can_manage_adviser_programme(user) -> Answer:
    if is_programme_officer(user):
        return True, ""
    return False, _("Only programme officers run the village legal advisers' programme.")


def can_register_adviser_contract(user, contract) -> Answer:
    if is_programme_officer(user) or is_buyer_side(user, contract):
        return True, ""
    return False, _("Only the buyer's staff or a programme officer make a contract a village adviser's.")


def can_log_adviser_month(user, adviser_contract) -> Answer:
    contract = adviser_contract.contract
    if not is_ngo_side(user, contract):
        return False, _("Only the organisation providing the adviser enters the monthly log.")
    if contract.status not in (*DELIVERING, Contract.Status.COMPLETED):
        return False, _("The contract is not signed.")
    return True, ""
