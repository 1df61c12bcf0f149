"""Population uniqueness (Zayatz, Pitman, SNB, Dankar's rule) against ARX.

Golden values: REFERENCE.md ("Re-identification risk: ARX on data/arx/adult.csv") and ARX's
``src/test/org/deidentifier/arx/test/TestRiskMetrics.java`` (``testDecisionRule2``), computed by
ARX's ``risk/ModelZayatz.java``, ``ModelPitman.java`` and
``RiskModelPopulationUniqueness.java`` on Adult with all 9 columns as quasi-identifiers.
"""

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from privacy.errors import InvalidInputError
from privacy.risk import population as population_module
from privacy.risk.population import (
    PopulationModel,
    PopulationUniqueness,
    population_uniqueness,
)

ARX_ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "arx" / "adult.csv"
needs_adult = pytest.mark.skipif(
    not ARX_ADULT.exists(), reason="../shared/data/arx/adult.csv absent"
)
ADULT_SAMPLE_UNIQUENESS = 0.5142895033485844  # ARX RiskModelSampleUniqueness (REFERENCE.md)


@pytest.fixture(scope="module")
def adult_class_sizes() -> np.ndarray:
    table = pd.read_csv(ARX_ADULT, sep=";")
    return (
        table.groupby(list(table.columns), dropna=False, sort=False, observed=True)
        .size()
        .to_numpy()
    )


# --- golden values -------------------------------------------------------------------------


@needs_adult
def test_zayatz_matches_arx_on_adult(adult_class_sizes):
    """REFERENCE.md: ARX ModelZayatz at sampling fractions 0.1 and 0.2."""
    at_01 = population_uniqueness(adult_class_sizes, sampling_fraction=0.1)
    at_02 = population_uniqueness(adult_class_sizes, sampling_fraction=0.2)
    assert at_01.zayatz == pytest.approx(0.3207402393466189, rel=1e-10)
    assert at_02.zayatz == pytest.approx(0.3577099234829125, rel=1e-10)


@needs_adult
def test_pitman_matches_arx_on_adult(adult_class_sizes):
    """REFERENCE.md: ARX ModelPitman at 0.1; TestRiskMetrics.testDecisionRule2 at 0.01 (Dankar
    picks Pitman there). Pitman's (theta, alpha) do not depend on the fraction, only N does."""
    at_01 = population_uniqueness(adult_class_sizes, sampling_fraction=0.1)
    at_001 = population_uniqueness(adult_class_sizes, sampling_fraction=0.01)
    assert at_01.pitman == pytest.approx(0.27684993883653597, rel=1e-10)
    assert at_001.pitman == pytest.approx(0.1446083531167384, rel=1e-10)


@needs_adult
def test_dankar_rule_on_adult_matches_arx(adult_class_sizes):
    """TestRiskMetrics.testDecisionRule2: Pitman at 0.1 (and 0.01), Zayatz at 0.2 (SNB must not
    converge on Adult), the sample uniqueness at 1; never above the sample uniqueness."""
    expected = {
        0.01: (0.1446083531167384, PopulationModel.PITMAN),
        0.1: (0.27684993883653597, PopulationModel.PITMAN),
        0.2: (0.3577099234829125, PopulationModel.ZAYATZ),
        1.0: (ADULT_SAMPLE_UNIQUENESS, PopulationModel.ZAYATZ),
    }
    for fraction, (value, model) in expected.items():
        result = population_uniqueness(adult_class_sizes, sampling_fraction=fraction)
        assert result.dankar == pytest.approx(value, rel=1e-10), fraction
        assert result.dankar_model is model, fraction
        assert result.dankar <= ADULT_SAMPLE_UNIQUENESS
        assert result.sample_uniqueness == pytest.approx(ADULT_SAMPLE_UNIQUENESS, rel=1e-15)
    for fraction in (0.1, 0.2):
        assert population_uniqueness(adult_class_sizes, sampling_fraction=fraction).snb is None


@needs_adult
def test_zayatz_on_adult_rises_towards_the_sample_uniqueness(adult_class_sizes):
    """Metamorphic: the larger the sample's share of the population, the likelier a sample
    unique is a population unique; at fraction 1 the two coincide."""
    values = [
        population_uniqueness(adult_class_sizes, sampling_fraction=f).zayatz
        for f in (0.001, 0.01, 0.1, 0.2, 0.5, 0.9, 1.0)
    ]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(ADULT_SAMPLE_UNIQUENESS, rel=1e-15)


