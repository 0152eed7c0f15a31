"""Stripe Connect onboarding, and what the ledger does with each Stripe webhook event.

Webhook path: the view verifies the signature, ``webhook_store`` saves the event under
its id (a replay hits the unique id and is acknowledged, nothing runs twice), and the
``process_webhook_event`` task routes the stored event through ``webhooks.dispatch``
with ``HANDLERS``. Every handler is idempotent per object, because Stripe delivers at
least once and in any order. An event not processed (a handler failed, the worker died,
the task was never queued) is processed again by the periodic sweep when its
``next_attempt_at`` comes (``grants.payments.retries``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event
from core.transitions import require
from grants.payments import permissions, retries, stripe_gateway, webhooks
from grants.payments.models import ConnectedAccount, Payment, WebhookEvent
from grants.payments.services import payment_fail, payment_mark_paid, payment_mark_sent
from incubator.models import Organisation

logger = logging.getLogger(__name__)
Status = Payment.Status


# --- Connect onboarding -------------------------------------------------------------------------


@transaction.atomic
def connected_account_ensure(
    *, organisation, by, country: str = stripe_gateway.DEFAULT_ACCOUNT_COUNTRY
) -> ConnectedAccount:
    """The organisation's connected account, created at Stripe on first use.

    The account id is saved on the organisation (``stripe_account_id``) and here. The
    organisation row is locked so two owners clicking at once create one account.
    """
    require(
        permissions.can_manage_stripe_account(by, organisation),
        _("Only owners and admins can connect the organisation's Stripe account."),
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    existing = ConnectedAccount.objects.filter(organisation=organisation).first()
    if existing:
        return existing
    if organisation.stripe_account_id:
        account_id = organisation.stripe_account_id
    else:
        account_id = stripe_gateway.create_connected_account(
            email=organisation.contact_email or by.email,
            country=country,
            metadata={"organisation_id": str(organisation.pk)},
        )
        organisation.stripe_account_id = account_id
        organisation.save(update_fields=["stripe_account_id", "updated_at"])
    account = ConnectedAccount.objects.create(organisation=organisation, account_id=account_id, created_by=by)
    record_event(target=organisation, verb="stripe.account_created", actor=by, data={"account": account_id})
    return account


def onboarding_link(*, organisation, by, refresh_url: str, return_url: str) -> str:
    """A fresh single-use Stripe onboarding URL for the organisation's account."""
    account = connected_account_ensure(organisation=organisation, by=by)
    return stripe_gateway.create_account_link(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )


@transaction.atomic
def connected_account_refresh(*, account: ConnectedAccount) -> ConnectedAccount:
    """Ask Stripe for the account's state (on the NGO's return from onboarding)."""
    remote = stripe_gateway.retrieve_account(account.account_id)
    return _apply_account_state(
        account.account_id,
        details_submitted=bool(remote.details_submitted),
        transfers_active=stripe_gateway.account_can_receive_transfers(remote),
    )


def _apply_account_state(
    account_id: str, *, details_submitted: bool, transfers_active: bool
) -> ConnectedAccount | None:
    account = ConnectedAccount.objects.select_for_update().filter(account_id=account_id).first()
    if account is None:
        return None
    if (account.details_submitted, account.transfers_active) != (details_submitted, transfers_active):
        account.details_submitted = details_submitted
        account.transfers_active = transfers_active
        account.save(update_fields=["details_submitted", "transfers_active", "updated_at"])
        record_event(
            target=account.organisation,
            verb="stripe.account_updated",
            data={"account": account_id, "transfers_active": transfers_active},
        )
    return account


# --- Webhooks: storing -----------------------------------------------------------------------------


def webhook_store(event) -> tuple[WebhookEvent, bool]:
    """Save a verified event once; returns (row, created). A repeat only counts the delivery."""
    identity = webhooks.event_identity(event)
    payload = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                event_id=identity.id,
                type=identity.type,
                created=datetime.datetime.fromtimestamp(identity.created, tz=datetime.UTC),
                livemode=identity.livemode,
                object_id=identity.object_id or "",
                account=identity.account or "",
                payload=payload,
                # Queued on commit; should that message be lost, the sweep processes it.
                next_attempt_at=timezone.now() + retries.UNCLAIMED_AFTER,
            )
    except IntegrityError:
        WebhookEvent.objects.filter(event_id=identity.id).update(deliveries=F("deliveries") + 1)
        return WebhookEvent.objects.get(event_id=identity.id), False
    return row, True


@transaction.atomic
def webhook_process(*, event_pk: int) -> str:
    """Run the handler for a stored event once (the row lock serialises concurrent runs)."""
    row = WebhookEvent.objects.select_for_update().get(pk=event_pk)
    if row.processed_at is not None:
        return row.result
    result = webhooks.dispatch(row.payload, HANDLERS)
    row.processed_at = timezone.now()
    row.result = str(result)[:200]
    row.error = ""
    row.next_attempt_at = None
    row.save(update_fields=["processed_at", "result", "error", "next_attempt_at"])
    return row.result


@transaction.atomic
def _claim_webhook_attempt(event_pk: int) -> bool:
    """Count the attempt and store when to try again should it record no outcome (committed first)."""
    row = WebhookEvent.objects.select_for_update().filter(pk=event_pk, processed_at__isnull=True).first()
    if row is None:
        return False
    row.attempts += 1
    row.next_attempt_at = retries.next_attempt_at(row.attempts, timezone.now())
    row.save(update_fields=["attempts", "next_attempt_at"])
    return True


