"""Donations to showcased projects through Stripe Checkout, or by bank transfer.

A showcase takes donations when it is live, the organisation consented and an editor
turned donations on. With Stripe keys (PAYMENTS_MODE "stripe") the visitor picks an
amount; `donation_checkout_start` creates a Checkout Session (currency of the site) and
sends them to Stripe. The donation is recorded only by `handle_checkout_session_completed`,
which the payments app calls for a verified, stored `checkout.session.completed` event;
repeats (same event or same session) are harmless. Without Stripe keys the donation page
shows the bank-transfer details from the site settings instead, and nothing is recorded
online (the finance office sees the transfers on its statements).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cms.models import Donation, ShowcasePage
from cms.showcase_figures import donations_enabled, showcase_takes_donations
from core.audit import record_event
from grants.payments import stripe_gateway

logger = logging.getLogger(__name__)

SITE_CURRENCY = "CNY"
MIN_DONATION = Decimal("1")
MAX_DONATION = Decimal("50000")
SUGGESTED_AMOUNTS = (Decimal("50"), Decimal("200"), Decimal("500"))
IGNORED = "ignored"


def showcase_accepts_donations(showcase: ShowcasePage) -> bool:
    """This project takes donations online, through Stripe Checkout."""
    return donations_enabled() and showcase_takes_donations(showcase)


def bank_transfer_reference(showcase: ShowcasePage) -> str:
    """What a donor writes in the transfer's remark so the gift reaches this project."""
    return _("Donation: %(project)s") % {"project": showcase.title}


def donation_checkout_start(*, showcase: ShowcasePage, amount: Decimal, success_url: str, cancel_url: str) -> str:
    """Create a Stripe Checkout Session for `amount` to `showcase`; returns Stripe's URL.

    Rules: donations are on (Stripe mode, the showcase live, consented and accepting
    them); the amount is between MIN_DONATION and MAX_DONATION in the site's currency.
    """
    if not showcase_accepts_donations(showcase):
        raise ValidationError(_("This project does not take donations."))
    if amount < MIN_DONATION or amount > MAX_DONATION:
        raise ValidationError(_("Choose an amount between ¥1 and ¥50,000."))
    _session_id, url = stripe_gateway.create_checkout_session(
        amount_cents=int(amount * 100),
        currency=SITE_CURRENCY,
        success_url=success_url,
        cancel_url=cancel_url,
        metadata={"kind": "donation", "showcase": str(showcase.pk)},
        product_name=f"Donation: {showcase.title}"[:120],
    )
    return url


@transaction.atomic
def handle_checkout_session_completed(event: dict) -> str:
    """Record the donation a verified `checkout.session.completed` event reports.

    Rules: only sessions this site created for a donation (metadata kind "donation"),
    paid, for an existing showcase; one donation per event and per session.
    """
    session = event["data"]["object"]
    metadata = session.get("metadata") or {}
    if metadata.get("kind") != "donation":
        return IGNORED
    if session.get("payment_status") != "paid":
        return "not paid"
    showcase = ShowcasePage.objects.filter(pk=metadata.get("showcase")).first()
    if showcase is None:
        logger.warning("Donation for an unknown showcase in Stripe event %s", event.get("id"))
        return "unknown showcase"
    if Donation.objects.filter(checkout_session_id=session["id"]).exists():
        return "duplicate"
    donation = Donation(
        showcase=showcase,
        amount=(Decimal(session["amount_total"]) / 100).quantize(Decimal("0.01")),
        currency=(session.get("currency") or SITE_CURRENCY).upper(),
        checkout_session_id=session["id"],
        event_id=event["id"],
        payment_intent=session.get("payment_intent") or "",
        livemode=bool(event.get("livemode")),
    )
    donation.full_clean()
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError:  # the same session or event, recorded by a concurrent delivery
        return "duplicate"
    record_event(
        target=donation, verb="donation.received", actor=None, message=f"{donation.amount} {donation.currency}"
    )
    return "donation recorded"
