"""Tests for audit.anonymity: singling out, linkability and inference (Article 29 WP216).

Golden values come from statice/anonymeter's tests (``tests/test_confidence.py``,
``test_singling_out_evaluator.py``, ``test_linkability_evaluator.py``,
``test_inference_evaluator.py``) and REFERENCE.md ("Synthetic-data privacy attacks"). Each
defect of anonymeter that we fix has a test that would fail under the defect. Statistical tests
are seeded and their tolerances come from binomial tails or from the reported interval, never
from a number seen in one run.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from audit.anonymity import (
    ANONYMITY_ATTACKS,
    AnonymityAttack,
    ColumnKind,
    Condition,
    Predicate,
    PredicateOp,
    PrivacyAttackResult,
    SinglingOutMode,
    count_matches,
    inference_attack,
    inference_guess_correct,
    linkability_attack,
    residual_risk,
    residual_success,
    singling_out_attack,
    singling_out_predicates,
    wilson_rate,
)
from privacy.errors import InvalidInputError
from privacy.estimate import Estimate, IntervalMethod, wilson_interval

SENTINEL = "SENTINEL-VALUE-7731"  # a raw value that must never reach a result or a message
SENTINEL_NUMBER = 987654.321


def population(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """A seeded patient-like table: correlated numeric and categorical columns, 5% missing BMI."""
    age = np.clip(rng.normal(55, 18, n), 18, 95).round()
    sex = rng.choice(["F", "M"], n)
    bmi = rng.normal(27, 4, n) + 0.08 * (age - 55)
    bmi[rng.random(n) < 0.05] = np.nan
    ward = np.where(
        age > 70,
        rng.choice(["geriatrics", "cardiology"], n),
        rng.choice(["surgery", "cardiology", "oncology", "maternity"], n),
    )
    los = rng.poisson(2 + age / 30).astype(float)
    income = rng.lognormal(10, 0.5, n)
    smoker = rng.random(n) < 0.2
    region = rng.choice([f"r{i}" for i in range(8)], n)
    return pd.DataFrame(
        {
            "age": age,
            "sex": sex,
            "bmi": bmi,
            "ward": ward,
            "los": los,
            "income": income,
            "smoker": smoker,
            "region": region,
        }
    )


def three_tables(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    return population(n, rng), population(n, rng), population(n, rng)


# ---------------------------------------------------------------------------------------------
# Statistics: anonymeter's tests/test_confidence.py


@pytest.mark.parametrize(
    "successes, rate, error",
    [(850, 0.849, 0.022), (0, 0.002, 0.002), (1000, 0.998, 0.002)],
)
def test_wilson_rate_reproduces_reference(successes: int, rate: float, error: float) -> None:
    """REFERENCE.md and anonymeter ``test_success_rate``: 850 of 1,000 at 95% is 0.849 ± 0.022;
    the interval is the one privacy.estimate.wilson_interval gives."""
    centre, half = wilson_rate(successes, 1000, confidence=0.95)
    assert round(centre, 3) == rate and round(half, 3) == error
    lower, upper = wilson_interval(successes, 1000, confidence=0.95)
    assert math.isclose(centre - half, lower, abs_tol=1e-12)
    assert math.isclose(centre + half, upper, abs_tol=1e-12)


@pytest.mark.parametrize(
    "n, successes, confidence, centre, half",
    [
        (100, 100, 0.95, 0.9815032508965071, 0.01849674910349284),
        (100, 0, 0.95, 0.01849674910349284, 0.01849674910349284),
        (100, 100, 0.68, 0.9951036894831882, 0.004896310516811869),
        (100, 23, 0.95, 0.23998824451588613, 0.08155558571285167),
        (100, 11, 0.95, 0.1244274643007244, 0.06188550073007873),
    ],
)
def test_wilson_rate_exact_anonymeter_values(
    n: int, successes: int, confidence: float, centre: float, half: float
) -> None:
    """anonymeter ``test_evaluation_results_confidence``, to 1e-12."""
    got = wilson_rate(successes, n, confidence=confidence)
    np.testing.assert_allclose(got, (centre, half), rtol=1e-12)


@pytest.mark.parametrize("n, successes", [(100, 100), (100, 23), (111, 84), (100, 0)])
def test_wilson_rate_at_zero_confidence_is_the_raw_rate(n: int, successes: int) -> None:
    """anonymeter ``test_evaluation_results_simple``: confidence 0 gives s/n with no error."""
    assert wilson_rate(successes, n, confidence=0.0) == (successes / n, 0.0)


@pytest.mark.parametrize(
    "attack, control, expected",
    [((0.9, 0.0), (0.8, 0.0), (0.5, 0.0)), ((0.9, 0.02), (0.85, 0.02), (0.333, 0.16))],
)
def test_residual_success_reproduces_anonymeter(
    attack: tuple[float, float], control: tuple[float, float], expected: tuple[float, float]
) -> None:
    """anonymeter ``test_residual_success``: (a - c) / (1 - c) with propagated error."""
    value, error = residual_success(attack[0], attack[1], control[0], control[1])
    assert (round(value, 3), round(error, 3)) == expected


def test_residual_risk_is_clipped_like_bind_value() -> None:
    """A control easier to attack than the training rows gives risk 0, interval from 0
    (anonymeter ``bind_value``); the formula is the one of REFERENCE.md."""
    a, ea = wilson_rate(300, 1000)
    c, ec = wilson_rate(400, 1000)
    raw, err = residual_success(a, ea, c, ec)
    assert raw < 0
    risk = residual_risk(
        attack_successes=300, attack_trials=1000, control_successes=400, control_trials=1000
    )
    assert risk.value == 0.0 and risk.lower == 0.0
    assert math.isclose(risk.upper, max(0.0, raw + err))
    risk = residual_risk(
        attack_successes=900, attack_trials=1000, control_successes=400, control_trials=1000
    )
    a, ea = wilson_rate(900, 1000)
    expected = (a - c) / (1 - c)
    assert math.isclose(risk.value, expected)
    assert risk.lower < risk.value < risk.upper and risk.n == 2000


def test_residual_success_refuses_a_certain_control() -> None:
    with pytest.raises(InvalidInputError, match="control rate is 1"):
        residual_success(0.9, 0.0, 1.0, 0.0)


# ---------------------------------------------------------------------------------------------
# Singling out: anonymeter's tests/test_singling_out_evaluator.py


def test_predicate_singles_out_only_when_it_matches_one_row() -> None:
    """anonymeter ``test_singling_out_queries`` and ``test_evaluate_queries``."""
    df = pd.DataFrame({"c1": [1, 1], "c2": [2, 3]})
    assert Predicate((Condition("c1", PredicateOp.EQ, 1),)).count(df) == 2
    both = Predicate((Condition("c1", PredicateOp.EQ, 1), Condition("c2", PredicateOp.EQ, 3)))
    assert both.count(df) == 1
    df = pd.DataFrame({"c1": [0, 0, 2], "c2": ["a", "a", "c"]})
    zero_a = Predicate((Condition("c1", PredicateOp.EQ, 0), Condition("c2", PredicateOp.EQ, "a")))
    two_c = Predicate((Condition("c1", PredicateOp.EQ, 2), Condition("c2", PredicateOp.EQ, "c")))
    np.testing.assert_array_equal(count_matches([zero_a, two_c], df), [2, 1])
    with pytest.raises(InvalidInputError, match="unknown column"):
        Predicate((Condition("c3", PredicateOp.EQ, "x"),)).count(df)


def test_missing_values_match_only_the_missing_tests() -> None:
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "c": ["a", None, "b"]})
    counts = count_matches(
        [
            Predicate((Condition("x", PredicateOp.NE, 1.0),)),  # present and different: 3.0
            Predicate((Condition("x", PredicateOp.IS_MISSING),)),
            Predicate((Condition("c", PredicateOp.NE, "a"),)),  # "b" only
            Predicate((Condition("c", PredicateOp.IS_PRESENT),)),
            Predicate((Condition("x", PredicateOp.LE, 10.0),)),
        ],
        df,
    )
    np.testing.assert_array_equal(counts, [1, 1, 1, 2, 2])


def _as_set(predicates: tuple[Predicate, ...]) -> set[tuple[tuple[str, str, object], ...]]:
    return {tuple((str(c.column), c.op.value, c.value) for c in p.conditions) for p in predicates}


@pytest.mark.parametrize(
    "syn",
    [
        pd.DataFrame({"col1": ["a", "b", "c", "d"]}),
        pd.DataFrame({"col1": ["a", "b", "c", "d"], "col2": [None] * 4}),
    ],
    ids=["plain", "with_null_column"],
)
def test_univariate_predicates(syn: pd.DataFrame) -> None:
    """anonymeter ``test_univariate_singling_out_queries``: one predicate per unique value."""
    got = singling_out_predicates(
        syn, mode=SinglingOutMode.UNIVARIATE, n_predicates=10, rng=np.random.default_rng(0)
    )
    assert _as_set(got) == {(("col1", "==", v),) for v in "abcd"}


def test_univariate_predicates_with_a_mixed_null_column() -> None:
    """anonymeter ``test_univariate_singling_out_queries_mixed_null_column``: rare values,
    the extremes of a numeric column and its single missing value."""
    syn = pd.DataFrame({"col1": ["a", "b", "c", "d"], "col2": [2, 1, 3, None]})
    got = singling_out_predicates(
        syn, mode=SinglingOutMode.UNIVARIATE, n_predicates=20, rng=np.random.default_rng(0)
    )
    expected = (
        {(("col1", "==", v),) for v in "abcd"}
        | {(("col2", "==", float(v)),) for v in (1, 2, 3)}
        | {(("col2", "<=", 1.0),), (("col2", ">=", 3.0),), (("col2", "is missing", None),)}
    )
    assert _as_set(got) == expected
    assert all(p.count(syn) == 1 for p in got)


def test_multivariate_predicates_read_off_a_record() -> None:
    """anonymeter ``test_singling_out_query_generator``: the numeric condition points to the
    tail the record lies in (>= above the median, <= below)."""
    syn = pd.DataFrame({"c0": ["a", "b"], "c1": [1.23, 9.87]})
    got = singling_out_predicates(
        syn,
        mode=SinglingOutMode.MULTIVARIATE,
        n_predicates=2,
        n_cols=2,
        rng=np.random.default_rng(0),
    )
    assert _as_set(got) == {
        (("c0", "==", "a"), ("c1", "<=", 1.23)),
        (("c0", "==", "b"), ("c1", ">=", 9.87)),
    }


def test_every_predicate_singles_out_a_synthetic_record() -> None:
    """anonymeter ``test_so_general``."""
    _, syn, _ = three_tables(300, seed=1)
    for mode in SinglingOutMode:
        got = singling_out_predicates(syn, mode=mode, n_predicates=50, rng=np.random.default_rng(2))
        assert len(got) == 50
        assert set(count_matches(got, syn)) == {1}
        assert len(_as_set(got)) == 50  # distinct


@pytest.mark.parametrize("mode", list(SinglingOutMode))
def test_singling_out_synthetic_equal_to_training_reaches_one(mode: SinglingOutMode) -> None:
    """anonymeter ``test_singling_out_risk_estimate``: syn == ori puts the upper bound at 1."""
    ori, _, control = three_tables(60, seed=3)
    result = singling_out_attack(
        ori=ori,
        syn=ori.copy(),
        control=control,
        n_attacks=20,
        rng=np.random.default_rng(4),
        mode=mode,
    )
    assert result.attack_rate.value == 1.0 and result.attack_rate.upper == 1.0


# ---------------------------------------------------------------------------------------------
# Linkability: anonymeter's tests/test_linkability_evaluator.py

LINK_ORI = pd.DataFrame({"col0": [0, 0, 4, 0], "col1": [0, 1, 9, 4]})
LINK_SYN = pd.DataFrame({"col0": [0, 1, 4, 9], "col1": [0, 1, 4, 9]})


@pytest.mark.parametrize(
    "n_neighbors, successes, interval",
    [
        (1, 1, (0.045587, 0.699358)),
        (2, 4, (0.5102, 1.0)),
        (3, 4, (0.5102, 1.0)),
        (4, 4, (0.5102, 1.0)),
    ],
)
def test_linkability_hand_computable(
    n_neighbors: int, successes: int, interval: tuple[float, float]
) -> None:
    """anonymeter ``test_linkability_evaluator``: with one neighbour only the record (0, 0)
    links; with two, every record does. Intervals are anonymeter's at 95%."""
    result = linkability_attack(
        ori=LINK_ORI,
        syn=LINK_SYN,
        control=LINK_ORI,
        aux_cols=(["col0"], ["col1"]),
        n_attacks=4,
        n_neighbors=n_neighbors,
        rng=np.random.default_rng(0),
    )
    assert result.attack_successes == successes and result.attack_trials == 4
    np.testing.assert_allclose(
        (result.attack_rate.lower, result.attack_rate.upper), interval, atol=1e-4
    )
    assert result.control_successes == successes and result.residual_risk.value == 0.0


