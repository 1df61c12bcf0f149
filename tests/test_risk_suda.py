"""SUDA special uniques (privacy.risk.suda) against hand-enumerated MSUs, sdcMicro's published
outputs (sdcMicro issues #226/#227, #263, #275 and #356; ARX's DIS-SUDA test, whose expected
values are sdcMicro's) and a brute-force oracle.

Weights used below, w(k) = (M - k)! with M = max(number of quasi-identifiers, 3):
M = 3 -> w(1) = 2, w(2) = 1, w(3) = 1;  M = 4 -> w(1) = 6, w(2) = 2, w(3) = 1, w(4) = 1.
"""

import itertools
import json
import math
import time
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.errors import InvalidInputError
from privacy.risk.suda import (
    SudaResult,
    dis_suda_scores,
    minimal_sample_uniques,
    special_uniques,
    suda_weights,
)


def templ_book_table() -> pd.DataFrame:
    """Templ (2017), Statistical Disclosure Control for Microdata, SUDA example; sdcMicro issue
    #263 prints ``suda2(tab)$score`` = 0 0 0 0 4 2 6 8 for it."""
    return pd.DataFrame(
        {
            "age": ["20s"] * 7 + ["60s"],
            "gender": ["male"] * 4 + ["female"] * 3 + ["male"],
            "income": ["50k+"] * 2 + ["50k-"] * 6,
            "education": ["highschool"] * 4
            + ["university", "highschool", "middleschool", "university"],
        }
    )


def test_templ_book_example_msus_scores_and_contributions():
    table = templ_book_table()
    # row 0 = row 1 and row 2 = row 3 (duplicates): no MSU.
    # row 4 (20s, female, 50k-, university): (age, education) and (gender, education) are unique;
    #   no single value is, nor (income, education) (rows 4, 7) -> 2 + 2 = 4
    # row 5 (20s, female, 50k-, highschool): only (gender, education) -> 2
    # row 6 (20s, female, 50k-, middleschool): middleschool alone -> 6
    # row 7 (60s, male, 50k-, university): 60s alone, and (male, university) -> 6 + 2 = 8
    expected = {
        4: [("age", "education"), ("gender", "education")],
        5: [("gender", "education")],
        6: [("education",)],
        7: [("age",), ("gender", "education")],
    }
    assert minimal_sample_uniques(table, list(table.columns), max_size=4) == expected
    result = special_uniques(table, list(table.columns), max_size=4)
    np.testing.assert_array_equal(result.scores, [0, 0, 0, 0, 4, 2, 6, 8])
    assert result.msu_counts_by_size == {1: 2, 2: 4, 3: 0, 4: 0}
    assert result.records_with_msu == 4
    # total 20; age in MSUs worth 2 + 6, gender 2 + 2 + 2, education 2 + 2 + 2 + 6 + 2
    assert result.contributions == pytest.approx(
        {"age": 40.0, "gender": 30.0, "income": 0.0, "education": 70.0}
    )
    # the default max_size = 3 finds the same MSUs here (there is none of four columns)
    np.testing.assert_array_equal(special_uniques(table, list(table.columns)).scores, result.scores)


def test_templ_book_example_dis_scores_follow_the_formula():
    table = templ_book_table()
    result = special_uniques(table, list(table.columns), max_size=4, dis_fraction=0.01)
    # U = 4 records alone in their class (rows 4-7), P = 4 records in classes of two (0-1, 2-3)
    assert (result.sample_uniques, result.pair_records) == (4, 4)
    # Dis = U f / (U f + P (1 - f)), so U / Dis - U = P (1 - f) / f = 396; Q = 1 + (8 - 4) / 20
    q = 1.2
    scores = np.array([4.0, 2.0, 6.0, 8.0])
    adjustment = np.sum(scores**-q)
    expected = 1 / (1 + 396 / (scores**q * adjustment))
    np.testing.assert_allclose(result.dis_scores[4:], expected, rtol=1e-6)  # sdcMicro's floats
    np.testing.assert_array_equal(result.dis_scores[:4], 0)