def webhook_attempt(*, event_pk: int) -> str:
    """One attempt at processing a stored event (the task's body).

    A handler's error is stored on the event and the sweep tries again when the time
    stored by the claim comes (1 min, 2 min ... 1 h); after ``retries.MAX_ATTEMPTS`` the
    event stays unprocessed with its error for the operator.
    """
    if not _claim_webhook_attempt(event_pk):
        return WebhookEvent.objects.filter(pk=event_pk).values_list("result", flat=True).first() or "no such event"
    try:
        return webhook_process(event_pk=event_pk)
    except Exception as error:  # stored, logged and retried later; never lost
        WebhookEvent.objects.filter(pk=event_pk).update(error=f"{type(error).__name__}: {error}"[:2000])
        logger.exception("Stripe webhook event %s failed; retried when due", event_pk)
        return f"failed: {type(error).__name__}"


@shared_task(name="grants.payments.tasks.process_webhook_event", **retries.MUST_NOT_BE_LOST)
def _process_webhook_event(event_pk: int) -> str:
    """Run a stored event's handler; a failure is stored on the event and retried by the sweep."""
    return webhook_attempt(event_pk=event_pk)


@transaction.atomic
def webhooks_process_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue every unprocessed webhook event whose next attempt is due (see ``payments_send_due``)."""
    now = now or timezone.now()
    due = list(
        WebhookEvent.objects.select_for_update(skip_locked=True)
        .filter(processed_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: retries.SWEEP_BATCH]
    )
    if not due:
        return []
    WebhookEvent.objects.filter(pk__in=due).update(next_attempt_at=now + retries.UNCLAIMED_AFTER)

    def queue():
        for event_pk in due:
            _process_webhook_event.delay(event_pk)

    transaction.on_commit(queue)
    return due


# --- Webhooks: handlers ---------------------------------------------------------------------------


def _payment_for_transfer(transfer: dict) -> Payment | None:
    metadata = transfer.get("metadata") or {}
    reference = metadata.get("payment_reference") or transfer.get("transfer_group") or ""
    return (
        Payment.objects.filter(external_id=transfer["id"]).first()
        or Payment.objects.filter(reference=reference, rail=Payment.Rail.STRIPE).first()
    )


def handle_transfer_created(event) -> str:
    """Stripe made the transfer: the money is in the payee's account, so the payment is paid.

    Also covers the case where our request timed out after Stripe accepted it: the
    payment is still ``approved``, so it is marked sent with this transfer first.
    """
    transfer = event["data"]["object"]
    payment = _payment_for_transfer(transfer)
    if payment is None:
        return "unknown transfer"
    if payment.status == Status.PAID:
        return "already paid"
    if transfer["amount"] != payment.amount_cents or transfer["currency"].lower() != payment.currency.lower():
        record_event(
            target=payment,
            verb="payment.mismatch",
            message=f"Stripe transfer {transfer['id']} is for {transfer['amount']} {transfer['currency']}.",
            data={"transfer": transfer["id"]},
        )
        return "amount mismatch"
    if payment.status not in (Status.APPROVED, Status.SENT):
        record_event(
            target=payment,
            verb="payment.transfer_unexpected",
            message=f"Stripe transfer {transfer['id']} made while the payment was {payment.status}.",
            data={"transfer": transfer["id"]},
        )
        return f"unexpected for {payment.status}"
    if payment.status == Status.APPROVED:
        payment = payment_mark_sent(payment=payment, external_id=transfer["id"])
    payment_mark_paid(payment=payment, via="stripe webhook")
    return "paid"


def handle_transfer_reversed(event) -> str:
    """Money taken back. Before confirmation the payment fails (finance may retry); a paid one is
    flagged for finance rather than un-paid, since the tranche or subsidy was recorded as settled."""
    transfer = event["data"]["object"]
    payment = _payment_for_transfer(transfer)
    if payment is None or payment.external_id != transfer["id"]:
        return "unknown transfer"
    if payment.status == Status.SENT:
        payment_fail(payment=payment, reason=_("Stripe transfer %(id)s was reversed.") % {"id": transfer["id"]})
        return "failed"
    if payment.status == Status.PAID and payment.reversed_at is None:
        Payment.objects.filter(pk=payment.pk).update(reversed_at=timezone.now())
        record_event(target=payment, verb="payment.reversed", message=f"Stripe transfer {transfer['id']} reversed.")
        return "flagged"
    return "nothing to do"


def handle_account_updated(event) -> str:
    account = event["data"]["object"]
    capabilities = account.get("capabilities") or {}
    updated = _apply_account_state(
        account["id"],
        details_submitted=bool(account.get("details_submitted")),
        transfers_active=bool(account.get("details_submitted")) and capabilities.get("transfers") == "active",
    )
    return "updated" if updated else "unknown account"


# Checkout sessions belong to whoever sells through Stripe Checkout: the CMS's donations
# register their handler in CmsConfig.ready() (cms sits above payments in the stack).
_checkout_handlers: list[Callable[[dict], object]] = []


def on_checkout_session_completed(handler: Callable[[dict], object]) -> Callable[[dict], object]:
    """Registry filled by a higher app's AppConfig.ready(); registering twice keeps one entry."""
    if handler not in _checkout_handlers:
        _checkout_handlers.append(handler)
    return handler


def handle_checkout_session_completed(event) -> str:
    """Ignored unless an app registered a handler; otherwise what the handlers report."""
    if not _checkout_handlers:
        return webhooks.IGNORED
    results = [handler(event) for handler in _checkout_handlers]
    return "; ".join("donation recorded" if result is None else str(result) for result in results)


HANDLERS = {
    webhooks.TRANSFER_CREATED: handle_transfer_created,
    webhooks.TRANSFER_REVERSED: handle_transfer_reversed,
    webhooks.ACCOUNT_UPDATED: handle_account_updated,
    webhooks.CHECKOUT_SESSION_COMPLETED: handle_checkout_session_completed,
}
