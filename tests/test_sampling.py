"""Sampling: plain, conditional (exact and importance resampling), rebalancing, validators.

Most tests use :class:`JointModel`, a test double that implements only the model interface the
sampler may rely on (``n_columns``, ``cardinalities``, ``column_logits``) from an explicit joint
distribution, so every conditional is known exactly and the tests do not depend on the
generator's architecture. Statistical checks are seeded chi-square tests against those exact
conditionals; a correct sampler gives p-values spread uniformly, so the 1e-3 threshold fails a
correct implementation for 1 seed in 1,000 (and these seeds are fixed).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats

from privacy.errors import InvalidInputError
from privacy.schema import Column, ColumnKind, ColumnRole, Schema
from synth import DPGenerator, TrainingConfig
from synth.encoding import CategoricalCodec, NumericCodec, TableEncoder
from synth.model import AutoregressiveTabularModel
from synth.sampling import (
    Boost,
    ConditioningMode,
    ExclusionMethod,
    SamplingResult,
    TableSampler,
    _pick_stepper,
    parse_boost,
)
from synth.validators import MissingPolicy, build_validators, parse_rule
from synth.validators import column_kinds as kinds_of

PLANTED = "PLANTED_SECRET_7f3a9"
P_MIN = 1e-3


# ------------------------------------------------------------------------------ test doubles


class JointModel:
    """Exact conditionals of an explicit joint ``P`` over token ids (model order)."""

    def __init__(self, joint: np.ndarray) -> None:
        self.joint = joint / joint.sum()
        self.cardinalities = tuple(int(v) for v in joint.shape)

    @property
    def n_columns(self) -> int:
        return len(self.cardinalities)

    def conditional(self, j: int) -> np.ndarray:
        """``P(x_j | x_<j)`` as an array over ``x_0 .. x_j``."""
        k = self.n_columns
        marg = self.joint.sum(axis=tuple(range(j + 1, k))) if j + 1 < k else self.joint
        return marg / marg.sum(axis=j, keepdims=True)

    def column_logits(self, codes: torch.Tensor, j: int) -> torch.Tensor:
        cond = self.conditional(j)
        idx = tuple(codes[:, i].numpy() for i in range(j))
        return torch.from_numpy(
            np.log(cond[idx] if j else np.broadcast_to(cond, (len(codes), cond.size)))
        )


def make_encoder() -> TableEncoder:
    """a: 2 categories (+ missing) = 3 tokens; b: 3 categories + other + missing = 5 tokens;
    c: integer bins [0, 9] and [10, 19] + missing = 3 tokens."""
    return TableEncoder(
        (
            CategoricalCodec("a", ("a0", "a1"), False, "declared"),
            CategoricalCodec("b", ("b0", "b1", "b2"), True, "measured (DP)"),
            NumericCodec("c", (-0.5, 9.5, 19.5), True, False, "declared", "declared bins"),
        )
    )


def make_joint(seed: int = 7) -> np.ndarray:
    """A joint with real dependencies and no tiny cells (Dirichlet(3) over 45 cells)."""
    return np.random.default_rng(seed).dirichlet(np.full(45, 3.0)).reshape(3, 5, 3)


def tokens(encoder: TableEncoder, table: pd.DataFrame) -> np.ndarray:
    return encoder.encode(table)


def chi2_p(observed_codes: np.ndarray, probs: np.ndarray) -> float:
    """Chi-square goodness of fit of flat cell ids against cell probabilities."""
    counts = np.bincount(observed_codes, minlength=probs.size).astype(float)
    expected = probs.ravel() / probs.sum() * counts.sum()
    keep = expected > 0
    assert counts[~keep].sum() == 0, "a zero-probability cell was drawn"
    return float(stats.chisquare(counts[keep], expected[keep]).pvalue)


def flat(codes: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return np.ravel_multi_index(tuple(codes[:, i] for i in range(codes.shape[1])), shape)


@pytest.fixture
def joint_sampler() -> tuple[TableSampler, JointModel, TableEncoder]:
    encoder = make_encoder()
    model = JointModel(make_joint())
    return TableSampler(model, encoder), model, encoder


# ------------------------------------------------------------------------------ plain sampling


def test_unconditional_matches_the_joint_and_is_reproducible(joint_sampler):
    sampler, model, encoder = joint_sampler
    result = sampler.sample(6000, rng=np.random.default_rng(1))
    assert isinstance(result, SamplingResult)
    assert result.rows_requested == result.rows_returned == len(result.table) == 6000
    assert list(result.table.columns) == ["a", "b", "c"]
    codes = tokens(encoder, result.table)
    assert chi2_p(flat(codes, model.joint.shape), model.joint) > P_MIN
    again = sampler.sample(6000, rng=np.random.default_rng(1)).table
    pd.testing.assert_frame_equal(result.table, again)
    other = sampler.sample(6000, rng=np.random.default_rng(2)).table
    assert not other.equals(result.table)


def test_zero_rows_and_json_result(joint_sampler):
    sampler, _, _ = joint_sampler
    result = sampler.sample(0, rng=np.random.default_rng(0))
    assert len(result.table) == 0 and list(result.table.columns) == ["a", "b", "c"]
    json.dumps(result.to_dict())


def test_argument_errors_are_reported_together(joint_sampler):
    sampler, _, _ = joint_sampler
    with pytest.raises(InvalidInputError) as err:
        sampler.sample(-1, rng=np.random.default_rng(0), particles=0, batch_size=0)
    message = str(err.value)
    assert "n must" in message and "particles" in message and "batch_size" in message
    with pytest.raises(InvalidInputError, match="rng"):
        sampler.sample(5, rng=0)  # type: ignore[arg-type]


# ----------------------------------------------------------------------- conditional: exact


def test_exact_conditioning_on_a_leading_column(joint_sampler):
    sampler, model, encoder = joint_sampler
    result = sampler.sample(5000, rng=np.random.default_rng(3), conditions={"a": "a1"})
    assert (result.table["a"] == "a1").all()
    assert result.conditions is not None
    assert result.conditions.mode is ConditioningMode.EXACT
    assert result.importance is None
    codes = tokens(encoder, result.table)
    target = model.joint[1]  # P(b, c | a = a1), up to normalisation
    assert chi2_p(flat(codes[:, 1:], target.shape), target) > P_MIN


def test_seed_table_gives_one_row_per_seed_with_the_seed_values(joint_sampler):
    sampler, _, _ = joint_sampler
    seeds = pd.DataFrame({"a": ["a0", "a1", None, "a1"], "b": ["b2", "b0", "b1", "__other__"]})
    result = sampler.sample(rng=np.random.default_rng(4), conditions=seeds)
    assert len(result.table) == 4
    assert result.table["a"].tolist()[:2] == ["a0", "a1"] and pd.isna(result.table["a"][2])
    assert result.table["b"].tolist() == ["b2", "b0", "b1", "__other__"]
    assert result.conditions is not None and result.conditions.source == "seed table"
    assert result.conditions.mode is ConditioningMode.EXACT  # a, b lead the model order


def test_numeric_seed_keeps_the_given_value(joint_sampler):
    sampler, _, _ = joint_sampler
    seeds = pd.DataFrame({"c": [3, 17, None, 3]})
    result = sampler.sample(4, rng=np.random.default_rng(5), conditions=seeds)
    values = result.table["c"]
    assert values.dtype == "Int64"
    assert values.tolist()[:2] == [3, 17] and pd.isna(values[2]) and values[3] == 3


@pytest.mark.parametrize(
    ("conditions", "expect"),
    [
        ({"a": PLANTED}, "'a'"),
        ({"b": PLANTED}, "'b'"),
        ({"c": PLANTED}, "cannot be read"),
        ({"c": 250}, "outside"),
        ({"c": 4.5}, "whole numbers"),
        ({"a": "__missing__"}, "'a'"),
    ],
)
def test_out_of_domain_seed_values_raise_without_echoing(joint_sampler, conditions, expect):
    sampler, _, _ = joint_sampler
    with pytest.raises(InvalidInputError) as err:
        sampler.sample(3, rng=np.random.default_rng(0), conditions=conditions)
    message = str(err.value)
    assert expect in message
    assert PLANTED not in message and "250" not in message and "4.5" not in message


def test_seed_errors_name_columns_and_counts_only(joint_sampler):
    sampler, _, _ = joint_sampler
    seeds = pd.DataFrame({"a": [PLANTED, "a0", PLANTED + "x"], "c": [1, 2, 999]})
    with pytest.raises(InvalidInputError) as err:
        sampler.sample(rng=np.random.default_rng(0), conditions=seeds)
    message = str(err.value)
    assert "'a': 2 value(s)" in message and "'c': 1 value(s)" in message  # all problems at once
    assert PLANTED not in message and "999" not in message
    with pytest.raises(InvalidInputError, match="not synthesised"):
        sampler.sample(3, rng=np.random.default_rng(0), conditions={"nope": 1})
    with pytest.raises(InvalidInputError, match="seed table has 3 rows"):
        sampler.sample(5, rng=np.random.default_rng(0), conditions=pd.DataFrame({"c": [1, 2, 3]}))
    with pytest.raises(InvalidInputError, match="n is required"):
        sampler.sample(rng=np.random.default_rng(0), conditions={"a": "a0"})
    with pytest.raises(InvalidInputError, match="one value per column"):
        sampler.sample(3, rng=np.random.default_rng(0), conditions={"a": ["a0", "a1"]})


# ------------------------------------------------------------------ conditional: importance


def test_importance_resampling_matches_the_exact_conditional(joint_sampler):
    """Conditioning on the last column (c in bin [10, 19]) needs importance resampling; with
    256 particles its O(1/M) bias is far below the chi-square test's resolution at n=3000."""
    sampler, model, encoder = joint_sampler
    result = sampler.sample(3000, rng=np.random.default_rng(6), conditions={"c": 12}, particles=256)
    assert (result.table["c"] == 12).all()
    assert result.conditions is not None
    assert result.conditions.mode is ConditioningMode.IMPORTANCE
    assert result.conditions.particles == 256
    imp = result.importance
    assert imp is not None and imp.draws == 3000 and 1 <= imp.ess_min <= imp.ess_median <= 256
    codes = tokens(encoder, result.table)
    target = model.joint[:, :, 1]  # P(a, b | c = bin 1), up to normalisation
    assert chi2_p(flat(codes[:, :2], target.shape), target) > P_MIN


