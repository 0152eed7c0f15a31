"""Contracts: drafting, signature by both parties, running, amendments and renewal.

``draft → offered → signed → active → completed``; ``offered → declined`` (either party,
with a reason); ``offered → draft`` (the buyer takes it back to change it);
``draft → cancelled``; ``signed | active → terminated`` (with a reason).

Rules held here:

- the terms obey ``purchasing.contracts.terms.check_terms`` (items, one budget year,
  instalments inside the period summing to the total, a final instalment last);
- both parties accept the same version: the buyer's staff and the NGO's owners or admins,
  each once; the second acceptance signs;
- a contract never takes its buyer over the budget line of its year: signing and
  accepting an amendment lock the ``BudgetLine`` row, then sum the other committed
  contracts (signed, active, completed) of that buyer and year, and refuse when
  committed + this total > the line's amount. Two signatures at once queue on the lock;
- an amendment changes a signed or active contract only once both parties accept it;
  the contract's terms before and after are kept on the amendment, and its version rises;
- a renewal copies the terms into a new draft for the next year, only with a passing
  evaluation (``permissions.can_renew_contract``);
- signing opens the contract's three-party evaluation case (``purchasing.contracts.evaluation``)
  and runs the handlers apps above registered (``purchasing.contracts.signing``: delivery
  opens its periods).

Lock order, everywhere: budget line, then contract, then amendment.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.bilingual import email_values
from core.links import site_path
from core.money import format_money
from core.notify import notify
from core.transitions import check_transition
from purchasing.contracts import evaluation, permissions, signing
from purchasing.contracts.models import (
    BudgetLine,
    Contract,
    ContractAmendment,
    ContractItem,
    Instalment,
    Kpi,
    Offer,
    Quote,
)
from purchasing.contracts.services.common import buyer_staff, email_names, managers_of, permit
from purchasing.contracts.terms import InstalmentTerm, ItemTerm, Terms, check_terms, schedule

Status = Contract.Status

TRANSITIONS = {
    Status.DRAFT: {Status.OFFERED, Status.CANCELLED},
    Status.OFFERED: {Status.SIGNED, Status.DECLINED, Status.DRAFT},
    Status.SIGNED: {Status.ACTIVE, Status.TERMINATED},
    Status.ACTIVE: {Status.COMPLETED, Status.TERMINATED},
    Status.COMPLETED: set(),
    Status.TERMINATED: set(),
    Status.DECLINED: set(),
    Status.CANCELLED: set(),
}
AMENDMENT_TRANSITIONS = {
    ContractAmendment.Status.PROPOSED: {
        ContractAmendment.Status.ACCEPTED,
        ContractAmendment.Status.DECLINED,
        ContractAmendment.Status.WITHDRAWN,
    },
}
DEFAULT_FINAL_PERCENT = 10


# --- Locks, checks, writes ------------------------------------------------------------------


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).select_related("buyer", "organisation").get(pk=contract.pk)


def _no_budget_line(year) -> ValidationError:
    return ValidationError(
        _("The buyer has no budget line for %(year)s; ask the programme office to add one.") % {"year": year}
    )


def _lock_budget_line(*, buyer_id: int, year: int, required: bool = True) -> BudgetLine | None:
    line = BudgetLine.objects.select_for_update().filter(buyer_id=buyer_id, year=year).first()
    if line is None and required:
        raise _no_budget_line(year)
    return line


def committed(*, buyer_id: int, year: int, exclude_id=None):
    """What the buyer's signed, active and completed contracts of the year add up to."""
    queryset = Contract.objects.filter(buyer_id=buyer_id, year=year, status__in=Contract.COMMITTED)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.aggregate(total=Sum("total"))["total"] or 0


def _check_budget(line: BudgetLine, *, contract_id, total) -> None:
    """committed + total ≤ the budget line (the caller holds the line's row lock)."""
    already = committed(buyer_id=line.buyer_id, year=line.year, exclude_id=contract_id)
    if already + total > line.amount:
        raise ValidationError(
            _(
                "This contract (%(total)s) would take the buyer over its %(year)s budget of %(budget)s: "
                "%(committed)s is already committed, %(left)s is left."
            )
            % {
                "total": format_money(total),
                "year": line.year,
                "budget": format_money(line.amount),
                "committed": format_money(already),
                "left": format_money(max(line.amount - already, 0)),
            }
        )


