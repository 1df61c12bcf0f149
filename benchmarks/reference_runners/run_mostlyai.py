"""Fit MOSTLY AI's engine 2.7.3 (TabularARGN, DP-SGD) on the Adult train split and sample.

Runs INSIDE benchmarks/.venvs/mostlyai (started by benchmarks/reference_synthesizers.py), with
the settings of ../shared/bench/REFERENCE_SYNTHESIZERS.md:

- `differential_privacy` is a DifferentialPrivacyConfig object (a dict crashes later);
- max_epsilon = epsilon, delta as given, value_protection_epsilon = 10% of epsilon (the default
  1.0 counts toward max_epsilon and leaves nothing for training at epsilon 1); the engine stops
  training once the accounted epsilon (RDP, plus the value-protection epsilon) would pass
  max_epsilon and keeps the best checkpoint below it;
- model MOSTLY_AI/Small, everything else the engine's defaults (noise multiplier 1.5, clipping
  norm 1.0, batch size and learning rate from its heuristics, up to 100 epochs, early stopping on
  its 20% validation split), CPU;
- the engine reads its own metadata from the data (see REFERENCE_SYNTHESIZERS.md): the public
  codebook is not given to it, as in the issue's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import pandas as pd


def engine_summary(ws: Path) -> dict:
    """What the engine's workspace says about the run: epochs, the epsilon accounted at the
    kept checkpoint and at the stop, batch size, encoding types, value-protection spend."""
    out: dict = {}
    progress = ws / "ModelStore" / "model-data" / "progress-messages.csv"
    if progress.exists():
        pm = pd.read_csv(progress)

        def row(r):
            return {k: (v.item() if hasattr(v, "item") else v)
                    for k, v in r.to_dict().items() if pd.notna(v)}

        if len(pm):
            out["last_progress_message"] = row(pm.iloc[-1])
            kept = pm[pm["is_checkpoint"] == 1]
            if len(kept):
                out["kept_checkpoint"] = row(kept.iloc[-1])
    cfg = ws / "ModelStore" / "model-data" / "model-configs.json"
    if cfg.exists():
        c = json.loads(cfg.read_text())
        out["model_id"] = c.get("model_id")
        out["enable_flexible_generation"] = c.get("enable_flexible_generation")
    enc = ws / "OriginalData" / "tgt-meta" / "encoding-types.json"
    if enc.exists():
        out["encoding_types"] = json.loads(enc.read_text())
    stats = ws / "ModelStore" / "tgt-stats" / "stats.json"
    if stats.exists():
        s = json.loads(stats.read_text())
        out["stats"] = {k: s.get(k) for k in ("value_protection_epsilon_spent",
                                              "no_of_training_records",
                                              "no_of_validation_records") if k in s}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", choices=["mostlyai"], default="mostlyai")
    ap.add_argument("--epsilon", type=float, required=True)
    ap.add_argument("--delta", type=float, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train", required=True)
    ap.add_argument("--domain", default=None, help="unused: the engine learns its own metadata")
    ap.add_argument("--n-rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--model", default="MOSTLY_AI/Small")
    ap.add_argument("--value-protection-share", type=float, default=0.1)
    a = ap.parse_args()

    import torch
    torch.set_num_threads(a.threads)
    from mostlyai.engine import TabularARGN
    from mostlyai.engine.domain import DifferentialPrivacyConfig

    train = pd.read_csv(a.train)
    ws = Path(a.workdir)
    if ws.exists():
        import shutil
        shutil.rmtree(ws)
    ws.mkdir(parents=True)

    dp = DifferentialPrivacyConfig(
        max_epsilon=a.epsilon,
        delta=a.delta,
        value_protection_epsilon=a.value_protection_share * a.epsilon,
    )
    model = TabularARGN(
        model=a.model,
        value_protection=True,
        differential_privacy=dp,
        device="cpu",
        workspace_dir=str(ws),
        random_state=a.seed,
        verbose=1,
    )
    t0 = time.time()
    model.fit(train)
    fit_seconds = time.time() - t0

    t0 = time.time()
    syn = model.sample(n_samples=a.n_rows)
    sample_seconds = time.time() - t0
    syn = syn[list(train.columns)]
    syn.to_csv(a.out, index=False)

    summary = engine_summary(ws)

    settings = {
        "class": "mostlyai.engine.TabularARGN",
        "model": a.model,
        "differential_privacy": dp.model_dump(),
        "value_protection": True,
        "device": "cpu",
        "torch_threads": a.threads,
        "other_settings": "engine defaults (max_epochs 100, batch size / learning rate "
                          "heuristics, early stopping on the engine's own 20% validation split)",
        **summary,
        "seeding": "TabularARGN(random_state=seed): python, numpy and torch seeded",
    }
    meta = {"fit_seconds": fit_seconds, "sample_seconds": sample_seconds, "n_rows": len(syn),
            "settings": settings, "pid": os.getpid()}
    with open(a.meta, "w") as f:
        json.dump(meta, f, indent=1, default=str)
    print(json.dumps({k: meta[k] for k in ("fit_seconds", "sample_seconds", "n_rows")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