def test_importance_and_exact_modes_agree_through_a_permuted_model():
    """The same joint, trained "in another column order": conditioning on c is exact when c
    comes first in model order and importance-resampled when it comes last; both samples must
    come from the same distribution (two-sample chi-square)."""
    encoder = make_encoder()
    joint = make_joint(11)
    exact = TableSampler(JointModel(joint.transpose(2, 0, 1)), encoder, column_order=(2, 0, 1))
    approx = TableSampler(JointModel(joint), encoder)
    cond = {"c": 4}
    r1 = exact.sample(3000, rng=np.random.default_rng(8), conditions=cond)
    r2 = approx.sample(3000, rng=np.random.default_rng(9), conditions=cond, particles=256)
    assert r1.conditions.mode is ConditioningMode.EXACT
    assert r2.conditions.mode is ConditioningMode.IMPORTANCE
    c1 = flat(tokens(encoder, r1.table)[:, :2], (3, 5))
    c2 = flat(tokens(encoder, r2.table)[:, :2], (3, 5))
    table = np.stack([np.bincount(c1, minlength=15), np.bincount(c2, minlength=15)])
    table = table[:, table.sum(axis=0) > 0]
    assert stats.chi2_contingency(table).pvalue > P_MIN
    target = joint[:, :, 0]
    assert chi2_p(c1, target) > P_MIN


