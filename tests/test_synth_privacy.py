"""What DP-SGD training learns and what it must not (statistical, seeded).

* At epsilon = 8 the generator learns a planted dependency (B = f(A)) far above chance.
* At epsilon = 1 it does not learn a planted one-off record: the record's combination is not
  sampled more often by the model trained with it than by the same training without it, up to
  the e^epsilon factor DP allows and the sampling error. The same check must flag a model
  trained without DP for long enough (so the check can fail).
* The domain measurement spends exactly the budget it records (hypothesis).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.accounting import Budget
from privacy.schema import Column, ColumnKind, ColumnRole, Schema
from synth import DPGenerator, TableEncoder, TrainingConfig

K, R = ColumnKind, ColumnRole
F = {"a": "w", "b": "x", "c": "y", "d": "z"}
SCHEMA = Schema(
    (
        Column("A", K.CATEGORICAL, R.QUASI_IDENTIFIER, categories=tuple(F), domain_public=True),
        Column("B", K.CATEGORICAL, R.SENSITIVE, categories=tuple(F.values()), domain_public=True),
        Column("C", K.CATEGORICAL, R.OTHER, categories=("p", "q", "r"), domain_public=True),
    )
)


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(list(F), n)
    return pd.DataFrame({"A": a, "B": [F[v] for v in a], "C": rng.choice(["p", "q", "r"], n)})


def _wilson_lower(successes: int, n: int, z: float = 3.29) -> float:
    """Lower end of the Wilson interval (z = 3.29: two-sided 99.9%)."""
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / (1 + z * z / n)


def test_a_planted_dependency_is_learnt_at_epsilon_8() -> None:
    """Under independence B = f(A) holds for 1/4 of the rows; the 99.9% Wilson lower bound of
    the synthetic agreement must clear 0.6."""
    table = _table(3_000, seed=1)
    gen = DPGenerator(SCHEMA, TrainingConfig(epochs=10, logical_batch_size=256, learning_rate=0.02))
    gen.fit(table, budget=Budget(8.0, 1e-5), rng=np.random.default_rng(2))
    synthetic = gen.sample(4_000, rng=np.random.default_rng(3))
    agree = int((synthetic["B"] == synthetic["A"].map(F)).sum())
    assert _wilson_lower(agree, len(synthetic)) > 0.6


def _canary_rate(private: bool, with_canary: bool, epochs: int) -> tuple[int, int]:
    table = _table(600, seed=4)
    if with_canary:  # the one-off record: A = a with B = z breaks B = f(A)
        table = pd.concat(
            [table, pd.DataFrame({"A": ["a"], "B": ["z"], "C": ["p"]})], ignore_index=True
        )
    cfg = TrainingConfig(
        epochs=epochs, logical_batch_size=64, learning_rate=0.02, private=private
    )
    gen = DPGenerator(SCHEMA, cfg)
    gen.fit(table, budget=Budget(1.0, 1e-4) if private else None, rng=np.random.default_rng(5))
    n = 20_000
    synthetic = gen.sample(n, rng=np.random.default_rng(6))
    hits = int(((synthetic["A"] == "a") & (synthetic["B"] == "z")).sum())
    return hits, n


def _exceeds_dp_bound(with_hits: int, without_hits: int, n: int, epsilon: float) -> bool:
    """Whether the with-canary rate exceeds e^epsilon times the without rate by more than 4
    binomial standard errors of the difference (a one-sided test at ~3e-5)."""
    p_with, p_without = with_hits / n, without_hits / n
    se = math.sqrt(max(p_with * (1 - p_with), 1 / n) / n + math.exp(2 * epsilon) * max(
        p_without * (1 - p_without), 1 / n) / n)
    return p_with - math.exp(epsilon) * p_without > 4 * se


@pytest.mark.parametrize("private", [True, False], ids=["dp-epsilon-1", "no-dp-control"])
def test_a_planted_one_off_record_is_not_learnt_at_epsilon_1(private: bool) -> None:
    epochs = 8 if private else 60
    with_hits, n = _canary_rate(private, with_canary=True, epochs=epochs)
    without_hits, _ = _canary_rate(private, with_canary=False, epochs=epochs)
    flagged = _exceeds_dp_bound(with_hits, without_hits, n, epsilon=1.0)
    if private:
        assert not flagged, (with_hits, without_hits)
    else:  # the control: without DP, long training reproduces the one-off combination
        assert flagged, (with_hits, without_hits)


_KINDS = st.sampled_from(["declared-cat", "measured-cat", "numeric", "numeric-public-bounds", "date"])


@settings(max_examples=25, deadline=None)
@given(kinds=st.lists(_KINDS, min_size=1, max_size=5), epsilon=st.floats(1.0, 5.0),
       delta=st.floats(1e-7, 1e-3), seed=st.integers(0, 1000))
def test_encoders_spend_exactly_their_recorded_budget(kinds, epsilon, delta, seed) -> None:
    """Columns that need measuring share the domain budget; the recorded spends add up to
    exactly the budget (delta only when a category set is measured), never more."""
    rng = np.random.default_rng(seed)
    n = 2_000
    cols, data = [], {}
    for i, kind in enumerate(kinds):
        name = f"c{i}"
        if kind == "declared-cat":
            cols.append(Column(name, K.CATEGORICAL, categories=("x", "y"), domain_public=True))
            data[name] = rng.choice(["x", "y"], n)
        elif kind == "measured-cat":
            cols.append(Column(name, K.CATEGORICAL))
            data[name] = rng.choice(["x", "y", "z"], n)
        elif kind == "numeric":
            cols.append(Column(name, K.NUMERIC))
            data[name] = rng.normal(100, 20, n)
        elif kind == "numeric-public-bounds":
            cols.append(Column(name, K.NUMERIC, bounds=(0.0, 1.0), domain_public=True))
            data[name] = rng.random(n)
        else:
            cols.append(Column(name, K.DATETIME))
            days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
            data[name] = days.strftime("%Y-%m-%d")
    schema = Schema(tuple(cols))
    budget = Budget(epsilon, delta)
    encoder = TableEncoder.fit(schema, pd.DataFrame(data), budget=budget, rng=rng)
    spent_eps = math.fsum(s.epsilon for s in encoder.spends)
    spent_delta = math.fsum(s.delta for s in encoder.spends)
    measured = [k for k in kinds if k != "declared-cat"]
    assert spent_eps == pytest.approx(epsilon if measured else 0.0, rel=1e-12, abs=1e-15)
    assert spent_eps <= epsilon * (1 + 1e-12)
    expected_delta = delta if "measured-cat" in kinds else 0.0
    assert spent_delta == pytest.approx(expected_delta, rel=1e-12, abs=1e-18)
    assert all(s.stage == "domain" for s in encoder.spends)
