"""Clearance's DP-SGD generator on UCI Adult, scored by the shared referee.

Reproduces the issue's yardstick: the fixed 80/20 split of ``../shared/bench/adult_split.py``
(income the target, fnlwgt dropped), scored by ``../shared/bench/adult_scorer.py`` (mean 1-way
and 2-way TVD with numeric columns in 10 train-quantile bins, TSTR ROC-AUC of a
HistGradientBoostingClassifier on the real test split). Modes:

* ``public``: the public UCI code-book domain (``adult_public_domain.json``) is declared as the
  schema, so no budget goes to domains (what AIM and MST were given);
* ``private``: no domain is declared: category sets, numeric bounds and bin edges are measured
  under the budget (``domain_share`` of it).

Each (mode, epsilon, seed) runs in its own subprocess so its peak memory (ru_maxrss) and time
are its own. Baselines in the same run: the same model trained **without DP**, and the
reference synthesizers' figures from ``results/reference_synthesizers.json`` when
``reference_synthesizers.py`` has produced them (their own venvs; see that script).

    python benchmarks/adult_synthesis.py            # public eps 1 and 4, private eps 1, 3 seeds
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "bench"
WORK = ROOT / "benchmarks" / ".work" / "split"
RESULTS = ROOT / "benchmarks" / "results"
DELTA = 1e-5
TARGET = "income"
#: What `clearance run` would choose for this table: the planner's batch for 39,073 rows and
#: 25 epochs (2,048, learning rate 0.01 * sqrt(2048 / 512)), the target first.
DEFAULTS = {
    "epochs": 25,
    "logical_batch_size": 2048,
    "max_physical_batch_size": 2048,
    "learning_rate": 0.02,
    "first_columns": (TARGET,),
}


def _load(name: str, path: Path):  # noqa: ANN202 - a plain module object
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_split() -> tuple[Path, Path]:
    train, test = WORK / "train.csv", WORK / "test.csv"
    if not (train.exists() and test.exists()):
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(BENCH / "adult_split.py"), str(WORK), str(SHARED / "data" / "adult.csv")],
            check=True, capture_output=True,
        )
    return train, test


def adult_schema(mode: str, columns: list[str]):  # noqa: ANN201
    """The schema for ``mode``: public code-book domain, or kinds only (domains measured)."""
    from privacy.schema import Column, ColumnKind, ColumnRole, Schema

    domain = json.loads((BENCH / "adult_public_domain.json").read_text())
    ranges = domain["integer_ranges"]
    bins = domain["binned"]["edges_left_closed"]
    numeric = set(ranges) | set(bins)
    cols = []
    for name in columns:
        role = ColumnRole.SENSITIVE if name == TARGET else ColumnRole.QUASI_IDENTIFIER
        if name in numeric:
            if mode == "public" and name in ranges:
                col = Column(name, ColumnKind.NUMERIC, role, bounds=tuple(ranges[name]),
                             integer=True, domain_public=True)
            elif mode == "public":
                col = Column(name, ColumnKind.NUMERIC, role, bins=tuple(bins[name]),
                             integer=True, domain_public=True)
            else:
                col = Column(name, ColumnKind.NUMERIC, role, integer=True)
        elif mode == "public":
            col = Column(name, ColumnKind.CATEGORICAL, role,
                         categories=tuple(domain["categorical"][name]), domain_public=True)
        else:
            col = Column(name, ColumnKind.CATEGORICAL, role)
        cols.append(col)
    return Schema(tuple(cols))


def single_run(args: argparse.Namespace) -> dict:
    """Train once, sample as many rows as the train split, score; one JSON object."""
    import numpy as np
    import pandas as pd

    from synth.generator import DPGenerator, TrainingConfig

    train_path, test_path = ensure_split()
    os.environ["ANCHOR_TRAIN"], os.environ["ANCHOR_TEST"] = str(train_path), str(test_path)
    scorer = _load("adult_scorer", BENCH / "adult_scorer.py")
    train = pd.read_csv(train_path)
    schema = adult_schema(args.mode, list(train.columns))
    overrides = json.loads(args.config or "{}")
    if "first_columns" in overrides:
        overrides["first_columns"] = tuple(overrides["first_columns"])
    config = TrainingConfig(**{**DEFAULTS, "private": args.epsilon > 0, **overrides})
    generator = DPGenerator(schema, config)
    from privacy.accounting import Budget

    budget = Budget(args.epsilon, DELTA) if args.epsilon > 0 else None
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    record = generator.fit(train, budget=budget, rng=rng)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    synthetic = generator.sample(len(train), rng=rng)
    sample_s = time.perf_counter() - t0
    scores = scorer.score(synthetic, label=f"clearance-{args.mode}", with_dcr=False)
    million_s = None
    if args.time_million:
        t0 = time.perf_counter()
        generator.sample(1_000_000, rng=rng)
        million_s = time.perf_counter() - t0
    spend = record.training_spend
    return {
        "synthesizer": "clearance" if args.epsilon > 0 else "clearance (no DP)",
        "mode": args.mode,
        "epsilon": args.epsilon if args.epsilon > 0 else None,
        "delta": DELTA if args.epsilon > 0 else None,
        "seed": args.seed,
        "config": config.to_dict(),
        "fit_seconds": round(fit_s, 2),
        "sample_seconds": round(sample_s, 2),
        "seconds_per_logical_step": record.step_seconds,
        "sample_1m_rows_seconds": None if million_s is None else round(million_s, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tvd1": scores["tvd1"],
        "tvd2": scores["tvd2"],
        "tvd2_max": scores["tvd2_max"],
        "tvd1_per_column": scores["tvd1_per_col"],
        "tstr_auc": scores["tstr_auc"],
        "spent_epsilon": record.epsilon if record.private else None,
        "noise_multiplier": record.noise_multiplier,
        "sample_rate": record.sample_rate,
        "steps": record.steps,
        "domain_spends": len([s for s in record.spends if s.stage == "domain"]),
        "training_detail": spend.detail if spend else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--epsilons", default="1,4", help="comma list; 0 means no DP")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--modes", default="public,private")
    ap.add_argument("--private-epsilons", default="1", help="epsilons of the private-domain mode")
    ap.add_argument("--config", default=None, help="JSON of TrainingConfig overrides")
    ap.add_argument("--no-baseline", action="store_true", help="skip the non-DP baseline")
    ap.add_argument("--out", type=Path, default=RESULTS / "adult_synthesis.json")
    ap.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="public", help=argparse.SUPPRESS)
    ap.add_argument("--epsilon", type=float, default=1.0, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--time-million", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.single:
        print(json.dumps(single_run(args)))
        return 0
    if not BENCH.exists():
        print(f"needs {BENCH} (the shared Adult yardstick)", file=sys.stderr)
        return 2
    jobs = [
        (mode, float(eps), int(seed))
        for mode in args.modes.split(",")
        for eps in (args.private_epsilons if mode == "private" else args.epsilons).split(",")
        for seed in args.seeds.split(",")
    ]
    if not args.no_baseline:
        jobs += [("public", 0.0, int(s)) for s in args.seeds.split(",")[:1]]
    runs = []
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for mode, eps, seed in jobs:
        cmd = [sys.executable, __file__, "--single", "--mode", mode, "--epsilon", str(eps),
               "--seed", str(seed)]
        if args.config:
            cmd += ["--config", args.config]
        if (mode, eps, seed) == jobs[0]:
            cmd += ["--time-million"]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"run {mode} eps={eps} seed={seed} failed")
        run = json.loads(done.stdout.strip().splitlines()[-1])
        runs.append(run)
        print(f"{mode:8s} eps={eps:<4g} seed={seed}  tstr={run['tstr_auc']:.4f}  "
              f"tvd1={run['tvd1']:.4f}  tvd2={run['tvd2']:.4f}  fit={run['fit_seconds']:.1f}s  "
              f"sample={run['sample_seconds']:.1f}s  mem={run['peak_memory_mb']:.0f}MB", flush=True)
    out = {
        "benchmark": "adult_synthesis",
        "date": time.strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "delta": DELTA,
        "runs": runs,
        "summary": summarise(runs),
    }
    ref = RESULTS / "reference_synthesizers.json"
    if ref.exists():
        out["references"] = json.loads(ref.read_text())
    out["comparison"] = compare(out["summary"], out.get("references"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out["summary"], indent=1))
    return 0


def compare(summary: list[dict], references: dict | None) -> dict:
    """Ratios against the baselines: the same model without DP (step time), and each
    reference synthesizer at the same epsilon (fit time, TSTR AUC, 2-way TVD)."""
    out: dict = {}
    plain = [r for r in summary if r["epsilon"] is None]
    for row in summary:
        if row["epsilon"] is None or row["mode"] != "public":
            continue
        key = f"public eps={row['epsilon']:g}"
        entry: dict = {}
        if plain:
            entry["dp_step_time_over_non_dp"] = round(
                row["seconds_per_logical_step"] / plain[0]["seconds_per_logical_step"], 2
            )
        for ref in (references or {}).get("runs", []):
            if ref.get("epsilon") != row["epsilon"] or ref.get("tstr_auc") is None:
                continue
            entry[ref["synthesizer"]] = {
                "fit_time_ratio (ours / theirs)": round(row["fit_seconds"] / ref["fit_seconds"], 3),
                "tstr_auc_difference (ours - theirs)": round(row["tstr_auc"] - ref["tstr_auc"], 4),
                "tvd2_ratio (ours / theirs)": round(row["tvd2"] / ref["tvd2"], 3),
                "tvd1_ratio (ours / theirs)": round(row["tvd1"] / ref["tvd1"], 3),
            }
        out[key] = entry
    private = {r["epsilon"]: r for r in summary if r["mode"] == "private"}
    for row in summary:
        if row["mode"] == "public" and row["epsilon"] in private:
            out[f"private-domain minus public-schema TSTR, eps={row['epsilon']:g}"] = round(
                private[row["epsilon"]]["tstr_auc"] - row["tstr_auc"], 4
            )
    return out


def summarise(runs: list[dict]) -> list[dict]:
    """Mean (and range) over seeds per (synthesizer, mode, epsilon)."""
    import numpy as np

    groups: dict[tuple, list[dict]] = {}
    for r in runs:
        groups.setdefault((r["synthesizer"], r["mode"], r["epsilon"]), []).append(r)
    rows = []
    for (synth, mode, eps), rs in groups.items():
        row = {"synthesizer": synth, "mode": mode, "epsilon": eps, "seeds": len(rs)}
        for key in ("tstr_auc", "tvd1", "tvd2", "fit_seconds", "sample_seconds", "peak_memory_mb",
                    "seconds_per_logical_step"):
            vals = np.array([r[key] for r in rs], dtype=float)
            row[key] = round(float(vals.mean()), 4)
            row[key + "_range"] = [round(float(vals.min()), 4), round(float(vals.max()), 4)]
        rows.append(row)
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