def test_column_order_must_fit_the_model():
    encoder = make_encoder()
    model = JointModel(make_joint())
    with pytest.raises(InvalidInputError, match="permutation"):
        TableSampler(model, encoder, column_order=(0, 0, 1))
    with pytest.raises(InvalidInputError, match="token counts"):
        TableSampler(model, encoder, column_order=(2, 0, 1))


# --------------------------------------------------------------------------------- boosting


@pytest.mark.parametrize(
    ("column", "value", "index", "method"),
    [("a", "a1", 0, ExclusionMethod.RENORMALISED), ("b", "b2", 1, ExclusionMethod.REJECTION)],
)
def test_boost_hits_the_count_and_keeps_the_other_proportions(
    joint_sampler, column, value, index, method
):
    sampler, model, encoder = joint_sampler
    n, share = 3001, 0.3
    result = sampler.sample(n, rng=np.random.default_rng(12), boost=Boost(column, value, share))
    hits = int((result.table[column] == value).sum())
    assert hits == round(share * n) == 900
    assert result.boost is not None
    assert result.boost.boosted_rows == hits and result.boost.achieved_share == hits / n
    assert result.boost.rest_method is method
    assert value not in json.dumps(result.to_dict())
    codes = tokens(encoder, result.table)[:, index]
    token = encoder.codecs[index].categories.index(value)
    rest = codes[codes != token]
    marginal = model.joint.sum(axis=tuple(i for i in range(3) if i != index))
    marginal[token] = 0.0  # P(x | x != boosted class)
    assert chi2_p(rest, marginal) > P_MIN
    # the boosted rows follow p(other columns | class): check them too
    boosted = tokens(encoder, result.table)[codes == token]
    target = np.take(model.joint, token, axis=index)
    others = [i for i in range(3) if i != index]
    assert chi2_p(flat(boosted[:, others], target.shape), target) > P_MIN


