"""Black-box audit of the reference synthesizers' Adult outputs, read against two baselines.

Runs the battery of ``clearance audit`` (the same function, :func:`clearance.audit_commands.
audit_tables`, in this process) on every synthetic table that ``reference_synthesizers.py``
left in ``benchmarks/.work/synth/`` (the ``*_round.csv`` variants are skipped): DOMIAS density
ratio and distance to closest record on 1,000 member and 1,000 non-member targets, and the
singling-out, linkability and inference attacks. Real rows are the benchmark split:
``benchmarks/.work/split/train.csv`` (what every synthesizer trained on, the members) and
``benchmarks/.work/split/test.csv`` (never trained on, the control).

Two baselines, audited the same way, so each figure reads against a worst and a best case:

* ``copy of train``: the "synthetic" table is 39,073 rows drawn from the real training rows
  with replacement (about 63% of the training rows appear, the worst leak);
* ``holdout as synthetic``: the "synthetic" table is real rows never trained on. The test split
  is cut at random in two halves: one is the "synthetic" table, the other the control, so no
  target is also a synthetic row (no leak; the control and the synthetic table are about
  4,885 rows each here, not 9,769 and 39,073).

Writes ``benchmarks/results/audit_reference_synthesizers.json`` with, per table: DOMIAS AUC with
its interval, TPR at 1% and 0.1% FPR, the advantage, the DCR AUC, the residual risk of each
anonymity attack, wall seconds and the process's peak memory so far; and the machine's core
count and platform. Quasi-identifiers are proposed on the training rows (as ``clearance audit``
does without ``--qi``), the inference targets are every other column.

    .venv/bin/python benchmarks/audit_reference_synthesizers.py            # about 1 min per table
    .venv/bin/python benchmarks/audit_reference_synthesizers.py --only mst,copy

If the split or the synthetic tables are missing, create them first (see
``benchmarks/reference_synthesizers.py``)::

    .venv/bin/python benchmarks/reference_synthesizers.py --setup
    .venv/bin/python benchmarks/reference_synthesizers.py --only mst,mostlyai --epsilons 1,4
    .venv/bin/python benchmarks/reference_synthesizers.py --only aim --epsilons 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
SPLIT = WORK / "split"
SYNTH = WORK / "synth"
DEFAULT_OUT = HERE / "results" / "audit_reference_synthesizers.json"
COPY, HOLDOUT = "copy of train", "holdout as synthetic"
_NAME = re.compile(r"^(?P<synth>[a-z]+)_eps(?P<eps>[0-9.]+)_seed(?P<seed>\d+)$")

HOW_TO_CREATE = """\
The benchmark split or the reference synthesizers' outputs are missing. Create them with
(each reference runs in its own virtual environment; see that script's docstring):

    .venv/bin/python benchmarks/reference_synthesizers.py --setup
    .venv/bin/python benchmarks/reference_synthesizers.py --only mst,mostlyai --epsilons 1,4
    .venv/bin/python benchmarks/reference_synthesizers.py --only aim --epsilons 1

then run this script again."""


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def summarise(name: str, audit: Any, wall: float) -> dict[str, Any]:
    """The figures of one audited table, flat enough to compare across rows."""
    m = audit.membership

    def est(e: Any) -> dict[str, float]:
        return {"value": round(e.value, 4), "lower": round(e.lower, 4), "upper": round(e.upper, 4)}

    def tpr(result: Any, target: float) -> dict[str, Any]:
        point = result.tpr_at_fpr[target]
        return {
            **est(point.tpr),
            "achieved_fpr": round(point.achieved_fpr, 5),
            "resolvable": point.resolvable,
        }

    row: dict[str, Any] = {
        "name": name,
        "synthetic_rows": audit.rows["synthetic"],
        "control_rows": audit.rows["control"],
        "targets": m.n_targets,
        "reference_rows": m.n_reference,
        "domias_auc": est(m.density_ratio.auc),
        "domias_tpr_at_fpr_1pct": tpr(m.density_ratio, 0.01),
        "domias_tpr_at_fpr_0.1pct": tpr(m.density_ratio, 0.001),
        "domias_advantage": est(m.density_ratio.advantage),
        "dcr_auc": est(m.dcr.auc),
        "dcr_tpr_at_fpr_1pct": tpr(m.dcr, 0.01),
        "anonymity": {
            a.label: {
                "residual_risk": est(a.residual_risk),
                "attack_rate": est(a.attack_rate),
                "control_rate": est(a.control_rate),
                "trials": a.attack_trials,
                "beats_baseline": a.beats_baseline,
            }
            for a in audit.anonymity
        },
        "anonymity_error": audit.anonymity_error,
        "wall_seconds": round(wall, 2),
        "seconds": {k: round(v, 2) for k, v in audit.seconds.items()},
        "peak_memory_mb_so_far": peak_memory_mb(),
    }
    match = _NAME.match(name)
    if match:
        row.update(
            synthesizer=match["synth"], epsilon=float(match["eps"]), synth_seed=int(match["seed"])
        )
    meta = SYNTH / f"{name}.meta.json"
    if meta.exists():
        row["synthesizer_settings"] = json.loads(meta.read_text()).get("settings", {})
    return row


def _without_roc(membership: dict[str, Any]) -> dict[str, Any]:
    """The membership results less their ROC curves (hundreds of points each; the figures above
    keep AUC and TPR at low FPR)."""
    return {
        key: {k: v for k, v in value.items() if k != "roc"} if isinstance(value, dict) else value
        for key, value in membership.items()
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default=None,
                    help="comma-separated name prefixes (mst, aim, mostlyai, copy, holdout)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    train_csv, test_csv = SPLIT / "train.csv", SPLIT / "test.csv"
    outputs = sorted(p for p in SYNTH.glob("*.csv") if not p.name.endswith("_round.csv"))
    if not (train_csv.exists() and test_csv.exists()) or not outputs:
        print(HOW_TO_CREATE, file=sys.stderr)
        return 1

    import numpy as np

    from clearance.audit_commands import audit_tables
    from clearance.tableio import read_table

    real = read_table(train_csv)
    control = read_table(test_csv)
    rng = np.random.default_rng(args.seed)
    copy = real.iloc[rng.integers(0, len(real), size=len(real))].reset_index(drop=True)
    order = rng.permutation(len(control))
    half = len(control) // 2
    holdout_synthetic = control.iloc[np.sort(order[:half])].reset_index(drop=True)
    holdout_control = control.iloc[np.sort(order[half:])].reset_index(drop=True)

    jobs: list[tuple[str, Any, Any]] = [(COPY, copy, control), (HOLDOUT, holdout_synthetic,
                                                                  holdout_control)]
    jobs += [(p.stem, p, control) for p in outputs]
    if args.only:
        prefixes = tuple(x.strip() for x in args.only.split(",") if x.strip())
        jobs = [j for j in jobs if j[0].startswith(prefixes)]

    def progress(message: str) -> None:
        print(f"    {message} ...", file=sys.stderr, flush=True)

    runs: list[dict[str, Any]] = []
    detail: dict[str, Any] = {}
    started_all = time.perf_counter()
    for name, synthetic, ctrl in jobs:
        print(f"auditing {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        if isinstance(synthetic, Path):
            synthetic = read_table(synthetic)
        audit = audit_tables(
            real, ctrl, synthetic, n_targets=args.targets, seed=args.seed, progress=progress
        )
        wall = time.perf_counter() - started
        row = summarise(name, audit, wall)
        runs.append(row)
        full = audit.to_dict()
        detail[name] = {"membership": _without_roc(full["membership"]),
                        "anonymity": full["anonymity"]}
        if len(runs) == 1:
            setup = {k: full[k] for k in ("columns", "quasi_identifiers", "sensitive",
                                          "sensitive_source")}
        print(_line(row), flush=True)

    out = {
        "benchmark": "audit_reference_synthesizers",
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "peak_memory_mb": peak_memory_mb(),
        "total_wall_seconds": round(time.perf_counter() - started_all, 1),
        "targets": args.targets,
        "seed": args.seed,
        "real": {"train": str(train_csv.relative_to(HERE.parent)), "train_rows": len(real),
                 "control": str(test_csv.relative_to(HERE.parent)), "control_rows": len(control)},
        "baselines": {
            COPY: f"{len(copy):,} rows drawn with replacement from the training rows (the worst "
                  "leak: about 63% of the training rows appear verbatim)",
            HOLDOUT: f"{len(holdout_synthetic):,} real rows never trained on as the synthetic "
                     f"table, the other {len(holdout_control):,} test rows as the control (no "
                     "leak)",
        },
        "setup": setup if runs else None,
        "runs": runs,
        "detail": detail,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"written to {args.out}")
    return 0


def _line(row: dict[str, Any]) -> str:
    d, t1, t01 = row["domias_auc"], row["domias_tpr_at_fpr_1pct"], row["domias_tpr_at_fpr_0.1pct"]
    risks = " ".join(
        f"{label.replace('inference of ', 'inf:').replace('singling out (multivariate)', 'so')}"
        f"={a['residual_risk']['value']:.3f}"
        for label, a in row["anonymity"].items()
    )
    return (
        f"{row['name']:<22} DOMIAS AUC {d['value']:.3f} [{d['lower']:.3f}, {d['upper']:.3f}]  "
        f"TPR@1% {t1['value']:.3f}  TPR@0.1% {t01['value']:.3f}  "
        f"DCR AUC {row['dcr_auc']['value']:.3f}  residual: {risks}  "
        f"{row['wall_seconds']:.0f}s {row['peak_memory_mb_so_far']:.0f}MB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
