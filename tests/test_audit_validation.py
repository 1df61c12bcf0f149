"""The audit's two validations on Clearance's own generator (small and seeded; the benchmark
`benchmarks/audit_validation.py` runs them larger, on Adult, over several seeds):

- it catches leaks: a generator trained without DP, long enough to memorise, shows canary
  exposure at its maximum for repeated canaries, LiRA TPR at 1% FPR well above 1% on the
  rarest rows, and an empirical epsilon lower bound clearly above 0;
- it respects DP: trained at epsilon 1 and 4, the lower bound never exceeds the claim and the
  attack's AUC stays below what any (epsilon, delta)-DP mechanism allows, and near 0.5.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from audit.model_audit import AuditConfig
from clearance.audit_stage import run_model_audit
from privacy.accounting import Budget
from privacy.schema import Column, ColumnKind, ColumnRole, Schema
from synth import TrainingConfig

REGIONS = ("north", "south", "east", "west")
CLINICS = tuple(f"c{i:02d}" for i in range(12))
OUTCOMES = ("a", "b", "c", "d")
SCHEMA = Schema(columns=(
    Column("region", ColumnKind.CATEGORICAL, ColumnRole.QUASI_IDENTIFIER, categories=REGIONS,
           domain_public=True),
    Column("clinic", ColumnKind.CATEGORICAL, ColumnRole.OTHER, categories=CLINICS,
           domain_public=True),
    Column("outcome", ColumnKind.CATEGORICAL, ColumnRole.SENSITIVE, categories=OUTCOMES,
           domain_public=True),
    Column("age", ColumnKind.NUMERIC, ColumnRole.QUASI_IDENTIFIER, bounds=(18, 90),
           domain_public=True, integer=True),
))


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(REGIONS, size=n, p=[0.4, 0.3, 0.2, 0.1])
    usual = pd.Series(region).map(dict(zip(REGIONS, OUTCOMES, strict=True))).to_numpy()
    outcome = np.where(rng.random(n) < 0.3, rng.choice(OUTCOMES, size=n), usual)
    return pd.DataFrame({
        "region": region,
        "clinic": rng.choice(CLINICS, size=n),
        "outcome": outcome,
        "age": np.clip(rng.normal(50, 15, n).round(), 18, 90).astype(int),
    })


def _audit(private: bool, epsilon: float, *, epochs: int, seed: int = 0):  # noqa: ANN202
    config = TrainingConfig(
        epochs=epochs, logical_batch_size=64, max_physical_batch_size=64,
        learning_rate=0.01 if private else 0.003, private=private, calibration_particles=5000,
    )
    return run_model_audit(
        _population(600, seed), schema=SCHEMA, training=config, budget=Budget(epsilon, 1e-5),
        n_models=4, rng=np.random.default_rng(seed),
        # the rarest 10% of 2,400 (model, row) pairs: about 120 non-members, so TPR at 1% FPR
        # is resolvable
        audit_config=AuditConfig(outlier_share=0.1),
    )


def max_auc_under_dp(epsilon: float, delta: float) -> float:
    """The largest ROC AUC any attack can reach on an (epsilon, delta)-DP mechanism: the ROC
    lies below min(1, e^eps x + delta, 1 - e^-eps (1 - x - delta)) (Kairouz et al. 2015)."""
    x = np.linspace(0, 1, 200_001)
    e = math.exp(epsilon)
    curve = np.minimum.reduce([np.ones_like(x), e * x + delta, 1 - (1 - x - delta) / e])
    return float(np.trapezoid(curve, x))


def test_max_auc_under_dp_matches_the_closed_form() -> None:
    # delta = 0: the two lines cross at x* = (1 - 1/e^eps) / (e^eps - 1/e^eps)
    e = math.exp(1.0)
    x = (1 - 1 / e) / (e - 1 / e)
    closed = e * x * x / 2 + (1 - x) - (1 - x) ** 2 / (2 * e)
    assert max_auc_under_dp(1.0, 0.0) == pytest.approx(closed, abs=1e-6)


def test_the_audit_catches_a_generator_trained_without_dp() -> None:
    result = _audit(False, 1.0, epochs=100)
    assert result.claimed_epsilon is None
    # every one of the fixed guesses right: the bound reaches the most this audit can show
    assert result.empirical_epsilon is not None and result.empirical_epsilon > 1.0
    repeated = [e for e in result.exposures if e.kind == "record" and e.repetitions >= 4]
    assert repeated and all(e.share_of_max > 0.9 for e in repeated)
    outliers = result.lira_outliers
    assert outliers is not None and outliers.tpr_at_fpr[0.01].resolvable
    assert outliers.tpr_at_fpr[0.01].tpr.lower > 0.01  # well above the 1% of random guessing
    assert result.lira is not None and result.lira.beats_baseline


@pytest.mark.parametrize("epsilon", [1.0, 4.0])
def test_the_audit_respects_dp(epsilon: float) -> None:
    result = _audit(True, epsilon, epochs=30)
    assert result.claimed_epsilon == epsilon
    assert result.one_run is not None
    assert not result.exceeds_claim
    assert result.empirical_epsilon <= epsilon
    for attack in (result.lira, result.lira_outliers):
        assert attack is not None
        assert attack.auc.lower <= max_auc_under_dp(epsilon, 1e-5)
    assert result.lira.auc.value < 0.6  # near 0.5: the default policy's threshold