def test_boost_rows_are_shuffled(joint_sampler):
    sampler, _, _ = joint_sampler
    result = sampler.sample(400, rng=np.random.default_rng(13), boost=Boost("a", "a1", 0.5))
    first = (result.table["a"] == "a1").to_numpy()[:200]
    assert 0 < first.sum() < 200


def test_parse_boost():
    assert parse_boost("diagnosis=RARE:0.2") == Boost("diagnosis", "RARE", 0.2)
    assert parse_boost("t=10:30:0.5") == Boost("t", "10:30", 0.5)  # the last ':' splits
    for bad in ["diagnosis", "diagnosis=RARE", "=RARE:0.2", "diagnosis=:0.2"]:
        with pytest.raises(InvalidInputError, match="COLUMN=VALUE:SHARE"):
            parse_boost(bad)
    for share in ["0", "1", "1.5", "-0.1", "nan", "x"]:
        with pytest.raises(InvalidInputError) as err:
            parse_boost(f"dx={PLANTED}:{share}")
        assert PLANTED not in str(err.value)
    with pytest.raises(InvalidInputError, match="between 0 and 1"):
        Boost("dx", "A", 1.0)


def test_boost_errors_do_not_echo_the_value(joint_sampler):
    sampler, _, _ = joint_sampler
    with pytest.raises(InvalidInputError) as err:
        sampler.sample(10, rng=np.random.default_rng(0), boost=Boost("a", PLANTED, 0.2))
    assert "'a'" in str(err.value) and PLANTED not in str(err.value)
    with pytest.raises(InvalidInputError, match="categorical"):
        sampler.sample(10, rng=np.random.default_rng(0), boost=Boost("c", "3", 0.2))
    with pytest.raises(InvalidInputError, match="both boosted and conditioned"):
        sampler.sample(
            10, rng=np.random.default_rng(0), boost=Boost("a", "a0", 0.2), conditions={"a": "a1"}
        )
    with pytest.raises(InvalidInputError, match="seed table"):
        sampler.sample(
            rng=np.random.default_rng(0),
            boost=Boost("a", "a0", 0.2),
            conditions=pd.DataFrame({"b": ["b0"]}),
        )


