"""Changes to a verified organisation's bank account: four eyes, as for payments.

``pending → confirmed | rejected | cancelled``.

Rules held here (the database holds the rest, see ``models.BankAccountChange``):

- a verified organisation's bank fields are written only by ``bank_change_confirm``:
  a programme or finance officer proposes a new account, another programme or finance
  officer confirms it (never the proposer) or rejects it (with a reason); a rejected
  or cancelled change writes nothing. An unverified organisation's own form (and the
  back office) still write its account directly: nothing is paid to it yet;
- one pending change per organisation (database); a second proposal is refused until
  the first is decided or cancelled (by its proposer);
- every step is audited on the organisation, account numbers masked to the last four
  digits; the organisation's managers are told after commit when its account changes;
- payments are not touched: each records its destination when approved
  (``services.payment_approve``), so a change never redirects money already approved.

Lock order: the organisation, then the change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.notify import notify
from core.transitions import require
from incubator import permissions
from incubator.models import BankAccountChange, Organisation
from incubator.models.organisations import mask_account_number
from incubator.selectors import managers_of

Status = BankAccountChange.Status


def _lock_organisation(organisation_id):
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def _lock(change: BankAccountChange) -> tuple:
    organisation = _lock_organisation(change.organisation_id)
    return organisation, BankAccountChange.objects.select_for_update().get(pk=change.pk)


def _describe(bank_name: str, number: str) -> str:
    return f"{bank_name} {mask_account_number(number)}".strip()


@transaction.atomic
def bank_change_propose(*, organisation, by, bank_name: str, account_name: str, account_number: str):
    """A programme or finance officer proposes a new account; nothing changes until another confirms."""
    require(
        permissions.can_propose_bank_change(by),
        _("Only programme and finance officers can change an organisation's bank account."),
    )
    organisation = _lock_organisation(organisation.pk)
    bank_name, account_name = (bank_name or "").strip(), (account_name or "").strip()
    account_number = "".join((account_number or "").split())
    require(bool(bank_name and account_number), _("Enter the bank and the account number."))
    require(
        not BankAccountChange.objects.filter(organisation=organisation, status=Status.PENDING).exists(),
        _("A change of this organisation's bank account is already waiting for confirmation."),
    )
    require(
        (bank_name, account_name, account_number)
        != (organisation.bank_name, organisation.bank_account_name, organisation.bank_account_number),
        _("This is already the organisation's bank account."),
    )
    change = BankAccountChange(
        organisation=organisation,
        bank_name=bank_name,
        bank_account_name=account_name,
        bank_account_number=account_number,
        proposed_by=by,
    )
    change.full_clean(exclude=["organisation", "proposed_by"])
    change.save()
    record_event(
        target=organisation,
        verb="organisation.bank_change_proposed",
        actor=by,
        message=_describe(bank_name, account_number),
        data={
            "change": change.pk,
            "from": _describe(organisation.bank_name, organisation.bank_account_number),
            "to": _describe(bank_name, account_number),
        },
    )
    return change


@transaction.atomic
def bank_change_confirm(*, change: BankAccountChange, by) -> BankAccountChange:
    """Another programme or finance officer confirms: only now are the organisation's bank fields written."""
    organisation, change = _lock(change)
    require(
        permissions.can_decide_bank_change(by, change),
        _("Another programme or finance officer, not the one who proposed it, must confirm this change."),
    )
    require(change.status == Status.PENDING, _("This change is no longer pending."))
    previous = _describe(organisation.bank_name, organisation.bank_account_number)
    organisation.bank_name = change.bank_name
    organisation.bank_account_name = change.bank_account_name
    organisation.bank_account_number = change.bank_account_number
    organisation.save(update_fields=["bank_name", "bank_account_name", "bank_account_number", "updated_at"])
    change.status, change.decided_by, change.decided_at = Status.CONFIRMED, by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        target=organisation,
        verb="organisation.bank_change_confirmed",
        actor=by,
        message=_describe(change.bank_name, change.bank_account_number),
        data={"change": change.pk, "from": previous, "to": _describe(change.bank_name, change.bank_account_number)},
    )
    _notify_managers(change)
    return change


@transaction.atomic
def bank_change_reject(*, change: BankAccountChange, by, reason: str) -> BankAccountChange:
    """Another programme or finance officer rejects the change, saying why; nothing is written."""
    organisation, change = _lock(change)
    require(
        permissions.can_decide_bank_change(by, change),
        _("Another programme or finance officer, not the one who proposed it, must decide this change."),
    )
    require(change.status == Status.PENDING, _("This change is no longer pending."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the change is rejected.")})
    change.status, change.decided_by, change.decided_at, change.reason = Status.REJECTED, by, timezone.now(), reason
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record_event(
        target=organisation,
        verb="organisation.bank_change_rejected",
        actor=by,
        message=reason,
        data={"change": change.pk, "to": _describe(change.bank_name, change.bank_account_number)},
    )
    return change


@transaction.atomic
def bank_change_cancel(*, change: BankAccountChange, by) -> BankAccountChange:
    """The proposer withdraws a pending change; nothing is written."""
    organisation, change = _lock(change)
    require(change.proposed_by_id == by.pk, _("Only the officer who proposed this change can cancel it."))
    require(change.status == Status.PENDING, _("This change is no longer pending."))
    change.status = Status.CANCELLED
    change.save(update_fields=["status"])
    record_event(
        target=organisation,
        verb="organisation.bank_change_cancelled",
        actor=by,
        data={"change": change.pk, "to": _describe(change.bank_name, change.bank_account_number)},
    )
    return change


def _notify_managers(change: BankAccountChange) -> None:
    recipients = managers_of(change.organisation)
    if recipients:
        notify(
            template="bank_account_changed",
            recipients=recipients,
            context={
                "organisation": change.organisation.name,
                "bank": change.bank_name,
                "account": change.masked_account,
            },
            key=f"bank_account_changed:{change.pk}",
        )