def test_ihsn_practice_guide_example():
    """IHSN "SDC for Microdata: A Practice Guide", table 4.5, as reported in sdcMicro issues
    #226/#227: SUDA scores 0 0 6 0 12 0 6 10 0 0 (sdcMicro's current default scores)."""
    rows = [
        ("Urban", "Female", "Secondary_incomplete", "Employed"),
        ("Urban", "Female", "Secondary_incomplete", "Employed"),
        ("Urban", "Female", "Primary_incomplete", "Non-LF"),
        ("Urban", "Male", "Secondary_complete", "Employed"),
        ("Rural", "Female", "Secondary_complete", "Unemployed"),
        ("Urban", "Male", "Secondary_complete", "Employed"),
        ("Urban", "Female", "Primary_complete", "Non-LF"),
        ("Urban", "Male", "Post-secondary", "Unemployed"),
        ("Urban", "Female", "Secondary_incomplete", "Non-LF"),
        ("Urban", "Female", "Secondary_incomplete", "Non-LF"),
    ]
    table = pd.DataFrame(rows, columns=["residence", "gender", "education", "labour"])
    # row 4: Rural alone (6) + (Female, Secondary_complete), (Female, Unemployed),
    #   (Secondary_complete, Unemployed) (2 each) = 12
    # row 7: Post-secondary alone (6) + (Urban, Unemployed), (Male, Unemployed) = 10
    assert minimal_sample_uniques(table, list(table.columns), max_size=4)[4] == [
        ("residence",),
        ("gender", "education"),
        ("gender", "labour"),
        ("education", "labour"),
    ]
    result = special_uniques(table, list(table.columns), max_size=4)
    np.testing.assert_array_equal(result.scores, [0, 0, 6, 0, 12, 0, 6, 10, 0, 0])
    assert (result.sample_uniques, result.pair_records) == (4, 6)


def test_sdcmicro_issue_356_scores_and_published_contributions():
    table = pd.DataFrame(
        {"Var1": list("ABACBAB"), "Var2": list("XXYZYXZ"), "Var3": list("PQQRRPQ")}
    )
    # row 1 (B,X,Q): (B,X), (X,Q) -> 1 + 1          row 2 (A,Y,Q): all three pairs -> 3
    # row 3 (C,Z,R): C alone (2) + (Z,R) (1) -> 3   row 4 (B,Y,R): all three pairs -> 3
    # row 6 (B,Z,Q): (B,Z), (Z,Q) -> 2              rows 0 and 5 are duplicates -> 0
    assert minimal_sample_uniques(table, ["Var1", "Var2", "Var3"]) == {
        1: [("Var1", "Var2"), ("Var2", "Var3")],
        2: [("Var1", "Var2"), ("Var1", "Var3"), ("Var2", "Var3")],
        3: [("Var1",), ("Var2", "Var3")],
        4: [("Var1", "Var2"), ("Var1", "Var3"), ("Var2", "Var3")],
        6: [("Var1", "Var2"), ("Var2", "Var3")],
    }
    result = special_uniques(table, ["Var1", "Var2", "Var3"])
    np.testing.assert_array_equal(result.scores, [0, 2, 3, 3, 3, 0, 2])
    assert result.msu_counts_by_size == {1: 1, 2: 11, 3: 0}
    # sdcMicro's attribute_contributions printed in the issue
    assert result.contributions["Var1"] == pytest.approx(61.53846, abs=1e-5)
    assert result.contributions["Var2"] == pytest.approx(69.23077, abs=1e-5)
    assert result.contributions["Var3"] == pytest.approx(53.84615, abs=1e-5)