# --- hand-computable and independent checks ------------------------------------------------


def test_zayatz_by_hand():
    """Classes of sizes 1, 1, 2 (n = 4) at fraction 0.5, so N = 8.

    h_k = P(exactly one of a population class of size k is sampled), hypergeometric:
    h_1 = 4/8 = 1/2; h_2 = 2 C(6,3) / C(8,4) = 40/70 = 4/7. With u = 3 classes, c1 = 2:
    P(pop. unique | sample unique) = (2/3 * 1/2) / (2/3 * 1/2 + 1/3 * 4/7) = 7/11,
    so 2 * 7/11 / 0.5 = 28/11 population uniques, and 28/11 / 8 = 7/22 of the population.
    """
    result = population_uniqueness(np.array([1, 1, 2]), sampling_fraction=0.5)
    assert result.population_size == 8
    assert result.zayatz == pytest.approx(7 / 22, rel=1e-14)
    assert result.sample_uniqueness == 0.5


def test_zayatz_matches_scipy_hypergeometric():
    """Zayatz's formula written directly with scipy.stats.hypergeom, on random class sizes."""
    rng = np.random.default_rng(7)
    sizes = rng.geometric(0.4, size=3_000)
    n = int(sizes.sum())
    for fraction in (0.003, 0.05, 0.3, 0.8):
        big_n = math.floor(n / fraction + 0.5)
        keys, counts = np.unique(sizes, return_counts=True)
        h = stats.hypergeom.pmf(1, big_n, keys, n)
        c1, u = counts[0], counts.sum()
        conditional = (c1 / u * h[0]) / np.sum(counts / u * h)
        expected = c1 * conditional / n
        result = population_uniqueness(sizes, sampling_fraction=fraction)
        assert result.zayatz == pytest.approx(expected, rel=1e-9), fraction


def test_digamma_port_agrees_with_scipy():
    """ARX's Gamma.digamma (Minka's approximation) is accurate: the port matches scipy."""
    x = np.concatenate(
        [np.linspace(1e-7, 30, 997), [1e-6, 0.5, 1, 2, 11.9, 12, 1e3, 1e6], [-0.3, -2.7]]
    )
    ours = population_module._digamma(x)
    assert np.allclose(ours, special.digamma(x), rtol=1e-10, atol=1e-12)


def test_scalar_and_array_polygamma_ports_agree():
    """Few arguments take a pure-Python path, many a vectorised one: same function."""
    x = np.concatenate([np.linspace(-9.7, 40, 400), [1e-7, 5e-5, 8.0, 12.0]])
    for array_form, scalar_form in (
        (population_module._digamma, population_module._digamma_scalar),
        (population_module._trigamma, population_module._trigamma_scalar),
    ):
        scalar = np.array([scalar_form(float(v)) for v in x])
        assert np.allclose(array_form(x), scalar, rtol=1e-13, atol=0)


def test_trigamma_port_keeps_arx_quirk():
    """ARX's Gamma.trigamma is exact from 12 on and below 8 misses the series tail: arguments
    that the recurrence leaves in [8, 12) get the partial sum only (0 when they start there).
    Kept deliberately: it shapes Pitman's Newton path exactly as in ARX."""
    big = np.array([12.0, 20.0, 1e4])
    assert np.allclose(population_module._trigamma(big), special.polygamma(1, big), rtol=1e-12)
    assert np.all(population_module._trigamma(np.array([8.0, 9.5, 11.99])) == 0.0)
    x = 0.5  # reduced to 8.5: the terms 1/(0.5 + j)^2 for j = 0..7, and nothing after
    partial = sum(1 / (x + j) ** 2 for j in range(8))
    assert population_module._trigamma(np.array([x]))[0] == pytest.approx(partial, rel=1e-14)


def test_arx_start_values():
    """ARXSolverConfiguration.getDefaultStartValues: every pair from 0, 0.33, 0.66, 0.99."""
    starts = population_module._START_VALUES
    assert len(starts) == 16
    assert {a for a, _ in starts} == {0.0, 0.33, 0.66, 0.99}
    assert population_module._ITERATIONS_TOTAL == 17 * 1000


