"""Statistical tests of the DP domain-measurement mechanisms (privacy/mechanisms.py).

Every tolerance below is derived from the mechanism's own tail bound, with fixed seeds, and set
so that a correct implementation fails with probability far below 1e-4 per test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from privacy.accounting import StageSpend
from privacy.errors import InvalidInputError, PrivacyBudgetError
from privacy.mechanisms import (
    APPROX_BOUNDS,
    CategorySelection,
    approx_bounds,
    dp_quantiles,
    laplace_partition_threshold,
    measurement_spend,
    select_categories,
)

# ------------------------------------------------------------------------ partition selection


def test_threshold_formula_gives_delta_for_a_single_contribution() -> None:
    """tau = 1 + ln(1/(2 delta))/epsilon (Korolova et al. 2009; Google differential-privacy,
    LaplacePartitionSelection::CalculateThreshold with one partition per user). A category with
    count 1 passes with P[1 + Lap(1/eps) > tau] = exp(-eps (tau - 1))/2, which must equal
    delta: that is the whole (epsilon, delta) argument."""
    for eps, delta in [(1.0, 1e-5), (0.1, 1e-8), (3.0, 0.25)]:
        tau = laplace_partition_threshold(eps, delta)
        assert tau == pytest.approx(1 + math.log(1 / (2 * delta)) / eps)
        pass_prob = 0.5 * math.exp(-eps * (tau - 1))  # Laplace survival function above 1
        assert pass_prob == pytest.approx(delta, rel=1e-12)
        assert stats.laplace(loc=1, scale=1 / eps).sf(tau) == pytest.approx(delta, rel=1e-9)
    assert laplace_partition_threshold(1.0, 1e-5) == pytest.approx(11.819778284410283)


def test_only_observed_categories_can_be_selected() -> None:
    """Candidates are the observed values: a category absent from the data is never output,
    even with a threshold so low that almost everything passes (delta = 0.5: tau = 1)."""
    rng = np.random.default_rng(1)
    observed = {"a", "b", "c"}
    values = np.array(["a"] * 3 + ["b"] * 2 + ["c"], dtype=object)
    for _ in range(500):
        sel = select_categories(values, epsilon=0.5, delta=0.5, rng=rng)
        assert set(sel.categories) <= observed
        assert list(sel.categories) == sorted(sel.categories)


def test_a_frequent_category_is_selected() -> None:
    """Count c >= tau + ln(1/(2 beta))/eps is missed with P = exp(-eps (c - tau))/2 <= beta;
    beta = 1e-9 per trial, 200 trials."""
    eps, delta, beta = 1.0, 1e-5, 1e-9
    tau = laplace_partition_threshold(eps, delta)
    count = math.ceil(tau + math.log(1 / (2 * beta)) / eps)
    rng = np.random.default_rng(2)
    values = np.array(["big"] * count + ["x"], dtype=object)
    hits = sum(
        "big" in select_categories(values, epsilon=eps, delta=delta, rng=rng).categories
        for _ in range(200)
    )
    assert hits == 200


def test_singletons_are_selected_at_rate_delta() -> None:
    """20,000 categories of count 1 are 20,000 independent trials with success probability
    exactly delta. At delta = 1e-5 the count is Binomial(20000, 1e-5) (mean 0.2):
    P[X >= 5] < 3e-6, so at most 4. At delta = 0.01 (mean 200) the count must lie in the
    two-sided 1 - 1e-6 binomial interval."""
    rng = np.random.default_rng(3)
    singles = np.array([f"c{i}" for i in range(20_000)], dtype=object)
    sel = select_categories(singles, epsilon=1.0, delta=1e-5, rng=rng)
    assert stats.binom(20_000, 1e-5).sf(4) < 3e-6
    assert len(sel.categories) <= 4
    sel = select_categories(singles, epsilon=1.0, delta=0.01, rng=rng)
    low, high = stats.binom(20_000, 0.01).interval(1 - 1e-6)
    assert low <= len(sel.categories) <= high


def test_missing_values_are_not_a_category_and_series_work() -> None:
    rng = np.random.default_rng(4)
    series = pd.Series(["a"] * 500 + [None] * 500, dtype="str")
    sel = select_categories(series, epsilon=1.0, delta=1e-6, rng=rng)
    assert sel.categories == ("a",)
    raw = np.array(["a"] * 500 + [None] * 300 + [float("nan")] * 300, dtype=object)
    assert select_categories(raw, epsilon=1.0, delta=1e-6, rng=rng).categories == ("a",)


def test_max_categories_keeps_the_largest() -> None:
    rng = np.random.default_rng(5)
    values = np.array(["a"] * 1000 + ["b"] * 800 + ["c"] * 600 + ["d"] * 400, dtype=object)
    sel = select_categories(values, epsilon=1.0, delta=1e-6, rng=rng, max_categories=2)
    assert sel.categories == ("a", "b")


def test_selection_reports_no_counts_and_its_spend() -> None:
    rng = np.random.default_rng(6)
    sel = select_categories(np.array(["a"] * 100, dtype=object), epsilon=0.5, delta=1e-6, rng=rng)
    assert isinstance(sel, CategorySelection)
    fields = set(sel.__dataclass_fields__)
    assert fields == {"categories", "epsilon", "delta", "threshold", "max_categories", "mechanism"}
    spend = sel.spend("ward")
    assert isinstance(spend, StageSpend)
    assert (spend.stage, spend.epsilon, spend.delta) == ("domain", 0.5, 1e-6)
    assert spend.detail["column"] == "ward"
    with pytest.raises(AttributeError):
        sel.categories = ()  # type: ignore[misc]


def test_selection_validates_inputs() -> None:
    rng = np.random.default_rng(7)
    values = np.array(["a", "b"], dtype=object)
    for eps in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(PrivacyBudgetError):
            select_categories(values, epsilon=eps, delta=1e-5, rng=rng)
    for delta in (0.0, 0.6, -1e-5):
        with pytest.raises(PrivacyBudgetError):
            select_categories(values, epsilon=1.0, delta=delta, rng=rng)
    with pytest.raises(InvalidInputError):
        select_categories(np.array([], dtype=object), epsilon=1.0, delta=1e-5, rng=rng)
    with pytest.raises(InvalidInputError):
        select_categories(pd.Series([None, None]), epsilon=1.0, delta=1e-5, rng=rng)
    with pytest.raises(InvalidInputError):
        select_categories(values, epsilon=1.0, delta=1e-5, rng=rng, max_categories=0)
    empty = select_categories([], epsilon=1.0, delta=1e-5, rng=rng, allow_empty=True)
    assert empty.categories == ()


# ---------------------------------------------------------------------------- approx bounds


def test_approx_bounds_brackets_a_normal_sample() -> None:
    """n = 10,000 standard normals, eps = 1. The bins (1,2], (2,4] and mirrors hold hundreds
    of values (far above tau ~ 11), so they pass except with probability ~e^-200; bins beyond
    8 are empty and pass with total probability <= 1e-3. So the bounds cover the 1% and 99%
    quantiles and stay within [-8, 8]."""
    rng = np.random.default_rng(10)
    x = rng.normal(size=10_000)
    for seed in range(5):
        low, high = approx_bounds(x, epsilon=1.0, rng=np.random.default_rng(seed))
        assert -8 <= low <= np.quantile(x, 0.01)
        assert np.quantile(x, 0.99) <= high <= 8


def test_approx_bounds_on_positive_data_uses_outer_bin_edges() -> None:
    """Ages 18..89: every value is in (16, 32], (32, 64] or (64, 128], each with >= 900 of the
    5,000 rows; bins are powers of two, so the result is exactly (16, 128)."""
    rng = np.random.default_rng(11)
    ages = rng.integers(18, 90, size=5_000).astype(float)
    assert approx_bounds(ages, epsilon=1.0, rng=rng) == (16.0, 128.0)
    assert approx_bounds(-ages, epsilon=1.0, rng=rng) == (-128.0, -16.0)
    assert approx_bounds(np.zeros(200), epsilon=1.0, rng=rng) == (0.0, 0.0)


def test_approx_bounds_false_bins_are_rare() -> None:
    """All 200 values equal 1.0 (bin (0.5, 1]). Any other bin is empty, and the threshold is
    set so some empty bin passes with probability <= beta = 0.05. Over 2,000 trials the number
    of wrong results must stay under the binomial(2000, 0.05) 1 - 1e-6 upper quantile."""
    rng = np.random.default_rng(12)
    ones = np.ones(200)
    wrong = sum(
        approx_bounds(ones, epsilon=1.0, rng=rng, false_bin_probability=0.05) != (0.5, 1.0)
        for _ in range(2_000)
    )
    assert wrong <= stats.binom(2_000, 0.05).ppf(1 - 1e-6)


def test_approx_bounds_fails_loudly_without_enough_data() -> None:
    """Three values at eps = 0.1: tau = ln(1/(2p))/0.1 ~ 100, so nothing passes (the chance
    that some bin's noise exceeds ~97 is below 1e-3)."""
    with pytest.raises(InvalidInputError, match="declare"):
        approx_bounds(np.array([1.0, 2.0, 3.0]), epsilon=0.1, rng=np.random.default_rng(13))


def test_approx_bounds_validates_inputs() -> None:
    rng = np.random.default_rng(14)
    for eps in (0.0, -0.5, float("nan")):
        with pytest.raises(PrivacyBudgetError):
            approx_bounds(np.ones(10), epsilon=eps, rng=rng)
    with pytest.raises(InvalidInputError):
        approx_bounds(np.array([]), epsilon=1.0, rng=rng)
    with pytest.raises(InvalidInputError):
        approx_bounds(np.array([1.0, np.nan]), epsilon=1.0, rng=rng)
    with pytest.raises(InvalidInputError):
        approx_bounds(np.ones(10), epsilon=1.0, rng=rng, min_exponent=3, max_exponent=3)
    spend = measurement_spend(APPROX_BOUNDS, epsilon=0.25, column="age")
    assert (spend.stage, spend.epsilon, spend.delta, spend.detail) == (
        "domain",
        0.25,
        0.0,
        {"column": "age"},
    )


# -------------------------------------------------------------------------------- quantiles


def _rank_tolerance(
    points: np.ndarray,
    q: float,
    eps_q: float,
    bounds: tuple[float, float],
    r: int = 10,
    failure: float = 1e-6,
) -> float:
    """Rank error t with P[|rank - q n| >= t] <= failure for the exponential mechanism.

    Intervals whose rank misses q n by t or more have total length <= (b - a) and weight
    <= exp(-eps t / 2); the intervals within r of the target have total length L_r and weight
    >= exp(-eps r / 2). So P[miss >= t] <= (b - a) exp(-eps t/2) / (L_r exp(-eps r/2)), and
    t = r + (2/eps) ln((b - a) / (L_r failure)) makes it <= failure.
    """
    n = points.size
    grid = np.concatenate(([bounds[0]], np.sort(points), [bounds[1]]))
    lengths = np.diff(grid)
    near = np.abs(np.arange(n + 1) - q * n) <= r
    l_r = float(lengths[near].sum())
    return r + (2 / eps_q) * math.log((bounds[1] - bounds[0]) / (l_r * failure))


def test_dp_quantiles_rank_error_within_derived_tolerance() -> None:
    """n = 10,000 uniforms, three quantiles at eps = 3 (1 per quantile): with r = 10 the
    derived tolerance is ~50 ranks (0.5% of n), checked over 20 seeds (union bound 6e-5)."""
    data_rng = np.random.default_rng(20)
    x = data_rng.uniform(0, 1, size=10_000)
    levels = [0.25, 0.5, 0.75]
    sorted_x = np.sort(x)
    for seed in range(20):
        out = dp_quantiles(
            x, quantiles=levels, bounds=(0.0, 1.0), epsilon=3.0, rng=np.random.default_rng(seed)
        )
        assert out.shape == (3,)
        assert np.all(np.diff(out) >= 0)
        for q, value in zip(levels, out, strict=True):
            tol = _rank_tolerance(x, q, 1.0, (0.0, 1.0))
            assert tol < 60
            rank = np.searchsorted(sorted_x, value)
            assert abs(rank - q * x.size) < tol


def test_dp_quantiles_are_sorted_clipped_and_cover_many_levels() -> None:
    rng = np.random.default_rng(21)
    x = np.concatenate([rng.normal(50, 10, size=3_000), [1e9, -1e9]])  # outliers are clipped
    levels = np.linspace(0.05, 0.95, 19)[::-1]  # any order in, sorted out
    out = dp_quantiles(x, quantiles=levels, bounds=(0.0, 100.0), epsilon=5.0, rng=rng)
    assert out.shape == (19,)
    assert np.all(np.diff(out) >= 0)
    assert np.all((out >= 0) & (out <= 100))
    assert abs(np.median(out) - 50) < 10


def test_dp_quantiles_validates_inputs() -> None:
    rng = np.random.default_rng(22)
    x = np.arange(100.0)
    for eps in (0.0, -1.0, float("inf")):
        with pytest.raises(PrivacyBudgetError):
            dp_quantiles(x, quantiles=[0.5], bounds=(0, 100), epsilon=eps, rng=rng)
    with pytest.raises(InvalidInputError):
        dp_quantiles(np.array([]), quantiles=[0.5], bounds=(0, 1), epsilon=1.0, rng=rng)
    with pytest.raises(InvalidInputError):
        dp_quantiles(x, quantiles=[1.5], bounds=(0, 100), epsilon=1.0, rng=rng)
    with pytest.raises(InvalidInputError):
        dp_quantiles(x, quantiles=[], bounds=(0, 100), epsilon=1.0, rng=rng)
    with pytest.raises(InvalidInputError):
        dp_quantiles(x, quantiles=[0.5], bounds=(5, 5), epsilon=1.0, rng=rng)
    with pytest.raises(InvalidInputError):
        dp_quantiles(x, quantiles=[0.5], bounds=(0, float("inf")), epsilon=1.0, rng=rng)
    empty = dp_quantiles([], quantiles=[0.5], bounds=(0, 1), epsilon=1.0, rng=rng, allow_empty=True)
    assert 0 <= empty[0] <= 1


def test_mechanisms_module_does_not_import_torch() -> None:
    """Layering: privacy never imports torch (DESIGN.md)."""
    import ast
    from pathlib import Path

    import privacy.mechanisms as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"torch", "opacus", "synth", "audit", "clearance", "reports"}
