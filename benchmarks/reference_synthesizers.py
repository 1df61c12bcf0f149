"""Reproduce the reference rows of the Adult benchmark table (smartnoise MST/AIM, MOSTLY AI).

Each reference runs in its own virtual environment (their pins conflict with ours and with each
other), built from the pinned files in benchmarks/reference_requirements/ exactly as
../shared/bench/REFERENCE_SYNTHESIZERS.md describes. The runners in benchmarks/reference_runners/
run inside those venvs; this script (run with our own .venv) drives them, times them, scores
every synthetic CSV with the shared referee ../shared/bench/adult_scorer.py, and writes
benchmarks/results/reference_synthesizers.json.

    .venv/bin/python benchmarks/reference_synthesizers.py --setup
    .venv/bin/python benchmarks/reference_synthesizers.py --only mst,mostlyai --epsilons 1,4
    .venv/bin/python benchmarks/reference_synthesizers.py --only aim --epsilons 1

Options: --only mst,mostlyai,aim   --epsilons 1,4   --seed 0   --threads 1
         --freeze (with --setup, for a requirement file still in its top-level form - torch,
         the reference, packaging - : record `pip freeze` of the fresh venv into it; a frozen
         file is installed as it is, with --no-deps after the torch line)
         --report (run nothing: print the recorded runs beside the issue's figures)
         --out PATH (default benchmarks/results/reference_synthesizers.json; runs are merged into
         an existing file, keyed by synthesizer, epsilon and seed)
Synthesizer runs are started with `nice -n 10`; run one invocation at a time on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = (REPO / ".." / "shared").resolve()
BENCH = SHARED / "bench"
ADULT_CSV = SHARED / "data" / "adult.csv"
VENVS = HERE / ".venvs"
WORK = HERE / ".work"
SPLIT = WORK / "split"
REQS = HERE / "reference_requirements"
RUNNERS = HERE / "reference_runners"
DEFAULT_OUT = HERE / "results" / "reference_synthesizers.json"
PYTHON = "python3.11"
DELTA = 1e-5
N_TRAIN = 39073

# the reference rows as given in the issue: TSTR AUC, mean 2-way TVD, fit seconds
ISSUE_FIGURES = {
    "aim eps1": {"tstr_auc": 0.895, "tvd2": 0.035, "fit_seconds": 452},
    "aim eps4": {"tstr_auc": 0.898, "tvd2": 0.041, "fit_seconds": 505},
    "mst eps1": {"tstr_auc": 0.816, "tvd2": 0.049, "fit_seconds": 75},
    "mostlyai eps1": {"tstr_auc": 0.862, "tvd2": 0.123, "fit_seconds": 77},
    "mostlyai eps4": {"tstr_auc": 0.890, "tvd2": 0.072, "fit_seconds": 555},
}

# which venv each synthesizer runs in, and its runner script
SYNTHS = {
    "mst": ("smartnoise", "run_smartnoise.py"),
    "aim": ("smartnoise", "run_smartnoise.py"),
    "mostlyai": ("mostlyai", "run_mostlyai.py"),
}
# the packages whose versions a result records
VERSION_PACKAGES = {
    "smartnoise": ["smartnoise-synth", "private-pgm", "mbi", "opendp", "torch", "jax", "numpy",
                   "pandas"],
    "mostlyai": ["mostlyai-engine", "torch", "opacus", "numpy", "pandas"],
}

# From REFERENCE_SYNTHESIZERS.md: what each reference reads from the private data beyond its
# DP-accounted training (in these runs).
READS_FROM_DATA = {
    "mst": "Nothing: the domain (category lists plus '?', integer ranges at full resolution, "
           "round-number bins for capital gain/loss) is the public UCI codebook in "
           "adult_public_domain.json, so snsynth's TableTransformer does not read category sets "
           "from the private data (which it does without noise out of the box, breaking "
           "end-to-end DP); sampling with method='sample' is post-processing.",
    "aim": "Nothing: the same public codebook domain as MST (adult_public_domain.json), so no "
           "category set or bound is read from the private data; the warm start changes only "
           "the number of mirror-descent iterations (post-processing of the noisy measurements).",
    "mostlyai": "Numeric bounds through noisy log-histograms (DP); category sets by adding noise "
                "only to the categories present and keeping noisy counts >= 5 (not DP for an "
                "unknown domain: a category seen once is released with probability about 0.49 "
                "at eps 1); has-NaN / has-negative flags, digit ranges and precision without "
                "noise; a 20% validation split used for early stopping and checkpoint choice, "
                "not accounted.",
}


def venv_python(name: str) -> Path:
    return VENVS / name / "bin" / "python"


def sh(cmd: list[str], **kw) -> None:
    print("+", " ".join(shlex.quote(str(c)) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def read_requirements(name: str) -> tuple[str, list[str], bool]:
    """(torch pin, other requirement lines, frozen?) from reference_requirements/NAME.txt."""
    lines = (REQS / f"{name}.txt").read_text().splitlines()
    frozen = any(line.startswith("# frozen") for line in lines)
    reqs = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    torch = [r for r in reqs if re.match(r"torch==", r)]
    if len(torch) != 1:
        raise SystemExit(f"{name}.txt must pin torch exactly once")
    return torch[0], [r for r in reqs if r != torch[0]], frozen


def setup_venv(name: str, freeze: bool) -> dict:
    """Create benchmarks/.venvs/NAME as REFERENCE_SYNTHESIZERS.md says; returns timing/disk."""
    t0 = time.time()
    target = VENVS / name
    if target.exists():
        shutil.rmtree(target)
    VENVS.mkdir(parents=True, exist_ok=True)
    sh([PYTHON, "-m", "venv", target])
    py = venv_python(name)
    pip = [py, "-m", "pip", "install", "--no-input"]
    torch, rest, frozen = read_requirements(name)
    # torch first (the CPU build), so that the references' own requirements resolve against it
    sh(pip + [torch])
    if frozen:
        # every package is pinned exactly: install the recorded set as it is, nothing resolved
        req_file = WORK / f"{name}.rest.txt"
        WORK.mkdir(parents=True, exist_ok=True)
        req_file.write_text("\n".join(rest) + "\n")
        sh(pip + ["--no-deps", "-r", req_file])
    else:
        sh(pip + rest)
    if name == "mostlyai":
        # the CUDA torchvision that mostlyai-engine pulls breaks `import mostlyai.engine`
        # beside CPU torch; the engine does not need it for tabular data
        subprocess.run([py, "-m", "pip", "uninstall", "-y", "torchvision", "torchaudio"],
                       check=False)
    smoke = {"smartnoise": "import snsynth, mbi, torch; from snsynth import Synthesizer; "
                           "print('smartnoise ok', torch.__version__)",
             "mostlyai": "import mostlyai.engine as e, torch; "
                         "from mostlyai.engine.domain import DifferentialPrivacyConfig; "
                         "print('mostlyai ok', torch.__version__)"}[name]
    sh([py, "-c", smoke])
    seconds = time.time() - t0
    if freeze and not frozen:
        out = subprocess.run([py, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                             check=True, capture_output=True, text=True).stdout
        pins = [line for line in out.splitlines()
                if line and not line.startswith(("pip==", "setuptools==", "wheel=="))]
        torch_line = [p for p in pins if p.lower().startswith("torch==")]
        others = sorted((p for p in pins if not p.lower().startswith("torch==")), key=str.lower)
        header = [line for line in (REQS / f"{name}.txt").read_text().splitlines()
                  if line.startswith("#") and not line.startswith("# frozen")]
        stamp = f"# frozen: pip freeze of a working venv ({PYTHON}, {dt.date.today()}); " \
                "installed with --no-deps after the torch line"
        (REQS / f"{name}.txt").write_text("\n".join(header + [stamp] + torch_line + others) + "\n")
        print(f"recorded {len(pins)} pins in {REQS / f'{name}.txt'}")
    return {"venv": name, "install_seconds": round(seconds, 1), "disk_mb": round(du_mb(target))}


def du_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total / 2**20


def write_split() -> None:
    SPLIT.mkdir(parents=True, exist_ok=True)
    if (SPLIT / "train.csv").exists() and (SPLIT / "test.csv").exists():
        return
    sh([sys.executable, BENCH / "adult_split.py", SPLIT, ADULT_CSV])


def package_versions(venv: str) -> dict:
    code = ("import importlib.metadata as m, json, sys\n"
            "out = {}\n"
            "for p in sys.argv[1:]:\n"
            "    try: out[p] = m.version(p)\n"
            "    except m.PackageNotFoundError: pass\n"
            "out['python'] = sys.version.split()[0]\n"
            "print(json.dumps(out))")
    res = subprocess.run([venv_python(venv), "-c", code, *VERSION_PACKAGES[venv]],
                         check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def run_one(synth: str, eps: float, seed: int, threads: int) -> dict:
    venv, runner = SYNTHS[synth]
    py = venv_python(venv)
    if not py.exists():
        raise SystemExit(f"no venv {VENVS / venv}: run with --setup first")
    tag = f"{synth}_eps{eps:g}_seed{seed}"
    out_csv = WORK / "synth" / f"{tag}.csv"
    meta = WORK / "synth" / f"{tag}.meta.json"
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    for p in (out_csv, meta):
        p.unlink(missing_ok=True)
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "TORCH_NUM_THREADS"):
        env[var] = str(threads)
    if threads == 1:
        # jax (mbi's backend) on one thread
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                            " intra_op_parallelism_threads=1").strip()
    env["JAX_PLATFORMS"] = "cpu"
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONPATH", None)
    cmd = ["nice", "-n", "10", py, RUNNERS / runner, "--synth", synth, "--epsilon", repr(eps),
           "--delta", repr(DELTA), "--seed", str(seed), "--threads", str(threads),
           "--train", SPLIT / "train.csv", "--domain", BENCH / "adult_public_domain.json",
           "--n-rows", str(N_TRAIN), "--out", out_csv, "--meta", meta,
           "--workdir", WORK / "engine" / tag]
    if venv == "smartnoise":
        cmd.append("--also-round")  # snsynth's default sampling, scored for comparison
    # peak memory: GNU time's maximum resident set size of the runner (nice execs the runner,
    # so it is the same process); otherwise getrusage(RUSAGE_CHILDREN).ru_maxrss, which only
    # tells when this runner's peak is above every earlier child's
    mem_file = WORK / "synth" / f"{tag}.maxrss"
    mem_file.unlink(missing_ok=True)
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        cmd = [gnu_time, "-f", "%M", "-o", mem_file] + cmd
    print(f"\n=== {tag} ===", flush=True)
    print("+", " ".join(shlex.quote(str(c)) for c in cmd), flush=True)
    load_before = [round(x, 2) for x in os.getloadavg()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.time()
    proc = subprocess.run([str(c) for c in cmd], env=env)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    if proc.returncode != 0:
        raise SystemExit(f"{tag}: runner failed with exit code {proc.returncode}")
    if mem_file.exists() and mem_file.read_text().strip().splitlines()[-1].isdigit():
        peak_mb = round(int(mem_file.read_text().strip().splitlines()[-1]) / 1024)
        peak_src = "/usr/bin/time -f %M (maximum resident set size of the runner process)"
    else:
        peak_mb = round(after / 1024) if after > before else None
        peak_src = "resource.getrusage(RUSAGE_CHILDREN).ru_maxrss after the runner"
    m = json.loads(meta.read_text())
    row = {
        "synthesizer": synth,
        "epsilon": eps,
        "delta": DELTA,
        "seed": seed,
        "threads": threads,
        "fit_seconds": round(m["fit_seconds"], 1),
        "sample_seconds": round(m["sample_seconds"], 1),
        "runner_wall_seconds": round(wall, 1),
        "load_average_1_5_15min": {"before": load_before,
                                   "after": [round(x, 2) for x in os.getloadavg()]},
        "peak_memory_mb": peak_mb,
        "peak_memory_source": peak_src,
        "n_rows": m["n_rows"],
        "settings": m.get("settings", {}),
        "what_preprocessing_read_from_the_data": READS_FROM_DATA[synth],
        "versions": package_versions(venv),
    }
    row.update(score(out_csv, tag))
    round_csv = out_csv.with_name(out_csv.stem + "_round.csv")
    if round_csv.exists():
        r = score(round_csv, tag + "_round")
        row["with_method_round"] = {
            "note": "the same fitted model sampled with mbi's default method='round' (what "
                    "snsynth's sample() does); not the headline figure",
            **{k: r[k] for k in ("tvd1", "tvd2", "tstr_auc")}}
    return row


def score(csv: Path, label: str) -> dict:
    env = dict(os.environ, ANCHOR_TRAIN=str(SPLIT / "train.csv"),
               ANCHOR_TEST=str(SPLIT / "test.csv"))
    out = WORK / "scores" / f"{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["nice", "-n", "10", sys.executable, str(BENCH / "adult_scorer.py"), str(csv),
                    "--label", label, "--json", str(out)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    s = json.loads(out.read_text())
    keep = ["tvd1", "tvd2", "tvd2_max", "tstr_auc", "n_nan_cells", "dcr_train_median",
            "dcr_test_median", "share_closer_to_train", "exact_match_train", "exact_match_test"]
    res = {k: s[k] for k in keep if k in s}
    res["trtr_auc"] = trtr_auc()
    return res


_TRTR: float | None = None


def trtr_auc() -> float:
    global _TRTR
    if _TRTR is None:
        cache = WORK / "scores" / "trtr.json"
        if not cache.exists():
            env = dict(os.environ, ANCHOR_TRAIN=str(SPLIT / "train.csv"),
                       ANCHOR_TEST=str(SPLIT / "test.csv"))
            subprocess.run(["nice", "-n", "10", sys.executable, str(BENCH / "adult_scorer.py"),
                            "--trtr", "--json", str(cache)], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        _TRTR = json.loads(cache.read_text())[0]["trtr_auc"]
    return _TRTR


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--setup", action="store_true", help="(re)create the reference venvs")
    ap.add_argument("--freeze", action="store_true",
                    help="with --setup: record pip freeze into the requirement files")
    ap.add_argument("--only", default="mst,mostlyai,aim")
    ap.add_argument("--epsilons", default="1,4")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--report", action="store_true",
                    help="run nothing: print the recorded runs beside the issue's figures")
    a = ap.parse_args(argv)
    only = [s.strip() for s in a.only.split(",") if s.strip()]
    for s in only:
        if s not in SYNTHS:
            raise SystemExit(f"unknown synthesizer {s!r}; choose from {sorted(SYNTHS)}")
    epsilons = [float(e) for e in a.epsilons.split(",") if e.strip()]
    command = " ".join(shlex.quote(x) for x in [sys.executable, *sys.argv])

    if a.setup:
        installs = []
        for venv in sorted({SYNTHS[s][0] for s in only}):
            installs.append(setup_venv(venv, a.freeze))
        print(json.dumps(installs, indent=1))
        setup_log = WORK / "setup.json"
        WORK.mkdir(parents=True, exist_ok=True)
        setup_log.write_text(json.dumps({"date": dt.datetime.now().isoformat(timespec="seconds"),
                                         "command": command, "venvs": installs}, indent=1))
        return 0

    out_path = Path(a.out)
    doc = json.loads(out_path.read_text()) if out_path.exists() else {}
    runs = {(r["synthesizer"], r["epsilon"], r["seed"]): r for r in doc.get("runs", [])}
    if a.report:
        if runs:
            save(out_path, runs, doc.get("command", command))
        print(report(runs))
        return 0
    write_split()
    # AIM after the others (it is by far the slowest)
    order = sorted(only, key=lambda s: s == "aim")
    for synth in order:
        for eps in epsilons:
            row = run_one(synth, eps, a.seed, a.threads)
            row["command"] = command
            runs[(synth, eps, a.seed)] = row
            print(json.dumps({k: row.get(k) for k in ("synthesizer", "epsilon", "fit_seconds",
                                                      "peak_memory_mb", "tvd2", "tstr_auc")}),
                  flush=True)
            save(out_path, runs, command)
    save(out_path, runs, command)
    return 0


def report(runs: dict) -> str:
    lines = ["| run | TSTR AUC | 2-way TVD | 1-way TVD | fit s | sample s | peak MB "
             "| issue: TSTR / TVD2 / fit s |", "|---|---|---|---|---|---|---|---|"]
    for r in sorted(runs.values(), key=lambda r: (r["synthesizer"], r["epsilon"], r["seed"])):
        key = f"{r['synthesizer']} eps{r['epsilon']:g}"
        ref = ISSUE_FIGURES.get(key)
        ref_s = f"{ref['tstr_auc']} / {ref['tvd2']} / {ref['fit_seconds']}" if ref else "-"
        lines.append(f"| {key} seed{r['seed']} | {r['tstr_auc']:.3f} | {r['tvd2']:.3f} "
                     f"| {r['tvd1']:.3f} | {r['fit_seconds']:.0f} | {r['sample_seconds']:.0f} "
                     f"| {r['peak_memory_mb']} | {ref_s} |")
    return "\n".join(lines)


def save(out_path: Path, runs: dict, command: str) -> None:
    doc = {
        "benchmark": "Adult reference synthesizers (../shared/bench), scored by adult_scorer.py",
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": command,
        "commands_of_the_runs": list(dict.fromkeys(r.get("command") for r in runs.values())),
        "setup": json.loads((WORK / "setup.json").read_text())
        if (WORK / "setup.json").exists() else None,
        "issue_figures_for_comparison": ISSUE_FIGURES,
        "notes": "Timings are wall-clock on a shared 2-core machine, runners under nice -n 10 "
                 "with one thread; see load_average_1_5_15min per run. Seeds: see each run's "
                 "settings.seeding (OpenDP's noise cannot be seeded, so MST/AIM vary run to run).",
        "runs": sorted(runs.values(), key=lambda r: (r["synthesizer"], r["epsilon"], r["seed"])),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    tmp.replace(out_path)


if __name__ == "__main__":
    sys.exit(main())
