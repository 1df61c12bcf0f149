"""Clearance's bottom layer: schemas, measured estimates, PII handling, re-identification risk
and differential-privacy accounting. Imports no other Clearance package and never torch."""

from privacy.errors import ClearanceError, InvalidInputError, PrivacyBudgetError
from privacy.estimate import Estimate
from privacy.schema import Column, ColumnKind, ColumnRole, Schema

__all__ = [
    "ClearanceError",
    "Column",
    "ColumnKind",
    "ColumnRole",
    "Estimate",
    "InvalidInputError",
    "PrivacyBudgetError",
    "Schema",
]