def test_boost_with_fixed_conditions(joint_sampler):
    sampler, _, _ = joint_sampler
    result = sampler.sample(
        200, rng=np.random.default_rng(14), boost=Boost("b", "b1", 0.25), conditions={"a": "a0"}
    )
    assert (result.table["a"] == "a0").all()
    assert int((result.table["b"] == "b1").sum()) == 50
    assert result.boost.boosted_mode is ConditioningMode.EXACT  # a, b lead


# ------------------------------------------------------------------------------- validators


def test_validators_drop_and_refill(joint_sampler):
    sampler, _, encoder = joint_sampler
    validators = build_validators(encoder, ["c >= 5"])
    result = sampler.sample(2000, rng=np.random.default_rng(15), validators=validators)
    c = result.table["c"]
    assert len(result.table) == 2000
    assert ((c >= 5) | c.isna()).all()
    dropped = result.drops_by_validator["rule:c >= 5"]
    assert dropped > 0 and result.rows_dropped == dropped
    assert result.rows_drawn >= 2000 + dropped
    assert result.to_dict()["validation"]["dropped_by_validator"]["rule:c >= 5"] == dropped


def test_validators_with_seed_rows_refill_the_same_seed(joint_sampler):
    sampler, _, encoder = joint_sampler
    validators = [parse_rule("c >= 10", kinds=kinds_of(encoder))]
    seeds = pd.DataFrame({"a": ["a0", "a1", "a0"], "b": ["b0", "b1", "b2"]})
    result = sampler.sample(rng=np.random.default_rng(16), conditions=seeds, validators=validators)
    assert result.table["a"].tolist() == ["a0", "a1", "a0"]
    assert result.table["b"].tolist() == ["b0", "b1", "b2"]
    assert ((result.table["c"] >= 10) | result.table["c"].isna()).all()


def test_low_acceptance_stops_with_the_rate_and_no_values(joint_sampler):
    sampler, _, encoder = joint_sampler
    validators = [parse_rule("c > 1000", kinds=kinds_of(encoder), on_missing=MissingPolicy.DROP)]
    with pytest.raises(InvalidInputError, match=r"only .*% of \d+ candidate rows") as err:
        sampler.sample(50, rng=np.random.default_rng(17), validators=validators)
    assert "min_acceptance" in str(err.value)


def test_an_impossible_seed_stops_after_max_rounds(joint_sampler):
    sampler, _, encoder = joint_sampler
    validators = [parse_rule("c >= 10", kinds=kinds_of(encoder))]
    seeds = pd.DataFrame({"c": [3] + [15] * 99})  # the first seed row can never pass
    with pytest.raises(InvalidInputError, match="1 of 100 row") as err:
        sampler.sample(
            rng=np.random.default_rng(18), conditions=seeds, validators=validators, max_rounds=5
        )
    assert "still unfilled" in str(err.value)


def test_validators_must_read_known_columns(joint_sampler):
    sampler, _, _ = joint_sampler
    rule = parse_rule("zz >= 1", kinds={"zz": ColumnKind.NUMERIC})
    with pytest.raises(InvalidInputError, match="unknown column"):
        sampler.sample(10, rng=np.random.default_rng(0), validators=[rule])


# -------------------------------------------------------------- the real model and fast path


def real_model(cards: tuple[int, ...]) -> AutoregressiveTabularModel:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return AutoregressiveTabularModel(cards, hidden_dim=32).eval()