@pytest.mark.parametrize("n_neighbors, p", [(1, 0.25), (2, 5 / 6), (3, 1.0), (4, 1.0)])
def test_linkability_baseline(n_neighbors: int, p: float) -> None:
    """anonymeter ``test_baseline``: two random draws of k of 4 synthetic rows meet with
    probability 1 - C(4-k, k) / C(4, k); the count lies in its binomial 1 - 1e-6 interval."""
    rng = np.random.default_rng(42)
    ori = pd.DataFrame(rng.choice(["a", "b"], size=(400, 2)), columns=["c0", "c1"])
    syn = pd.DataFrame([["a", "a"], ["b", "b"], ["a", "a"], ["a", "a"]], columns=["c0", "c1"])
    result = linkability_attack(
        ori=ori,
        syn=syn,
        control=ori,
        aux_cols=("c0", "c1"),
        n_attacks=400,
        n_neighbors=n_neighbors,
        rng=rng,
    )
    lo, hi = stats.binom.interval(1 - 1e-6, 400, p)
    assert lo <= result.baseline_successes <= hi


# ---------------------------------------------------------------------------------------------
# Inference: anonymeter's tests/test_inference_evaluator.py


@pytest.mark.parametrize(
    "guesses, secrets, expected",
    [
        (("a", "b"), ("a", "b"), (True, True)),
        ((np.nan, "b"), (np.nan, "b"), (True, True)),
        ((np.nan, np.nan), (np.nan, np.nan), (True, True)),
        ((np.nan, "b"), ("a", np.nan), (False, False)),
        (("a", "b"), ("a", "c"), (True, False)),
        (("b", "b"), ("a", "c"), (False, False)),
        ((1, 0), (2, 0), (False, True)),
    ],
)
def test_categorical_guesses(guesses: tuple, secrets: tuple, expected: tuple) -> None:
    """anonymeter ``test_evaluate_inference_guesses_classification``."""
    got = inference_guess_correct(guesses, secrets, kind=ColumnKind.CATEGORICAL)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "guesses, secrets, tolerance, expected",
    [
        ((1.0, 1.0), (1.0, 1.0), 0.05, (True, True)),
        ((1.01, 1.0), (1.0, 1.01), 0.05, (True, True)),
        ((1.0, 1.0), (2.0, 1.01), 0.05, (False, True)),
        ((1.0, 2.0), (2.0, 1.01), 0.05, (False, False)),
        ((1.0, 1.0), (1.05, 1.06), 0.05, (True, False)),
        ((1.0, 1.0), (1.05, 1.06), 0.06, (True, True)),
        ((1.0, np.nan), (1.05, np.nan), 0.06, (True, True)),
        ((np.nan, np.nan), (np.nan, np.nan), 0.06, (True, True)),
        ((1, np.nan), (np.nan, 1.06), 0.06, (False, False)),
        ((1.0, 1.0), (1.05, 1.06), 0.04, (False, False)),
    ],
)
def test_numeric_guesses(guesses: tuple, secrets: tuple, tolerance: float, expected: tuple) -> None:
    """anonymeter ``test_evaluate_inference_guesses_regression(_tolerance)``, the rows on which
    a tolerance relative to the secret and anonymeter's relative to the guess agree. (Its rows
    1.25 / 1.26 against a guess of 1.0 differ by design: 0.25 is within 20% of 1.25.)"""
    got = inference_guess_correct(guesses, secrets, kind=ColumnKind.NUMERIC, tolerance=tolerance)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "syn, expected",
    [
        ([["a", "b"], ["c", "d"]], 2),
        ([["a", "b"], ["c", "e"]], 1),
        ([["a", "h"], ["c", "g"]], 0),
    ],
)
def test_inference_hand_computable(syn: list, expected: int) -> None:
    """anonymeter ``test_inference_evaluator_rates``: the secret of the matching record."""
    ori = pd.DataFrame([["a", "b"], ["c", "d"]], columns=["c0", "c1"])
    result = inference_attack(
        ori=ori,
        syn=pd.DataFrame(syn, columns=["c0", "c1"]),
        control=ori,
        aux_cols=["c0"],
        secret="c1",
        n_attacks=2,
        rng=np.random.default_rng(0),
    )
    assert result.attack_successes == expected and result.control_successes == expected


