"""Benchmark: report size and render time for a 1,000,000-row release run.

Runs the real pipeline (``clearance.pipeline.run_release``, as ``clearance run`` does) on a
generated admissions table (``clearance.demo_data.generate_admissions``, fixed seed) at
``--rows`` (default 1,000,000), and the named baseline, the same measurements on the 5,000-row
demo table (``--baseline-rows``), in the same invocation. Each size runs in its own child
process, so its peak resident memory is its own. For each size it records:

* the table's generation time and the run's wall time, and the run's own per-stage timings
  (``results.timings_seconds`` of ``report.json``);
* the sizes in bytes of ``report.json``, ``report.html`` and ``synthetic.csv``;
* the time to load the report back (``reports.load_report_json`` + ``report_from_dict``) and to
  render its HTML (``reports.render_html``), median of ``--repeats`` runs;
* the time headless chromium takes to load ``report.html`` and write a 1280x4000 screenshot
  (median of ``--repeats``; a fresh browser each time, as in the browser test), beside its
  start-up time on ``about:blank``; chromium's own peak resident memory;
* the process's peak resident memory (``resource.getrusage``) and the core count.

Then the ratios large / baseline. Settings, stated in the JSON: the free-text column
``clinical_note`` is dropped from the input and from the schema (redacting a million notes with
the NER detector would take about an hour on 2 cores, about 17 s per 5,000 notes); the
direct identifiers are still scanned (a sample of 200 values per column, as always) and dropped;
``--epochs`` (default 3) with the planner's batch size; ``--audit-models`` (default 4, the
pipeline's default canary audit; 0 skips it and the judge then warns that the claim was not
tested); epsilon 1; seed 0 (as ``clearance demo``); as many synthetic rows as input rows.
Progress (each stage as it starts) goes to stderr.

    .venv/bin/python benchmarks/report_scale.py [--rows 1000000] [--baseline-rows 5000]
        [--epochs 3] [--audit-models 4] [--repeats 3] [--out benchmarks/results/report_scale.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DROPPED_COLUMN = "clinical_note"
EPSILON = 1.0
SEED = 0  # as `clearance demo`: the baseline table is the demo's, without its notes
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-sync", "--disable-background-networking",
    "--disable-component-update", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
)


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _chromium() -> str | None:
    return next((p for n in ("chromium", "chromium-browser") if (p := shutil.which(n))), None)


# Runs chromium from a small interpreter, so that the children's peak resident memory is
# chromium's (a child forked from this process would carry this process's peak with it):
# prints {"seconds", "peak_rss_kib" (the largest chromium process), "rc", "stderr"}.
_TIMED_RUN = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print(json.dumps({"seconds": time.perf_counter() - start, "rc": done.returncode,
                  "peak_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stderr": done.stderr[-2000:]}))
"""


def _browse(chromium: str, url: str, work: Path, *flags: str) -> dict[str, Any]:
    """One fresh headless chromium on ``url``: its wall time and largest process's peak RSS."""
    profile = Path(tempfile.mkdtemp(dir=work, prefix="profile-"))
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags, url]
    done = subprocess.run([sys.executable, "-c", _TIMED_RUN, *command], capture_output=True,
                          text=True, timeout=600, check=True)
    shutil.rmtree(profile, ignore_errors=True)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"chromium exited with {result['rc']}: {result['stderr']}")
    return result


def _browser(html: Path, work: Path, repeats: int) -> dict[str, Any]:
    chromium = _chromium()
    if chromium is None:
        return {"skipped": "chromium is not installed (apt-get install chromium)"}
    version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout
    blank = [_browse(chromium, "about:blank", work, "--dump-dom") for _ in range(repeats)]
    shot = work / "screenshot.png"
    shots = []
    for _ in range(repeats):
        shot.unlink(missing_ok=True)
        shots.append(_browse(chromium, html.as_uri(), work,
                             f"--screenshot={shot}", "--window-size=1280,4000"))
        if not shot.is_file():
            raise RuntimeError("chromium wrote no screenshot")
    seconds = [r["seconds"] for r in shots]
    return {
        "chromium": version.strip(),
        "screenshot_seconds_median": round(statistics.median(seconds), 3),
        "screenshot_seconds_all": [round(s, 3) for s in seconds],
        "startup_about_blank_seconds_median": round(
            statistics.median(r["seconds"] for r in blank), 3),
        "screenshot_bytes": shot.stat().st_size,
        "chromium_peak_rss_mib": round(max(r["peak_rss_kib"] for r in shots) / 1024, 1),
        "chromium_peak_rss_about_blank_mib": round(
            max(r["peak_rss_kib"] for r in blank) / 1024, 1),
        "chromium_peak_rss_note": "the largest single chromium process (browser, renderer or "
                                  "GPU process), not their sum",
        "window": "1280x4000",
    }


