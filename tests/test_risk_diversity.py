"""l-diversity and t-closeness (privacy.risk.diversity): hand-computed examples from the papers,
golden values on ARX's Adult cross-checked with pycanon, a slow per-class oracle written
straight from the definitions, properties and refused input."""

import json
import math
from collections import Counter
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privacy.errors import InvalidInputError
from privacy.risk.diversity import DiversityResult, TDistance, measure_diversity

ARX_ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "arx" / "adult.csv"
needs_adult = pytest.mark.skipif(
    not ARX_ADULT.exists(), reason="../shared/data/arx/adult.csv not present"
)


def _ids(table: pd.DataFrame, qis: list[str]) -> np.ndarray:
    return table.groupby(qis, dropna=False, sort=False).ngroup().to_numpy()


def _oracle(ids, sensitive: pd.Series, *, ordered: bool, c: float):
    """One Python loop per class, read straight from the papers (dense distributions)."""
    values = [None if pd.isna(v) else v for v in sensitive]
    table = Counter(values)
    domain = (
        sorted(table, key=lambda v: (v is None, 0 if v is None else v)) if ordered else list(table)
    )
    n, m = len(values), len(domain)
    classes: dict[int, list] = {}
    for i, v in zip(ids, values, strict=True):
        classes.setdefault(int(i), []).append(v)
    distinct, entropy, recursive, emd = [], [], [], []
    for members in classes.values():
        counts = Counter(members)
        size = len(members)
        distinct.append(len(counts))
        entropy.append(math.exp(-sum(r / size * math.log(r / size) for r in counts.values())))
        r = sorted(counts.values(), reverse=True)
        passing = [level for level in range(2, len(r) + 1) if r[0] < c * sum(r[level - 1 :])]
        recursive.append(max([1, *passing]))
        p = [counts.get(v, 0) / size for v in domain]
        q = [table[v] / n for v in domain]
        if ordered:
            cumulative = np.cumsum(np.array(p) - np.array(q))
            emd.append(0.0 if m < 2 else float(np.abs(cumulative).sum()) / (m - 1))
        else:
            emd.append(0.5 * sum(abs(a - b) for a, b in zip(p, q, strict=True)))
    return min(distinct), min(entropy), min(recursive), max(emd)


# --- hand-computable examples -----------------------------------------------------------------


def test_li_et_al_salary_example_ordered_distance():
    # Li, Li & Venkatasubramanian 2007, Sec. 4: salaries {3k..11k}; the class {3k, 4k, 5k} is at
    # EMD 0.375 from the table and {6k, 8k, 11k} at 0.167 (= 1/6).
    salary = pd.Series([3, 4, 5, 6, 7, 8, 9, 10, 11], name="salary") * 1000
    by_thirds = measure_diversity(np.array([0, 0, 0, 1, 2, 1, 2, 2, 1]), salary)
    assert by_thirds.t_distance is TDistance.ORDERED
    assert by_thirds.t_closeness == pytest.approx(0.375, abs=1e-15)
    other = measure_diversity(np.array([1, 1, 1, 0, 1, 0, 1, 1, 0]), salary)
    assert other.t_closeness == pytest.approx(1 / 6, abs=1e-15)  # the class {6k, 8k, 11k}


def test_equal_distance_is_total_variation():
    disease = pd.Series(["flu", "flu", "cancer", "cancer"], name="disease")
    result = measure_diversity(np.array([0, 0, 1, 1]), disease)
    assert result.t_distance is TDistance.EQUAL
    assert result.t_closeness == 0.5
    three = pd.Series(["a", "a", "b", "c", "c", "c"])
    # class 0 = {a, a, b}: P = (2/3, 1/3, 0), Q = (1/3, 1/6, 1/2) -> (1/3 + 1/6 + 1/2) / 2
    assert measure_diversity(np.array([0, 0, 0, 1, 1, 1]), three).t_closeness == pytest.approx(
        0.5, abs=1e-15
    )


