"""Every Stripe call the product makes, through one configured ``stripe.StripeClient``.

Nothing else in the code base imports ``stripe``. The client is built from settings:
``STRIPE_SECRET_KEY``, ``STRIPE_API_BASE`` (when set, all API traffic goes there;
the tests' fake server) and an optional ``STRIPE_TIMEOUT_SECONDS`` (default 20).

Retries: ``max_network_retries=0``. A retry decision belongs to the caller that owns
the payment row: the Celery task retries with backoff, re-sending the *same*
instruction, whose idempotency key makes the retry return the original transfer.
Retrying inside the SDK would instead hold the web request or the row lock for
seconds and hide from the ledger that the first attempt's outcome was unknown.

Errors: every SDK error is re-raised as ``PaymentGatewayError`` with ``retryable``
(try again later with the same idempotency key) and ``outcome_unknown`` (Stripe may
have acted: never mark such a payment failed or send it under a new key).
"""

from __future__ import annotations

from functools import lru_cache

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from grants.payments.rails import SendResult, TransferInstruction

DEFAULT_TIMEOUT_SECONDS = 20.0
WEBHOOK_TOLERANCE_SECONDS = 300  # Stripe's default: a captured webhook cannot be replayed later than this
# Stripe Connect does not onboard accounts in mainland China; Hong Kong is the nearest
# country where Express accounts are supported. Callers pass the NGO's real country.
DEFAULT_ACCOUNT_COUNTRY = "HK"