# ---------------------------------------------------------------------------------------------
# Metamorphic: a copy of the training data leaks; an independent sample does not

AUX_A = ["age", "bmi", "sex", "region"]
AUX_B = ["income", "ward", "los", "smoker"]


def run_all(
    ori: pd.DataFrame, syn: pd.DataFrame, control: pd.DataFrame, seed: int, n_attacks: int
) -> dict[str, PrivacyAttackResult]:
    rng = np.random.default_rng(seed)
    return {
        "singling out multivariate": singling_out_attack(
            ori=ori, syn=syn, control=control, n_attacks=n_attacks, rng=rng
        ),
        "singling out univariate": singling_out_attack(
            ori=ori,
            syn=syn,
            control=control,
            n_attacks=n_attacks,
            rng=rng,
            mode=SinglingOutMode.UNIVARIATE,
        ),
        "linkability": linkability_attack(
            ori=ori,
            syn=syn,
            control=control,
            aux_cols=(AUX_A, AUX_B),
            n_attacks=n_attacks,
            rng=rng,
        ),
        "inference": inference_attack(
            ori=ori,
            syn=syn,
            control=control,
            aux_cols=[*AUX_A, "income", "los"],
            secret="ward",
            n_attacks=n_attacks,
            rng=rng,
        ),
    }


