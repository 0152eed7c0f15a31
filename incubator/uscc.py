"""Kept only because migration 0001 names ``incubator.uscc.validate_uscc``: the unified
social credit code lives in ``core.identifiers`` (import it from there). This is the same
function object, so the model's validators and the migration agree."""

from core.identifiers import validate_uscc

__all__ = ["validate_uscc"]
