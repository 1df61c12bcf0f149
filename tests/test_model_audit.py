"""The model audit's parts (exposure, canaries, offline LiRA) and the audit of third-party
generators through the trainer protocol. Seeded; tolerances from the null distributions."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from audit.canaries import TOKEN_SECRET_DIGITS, design_canaries, row_keys
from audit.exposure import NULL_EXPOSURE_BITS, exposure_by_rank, extrapolated_exposure
from audit.lira import balanced_inclusion, offline_lira_scores
from audit.membership import likelihood_attack
from audit.model_audit import AuditConfig, ModelAudit, audit_generator
from audit.protocol import GeneratorTrainer
from privacy.errors import InvalidInputError
from tests.test_audit import MemorisingGenerator

# ---------------------------------------------------------------------------------------------
# Exposure


def test_exposure_matches_the_secret_sharer_reference_values() -> None:
    # REFERENCE.md: 16 reference perplexities 1..16; a canary at 3.5 has exposure 2.0, at 0 4.0.
    # Scores here are log-likelihoods (higher = more likely), so perplexities are negated.
    refs = -np.arange(1, 17, dtype=float)
    assert exposure_by_rank(-3.5, refs) == pytest.approx(2.0)
    assert exposure_by_rank(0.0, refs) == pytest.approx(4.0)


def test_exposure_counts_ties_half_and_never_goes_negative() -> None:
    refs = np.zeros(16)
    # every candidate tied with the canary: rank 1 + 16/2 = 9
    assert exposure_by_rank(0.0, refs) == pytest.approx(4.0 - math.log2(9))
    assert exposure_by_rank(-1.0, refs) == 0.0  # ranked last: clipped at 0


def test_exposure_of_an_unseen_canary_averages_the_null_value() -> None:
    # Rank uniform on 1..N+1 among N others: E[exposure] = log2 N - mean log2 r, close to 1/ln 2.
    rng = np.random.default_rng(0)
    n_others, trials = 1023, 3000
    values = [
        exposure_by_rank(float(rng.normal()), rng.normal(size=n_others)) for _ in range(trials)
    ]
    ranks = np.arange(1, n_others + 2)
    expected = math.log2(n_others) - float(np.mean(np.log2(ranks)))
    sd = float(np.std(math.log2(n_others) - np.log2(ranks)))
    assert abs(np.mean(values) - expected) <= 4 * sd / math.sqrt(trials)
    assert abs(expected - NULL_EXPOSURE_BITS) < 0.01


def test_extrapolated_exposure_is_calibrated_under_the_null_and_large_for_outliers() -> None:
    rng = np.random.default_rng(1)
    trials = 400
    values = [
        extrapolated_exposure(float(rng.gumbel()), rng.gumbel(size=1000)) for _ in range(trials)
    ]
    # -log2 U has mean and standard deviation 1/ln 2 when U is uniform
    assert abs(np.mean(values) - NULL_EXPOSURE_BITS) <= 4 * NULL_EXPOSURE_BITS / math.sqrt(trials)
    refs = rng.normal(size=1000)
    far = extrapolated_exposure(8.0, refs)  # 8 sigma: P = 6e-16, about 50 bits
    assert far > 40
    assert far == pytest.approx(-math.log2(stats.norm.sf(8.0)), rel=0.15)


def test_exposure_refuses_bad_scores() -> None:
    with pytest.raises(InvalidInputError, match="NaN or infinite"):
        extrapolated_exposure(0.0, np.r_[np.zeros(60), np.nan])
    with pytest.raises(InvalidInputError, match="at least"):
        extrapolated_exposure(0.0, np.zeros(10))
    with pytest.raises(InvalidInputError, match="NaN"):
        exposure_by_rank(float("nan"), np.zeros(4))


# ---------------------------------------------------------------------------------------------
# Canaries


def _population(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(["north", "south", "east", "west"], size=n)
    flip = rng.random(n) < 0.3
    return pd.DataFrame({
        "region": a,
        "clinic": rng.choice([f"clinic-{i}" for i in range(12)], size=n),
        "age": rng.integers(18, 90, size=n),
        "outcome": np.where(flip, rng.choice(["a", "b", "c", "d"], size=n),
                            pd.Series(a).map({"north": "a", "south": "b", "east": "c", "west": "d"})),
    })


def test_canaries_are_unique_plausible_and_sit_in_their_candidate_space() -> None:
    pop = _population(500)
    design = design_canaries(pop, max_candidates=4096, token_columns=("clinic",))
    assert design.secret_columns == ("clinic", "outcome", "region")  # categorical, widest first
    assert design.n_candidates == 12 * 4 * 4
    rng = np.random.default_rng(2)
    seen = set(row_keys(pop))
    canaries = design.record_canaries(50, rng, seen=seen)
    assert len(seen) == len(set(row_keys(pop))) + 50
    keys = set(map(tuple, pop.astype(str).to_numpy().tolist()))
    assert not any(tuple(r) in keys for r in canaries.astype(str).to_numpy().tolist())
    assert len(set(map(tuple, canaries.astype(str).to_numpy().tolist()))) == 50
    for col in pop.columns:
        assert set(canaries[col]) <= set(pop[col])  # every value is one the column holds
    assert canaries["age"].dtype == pop["age"].dtype
    candidates, own = design.record_candidates(canaries.iloc[0])
    assert len(candidates) == design.n_candidates
    pd.testing.assert_series_equal(
        candidates.iloc[own], canaries.iloc[0], check_names=False, check_dtype=False
    )
    tokens = design.token_canaries(3, rng, seen=seen)
    assert tokens["clinic"].str.fullmatch(r"\d{3}-\d{2}-\d{4}").all()
    space, own = design.token_candidates(tokens.iloc[0])
    assert len(space) == 10**TOKEN_SECRET_DIGITS
    assert space["clinic"].iloc[own] == tokens["clinic"].iloc[0]
    assert space["clinic"].str[:-TOKEN_SECRET_DIGITS].nunique() == 1


def test_secret_values_are_drawn_uniformly() -> None:
    pop = _population(2000)
    pop["region"] = np.where(np.arange(2000) < 1900, "north", "south")  # very skewed marginal
    design = design_canaries(pop, secret_candidates=["region"])
    draws = design.draw(4000, np.random.default_rng(3))
    share = float((draws["region"] == "south").mean())
    assert abs(share - 0.5) <= 4 * math.sqrt(0.25 / 4000)


# ---------------------------------------------------------------------------------------------
# Offline LiRA


def test_balanced_inclusion_puts_every_row_in_half_of_the_models() -> None:
    inc = balanced_inclusion(1000, 6, np.random.default_rng(4))
    assert inc.shape == (6, 1000)
    assert (inc.sum(axis=0) == 3).all()
    # each model holds each row with probability 1/2
    assert np.all(np.abs(inc.sum(axis=1) - 500) <= 4 * math.sqrt(250))
    with pytest.raises(InvalidInputError, match="even"):
        balanced_inclusion(10, 3, np.random.default_rng(0))


def test_offline_lira_is_at_chance_without_leakage_and_strong_with_it() -> None:
    rng = np.random.default_rng(5)
    k, n = 4, 3000
    inc = balanced_inclusion(n, k, rng)
    difficulty = rng.normal(0, 3, size=n)  # rows differ a lot in how likely they are
    noise = rng.normal(0, 1, size=(k, n))
    null = offline_lira_scores(difficulty + noise, inc, rng)
    res = likelihood_attack(member_scores=null.member_scores, non_member_scores=null.non_member_scores)
    n1, n2 = null.member_scores.size, null.non_member_scores.size
    se = math.sqrt((n1 + n2 + 1) / (12 * n1 * n2))
    assert abs(res.auc.value - 0.5) <= stats.norm.ppf(0.995) * se
    assert null.n_references == 1
    leak = offline_lira_scores(difficulty + noise + 1.5 * inc, inc, rng)
    strong = likelihood_attack(member_scores=leak.member_scores, non_member_scores=leak.non_member_scores)
    # calibration removes the row difficulty: the per-row difference has SD sqrt(2), shift 1.5
    assert strong.auc.value == pytest.approx(stats.norm.cdf(1.5 / 2), abs=0.03)


# ---------------------------------------------------------------------------------------------
# Auditing third-party generators through the protocol


class _Memoriser:
    """Samples its training rows back; scores a row by how often it saw it (unlike
    tests/test_audit.py's MemorisingGenerator, a canary seen 8 times outranks a row seen once)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.rows = table.reset_index(drop=True)
        self.counts = _keys(self.rows).value_counts()

    def sample(self, n: int, *, rng: np.random.Generator) -> pd.DataFrame:
        return self.rows.iloc[rng.integers(0, len(self.rows), n)].reset_index(drop=True)

    def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
        return np.log(_keys(rows).map(self.counts).fillna(0).to_numpy(float) + 1e-3)


class _SampleOnly:
    """The memorising generator of tests/test_audit.py with its log_prob hidden: black-box."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.sample = MemorisingGenerator(table).sample


class _Oblivious:
    """Ignores its training table: independent marginals of a fixed public table, plus
    model-specific noise in its scores (two trainings differ, as real ones do)."""

    def __init__(self, public: pd.DataFrame, seed: int) -> None:
        self.public = public
        self.logp = {c: np.log(public[c].astype(str).value_counts(normalize=True)) for c in public}
        self.seed = seed

    def sample(self, n: int, *, rng: np.random.Generator) -> pd.DataFrame:
        return self.public.sample(n, replace=True, random_state=int(rng.integers(2**31)))

    def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
        total = sum(rows[c].astype(str).map(self.logp[c]).fillna(-20.0).to_numpy() for c in rows)
        wobble = np.random.default_rng([self.seed, 7]).normal(0, 0.05, size=len(rows))
        return np.asarray(total, dtype=float) + wobble


def _keys(table: pd.DataFrame) -> pd.Series:
    return table.astype(str).agg("|".join, axis=1)


class _Trainer:
    def __init__(self, make) -> None:  # noqa: ANN001 - a test double
        self.make = make
        self.calls = 0

    def train(self, table: pd.DataFrame, *, rng: np.random.Generator):  # noqa: ANN201
        self.calls += 1
        return self.make(table, int(rng.integers(2**31)))


SMALL = AuditConfig(reference_candidates=200, max_candidates=1024)


def test_the_audit_flags_a_memorising_third_party_generator() -> None:
    pop = _population(2000)
    trainer = _Trainer(lambda table, _seed: _Memoriser(table))
    assert isinstance(trainer, GeneratorTrainer)
    result = audit_generator(
        trainer, pop, claimed_epsilon=1.0, claimed_delta=1e-5,
        rng=np.random.default_rng(6), config=SMALL,
    )
    assert trainer.calls == 4
    assert result.white_box
    # one-run: every guess right, so the bound is the most this audit can show, far above 1
    assert result.one_run is not None and result.one_run.n_correct == result.one_run.n_guesses
    assert result.empirical_epsilon == pytest.approx(result.one_run_ceiling)
    assert result.empirical_epsilon > 2.5
    assert result.exceeds_claim
    by_reps = {e.repetitions: e for e in result.exposures if e.kind == "record"}
    assert by_reps[8].share_of_max == pytest.approx(1.0)
    assert by_reps[0].mean < 3  # the never-inserted control stays near the null
    assert result.lira is not None and result.lira.tpr_at_fpr[0.01].tpr.lower > 0.01
    assert result.lira.beats_baseline
    json.dumps(result.to_dict())
    assert ModelAudit.from_dict(result.to_dict()).to_dict() == result.to_dict()


def test_the_audit_flags_a_sample_only_generator_black_box() -> None:
    pop = _population(1000)
    result = audit_generator(
        _Trainer(lambda table, _seed: _SampleOnly(table)), pop,
        claimed_epsilon=1.0, claimed_delta=1e-5, rng=np.random.default_rng(7), config=SMALL,
    )
    assert not result.white_box
    assert result.empirical_epsilon is not None and result.empirical_epsilon > 1.0
    assert any("black-box" in note for note in result.notes)


def test_the_audit_does_not_flag_a_generator_that_ignores_its_data() -> None:
    pop = _population(2000)
    public = _population(2000, seed=99)  # same population, never the audited rows
    result = audit_generator(
        _Trainer(lambda _table, seed: _Oblivious(public, seed)), pop,
        claimed_epsilon=1.0, claimed_delta=1e-5, rng=np.random.default_rng(8), config=SMALL,
    )
    assert result.one_run is not None
    # the bound holds with 95% confidence for any 1-DP mechanism; this one is 0-DP
    assert not result.exceeds_claim
    assert result.empirical_epsilon < 0.5
    lira = result.lira
    assert lira is not None
    se = math.sqrt((lira.n_members + lira.n_non_members + 1) / (12 * lira.n_members * lira.n_non_members))
    assert abs(lira.auc.value - 0.5) <= stats.norm.ppf(0.995) * se
    for e in result.exposures:
        assert e.mean <= NULL_EXPOSURE_BITS + 4 * NULL_EXPOSURE_BITS / math.sqrt(e.n_canaries) + 1


def test_the_audit_refuses_unusable_input() -> None:
    pop = _population(200)
    trainer = _Trainer(lambda table, _seed: _Memoriser(table))
    with pytest.raises(InvalidInputError, match="even"):
        AuditConfig(n_models=3)
    with pytest.raises(InvalidInputError, match="at least 40 population rows"):
        audit_generator(trainer, pop.head(10), claimed_epsilon=1.0, claimed_delta=1e-5,
                        rng=np.random.default_rng(0))
    with pytest.raises(InvalidInputError, match="train"):
        audit_generator(object(), pop, claimed_epsilon=1.0, claimed_delta=1e-5,  # type: ignore[arg-type]
                        rng=np.random.default_rng(0))
    with pytest.raises(InvalidInputError, match="claimed_epsilon"):
        audit_generator(trainer, pop, claimed_epsilon=-1.0, claimed_delta=1e-5,
                        rng=np.random.default_rng(0))


def test_token_canaries_are_planted_and_exposed_where_a_column_learns_its_categories() -> None:
    pop = _population(1500)
    result = audit_generator(
        _Trainer(lambda table, _seed: _Memoriser(table)), pop,
        claimed_epsilon=1.0, claimed_delta=1e-5, rng=np.random.default_rng(9), config=SMALL,
        token_columns=("clinic",),
    )
    assert result.token_column == "clinic"
    tokens = {e.repetitions: e for e in result.exposures if e.kind == "token"}
    assert set(tokens) == {0, 1, 2, 4, 8}
    assert tokens[8].candidates == 10**TOKEN_SECRET_DIGITS
    assert tokens[8].share_of_max == pytest.approx(1.0)  # the memoriser ranks its token first
    assert tokens[0].mean < 2  # never inserted: tied with every other token (about 1 bit)
    # invariant 6: no canary value (an SSN-like token) is in the result
    assert not re.search(r"\d{3}-\d{2}-\d{4}", json.dumps(result.to_dict()))
