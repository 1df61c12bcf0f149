"""Equivalence classes, k-anonymity and the prosecutor / journalist / marketer models against
ARX's golden values (REFERENCE.md; ARX ``risk/RiskModelSampleSummary.java``,
``RiskModelSampleUniqueness.java``, ``reliability/ParameterTranslation.java``) and sdcMicro's
individual risk (``R/indivRisk.R``) on hand-computed examples."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.errors import InvalidInputError
from privacy.estimate import IntervalMethod
from privacy.risk import (
    equivalence_classes,
    individual_risk_per_class,
    k_for_threshold,
    sample_risk,
)

ARX_ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "arx" / "adult.csv"
needs_adult = pytest.mark.skipif(not ARX_ADULT.exists(), reason="../shared/data/arx/adult.csv absent")


@needs_adult
def test_matches_arx_on_adult_with_all_columns_as_quasi_identifiers():
    table = pd.read_csv(ARX_ADULT, sep=";")
    risk = sample_risk(equivalence_classes(table, list(table.columns)))
    assert risk.n_records == 30162
    assert risk.prosecutor.average.value == pytest.approx(0.6465751607983555, rel=1e-12)
    assert risk.sample_uniqueness.value == pytest.approx(0.5142895033485844, rel=1e-12)
    assert risk.prosecutor.average.method is IntervalMethod.EXACT
    # Without a population the table is its own population: the three models coincide.
    assert risk.journalist == risk.prosecutor
    assert risk.marketer == risk.prosecutor.average


def test_hand_computed_small_table():
    table = pd.DataFrame({"zip": ["1", "1", "2", "3", "3", "3"], "sex": ["F", "F", "M", "F", "F", "F"]})
    risk = sample_risk(equivalence_classes(table, ["zip", "sex"]), risk_threshold=0.4)
    assert (risk.k_anonymity, risk.n_classes, risk.records_in_smallest_classes) == (1, 3, 1)
    assert risk.sample_uniqueness.value == pytest.approx(1 / 6)
    assert risk.prosecutor.average.value == pytest.approx(3 / 6)
    assert risk.prosecutor.highest == 1.0
    assert risk.prosecutor.records_at_risk.value == pytest.approx(3 / 6)  # sizes 1 and 2 exceed 0.4
    assert risk.class_size_histogram["3"] == 3 and risk.class_size_histogram["1"] == 1
    assert risk.k_for_threshold == 3  # 1/0.4 = 2.5 -> floor 2; 1/2 - 0.4 >= 0.004 -> 3


def test_missing_values_form_a_class_of_their_own():
    table = pd.DataFrame({"zip": ["1", None, None, "1", np.nan], "age": [30, 40, 40, 30, 40]})
    classes = equivalence_classes(table, ["zip", "age"])
    assert sorted(classes.sizes.tolist()) == [2, 3]  # None and NaN are both "missing"


def test_codes_do_not_collide_when_the_key_range_is_large():
    rng = np.random.default_rng(1)
    n = 5_000
    table = pd.DataFrame({f"c{i}": rng.integers(0, 4_000, n) for i in range(8)})
    classes = equivalence_classes(table, list(table.columns))
    expected = table.groupby(list(table.columns)).size()
    assert classes.n_classes == len(expected)
    assert sorted(classes.sizes.tolist()) == sorted(expected.tolist())


@pytest.mark.parametrize(
    ("threshold", "k"), [(0.09, 12), (0.05, 20), (0.33, 4), (0.2, 5), (0.1, 10), (0.5, 2), (1.0, 1)]
)
def test_arx_threshold_convention(threshold, k):
    assert k_for_threshold(threshold) == k


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, float("nan"), "x"])
def test_threshold_outside_zero_one_is_refused(bad):
    with pytest.raises(InvalidInputError):
        k_for_threshold(bad)


def test_population_table_gives_exact_journalist_and_marketer_risk():
    # population: class A has 4 people, B 2, C 1; the sample holds 2 of A, 1 of B, 1 of C.
    population = pd.DataFrame({"q": list("AAAABBC")})
    sample = pd.DataFrame({"q": list("AABC")})
    risk = sample_risk(equivalence_classes(sample, ["q"], population=population), risk_threshold=0.4)
    assert risk.journalist.highest == 1.0  # C is unique in the population
    assert risk.journalist.records_at_risk.value == pytest.approx(2 / 4)  # B (1/2) and C (1)
    # marketer: sum f/F over n = (2/4 + 1/2 + 1/1) / 4 (ARX RiskModelSampleSummary)
    assert risk.marketer.value == pytest.approx((0.5 + 0.5 + 1.0) / 4)
    # journalist average: max(classes / sum F, marketer) = max(3/7, 0.5)
    assert risk.journalist.average.value == pytest.approx(0.5)
    assert risk.prosecutor.highest == 1.0 and risk.prosecutor.average.value == pytest.approx(3 / 4)


def test_population_that_is_not_a_superset_is_refused():
    with pytest.raises(InvalidInputError, match="not a superset"):
        equivalence_classes(pd.DataFrame({"q": list("AAD")}), ["q"], population=pd.DataFrame({"q": list("AAB")}))


def test_sdcmicro_individual_risk_hand_computed():
    # p = f/F = 0.5 for each: f = 1: ln 2; f = 2: 1 - ln 2; f = 3: 0.5 / (3 - 0.5); f = F: 1/f.
    risk = individual_risk_per_class(np.array([1, 2, 3, 4]), np.array([2, 4, 6, 4]))
    assert risk == pytest.approx([math.log(2), 1 - math.log(2), 0.2, 0.25], rel=1e-14)
    # p = 0.1, f = 1: (0.1 / 0.9) ln 10
    assert individual_risk_per_class(np.array([1]), np.array([10]))[0] == pytest.approx(
        (0.1 / 0.9) * math.log(10), rel=1e-14
    )


def test_sampling_fraction_gives_model_estimates_of_journalist_risk():
    table = pd.DataFrame({"q": ["a", "b", "b", "c", "c", "c"]})
    risk = sample_risk(equivalence_classes(table, ["q"]), sampling_fraction=0.5)
    expected = np.array([math.log(2), 1 - math.log(2), 0.2])  # f = 1, 2, 3 with p = 0.5
    assert risk.individual.expected_reidentifications == pytest.approx((expected * [1, 2, 3]).sum())
    assert risk.journalist.highest == pytest.approx(math.log(2))
    assert risk.journalist.average.method is IntervalMethod.MODEL
    assert risk.marketer.value == pytest.approx((expected * [1, 2, 3]).sum() / 6)


@pytest.mark.parametrize("bad", [0, -1, 1.01, float("inf")])
def test_sampling_fraction_outside_zero_one_is_refused(bad):
    with pytest.raises(InvalidInputError, match="sampling fraction"):
        sample_risk(equivalence_classes(pd.DataFrame({"q": [1, 2]}), ["q"]), sampling_fraction=bad)


def test_bad_input_is_refused_with_every_problem_named():
    with pytest.raises(InvalidInputError, match="not in the table"):
        equivalence_classes(pd.DataFrame({"a": [1]}), ["b"])
    with pytest.raises(InvalidInputError, match="no records"):
        equivalence_classes(pd.DataFrame({"a": []}), ["a"])
    with pytest.raises(InvalidInputError, match="no quasi-identifier"):
        equivalence_classes(pd.DataFrame({"a": [1]}), [])
    with pytest.raises(InvalidInputError, match="list of column names"):
        equivalence_classes(pd.DataFrame({"a": [1]}), "a")
    with pytest.raises(InvalidInputError, match="DataFrame"):
        equivalence_classes([[1, 2]], ["a"])
    with pytest.raises(InvalidInputError, match="2 problems"):
        equivalence_classes(pd.DataFrame({"a": [1]}), ["a", "a", "zz"])


def test_error_messages_never_echo_values():
    secret = "123-45-6789"
    table = pd.DataFrame({"ssn": [secret, secret]})
    with pytest.raises(InvalidInputError) as err:
        equivalence_classes(table, ["ssn"], population=pd.DataFrame({"ssn": ["000-00-0000"]}))
    assert secret not in str(err.value)


_columns = st.lists(st.integers(0, 5), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(a=_columns, data=st.data())
def test_merging_two_categories_never_lowers_k_or_raises_uniqueness(a, data):
    b = data.draw(st.lists(st.integers(0, 3), min_size=len(a), max_size=len(a)))
    merge_from, merge_to = data.draw(st.integers(0, 5)), data.draw(st.integers(0, 5))
    table = pd.DataFrame({"a": a, "b": b})
    merged = table.assign(a=table["a"].replace(merge_from, merge_to))
    before = sample_risk(equivalence_classes(table, ["a", "b"]))
    after = sample_risk(equivalence_classes(merged, ["a", "b"]))
    assert after.k_anonymity >= before.k_anonymity
    assert after.sample_uniqueness.value <= before.sample_uniqueness.value
    assert after.prosecutor.average.value <= before.prosecutor.average.value


@settings(max_examples=40, deadline=None)
@given(a=_columns)
def test_adding_a_quasi_identifier_never_raises_k(a):
    table = pd.DataFrame({"a": a, "b": [x % 2 for x in range(len(a))]})
    one = sample_risk(equivalence_classes(table, ["a"]))
    two = sample_risk(equivalence_classes(table, ["a", "b"]))
    assert two.k_anonymity <= one.k_anonymity
    assert two.sample_uniqueness.value >= one.sample_uniqueness.value
