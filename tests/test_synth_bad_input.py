"""Awkward columns the generator must handle or refuse clearly, without echoing a value:
a constant column, an all-missing column, a column with as many distinct values as rows, a
declared category list too long to learn. (An epsilon no noise level can reach is refused by
the planner with the data size it would need: tests/test_planner.py.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privacy.accounting import Budget
from privacy.errors import InvalidInputError
from privacy.schema import Column, ColumnKind, Schema
from synth import MISSING_TOKEN, OTHER_TOKEN, DPGenerator, TrainingConfig

K = ColumnKind
FAST = TrainingConfig(epochs=1, logical_batch_size=128, learning_rate=0.05)
SECRET = "SECRET-VALUE-4711"


def _fit(schema: Schema, table: pd.DataFrame, epsilon: float = 2.0) -> DPGenerator:
    gen = DPGenerator(schema, FAST)
    gen.fit(table, budget=Budget(epsilon, 1e-6), rng=np.random.default_rng(0))
    return gen


def _base(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"kind": rng.choice(["x", "y"], n)})


BASE_COL = Column("kind", K.CATEGORICAL, categories=("x", "y"), domain_public=True)


def test_constant_columns_are_learnt_as_one_value() -> None:
    table = _base(2_000).assign(level=7, ward="w1")
    schema = Schema((BASE_COL, Column("level", K.NUMERIC, integer=True), Column("ward", K.CATEGORICAL)))
    synthetic = _fit(schema, table).sample(500, rng=np.random.default_rng(2))
    assert set(synthetic["ward"].dropna()) <= {"w1", OTHER_TOKEN}
    assert (synthetic["ward"] == "w1").mean() > 0.9
    # the constant sits inside the DP bounds; decoded values stay within them
    assert synthetic["level"].notna().all()


def test_an_all_missing_categorical_column_releases_missing_values_only() -> None:
    table = _base(2_000).assign(empty=None)
    schema = Schema((BASE_COL, Column("empty", K.CATEGORICAL)))
    gen = _fit(schema, table)
    codec = gen.encoder.codecs[1]
    assert codec.categories == ()  # nothing passes the threshold
    synthetic = gen.sample(300, rng=np.random.default_rng(3))
    assert synthetic["empty"].isna().mean() > 0.8


def test_an_all_missing_numeric_column_is_refused_with_what_to_do() -> None:
    table = _base(2_000).assign(score=np.nan)
    schema = Schema((BASE_COL, Column("score", K.NUMERIC)))
    with pytest.raises(InvalidInputError, match="declare public bounds"):
        _fit(schema, table)


def test_a_column_of_unique_values_keeps_none_of_them() -> None:
    """Every value occurs once: no category can pass the threshold, so identifiers that slipped
    into a categorical column are never released; the column becomes __other__."""
    n = 3_000
    table = _base(n).assign(code=[f"{SECRET}-{i}" for i in range(n)])
    schema = Schema((BASE_COL, Column("code", K.CATEGORICAL)))
    gen = _fit(schema, table)
    assert gen.encoder.codecs[1].categories == ()
    synthetic = gen.sample(500, rng=np.random.default_rng(4))
    assert set(synthetic["code"].dropna()) <= {OTHER_TOKEN}
    assert SECRET not in synthetic.to_csv()


def test_a_declared_category_list_too_long_to_learn_is_refused() -> None:
    categories = tuple(f"c{i}" for i in range(5_000))
    table = _base(500).assign(big="c1")
    schema = Schema((BASE_COL, Column("big", K.CATEGORICAL, categories=categories, domain_public=True)))
    for private in (False, True):
        gen = DPGenerator(schema, TrainingConfig(epochs=1, private=private))
        with pytest.raises(InvalidInputError, match="generalise"):
            gen.fit(table, budget=Budget(1.0, 1e-4) if private else None,
                    rng=np.random.default_rng(5))


def test_errors_never_quote_a_value() -> None:
    table = _base(2_000).assign(score=SECRET)
    schema = Schema((BASE_COL, Column("score", K.NUMERIC)))
    with pytest.raises(InvalidInputError) as info:
        _fit(schema, table)
    assert SECRET not in str(info.value)


def test_missing_token_is_part_of_every_vocabulary() -> None:
    table = _base(1_000)
    gen = _fit(Schema((BASE_COL,)), table)
    assert gen.encoder.codecs[0].tokens[-1] == MISSING_TOKEN