def test_copy_of_training_data_gives_high_risk() -> None:
    """syn == ori: every attack succeeds on every target (continuous columns make each record
    unique, so its copy is its own nearest neighbour and its predicates isolate it), beats its
    baseline, and the residual risk's whole interval lies above 0.9."""
    ori, _, control = three_tables(1500, seed=11)
    for name, result in run_all(ori, ori.copy(), control, seed=12, n_attacks=300).items():
        assert result.attack_rate.value == 1.0, name
        assert result.beats_baseline, name
        assert result.residual_risk.lower > 0.9, name


def test_independent_synthetic_data_gives_residual_risk_interval_containing_zero() -> None:
    """syn drawn independently of ori from the same distribution: ori and control are
    exchangeable, so the residual risk's 95% interval includes 0 (fixed seeds)."""
    ori, syn, control = three_tables(1500, seed=21)
    for name, result in run_all(ori, syn, control, seed=22, n_attacks=300).items():
        assert result.residual_risk.lower == 0.0, name


def test_results_do_not_depend_on_index_labels_or_column_order() -> None:
    """Everything works by position: renumbered indexes and reordered columns change nothing
    (anonymeter reindexes baseline guesses by the targets' labels)."""
    ori, syn, control = three_tables(400, seed=31)
    base = run_all(ori, syn, control, seed=32, n_attacks=100)
    shuffled = run_all(
        ori.set_axis(np.arange(len(ori)) * 7 + 1000),
        syn.set_axis(np.arange(len(syn))[::-1])[list(reversed(syn.columns))],
        control.set_axis([f"row{i}" for i in range(len(control))]),
        seed=32,
        n_attacks=100,
    )
    for name in base:
        assert base[name].to_dict() == shuffled[name].to_dict(), name


def test_randomness_comes_only_from_rng() -> None:
    """Same seed, same result, whatever numpy's global state; another seed may differ."""
    ori, syn, control = three_tables(300, seed=41)
    np.random.seed(1)
    first = run_all(ori, syn, control, seed=42, n_attacks=80)
    np.random.seed(2)
    second = run_all(ori, syn, control, seed=42, n_attacks=80)
    assert {k: v.to_dict() for k, v in first.items()} == {k: v.to_dict() for k, v in second.items()}


def test_callers_tables_are_not_modified() -> None:
    ori, syn, control = three_tables(200, seed=51)
    before = [t.copy() for t in (ori, syn, control)]
    run_all(ori, syn, control, seed=52, n_attacks=50)
    for old, new in zip(before, (ori, syn, control), strict=True):
        pd.testing.assert_frame_equal(old, new)


# ---------------------------------------------------------------------------------------------
# anonymeter defects we fix (each test fails under the defect)


