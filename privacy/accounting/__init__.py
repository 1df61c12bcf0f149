"""Budgets, DP events, accountants and noise calibration (no torch)."""

from privacy.accounting.accountant import (
    Accountant,
    AccountantKind,
    PrvAccountant,
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
from privacy.accounting.group import group_privacy, row_budget_for_group
from privacy.accounting.ledger import (
    BudgetExceededError,
    BudgetLedger,
    EntryStatus,
    LedgerDamagedError,
    LedgerEntry,
    LedgerStatus,
    ledger_path_for,
)
from privacy.accounting.planner import (
    BatchPlan,
    BatchPlanInputs,
    BatchPlanRow,
    default_batch_sizes,
    plan_batch_size,
)

__all__ = [
    "Accountant",
    "AccountantKind",
    "BatchPlan",
    "BatchPlanInputs",
    "BatchPlanRow",
    "Budget",
    "BudgetExceededError",
    "BudgetLedger",
    "EntryStatus",
    "LedgerDamagedError",
    "LedgerEntry",
    "LedgerStatus",
    "PrivacyStatement",
    "PrivacyUnit",
    "PrvAccountant",
    "StageSpend",
    "SubsampledGaussianEvent",
    "calibrate_noise_multiplier",
    "default_batch_sizes",
    "default_delta",
    "epsilon_for",
    "group_privacy",
    "ledger_path_for",
    "make_accountant",
    "plan_batch_size",
    "row_budget_for_group",
]
