"""Donations to showcased projects (Stripe Checkout). Until donations are recorded the
running total is unknown and hidden."""

from __future__ import annotations

from decimal import Decimal


def donations_total(*, showcase) -> Decimal | None:
    return None