def test_numeric_tolerance_is_relative_to_the_size_of_the_secret() -> None:
    """anonymeter divides |guess - secret| by the *signed guess*: any negative guess passes."""
    got = inference_guess_correct(
        [-50.0, -110.0, -104.0, 0.0, 0.001, 3.0],
        [100.0, -100.0, -100.0, 0.0, 0.0, np.nan],
        kind=ColumnKind.NUMERIC,
        tolerance=0.05,
    )
    np.testing.assert_array_equal(got, [False, False, True, True, False, False])


def test_negative_guesses_are_not_all_correct() -> None:
    """A synthetic table whose secret is the negated real one: every guess is far off, so the
    attack must fail; anonymeter's check would count all of them as correct."""
    rng = np.random.default_rng(61)
    ori = pd.DataFrame({"x": rng.normal(0, 1, 200), "s": rng.uniform(100, 200, 200)})
    syn = ori.assign(s=-ori["s"])
    result = inference_attack(
        ori=ori, syn=syn, control=ori, aux_cols=["x"], secret="s", n_attacks=200, rng=rng
    )
    assert result.attack_successes == 0 and result.baseline_successes == 0


def test_inference_baseline_guesses_by_position() -> None:
    """Every synthetic record has the targets' secret, so every random guess is right. anonymeter
    reindexes the sampled guesses by the targets' index labels and loses most of them."""
    rng = np.random.default_rng(62)
    ori = pd.DataFrame({"x": rng.normal(size=300), "s": ["same"] * 300}).set_axis(
        np.arange(300) + 10_000
    )
    syn = pd.DataFrame({"x": rng.normal(size=3000), "s": ["same"] * 3000})
    result = inference_attack(
        ori=ori, syn=syn, control=ori, aux_cols=["x"], secret="s", n_attacks=100, rng=rng
    )
    assert result.baseline_successes == 100


def test_missing_aux_value_does_not_poison_the_distance() -> None:
    """A target missing a numeric value is still matched on its other columns. Under
    anonymeter, missing-vs-present gives a NaN distance that sends the matching synthetic record
    to the end of the ranking, and the guess comes from a record that differs everywhere."""
    ori = pd.DataFrame({"x": [np.nan], "c1": ["a"], "c2": ["a"], "secret": ["right"]})
    syn = pd.DataFrame(
        {
            "x": [np.nan, 5.0, 1.0],
            "c1": ["b", "a", "b"],
            "c2": ["b", "a", "b"],
            "secret": ["wrong", "right", "wrong"],
        }
    )
    result = inference_attack(
        ori=ori,
        syn=syn,
        control=ori,
        aux_cols=["x", "c1", "c2"],
        secret="secret",
        n_attacks=1,
        rng=np.random.default_rng(0),
    )
    assert result.attack_successes == 1


def test_missing_values_equal_missing_values_in_both_attacks() -> None:
    """syn == ori with missing values in the attacked columns still links and infers every
    target: a copy, missing values included, is at distance 0 (missing is a category of its
    own). Behaviour, not a defect fix: anonymeter's extra 1 for a missing pair shifts every
    record with that pattern alike."""
    rng = np.random.default_rng(63)
    ori, control = population(400, rng), population(400, rng)
    for table in (ori, control):  # one never-missing number per half keeps each record unique
        table["u1"], table["u2"] = rng.normal(size=400), rng.normal(size=400)
        table.loc[table.index % 3 == 0, "income"] = np.nan
        table.loc[table.index % 4 == 0, "region"] = None
        table.loc[table.index % 5 == 0, "los"] = np.nan
    halves = ([*AUX_A, "u1"], [*AUX_B, "u2"])
    link = linkability_attack(
        ori=ori, syn=ori.copy(), control=control, aux_cols=halves, n_attacks=200, rng=rng
    )
    infer = inference_attack(
        ori=ori,
        syn=ori.copy(),
        control=control,
        aux_cols=[*AUX_A, "income", "los", "u1"],
        secret="ward",
        n_attacks=200,
        rng=rng,
    )
    assert link.attack_successes == 200 and infer.attack_successes == 200


def test_constant_and_all_missing_columns_do_not_divide_by_zero() -> None:
    """A constant column and an all-missing column among the attacked ones: no division by a
    zero or NaN range, no warning, and each copy is still found. anonymeter divides an
    all-missing column by its NaN range, which makes every distance NaN and every neighbour
    arbitrary."""
    ori, _, control = three_tables(300, seed=65)
    for table in (ori, control):
        table["constant"] = 5.0
        table["empty"] = np.nan
    rng = np.random.default_rng(66)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        link = linkability_attack(
            ori=ori,
            syn=ori.copy(),
            control=control,
            aux_cols=([*AUX_A, "constant"], [*AUX_B, "empty"]),
            n_attacks=150,
            rng=rng,
        )
        infer = inference_attack(
            ori=ori,
            syn=ori.copy(),
            control=control,
            aux_cols=["constant", "empty", "income"],
            secret="ward",
            n_attacks=150,
            rng=rng,
        )
    assert link.attack_successes == 150 and infer.attack_successes == 150


def test_constant_synthetic_column_compares_by_equality() -> None:
    """Numbers are scaled by the synthetic range alone, so a constant synthetic column has no
    range: it is compared by equality, and a different target value costs the full distance 1
    whatever its units, never a division by zero."""
    ori = pd.DataFrame({"k": [1000.0], "y": [0.0], "s": ["right"]})
    syn = pd.DataFrame({"k": [5.0, 5.0], "y": [0.0, 1.0], "s": ["right", "wrong"]})
    result = inference_attack(
        ori=ori,
        syn=syn,
        control=ori,
        aux_cols=["k", "y"],
        secret="s",
        n_attacks=1,
        rng=np.random.default_rng(0),
    )
    assert result.attack_successes == 1


