"""Equivalence classes over quasi-identifiers: k-anonymity and sample uniqueness.

An equivalence class is a set of records that share every quasi-identifier value. Under the
prosecutor model (the attacker knows their target is in the table), a record in a class of size
f is re-identified with probability 1/f (El Emam 2013; ARX ``RiskModelSampleSummary``).
These are exact figures over the whole table, so each :class:`Estimate` has method EXACT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError
from privacy.estimate import Estimate


@dataclass(frozen=True)
class RiskResult:
    """Re-identification risk of a table over named quasi-identifiers. Counts only; no values."""

    quasi_identifiers: tuple[str, ...]
    n_records: int
    n_classes: int
    k_anonymity: int  # size of the smallest equivalence class
    sample_uniqueness: Estimate  # share of records alone in their class
    average_prosecutor_risk: Estimate  # mean over records of 1/f = classes / records
    highest_prosecutor_risk: float  # 1 / k
    records_at_risk: Estimate  # share of records whose 1/f exceeds the threshold
    risk_threshold: float
    class_size_histogram: dict[str, int]  # "1", "2", ..., "10+" -> number of records

    def to_dict(self) -> dict[str, Any]:
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "n_records": self.n_records,
            "n_classes": self.n_classes,
            "k_anonymity": self.k_anonymity,
            "sample_uniqueness": self.sample_uniqueness.to_dict(),
            "average_prosecutor_risk": self.average_prosecutor_risk.to_dict(),
            "highest_prosecutor_risk": self.highest_prosecutor_risk,
            "records_at_risk": self.records_at_risk.to_dict(),
            "risk_threshold": self.risk_threshold,
            "class_size_histogram": self.class_size_histogram,
            "model": "prosecutor; equivalence classes over exact quasi-identifier values",
        }


def measure_reidentification_risk(
    table: pd.DataFrame, *, quasi_identifiers: Sequence[str], risk_threshold: float = 0.2
) -> RiskResult:
    """Equivalence-class risk of ``table`` over ``quasi_identifiers``.

    Missing values count as a value of their own (they group together), as in ARX. A record is
    *at risk* when its prosecutor risk 1/f is strictly above ``risk_threshold``.
    """
    qis = list(quasi_identifiers)
    if not qis:
        raise InvalidInputError("name at least one quasi-identifier column to measure risk")
    missing = [c for c in qis if c not in table.columns]
    if missing:
        raise InvalidInputError(f"quasi-identifier column(s) not in the table: {missing}")
    if len(table) == 0:
        raise InvalidInputError("the table is empty; risk needs at least one record")
    if not 0 < risk_threshold <= 1:
        raise InvalidInputError("risk_threshold must be in (0, 1]")

    sizes = table.groupby(qis, dropna=False, sort=False, observed=True).size().to_numpy()
    n = int(sizes.sum())
    n_classes = int(sizes.size)
    per_record_size = np.repeat(sizes, sizes)
    uniques = int((sizes == 1).sum())
    at_risk = int(per_record_size[1.0 / per_record_size > risk_threshold].size)
    histogram = {str(k): int(sizes[sizes == k].sum()) for k in range(1, 10)}
    histogram["10+"] = int(sizes[sizes >= 10].sum())
    return RiskResult(
        quasi_identifiers=tuple(qis),
        n_records=n,
        n_classes=n_classes,
        k_anonymity=int(sizes.min()),
        sample_uniqueness=Estimate.exact(uniques / n, n=n),
        average_prosecutor_risk=Estimate.exact(n_classes / n, n=n),
        highest_prosecutor_risk=1.0 / float(sizes.min()),
        records_at_risk=Estimate.exact(at_risk / n, n=n),
        risk_threshold=risk_threshold,
        class_size_histogram=histogram,
    )