class PaymentGatewayError(Exception):
    """A Stripe call failed. ``retryable``: the same call may succeed later.
    ``outcome_unknown``: the request may have been carried out (timeouts, 5xx)."""

    def __init__(self, message: str, *, retryable: bool, outcome_unknown: bool = False, code: str | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.outcome_unknown = outcome_unknown
        self.code = code


class WebhookSignatureError(Exception):
    """The webhook body was not signed with our endpoint secret, or the signature is too old."""


def get_client() -> stripe.StripeClient:
    """The client for the current settings (cached per key/host/timeout, so tests may switch them)."""
    if not settings.STRIPE_SECRET_KEY:
        raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set; payments run in manual mode")
    timeout = float(getattr(settings, "STRIPE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE or "", timeout)


@lru_cache(maxsize=8)
def _client(api_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    base_addresses = {"api": api_base, "connect": api_base, "files": api_base} if api_base else {}
    return stripe.StripeClient(
        api_key,
        base_addresses=base_addresses,
        max_network_retries=0,
        # requests is a dependency of the SDK; its client is the one that takes a timeout.
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def _translate(exc: stripe.StripeError) -> PaymentGatewayError:
    code = getattr(exc, "code", None)
    message = f"Stripe: {exc.user_message or str(exc) or type(exc).__name__}"
    if isinstance(exc, stripe.APIConnectionError):
        # Timeout or dropped connection: the request may have reached Stripe and been executed.
        return PaymentGatewayError(message, retryable=True, outcome_unknown=True, code=code)
    if isinstance(exc, stripe.IdempotencyError):
        # Same key with other parameters (a bug: the instruction changed) or still in flight (409).
        return PaymentGatewayError(message, retryable=exc.http_status == 409, outcome_unknown=True, code=code)
    if isinstance(exc, stripe.RateLimitError):
        return PaymentGatewayError(message, retryable=True, code=code)
    if isinstance(exc, stripe.APIError) or (exc.http_status or 0) >= 500:
        return PaymentGatewayError(message, retryable=True, outcome_unknown=True, code=code)
    return PaymentGatewayError(message, retryable=False, code=code)


# --- Connect: the NGO's account ----------------------------------------------------------


def create_connected_account(
    *, email: str, country: str = DEFAULT_ACCOUNT_COUNTRY, metadata: dict[str, str] | None = None
) -> str:
    """Create an Express account able to receive transfers; returns its id (``acct_...``).

    The account cannot receive money until the NGO completes Stripe's onboarding
    (``create_account_link``) and ``account.updated`` reports transfers active.
    """
    try:
        account = get_client().v1.accounts.create(
            {
                "type": "express",
                "country": country.upper(),
                "email": email,
                "business_type": "non_profit",
                "capabilities": {"transfers": {"requested": True}},
                "metadata": metadata or {},
            }
        )
    except stripe.StripeError as exc:
        raise _translate(exc) from exc
    return account.id


def create_account_link(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A single-use onboarding URL for the NGO; expired or reused links land on ``refresh_url``."""
    try:
        link = get_client().v1.account_links.create(
            {"account": account_id, "type": "account_onboarding", "refresh_url": refresh_url, "return_url": return_url}
        )
    except stripe.StripeError as exc:
        raise _translate(exc) from exc
    return link.url


def retrieve_account(account_id: str) -> stripe.Account:
    try:
        return get_client().v1.accounts.retrieve(account_id)
    except stripe.StripeError as exc:
        raise _translate(exc) from exc


def account_can_receive_transfers(account: stripe.Account) -> bool:
    """True once onboarding is done and the transfers capability is active."""
    capabilities = account.capabilities.to_dict() if account.capabilities else {}
    return bool(account.details_submitted) and capabilities.get("transfers") == "active"


# --- Connect: grant and subsidy transfers ------------------------------------------------------


class StripeTransferRail:
    """Sends a payment as a Stripe Connect transfer to the payee's connected account.

    The instruction's idempotency key goes to Stripe with the request, so sending the
    same instruction again (after a timeout, a worker crash, a 5xx) returns the
    transfer Stripe already made instead of a second one. Stripe keeps keys for 24
    hours: a retry later than that must first look for the transfer
    (``find_transfers``, by ``transfer_group`` = payment reference).
    """

    name = "stripe"

    def send(self, instruction: TransferInstruction) -> SendResult:
        params = {
            "amount": instruction.amount_cents,
            "currency": instruction.currency,
            "destination": instruction.destination,
            "description": instruction.description,
            "transfer_group": instruction.payment_reference,
            # Stripe metadata values are strings; the reference travels with the transfer for reconciliation.
            "metadata": {
                **{k: str(v) for k, v in instruction.metadata.items()},
                "payment_reference": instruction.payment_reference,
            },
        }
        try:
            transfer = get_client().v1.transfers.create(params, {"idempotency_key": instruction.idempotency_key})
        except stripe.StripeError as exc:
            raise _translate(exc) from exc
        return SendResult(status="sent", external_id=transfer.id)


def retrieve_transfer(transfer_id: str) -> stripe.Transfer:
    try:
        return get_client().v1.transfers.retrieve(transfer_id)
    except stripe.StripeError as exc:
        raise _translate(exc) from exc


def find_transfers(*, payment_reference: str) -> list[stripe.Transfer]:
    """Transfers already made for a payment, newest first (normally zero or one)."""
    try:
        page = get_client().v1.transfers.list({"transfer_group": payment_reference, "limit": 10})
    except stripe.StripeError as exc:
        raise _translate(exc) from exc
    return list(page.data)


# --- Checkout: public donations ----------------------------------------------------------------


def create_checkout_session(
    *,
    amount_cents: int,
    currency: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
    product_name: str = "Donation",
    idempotency_key: str | None = None,
) -> tuple[str, str]:
    """A one-off donation page; returns ``(session id, hosted URL)``.

    The donation is recorded from ``checkout.session.completed``, never from the
    browser returning to ``success_url`` (which may be faked or never happen).
    Add ``{CHECKOUT_SESSION_ID}`` to ``success_url`` to get the id back.
    """
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(f"amount_cents must be a positive int, got {amount_cents!r}")
    params = {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": amount_cents,
                    "product_data": {"name": product_name},
                },
            }
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": {k: str(v) for k, v in metadata.items()},
    }
    options = {"idempotency_key": idempotency_key} if idempotency_key else {}
    try:
        session = get_client().v1.checkout.sessions.create(params, options)
    except stripe.StripeError as exc:
        raise _translate(exc) from exc
    return session.id, session.url


def retrieve_checkout_session(session_id: str) -> stripe.checkout.Session:
    try:
        return get_client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise _translate(exc) from exc


# --- Webhooks ----------------------------------------------------------------------------------


def verify_webhook(body: bytes, signature_header: str | None, *, tolerance: int = WEBHOOK_TOLERANCE_SECONDS):
    """Check the ``Stripe-Signature`` header with the SDK and return the ``stripe.Event``.

    ``body`` must be the raw request body, byte for byte: re-serialised JSON does not
    verify. Raises ``WebhookSignatureError`` for a missing, wrong or stale signature
    (answer 400) and ``ImproperlyConfigured`` when no endpoint secret is set (a 500:
    the operator must fix it; Stripe will redeliver).
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is not set; cannot verify Stripe webhooks")
    try:
        # Verification is offline; the client is only used to attach a requestor to the event.
        return _client(settings.STRIPE_SECRET_KEY or "sk_unset", settings.STRIPE_API_BASE or "", 1.0).construct_event(
            body, signature_header, secret, tolerance
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureError(f"Invalid Stripe signature: {exc.user_message or exc}") from exc
    except ValueError as exc:  # the body is not JSON (or not a v1 event)
        raise WebhookSignatureError(f"Webhook body is not a Stripe event: {exc}") from exc
