"""The demo admissions generator: determinism, exact size, formats, planted structure, schema."""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from clearance.demo_data import (
    CITIES,
    DIAGNOSES,
    RARE_DIAGNOSIS_CODE,
    RARE_DIAGNOSIS_RATE,
    demo_schema,
    generate_admissions,
)
from privacy.errors import InvalidInputError
from privacy.schema import ColumnKind, ColumnRole, Schema

N = 20_000
PERSON_COLUMNS = (
    "name", "ssn", "mrn", "phone", "email", "street_address", "city", "state", "zip",
    "date_of_birth", "sex", "race_ethnicity",
)  # fmt: skip


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return generate_admissions(N, rng=np.random.default_rng(20240611))


def test_same_seed_gives_identical_frames_and_different_seeds_differ() -> None:
    a = generate_admissions(2000, rng=np.random.default_rng(5))
    b = generate_admissions(2000, rng=np.random.default_rng(5))
    c = generate_admissions(2000, rng=np.random.default_rng(6))
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert (a["ssn"] != c["ssn"]).mean() > 0.99


def test_leaves_global_numpy_random_state_alone() -> None:
    before = np.random.get_state()[1].copy()
    generate_admissions(50, rng=np.random.default_rng(1))
    assert np.array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("n_rows", [1, 2, 1000])
def test_row_count_is_exact(n_rows: int) -> None:
    frame = generate_admissions(n_rows, rng=np.random.default_rng(n_rows))
    assert len(frame) == n_rows
    assert list(frame.columns) == list(demo_schema().names)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10", True, None])
def test_invalid_n_rows_raises(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="n_rows"):
        generate_admissions(bad, rng=np.random.default_rng(0))  # type: ignore[arg-type]


def test_rng_is_keyword_only_and_must_be_a_generator() -> None:
    with pytest.raises(TypeError):
        generate_admissions(10, np.random.default_rng(0))  # type: ignore[misc]
    with pytest.raises(InvalidInputError, match="rng"):
        generate_admissions(10, rng=0)  # type: ignore[arg-type]


def test_columns_dtypes_and_schema(table: pd.DataFrame) -> None:
    schema = demo_schema()
    assert isinstance(schema, Schema)
    assert tuple(table.columns) == schema.names
    assert schema.entity_column == "patient_id"
    for col in schema.columns:
        if col.kind is ColumnKind.NUMERIC:
            kind = "i" if col.integer else "f"
            assert table[col.name].dtype.kind == kind, col.name
        else:
            assert table[col.name].dtype == pd.StringDtype(na_value=np.nan), col.name
        assert table[col.name].notna().all(), col.name
    direct = [c.name for c in schema.with_role(ColumnRole.DIRECT_IDENTIFIER)]
    assert direct == ["name", "ssn", "mrn", "phone", "email", "street_address", "zip"] + [
        "date_of_birth"
    ]
    # The served cities are a public list, declared as such (numeric bin edges stay measured).
    assert schema["city"].domain_public
    assert set(table["city"]) <= set(schema["city"].categories)
    assert len(schema["state"].categories or ()) == 51
    assert schema["clinical_note"].role is ColumnRole.FREE_TEXT


def test_values_lie_in_the_declared_public_domains(table: pd.DataFrame) -> None:
    for col in demo_schema().columns:
        if col.categories is not None:
            assert set(table[col.name]) <= set(col.categories), col.name
        elif col.bounds is not None and col.kind is ColumnKind.NUMERIC:
            low, high = col.bounds
            assert table[col.name].between(low, high).all(), col.name
        elif col.bounds is not None:  # ISO dates compare as strings
            low, high = col.bounds
            assert table[col.name].between(low, high).all(), col.name
    assert table["admission_date"].between("2021-01-01", "2024-12-31").all()
    assert (table["age"] > 89).any()


def test_identifier_formats(table: pd.DataFrame) -> None:
    patterns = {
        "patient_id": r"P\d{7}",
        "mrn": r"MRN-\d{8}",
        "phone": r"\(\d{3}\) \d{3}-\d{4}",
        "zip": r"\d{5}",
        "email": r"[a-z]+\.[a-z]+\d{2}@[a-z]+\.com",
        "street_address": r"\d{1,5} [A-Z][a-z]+ [A-Z][a-z]+",
        "name": r"[A-Z][a-z]+ [A-Z][A-Za-z]+",
        "date_of_birth": r"\d{4}-\d{2}-\d{2}",
        "admission_date": r"\d{4}-\d{2}-\d{2}",
    }
    for column, pattern in patterns.items():
        assert table[column].str.fullmatch(pattern).all(), column
    # ZIP and state agree with the city
    zip3 = {city: (state, z) for city, state, z, _, _ in CITIES}
    expected = table["city"].map(lambda c: zip3[c])
    assert (table["state"] == expected.str[0]).all()
    assert (table["zip"].str[:3] == expected.str[1]).all()