class _Progress:
    """Prints each pipeline step once, as it starts, with the seconds since the run began."""

    def __init__(self, rows: int, start: float) -> None:
        self.rows, self.start, self.last = rows, start, ""

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.last:
            self.last = step
            print(f"[report_scale {self.rows:,}] {time.perf_counter() - self.start:7.1f} s  {step}",
                  file=sys.stderr, flush=True)


def measure_one(rows: int, epochs: int, audit_models: int, repeats: int) -> dict[str, Any]:
    """One size, in this process: generate, run the release, load, render, browse."""
    import numpy as np

    from clearance.config import RunConfig, TrainingSettings
    from clearance.demo_data import demo_schema, generate_admissions
    from clearance.pipeline import run_release
    from privacy.pii import build_detector
    from privacy.schema import Schema
    from reports import load_report_json, render_html, report_from_dict

    work = Path(tempfile.mkdtemp(prefix=f"report_scale_{rows}_"))
    try:
        start = time.perf_counter()
        table = generate_admissions(rows, rng=np.random.default_rng(SEED))
        generate_seconds = time.perf_counter() - start
        table = table.drop(columns=[DROPPED_COLUMN])
        data, schema_path = work / "admissions.csv", work / "schema.json"
        start = time.perf_counter()
        table.to_csv(data, index=False)
        write_csv_seconds = time.perf_counter() - start
        full = demo_schema()
        Schema(columns=tuple(c for c in full.columns if c.name != DROPPED_COLUMN)).save(schema_path)
        del table

        start = time.perf_counter()
        detector = build_detector()
        detector_seconds = time.perf_counter() - start

        config = RunConfig(
            input_path=data, out_dir=work / "release", epsilon=EPSILON, schema_path=schema_path,
            seed=SEED, training=TrainingSettings(epochs=epochs), audit_models=audit_models,
        )  # the budget ledger is a new one next to the input, in the temporary folder
        start = time.perf_counter()
        outcome = run_release(config, detector=detector, progress=_Progress(rows, start))
        run_seconds = time.perf_counter() - start
        out = outcome.release_dir or outcome.rejected_dir
        assert out is not None
        rss_after_run = _peak_rss_mib()

        report_json, report_html = out / "report.json", out / "report.html"
        results = json.loads(report_json.read_text(encoding="utf-8"))["results"]
        loads, renders = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            report = report_from_dict(load_report_json(report_json))
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            html = render_html(report)
            renders.append(time.perf_counter() - start)
        rendered_html = work / "rendered.html"
        rendered_html.write_text(html, encoding="utf-8")
        synthetic = out / "synthetic.csv"
        training = results.get("training") or {}
        return {
            "rows": rows,
            "verdict": outcome.verdict.value,
            "released": outcome.release_dir is not None,
            "sections": len(report.sections),
            "findings": len(report.findings),
            "findings_by_status": dict(Counter(f.status.value for f in report.findings)),
            "failed_checks": [f.check_id for f in report.findings
                              if f.status.value in ("fail", "error")],
            "epsilon_spent": results.get("privacy", {}).get("epsilon"),
            "n_privacy_units": results.get("privacy", {}).get("n_units"),
            "training": {k: training.get(k) for k in (
                "n_train_rows", "epochs", "steps", "sample_rate", "noise_multiplier", "seconds",
                "grad_sample_mode")},
            "generate_table_seconds": round(generate_seconds, 3),
            "write_input_csv_seconds": round(write_csv_seconds, 3),
            "input_csv_bytes": data.stat().st_size,
            "build_detector_seconds": round(detector_seconds, 3),
            "run_release_wall_seconds": round(run_seconds, 3),
            "stage_seconds": results.get("timings_seconds", {}),
            "stage_seconds_sum": round(sum(results.get("timings_seconds", {}).values()), 3),
            "report_json_bytes": report_json.stat().st_size,
            "report_html_bytes": report_html.stat().st_size,
            "synthetic_csv_bytes": synthetic.stat().st_size if synthetic.is_file() else None,
            "rendered_html_identical_to_release": html == report_html.read_text(encoding="utf-8"),
            "load_report_seconds_median": round(statistics.median(loads), 4),
            "render_html_seconds_median": round(statistics.median(renders), 4),
            "render_html_seconds_all": [round(s, 4) for s in renders],
            "browser": _browser(report_html, work, repeats),
            "peak_rss_mib_after_run": rss_after_run,
            "peak_rss_mib": _peak_rss_mib(),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _child(rows: int, args: argparse.Namespace) -> dict[str, Any]:
    """Measure one size in a fresh interpreter (its own peak memory, no warm caches)."""
    command = [sys.executable, __file__, "--one", str(rows), "--epochs", str(args.epochs),
               "--audit-models", str(args.audit_models), "--repeats", str(args.repeats)]
    print(f"[report_scale] {rows:,} rows ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)  # stderr: progress
    if done.returncode != 0:
        raise SystemExit(f"the {rows}-row run failed (exit {done.returncode}); see stderr above")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["child_process_seconds"] = round(time.perf_counter() - start, 1)
    print(f"[report_scale] {rows:,} rows done in {result['child_process_seconds']} s",
          file=sys.stderr, flush=True)
    return result


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _ratios(large: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    keys = ("rows", "run_release_wall_seconds", "report_json_bytes", "report_html_bytes",
            "synthetic_csv_bytes", "load_report_seconds_median", "render_html_seconds_median",
            "peak_rss_mib")
    ratios: dict[str, Any] = {k: _ratio(large[k], base[k]) for k in keys}
    ratios["stage_seconds"] = {
        k: _ratio(v, base["stage_seconds"].get(k)) for k, v in large["stage_seconds"].items()
    }
    lb, bb = large["browser"], base["browser"]
    if "screenshot_seconds_median" in lb and "screenshot_seconds_median" in bb:
        ratios["browser_screenshot_seconds_median"] = _ratio(
            lb["screenshot_seconds_median"], bb["screenshot_seconds_median"]
        )
        ratios["chromium_peak_rss_mib"] = _ratio(
            lb["chromium_peak_rss_mib"], bb["chromium_peak_rss_mib"]
        )
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--audit-models", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "report_scale.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: measure one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.epochs, args.audit_models, args.repeats)))
        return

    started = datetime.now(UTC).isoformat(timespec="seconds")
    start = time.perf_counter()
    baseline = _child(args.baseline_rows, args)
    large = _child(args.rows, args)
    payload = {
        "benchmark": "report_scale",
        "started_at": started,
        "total_seconds": round(time.perf_counter() - start, 1),
        "baseline": f"the same measurements on the {args.baseline_rows:,}-row demo table, "
                    "same settings, same invocation",
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "torch_threads": int(os.environ.get("OMP_NUM_THREADS", "0")) or None,
            "load_average_1_5_15_at_end": list(os.getloadavg()),
        },
        "settings": {
            "pipeline": "clearance.pipeline.run_release (what `clearance run` runs)",
            "input": f"clearance.demo_data.generate_admissions(rows, rng=default_rng({SEED})) as CSV "
                     "(seed 0 as `clearance demo`)",
            "dropped_from_input_and_schema": [DROPPED_COLUMN],
            "why_dropped": "free-text notes are redacted with the NER detector (about 17 s per "
                           "5,000 notes on 2 cores), so a million notes would take about an hour; "
                           "without the column nothing is redacted, the 7 direct identifiers and "
                           "the date of birth are scanned (a 200-value sample each) and dropped",
            "schema": "clearance.demo_data.demo_schema() without clinical_note",
            "epsilon": EPSILON,
            "seed": f"fixed ({SEED}); the report warns about it",
            "epochs": args.epochs,
            "logical_batch_size": "the planner's choice",
            "audit_models": args.audit_models,
            "audit_models_note": "0: no canary model audit (the judge warns that the claim was "
                                 "not tested); the membership attacks still run"
            if args.audit_models == 0 else f"the pipeline's default canary model audit ({args.audit_models} models on halves "
                                 "of the training rows)",
            "synthetic_rows": "as many as the input (the default)",
            "repeats_for_render_and_browser": args.repeats,
            "each_size_in_its_own_process": True,
        },
        "baseline_result": baseline,
        "large_result": large,
        "ratios_large_over_baseline": _ratios(large, baseline),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload["ratios_large_over_baseline"], indent=2))
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
