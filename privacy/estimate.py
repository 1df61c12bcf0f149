"""Measured values with their uncertainty.

Every risk, attack success rate and quality figure Clearance reports is an :class:`Estimate`:
a point value, a two-sided confidence interval, the sample size it rests on and the method
that produced the interval. A bare float is not evidence (STYLE rule 4).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from scipy import stats

from privacy.errors import InvalidInputError, join_problems


class IntervalMethod(StrEnum):
    """How an estimate's confidence interval was computed."""

    WILSON = "wilson"  # score interval for a binomial proportion (Wilson 1927)
    CLOPPER_PEARSON = "clopper-pearson"  # exact binomial interval (Clopper & Pearson 1934)
    BOOTSTRAP = "bootstrap"  # percentile bootstrap
    HANLEY_MCNEIL = "hanley-mcneil"  # standard error of ROC AUC (Hanley & McNeil 1982)
    DKW = "dkw"  # Dvoretzky-Kiefer-Wolfowitz band on empirical distribution functions
    EXACT = "exact"  # no sampling uncertainty: the value was computed on the whole table
    WILSON_RESIDUAL = "wilson-residual"  # residual risk (a - c) / (1 - c) from two Wilson intervals
    # by first-order error propagation, clipped to [0, 1] (anonymeter's convention)
    MODEL = "model"  # a model-based point estimate (e.g. population uniqueness); its assumptions,
    # not a sampling interval, bound it, and the output names the model


@dataclass(frozen=True)
class Estimate:
    """A measured value with a confidence interval.

    ``lower <= value <= upper`` always holds; ``n`` is the number of independent trials or
    records the estimate rests on; ``confidence`` is the two-sided level of the interval.
    """

    value: float
    lower: float
    upper: float
    n: int
    method: IntervalMethod
    confidence: float = 0.95

    def __post_init__(self) -> None:
        problems = []
        for name in ("value", "lower", "upper"):
            if not math.isfinite(getattr(self, name)):
                problems.append(f"{name} must be finite")
        if not problems and not (self.lower <= self.value <= self.upper):
            problems.append("an estimate needs lower <= value <= upper")
        if self.n < 0:
            problems.append("n must be >= 0")
        if not 0 < self.confidence < 1:
            problems.append("confidence must be in (0, 1)")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @classmethod
    def exact(cls, value: float, *, n: int) -> Estimate:
        """A value computed on the full table, with no sampling uncertainty."""
        return cls(value, value, value, n, IntervalMethod.EXACT)

    @classmethod
    def model(cls, value: float, *, n: int) -> Estimate:
        """A point estimate from a statistical model (e.g. a population-uniqueness model), with
        no sampling interval: the model's assumptions, stated beside it, are what bound it."""
        return cls(value, value, value, n, IntervalMethod.MODEL)

    @classmethod
    def proportion(
        cls,
        successes: int,
        n: int,
        *,
        confidence: float = 0.95,
        method: IntervalMethod = IntervalMethod.WILSON,
    ) -> Estimate:
        """A binomial success rate ``successes / n`` with a Wilson or Clopper-Pearson interval."""
        if n <= 0 or not 0 <= successes <= n:
            raise InvalidInputError(
                f"a proportion needs 0 <= successes <= n and n > 0 (got {successes} of {n})"
            )
        if method is IntervalMethod.WILSON:
            lower, upper = wilson_interval(successes, n, confidence=confidence)
        elif method is IntervalMethod.CLOPPER_PEARSON:
            lower, upper = clopper_pearson_interval(successes, n, confidence=confidence)
        else:
            raise InvalidInputError(f"{method} is not an interval for a proportion")
        value = successes / n
        return cls(value, min(lower, value), max(upper, value), n, method, confidence)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Estimate:
        return cls(
            value=float(data["value"]),
            lower=float(data["lower"]),
            upper=float(data["upper"]),
            n=int(data["n"]),
            method=IntervalMethod(data["method"]),
            confidence=float(data.get("confidence", 0.95)),
        )


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927; anonymeter's convention)."""
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def clopper_pearson_interval(
    successes: int, n: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Exact (conservative) binomial interval of Clopper and Pearson (1934)."""
    alpha = 1 - confidence
    lower = (
        0.0 if successes == 0 else float(stats.beta.ppf(alpha / 2, successes, n - successes + 1))
    )
    upper = (
        1.0
        if successes == n
        else float(stats.beta.ppf(1 - alpha / 2, successes + 1, n - successes))
    )
    return lower, upper
