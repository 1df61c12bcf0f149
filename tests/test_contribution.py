"""Per-entity contribution bounding (invariant 4): at most k rows per entity, a uniformly random
subset chosen independently of every other entity, and a report of counts only.

Statistical tolerances. Over R seeded repetitions a row kept with probability p is kept
Binomial(R, p) times; each check allows 4.5 standard deviations, sqrt(R p (1 - p)). One check
fails by chance with probability about 6.8e-6 (two-sided normal tail), so the ~30 checks below
together fail by chance with probability below 2.1e-4 (union bound); the seeds are fixed, so the
outcome is deterministic anyway.
"""

from __future__ import annotations

import json
import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from privacy.contribution import (
    ContributionBound,
    _rank_within_groups,
    bound_rows_per_entity,
    keep_one_row_per_entity,
)
from privacy.errors import InvalidInputError

REPS = 3000
SIGMAS = 4.5


def within_binomial(count: int, n: int, p: float) -> bool:
    return abs(count - n * p) <= SIGMAS * math.sqrt(n * p * (1 - p))


def table_with_sizes(sizes: dict[object, int], n_missing: int = 0) -> pd.DataFrame:
    ids: list[object] = [e for e, n in sizes.items() for _ in range(n)] + [None] * n_missing
    return pd.DataFrame({"patient_id": ids, "row": np.arange(len(ids)), "age": 40})


def kept_rows(table: pd.DataFrame, k: int, reps: int, seed: int) -> np.ndarray:
    """A (reps, n_rows) boolean matrix: which input rows each repetition kept."""
    rng = np.random.default_rng(seed)
    kept = np.zeros((reps, len(table)), dtype=bool)
    for r in range(reps):
        bounded, _ = bound_rows_per_entity(
            table, entity_column="patient_id", max_rows_per_entity=k, rng=rng
        )
        kept[r, bounded["row"].to_numpy()] = True
    return kept


# -- what is kept ------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3, 7, 50])
def test_each_entity_keeps_exactly_min_count_k_rows(k):
    sizes = {"a": 1, "b": 2, "c": 5, "d": 10, 17: 3}
    table = table_with_sizes(sizes, n_missing=4)
    bounded, bound = bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=k, rng=np.random.default_rng(1)
    )
    counts = bounded["patient_id"].value_counts()
    for entity, n in sizes.items():
        assert counts[entity] == min(n, k)
    assert bounded["patient_id"].isna().sum() == 4  # each missing id is its own entity
    assert set(bounded["row"]) <= set(table["row"])  # real rows, each at most once
    assert bounded["row"].is_unique
    kept = table.set_index("row").loc[bounded["row"]]
    assert (kept["patient_id"].to_numpy() == bounded["patient_id"].to_numpy()).all()
    assert bound.n_entities == len(sizes) + 4
    assert bound.rows_before == len(table)
    assert bound.rows_after == len(bounded) == sum(min(n, k) for n in sizes.values()) + 4
    assert bound.n_entities_truncated == sum(n > k for n in sizes.values())
    assert bound.max_rows_per_entity == k
    assert bound.dominant_entity is False


def test_the_callers_table_is_not_modified():
    table = table_with_sizes({"a": 4, "b": 3})
    copy = table.copy()
    bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=2, rng=np.random.default_rng(0)
    )
    pd.testing.assert_frame_equal(table, copy)


def test_an_empty_table_bounds_to_an_empty_table():
    table = table_with_sizes({})
    bounded, bound = bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=2, rng=np.random.default_rng(0)
    )
    assert len(bounded) == 0
    assert (bound.n_entities, bound.rows_after, bound.dominant_entity) == (0, 0, False)


@pytest.mark.parametrize(
    ("sizes", "dominant"),
    [({"big": 6, "b": 1, "c": 1, "d": 1, "e": 1}, True), ({"half": 5, "b": 5}, False)],
)
def test_a_dominant_entity_is_bounded_and_reported_as_a_yes_or_no(sizes, dominant):
    table = table_with_sizes(sizes)
    bounded, bound = bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=2, rng=np.random.default_rng(3)
    )
    assert bounded["patient_id"].value_counts().max() <= 2
    assert bound.dominant_entity is dominant
    assert isinstance(bound.to_dict()["dominant_entity"], bool)


@pytest.mark.parametrize("k", [0, -1, 1.5, 2.0, True, "2", None])
def test_a_bad_bound_is_refused(k):
    with pytest.raises(InvalidInputError, match="max_rows_per_entity must be an integer >= 1"):
        bound_rows_per_entity(
            table_with_sizes({"a": 2}),
            entity_column="patient_id",
            max_rows_per_entity=k,
            rng=np.random.default_rng(0),
        )


def test_a_missing_entity_column_is_refused():
    with pytest.raises(InvalidInputError, match="entity column 'mrn' is not in the table"):
        bound_rows_per_entity(
            table_with_sizes({"a": 2}),
            entity_column="mrn",
            max_rows_per_entity=1,
            rng=np.random.default_rng(0),
        )


def test_numpy_integers_are_accepted_as_the_bound():
    _, bound = bound_rows_per_entity(
        table_with_sizes({"a": 3}),
        entity_column="patient_id",
        max_rows_per_entity=np.int64(2),
        rng=np.random.default_rng(0),
    )
    assert bound.max_rows_per_entity == 2 and type(bound.max_rows_per_entity) is int


@settings(max_examples=30, deadline=None)
@given(codes=st.lists(st.integers(-1, 5), max_size=40))
def test_the_rank_within_an_entity_is_pandas_cumcount(codes):
    array = np.asarray(codes, dtype=np.int64)
    expected = pd.Series(array).groupby(array).cumcount().to_numpy()
    np.testing.assert_array_equal(_rank_within_groups(array), expected)


