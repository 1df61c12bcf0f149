"""Benchmark: the cost of privacy on the demo hospital table.

Trains the release generator twice on the same bounded training rows: with DP-SGD at the
requested epsilon, and the named baseline, the same generator trained without DP. Records wall
time, peak resident memory, quality (column shapes, pair trends, TSTR/TRTR) and the
membership-inference AUC of each, and the DP/baseline ratios, as JSON.

    .venv/bin/python benchmarks/dp_cost.py [--rows 5000] [--epsilon 1] [--out benchmarks/results/dp_cost.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np

from audit import measure_quality, white_box_likelihood_attack
from clearance.config import TrainingSettings
from clearance.demo_data import demo_schema, generate_admissions
from privacy.accounting import Budget, default_delta, plan_batch_size
from privacy.contribution import keep_one_row_per_entity
from privacy.schema import ColumnKind
from synth import DPGenerator, TrainingConfig


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(private: bool, train, holdout, schema, epsilon: float, seed: int) -> dict:
    settings = TrainingSettings()
    delta = default_delta(len(train))
    # the batch and learning rate `clearance run` would use (the planner), the target first
    plan = plan_batch_size(len(train), epsilon=epsilon, delta=delta, epochs=settings.epochs)
    config = TrainingConfig(
        epochs=settings.epochs, logical_batch_size=plan.chosen.batch_size,
        max_physical_batch_size=settings.max_physical_batch_size,
        learning_rate=plan.chosen.learning_rate, max_grad_norm=settings.max_grad_norm,
        domain_share=settings.domain_share, marginal_share=settings.marginal_share,
        private=private, first_columns=("readmitted_30d",),
    )
    released = [c.name for c in schema.synthesised]
    generator = DPGenerator(schema, config)
    start = time.perf_counter()
    record = generator.fit(train[released], budget=Budget(epsilon, delta),
                           rng=np.random.default_rng(seed))
    fit_seconds = time.perf_counter() - start
    synthetic = generator.sample(len(train), rng=np.random.default_rng(seed + 1))
    n = min(len(train), len(holdout), 1000)
    attack = white_box_likelihood_attack(generator, members=train[released].head(n),
                                         non_members=holdout[released].head(n))
    quality = measure_quality(
        real_train=train[released], real_holdout=holdout[released], synthetic=synthetic,
        target="readmitted_30d",
        categorical=[c.name for c in schema.synthesised if c.kind is ColumnKind.CATEGORICAL],
        numeric=[c.name for c in schema.synthesised if c.kind is ColumnKind.NUMERIC],
        datetime=[c.name for c in schema.synthesised if c.kind is ColumnKind.DATETIME],
        rng=np.random.default_rng(seed + 2),
    )
    return {
        "private": private,
        "epsilon": record.epsilon if private else None,
        "fit_seconds": round(fit_seconds, 2),
        "peak_rss_mib_so_far": round(_peak_rss_mib(), 1),
        "quality_overall": round(quality.overall_score, 4),
        "logical_batch_size": plan.chosen.batch_size,
        "column_shape": round(quality.column_shape_score, 4),
        "pair_trend": round(quality.pair_trend_score or 0.0, 4),
        "quality_score_0_100": round(quality.score.value, 2),
        "tstr_over_trtr_roc_auc": round(quality.tstr_ratio.value, 4) if quality.tstr_ratio else None,
        "mia_auc": round(attack.auc.value, 4),
        "mia_auc_interval": [round(attack.auc.lower, 4), round(attack.auc.upper, 4)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "dp_cost.json")
    args = parser.parse_args()

    table = generate_admissions(args.rows, rng=np.random.default_rng(args.seed))
    bounded, _ = keep_one_row_per_entity(table, entity_column="patient_id",
                                         rng=np.random.default_rng(args.seed))
    cut = int(len(bounded) * 0.8)
    train, holdout = bounded.iloc[:cut].reset_index(drop=True), bounded.iloc[cut:].reset_index(drop=True)
    schema = demo_schema()
    baseline = _measure(False, train, holdout, schema, args.epsilon, args.seed)
    private = _measure(True, train, holdout, schema, args.epsilon, args.seed)
    result = {
        "benchmark": "dp_cost",
        "baseline": "the same generator trained without DP (non-private Adam, shuffled batches)",
        "rows": args.rows,
        "train_patients": len(train),
        "holdout_patients": len(holdout),
        "cpu_count": os.cpu_count(),
        "torch_threads": 1,
        "machine": platform.platform(),
        "results": {"non_private": baseline, "dp": private},
        "ratios_dp_over_baseline": {
            key: round(private[key] / baseline[key], 3)
            for key in ("fit_seconds", "quality_overall", "column_shape", "pair_trend")
            if baseline[key]
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
