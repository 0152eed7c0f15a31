"""The interface both payment rails share: an instruction goes in, a SendResult comes out.

The disbursement ledger builds a ``TransferInstruction`` per payment and hands it to
whichever rail the payee uses. A rail never decides whether a payment may go out
(approval, four-eyes, caps and "paid ≤ awarded" are the ledger's rules); it only
moves money, or says that a person has to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Protocol

SendStatus = Literal["sent", "pending_manual"]

_CURRENCY = re.compile(r"[a-z]{3}")
MAX_IDEMPOTENCY_KEY_LENGTH = 255  # Stripe's limit; the ledger's keys stay far below it


@dataclass(frozen=True, kw_only=True)
class TransferInstruction:
    """One payment to one payee, fully determined before it is sent.

    ``amount_cents`` is in the currency's minor unit (fen for CNY) and positive.
    ``idempotency_key`` belongs to the payment, not to the attempt: every retry of the
    same payment sends the same key, which is what stops a retry after a timeout from
    paying twice. ``destination`` is the rail's payee id (a Stripe account id, or the
    payee key of a bank instruction).
    """

    payment_reference: str
    amount_cents: int
    currency: str
    destination: str
    idempotency_key: str
    description: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not self.payment_reference.strip():
            raise ValueError("payment_reference is required")
        if isinstance(self.amount_cents, bool) or not isinstance(self.amount_cents, int):
            raise ValueError(f"amount_cents must be an int of minor units, got {self.amount_cents!r}")
        if self.amount_cents <= 0:
            raise ValueError(f"amount_cents must be positive, got {self.amount_cents}")
        # Normalised so "CNY" and "cny" are the same instruction (and the same idempotent request).
        object.__setattr__(self, "currency", self.currency.lower())
        if not _CURRENCY.fullmatch(self.currency):
            raise ValueError(f"currency must be a three-letter ISO code, got {self.currency!r}")
        if not self.destination.strip():
            raise ValueError("destination is required")
        if not self.idempotency_key.strip() or len(self.idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValueError(f"idempotency_key must be 1-{MAX_IDEMPOTENCY_KEY_LENGTH} characters")


@dataclass(frozen=True)
class SendResult:
    """``sent``: the rail accepted the money movement and ``external_id`` identifies it there.
    ``pending_manual``: a person must make the transfer; ``external_id`` is what they will quote."""

    status: SendStatus
    external_id: str


class PaymentRail(Protocol):
    """Sends one instruction. Must be safe to call again with the same instruction."""

    name: str

    def send(self, instruction: TransferInstruction) -> SendResult: ...


@dataclass(frozen=True, kw_only=True)
class BankTransferInstruction(TransferInstruction):
    """A TransferInstruction plus what the finance office needs to key it into online banking."""

    payee_name: str
    bank_name: str
    account_number: str


class BankTransferRail:
    """Bank transfers are made by the finance office, outside the product.

    ``send`` contacts nobody: it reports ``pending_manual`` with the payment reference,
    which the office writes in the transfer's remark and the bank echoes back in its
    confirmation file (see ``bank_files``). Calling it twice changes nothing.
    """

    name = "bank_transfer"

    def send(self, instruction: TransferInstruction) -> SendResult:
        return SendResult(status="pending_manual", external_id=instruction.payment_reference)
