"""The batch-size planner (privacy/accounting/planner.py): it tabulates exactly what the trainer
accounts, never plans beyond the target epsilon, and explains its choice and its refusals."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from privacy.accounting import (
    AccountantKind,
    BatchPlan,
    SubsampledGaussianEvent,
    default_batch_sizes,
    epsilon_for,
    plan_batch_size,
)
from privacy.errors import InvalidInputError, PrivacyBudgetError

ROOT = Path(__file__).resolve().parents[1]
N_ADULT = 39_073  # a typical training split of UCI Adult


@pytest.fixture(scope="module")
def standard() -> BatchPlan:
    """Adult-sized, epsilon 1, 30 epochs, the default candidates (64 .. 16,384) and PRV."""
    return plan_batch_size(
        N_ADULT,
        epsilon=1.0,
        delta=1e-5,
        epochs=30,
        n_parameters=100_000,
        max_physical_batch_size=256,
    )


def test_sample_rate_and_steps_are_what_the_generator_accounts(standard):
    # The generator's rule, read from its source (importing it would pull in torch): a loader
    # of batch B gives Opacus' DPDataLoader q = 1 / len(loader) = 1 / ceil(n / B).
    source = (ROOT / "synth" / "generator.py").read_text(encoding="utf-8")
    assert "q = 1 / len(loader) = 1 / ceil(n / logical_batch_size)" in source
    assert "steps_per_epoch = math.ceil(n / cfg.logical_batch_size)" in source
    assert "q = 1.0 / steps_per_epoch" in source
    assert "steps = cfg.epochs * steps_per_epoch" in source
    for row in standard.rows:
        per_epoch = math.ceil(N_ADULT / row.batch_size)
        assert row.steps_per_epoch == per_epoch
        assert row.sample_rate == 1.0 / per_epoch
        assert row.steps == 30 * per_epoch
        assert row.expected_batch_size == pytest.approx(N_ADULT / per_epoch)
        assert row.expected_batch_size <= row.batch_size


def test_every_planned_row_meets_the_target(standard):
    assert [r.batch_size for r in standard.rows] == [2**k for k in range(6, 15)]
    assert all(r.reachable for r in standard.rows)
    for row in (standard.chosen, *standard.rows):
        event = SubsampledGaussianEvent(row.noise_multiplier, row.sample_rate, row.steps)
        recomputed = epsilon_for(event, delta=1e-5, kind=AccountantKind.PRV)
        assert recomputed == row.epsilon
        assert recomputed <= 1.0


def test_noise_to_signal_falls_as_the_batch_grows_at_fixed_epochs(standard):
    sigmas = [r.noise_multiplier for r in standard.rows]
    ratios = [r.noise_to_signal for r in standard.rows]
    assert sigmas == sorted(sigmas)  # bigger batches need more noise ...
    assert ratios == sorted(ratios, reverse=True)  # ... but less per averaged gradient
    for row in standard.rows:
        assert row.noise_to_signal == pytest.approx(
            row.noise_multiplier / (N_ADULT * row.sample_rate)
        )


def test_the_choice_is_the_lowest_noise_with_enough_steps(standard):
    eligible = [r for r in standard.rows if r.steps >= 300]
    assert standard.chosen == min(eligible, key=lambda r: r.noise_to_signal)
    assert standard.chosen.batch_size == 4096  # 300 steps exactly: 30 epochs x 10 steps
    assert "lowest noise-to-signal" in standard.reason and "300 steps" in standard.reason
    assert standard.reason.endswith(".") and ". " not in standard.reason  # one sentence


def test_without_enough_steps_the_plan_takes_the_most_steps():
    plan = plan_batch_size(5000, epsilon=2.0, delta=1e-5, epochs=1, batch_sizes=[256, 512, 1024])
    assert plan.chosen.batch_size == 256
    assert "No candidate" in plan.reason and "most" in plan.reason


def test_memory_and_learning_rate_follow_their_stated_formulas(standard):
    for row in standard.rows:
        assert row.peak_gradient_memory_bytes == min(256, row.batch_size) * 100_000 * 4
        assert row.learning_rate == pytest.approx(1e-2 * math.sqrt(row.batch_size / 512))
    plan = plan_batch_size(
        5000,
        epsilon=1.0,
        delta=1e-5,
        epochs=5,
        batch_sizes=[100],
        base_learning_rate=0.1,
        base_batch_size=25,
    )
    assert plan.rows[0].peak_gradient_memory_bytes is None
    assert plan.rows[0].learning_rate == pytest.approx(0.2)


def test_unreachable_candidates_are_kept_with_a_reason():
    plan = plan_batch_size(
        1000, epsilon=0.014, delta=1e-5, epochs=30, batch_sizes=[16, 64, 250, 500]
    )
    assert [r.batch_size for r in plan.rows] == [16, 64, 250, 500]
    unreachable = [r for r in plan.rows if not r.reachable]
    assert [r.batch_size for r in unreachable] == [250, 500]
    assert all("no noise level reaches" in r.reason for r in unreachable)
    assert plan.chosen.reachable


def test_an_unreachable_epsilon_says_what_n_would_reach_it():
    with pytest.raises(PrivacyBudgetError, match="cannot be reached") as caught:
        plan_batch_size(1000, epsilon=0.012, delta=1e-5, epochs=30)
    needed = re.search(r"need about n = ([\d,]+)", str(caught.value))
    assert needed is not None
    n_needed = int(needed.group(1).replace(",", ""))
    assert n_needed > 1000
    # and that n does reach it at the smallest candidate batch
    assert plan_batch_size(n_needed, epsilon=0.012, delta=1e-5, epochs=30, batch_sizes=[64])


def test_an_epsilon_below_the_prv_error_is_refused_at_once():
    with pytest.raises(PrivacyBudgetError, match="error of 0.01"):
        plan_batch_size(1000, epsilon=0.005, delta=1e-5, epochs=30)


def test_delta_must_be_below_one_over_n():
    with pytest.raises(PrivacyBudgetError, match="1/n"):
        plan_batch_size(1000, epsilon=1.0, delta=1e-3, epochs=30)


def test_malformed_arguments_are_all_reported():
    with pytest.raises(InvalidInputError, match="3 problems"):
        plan_batch_size(
            1000, epsilon=1.0, delta=1e-5, epochs=0, batch_sizes=[64, 5000], n_parameters=0
        )


def test_default_candidates():
    assert default_batch_sizes(N_ADULT) == tuple(2**k for k in range(6, 15))
    assert default_batch_sizes(100) == (1, 2, 4, 8, 16, 32)
    with pytest.raises(InvalidInputError):
        default_batch_sizes(1)


def test_to_dict_is_json(standard):
    data = json.loads(json.dumps(standard.to_dict()))
    assert data["chosen_batch_size"] == standard.chosen.batch_size
    assert data["inputs"]["accountant"] == "prv" and data["inputs"]["n_units"] == N_ADULT
    assert len(data["rows"]) == len(standard.rows)
    assert data["rows"][0]["sample_rate"] == standard.rows[0].sample_rate
