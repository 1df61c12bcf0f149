"""Privacy budgets and how a run spends them.

A :class:`Budget` is a target (epsilon, delta). A run spends it in stages (measuring column
domains, training) that compose *basically*: the total epsilon and delta are the sums of the
stages' (Dwork & Roth 2014, Theorem 3.16). :class:`PrivacyStatement` is the record the report
prints: what unit is protected, each stage's spend, and the totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from privacy.errors import PrivacyBudgetError, join_problems


class PrivacyUnit(StrEnum):
    """Whose contribution the guarantee protects."""

    ROW = "row"  # neighbouring tables differ in one row
    ENTITY = "entity"  # neighbouring tables differ in all rows of one entity (patient)


@dataclass(frozen=True)
class Budget:
    """A target (epsilon, delta). Cannot exist with epsilon <= 0, non-finite values or delta
    outside [0, 1)."""

    epsilon: float
    delta: float

    def __post_init__(self) -> None:
        problems = []
        if (
            not isinstance(self.epsilon, int | float)
            or not math.isfinite(self.epsilon)
            or self.epsilon <= 0
        ):
            problems.append("epsilon must be a finite number > 0 (e.g. --epsilon 1)")
        if not isinstance(self.delta, int | float) or not 0 <= self.delta < 1:
            problems.append("delta must be in [0, 1), and below 1/n for n protected units")
        if problems:
            raise PrivacyBudgetError(join_problems(problems))

    def check_delta_for(self, n_units: int, unit: PrivacyUnit) -> None:
        """Refuse delta >= 1/n (invariant 3): such a delta allows releasing a whole record."""
        if n_units <= 0:
            raise PrivacyBudgetError("there are no records to protect")
        if self.delta >= 1 / n_units:
            raise PrivacyBudgetError(
                f"delta = {self.delta:g} is not below 1/n = {1 / n_units:.3g} for n = {n_units} "
                f"protected {unit.value}s; a delta that large permits leaking a whole record. "
                f"Use a delta of at most {default_delta(n_units):g}, or omit --delta"
            )

    def split(self, shares: dict[str, float]) -> dict[str, Budget]:
        """Divide the budget across stages by share of epsilon and of delta (basic composition).

        Shares must be positive and sum to 1; the parts' sums never exceed this budget.
        """
        if (
            not shares
            or any(s <= 0 for s in shares.values())
            or abs(sum(shares.values()) - 1) > 1e-9
        ):
            raise PrivacyBudgetError("budget shares must be positive and sum to 1")
        return {
            stage: Budget(self.epsilon * share, self.delta * share)
            for stage, share in shares.items()
        }

    def to_dict(self) -> dict[str, float]:
        return {"epsilon": self.epsilon, "delta": self.delta}


def default_delta(n_units: int) -> float:
    """The largest power of ten that is at most 1/(10 n): 5,000 units give 1e-5."""
    if n_units <= 0:
        raise PrivacyBudgetError("there are no records to protect")
    return 10.0 ** (-math.ceil(math.log10(n_units)) - 1)


@dataclass(frozen=True)
class StageSpend:
    """What one stage of a run spent, by which mechanism, with its own parameters."""

    stage: str
    epsilon: float
    delta: float
    mechanism: str
    detail: dict[str, Any]

    def __post_init__(self) -> None:
        if not (math.isfinite(self.epsilon) and self.epsilon >= 0 and 0 <= self.delta < 1):
            raise PrivacyBudgetError(f"stage '{self.stage}' has an invalid spend")

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "mechanism": self.mechanism,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class PrivacyStatement:
    """The end-to-end guarantee of a release: stages composed basically, for a stated unit.

    ``spends`` are per row of the (bounded) training table. With ``group_size`` k > 1 (an
    entity keeps up to k rows), the guarantee per entity is the group-privacy conversion of
    their sum (:func:`privacy.accounting.group.group_privacy`); with k = 1 a row is an entity.
    """

    unit: PrivacyUnit
    spends: tuple[StageSpend, ...]
    requested: Budget
    n_units: int
    group_size: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.group_size, int) or self.group_size < 1:
            raise PrivacyBudgetError("group_size must be an integer >= 1")
        if self.group_size > 1 and self.unit is not PrivacyUnit.ENTITY:
            raise PrivacyBudgetError("a group size above 1 needs the entity as the privacy unit")
        if self.epsilon > self.requested.epsilon * (
            1 + 1e-9
        ) or self.delta > self.requested.delta * (1 + 1e-9):
            raise PrivacyBudgetError(
                f"the stages spent epsilon = {self.epsilon:.4g}, delta = {self.delta:.3g}, more "
                f"than the requested epsilon = {self.requested.epsilon:g}, delta = {self.requested.delta:g}"
            )

    @property
    def row_epsilon(self) -> float:
        """Epsilon per row of the training table (the stages' sum)."""
        return math.fsum(s.epsilon for s in self.spends)

    @property
    def row_delta(self) -> float:
        return math.fsum(s.delta for s in self.spends)

    @property
    def epsilon(self) -> float:
        """Epsilon per protected unit (row, or entity after the group conversion)."""
        return self._per_unit()[0]

    @property
    def delta(self) -> float:
        return self._per_unit()[1]

    def _per_unit(self) -> tuple[float, float]:
        if self.group_size == 1:
            return self.row_epsilon, self.row_delta
        from privacy.accounting.group import group_privacy

        return group_privacy(self.row_epsilon, self.row_delta, group_size=self.group_size)

    def sentence(self, unit_noun: str | None = None) -> str:
        """The guarantee in one sentence a lawyer can quote."""
        noun = unit_noun or ("individual's" if self.unit is PrivacyUnit.ENTITY else "row's")
        return (
            f"Each {noun} contribution to the release is protected by differential privacy at "
            f"epsilon = {self.epsilon:.3g}, delta = {self.delta:.2g}."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.value,
            "n_units": self.n_units,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "requested": self.requested.to_dict(),
            "composition": "basic (sum over stages)",
            "rows_per_unit_max": self.group_size,
            "row_epsilon": self.row_epsilon,
            "row_delta": self.row_delta,
            "unit_conversion": (
                "none (one row per unit)"
                if self.group_size == 1
                else f"group privacy for up to {self.group_size} rows per entity "
                "(k*eps, delta*sum_(i<k) e^(i*eps)); Dwork & Roth 2014 Thm 2.2"
            ),
            "stages": [s.to_dict() for s in self.spends],
        }