# -- k = 1 is the old behaviour -----------------------------------------------------------------


def test_keep_one_row_per_entity_is_the_k1_case_and_reproduces_the_old_choice():
    table = table_with_sizes({"a": 4, "b": 1, "c": 6}, n_missing=2)
    one, bound_one = keep_one_row_per_entity(
        table, entity_column="patient_id", rng=np.random.default_rng(42)
    )
    k1, bound_k1 = bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=1, rng=np.random.default_rng(42)
    )
    pd.testing.assert_frame_equal(one, k1)
    assert bound_one == bound_k1
    # The algorithm this replaced, so that seeded pipeline runs keep choosing the same rows.
    order = np.random.default_rng(42).permutation(len(table))
    shuffled = table.iloc[order]
    ids = shuffled["patient_id"]
    old = shuffled[(~ids.duplicated(keep="first") | ids.isna()).to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, old)
    assert bound_one.n_entities == bound_one.rows_after == len(old) == 5


# -- uniform and independent per entity ----------------------------------------------------------


@pytest.fixture(scope="module")
def one_entity_of_ten_k3() -> np.ndarray:
    """One entity with 10 rows, k = 3, REPS seeded repetitions."""
    return kept_rows(table_with_sizes({"only": 10}), k=3, reps=REPS, seed=2024)


def test_each_row_of_an_entity_is_kept_with_probability_k_over_count(one_entity_of_ten_k3):
    kept = one_entity_of_ten_k3
    assert (kept.sum(axis=1) == 3).all()
    for count in kept.sum(axis=0):
        assert within_binomial(int(count), REPS, 0.3), count


def test_the_kept_subset_is_uniform_over_all_subsets(one_entity_of_ten_k3):
    """Chi-square goodness of fit over the C(10, 3) = 120 possible subsets, 25 expected each
    (p-value floor 1e-6): uniform marginals alone would not rule out a biased joint choice."""
    index = {c: i for i, c in enumerate(combinations(range(10), 3))}
    observed = np.zeros(len(index))
    for row in one_entity_of_ten_k3:
        observed[index[tuple(np.flatnonzero(row))]] += 1
    assert stats.chisquare(observed).pvalue > 1e-6


def test_other_entities_change_nothing_about_the_distribution_of_an_entitys_choice():
    """Which rows of entity A are kept is not a fixed function of A's rows (one permutation is
    shared), but its distribution is: with entity B and missing-id rows added, each row of A is
    still kept with probability 3/10, each row of B with 3/7, and the two choices are
    independent (joint inclusion probability 0.3 * 3/7)."""
    table = table_with_sizes({"A": 10, "B": 7}, n_missing=3)
    # Shuffle the input order so that A's rows are interleaved with the others.
    table = table.sample(frac=1, random_state=5).reset_index(drop=True)
    rows_a = table.loc[table["patient_id"] == "A", "row"].to_numpy()
    rows_b = table.loc[table["patient_id"] == "B", "row"].to_numpy()
    kept = kept_rows(table, k=3, reps=REPS, seed=99)
    for r in rows_a:
        assert within_binomial(int(kept[:, r].sum()), REPS, 0.3)
    for r in rows_b:
        assert within_binomial(int(kept[:, r].sum()), REPS, 3 / 7)
    for a, b in [(rows_a[0], rows_b[0]), (rows_a[5], rows_b[3]), (rows_a[9], rows_b[6])]:
        both = int((kept[:, a] & kept[:, b]).sum())
        assert within_binomial(both, REPS, 0.3 * 3 / 7)


# -- the report ----------------------------------------------------------------------------------


def test_to_dict_holds_counts_only_and_no_entity_id():
    secret = ["MRN-SECRET-0001", "MRN-SECRET-0002", "MRN-SECRET-0003"]
    table = pd.DataFrame({"patient_id": secret * 4 + secret[:1] * 2, "age": range(14)})
    _, bound = bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=2, rng=np.random.default_rng(0)
    )
    d = bound.to_dict()
    text = json.dumps(d)
    assert not any(s in text for s in secret)
    assert set(d) == {
        "entity_column",
        "max_rows_per_entity",
        "n_entities",
        "rows_before",
        "rows_after",
        "n_entities_truncated",
        "dominant_entity",
        "method",
    }
    assert (d["n_entities"], d["rows_before"], d["rows_after"], d["n_entities_truncated"]) == (
        3,
        14,
        6,
        3,
    )
    assert d["dominant_entity"] is False  # the largest holds 6 of 14 rows
    assert "group privacy" in d["method"]


def test_the_dominant_flag_counts_rows_before_bounding():
    table = pd.DataFrame({"patient_id": ["x"] * 9 + ["y"] * 8, "age": range(17)})
    _, bound = bound_rows_per_entity(
        table, entity_column="patient_id", max_rows_per_entity=2, rng=np.random.default_rng(0)
    )
    assert bound.dominant_entity is True  # 9 of 17 rows


@pytest.mark.parametrize(
    "changes",
    [
        {"rows_after": 20},  # more than before
        {"n_entities": 7},  # more entities than kept rows
        {"n_entities_truncated": 0},  # rows dropped but nobody truncated
        {"max_rows_per_entity": 0},
        {"rows_before": -1},
        {"dominant_entity": 1},
    ],
)
def test_an_impossible_bound_cannot_exist(changes):
    fields = dict(
        entity_column="patient_id",
        max_rows_per_entity=2,
        n_entities=3,
        rows_before=10,
        rows_after=6,
        n_entities_truncated=3,
    )
    ContributionBound(**fields)
    with pytest.raises(InvalidInputError, match="invalid contribution bound"):
        ContributionBound(**{**fields, **changes})