def test_newton_raphson_solves_and_gives_up_like_arx():
    def circle(x, y):  # x^2 + y^2 = 2, x = y: root (1, 1) from a positive start
        return (x * x + y * y - 2.0, x - y, 2 * x, 2 * y, 1.0, -1.0)

    root = population_module._newton_raphson(circle, (3.0, 0.5))
    assert root is not None
    assert root == pytest.approx((1.0, 1.0), abs=1e-6)

    def no_root(x, y):  # x^2 + 1 = 0 has no real root
        return (x * x + 1.0, y, 2 * x, 0.0, 0.0, 1.0)

    assert population_module._newton_raphson(no_root, (0.5, 0.5)) is None


# --- special cases -------------------------------------------------------------------------


def test_no_sample_uniques_gives_zero_everywhere():
    """ARX RiskModelPopulationUniqueness: no class of size 1, so no estimate is attempted."""
    result = population_uniqueness(np.array([2, 3, 5]), sampling_fraction=0.1)
    assert (result.zayatz, result.pitman, result.snb, result.dankar) == (0.0, 0.0, 0.0, 0.0)
    assert result.dankar_model is PopulationModel.DANKAR


def test_census_gives_the_sample_uniqueness():
    sizes = np.array([1, 1, 1, 2, 4, 7])
    result = population_uniqueness(sizes, sampling_fraction=1.0)
    su = 3 / 16
    assert result.sample_uniqueness == pytest.approx(su)
    assert result.population_size == 16
    assert result.zayatz == result.pitman == result.snb == result.dankar == pytest.approx(su)
    assert result.dankar_model is PopulationModel.ZAYATZ


def test_all_records_unique():
    """Zayatz takes every sample unique to be a population unique (no larger class is seen);
    Pitman's likelihood has no maximum without a class of size 2 or more."""
    sizes = np.ones(5_000, dtype=np.int64)
    result = population_uniqueness(sizes, sampling_fraction=0.05)
    assert result.zayatz == pytest.approx(1.0)
    assert result.pitman is None
    assert result.dankar_model is PopulationModel.ZAYATZ
    assert result.dankar == result.zayatz


def test_order_of_classes_does_not_matter():
    rng = np.random.default_rng(3)
    sizes = rng.geometric(0.5, size=2_000)
    a = population_uniqueness(sizes, sampling_fraction=0.07)
    b = population_uniqueness(rng.permutation(sizes), sampling_fraction=0.07)
    c = population_uniqueness(sizes.astype(float), sampling_fraction=0.07)
    assert a == b == c


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=200),
    fraction=st.floats(min_value=1e-4, max_value=1.0, allow_nan=False),
)
def test_estimates_are_shares_and_dankar_follows_its_rule(sizes, fraction):
    result = population_uniqueness(np.array(sizes), sampling_fraction=fraction)
    for value in (result.zayatz, result.pitman, result.snb, result.dankar):
        assert value is None or 0.0 <= value <= 1.0
    assert result.zayatz is not None
    assert result.zayatz <= result.sample_uniqueness * (1 + 1e-12)
    n = sum(sizes)
    if result.sample_uniqueness == 0:
        assert result.dankar_model is PopulationModel.DANKAR and result.dankar == 0.0
    elif result.population_size == n:
        assert result.dankar == pytest.approx(result.sample_uniqueness)
    elif n / result.population_size <= 0.1:
        expected = PopulationModel.PITMAN if result.pitman is not None else PopulationModel.ZAYATZ
        assert result.dankar_model is expected
    elif result.snb is not None and result.snb <= result.zayatz:
        assert result.dankar_model is PopulationModel.SNB
    else:
        assert result.dankar_model is PopulationModel.ZAYATZ
    chosen = {
        PopulationModel.ZAYATZ: result.zayatz,
        PopulationModel.PITMAN: result.pitman,
        PopulationModel.SNB: result.snb,
        PopulationModel.DANKAR: 0.0,
    }[result.dankar_model]
    assert result.dankar == chosen


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=100))
def test_fraction_one_gives_sample_uniqueness(sizes):
    result = population_uniqueness(np.array(sizes), sampling_fraction=1)
    su = sizes.count(1) / sum(sizes)
    for value in (result.zayatz, result.pitman, result.snb, result.dankar):
        assert value == pytest.approx(su, rel=1e-15, abs=0)


