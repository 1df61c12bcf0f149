"""Budgets, DP events, accountants and noise calibration (no torch)."""

from privacy.accounting.accountant import (
    Accountant,
    AccountantKind,
    SubsampledGaussianEvent,
    calibrate_noise_multiplier,
    epsilon_for,
    make_accountant,
)
from privacy.accounting.budget import (
    Budget,
    PrivacyStatement,
    PrivacyUnit,
    StageSpend,
    default_delta,
)

__all__ = [
    "Accountant",
    "AccountantKind",
    "Budget",
    "PrivacyStatement",
    "PrivacyUnit",
    "StageSpend",
    "SubsampledGaussianEvent",
    "calibrate_noise_multiplier",
    "default_delta",
    "epsilon_for",
    "make_accountant",
]
