"""Grant models, one module per part of the lifecycle. Import them from here."""

from grants.calls.models.applications import (
    Application,
    ApplicationAttachment,
    ApplicationComment,
    ApplicationKPI,
    ApplicationMilestone,
    ApplicationRevision,
    BudgetLine,
    ReferenceCounter,
)
from grants.calls.models.calls import Call
from grants.calls.models.catalogue import Funder

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
]
