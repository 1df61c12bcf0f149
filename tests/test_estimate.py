"""Unit and golden-value tests for privacy.estimate (Estimate, Wilson, Clopper-Pearson)."""

from __future__ import annotations

import json
import math

import pytest
from scipy import stats

from privacy.errors import InvalidInputError
from privacy.estimate import (
    Estimate,
    IntervalMethod,
    clopper_pearson_interval,
    wilson_interval,
)

GRID = [(0, 1), (0, 10), (1, 10), (5, 10), (9, 10), (10, 10), (3, 1000), (850, 1000)]


def test_wilson_reproduces_anonymeter_850_of_1000() -> None:
    """anonymeter `stats/confidence.py` tests (REFERENCE.md): 850 successes of 1,000 at 95%
    give a Wilson success rate of 0.849 +- 0.022 (the interval's centre and half-width,
    rounded to 3 decimals)."""
    lower, upper = wilson_interval(850, 1000, confidence=0.95)
    assert round((lower + upper) / 2, 3) == 0.849
    assert round((upper - lower) / 2, 3) == 0.022


@pytest.mark.parametrize(("k", "n"), GRID)
def test_wilson_matches_scipy(k: int, n: int) -> None:
    ours = wilson_interval(k, n, confidence=0.95)
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert ours == pytest.approx((ref.low, ref.high), abs=1e-12)


@pytest.mark.parametrize(("k", "n"), GRID)
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_clopper_pearson_matches_scipy_exact(k: int, n: int, confidence: float) -> None:
    ours = clopper_pearson_interval(k, n, confidence=confidence)
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    assert ours == pytest.approx((ref.low, ref.high), abs=1e-9)


def test_clopper_pearson_bounds_at_the_extremes() -> None:
    assert clopper_pearson_interval(0, 50)[0] == 0.0
    assert clopper_pearson_interval(50, 50)[1] == 1.0
    # With 0 of n the upper bound solves (1 - p)^n = alpha / 2 exactly.
    assert clopper_pearson_interval(0, 50, confidence=0.95)[1] == pytest.approx(
        1 - 0.025 ** (1 / 50), rel=1e-9
    )


@pytest.mark.parametrize("method", [IntervalMethod.WILSON, IntervalMethod.CLOPPER_PEARSON])
@pytest.mark.parametrize(("k", "n"), GRID)
def test_proportion_interval_contains_its_value(method: IntervalMethod, k: int, n: int) -> None:
    est = Estimate.proportion(k, n, method=method)
    assert est.lower <= est.value == k / n <= est.upper
    assert 0 <= est.lower and est.upper <= 1
    assert est.n == n and est.method is method


@pytest.mark.parametrize(("k", "n"), [(1, 0), (-1, 5), (6, 5)])
def test_proportion_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(InvalidInputError):
        Estimate.proportion(k, n)


def test_proportion_refuses_a_non_proportion_method() -> None:
    with pytest.raises(InvalidInputError, match="not an interval for a proportion"):
        Estimate.proportion(1, 2, method=IntervalMethod.BOOTSTRAP)


@pytest.mark.parametrize(
    ("value", "lower", "upper"),
    [(0.5, 0.6, 0.7), (0.5, 0.1, 0.4), (math.nan, 0.0, 1.0), (0.5, -math.inf, 1.0),
     (0.5, 0.0, math.inf)],
)
def test_estimate_refuses_inconsistent_or_non_finite(
    value: float, lower: float, upper: float
) -> None:
    with pytest.raises(InvalidInputError):
        Estimate(value, lower, upper, 10, IntervalMethod.BOOTSTRAP)


def test_estimate_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidInputError, match="3 problems") as info:
        Estimate(math.nan, 0.0, 1.0, -1, IntervalMethod.BOOTSTRAP, confidence=1.5)
    message = str(info.value)
    assert "finite" in message and "n must be" in message and "confidence" in message


def test_exact_has_a_zero_width_interval() -> None:
    est = Estimate.exact(0.25, n=40)
    assert (est.lower, est.value, est.upper) == (0.25, 0.25, 0.25)
    assert est.method is IntervalMethod.EXACT


def test_round_trip_through_json() -> None:
    est = Estimate.proportion(17, 40, method=IntervalMethod.CLOPPER_PEARSON, confidence=0.9)
    again = Estimate.from_dict(json.loads(json.dumps(est.to_dict())))
    assert again == est