def test_sdcmicro_issue_275_contributions_count_every_msu():
    # rows (2,0,0), (1,3,6), (1,0,0): 1-MSUs a=2 (row 0), b=3 and c=6 (row 1), 2 points each;
    # 2-MSUs (a=1, b=0) and (a=1, c=0) of row 2, 1 point each; total 8.
    # b=0 and c=0 occur in the same records; sdcMicro 5.3.0 then gave c 25 %, the issue 37.5 %.
    table = pd.DataFrame({"a": [2, 1, 1], "b": [0, 3, 0], "c": [0, 6, 0]})
    result = special_uniques(table, ["a", "b", "c"])
    np.testing.assert_array_equal(result.scores, [2, 4, 2])
    assert result.contributions == pytest.approx({"a": 50.0, "b": 37.5, "c": 37.5})


def test_dis_scores_match_sdcmicro_output_used_by_arx():
    """ARX's SUDA2 test 10 (de.linearbits.suda2): DIS-SUDA of these scores with U = 5, P = 6,
    4 columns and f = 0.01, printed by sdcMicro to nine decimals."""
    scores = np.array([7, 0, 0, 1.75, 0, 3.25, 0, 1.75, 2.75, 0, 0])
    expected = [0.028038903, 0, 0, 0.005435918, 0, 0.011357785, 0, 0.005435918, 0.009313862, 0, 0]
    dis = dis_suda_scores(
        scores, n_sample_uniques=5, n_pair_records=6, n_columns=4, dis_fraction=0.01
    )
    np.testing.assert_allclose(dis, expected, rtol=0, atol=5e-10)


def test_dis_score_edge_cases():
    scores = np.array([0.0, 1.0, 3.0, 6.0])
    # a census (f = 1), or no pairs to dilute the uniques: every scored record gets 1
    for fraction, pairs in ((1.0, 10), (0.01, 0)):
        dis = dis_suda_scores(
            scores, n_sample_uniques=3, n_pair_records=pairs, n_columns=5, dis_fraction=fraction
        )
        np.testing.assert_allclose(dis, [0, 1, 1, 1])
    dis = dis_suda_scores(scores, n_sample_uniques=3, n_pair_records=10, n_columns=5)
    assert 0 == dis[0] < dis[1] < dis[2] < dis[3] < 1  # rises with the SUDA score
    nothing = dis_suda_scores(np.zeros(3), n_sample_uniques=0, n_pair_records=3, n_columns=3)
    np.testing.assert_array_equal(nothing, 0)
    with pytest.raises(InvalidInputError, match="n_sample_uniques must be >= 1"):
        dis_suda_scores(scores, n_sample_uniques=0, n_pair_records=3, n_columns=3)


def test_weights_are_sdcmicro_factorials():
    np.testing.assert_array_equal(suda_weights(n_columns=8, max_size=3), [5040, 720, 120])
    np.testing.assert_array_equal(suda_weights(n_columns=4, max_size=4), [6, 2, 1, 1])
    # sdcMicro pads one or two key variables with constant columns: weights of three columns
    np.testing.assert_array_equal(suda_weights(n_columns=2, max_size=2), [2, 1])
    np.testing.assert_array_equal(suda_weights(n_columns=1, max_size=1), [2])
    with pytest.raises(InvalidInputError):
        suda_weights(n_columns=3, max_size=4)


def test_missing_values_are_one_category_of_their_own():
    table = pd.DataFrame({"a": ["x", "x", None, np.nan, "y"], "b": ["p", "q", "p", "q", "p"]})
    # None and NaN are the same category {2, 3}, so neither row is unique on a alone;
    # (missing, p) and (missing, q) are unique, as are (x, p) and (x, q); y is unique alone.
    assert minimal_sample_uniques(table, ["a", "b"]) == {
        0: [("a", "b")],
        1: [("a", "b")],
        2: [("a", "b")],
        3: [("a", "b")],
        4: [("a",)],
    }
    lone_missing = pd.DataFrame({"a": pd.array([1, 1, None], dtype="Int64"), "b": [5, 5, 5]})
    assert minimal_sample_uniques(lone_missing, ["a", "b"]) == {2: [("a",)]}
    categorical = lone_missing.assign(a=pd.Categorical(["u", "u", None]))
    assert minimal_sample_uniques(categorical, ["a", "b"]) == {2: [("a",)]}


