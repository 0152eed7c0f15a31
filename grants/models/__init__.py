"""Grant models, one module per part of the lifecycle. Import them from here."""

from grants.models.applications import (
    Application,
    ApplicationAttachment,
    ApplicationComment,
    ApplicationKPI,
    ApplicationMilestone,
    ApplicationRevision,
    BudgetLine,
    ReferenceCounter,
)
from grants.models.calls import Call
from grants.models.catalogue import Funder, ServiceCategory, ServiceItem

__all__ = [
    "Application",
    "ApplicationAttachment",
    "ApplicationComment",
    "ApplicationKPI",
    "ApplicationMilestone",
    "ApplicationRevision",
    "BudgetLine",
    "Call",
    "Funder",
    "ReferenceCounter",
    "ServiceCategory",
    "ServiceItem",
]