def test_numeric_scale_comes_from_the_synthetic_table_only() -> None:
    """Target T = (4, 0) is nearest to synthetic B = (4, 3) on the synthetic ranges (0.3 against
    0.4 for A = (0, 0)). anonymeter takes each range over the synthetic rows *and the targets*,
    so the outlier target U = (1000, 0) shrinks the x distances and sends T to A instead: one
    target's guess would depend on which other targets were attacked."""
    syn = pd.DataFrame({"x": [0.0, 4.0, 10.0], "y": [0.0, 3.0, 10.0], "s": ["a", "b", "c"]})
    ori = pd.DataFrame({"x": [4.0, 1000.0], "y": [0.0, 0.0], "s": ["b", "a"]})
    result = inference_attack(
        ori=ori,
        syn=syn,
        control=ori,
        aux_cols=["x", "y"],
        secret="s",
        n_attacks=2,
        rng=np.random.default_rng(0),
    )
    assert result.attack_successes == 2


def test_numeric_secret_is_compared_with_the_tolerance_by_default() -> None:
    """anonymeter's default (``regression=False``) asks a continuous secret for an exact match;
    a number column is NUMERIC here unless the caller says otherwise."""
    ori = pd.DataFrame({"x": [1.0, 2.0], "s": [100.0, 200.0]})
    syn = pd.DataFrame({"x": [1.0, 2.0], "s": [102.0, 189.0]})
    args = {
        "ori": ori,
        "syn": syn,
        "control": ori,
        "aux_cols": ["x"],
        "secret": "s",
        "n_attacks": 2,
        "rng": np.random.default_rng(0),
    }
    # 102 is within 5% of 100; 189 is not within 5% of 200.
    assert inference_attack(**args).attack_successes == 1
    exact = inference_attack(**args | {"secret_kind": ColumnKind.CATEGORICAL})
    assert exact.attack_successes == 0


def test_ties_are_broken_at_random_not_by_table_order() -> None:
    """Every synthetic record is at distance 0 from both halves of every target, so the
    synthetic table cannot link anyone: the link rate must stay near 1/100 (a binomial bound).
    anonymeter picks the first tied record for both halves and links every target."""
    syn = pd.DataFrame({"c0": ["a"] * 100, "c1": ["b"] * 100})
    ori = pd.DataFrame({"c0": ["a"] * 400, "c1": ["b"] * 400})
    result = linkability_attack(
        ori=ori,
        syn=syn,
        control=ori,
        aux_cols=(["c0"], ["c1"]),
        n_attacks=400,
        rng=np.random.default_rng(67),
    )
    bound = stats.binom.ppf(1 - 1e-6, 400, 1 / 100)
    assert result.attack_successes <= bound


def test_identical_real_records_are_not_singled_out() -> None:
    """Two real people with the same attributes: a predicate matching both isolates no one.
    anonymeter deduplicates ori and would count it."""
    syn = pd.DataFrame({"c": ["a", "b", "c"]})
    ori = pd.DataFrame({"c": ["a", "a", "b", "c"]})
    result = singling_out_attack(
        ori=ori,
        syn=syn,
        control=ori,
        n_attacks=3,
        rng=np.random.default_rng(0),
        mode=SinglingOutMode.UNIVARIATE,
    )
    assert result.attack_trials == 3 and result.attack_successes == 2


def test_singling_out_trials_are_the_predicates_built() -> None:
    """Only two one-column predicates isolate a distinct synthetic record (c == "a", d == "v");
    the rates rest on those two trials, not on the 50 attacks asked for (anonymeter counts 48
    phantom failures)."""
    syn = pd.DataFrame({"c": ["a", "b", "b"], "d": ["u", "u", "v"]})
    result = singling_out_attack(
        ori=syn,
        syn=syn,
        control=syn,
        n_attacks=50,
        rng=np.random.default_rng(0),
        mode=SinglingOutMode.UNIVARIATE,
    )
    assert result.attack_trials == 2 and result.attack_successes == 2
    assert result.baseline_trials == 50 and "Only 2 of the 50" in result.notes


def test_singling_out_compares_equally_large_real_tables() -> None:
    """A larger ori is cut to the control's size at random, so counts stay whole numbers and a
    predicate faces the same odds of matching one row in both (anonymeter extrapolates)."""
    ori, syn, _ = three_tables(900, seed=71)
    control = population(300, np.random.default_rng(72))
    result = singling_out_attack(
        ori=ori, syn=syn, control=control, n_attacks=100, rng=np.random.default_rng(73)
    )
    assert result.parameter_dict["population_rows"] == 300
    assert "300 rows of each real table" in result.notes


def test_awkward_column_names_and_values_need_no_escaping() -> None:
    """Predicates are structures, not query strings (anonymeter builds query text and its
    column-name sanitiser is a no-op)."""
    syn = pd.DataFrame({"a-b": ["O'Neil", 'say "hi"', "x"], "class": [1.0, 2.0, 3.0]})
    got = singling_out_predicates(
        syn, mode=SinglingOutMode.UNIVARIATE, n_predicates=10, rng=np.random.default_rng(0)
    )
    assert (("a-b", "==", "O'Neil"),) in _as_set(got)
    assert set(count_matches(got, syn)) == {1}


