"""Needs and quotes.

Need: ``open → chosen`` (the buyer chooses one quote, with a reason, after the deadline);
``open → cancelled`` (the buyer, with a reason; submitted quotes are declined).
Quote: ``submitted → withdrawn`` (the NGO, before the deadline); ``submitted → chosen |
declined`` (when the buyer chooses).

Rules held here: quotes are taken only while the need is open and before its deadline,
from the owners and admins of an organisation with a published offer of the need's item
(the quote names the offer), one live quote per organisation and need; the buyer
compares and chooses only after the deadline, so every organisation has had its chance;
choosing drafts the contract (``contracts.contract_draft_from_quote``) and declines the
others, each organisation told.

Lock order: need, then its quotes.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.links import site_path
from core.money import format_money
from core.notify import notify
from core.transitions import check_transition
from purchasing.contracts import permissions
from purchasing.contracts.models import Need, Offer, Quote
from purchasing.contracts.services import contracts as contract_services
from purchasing.contracts.services.common import buyer_staff, email_names, managers_of, permit

NEED_TRANSITIONS = {
    Need.Status.OPEN: {Need.Status.CHOSEN, Need.Status.CANCELLED},
    Need.Status.CHOSEN: set(),
    Need.Status.CANCELLED: set(),
}
QUOTE_TRANSITIONS = {
    Quote.Status.SUBMITTED: {Quote.Status.WITHDRAWN, Quote.Status.CHOSEN, Quote.Status.DECLINED},
    Quote.Status.WITHDRAWN: set(),
    Quote.Status.CHOSEN: set(),
    Quote.Status.DECLINED: set(),
}
NEED_FIELDS = (
    "item",
    "area",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "unit",
    "quantity",
    "budget",
    "period_start",
    "period_end",
    "quote_deadline",
)


def _lock_need(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).select_related("buyer", "item").get(pk=need.pk)


def _set_need_status(need: Need, *, target: str, by, verb: str, message: str = "", **fields) -> Need:
    current = need.status
    check_transition(allowed=NEED_TRANSITIONS, current=current, target=target)
    need.status = target
    for name, value in fields.items():
        setattr(need, name, value)
    need.save()
    record_event(target=need, verb=verb, actor=by, from_state=current, to_state=target, message=message)
    return need


def _set_quote_status(quote: Quote, *, target: str, by, verb: str, message: str = "") -> Quote:
    current = quote.status
    check_transition(allowed=QUOTE_TRANSITIONS, current=current, target=target)
    quote.status = target
    quote.save(update_fields=["status"])
    record_event(target=quote, verb=verb, actor=by, from_state=current, to_state=target, message=message)
    return quote


@transaction.atomic
def need_post(*, buyer, by, **fields) -> Need:
    """The buyer's staff post a need, open for quotes until its deadline."""
    permit(permissions.can_post_need(by, buyer))
    need = Need(buyer=buyer, created_by=by, **{k: v for k, v in fields.items() if k in NEED_FIELDS})
    errors = {}
    if not (need.title_zh or need.title_en):
        errors["title_zh"] = _("Give the need a title in Chinese or in English.")
    if need.quote_deadline and need.quote_deadline <= timezone.now():
        errors["quote_deadline"] = _("The deadline for quotes must be in the future.")
    if need.period_start and need.period_end and need.period_end < need.period_start:
        errors["period_end"] = _("The service period ends before it starts.")
    if need.period_start and need.quote_deadline and need.period_start < timezone.localdate(need.quote_deadline):
        errors["period_start"] = _("The service starts after the deadline for quotes.")
    if errors:
        raise ValidationError(errors)
    need.full_clean(exclude=["buyer", "chosen_quote"])
    need.save()
    record_event(target=need, verb="purchasing.need_posted", actor=by, to_state=need.status)
    return need


@transaction.atomic
def need_cancel(*, need: Need, by, reason: str) -> Need:
    need = _lock_need(need)
    permit(permissions.can_cancel_need(by, need))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the need is cancelled; the organisations that quoted read it.")})
    need = _set_need_status(
        need,
        target=Need.Status.CANCELLED,
        by=by,
        verb="purchasing.need_cancelled",
        message=reason,
        decision_reason=reason,
    )
    for quote in (
        need.quotes.select_for_update(of=("self",)).filter(status=Quote.Status.SUBMITTED).select_related("organisation")
    ):
        _set_quote_status(quote, target=Quote.Status.DECLINED, by=by, verb="purchasing.quote_declined", message=reason)
        _tell_quoter(quote, template="purchasing_quote_declined", reason=reason)
    return need


