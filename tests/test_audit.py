"""Tests for audit/: membership-inference attacks and synthetic-data quality.

Statistical tests are seeded and their tolerances come from theory (Hanley-McNeil standard
errors, binomial bounds, chi-square tails), never from a number seen in one run.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

from audit import (
    AttackResult,
    AuditableGenerator,
    QualityResult,
    ShapeMetric,
    SupportsLogProb,
    ThreatModel,
    UtilityMetric,
    balanced_targets,
    cramers_v,
    distance_to_closest_record_attack,
    downsample_roc,
    hanley_mcneil_se,
    likelihood_attack,
    measure_quality,
    roc_auc,
    roc_counts,
    white_box_likelihood_attack,
)
from privacy.errors import InvalidInputError
from privacy.estimate import IntervalMethod

CATEGORICAL = ["sex", "ward", "diagnosis", "readmitted"]
NUMERIC = ["age", "bmi", "length_of_stay"]
DATES = ["admitted"]


def se_at_half(n1: int, n2: int) -> float:
    """Hanley-McNeil SE of the AUC under the null (AUC 0.5): sqrt((n1+n2+1) / (12 n1 n2))."""
    return math.sqrt((n1 + n2 + 1) / (12 * n1 * n2))


def population(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """A seeded hospital-like table with correlated columns, a date and an SSN-like ID."""
    age = np.clip(rng.normal(55, 18, n), 18, 95).round()
    sex = rng.choice(["F", "M"], n)
    bmi = rng.normal(27, 4, n) + 0.08 * (age - 55)
    ward = np.where(age > 70, rng.choice(["geriatrics", "cardiology"], n),
                    rng.choice(["surgery", "cardiology", "oncology", "maternity"], n))
    diagnosis = rng.choice([f"I{c:02d}" for c in range(15)], n)
    stay = rng.poisson(2 + 0.05 * (age - 18)).astype(float)
    risk = 0.04 * (age - 55) + 0.15 * (bmi - 27) + 0.2 * stay + rng.logistic(0, 1, n)
    admitted = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    return pd.DataFrame({
        "ssn": [f"{a:03d}-{b:02d}-{c:04d}" for a, b, c in zip(
            rng.integers(100, 900, n), rng.integers(10, 99, n), rng.integers(1000, 9999, n),
            strict=True)],
        "age": age,
        "sex": sex,
        "bmi": bmi.round(1),
        "ward": ward,
        "diagnosis": diagnosis,
        "length_of_stay": stay,
        "admitted": admitted.strftime("%Y-%m-%d"),
        "readmitted": np.where(risk > 1.0, "yes", "no"),
    })


class MemorisingGenerator:
    """A worst-case generator: it releases its training rows and is sure of them."""

    def __init__(self, train: pd.DataFrame) -> None:
        self._train = train.reset_index(drop=True)
        self._seen = set(pd.util.hash_pandas_object(self._train, index=False))

    def sample(self, n: int, *, rng: np.random.Generator) -> pd.DataFrame:
        idx = rng.choice(len(self._train), size=n, replace=n > len(self._train))
        return self._train.iloc[idx].reset_index(drop=True)

    def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
        hashes = pd.util.hash_pandas_object(rows.reset_index(drop=True), index=False)
        return np.where([h in self._seen for h in hashes], 0.0, -10.0)


class PopulationGenerator:
    """An ideal generator: it samples the population afresh and never looks at its training
    rows, so membership is not inferable from its output."""

    def sample(self, n: int, *, rng: np.random.Generator) -> pd.DataFrame:
        return population(n, rng).drop(columns=["ssn"])

    def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(rows))


# ---------------------------------------------------------------------------------------------
# Layering


def test_audit_imports_no_generator_reports_or_torch() -> None:
    """DESIGN.md: audit may import privacy only; never synth, reports, clearance or torch."""
    code = (
        "import sys, audit; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'synth', 'reports', 'clearance', 'torch', 'opacus'}); print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fake_generators_satisfy_the_protocol() -> None:
    train = population(10, np.random.default_rng(0))
    assert isinstance(MemorisingGenerator(train), AuditableGenerator)
    assert isinstance(PopulationGenerator(), SupportsLogProb)
    assert not isinstance(object(), SupportsLogProb)


# ---------------------------------------------------------------------------------------------
# ROC, AUC and the attack result from scores


def test_hand_computed_auc_with_ties() -> None:
    """Members 3, 2, 1 against non-members 0, 2: of 6 pairs the member wins 4 and ties 1,
    so AUC = (4 + 0.5) / 6 = 0.75."""
    assert roc_auc(np.array([3.0, 2.0, 1.0]), np.array([0.0, 2.0])) == pytest.approx(0.75)
    fp, tp = roc_counts(np.array([3.0, 2.0, 1.0]), np.array([0.0, 2.0]))
    # Thresholds 3, 2 (a tie of one member and one non-member enters together), 1, 0.
    assert fp.tolist() == [0, 0, 1, 1, 2]
    assert tp.tolist() == [0, 1, 2, 3, 3]


def test_roc_matches_sklearn_with_heavy_ties() -> None:
    rng = np.random.default_rng(11)
    members = rng.normal(0.4, 1, 700).round(1)
    non = rng.normal(0, 1, 900).round(1)
    y = np.r_[np.ones(members.size), np.zeros(non.size)]
    scores = np.r_[members, non]
    assert roc_auc(members, non) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    fpr, tpr, _ = roc_curve(y, scores, drop_intermediate=False)
    fp, tp = roc_counts(members, non)
    np.testing.assert_allclose(fp / non.size, fpr)
    np.testing.assert_allclose(tp / members.size, tpr)


def test_perfectly_separated_scores() -> None:
    rng = np.random.default_rng(1)
    result = likelihood_attack(
        member_scores=rng.uniform(1, 2, 2000), non_member_scores=rng.uniform(-2, -1, 2000)
    )
    assert result.auc.value == 1.0
    assert result.advantage.value == 1.0
    for target in (0.01, 0.001):
        point = result.tpr_at_fpr[target]
        assert point.resolvable
        assert point.tpr.value == 1.0 and point.false_positives == 0
    assert result.beats_baseline


def test_identical_distributions_give_auc_near_one_half() -> None:
    n = 20_000
    rng = np.random.default_rng(2)
    result = likelihood_attack(
        member_scores=rng.normal(size=n), non_member_scores=rng.normal(size=n)
    )
    assert abs(result.auc.value - 0.5) <= 4 * se_at_half(n, n)
    # The DKW band of the advantage must reach its true value, 0.
    assert result.advantage.lower == 0.0
    assert not result.beats_baseline


def test_hanley_mcneil_reduces_to_the_null_formula() -> None:
    for n1, n2 in [(10, 10), (100, 37), (5000, 20_000)]:
        assert hanley_mcneil_se(0.5, n_members=n1, n_non_members=n2) == pytest.approx(
            se_at_half(n1, n2), rel=1e-12
        )
    assert hanley_mcneil_se(1.0, n_members=50, n_non_members=50) == 0.0


def test_auc_interval_covers_the_binormal_truth() -> None:
    """Scores N(d, 1) for members and N(0, 1) for non-members have AUC Phi(d / sqrt 2).

    The 95% Hanley-McNeil interval is approximate; allow a true coverage as low as 0.93 and
    fail only when the count of covering replications falls below the 0.1% quantile of
    Binomial(R, 0.93).
    """
    d, n, reps = 1.0, 200, 200
    truth = stats.norm.cdf(d / math.sqrt(2))
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(reps):
        result = likelihood_attack(
            member_scores=rng.normal(d, 1, n), non_member_scores=rng.normal(0, 1, n)
        )
        assert result.auc.method is IntervalMethod.HANLEY_MCNEIL
        covered += result.auc.lower <= truth <= result.auc.upper
    assert covered >= stats.binom.ppf(1e-3, reps, 0.93)


def test_tpr_at_fpr_thresholds_and_intervals() -> None:
    rng = np.random.default_rng(4)
    n_members, n_non = 800, 500  # 500 non-members resolve FPR 1% (5 FP) but not 0.1%
    members, non = rng.normal(1.5, 1, n_members), rng.normal(0, 1, n_non)
    result = likelihood_attack(member_scores=members, non_member_scores=non)
    low, lowest = result.tpr_at_fpr[0.01], result.tpr_at_fpr[0.001]
    assert low.resolvable and not lowest.resolvable
    assert low.false_positives <= 0.01 * n_non and lowest.false_positives == 0
    assert "not resolvable" in result.notes
    for point in (low, lowest):
        assert point.achieved_fpr <= point.target_fpr
        assert point.tpr.lower <= point.tpr.value <= point.tpr.upper
        assert point.tpr.value == point.true_positives / n_members
        assert point.tpr.method is IntervalMethod.CLOPPER_PEARSON
        # The best TPR over every threshold whose FPR stays within the target (brute force).
        best = max(
            (members >= t).sum()
            for t in np.r_[members, non, np.inf]
            if (non >= t).sum() <= point.target_fpr * n_non
        )
        assert point.true_positives == best


def test_advantage_is_the_max_gap_with_a_dkw_interval() -> None:
    rng = np.random.default_rng(5)
    members, non = rng.normal(0.7, 1, 600), rng.normal(0, 1, 400)
    result = likelihood_attack(member_scores=members, non_member_scores=non)
    brute = max(
        (members >= t).mean() - (non >= t).mean() for t in np.r_[members, non, np.inf]
    )
    assert result.advantage.value == pytest.approx(brute, abs=1e-12)
    eps = math.sqrt(math.log(4 / 0.05) / 1200) + math.sqrt(math.log(4 / 0.05) / 800)
    assert result.advantage.upper == pytest.approx(min(1.0, brute + eps))
    assert result.advantage.lower == pytest.approx(max(0.0, brute - eps))


def test_roc_is_downsampled_for_log_axes() -> None:
    rng = np.random.default_rng(6)
    members, non = rng.normal(1, 1, 3000), rng.normal(0, 1, 3000)
    result = likelihood_attack(member_scores=members, non_member_scores=non)
    roc = np.array(result.roc)
    assert len(roc) <= 200
    assert tuple(roc[0]) == (0.0, 0.0) and tuple(roc[-1]) == (1.0, 1.0)
    assert np.all(np.diff(roc[:, 0]) >= 0) and np.all(np.diff(roc[:, 1]) >= 0)
    # Every kept point lies on the full curve.
    fp, tp = roc_counts(members, non)
    full = set(zip((fp / non.size).tolist(), (tp / members.size).tolist(), strict=True))
    assert {tuple(p) for p in roc.tolist()} <= full
    # Dense at low FPR: the ten smallest FPRs (1/n apart, a decade on a log axis) are all kept.
    assert set((fp / non.size)[fp <= 10].tolist()) <= set(roc[:, 0].tolist())
    assert len(roc) >= 150  # the budget is used, not lost to empty buckets
    short = downsample_roc(np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.7, 1.0]))
    assert short == ((0.0, 0.0), (0.5, 0.7), (1.0, 1.0))


def test_scores_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="NaN"):
        likelihood_attack(member_scores=np.array([1.0, np.nan]), non_member_scores=np.zeros(2))
    with pytest.raises(InvalidInputError, match="non-empty"):
        likelihood_attack(member_scores=np.array([]), non_member_scores=np.zeros(2))
    # Infinite log-likelihoods are legitimate (a row the model finds impossible).
    result = likelihood_attack(
        member_scores=np.array([0.0, -1.0]), non_member_scores=np.array([-np.inf, -2.0])
    )
    assert result.auc.value == 1.0


def test_attack_result_round_trips_through_json() -> None:
    rng = np.random.default_rng(7)
    result = likelihood_attack(
        member_scores=rng.normal(0.3, 1, 300), non_member_scores=rng.normal(0, 1, 300)
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert AttackResult.from_dict(data) == result


# ---------------------------------------------------------------------------------------------
# Attacks on generators: a privacy test must be able to fail


def test_memorising_generator_is_flagged_by_both_attacks() -> None:
    rng = np.random.default_rng(8)
    members, non_members = population(1000, rng), population(1000, rng)
    model = MemorisingGenerator(members)
    white = white_box_likelihood_attack(model, members=members, non_members=non_members)
    assert white.auc.value == 1.0
    assert white.threat_model is ThreatModel.WHITE_BOX_LIKELIHOOD
    synthetic = model.sample(len(members), rng=rng).drop(columns=["ssn"])
    black = distance_to_closest_record_attack(
        synthetic=synthetic, members=members, non_members=non_members, rng=rng, datetime=DATES
    )
    assert black.auc.value > 0.9 and black.beats_baseline
    assert black.threat_model is ThreatModel.BLACK_BOX_SYNTHETIC


def test_independent_generator_gives_dcr_auc_near_one_half() -> None:
    rng = np.random.default_rng(9)
    members, non_members = population(1000, rng), population(1000, rng)
    synthetic = PopulationGenerator().sample(5000, rng=rng)
    result = distance_to_closest_record_attack(
        synthetic=synthetic, members=members, non_members=non_members, rng=rng, datetime=DATES
    )
    assert abs(result.auc.value - 0.5) <= 4 * se_at_half(1000, 1000)
    assert "not evidence of privacy" in result.notes


def test_dcr_is_fast_enough() -> None:
    rng = np.random.default_rng(10)
    synthetic = PopulationGenerator().sample(5000, rng=rng)
    members, non_members = population(1000, rng), population(1000, rng)
    start = time.perf_counter()
    distance_to_closest_record_attack(
        synthetic=synthetic, members=members, non_members=non_members, rng=rng, datetime=DATES
    )
    assert time.perf_counter() - start < 5.0


def test_dcr_on_a_hand_computable_table() -> None:
    """Members copy the synthetic rows (missing values included): distance 0. Non-members
    differ in one column of two (Gower distance 1/2), so the attack separates them fully."""
    synthetic = pd.DataFrame({"x": [1.0, np.nan, 3.0], "c": ["a", None, "a"]})
    members = synthetic.copy()
    non_members = pd.DataFrame({"x": [1.0, 5.0], "c": ["unseen", None]})
    result = distance_to_closest_record_attack(
        synthetic=synthetic, members=members, non_members=non_members,
        rng=np.random.default_rng(0),
    )
    assert result.auc.value == 1.0


def test_white_box_attack_checks_its_model() -> None:
    rows = population(5, np.random.default_rng(0))

    class WrongShape:
        def log_prob(self, rows: pd.DataFrame) -> np.ndarray:
            return np.zeros(len(rows) + 1)

    with pytest.raises(InvalidInputError, match="log_prob"):
        not_a_model: Any = object()
        white_box_likelihood_attack(not_a_model, members=rows, non_members=rows)
    with pytest.raises(InvalidInputError, match="one log-likelihood per row"):
        white_box_likelihood_attack(WrongShape(), members=rows, non_members=rows)


def test_balanced_targets() -> None:
    rng = np.random.default_rng(12)
    members, non_members = population(300, rng), population(500, rng)
    before = (members.copy(), non_members.copy())
    m, n = balanced_targets(members, non_members, n=200, rng=rng)
    assert len(m) == len(n) == 200
    assert m["ssn"].is_unique and set(m["ssn"]) <= set(members["ssn"])
    assert set(n["ssn"]) <= set(non_members["ssn"])
    pd.testing.assert_frame_equal(members, before[0])
    pd.testing.assert_frame_equal(non_members, before[1])
    with pytest.raises(InvalidInputError, match="cannot draw"):
        balanced_targets(members, non_members, n=301, rng=rng)


def test_attack_results_hold_no_raw_values() -> None:
    rng = np.random.default_rng(13)
    members, non_members = population(400, rng), population(400, rng)
    model = MemorisingGenerator(members)
    synthetic = model.sample(400, rng=rng).drop(columns=["ssn"])
    results = [
        white_box_likelihood_attack(model, members=members, non_members=non_members),
        distance_to_closest_record_attack(
            synthetic=synthetic, members=members, non_members=non_members, rng=rng,
            datetime=DATES,
        ),
    ]
    text = json.dumps([r.to_dict() for r in results])
    assert not any(ssn in text for ssn in members["ssn"])
    assert not any(ssn in text for ssn in non_members["ssn"])


# ---------------------------------------------------------------------------------------------
# Quality


def quality(real_train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame,
            *, target: str | None, seed: int = 0) -> QualityResult:
    return measure_quality(
        real_train=real_train, real_holdout=holdout, synthetic=synthetic, target=target,
        categorical=CATEGORICAL, numeric=NUMERIC, datetime=DATES,
        rng=np.random.default_rng(seed), n_bootstrap=200,
    )


def test_a_copy_of_the_holdout_scores_one() -> None:
    rng = np.random.default_rng(20)
    holdout = population(1500, rng)
    result = quality(holdout, holdout, holdout.drop(columns=["ssn"]).copy(), target=None)
    assert {s.similarity for s in result.per_column.values()} == {1.0}
    assert result.per_column["age"].metric is ShapeMetric.KS
    assert result.per_column["admitted"].metric is ShapeMetric.KS
    assert result.per_column["ward"].metric is ShapeMetric.TVD
    assert result.pair_trend_score == 1.0 and result.overall_score == 1.0
    for marginal in result.marginals.values():
        assert marginal.real == marginal.synthetic


def test_shuffled_columns_lose_pair_trends_but_keep_shapes() -> None:
    rng = np.random.default_rng(21)
    holdout, faithful = population(2000, rng), population(2000, rng).drop(columns=["ssn"])
    shuffled = faithful.copy()
    for col in shuffled.columns:
        shuffled[col] = rng.permutation(shuffled[col].to_numpy())
    good = quality(holdout, holdout, faithful, target=None)
    bad = quality(holdout, holdout, shuffled, target=None)
    # Column shapes do not see the order of rows within a column.
    assert {c: s.similarity for c, s in bad.per_column.items()} == pytest.approx(
        {c: s.similarity for c, s in good.per_column.items()}
    )
    assert bad.pair_trend_score < good.pair_trend_score
    assert bad.overall_score < good.overall_score


def test_tstr_matches_trtr_for_a_fresh_sample_and_drops_for_a_shuffled_one() -> None:
    rng = np.random.default_rng(22)
    train, holdout = population(3000, rng), population(2000, rng)
    fresh = population(3000, rng).drop(columns=["ssn"])
    result = quality(train, holdout, fresh, target="readmitted")
    assert result.utility is not None
    for metric in UtilityMetric:
        ratio = result.utility.ratio[metric]
        assert ratio.method is IntervalMethod.BOOTSTRAP
        assert ratio.lower <= 1.0 <= ratio.upper or ratio.value > 0.9
    shuffled = fresh.copy()
    shuffled["readmitted"] = rng.permutation(shuffled["readmitted"].to_numpy())
    broken = quality(train, holdout, shuffled, target="readmitted")
    assert broken.utility is not None
    assert broken.utility.ratio[UtilityMetric.ACCURACY].upper < 1.0
    assert result.tstr_ratio == result.utility.ratio[UtilityMetric.ROC_AUC]
    assert broken.tstr_ratio is not None and broken.tstr_ratio.upper < 1.0


def test_quality_result_is_json_and_leaks_no_raw_value() -> None:
    """Real tables carry an SSN the synthetic table lacks, and a diagnosis code the synthetic
    table never shows: neither may appear in the report."""
    rng = np.random.default_rng(23)
    train, holdout = population(1000, rng), population(1000, rng)
    holdout.loc[:9, "diagnosis"] = "Z99-REAL-ONLY"
    synthetic = population(1000, rng).drop(columns=["ssn"])
    before = holdout.copy()
    result = quality(train, holdout, synthetic, target="readmitted")
    text = json.dumps(result.to_dict())
    assert json.loads(text)["utility"]["ratio"]["accuracy"]["method"] == "bootstrap"
    assert not any(ssn in text for ssn in pd.concat([train["ssn"], holdout["ssn"]]))
    assert "Z99-REAL-ONLY" not in text
    pd.testing.assert_frame_equal(holdout, before)


def test_quality_input_errors_list_every_problem() -> None:
    rng = np.random.default_rng(24)
    table = population(50, rng)
    with pytest.raises(InvalidInputError, match="target 'age' must be one of the categorical"):
        measure_quality(real_train=table, real_holdout=table, synthetic=table, target="age",
                        categorical=CATEGORICAL, numeric=NUMERIC, rng=rng)
    with pytest.raises(InvalidInputError, match="2 problems") as info:
        measure_quality(real_train=table, real_holdout=table.drop(columns=["age"]),
                        synthetic=table.drop(columns=["sex"]), target=None,
                        categorical=CATEGORICAL, numeric=NUMERIC, rng=rng)
    assert "real_holdout lacks columns ['age']" in str(info.value)


def test_cramers_v_bounds() -> None:
    """Identical columns give exactly 1 (Bergsma's correction cancels); independent columns
    stay below the value a chi-square 4 standard deviations above its mean would give."""
    rng = np.random.default_rng(25)
    n, k, r = 5000, 6, 4
    a = rng.integers(0, k, n)
    assert cramers_v(a, a) == pytest.approx(1.0)
    b = rng.integers(0, r, n)
    df = (k - 1) * (r - 1)
    bound = math.sqrt((4 * math.sqrt(2 * df) / n) / (min(k, r) - 1))
    assert 0.0 <= cramers_v(a, b) <= bound
    assert cramers_v(a, np.zeros(n, dtype=int)) == 0.0