def test_a_record_whose_combination_is_shared_scores_zero():
    table = pd.DataFrame({"a": [1, 1, 2, 3], "b": [7, 7, 8, 8], "c": [0, 0, 0, 1]})
    result = special_uniques(table, ["a", "b", "c"])
    # rows 0 and 1 are identical: no subset of their columns can be unique
    assert result.scores[0] == result.scores[1] == 0
    assert result.dis_scores[0] == result.dis_scores[1] == 0
    assert result.scores[2] > 0 and result.scores[3] > 0


def test_single_record_and_max_size_above_the_number_of_columns():
    result = special_uniques(
        pd.DataFrame({"a": [1], "b": [2], "c": [3]}), ["a", "b", "c"], max_size=10
    )
    assert result.max_size == 3  # capped
    assert result.msu_counts_by_size == {1: 3, 2: 0, 3: 0}  # every value is unique
    np.testing.assert_array_equal(result.scores, [6])
    np.testing.assert_array_equal(result.dis_scores, [1])


def naive_msus(table: pd.DataFrame, qis: list[str], max_size: int) -> dict[int, list[tuple]]:
    """Brute force: every subset, its combinations counted with Counter, minimality checked
    against every proper subset (not only the (s-1)-subsets the module uses)."""
    missing = object()
    rows = [
        tuple(missing if pd.isna(v) else v for v in record)
        for record in table[qis].itertuples(index=False)
    ]
    unique: dict[tuple[int, ...], set[int]] = {}
    found: dict[int, list[tuple]] = {}
    for size in range(1, min(max_size, len(qis)) + 1):
        for subset in itertools.combinations(range(len(qis)), size):
            keys = [tuple(row[j] for j in subset) for row in rows]
            counts = Counter(keys)
            unique[subset] = {i for i, key in enumerate(keys) if counts[key] == 1}
            for i in sorted(unique[subset]):
                proper = (sub for k in range(1, size) for sub in itertools.combinations(subset, k))
                if not any(i in unique[sub] for sub in proper):
                    found.setdefault(i, []).append(tuple(qis[j] for j in subset))
    return dict(sorted(found.items()))


small_tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda n_columns: st.lists(
        st.tuples(*[st.sampled_from([0, 1, 2, None]) for _ in range(n_columns)]),
        min_size=1,
        max_size=25,
    ).map(lambda rows: pd.DataFrame(rows, columns=[f"q{j}" for j in range(n_columns)]))
)


