"""Who may do what with the disbursement ledger. Views, templates and services ask here.

Scope: a tranche payment belongs to its award's funder; programme and finance officers
act only on their funders' payments (a platform administrator on all). Subsidy payments
are the platform's own money (the incubator is not a funder): every programme and
finance officer sees and acts on them. NGO members see only their organisation's
payments. Four-eyes: whoever requested a payment never approves or retries it.
"""

from accounts.roles import is_finance_officer, is_programme_officer
from grants.calls.permissions import member_organisation_ids, officer_funder_ids
from incubator.permissions import MANAGERS, role_of


def _in_scope(user, payment) -> bool:
    if user.is_superuser:
        return True
    return payment.funder_id is None or payment.funder_id in officer_funder_ids(user)


def is_ledger_staff(user) -> bool:
    """Programme and finance officers (and administrators) work in the ledger."""
    return user.is_authenticated and (user.is_superuser or is_programme_officer(user) or is_finance_officer(user))


def can_view_ledger(user) -> bool:
    return is_ledger_staff(user)


def can_view_payment(user, payment) -> bool:
    if not user.is_authenticated:
        return False
    if payment.payee_id in member_organisation_ids(user):
        return True
    return is_ledger_staff(user) and _in_scope(user, payment)


def can_request_payment(user, payment=None) -> bool:
    """Programme officers request payments (of their funders' awards, or subsidies). A
    registered source's payment (a contract instalment, paid for a buyer) may also be
    requested by a finance officer; another finance officer approves it (four-eyes)."""
    if payment is not None and payment.source_key and is_finance_officer(user):
        return _in_scope(user, payment)
    if not (user.is_authenticated and (user.is_superuser or is_programme_officer(user))):
        return False
    return payment is None or _in_scope(user, payment)


def can_approve_payment(user, payment=None) -> bool:
    """A finance officer of the payment's funder who did not request it (four-eyes)."""
    if not (user.is_authenticated and (user.is_superuser or is_finance_officer(user))):
        return False
    if payment is None:
        return True
    return _in_scope(user, payment) and payment.requested_by_id != user.pk


def can_release_payment(user, payment=None) -> bool:
    """Finance work on an approved payment: bank batches, confirmations, marking paid by hand."""
    if not (user.is_authenticated and (user.is_superuser or is_finance_officer(user))):
        return False
    return payment is None or _in_scope(user, payment)


def can_retry_payment(user, payment) -> bool:
    return can_approve_payment(user, payment)


def can_cancel_payment(user, payment) -> bool:
    return can_request_payment(user, payment) or can_release_payment(user, payment)


def can_export_ledger(user) -> bool:
    return is_ledger_staff(user)


def can_manage_stripe_account(user, organisation) -> bool:
    """Owners and admins connect their organisation's Stripe account."""
    return role_of(user, organisation) in MANAGERS