def test_entropy_and_recursive_on_counts_two_one_one():
    # One class with counts r = (2, 1, 1): H = 1.5 log 2, so entropy l = 2 ** 1.5. Recursive
    # (c, 2): 2 < 2c, needs c > 1; (c, 3): 2 < c, needs c > 2 (Machanavajjhala et al. Def. 4.2).
    values = pd.Series(["x", "y", "x", "z"], name="diagnosis")
    ids = np.zeros(4, dtype=np.int64)
    expected_l = {0.5: 1, 1.0: 1, 1.5: 2, 2.0: 2, 2.5: 3, 3.0: 3}
    for c, level in expected_l.items():
        result = measure_diversity(ids, values, recursive_c=c)
        assert result.recursive_l == level, c
        assert result.recursive_c == c
    result = measure_diversity(ids, values)
    assert result.distinct_l == 3
    assert result.entropy_l == pytest.approx(2**1.5, rel=1e-12)
    assert result.t_closeness == 0.0  # one class is the table


def test_a_uniform_class_has_entropy_l_exactly_its_number_of_values():
    values = pd.Series(["a", "b"] * 3 + ["a", "b", "c"] * 7 + list("abcdefg") * 5)
    ids = np.repeat([0, 1, 2], [6, 21, 35])
    result = measure_diversity(ids, values)
    assert result.entropy_l == 2.0
    assert result.classes_below["entropy_l<2"] == 0
    assert result.classes_below["entropy_l<3"] == 1


def test_classes_below_counts_each_measure():
    values = pd.Series(["a", "a", "a", "b", "a", "c", "a", "b", "c", "d", "e", "a"])
    ids = np.repeat([0, 1, 2], [3, 3, 6])
    result = measure_diversity(ids, values, recursive_c=2.0)
    assert (result.distinct_l, result.recursive_l) == (1, 1)
    assert result.classes_below["distinct_l<2"] == 1
    assert result.classes_below["distinct_l<3"] == 1
    assert result.classes_below["distinct_l<4"] == 2
    assert result.classes_below["distinct_l<5"] == 2
    # class 1 = (b, a, c): 1 < 2 * 1 passes l = 3; class 2 = (a, b, c, d, e, a): 2 < 2 * 2 passes
    # l = 4 and 2 < 2 * 1 fails l = 5.
    assert result.classes_below["recursive_l<2"] == 1
    assert result.classes_below["recursive_l<3"] == 1
    assert result.classes_below["recursive_l<4"] == 2
    assert result.classes_below["recursive_l<5"] == 3


# --- missing values and the choice of distance -------------------------------------------------


def test_missing_values_are_one_category_of_their_own():
    values = pd.Series(["a", None, np.nan, "a", "b", "b"], dtype=object)
    result = measure_diversity(np.array([0, 0, 0, 1, 1, 1]), values)
    assert result.distinct_l == 2  # None and NaN are the same (missing) value
    numbers = pd.Series([1.0, np.nan, np.nan, 1.0, 2.0, 2.0])
    assert measure_diversity(np.array([0, 0, 0, 1, 1, 1]), numbers).distinct_l == 2


def test_missing_values_sort_after_the_largest_for_the_ordered_distance():
    # Order 1, 2, 3, missing: the class {3, missing} has cumulative differences -1/4, -1/2, -1/4
    # (EMD 1/3); had missing sorted first the EMD would be 1/6.
    values = pd.Series([1.0, 2.0, 3.0, np.nan])
    result = measure_diversity(np.array([0, 0, 1, 1]), values)
    assert result.t_closeness == pytest.approx(1 / 3, abs=1e-15)