@settings(max_examples=150, deadline=None)
@given(table=small_tables, max_size=st.integers(min_value=1, max_value=5))
def test_msus_and_scores_match_brute_force(table, max_size):
    qis = list(table.columns)
    expected = naive_msus(table, qis, max_size)
    assert minimal_sample_uniques(table, qis, max_size=max_size) == expected
    result = special_uniques(table, qis, max_size=max_size)
    weights = suda_weights(n_columns=len(qis), max_size=result.max_size)
    scores = np.zeros(len(table))
    for row, msus in expected.items():
        scores[row] = sum(weights[len(msu) - 1] for msu in msus)
    np.testing.assert_array_equal(result.scores, scores)
    sizes = Counter(len(msu) for msus in expected.values() for msu in msus)
    assert result.msu_counts_by_size == {k: sizes[k] for k in range(1, result.max_size + 1)}
    # a record with an MSU is unique on all quasi-identifiers; DIS-SUDA is 0 exactly off them
    assert result.records_with_msu <= result.sample_uniques
    np.testing.assert_array_equal(result.dis_scores > 0, result.scores > 0)
    assert ((result.dis_scores >= 0) & (result.dis_scores <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(table=small_tables)
def test_max_size_one_finds_exactly_the_records_with_a_value_unique_in_some_column(table):
    qis = list(table.columns)
    result = special_uniques(table, qis, max_size=1)
    has_unique_value = np.zeros(len(table), dtype=bool)
    for name in qis:
        column = table[name].fillna(-1)  # missing is one category of its own
        has_unique_value |= column.map(column.value_counts()).to_numpy() == 1
    np.testing.assert_array_equal(result.scores > 0, has_unique_value)
    assert result.records_with_msu == int(has_unique_value.sum())


@settings(max_examples=60, deadline=None)
@given(table=small_tables)
def test_adding_a_duplicate_of_every_row_removes_every_msu(table):
    doubled = pd.concat([table, table], ignore_index=True)
    result = special_uniques(doubled, list(doubled.columns), max_size=5)
    assert result.n_msus == 0 and result.records_with_msu == 0
    assert not result.scores.any() and not result.dis_scores.any()
    assert set(result.contributions.values()) == {0.0}
    assert result.sample_uniques == 0


def test_row_order_column_order_and_value_labels_do_not_matter():
    rng = np.random.default_rng(7)
    table = pd.DataFrame({name: rng.integers(0, 4, 60) for name in ("a", "b", "c", "d")})
    base = special_uniques(table, ["a", "b", "c", "d"])
    order = rng.permutation(len(table))
    shuffled = special_uniques(table.iloc[order].reset_index(drop=True), ["a", "b", "c", "d"])
    np.testing.assert_array_equal(shuffled.scores, base.scores[order])
    np.testing.assert_allclose(shuffled.dis_scores, base.dis_scores[order], rtol=1e-12)
    reordered = special_uniques(table, ["d", "b", "a", "c"])
    np.testing.assert_array_equal(reordered.scores, base.scores)
    assert reordered.contributions == pytest.approx(base.contributions)
    relabelled = table.assign(a=table["a"].map({0: "w", 1: "x", 2: "y", 3: "z"}))
    np.testing.assert_array_equal(
        special_uniques(relabelled, ["a", "b", "c", "d"]).scores, base.scores
    )


def test_the_table_is_not_changed():
    table = templ_book_table()
    before = table.copy()
    special_uniques(table, list(table.columns))
    minimal_sample_uniques(table, list(table.columns))
    pd.testing.assert_frame_equal(table, before)


def test_summary_holds_no_value_and_no_per_record_array():
    # row 4 repeats row 0, so both score 0; row 1: S2 and M alone; row 2: (S1, 10001);
    # row 3: S3 alone. MSUs: three of one column, one of two; three records of five.
    table = pd.DataFrame(
        {
            "name_code": ["SECRET-1", "SECRET-2", "SECRET-1", "SECRET-3", "SECRET-1"],
            "zip": ["90210", "90210", "10001", "10001", "90210"],
            "sex": ["F", "M", "F", "F", "F"],
        }
    )
    result = special_uniques(table, ["name_code", "zip", "sex"])
    summary = result.to_dict()
    text = json.dumps(summary)
    assert "SECRET" not in text and "90210" not in text and "10001" not in text
    assert not any(isinstance(v, list) and len(v) == len(table) for v in summary.values())
    assert summary["msu_counts_by_size"] == {"1": 3, "2": 1, "3": 0}
    assert summary["records_with_msu"] == 3
    assert summary["share_with_msu"]["value"] == pytest.approx(3 / 5)
    assert sum(summary["dis_score_histogram"].values()) == len(table)
    assert summary["dis_score_histogram"]["== 0"] == 2
    assert summary["score_quantiles"]["max"] == float(result.scores.max())


def test_result_checks_itself_and_is_read_only():
    result = special_uniques(templ_book_table(), ["age", "gender", "income", "education"])
    with pytest.raises(ValueError):
        result.scores[0] = 99.0
    fields = dict(
        quasi_identifiers=("a", "b"),
        max_size=2,
        n_records=2,
        msu_counts_by_size={1: 0, 2: 0},
        records_with_msu=1,  # but no record scores > 0
        scores=np.zeros(2),
        dis_scores=np.zeros(3),  # three scores for two records
        contributions={"a": 0.0},  # and b is missing
    )
    with pytest.raises(InvalidInputError) as caught:
        SudaResult(**fields)
    message = str(caught.value)
    assert message.startswith("3 problems")
    for fragment in ("dis_scores must hold one value", "records_with_msu", "contributions"):
        assert fragment in message


SECRET_TABLE = pd.DataFrame({"zip": ["SECRET-90210", "SECRET-10001"], "sex": ["F", "M"]})


@pytest.mark.parametrize(
    ("table", "quasi_identifiers", "options", "fragment"),
    [
        (SECRET_TABLE, [], {}, "no quasi-identifier"),
        (SECRET_TABLE, ["zip", "age"], {}, "not in the table: ['age']"),
        (SECRET_TABLE, ["zip", "zip"], {}, "named more than once"),
        (SECRET_TABLE, "zip", {}, "not one string"),
        (SECRET_TABLE.iloc[:0], ["zip"], {}, "no records"),
        (SECRET_TABLE, ["zip"], {"max_size": 0}, "max_size must be a whole number >= 1"),
        (SECRET_TABLE, ["zip"], {"max_size": 2.5}, "max_size must be a whole number >= 1"),
        (SECRET_TABLE, ["zip"], {"dis_fraction": 0.0}, "dis_fraction must be a number in (0, 1]"),
        (SECRET_TABLE, ["zip"], {"dis_fraction": 1.5}, "dis_fraction must be a number in (0, 1]"),
        (SECRET_TABLE, ["zip"], {"dis_fraction": -0.1}, "dis_fraction"),
        (SECRET_TABLE, ["zip"], {"dis_fraction": math.nan}, "dis_fraction"),
        (SECRET_TABLE.to_dict(), ["zip"], {}, "pandas DataFrame"),
        (SECRET_TABLE.set_axis(["zip", "zip"], axis=1), ["zip"], {}, "more than one column"),
    ],
)
def test_bad_input_is_refused_without_echoing_a_value(table, quasi_identifiers, options, fragment):
    with pytest.raises(InvalidInputError) as caught:
        special_uniques(table, quasi_identifiers, **options)
    assert fragment in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidInputError) as caught:
        special_uniques(SECRET_TABLE.iloc[:0], ["age"], max_size=0, dis_fraction=2.0)
    message = str(caught.value)
    assert message.startswith("4 problems")
    for fragment in ("not in the table", "no records", "max_size", "dis_fraction"):
        assert fragment in message


def realistic_table(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Eight quasi-identifiers with census-like cardinalities and skew."""

    def skewed(k: int) -> np.ndarray:
        p = 1.0 / np.arange(1, k + 1)
        return rng.choice(k, size=n, p=p / p.sum())

    return pd.DataFrame(
        {
            "age": np.clip(rng.normal(42, 20, n).round(), 0, 90).astype(int),
            "sex": rng.integers(0, 2, n),
            "zip3": skewed(900),
            "race": rng.choice(5, size=n, p=[0.6, 0.18, 0.12, 0.06, 0.04]),
            "marital": skewed(6),
            "education": skewed(16),
            "occupation": rng.integers(0, 14, n),
            "year": rng.integers(0, 30, n),
        }
    )


def test_speed_on_100000_records_with_8_quasi_identifiers():
    table = realistic_table(100_000, np.random.default_rng(2024))
    qis = list(table.columns)
    start = time.perf_counter()
    result = special_uniques(table, qis, max_size=3)
    elapsed = time.perf_counter() - start
    print(
        f"\nSUDA on {len(table):,} records x {len(qis)} quasi-identifiers, max_size 3: "
        f"{elapsed:.2f} s; {result.n_msus:,} MSUs {result.msu_counts_by_size}, "
        f"{result.records_with_msu:,} records with an MSU"
    )
    assert result.n_records == 100_000 and result.max_size == 3
    assert 0 < result.records_with_msu <= result.sample_uniques
    assert result.scores.max() <= 8 * 5040 + 28 * 720 + 56 * 120