def test_fast_path_is_used_for_the_model_and_agrees_with_column_logits():
    """Today's model is sampled through its own incremental steps (one forward pass per row),
    and they reproduce column_logits."""
    model = real_model((3, 5, 3, 7))
    stepper = _pick_stepper(model, allow_fast=True)
    assert stepper.fast, "the fast sampling path no longer matches the model architecture"
    codes = torch.from_numpy(np.random.default_rng(0).integers(0, [3, 5, 3, 7], size=(64, 4)))
    state = stepper.begin(64)
    with torch.no_grad():
        for j in range(4):
            torch.testing.assert_close(
                stepper.logits(state, j), model.column_logits(codes, j), rtol=1e-4, atol=1e-5
            )
            stepper.push(state, j, codes[:, j])


def test_a_model_without_incremental_steps_uses_column_logits():
    """Any model with column_logits can be sampled (the model-agnostic path)."""

    class Plain:
        def __init__(self, inner: AutoregressiveTabularModel) -> None:
            self.inner = inner
            self.n_columns = inner.n_columns
            self.cardinalities = inner.cardinalities

        def column_logits(self, codes: torch.Tensor, j: int) -> torch.Tensor:
            return self.inner.column_logits(codes, j)

    assert not _pick_stepper(Plain(real_model((3, 5, 3))), allow_fast=True).fast

def test_fast_and_generic_paths_draw_the_same_rows():
    """Same uniforms, logits equal to float32 round-off: identical draws (a pick flips only
    when a uniform falls within ~1e-7 of a CDF step)."""
    encoder = make_encoder()
    model = real_model(encoder.cardinalities)
    fast = TableSampler(model, encoder).sample(300, rng=np.random.default_rng(19))
    slow = TableSampler(model, encoder, fast_path=False).sample(300, rng=np.random.default_rng(19))
    assert fast.fast_path and not slow.fast_path
    pd.testing.assert_frame_equal(fast.table, slow.table)


# -------------------------------------------------------------------- through the generator


SCHEMA = Schema(
    (
        Column("A", ColumnKind.CATEGORICAL, ColumnRole.QUASI_IDENTIFIER,
               categories=("a", "b", "c"), domain_public=True),
        Column("B", ColumnKind.CATEGORICAL, ColumnRole.SENSITIVE,
               categories=("x", "y"), domain_public=True),
        Column("age", ColumnKind.NUMERIC, ColumnRole.OTHER, bounds=(0, 99),
               domain_public=True, integer=True),
    )
)  # fmt: skip


@pytest.fixture(scope="module")
def fitted() -> DPGenerator:
    rng = np.random.default_rng(20)
    n = 300
    a = rng.choice(["a", "b", "c"], n)
    table = pd.DataFrame({"A": a, "B": np.where(a == "a", "x", "y"), "age": rng.integers(0, 99, n)})
    gen = DPGenerator(SCHEMA, TrainingConfig(private=False, epochs=2, hidden_dim=16))
    gen.fit(table, budget=None, rng=np.random.default_rng(21))
    return gen


def test_generator_sample_uses_the_sampler(fitted):
    plain = fitted.sample(40, rng=np.random.default_rng(22))
    assert len(plain) == 40 and list(plain.columns) == ["A", "B", "age"]
    pd.testing.assert_frame_equal(plain, fitted.sample(40, rng=np.random.default_rng(22)))
    seeded = fitted.sample(
        30,
        rng=np.random.default_rng(23),
        conditions={"B": "y", "age": 42},
        validators=build_validators(fitted.encoder, ["age >= 0"]),
    )
    assert (seeded["B"] == "y").all() and (seeded["age"] == 42).all()
    boosted = fitted.sample(50, rng=np.random.default_rng(24), boost=parse_boost("A=c:0.4"))
    assert int((boosted["A"] == "c").sum()) == 20
