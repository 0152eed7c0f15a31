"""Payable things the ledger does not know by name: the registry higher apps fill.

A grant tranche and a subsidy are the ledger's own sources (``Payment.tranche`` and
``Payment.subsidy``). Anything else that pays an NGO through the one ledger (a service
contract's instalment, issue 16) sits above payments in the stack, so the ledger cannot
import it: the higher app registers a source under a prefix in ``AppConfig.ready()``, and
its payments carry ``source_key = "<prefix>:<id>"`` (at most one live payment per key,
a database constraint) and ``payer_name`` (who pays, shown where a funder would be).

The ledger asks the source, under the payee organisation's row lock, whether the payment
may be requested, approved or retried (``check_payable`` raises ``ValidationError`` with
the reason), and tells it when the money has arrived (``on_paid``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Source:
    prefix: str
    label: object  # a lazy string: "Contract instalment"
    check_payable: Callable  # (*, payment) -> None, raises ValidationError
    on_paid: Callable | None = None  # (*, payment, by) -> None


_SOURCES: dict[str, Source] = {}


def register_source(*, prefix: str, label, check_payable: Callable, on_paid: Callable | None = None) -> None:
    _SOURCES[prefix] = Source(prefix=prefix, label=label, check_payable=check_payable, on_paid=on_paid)


def source_key(prefix: str, pk: int) -> str:
    return f"{prefix}:{pk}"


def source_of(payment) -> Source:
    prefix = payment.source_key.split(":", 1)[0]
    source = _SOURCES.get(prefix)
    if source is None:
        raise ValidationError(_("Nothing in the platform pays “%(key)s”.") % {"key": payment.source_key})
    return source


def label_of(payment) -> str:
    source = _SOURCES.get(payment.source_key.split(":", 1)[0])
    return str(source.label) if source else payment.source_key