def _move(contract: Contract, *, target: str, by, verb: str, message: str = "", **fields) -> Contract:
    current = contract.status
    check_transition(allowed=TRANSITIONS, current=current, target=target)
    contract.status = target
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.full_clean(exclude=["buyer", "organisation", "need", "quote", "offer", "previous"])
    contract.save()
    record_event(target=contract, verb=verb, actor=by, from_state=current, to_state=target, message=message)
    return contract


def _write_terms(contract: Contract, terms: Terms) -> None:
    """Replace the contract's items, instalments and KPIs with the terms'."""
    contract.title_zh = terms.title_zh
    contract.title_en = terms.title_en
    contract.period_start = terms.period_start
    contract.period_end = terms.period_end
    contract.year = terms.period_start.year
    contract.total = terms.total
    contract.full_clean(exclude=["buyer", "organisation", "need", "quote", "offer", "previous"])
    contract.save()
    contract.items.all().delete()
    contract.instalments.all().delete()
    contract.kpis.all().delete()
    ContractItem.objects.bulk_create(
        ContractItem(contract=contract, item_id=i.item_id, unit=i.unit, quantity=i.quantity, unit_price=i.unit_price)
        for i in terms.items
    )
    Instalment.objects.bulk_create(
        Instalment(
            contract=contract,
            sequence=number,
            kind=i.kind,
            period_start=i.period_start,
            period_end=i.period_end,
            amount=i.amount,
        )
        for number, i in enumerate(terms.instalments, start=1)
    )
    Kpi.objects.bulk_create(
        Kpi(contract=contract, name_zh=k.name_zh, name_en=k.name_en, target=k.target) for k in terms.kpis
    )


