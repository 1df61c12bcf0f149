"""Fit smartnoise-synth 1.0.8 MST or AIM on the Adult train split and sample a synthetic table.

Runs INSIDE benchmarks/.venvs/smartnoise (started by benchmarks/reference_synthesizers.py), with
the settings of ../shared/bench/REFERENCE_SYNTHESIZERS.md:

- the domain is the public UCI codebook (adult_public_domain.json): category lists plus '?',
  integer ranges at full resolution, capital gain/loss as round-number bins, decoded uniformly
  (integers) within the bin after sampling. snsynth's TableTransformer is fitted on a frame that
  lists the public values only, so it reads nothing from the private data (out of the box it
  reads category sets from the data without noise);
- delta is passed explicitly;
- sampling calls mbi's synthetic_data(method="sample") (i.i.d. sampling from the model) instead
  of snsynth's sample(), which uses the default method="round";
- AIM is the warm-started variant: every mirror-descent fit after the first starts from the
  previous model's potentials, 100 iterations per round and 1000 for the first and the final
  fit (snsynth runs 1000 cold-start iterations each round). Selection, measurements and
  budget accounting are snsynth's own code, unchanged: the change is post-processing only.

Seeding: --seed seeds numpy's global RNG (MST/AIM selection, sampling, bin decoding); the
Gaussian measurement noise comes from OpenDP's own secure RNG and cannot be seeded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

import numpy as np
import pandas as pd


def public_domain(spec: dict, columns: list[str]) -> dict[str, dict]:
    """Per column: kind and public values (never computed from the data)."""
    out = {}
    for c in columns:
        if c in spec["categorical"]:
            out[c] = {"kind": "categorical", "values": list(spec["categorical"][c])}
        elif c in spec["integer_ranges"]:
            lo, hi = spec["integer_ranges"][c]
            out[c] = {"kind": "integer", "values": list(range(int(lo), int(hi) + 1)),
                      "lo": int(lo), "hi": int(hi)}
        elif c in spec["binned"]["edges_left_closed"]:
            edges = [int(e) for e in spec["binned"]["edges_left_closed"][c]]
            out[c] = {"kind": "binned", "values": list(range(len(edges) - 1)), "edges": edges}
        else:
            raise SystemExit(f"column {c!r} is not in the public domain")
    return out


def encode_private(df: pd.DataFrame, dom: dict) -> tuple[pd.DataFrame, dict]:
    """Map the private rows onto the public domain: a data-independent, per-row operation
    (unknown categories -> '?', integers clipped to the codebook range, money -> bin index)."""
    df = df.copy()
    moved = {}
    for c, d in dom.items():
        if d["kind"] == "categorical":
            x = df[c].astype(str).str.strip()
            known = x.isin(d["values"])
            moved[c] = int((~known).sum())
            if moved[c]:
                if "?" not in d["values"]:
                    raise SystemExit(f"{c}: {moved[c]} values outside the public categories")
                x = x.where(known, "?")
            df[c] = x.astype(object)
        elif d["kind"] == "integer":
            x = pd.to_numeric(df[c]).round().astype(int)
            moved[c] = int(((x < d["lo"]) | (x > d["hi"])).sum())
            df[c] = x.clip(d["lo"], d["hi"]).astype(int)
        else:
            e = np.asarray(d["edges"])
            x = pd.to_numeric(df[c]).to_numpy()
            b = np.searchsorted(e, x, side="right") - 1
            moved[c] = int(((b < 0) | (b > len(e) - 2)).sum())
            df[c] = np.clip(b, 0, len(e) - 2).astype(int)
    return df, moved


def decode_bins(df: pd.DataFrame, dom: dict, rng: np.random.Generator) -> pd.DataFrame:
    df = df.copy()
    for c, d in dom.items():
        if d["kind"] == "binned":
            e = np.asarray(d["edges"])
            b = df[c].to_numpy(dtype=int)
            lo, hi = e[b], e[b + 1]  # integers in [lo, hi)
            df[c] = (lo + np.floor(rng.random(len(b)) * (hi - lo))).astype(int)
        elif d["kind"] == "integer":
            df[c] = df[c].astype(int)
    return df


def public_transformer(dom: dict, columns: list[str]):
    """A TableTransformer fitted on a frame of public values only (one label per column)."""
    from snsynth.transform import LabelTransformer
    from snsynth.transform.table import TableTransformer

    n = max(len(d["values"]) for d in dom.values())
    frame = pd.DataFrame({c: pd.Series(np.resize(np.array(dom[c]["values"], dtype=object), n))
                          for c in columns})
    for c in columns:
        if dom[c]["kind"] != "categorical":
            frame[c] = frame[c].astype(int)
    tt = TableTransformer([LabelTransformer(nullable=False) for _ in columns])
    tt.fit(frame)
    assert tt.cardinality == [len(dom[c]["values"]) for c in columns], tt.cardinality
    return tt


def make_warm_aim():
    from mbi import LinearMeasurement, estimation, marginal_oracles
    from snsynth.aim.aim import AIMSynthesizer, compile_workload, filter_candidates
    from snsynth.utils import gaussian_noise

    class WarmAIMSynthesizer(AIMSynthesizer):
        """snsynth's AIM with warm-started mirror descent (post-processing only)."""

        first_iters = 1000
        round_iters = 100
        final_iters = 1000

        def AIM(self, data, workload):  # noqa: N802 (snsynth's name)
            # identical to snsynth 1.0.8 AIMSynthesizer.AIM except the three estimation calls
            md = dict(marginal_oracle=marginal_oracles.message_passing_stable)
            rounds = self.rounds or 16 * len(data.domain)
            candidates = compile_workload(workload)
            answers = {cl: data.project(cl).datavector() for cl in candidates}
            oneway = [cl for cl in candidates if len(cl) == 1]
            sigma = np.sqrt(rounds / (2 * 0.9 * self.rho))
            epsilon = np.sqrt(8 * 0.1 * self.rho / rounds)
            measurements = []
            rho_used = len(oneway) * 0.5 / sigma ** 2
            for cl in oneway:
                x = np.asarray(data.project(cl).datavector())
                y = x + np.asarray(gaussian_noise(sigma, x.size))
                measurements.append(LinearMeasurement(y, cl, sigma))
            model = estimation.mirror_descent(data.domain, measurements,
                                              iters=self.first_iters, **md)
            self.rounds_run = 0
            t = 0
            terminate = False
            while not terminate:
                t += 1
                if self.rho - rho_used < 2 * (0.5 / sigma ** 2 + 1.0 / 8 * epsilon ** 2):
                    remaining = self.rho - rho_used
                    sigma = np.sqrt(1 / (2 * 0.9 * remaining))
                    epsilon = np.sqrt(8 * 0.1 * remaining)
                    terminate = True
                rho_used += 1.0 / 8 * epsilon ** 2 + 0.5 / sigma ** 2
                size_limit = self.max_model_size * rho_used / self.rho
                small_candidates = filter_candidates(candidates, model, size_limit)
                cl = self._worst_approximated(small_candidates, answers, model, epsilon, sigma)
                n = data.domain.size(cl)
                x = np.asarray(data.project(cl).datavector())
                y = x + np.asarray(gaussian_noise(sigma, n))
                z = model.project(cl).datavector()
                measurements.append(LinearMeasurement(y, cl, sigma))
                model = estimation.mirror_descent(data.domain, measurements,
                                                  potentials=model.potentials,
                                                  iters=self.round_iters, **md)
                w = model.project(cl).datavector()
                if self.verbose:
                    print("Selected", cl, "Size", n, "Budget Used", rho_used / self.rho,
                          flush=True)
                if np.linalg.norm(w - z, 1) <= sigma * np.sqrt(2 / np.pi) * n:
                    sigma /= 2
                    epsilon *= 2
            self.rounds_run = t
            model = estimation.mirror_descent(data.domain, measurements,
                                              potentials=model.potentials,
                                              iters=self.final_iters, **md)
            self.synthesizer = model

    return WarmAIMSynthesizer