def test_default_distance_follows_the_column_kind():
    ids = np.array([0, 0, 1, 1])
    kinds = {
        TDistance.ORDERED: [
            pd.Series([1, 2, 3, 4]),
            pd.Series([1.5, 2.5, 3.5, 4.5]),
            pd.Series(pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"])),
            pd.Series(pd.to_timedelta([1, 2, 3, 4], unit="D")),
            pd.Series(pd.Categorical(list("lmhh"), categories=list("lmh"), ordered=True)),
        ],
        TDistance.EQUAL: [
            pd.Series(list("abcd")),
            pd.Series(list("abcd"), dtype=object),
            pd.Series(pd.Categorical(list("lmhh"))),
        ],
    }
    for distance, columns in kinds.items():
        for column in columns:
            assert measure_diversity(ids, column).t_distance is distance, column.dtype
    assert measure_diversity(ids, pd.Series([1, 2, 3, 4]), ordered=False).t_distance == "equal"
    assert measure_diversity(ids, pd.Series(list("abcd")), ordered=True).t_distance == "ordered"


def test_ordered_categorical_follows_its_category_order_not_the_alphabet():
    ids = np.array([0, 0, 1, 1, 1, 1])
    levels = ["low", "mid", "high", "high", "mid", "low"]
    as_category = pd.Series(pd.Categorical(levels, categories=["low", "mid", "high"], ordered=True))
    as_rank = pd.Series([{"low": 0, "mid": 1, "high": 2}[v] for v in levels])
    assert measure_diversity(ids, as_category) == measure_diversity(ids, as_rank)


def test_dates_measure_like_their_day_numbers():
    rng = np.random.default_rng(3)
    days = rng.integers(0, 40, 300)
    ids = rng.integers(0, 25, 300)
    ids = pd.factorize(ids)[0]
    dates = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D"))
    assert measure_diversity(ids, dates) == measure_diversity(ids, pd.Series(days))


# --- golden values on Adult, cross-checked with pycanon -----------------------------------------
#
# pycanon 1.3.6 (Apache-2.0, installed only in a scratch folder, never in this venv):
#   from pycanon import anonymity as an
#   an.l_diversity(df, qis, [sa]); an.entropy_l_diversity(df, qis, [sa])
#   an.t_closeness(df, qis, [sa]); an.recursive_c_l_diversity(df, qis, [sa])
# on df = pd.read_csv(adult.csv, sep=";"). l and t agree (t within 2e-16; pycanon's numeric t is
# the same ordered distance, 1/(m-1) over the table's m sorted distinct values). pycanon's entropy
# l is int(exp(min H)), the floor of ours. pycanon's recursive (c, l) fixes l = distinct l and
# returns c = max over classes of floor(r[0] / sum(r[l-1:]) + 1) with r sorted ascending, so r[0]
# is the rarest value, not r_1 of Def. 4.2: it reports (1, l) for every table here ((nan, 1) when
# l = 1). The recursive values below follow Def. 4.2 and the oracle above; the largest c in each
# row is the paper's smallest c for l = distinct l (225 for sex -> occupation, where pycanon says
# (1, 13)), and the one below it falls short by one level.
# fmt: off
ADULT_GOLDEN = [
    # qis, sensitive, distinct l, entropy l, pycanon's int(entropy l), t, distance,
    # {c: recursive l}
    (["age", "sex", "race"], "occupation", 1, 1.0, 1, 0.995258935083880, "equal", {3.0: 1}),
    (["age", "sex", "race"], "salary-class", 1, 1.0, 1, 0.751077514753664, "equal", {3.0: 1}),
    (["sex", "race", "marital-status"], "age", 1, 1.0, 1, 0.438082243210606, "ordered", {3.0: 1}),
    (["native-country", "sex"], "age", 1, 1.0, 1, 0.240645117305517, "ordered", {3.0: 1}),
    (
        ["sex"], "occupation", 13, 7.8567992436320315, 7, 0.24764231983247664, "equal",
        {1.0: 5, 2.0: 6, 3.0: 7, 5.0: 9, 224.0: 12, 225.0: 13},
    ),
    (
        ["sex", "race"], "occupation", 10, 7.555587500157372, 7, 0.3249624441807344, "equal",
        {1.0: 4, 2.0: 6, 3.0: 7, 5.0: 8, 10.0: 9, 11.0: 10},
    ),
    (
        ["race"], "marital-status", 6, 3.3142906710291506, 3, 0.19473600102930155, "equal",
        {1.0: 2, 3.0: 2, 5.0: 3, 45.0: 5, 46.0: 6},
    ),
    (
        ["education", "sex"], "occupation", 5, 1.966977088124878, 1, 0.7073990925194427, "equal",
        {3.0: 1, 5.0: 2, 47.0: 4, 48.0: 5},
    ),
    (
        ["marital-status"], "age", 14, 12.586076468946938, 12, 0.27198011832436964, "ordered",
        {1.0: 11, 2.0: 13, 3.0: 13, 4.0: 14},
    ),
]
# fmt: on


@needs_adult
@pytest.mark.parametrize("case", ADULT_GOLDEN, ids=lambda case: f"{case[0]}->{case[1]}")
def test_golden_values_on_adult_agree_with_pycanon(case):
    qis, sensitive, distinct_l, entropy_l, pycanon_entropy_l, t, distance, recursive = case
    table = pd.read_csv(ARX_ADULT, sep=";")
    ids = _ids(table, qis)
    for c, level in recursive.items():
        result = measure_diversity(ids, table[sensitive], recursive_c=c)
        assert result.recursive_l == level, c
    assert result.sensitive == sensitive
    assert result.distinct_l == distinct_l
    assert result.entropy_l == pytest.approx(entropy_l, rel=1e-12)
    assert int(result.entropy_l) == pycanon_entropy_l
    assert result.t_closeness == pytest.approx(t, abs=1e-12)
    assert result.t_distance == distance


@needs_adult
def test_adult_with_generalised_age_agrees_with_the_oracle():
    table = pd.read_csv(ARX_ADULT, sep=";")
    table["age-band"] = table["age"] // 10 * 10
    ids = _ids(table, ["age-band", "sex"])
    for c in (1.0, 3.0, 4.0):
        result = measure_diversity(ids, table["occupation"], recursive_c=c)
        oracle = _oracle(ids, table["occupation"], ordered=False, c=c)
        assert (result.distinct_l, result.recursive_l) == (oracle[0], oracle[2])
        assert result.entropy_l == pytest.approx(oracle[1], rel=1e-12)
        assert result.t_closeness == pytest.approx(oracle[3], abs=1e-12)
    # pycanon 1.3.6: l_diversity 5, entropy_l_diversity 4, t_closeness 0.519686943275697
    assert (result.distinct_l, int(result.entropy_l)) == (5, 4)
    assert result.t_closeness == pytest.approx(0.519686943275697, abs=1e-12)


# --- the oracle on random tables ---------------------------------------------------------------


def _random_table(rng: np.random.Generator, kind: int) -> tuple[np.ndarray, pd.Series]:
    n = int(rng.integers(1, 80))
    k = int(rng.integers(1, min(n, 12) + 1))
    ids = np.r_[np.arange(k), rng.integers(0, k, n - k)]
    rng.shuffle(ids)
    m = int(rng.integers(1, 9))
    if kind == 0:
        values = pd.Series(rng.integers(0, m, n) * 2.5)
        values[rng.random(n) < 0.1] = np.nan
    elif kind == 1:
        values = pd.Series(rng.choice(list("abcdefgh")[:m], n))
        values[rng.random(n) < 0.1] = None
    else:
        values = pd.Series(rng.integers(-m, m + 1, n) * 1000)
    return ids, values


@pytest.mark.parametrize("seed", range(8))
def test_matches_the_per_class_oracle_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    for trial in range(40):
        ids, values = _random_table(rng, trial % 3)
        ordered = bool(rng.integers(0, 2))
        c = float(rng.choice([0.5, 1.0, 1.5, 2.0, 3.0]))
        result = measure_diversity(ids, values, ordered=ordered, recursive_c=c)
        distinct, entropy, recursive, emd = _oracle(ids, values, ordered=ordered, c=c)
        assert (result.distinct_l, result.recursive_l) == (distinct, recursive)
        assert result.entropy_l == pytest.approx(entropy, rel=1e-9)
        assert result.t_closeness == pytest.approx(emd, abs=1e-12)


def test_matches_the_oracle_with_many_values_and_sparse_classes():
    # Hundreds of distinct numbers and classes that hold a few of them: long runs between a
    # class's values, where the ordered EMD splits each run at one point.
    rng = np.random.default_rng(11)
    n = 2000
    ids = np.r_[np.arange(300), rng.integers(0, 300, n - 300)]
    values = pd.Series(np.round(rng.normal(0, 40, n)))
    values[rng.random(n) < 0.03] = np.nan
    for ordered in (True, False):
        result = measure_diversity(ids, values, ordered=ordered, recursive_c=1.5)
        oracle = _oracle(ids, values, ordered=ordered, c=1.5)
        assert (result.distinct_l, result.recursive_l) == (oracle[0], oracle[2])
        assert result.t_closeness == pytest.approx(oracle[3], abs=1e-12)


def test_float_sums_for_tables_too_large_for_exact_integers_agree(monkeypatch):
    # Beyond int64's range (about 10^8 records with 1,000 values) the EMD sums run in float64.
    import privacy.risk.diversity as diversity

    rng = np.random.default_rng(13)
    ids = pd.factorize(rng.integers(0, 60, 1500))[0]
    values = pd.Series(rng.integers(0, 120, 1500).astype(float))
    exact = [measure_diversity(ids, values, ordered=o).t_closeness for o in (True, False)]
    monkeypatch.setattr(diversity, "_INT64_SAFE", 0)
    floating = [measure_diversity(ids, values, ordered=o).t_closeness for o in (True, False)]
    assert floating == pytest.approx(exact, abs=1e-12)
    oracle = _oracle(ids, values, ordered=True, c=3.0)
    assert floating[0] == pytest.approx(oracle[3], abs=1e-12)


# --- properties ----------------------------------------------------------------------------------


def test_a_class_with_one_value_has_l_one():
    values = pd.Series(["x", "x", "x", "y", "z"])
    result = measure_diversity(np.array([0, 0, 0, 1, 1]), values)
    assert (result.distinct_l, result.entropy_l, result.recursive_l) == (1, 1.0, 1)
    assert result.classes_below["distinct_l<2"] == 1


@pytest.mark.parametrize("seed", range(5))
def test_bounds_hold_on_random_tables(seed):
    rng = np.random.default_rng(100 + seed)
    for trial in range(30):
        ids, values = _random_table(rng, trial % 3)
        result = measure_diversity(ids, values, ordered=bool(trial % 2))
        assert 0.0 <= result.t_closeness <= 1.0
        assert 1.0 <= result.entropy_l <= result.distinct_l
        assert 1 <= result.recursive_l <= result.distinct_l


@pytest.mark.parametrize("seed", range(5))
def test_one_class_for_the_whole_table_is_zero_close(seed):
    rng = np.random.default_rng(200 + seed)
    for trial in range(30):
        _, values = _random_table(rng, trial % 3)
        ids = np.zeros(len(values), dtype=np.int64)
        for ordered in (True, False):
            result = measure_diversity(ids, values, ordered=ordered)
            assert result.t_closeness == 0.0
            assert result.distinct_l == values.nunique(dropna=False)


@pytest.mark.parametrize("seed", range(5))
def test_merging_classes_never_lowers_l_nor_raises_t(seed):
    # Generalising a quasi-identifier merges classes. Distinct, entropy and recursive l are
    # monotone under merging (Machanavajjhala et al. 2007, Sec. 4.3); the EMD is convex in the
    # class distribution, so a merged class is no farther from the table than its worst part.
    rng = np.random.default_rng(300 + seed)
    for trial in range(30):
        ids, values = _random_table(rng, trial % 3)
        merge = rng.integers(0, 3, ids.max() + 1)  # class -> coarser class
        coarse = pd.factorize(merge[ids])[0]
        for ordered in (True, False):
            fine_result = measure_diversity(ids, values, ordered=ordered)
            coarse_result = measure_diversity(coarse, values, ordered=ordered)
            assert coarse_result.distinct_l >= fine_result.distinct_l
            assert coarse_result.entropy_l >= fine_result.entropy_l - 1e-12
            assert coarse_result.recursive_l >= fine_result.recursive_l
            assert coarse_result.t_closeness <= fine_result.t_closeness + 1e-12


def test_record_order_class_labels_and_value_labels_do_not_matter():
    rng = np.random.default_rng(7)
    ids = pd.factorize(rng.integers(0, 40, 500))[0]
    numbers = pd.Series(rng.integers(0, 30, 500))
    base = measure_diversity(ids, numbers)
    order = rng.permutation(500)
    relabel = rng.permutation(40)
    assert measure_diversity(relabel[ids][order], numbers.iloc[order]) == base
    # a strictly increasing map keeps the order, so the ordered EMD too
    assert measure_diversity(ids, numbers * 7 + 3) == base
    assert measure_diversity(ids, np.exp(numbers / 10.0)) == base
    # renaming categories changes nothing under the equal distance
    names = pd.Series(np.array([f"v{i}" for i in rng.permutation(30)])[numbers])
    assert measure_diversity(ids, names) == measure_diversity(ids, numbers, ordered=False)


def test_caller_data_is_not_changed():
    ids = np.array([1, 0, 1, 0], dtype=np.int64)
    values = pd.Series([3.0, np.nan, 1.0, 3.0], name="v")
    ids_before, values_before = ids.copy(), values.copy()
    measure_diversity(ids, values)
    np.testing.assert_array_equal(ids, ids_before)
    pd.testing.assert_series_equal(values, values_before)


# --- the result object -------------------------------------------------------------------------


def test_result_is_frozen_json_ready_and_holds_no_value():
    values = pd.Series(["SECRET-DIAGNOSIS", "other", "third", "other"], name="diagnosis")
    result = measure_diversity(np.array([0, 0, 1, 1]), values, n_classes=2)
    with pytest.raises(FrozenInstanceError):
        result.t_closeness = 0.0  # type: ignore[misc]
    data = result.to_dict()
    text = json.dumps(data)
    assert "SECRET" not in text and "other" not in text
    assert data["sensitive"] == "diagnosis"
    assert data["t_distance"] == "equal"
    assert set(data) >= {
        "distinct_l",
        "entropy_l",
        "recursive_c",
        "recursive_l",
        "t_closeness",
        "classes_below",
    }
    assert measure_diversity(np.array([0, 0, 1, 1]), values, sensitive_name="dx").sensitive == "dx"
    assert measure_diversity(np.array([0, 0, 1, 1]), values.rename(None)).sensitive == "sensitive"


def test_result_checks_itself():
    result = measure_diversity(np.array([0, 0, 1, 1]), pd.Series(list("abab")))
    with pytest.raises(InvalidInputError, match="t_closeness"):
        replace(result, t_closeness=1.5)
    with pytest.raises(InvalidInputError, match="recursive_l"):
        replace(result, recursive_l=3)
    with pytest.raises(InvalidInputError, match="t_distance"):
        replace(result, t_distance="hierarchical")
    assert replace(result, t_distance="ordered").t_distance is TDistance.ORDERED
    assert isinstance(result, DiversityResult)


# --- refused input -------------------------------------------------------------------------------

SECRET = pd.Series(["SECRET-1", "SECRET-2", "SECRET-1"], name="diagnosis")


def _refused(ids, values=SECRET, **kwargs) -> str:
    with pytest.raises(InvalidInputError) as error:
        measure_diversity(ids, values, **kwargs)
    message = str(error.value)
    assert "SECRET" not in message
    return message


def test_bad_input_is_refused_without_echoing_values():
    assert "3" in _refused(np.array([0, 1]))  # length mismatch names both lengths
    assert "empty" in _refused(np.array([], dtype=np.int64), SECRET.iloc[:0])
    assert "outside" in _refused(np.array([0, 1, 2]), n_classes=2)
    assert "outside" in _refused(np.array([0, -1, 1]))
    assert "no records" in _refused(np.array([0, 2, 2]))  # class 1 unused
    assert "no records" in _refused(np.array([0, 1, 1]), n_classes=3)
    assert "integer" in _refused(np.array([0.0, 1.0, 1.0]))
    assert "1-D" in _refused(np.zeros((3, 1), dtype=np.int64))
    for c in (0, -1.0, float("nan"), float("inf")):
        assert "recursive_c" in _refused(np.array([0, 1, 1]), recursive_c=c)
    assert "n_classes" in _refused(np.array([0, 0, 0]), n_classes=0)
    assert "ordered" in _refused(np.array([0, 0, 0]), ordered="yes")
    assert "Series" in _refused(np.array([0, 0, 0]), ["SECRET-1", "SECRET-2", "SECRET-1"])


def test_every_problem_is_reported_at_once():
    message = _refused(np.array([0.5, 1.5]), recursive_c=-1, n_classes=0)
    assert message.startswith("4 problems")