# ---------------------------------------------------------------------------------------------
# The result object


def test_result_serialises_counts_and_rates_only() -> None:
    ori, syn, control = three_tables(200, seed=81)
    ori.loc[0, "region"] = SENTINEL
    syn.loc[0, "region"] = SENTINEL
    ori.loc[1, "income"] = SENTINEL_NUMBER
    syn.loc[1, "income"] = SENTINEL_NUMBER
    for result in run_all(ori, syn, control, seed=82, n_attacks=50).values():
        data = result.to_dict()
        text = json.dumps(data)
        assert SENTINEL not in text and "987654" not in text
        assert PrivacyAttackResult.from_dict(json.loads(text)) == result
        assert data["beats_baseline"] == result.beats_baseline
        for key in ("attack_rate", "baseline_rate", "control_rate"):
            assert data[key]["method"] == IntervalMethod.WILSON.value
        assert data["residual_risk"]["method"] == IntervalMethod.WILSON_RESIDUAL.value


def test_result_parameters_name_columns() -> None:
    ori, syn, control = three_tables(200, seed=83)
    results = run_all(ori, syn, control, seed=84, n_attacks=50)
    assert results["linkability"].parameter_dict == {
        "aux_cols": (tuple(AUX_A), tuple(AUX_B)),
        "n_neighbors": 1,
    }
    inference = results["inference"].parameter_dict
    assert inference["secret"] == "ward" and inference["secret_kind"] == "categorical"
    assert results["singling out univariate"].parameter_dict["mode"] == "univariate"


def test_result_checks_itself() -> None:
    good = PrivacyAttackResult.from_counts(
        attack=AnonymityAttack.INFERENCE,
        parameters=(("secret", "ward"),),
        n_attacks=100,
        attack_successes=60,
        attack_trials=100,
        baseline_successes=20,
        baseline_trials=100,
        control_successes=30,
        control_trials=100,
    )
    assert good.beats_baseline and "did not beat" not in good.notes
    with pytest.raises(InvalidInputError, match="residual_risk does not match"):
        PrivacyAttackResult(
            **{
                **good.__dict__,
                "control_successes": 31,
                "control_rate": Estimate.proportion(31, 100),
            }
        )
    with pytest.raises(InvalidInputError, match="attack_rate does not match"):
        PrivacyAttackResult(**{**good.__dict__, "attack_successes": 61})
    with pytest.raises(InvalidInputError, match="parameter"):
        PrivacyAttackResult(**{**good.__dict__, "parameters": (("secret", SENTINEL_NUMBER * 1j),)})
    weak = PrivacyAttackResult.from_counts(
        attack=AnonymityAttack.LINKABILITY,
        parameters=(),
        n_attacks=100,
        attack_successes=5,
        attack_trials=100,
        baseline_successes=4,
        baseline_trials=100,
        control_successes=100,
        control_trials=100,
    )
    assert not weak.beats_baseline
    assert "did not beat" in weak.notes and "Every control attack succeeded" in weak.notes


def test_registry_maps_each_risk_to_its_attack() -> None:
    assert ANONYMITY_ATTACKS[AnonymityAttack.SINGLING_OUT] is singling_out_attack
    assert ANONYMITY_ATTACKS[AnonymityAttack.LINKABILITY] is linkability_attack
    assert ANONYMITY_ATTACKS[AnonymityAttack.INFERENCE] is inference_attack
    assert set(ANONYMITY_ATTACKS) == set(AnonymityAttack)


# ---------------------------------------------------------------------------------------------
# Bad input: InvalidInputError that says what to do and never echoes a value


def _tables_with_sentinels() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ori, syn, control = three_tables(60, seed=91)
    for t in (ori, syn, control):
        t.loc[0, "region"] = SENTINEL
        t.loc[0, "income"] = SENTINEL_NUMBER
    return ori, syn, control


def _attack(which: str, **overrides: object) -> PrivacyAttackResult:
    ori, syn, control = _tables_with_sentinels()
    args: dict[str, object] = {
        "ori": ori,
        "syn": syn,
        "control": control,
        "n_attacks": 20,
        "rng": np.random.default_rng(0),
    }
    if which == "linkability":
        args["aux_cols"] = (AUX_A, AUX_B)
    elif which == "inference":
        args |= {"aux_cols": AUX_A, "secret": "ward"}
    args |= overrides
    return ANONYMITY_ATTACKS[AnonymityAttack(which)](**args)


ALL = ["singling out", "linkability", "inference"]
EMPTY = pd.DataFrame({c: [] for c in population(1, np.random.default_rng(0)).columns})


