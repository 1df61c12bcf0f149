"""Equivalence-class risk against ARX's golden values (REFERENCE.md; ARX
``risk/RiskModelSampleSummary.java`` and ``RiskModelSampleUniqueness.java``) on ARX's Adult."""

from pathlib import Path

import pandas as pd
import pytest

from privacy.errors import InvalidInputError
from privacy.risk import measure_reidentification_risk

ARX_ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "arx" / "adult.csv"


@pytest.mark.skipif(not ARX_ADULT.exists(), reason="../shared/data/arx/adult.csv not present")
def test_matches_arx_on_adult_with_all_columns_as_quasi_identifiers():
    table = pd.read_csv(ARX_ADULT, sep=";")
    risk = measure_reidentification_risk(table, quasi_identifiers=list(table.columns))
    assert risk.n_records == 30162
    assert risk.average_prosecutor_risk.value == pytest.approx(0.6465751607983555, abs=1e-12)
    assert risk.sample_uniqueness.value == pytest.approx(0.5142895033485844, abs=1e-12)


def test_hand_computed_small_table():
    table = pd.DataFrame({"zip": ["1", "1", "2", "3", "3", "3"], "sex": ["F", "F", "M", "F", "F", "F"]})
    risk = measure_reidentification_risk(table, quasi_identifiers=["zip", "sex"], risk_threshold=0.4)
    assert (risk.k_anonymity, risk.n_classes) == (1, 3)
    assert risk.sample_uniqueness.value == pytest.approx(1 / 6)
    assert risk.average_prosecutor_risk.value == pytest.approx(3 / 6)
    assert risk.records_at_risk.value == pytest.approx(3 / 6)  # sizes 1 and 2 exceed 0.4
    assert risk.class_size_histogram["3"] == 3


def test_generalising_a_quasi_identifier_never_lowers_k():
    table = pd.DataFrame({"age": [31, 32, 33, 47, 48, 49, 52], "sex": list("FMFMFMF")})
    exact = measure_reidentification_risk(table, quasi_identifiers=["age", "sex"])
    table = table.assign(age=(table["age"] // 10) * 10)
    generalised = measure_reidentification_risk(table, quasi_identifiers=["age", "sex"])
    assert generalised.k_anonymity >= exact.k_anonymity


def test_bad_input_is_refused():
    with pytest.raises(InvalidInputError):
        measure_reidentification_risk(pd.DataFrame({"a": [1]}), quasi_identifiers=["b"])
    with pytest.raises(InvalidInputError):
        measure_reidentification_risk(pd.DataFrame({"a": []}), quasi_identifiers=["a"])
