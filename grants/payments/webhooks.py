"""Routing of verified Stripe events to handlers, by event type.

This module is the model-free middle of the webhook path:

1. the view reads the raw body and calls ``stripe_gateway.verify_webhook`` (400 on a
   bad signature);
2. the ledger stores the event under its id (``event_identity``) in a table with a
   unique constraint, and answers 2xx only once it is stored. A repeat delivery hits
   the constraint and is acknowledged without running anything again; that
   deduplication, and the storage itself, belong to the ledger models, not here;
3. the stored event is processed (in a Celery task) with ``dispatch``.

Handlers receive the event and must themselves be idempotent per object (a
``transfer.created`` for a payment already marked sent changes nothing), because
Stripe delivers at least once and in no guaranteed order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

IGNORED = "ignored"

# The event types the product subscribes to. Configure the endpoint with these only.
TRANSFER_CREATED = "transfer.created"
TRANSFER_REVERSED = "transfer.reversed"
ACCOUNT_UPDATED = "account.updated"
CHECKOUT_SESSION_COMPLETED = "checkout.session.completed"
CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded"
CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED = "checkout.session.async_payment_failed"
SUBSCRIBED_EVENT_TYPES = (
    TRANSFER_CREATED,
    TRANSFER_REVERSED,
    ACCOUNT_UPDATED,
    CHECKOUT_SESSION_COMPLETED,
    CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED,
    CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED,
)

Handler = Callable[[Any], Any]


@dataclass(frozen=True)
class EventIdentity:
    """What the ledger stores to recognise a repeat: ``id`` is unique per event, across redeliveries."""

    id: str
    type: str
    created: int
    livemode: bool
    object_id: str | None  # the transfer / account / session the event is about
    account: str | None  # the connected account, for Connect events


def event_identity(event: Any) -> EventIdentity:
    """Read the identifying fields of a ``stripe.Event`` or of the decoded JSON dict."""
    data_object = event["data"]["object"]
    # Only [] and `in`: a StripeObject is not a dict and has no .get().
    return EventIdentity(
        id=event["id"],
        type=event["type"],
        created=int(event["created"]),
        livemode=bool(event["livemode"]),
        object_id=data_object["id"] if "id" in data_object else None,  # noqa: SIM401
        account=event["account"] if "account" in event else None,  # noqa: SIM401
    )


def dispatch(event: Any, handlers: Mapping[str, Handler]) -> Any:
    """Call the handler registered for ``event``'s type and return its result.

    An event type without a handler returns ``IGNORED`` rather than failing: Stripe
    may send types the endpoint was not meant to receive, and an error answer would
    only make it retry them for days.
    """
    handler = handlers.get(event["type"])
    if handler is None:
        return IGNORED
    return handler(event)