def _new_reference(year: int) -> str:
    prefix = f"SC-{year}-"
    last = (
        Contract.objects.select_for_update()
        .filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _create_draft(*, buyer, organisation, terms: Terms, by, **links) -> Contract:
    contract = Contract(
        reference=_new_reference(terms.period_start.year),
        buyer=buyer,
        organisation=organisation,
        year=terms.period_start.year,
        period_start=terms.period_start,
        period_end=terms.period_end,
        total=terms.total or 1,
        created_by=by,
        **links,
    )
    _write_terms(contract, terms)
    record_event(target=contract, verb="purchasing.contract_drafted", actor=by, to_state=Status.DRAFT)
    return contract


def _starting_terms(*, item, unit, quantity, unit_price, start: datetime.date, end: datetime.date, title) -> Terms:
    terms = Terms(
        title_zh=title[0],
        title_en=title[1],
        period_start=start,
        period_end=end,
        items=[ItemTerm(item_id=item.pk, unit=unit, quantity=quantity, unit_price=unit_price)],
    )
    terms.instalments = schedule(
        total=terms.total, start=start, end=end, frequency="quarterly", final_percent=DEFAULT_FINAL_PERCENT
    )
    return terms


def _parties(contract: Contract) -> list:
    return buyer_staff(buyer=contract.buyer) + managers_of(contract.organisation)


def _notify(contract: Contract, *, template: str, recipients, key: str, **context) -> None:
    notify(
        template=template,
        recipients=recipients,
        context={
            "reference": contract.reference,
            **email_values("title", contract, "title"),
            **email_names(key="buyer", thing=contract.buyer),
            **email_names(key="organisation", thing=contract.organisation),
            "total": format_money(contract.total),
            "path": site_path("purchasing:contract_detail", pk=contract.pk),
            **context,
        },
        key=key,
    )


# --- Drafts -----------------------------------------------------------------------------------


@transaction.atomic
def contract_draft_from_quote(*, quote: Quote, by) -> Contract:
    """The draft that follows a chosen quote (called by ``needs.quote_choose``)."""
    need = quote.need
    return _create_draft(
        buyer=need.buyer,
        organisation=quote.organisation,
        terms=_starting_terms(
            item=need.item,
            unit=need.unit,
            quantity=quote.quantity,
            unit_price=quote.unit_price,
            start=need.period_start,
            end=need.period_end,
            title=(need.title_zh, need.title_en),
        ),
        by=by,
        need=need,
        quote=quote,
        offer=quote.offer,
    )


@transaction.atomic
def contract_draft_from_offer(
    *, offer: Offer, buyer, by, quantity: int, period_start: datetime.date, period_end: datetime.date
) -> Contract:
    """A buyer contracts a published offer directly, at its price."""
    permit(permissions.can_contract_offer(by, offer))
    permit(permissions.can_post_need(by, buyer))
    offer = Offer.objects.select_for_update().select_related("item", "organisation").get(pk=offer.pk)
    permit(permissions.can_contract_offer(by, offer))
    if period_end < period_start:
        raise ValidationError(_("The service period ends before it starts."))
    if quantity < 1:
        raise ValidationError(_("Order at least one unit."))
    if quantity > offer.capacity:
        raise ValidationError(
            _("The organisation can deliver at most %(capacity)s units a year.") % {"capacity": offer.capacity}
        )
    return _create_draft(
        buyer=buyer,
        organisation=offer.organisation,
        terms=_starting_terms(
            item=offer.item,
            unit=offer.unit,
            quantity=quantity,
            unit_price=offer.unit_price,
            start=period_start,
            end=period_end,
            title=(offer.title_zh or offer.item.name_zh, offer.title_en or offer.item.name_en),
        ),
        by=by,
        offer=offer,
    )


@transaction.atomic
def contract_update_terms(*, contract: Contract, terms: Terms, by) -> Contract:
    """The buyer writes a draft's terms (items, period, schedule, KPIs)."""
    contract = _lock(contract)
    permit(permissions.can_edit_contract(by, contract))
    check_terms(terms)
    _write_terms(contract, terms)
    record_event(target=contract, verb="purchasing.contract_terms_changed", actor=by, data={"total": str(terms.total)})
    return contract


# --- Signature ------------------------------------------------------------------------------


@transaction.atomic
def contract_offer(*, contract: Contract, by) -> Contract:
    """The buyer offers the draft for signature: the terms must be complete and fit the
    budget line as it stands (checked again, under its lock, at signature)."""
    contract = _lock(contract)
    permit(permissions.can_offer_contract(by, contract))
    check_terms(Terms.of(contract))
    line = BudgetLine.objects.filter(buyer_id=contract.buyer_id, year=contract.year).first()
    if line is None:
        raise _no_budget_line(contract.year)
    _check_budget(line, contract_id=contract.pk, total=contract.total)
    contract = _move(
        contract,
        target=Status.OFFERED,
        by=by,
        verb="purchasing.contract_offered",
        buyer_accepted_at=None,
        buyer_accepted_by=None,
        ngo_accepted_at=None,
        ngo_accepted_by=None,
    )
    _notify(
        contract,
        template="purchasing_contract_offered",
        recipients=managers_of(contract.organisation),
        key=f"purchasing-contract-offered:{contract.pk}:{contract.version}:{timezone.now().timestamp()}",
    )
    return contract


@transaction.atomic
def contract_withdraw(*, contract: Contract, by) -> Contract:
    """The buyer takes an offered contract back into draft; acceptances so far lapse."""
    contract = _lock(contract)
    permit(permissions.can_withdraw_contract(by, contract))
    return _move(
        contract,
        target=Status.DRAFT,
        by=by,
        verb="purchasing.contract_withdrawn",
        buyer_accepted_at=None,
        buyer_accepted_by=None,
        ngo_accepted_at=None,
        ngo_accepted_by=None,
    )


@transaction.atomic
def contract_accept(*, contract: Contract, by) -> Contract:
    """One party accepts; the second acceptance signs, under the budget line's lock."""
    current = Contract.objects.get(pk=contract.pk)
    permit(permissions.can_accept_contract(by, current))
    line = _lock_budget_line(buyer_id=current.buyer_id, year=current.year, required=False)
    contract = _lock(contract)
    permit(permissions.can_accept_contract(by, contract))
    now = timezone.now()
    side = permissions.side_of(by, contract)
    if side == "buyer":
        contract.buyer_accepted_at, contract.buyer_accepted_by = now, by
    else:
        contract.ngo_accepted_at, contract.ngo_accepted_by = now, by
    if contract.buyer_accepted_at and contract.ngo_accepted_at:
        if line is None:
            raise _no_budget_line(contract.year)
        _check_budget(line, contract_id=contract.pk, total=contract.total)
        contract = _move(contract, target=Status.SIGNED, by=by, verb="purchasing.contract_signed", signed_at=now)
        # The three-party evaluation opens with the signature, and apps above (delivery) act on it.
        evaluation.open_case(contract)
        signing.signed(contract)
        _notify(
            contract,
            template="purchasing_contract_signed",
            recipients=_parties(contract),
            key=f"purchasing-contract-signed:{contract.pk}",
        )
    else:
        contract.save(update_fields=[f"{side}_accepted_at", f"{side}_accepted_by", "updated_at"])
        record_event(target=contract, verb="purchasing.contract_accepted", actor=by, message=side)
    return contract


@transaction.atomic
def contract_decline(*, contract: Contract, by, reason: str) -> Contract:
    """Either party declines an offered contract, with a reason."""
    contract = _lock(contract)
    permit(permissions.can_decline_contract(by, contract))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you decline the contract.")})
    contract = _move(
        contract,
        target=Status.DECLINED,
        by=by,
        verb="purchasing.contract_declined",
        message=reason,
        closing_reason=reason,
    )
    _notify(
        contract,
        template="purchasing_contract_declined",
        recipients=_parties(contract),
        key=f"purchasing-contract-declined:{contract.pk}",
        reason=reason,
    )
    return contract


@transaction.atomic
def contract_cancel(*, contract: Contract, by) -> Contract:
    contract = _lock(contract)
    permit(permissions.can_cancel_contract(by, contract))
    return _move(contract, target=Status.CANCELLED, by=by, verb="purchasing.contract_cancelled")


# --- Running ----------------------------------------------------------------------------------


@transaction.atomic
def contract_start(*, contract: Contract, by) -> Contract:
    contract = _lock(contract)
    permit(permissions.can_start_contract(by, contract))
    return _move(contract, target=Status.ACTIVE, by=by, verb="purchasing.contract_started")


@transaction.atomic
def contract_complete(*, contract: Contract, by) -> Contract:
    contract = _lock(contract)
    permit(permissions.can_complete_contract(by, contract))
    contract = _move(contract, target=Status.COMPLETED, by=by, verb="purchasing.contract_completed")
    _notify(
        contract,
        template="purchasing_contract_status",
        recipients=_parties(contract),
        key=f"purchasing-contract-completed:{contract.pk}",
        status=contract.status,
    )
    return contract


@transaction.atomic
def contract_terminate(*, contract: Contract, by, reason: str) -> Contract:
    contract = _lock(contract)
    permit(permissions.can_terminate_contract(by, contract))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the contract is terminated.")})
    contract = _move(
        contract,
        target=Status.TERMINATED,
        by=by,
        verb="purchasing.contract_terminated",
        message=reason,
        closing_reason=reason,
    )
    _notify(
        contract,
        template="purchasing_contract_status",
        recipients=_parties(contract),
        key=f"purchasing-contract-terminated:{contract.pk}",
        status=contract.status,
        reason=reason,
    )
    return contract


# --- Amendments ---------------------------------------------------------------------------------


@transaction.atomic
def amendment_propose(*, contract: Contract, terms: Terms, reason: str, by) -> ContractAmendment:
    """Either party proposes new terms with a reason; the proposer's side accepts at once."""
    contract = _lock(contract)
    permit(permissions.can_amend_contract(by, contract))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the contract is amended.")})
    check_terms(terms)
    if terms.period_start.year != contract.year:
        raise ValidationError(
            _("An amendment keeps the contract in its budget year (%(year)s).") % {"year": contract.year}
        )
    before = Terms.of(contract)
    if before.to_json() == terms.to_json():
        raise ValidationError(_("The amendment changes nothing."))
    now = timezone.now()
    side = permissions.side_of(by, contract)
    amendment = ContractAmendment(
        contract=contract,
        number=contract.amendments.count() + 1,
        reason=reason,
        before=before.to_json(),
        after=terms.to_json(),
        proposed_by=by,
        buyer_accepted_at=now if side == "buyer" else None,
        ngo_accepted_at=now if side == "ngo" else None,
    )
    amendment.full_clean(exclude=["contract"])
    amendment.save()
    record_event(
        target=contract,
        verb="purchasing.amendment_proposed",
        actor=by,
        message=reason,
        data={"amendment": amendment.number, "total": str(terms.total)},
    )
    other = managers_of(contract.organisation) if side == "buyer" else buyer_staff(buyer=contract.buyer)
    _notify(
        contract,
        template="purchasing_amendment_proposed",
        recipients=other,
        key=f"purchasing-amendment:{amendment.pk}",
        reason=reason,
        new_total=format_money(terms.total),
    )
    return amendment


def _lock_amendment(amendment: ContractAmendment):
    contract_id = ContractAmendment.objects.values_list("contract_id", flat=True).get(pk=amendment.pk)
    year, buyer_id = Contract.objects.values_list("year", "buyer_id").get(pk=contract_id)
    line = _lock_budget_line(buyer_id=buyer_id, year=year)
    contract = _lock(Contract(pk=contract_id))
    amendment = ContractAmendment.objects.select_for_update().get(pk=amendment.pk)
    amendment.contract = contract
    return line, contract, amendment


@transaction.atomic
def amendment_accept(*, amendment: ContractAmendment, by) -> ContractAmendment:
    """The other party accepts; once both have, the new terms replace the old ones,
    within the budget line (locked) and the version rises."""
    line, contract, amendment = _lock_amendment(amendment)
    permit(permissions.can_decide_amendment(by, amendment))
    side = permissions.side_of(by, contract)
    now = timezone.now()
    setattr(amendment, f"{side}_accepted_at", now)
    if amendment.buyer_accepted_at and amendment.ngo_accepted_at:
        terms = Terms.from_json(amendment.after)
        check_terms(terms)
        _check_budget(line, contract_id=contract.pk, total=terms.total)
        check_transition(
            allowed=AMENDMENT_TRANSITIONS, current=amendment.status, target=ContractAmendment.Status.ACCEPTED
        )
        amendment.status = ContractAmendment.Status.ACCEPTED
        amendment.decided_at = now
        _write_terms(contract, terms)
        contract.version += 1
        contract.save(update_fields=["version", "updated_at"])
        record_event(
            target=contract,
            verb="purchasing.amendment_accepted",
            actor=by,
            message=amendment.reason,
            data={"amendment": amendment.number, "version": contract.version, "total": str(terms.total)},
        )
        _notify(
            contract,
            template="purchasing_amendment_decided",
            recipients=_parties(contract),
            key=f"purchasing-amendment-decided:{amendment.pk}",
            decision=amendment.status,
        )
    amendment.save()
    return amendment


@transaction.atomic
def amendment_decline(*, amendment: ContractAmendment, by, reason: str) -> ContractAmendment:
    """The other party declines (or the proposer withdraws): the contract keeps its terms."""
    _line, contract, amendment = _lock_amendment(amendment)
    side = permissions.side_of(by, contract)
    if side is None:
        permit(permissions.can_decide_amendment(by, amendment))
    if amendment.status != ContractAmendment.Status.PROPOSED:
        raise ValidationError(_("This amendment is no longer open."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you decline the amendment.")})
    proposer_side = "buyer" if amendment.buyer_accepted_at and not amendment.ngo_accepted_at else "ngo"
    target = ContractAmendment.Status.WITHDRAWN if side == proposer_side else ContractAmendment.Status.DECLINED
    check_transition(allowed=AMENDMENT_TRANSITIONS, current=amendment.status, target=target)
    amendment.status = target
    amendment.decided_at = timezone.now()
    amendment.save()
    record_event(
        target=contract,
        verb=f"purchasing.amendment_{target}",
        actor=by,
        message=reason,
        data={"amendment": amendment.number},
    )
    _notify(
        contract,
        template="purchasing_amendment_decided",
        recipients=_parties(contract),
        key=f"purchasing-amendment-decided:{amendment.pk}",
        decision=amendment.status,
        reason=reason,
    )
    return amendment


# --- Renewal ----------------------------------------------------------------------------------


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def contract_renew(*, contract: Contract, by) -> Contract:
    """A new draft for the next year with the same parties and terms (dates moved a year
    on), only after a passing evaluation. The buyer then edits and offers it as usual."""
    contract = _lock(contract)
    permit(permissions.can_renew_contract(by, contract))
    terms = Terms.of(contract)
    terms.period_start, terms.period_end = _next_year(terms.period_start), _next_year(terms.period_end)
    for instalment in terms.instalments:
        instalment.period_start = _next_year(instalment.period_start)
        instalment.period_end = _next_year(instalment.period_end)
    renewal = _create_draft(
        buyer=contract.buyer,
        organisation=contract.organisation,
        terms=terms,
        by=by,
        need=contract.need,
        offer=contract.offer,
        previous=contract,
    )
    record_event(target=contract, verb="purchasing.contract_renewed", actor=by, message=renewal.reference)
    return renewal


__all__ = [
    "InstalmentTerm",
    "amendment_accept",
    "amendment_decline",
    "amendment_propose",
    "committed",
    "contract_accept",
    "contract_cancel",
    "contract_complete",
    "contract_decline",
    "contract_draft_from_offer",
    "contract_draft_from_quote",
    "contract_offer",
    "contract_renew",
    "contract_start",
    "contract_terminate",
    "contract_update_terms",
    "contract_withdraw",
]