def sample_model(synth, kind: str, n: int, method: str) -> pd.DataFrame:
    """snsynth's sample() with mbi's synthetic_data(method=...) made explicit."""
    data = synth.synthesizer.synthetic_data(rows=n, method=method)
    if kind == "mst":
        data = synth.undo_compress_fn(data)
        df = data.df
    else:
        colnames = ["col" + str(i) for i in range(synth._transformer.output_width)]
        df = data.df[colnames]
    rows = [tuple(t[1:]) for t in df.itertuples()]
    return synth._transformer.inverse_transform(rows)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", choices=["mst", "aim"], required=True)
    ap.add_argument("--epsilon", type=float, required=True)
    ap.add_argument("--delta", type=float, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train", required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--n-rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--also-round", action="store_true",
                    help="also write OUT with suffix _round.csv, sampled with method='round'")
    a = ap.parse_args()

    import torch  # imported by snsynth anyway; keep it to the requested threads
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    np.random.seed(a.seed)

    train = pd.read_csv(a.train)
    columns = list(train.columns)
    dom = public_domain(json.load(open(a.domain)), columns)
    private, moved = encode_private(train, dom)
    tt = public_transformer(dom, columns)

    if a.synth == "mst":
        from snsynth.mst import MSTSynthesizer
        synth = MSTSynthesizer(epsilon=a.epsilon, delta=a.delta)
        settings = {"class": "snsynth.mst.MSTSynthesizer", "mirror_descent_iters": "1000 (select)"
                    " + 5000 (final), snsynth defaults"}
    else:
        synth = make_warm_aim()(epsilon=a.epsilon, delta=a.delta, verbose=True)
        settings = {"class": "snsynth.aim.AIMSynthesizer, warm-started (WarmAIMSynthesizer)",
                    "mirror_descent_iters": "1000 first, 100 per round (warm start), 1000 final",
                    "max_model_size": synth.max_model_size, "max_cells": synth.max_cells,
                    "degree": synth.degree, "rounds_planned": f"16 x {len(columns)} columns"}

    t0 = time.time()
    synth.fit(private, transformer=tt, preprocessor_eps=0.0)
    fit_seconds = time.time() - t0
    if a.synth == "aim":
        settings["rounds_run"] = int(getattr(synth, "rounds_run", -1))
    assert synth.epsilon == a.epsilon, "the preprocessor must not spend epsilon"

    rng = np.random.default_rng(a.seed)
    t0 = time.time()
    df = decode_bins(sample_model(synth, a.synth, a.n_rows, "sample"), dom, rng)
    sample_seconds = time.time() - t0
    df[columns].to_csv(a.out, index=False)
    if a.also_round:
        rnd = decode_bins(sample_model(synth, a.synth, a.n_rows, "round"), dom, rng)
        rnd[columns].to_csv(a.out[:-4] + "_round.csv", index=False)

    settings.update({
        "epsilon": a.epsilon, "delta": a.delta, "preprocessor_eps": 0.0,
        "sample_method": "sample (mbi synthetic_data i.i.d.), not snsynth's default 'round'",
        "domain": "public UCI codebook (adult_public_domain.json); TableTransformer fitted on "
                  "public values only; capital gain/loss binned, decoded uniformly in the bin",
        "cardinalities": dict(zip(columns, tt.cardinality, strict=True)),
        "rows_moved_onto_public_domain": moved,
        "torch_threads": a.threads,
        "seeding": "numpy global RNG seeded; OpenDP's Gaussian noise uses its own secure RNG",
    })
    meta = {"fit_seconds": fit_seconds, "sample_seconds": sample_seconds, "n_rows": len(df),
            "settings": settings, "pid": os.getpid()}
    with open(a.meta, "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps({k: meta[k] for k in ("fit_seconds", "sample_seconds", "n_rows")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
