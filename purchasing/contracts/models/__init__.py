"""Service purchasing (签约服务): buyers and budget lines, offers, needs and quotes, contracts."""

from purchasing.contracts.models.buyers import BudgetLine, Buyer, BuyerInvitation
from purchasing.contracts.models.contracts import (
    Contract,
    ContractAmendment,
    ContractItem,
    Instalment,
    Kpi,
)
from purchasing.contracts.models.needs import Need, Quote
from purchasing.contracts.models.offers import Offer, OfferPhoto, Unit

__all__ = [
    "BudgetLine",
    "Buyer",
    "BuyerInvitation",
    "Contract",
    "ContractAmendment",
    "ContractItem",
    "Instalment",
    "Kpi",
    "Need",
    "Offer",
    "OfferPhoto",
    "Quote",
    "Unit",
]
