"""The incubator's models, one module per family."""

from incubator.models.catalogue import ServiceCategory, ServiceItem
from incubator.models.incubation import Checkpoint, Cohort, CohortGoal, Incubatee, Programme, ServiceLogEntry
from incubator.models.organisations import (
    Area,
    BankAccountChange,
    Invitation,
    Membership,
    Organisation,
    OrganisationDocument,
)
from incubator.models.subsidies import Subsidy, SubsidyPolicy
from incubator.models.targets import Target

__all__ = [
    "Area",
    "BankAccountChange",
    "Checkpoint",
    "Cohort",
    "CohortGoal",
    "Incubatee",
    "Invitation",
    "Membership",
    "Organisation",
    "OrganisationDocument",
    "Programme",
    "ServiceCategory",
    "ServiceItem",
    "ServiceLogEntry",
    "Subsidy",
    "SubsidyPolicy",
    "Target",
]