# --- result object -------------------------------------------------------------------------


def test_result_is_frozen_self_checking_and_serialisable():
    result = population_uniqueness(np.array([1, 1, 2, 3]), sampling_fraction=0.05)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.dankar = 0.5  # type: ignore[misc]
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["dankar_model"] == result.dankar_model.value
    assert payload["population_size"] == 140
    with pytest.raises(InvalidInputError, match="zayatz"):
        dataclasses.replace(result, zayatz=1.5)
    with pytest.raises(InvalidInputError, match="2 problems"):
        dataclasses.replace(result, dankar=-0.1, sampling_fraction=0.0)


def test_population_size_follows_arx_rounding():
    """ARXPopulationModel.create(n, f): N = Math.round(n / f)."""
    sizes = np.array([1, 2])  # n = 3
    assert population_uniqueness(sizes, sampling_fraction=0.4).population_size == 8  # 7.5 -> 8
    assert population_uniqueness(sizes, sampling_fraction=0.7).population_size == 4  # 4.29


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, -0.1, 1.5, math.nan, math.inf, "0.1", True, None])
def test_bad_sampling_fraction(fraction):
    with pytest.raises(InvalidInputError, match="sampling_fraction"):
        population_uniqueness(np.array([1, 2]), sampling_fraction=fraction)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        (np.array([], dtype=np.int64), "empty"),
        (np.array([3, 0, 1]), ">= 1"),
        (np.array([3, -987654, 1]), ">= 1"),
        (np.array([[1, 2], [3, 4]]), "1-D"),
        (np.array([1.5, 2.0]), "whole numbers"),
        (np.array([1.0, math.nan]), "whole numbers"),
        (np.array(["a", "b"]), "integers"),
        (np.array([True, False]), "integers"),
    ],
)
def test_bad_class_sizes(sizes, message):
    with pytest.raises(InvalidInputError, match=message) as caught:
        population_uniqueness(sizes, sampling_fraction=0.1)
    assert "987654" not in str(caught.value)  # never echo the caller's data


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidInputError, match="2 problems") as caught:
        population_uniqueness(np.array([], dtype=np.int64), sampling_fraction=2.0)
    assert "sampling_fraction" in str(caught.value) and "empty" in str(caught.value)


def test_numbers_are_keyword_only():
    with pytest.raises(TypeError):
        population_uniqueness(np.array([1, 2]), 0.1)  # type: ignore[misc]


# --- scale ---------------------------------------------------------------------------------


def test_a_million_records_compute():
    """Speed sanity (no timing assert): 1,000,000 records in a few hundred thousand classes
    work from the frequency of frequencies, not record by record."""
    rng = np.random.default_rng(11)
    sizes = rng.geometric(0.45, size=450_000)
    sizes = sizes[np.cumsum(sizes) <= 1_000_000]
    if sizes.sum() < 1_000_000:
        sizes = np.append(sizes, 1_000_000 - sizes.sum())
    assert sizes.sum() == 1_000_000
    for fraction in (0.01, 0.3):
        result = population_uniqueness(sizes, sampling_fraction=fraction)
        assert isinstance(result, PopulationUniqueness)
        assert 0 < result.dankar <= result.sample_uniqueness


def test_fast_trigamma_matches_scipy_including_large_negative_arguments():
    """The reflection formula used in Pitman's solver agrees with scipy's direct evaluation
    (which is slow for large negative x) to well below the solver's 1e-6 accuracy."""

    from privacy.risk.population import _trigamma_exact

    x = np.array([-99_999.7, -1234.25, -3.2, -0.5, 0.1, 0.5, 1.5, 100.0, 1e9])
    assert np.allclose(_trigamma_exact(x), special.polygamma(1, x), rtol=1e-9, atol=0)


def test_almost_all_unique_sample_gives_zayatz_through_dankar():
    """The demo table's shape at scale: nearly every record unique. Pitman does not converge;
    Dankar's rule falls back to Zayatz, which stays below the sample uniqueness."""
    sizes = np.concatenate([np.ones(99_938, dtype=np.int64), np.full(31, 2, dtype=np.int64)])
    result = population_uniqueness(sizes, sampling_fraction=0.01)
    assert result.dankar_model is PopulationModel.ZAYATZ
    assert 0 < result.zayatz <= result.sample_uniqueness