def _tell_quoter(quote: Quote, *, template: str, reason: str) -> None:
    notify(
        template=template,
        recipients=managers_of(quote.organisation),
        context={
            **email_names(key="need", thing=quote.need),
            **email_names(key="buyer", thing=quote.need.buyer),
            "reason": reason,
            "path": site_path("purchasing:quote_list"),
        },
        key=f"{template}:{quote.pk}",
    )


@transaction.atomic
def quote_submit(*, need: Need, offer: Offer, by, unit_price, quantity: int, note: str = "") -> Quote:
    """An NGO answers an open need before its deadline, through its published offer of the item."""
    need = _lock_need(need)
    permit(permissions.can_quote(by, need, offer.organisation))
    if offer.status != Offer.Status.PUBLISHED:
        raise ValidationError({"offer": _("Quote through a published offer.")})
    if offer.item_id != need.item_id:
        raise ValidationError({"offer": _("The offer is for another service than the need.")})
    if quantity > offer.capacity:
        raise ValidationError(
            {"quantity": _("Your offer's capacity is %(capacity)s units a year.") % {"capacity": offer.capacity}}
        )
    quote = Quote(
        need=need,
        offer=offer,
        organisation=offer.organisation,
        unit_price=unit_price,
        quantity=quantity,
        note=note,
        submitted_by=by,
    )
    quote.full_clean(exclude=["need", "offer", "organisation"])
    try:
        with transaction.atomic():
            quote.save()
    except IntegrityError:
        raise ValidationError(
            _("Your organisation has already quoted for this need; withdraw that quote to send another.")
        ) from None
    record_event(
        target=quote,
        verb="purchasing.quote_submitted",
        actor=by,
        to_state=quote.status,
        data={"total": str(quote.total)},
    )
    notify(
        template="purchasing_quote_received",
        recipients=buyer_staff(buyer=need.buyer),
        context={
            **email_names(key="need", thing=need),
            **email_names(key="organisation", thing=offer.organisation),
            "total": format_money(quote.total),
            "path": site_path("purchasing:need_detail", pk=need.pk),
        },
        key=f"purchasing-quote-received:{quote.pk}",
    )
    return quote


@transaction.atomic
def quote_withdraw(*, quote: Quote, by) -> Quote:
    need = _lock_need(quote.need)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    quote.need = need
    permit(permissions.can_withdraw_quote(by, quote))
    return _set_quote_status(quote, target=Quote.Status.WITHDRAWN, by=by, verb="purchasing.quote_withdrawn")


@transaction.atomic
def quote_choose(*, quote: Quote, by, reason: str):
    """The buyer chooses one quote after the deadline, saying why: the need closes, the
    other quotes are declined (each organisation told) and the contract is drafted."""
    need = _lock_need(quote.need)
    permit(permissions.can_choose_quote(by, need))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you choose this quote; it is kept with the decision.")})
    quotes = list(need.quotes.select_for_update(of=("self",)).select_related("organisation", "offer").order_by("pk"))
    chosen = next((q for q in quotes if q.pk == quote.pk), None)
    if chosen is None or chosen.status != Quote.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted quote can be chosen."))
    for other in quotes:
        other.need = need
        if other.pk == chosen.pk:
            _set_quote_status(other, target=Quote.Status.CHOSEN, by=by, verb="purchasing.quote_chosen", message=reason)
        elif other.status == Quote.Status.SUBMITTED:
            _set_quote_status(other, target=Quote.Status.DECLINED, by=by, verb="purchasing.quote_declined")
            _tell_quoter(other, template="purchasing_quote_declined", reason="")
    _set_need_status(
        need,
        target=Need.Status.CHOSEN,
        by=by,
        verb="purchasing.need_chosen",
        message=reason,
        chosen_quote=chosen,
        decision_reason=reason,
    )
    contract = contract_services.contract_draft_from_quote(quote=chosen, by=by)
    _tell_quoter(chosen, template="purchasing_quote_chosen", reason=reason)
    return contract