def test_ssns_are_well_formed_valid_and_unique_per_patient(table: pd.DataFrame) -> None:
    parts = table["ssn"].str.extract(r"^(\d{3})-(\d{2})-(\d{4})$")
    assert parts.notna().all().all()
    area, group, serial = (parts[i].astype(int) for i in range(3))
    assert ((area >= 1) & (area != 666) & (area < 900)).all()
    assert (group >= 1).all() and (serial >= 1).all()
    people = table.drop_duplicates("patient_id")
    for column in ("ssn", "mrn"):
        assert people[column].is_unique, column


def test_age_matches_birth_and_admission_dates_exactly(table: pd.DataFrame) -> None:
    def age(dob: str, day: str) -> int:
        b, d = date.fromisoformat(dob), date.fromisoformat(day)
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

    pairs = zip(table["date_of_birth"], table["admission_date"], strict=True)
    expected = [age(b, d) for b, d in pairs]
    assert table["age"].tolist() == expected
    assert (table["date_of_birth"] <= table["admission_date"]).all()


def test_discharge_is_admission_plus_length_of_stay(table: pd.DataFrame) -> None:
    stay = pd.to_datetime(table["discharge_date"]) - pd.to_datetime(table["admission_date"])
    assert (stay.dt.days == table["length_of_stay"]).all()
    assert (table["length_of_stay"] >= 1).all()


def test_patients_have_several_admissions_and_constant_demographics(table: pd.DataFrame) -> None:
    per_patient = table["patient_id"].value_counts()
    assert 1.5 <= per_patient.mean() <= 2.1
    assert per_patient.max() <= 10 and (per_patient >= 3).sum() > 100
    assert (table.groupby("patient_id")[list(PERSON_COLUMNS)].nunique() == 1).all().all()


def test_stays_do_not_overlap_and_readmission_flag_matches_next_stay(table: pd.DataFrame) -> None:
    stays = table.assign(
        adm=pd.to_datetime(table["admission_date"]), dis=pd.to_datetime(table["discharge_date"])
    ).sort_values(["patient_id", "adm"])
    next_adm = stays.groupby("patient_id")["adm"].shift(-1)
    has_next = next_adm.notna()
    gap = (next_adm[has_next] - stays["dis"][has_next]).dt.days
    assert (gap >= 1).all()
    assert ((gap <= 30) == (stays["readmitted_30d"][has_next] == "yes")).all()


def test_rare_class_share_is_about_one_percent(table: pd.DataFrame) -> None:
    # Each stay is the rare class with probability RARE_DIAGNOSIS_RATE[race], drawn independently
    # given race (patients' races are fixed before any diagnosis is drawn), so the rare count is a
    # sum of independent Bernoulli(p_i): mean sum(p_i), variance sum(p_i (1 - p_i)). Four standard
    # deviations leave a false-failure chance under 1e-4 (normal approximation; ~200 expected
    # successes). The realised rows depend a little on earlier draws (cutting at n_rows), which
    # moves the mean by O(1/n), far inside the tolerance.
    p = table["race_ethnicity"].map(RARE_DIAGNOSIS_RATE).to_numpy(dtype=float)
    expected = p.mean()
    tolerance = 4 * math.sqrt((p * (1 - p)).sum()) / len(p)
    observed = (table["diagnosis_code"] == RARE_DIAGNOSIS_CODE).mean()
    assert 0.008 < expected < 0.012
    assert abs(observed - expected) <= tolerance


def test_planted_structure(table: pd.DataFrame) -> None:
    code = table["diagnosis_code"]
    delivery = table[code == "O80"]
    assert len(delivery) > 100
    assert (delivery["sex"] == "F").all() and delivery["age"].between(16, 45).all()
    los = table.groupby("diagnosis_code")["length_of_stay"].mean()
    assert los["I50.9"] > los["O80"]
    readmit = (table["readmitted_30d"] == "yes").groupby(code).mean()
    assert readmit["I50.9"] > 3 * readmit["O80"]
    ages = table.groupby("diagnosis_code")["age"].mean()
    assert ages["S72.001A"] > ages["K35.80"] + 20
    rare_black = table.loc[code == RARE_DIAGNOSIS_CODE, "race_ethnicity"]
    assert (rare_black == "Black or African American").mean() > 0.4
    per_day = (table["charges"] / table["length_of_stay"]).groupby(code).median()
    assert per_day["I21.9"] > per_day["F32.9"]


def test_description_is_a_function_of_the_code(table: pd.DataFrame) -> None:
    pairs = set(zip(table["diagnosis_code"], table["diagnosis_description"], strict=True))
    assert pairs == {(d.code, d.description) for d in DIAGNOSES}  # one description per code


def test_notes_mention_the_rows_identifiers(table: pd.DataFrame) -> None:
    rows = zip(table["clinical_note"], table["name"], table["mrn"], strict=True)
    mentions = np.mean([name in note or mrn in note for note, name, mrn in rows])
    assert mentions > 0.5
    assert (table["clinical_note"].str.count(r"\.") >= 1).all()
    assert not re.search(r"\bnan\b", " ".join(table["clinical_note"].head(500)))
