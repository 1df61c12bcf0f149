"""Encoders, the DP generator and its Opacus training (synth/).

Small tables and few epochs keep the suite CPU-fast; the privacy invariants are pinned exactly
(spends, accounting, Poisson rate), the learning checks with tolerances justified inline.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from privacy.accounting import AccountantKind, Budget, SubsampledGaussianEvent
from privacy.accounting.composition import epsilon_for_events
from privacy.errors import InvalidInputError, PrivacyBudgetError
from privacy.schema import Column, ColumnKind, ColumnRole, Schema
from synth import (
    MISSING_TOKEN,
    OTHER_TOKEN,
    DPGenerator,
    TableEncoder,
    TrainingConfig,
    TrainingRecord,
)

K, R = ColumnKind, ColumnRole
MAP = {"a": "w", "b": "x", "c": "y", "d": "z"}  # B = f(A), a bijection
RARE = "RARE_VALUE_XYZ"  # appears in exactly one training row, in an undeclared column
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def make_table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(list(MAP), n)
    wards = rng.choice(["w1", "w2", "w3"], n).astype(object)
    wards[n // 2] = RARE
    days = rng.integers(0, 365, n)
    return pd.DataFrame(
        {
            "A": a,
            "B": [MAP[v] for v in a],
            "age": rng.integers(18, 90, n),
            "ward": wards,
            "score": rng.normal(50, 10, n),
            "admitted": (pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")).strftime(
                "%Y-%m-%d"
            ),
            "notes": ["free text"] * n,
            "name": [f"person {i}" for i in range(n)],
        }
    )


SCHEMA = Schema(
    (
        Column("A", K.CATEGORICAL, R.QUASI_IDENTIFIER, categories=tuple(MAP), domain_public=True),
        Column("B", K.CATEGORICAL, R.SENSITIVE, categories=tuple(MAP.values()), domain_public=True),
        Column(
            "age", K.NUMERIC, R.QUASI_IDENTIFIER, bounds=(0, 100), domain_public=True, integer=True
        ),
        Column("ward", K.CATEGORICAL, R.OTHER),  # measured
        Column("score", K.NUMERIC, R.OTHER),  # measured bounds and quantiles
        Column(
            "admitted", K.DATETIME, R.OTHER, bounds=("2020-01-01", "2022-12-31"), domain_public=True
        ),
        Column("notes", K.TEXT, R.FREE_TEXT),
        Column("name", K.CATEGORICAL, R.DIRECT_IDENTIFIER),
    )
)
SYNTH_NAMES = ["A", "B", "age", "ward", "score", "admitted"]


def _train(
    table: pd.DataFrame,
    budget: Budget | None,
    config: TrainingConfig,
    seed: int = 1,
    progress: list[tuple[str, int, int]] | None = None,
) -> tuple[DPGenerator, TrainingRecord]:
    gen = DPGenerator(SCHEMA, config)
    record = gen.fit(
        table,
        budget=budget,
        rng=np.random.default_rng(seed),
        progress=(lambda *a: progress.append(a)) if progress is not None else None,
    )
    return gen, record


@pytest.fixture(scope="module")
def high_eps() -> tuple[DPGenerator, TrainingRecord, pd.DataFrame, list[tuple[str, int, int]]]:
    """2,000 rows at epsilon 50 (RDP accounting: calibrating PLD at epsilon 50 takes ~20 s)."""
    table = make_table(2_000, seed=0)
    calls: list[tuple[str, int, int]] = []
    cfg = TrainingConfig(
        epochs=3, logical_batch_size=64, learning_rate=5e-2, accountant=AccountantKind.RDP
    )
    gen, record = _train(table, Budget(50.0, 1e-5), cfg, progress=calls)
    return gen, record, table, calls


@pytest.fixture(scope="module")
def default_eps() -> tuple[DPGenerator, TrainingRecord, pd.DataFrame]:
    """2,000 rows at epsilon 1 with the default configuration (PLD, ghost clipping)."""
    table = make_table(2_000, seed=5)
    gen, record = _train(table, Budget(1.0, 1e-5), TrainingConfig(epochs=2))
    return gen, record, table


# --------------------------------------------------------------------------------- encoder


def _declared_schema() -> Schema:
    return Schema(
        (
            Column("c", K.CATEGORICAL, categories=("p", "q", "r"), domain_public=True),
            Column("i", K.NUMERIC, bounds=(0, 100), domain_public=True, integer=True),
            Column("f", K.NUMERIC, bounds=(-5.0, 5.0), domain_public=True),
            Column("d", K.DATETIME, bounds=("2020-01-01", "2020-12-31"), domain_public=True),
        )
    )


def _declared_table(n: int = 1_000) -> pd.DataFrame:
    rng = np.random.default_rng(30)
    f = rng.normal(0, 1.5, n)
    f[::97] = np.nan
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D")
    return pd.DataFrame(
        {
            "c": rng.choice(["p", "q", "r"], n),
            "i": rng.integers(0, 101, n),
            "f": f,
            "d": days.strftime("%Y-%m-%d"),
        }
    )


def test_encoder_round_trip_with_declared_domains() -> None:
    table = _declared_table()
    enc = TableEncoder.fit(
        _declared_schema(),
        table,
        budget=Budget(2.0, 1e-6),
        rng=np.random.default_rng(31),
        n_quantile_bins=8,
    )
    codes = enc.encode(table)
    assert codes.dtype == np.int64 and codes.shape == (len(table), 4)
    decoded = enc.decode(codes, np.random.default_rng(32))
    # each decoded value lies in the bin (token) it came from
    assert np.array_equal(enc.encode(decoded), codes)
    assert decoded["c"].tolist() == table["c"].tolist()  # categorical: exact
    assert str(decoded["i"].dtype) == "Int64"
    assert decoded["i"].between(0, 100).all()
    assert decoded["f"].isna().tolist() == table["f"].isna().tolist()  # missing stays missing
    assert decoded["d"].map(lambda s: bool(ISO.match(s))).all()
    # every column has a missing token; declared categories have no "other" token
    assert enc.codecs[0].tokens == ("p", "q", "r", MISSING_TOKEN)
    assert all(c.missing_code == c.n_tokens - 1 for c in enc.codecs)
    # declared domains cost nothing, nor does an integer range of at most 256 values (one
    # token per value, no data-dependent edge); DP quantile edges inside other bounds do
    assert [s.detail["column"] for s in enc.spends] == ["f", "d"]
    assert all(s.stage == "domain" and s.delta == 0 for s in enc.spends)
    assert math.fsum(s.epsilon for s in enc.spends) <= 2.0 + 1e-12


def test_encoder_maps_out_of_domain_values() -> None:
    table = _declared_table(400)
    enc = TableEncoder.fit(
        _declared_schema(), table, budget=Budget(2.0, 1e-6), rng=np.random.default_rng(33)
    )
    odd = pd.DataFrame(
        {
            "c": ["zzz", None],
            "i": [10**9, -5],
            "f": [np.inf, "text"],
            "d": ["not a date", "2030-01-01"],
        }
    )
    codes = enc.encode(odd)
    c, i, f, d = enc.codecs
    assert codes[:, 0].tolist() == [c.missing_code, c.missing_code]
    assert codes[:, 1].tolist() == [i.n_bins - 1, 0]  # clipped into the outer bins
    assert codes[:, 2].tolist() == [f.missing_code, f.missing_code]
    assert codes[:, 3].tolist() == [d.missing_code, d.n_bins - 1]


def test_measured_categories_drop_a_value_seen_once() -> None:
    """2,000 rows, one value present once, eps = 1, delta = 1e-5 for this column: the singleton
    is selected with probability exactly delta = 1e-5 (see test_mechanisms)."""
    rng = np.random.default_rng(40)
    values = rng.choice(["alpha", "beta", "gamma"], 2_000).astype(object)
    values[7] = "once_only"
    schema = Schema((Column("v", K.CATEGORICAL),))
    table = pd.DataFrame({"v": values})
    enc = TableEncoder.fit(schema, table, budget=Budget(1.0, 1e-5), rng=np.random.default_rng(41))
    codec = enc.codecs[0]
    assert "once_only" not in codec.categories
    assert set(codec.categories) == {"alpha", "beta", "gamma"}
    assert codec.tokens[-2:] == (OTHER_TOKEN, MISSING_TOKEN)
    assert codec.tokens[enc.encode(table)[7, 0]] == OTHER_TOKEN
    (spend,) = enc.spends
    assert (spend.epsilon, spend.delta, spend.detail["column"]) == (1.0, 1e-5, "v")
    report = json.dumps(enc.to_dict())
    assert "alpha" not in report and "once_only" not in report  # counts only
    assert enc.to_dict()["columns"]["v"]["domain_source"] == "measured (DP)"


def test_encoder_splits_the_domain_budget_evenly() -> None:
    table = make_table(3_000, seed=42)
    enc = TableEncoder.fit(SCHEMA, table, budget=Budget(4.0, 1e-6), rng=np.random.default_rng(43))
    assert enc.names == tuple(SYNTH_NAMES)  # text and direct identifiers are never encoded
    per_column: dict[str, float] = {}
    for s in enc.spends:
        per_column[s.detail["column"]] = per_column.get(s.detail["column"], 0.0) + s.epsilon
    # measured: ward (categories), score (bounds + edges), admitted (edges); age (0-100,
    # integer, public) has one token per value and costs nothing
    assert per_column == pytest.approx({"ward": 4 / 3, "score": 4 / 3, "admitted": 4 / 3})
    assert [s.delta for s in enc.spends if s.detail["column"] == "ward"] == [1e-6]
    assert sum(s.delta for s in enc.spends) <= 1e-6
    assert RARE not in enc.codecs[3].categories


def test_declared_but_not_public_domain_is_measured() -> None:
    """A schema written from the data may hold exact private categories: without
    domain_public=True they are ignored and the domain is measured (invariant 1)."""
    schema = Schema((Column("v", K.CATEGORICAL, categories=("alpha", "once_only")),))
    values = np.array(["alpha"] * 500 + ["once_only"], dtype=object)
    enc = TableEncoder.fit(
        schema, pd.DataFrame({"v": values}), budget=Budget(1.0, 1e-6), rng=np.random.default_rng(44)
    )
    assert enc.codecs[0].categories == ("alpha",)
    assert len(enc.spends) == 1


def test_non_private_encoder_reads_exact_domains_and_says_so() -> None:
    table = make_table(500, seed=45)
    enc = TableEncoder.fit(SCHEMA, table, budget=None, rng=np.random.default_rng(46))
    assert enc.spends == () and enc.private is False
    assert RARE in enc.codecs[3].categories
    assert enc.to_dict()["columns"]["ward"]["domain_source"] == "exact (non-private)"


# ------------------------------------------------------------------------------ generator


def test_rare_undeclared_value_never_reaches_the_release(high_eps, default_eps) -> None:
    """Invariant 1: a category present in one training row of an undeclared column cannot be
    released, because it is not in the DP-selected domain (selected with probability <= the
    column's delta share, 1e-6 here), whatever the model learned."""
    for gen, record, _table, *_ in (high_eps, default_eps):
        synthetic = gen.sample(5_000, rng=np.random.default_rng(50))
        assert not synthetic.isin([RARE]).any().any()
        assert RARE not in gen.encoder.codecs[3].categories
        assert RARE not in json.dumps(record.to_dict())


def test_record_spends_stay_within_budget_and_match_the_accountant(high_eps, default_eps) -> None:
    for (gen, record, table, *_), budget in (
        (high_eps, Budget(50.0, 1e-5)),
        (default_eps, Budget(1.0, 1e-5)),
    ):
        cfg = gen.config
        assert record.private
        assert record.epsilon <= budget.epsilon * (1 + 1e-12)
        assert record.delta <= budget.delta * (1 + 1e-12)
        stages = [s.stage for s in record.spends]
        assert stages.count("training") == 1 and set(stages) == {"domain", "training"}
        # the domain stage spends domain_share of epsilon (approximate bounds of "score") and of
        # delta (the category threshold of "ward"); the rest goes to one accountant
        train_budget = Budget(
            budget.epsilon * (1 - cfg.domain_share), budget.delta * (1 - cfg.domain_share)
        )
        domain = [s for s in record.spends if s.stage == "domain"]
        assert math.fsum(s.epsilon for s in domain) == pytest.approx(budget.epsilon * cfg.domain_share)
        assert math.fsum(s.delta for s in domain) == pytest.approx(budget.delta * cfg.domain_share)
        spend = record.training_spend
        assert spend is not None
        n = len(table)
        steps_per_epoch = math.ceil(n / cfg.logical_batch_size)
        assert record.sample_rate == 1 / steps_per_epoch
        assert record.steps == cfg.epochs * steps_per_epoch
        assert spend.detail["steps"] == record.steps
        # the Gaussian counts behind the domains and marginals, and DP-SGD, in one accountant
        expected = epsilon_for_events(
            (
                SubsampledGaussianEvent(spend.detail["marginal_noise_multiplier"], 1.0, 1),
                SubsampledGaussianEvent(record.noise_multiplier, record.sample_rate, record.steps),
            ),
            delta=train_budget.delta,
            kind=cfg.accountant,
        )
        assert spend.epsilon == pytest.approx(expected, rel=1e-12)
        assert spend.detail["accountant_epsilon"] == spend.epsilon
        assert spend.epsilon <= train_budget.epsilon
        assert spend.delta == pytest.approx(train_budget.delta)
        # Opacus sampled with Poisson at exactly the accounted rate, and agrees on epsilon
        assert spend.detail["opacus_loader_sample_rate"] == record.sample_rate
        assert spend.detail["sampling"] == "poisson"
        assert spend.detail["opacus_epsilon"] <= 1.05 * train_budget.epsilon
        assert len(record.loss_curve) == cfg.epochs
        assert all(math.isfinite(v) for v in record.loss_curve)
        assert record.final_loss == record.loss_curve[-1]
        json.dumps(record.to_dict())  # JSON-serialisable


def test_progress_is_reported_once_per_epoch(high_eps) -> None:
    _gen, _record, _table, calls = high_eps
    assert calls == [("train", 1, 3), ("train", 2, 3), ("train", 3, 3)]


def test_generator_learns_a_deterministic_dependency(high_eps) -> None:
    """B = f(A) with A uniform over 4 values. Sampling B independently of A would match f in
    25% of rows; the trained model must match in > 80%. At epsilon 50 the noise multiplier is
    ~0.3, and on this table the model reaches ~98% (a 0.8 threshold with 4,000 samples is
    > 25 standard errors above chance and leaves margin for seed-to-seed variation)."""
    gen, record, _table, _ = high_eps
    synthetic = gen.sample(4_000, rng=np.random.default_rng(51))
    assert record.noise_multiplier is not None and record.noise_multiplier < 1
    valid = synthetic["A"].isin(list(MAP))
    agreement = (synthetic.loc[valid, "B"] == synthetic.loc[valid, "A"].map(MAP)).mean()
    assert valid.mean() > 0.9
    assert agreement > 0.8


def test_sample_has_the_schema_columns_and_sensible_dtypes(high_eps) -> None:
    gen, *_ = high_eps
    synthetic = gen.sample(123, rng=np.random.default_rng(52))
    assert len(synthetic) == 123
    assert list(synthetic.columns) == SYNTH_NAMES
    assert str(synthetic["age"].dtype) == "Int64"
    assert synthetic["score"].dtype == np.float64
    for name in ("A", "B", "ward", "admitted"):
        assert pd.api.types.is_string_dtype(synthetic[name])
    assert synthetic["admitted"].dropna().map(lambda s: bool(ISO.match(s))).all()
    assert synthetic["age"].dropna().between(0, 100).all()
    assert len(gen.sample(0, rng=np.random.default_rng(53))) == 0
    same = gen.sample(50, rng=np.random.default_rng(54))
    assert same.equals(gen.sample(50, rng=np.random.default_rng(54)))  # reproducible


def test_log_prob_is_finite_and_prefers_real_rows(high_eps) -> None:
    gen, _record, table, _ = high_eps
    real = table.iloc[:500]
    lp = gen.log_prob(real)
    assert lp.shape == (500,) and np.isfinite(lp).all() and (lp <= 0).all()
    nonsense = real.copy()
    nonsense["B"] = nonsense["A"].map({"a": "x", "b": "y", "c": "z", "d": "w"})  # B != f(A)
    lp_bad = gen.log_prob(nonsense)
    assert np.isfinite(lp_bad).all()
    assert lp.mean() > lp_bad.mean() + 1.0
    outside = real.head(3).assign(ward="never seen", score=1e12, A=None)
    assert np.isfinite(gen.log_prob(outside)).all()


def test_non_private_mode_records_no_spends() -> None:
    table = make_table(300, seed=60)[SYNTH_NAMES]  # identifiers and text already dropped
    gen, record = _train(table, None, TrainingConfig(epochs=2, private=False))
    assert record.private is False and record.spends == () and record.noise_multiplier is None
    assert record.grad_sample_mode is None
    assert record.to_dict()["epsilon"] is None
    assert len(gen.sample(10, rng=np.random.default_rng(61))) == 10


def test_ghost_clipping_matches_the_hooks_reference_and_is_reproducible() -> None:
    """Ghost clipping (default) must give the same clipped, noised updates as Opacus' reference
    per-sample-gradient hooks; and one seed must reproduce one run."""
    table = make_table(300, seed=62)
    budget = Budget(20.0, 1e-4)
    base = dict(epochs=2, logical_batch_size=64, accountant=AccountantKind.RDP)
    _, ghost = _train(table, budget, TrainingConfig(**base, grad_sample_mode="ghost"))
    _, ghost2 = _train(table, budget, TrainingConfig(**base, grad_sample_mode="ghost"))
    _, hooks = _train(table, budget, TrainingConfig(**base, grad_sample_mode="hooks"))
    assert ghost.loss_curve == ghost2.loss_curve
    assert ghost.loss_curve == pytest.approx(hooks.loss_curve, rel=1e-5)
    assert ghost.noise_multiplier == hooks.noise_multiplier


@pytest.mark.parametrize("n", [50, 93])
def test_empty_poisson_batches_and_exact_step_count(n: int) -> None:
    """Expected batch 1: about a third of the Poisson batches are empty; each must still be a
    noisy step the accountant sees. n = 93 also exercises a rate where Opacus' own
    1/int(1/q) differs from q (float rounding), which we correct."""
    schema = Schema(
        (
            Column("a", K.CATEGORICAL, categories=("x", "y"), domain_public=True),
            Column("b", K.CATEGORICAL, categories=("u", "v"), domain_public=True),
        )
    )
    table = pd.DataFrame(
        {"a": ["x", "y"] * (n // 2) + ["x"] * (n % 2), "b": ["u", "v"] * (n // 2) + ["u"] * (n % 2)}
    )
    cfg = TrainingConfig(
        epochs=1, logical_batch_size=1, max_physical_batch_size=1, accountant=AccountantKind.RDP
    )
    gen = DPGenerator(schema, cfg)
    record = gen.fit(table, budget=Budget(2.0, 1e-3), rng=np.random.default_rng(63))
    assert record.steps == n and record.sample_rate == 1 / n
    assert record.training_spend is not None
    assert record.training_spend.detail["opacus_loader_sample_rate"] == 1 / n
    assert record.spends == (record.training_spend,)  # declared categoricals cost nothing


def test_fit_rejects_bad_input_without_echoing_values() -> None:
    secret = "SECRET_VALUE_123"
    table = make_table(50, seed=70).assign(ward=secret)
    budget = Budget(1.0, 1e-3)
    rng = np.random.default_rng(71)
    errors: list[str] = []
    for bad in (table.head(1), table.drop(columns=["score"]), table.head(0)):
        with pytest.raises(InvalidInputError) as info:
            DPGenerator(SCHEMA).fit(bad, budget=budget, rng=rng)
        errors.append(str(info.value))
    text_only = Schema(
        (Column("notes", K.TEXT, R.FREE_TEXT), Column("name", K.CATEGORICAL, R.DIRECT_IDENTIFIER))
    )
    with pytest.raises(InvalidInputError) as info:
        DPGenerator(text_only).fit(table, budget=budget, rng=rng)
    errors.append(str(info.value))
    with pytest.raises(PrivacyBudgetError):  # delta >= 1/n (invariant 3)
        DPGenerator(SCHEMA).fit(table, budget=Budget(1.0, 0.05), rng=rng)
    with pytest.raises(PrivacyBudgetError):
        DPGenerator(SCHEMA).fit(table, budget=None, rng=rng)
    with pytest.raises(PrivacyBudgetError):
        DPGenerator(SCHEMA, TrainingConfig(domain_share=0.0)).fit(table, budget=budget, rng=rng)
    with pytest.raises(InvalidInputError):
        DPGenerator(SCHEMA).sample(5, rng=rng)
    with pytest.raises(InvalidInputError):
        DPGenerator(SCHEMA).log_prob(table)
    with pytest.raises(InvalidInputError):
        TrainingConfig(epochs=0)
    with pytest.raises(InvalidInputError):
        TrainingConfig(grad_sample_mode="magic")
    assert all(secret not in e for e in errors)


def test_opacus_runs_prv_for_prv_and_pld() -> None:
    """Opacus' own accountant (checked after training) is PRV for our PRV and PLD, RDP for RDP;
    PRV is the default of the generator and of a run."""
    from clearance.config import RunConfig
    from synth.generator import _opacus_accountant

    assert TrainingConfig().accountant is AccountantKind.PRV
    assert RunConfig(input_path="in.csv", out_dir="out", epsilon=1.0).accountant is (
        AccountantKind.PRV
    )
    assert _opacus_accountant(AccountantKind.PRV) == "prv"
    assert _opacus_accountant(AccountantKind.PLD) == "prv"
    assert _opacus_accountant(AccountantKind.RDP) == "rdp"