@pytest.mark.parametrize("which", ALL)
@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"ori": EMPTY}, "ori is empty"),
        ({"syn": EMPTY}, "syn is empty"),
        ({"control": pd.DataFrame()}, "control is empty"),
        ({"ori": [1, 2]}, "ori must be a pandas DataFrame"),
        ({"n_attacks": 0}, "n_attacks must be >= 1"),
        ({"n_attacks": -3}, "n_attacks must be >= 1"),
        ({"n_attacks": 2.5}, "n_attacks must be an integer"),
        ({"n_attacks": True}, "n_attacks must be an integer"),
        ({"rng": 0}, "numpy.random.default_rng"),
        ({"rng": np.random.RandomState(0)}, "numpy.random.default_rng"),
        ({"confidence": 1.5}, "confidence"),
    ],
)
def test_bad_common_input(which: str, overrides: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        _attack(which, **overrides)
    assert SENTINEL not in str(info.value) and "987654" not in str(info.value)


@pytest.mark.parametrize("which", ALL)
def test_columns_must_match_across_tables(which: str) -> None:
    ori, syn, control = _tables_with_sentinels()
    with pytest.raises(InvalidInputError, match=r"syn lacks \['smoker'\]"):
        _attack(which, syn=syn.drop(columns="smoker"))
    with pytest.raises(InvalidInputError, match=r"has extra \['extra'\]"):
        _attack(which, control=control.assign(extra=1))


@pytest.mark.parametrize("which", ALL)
def test_types_must_match_across_tables(which: str) -> None:
    ori, syn, control = _tables_with_sentinels()
    with pytest.raises(InvalidInputError, match="'age' has different types") as info:
        _attack(which, syn=syn.assign(age=syn["age"].astype(str)))
    assert SENTINEL not in str(info.value)


@pytest.mark.parametrize("which", ["linkability", "inference"])
def test_too_few_rows_for_the_targets(which: str) -> None:
    ori, syn, control = _tables_with_sentinels()
    with pytest.raises(InvalidInputError, match="control has 10 rows.*lower n_attacks"):
        _attack(which, control=control.head(10))
    with pytest.raises(InvalidInputError, match="ori has 60 rows"):
        _attack(which, n_attacks=61, control=pd.concat([control, control]))


@pytest.mark.parametrize("which", ALL)
def test_infinite_values_are_refused(which: str) -> None:
    ori, syn, control = _tables_with_sentinels()
    ori.loc[3, "age"] = -np.inf
    with pytest.raises(InvalidInputError, match="'age' holds infinite values"):
        _attack(which, ori=ori)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"aux_cols": AUX_A, "secret": "age"}, "secret column 'age' is also in aux_cols"),
        ({"aux_cols": ["nope"]}, r"aux_cols names unknown column\(s\) \['nope'\]"),
        ({"secret": "missing_col"}, r"secret names unknown column\(s\) \['missing_col'\]"),
        ({"aux_cols": []}, "aux_cols is empty"),
        ({"secret": ["ward", "sex"]}, "secret must be one column name"),
        ({"tolerance": -0.1}, "tolerance must be"),
        ({"secret": "ward", "secret_kind": ColumnKind.NUMERIC}, "not a number column"),
    ],
)
def test_bad_inference_input(overrides: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        _attack("inference", **overrides)
    assert SENTINEL not in str(info.value)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"aux_cols": (["age"], ["age", "sex"])}, r"share \['age'\]"),
        ({"aux_cols": (["age"], ["nope"])}, r"aux_cols\[1\] names unknown column"),
        ({"aux_cols": (["age"], [])}, r"aux_cols\[1\] is empty"),
        ({"aux_cols": (["age"],)}, "pair of column groups"),
        ({"n_neighbors": 0}, "n_neighbors must be between 1"),
        ({"n_neighbors": 61}, "n_neighbors must be between 1"),
    ],
)
def test_bad_linkability_input(overrides: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _attack("linkability", **overrides)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"n_cols": 0}, "n_cols must be between 1"),
        ({"n_cols": 9}, "n_cols must be between 1"),
        ({"mode": "bivariate"}, "mode must be one of"),
        ({"max_attempts": 0}, "max_attempts must be"),
    ],
)
def test_bad_singling_out_input(overrides: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _attack("singling out", **overrides)


def test_no_singling_out_predicate_is_an_error_that_says_what_to_do() -> None:
    """No single column isolates any of the four distinct synthetic records."""
    syn = pd.DataFrame({"c": ["a", "a", "b", "b"], "d": ["x", "y", "x", "y"]})
    with pytest.raises(InvalidInputError, match="lower n_cols, use univariate mode"):
        singling_out_attack(
            ori=syn,
            syn=syn,
            control=syn,
            n_attacks=5,
            n_cols=1,
            rng=np.random.default_rng(0),
            max_attempts=50,
        )


# ---------------------------------------------------------------------------------------------
# Size (speed is measured in benchmarks)


def test_each_attack_completes_at_benchmark_size() -> None:
    """5,000 training, 5,000 synthetic and 5,000 control rows, 10 columns, 500 attacks."""
    rng = np.random.default_rng(101)

    def wide(n: int) -> pd.DataFrame:
        t = population(n, rng)
        return t.assign(score=rng.normal(size=n), grade=rng.choice(list("ABCDE"), n))

    ori, syn, control = wide(5000), wide(5000), wide(5000)
    assert ori.shape[1] == 10
    common = {"ori": ori, "syn": syn, "control": control, "n_attacks": 500}
    calls = {
        "singling out": lambda: singling_out_attack(**common, rng=rng),
        "linkability": lambda: linkability_attack(
            **common, rng=rng, aux_cols=([*AUX_A, "score"], [*AUX_B, "grade"])
        ),
        "inference": lambda: inference_attack(
            **common, rng=rng, aux_cols=[*AUX_A, *AUX_B[:2], "score", "grade"], secret="los"
        ),
    }
    # Speed is measured in benchmarks, not asserted here: this checks the attacks complete at
    # this size (chunked distances, no quadratic memory).
    for call in calls.values():
        assert call().attack_trials > 0
