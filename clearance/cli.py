"""The ``clearance`` command line. Exit codes: 0 release written, 1 release refused by the
policy (report written beside, no data), 2 unusable input (nothing written), 3 internal error."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

DESCRIPTION = """\
Clearance turns a sensitive table into a release: a synthetic table trained under a stated
differential-privacy budget, and a compliance report with the evidence that it is safe to share.
"""

EPILOG = """\
examples:
  clearance demo                                  # fictional hospital admissions, end to end
  clearance run admissions.csv --epsilon 1 --schema schema.json --out release/
  clearance verify release/                       # check a received release's hashes
  clearance report release/ --out report.html     # render the report again from report.json
  clearance scan admissions.csv --schema-out schema.json   # find identifiers, propose a schema
  clearance deidentify admissions.csv --schema schema.json --out deidentified.csv
  clearance pii detect --input texts.jsonl --output spans.jsonl --profile safe-harbor
  clearance risk admissions.csv --qi age,sex,zip3 --sensitive diagnosis --sampling-fraction 0.1
  clearance policy show public-release            # print a policy preset (TOML)
  clearance plan admissions.csv --epsilon 1 --entity-column patient_id   # choose a batch size
  clearance run admissions.csv --epsilon 1 --schema schema.json --out release/ \
      --boost diagnosis=RARE:0.2 --rule 'discharge_date >= admission_date'
  clearance ledger show admissions.csv.clearance-ledger.json   # a dataset's budget ledger
  clearance audit --real train.csv --control holdout.csv --synthetic vendor.csv   # any tool's
"""


#: The policy presets (kept in step with clearance.policy.PRESETS by a test; the CLI module
#: does not import the policy module at start-up).
_PRESETS = (
    "default", "controlled-sharing", "public-release", "public-release-strict",
    "trusted-recipient", "internal-testing",
)  # fmt: skip


def _offline_environment() -> None:
    """Nothing is fetched at run time: pin the libraries that would try to, before they load."""
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clearance",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="release a synthetic table and its report from INPUT")
    run.add_argument("input", type=Path, metavar="INPUT", help="CSV or Parquet table")
    run.add_argument("--epsilon", type=_positive_float, required=True,
                     help="end-to-end privacy budget epsilon (> 0; 1 is a common strong choice)")
    run.add_argument("--delta", type=_positive_float, default=None,
                     help="privacy parameter delta (< 1/n); default: a power of ten <= 1/(10 n)")
    run.add_argument("--out", type=Path, required=True, metavar="DIR", help="release folder to create")
    _add_common(run)

    demo = sub.add_parser("demo", help="run the whole pipeline on a fictional hospital table")
    demo.add_argument("--rows", type=_positive_int, default=5000,
                      help="admissions to generate (default 5000)")
    demo.add_argument("--epsilon", type=_positive_float, default=1.0, help="privacy budget (default 1)")
    demo.add_argument("--delta", type=_positive_float, default=None, help="default: derived from n")
    demo.add_argument("--out", type=Path, default=Path("demo-release"), metavar="DIR",
                      help="release folder (default demo-release); the fictional input goes to DIR-input")
    demo.add_argument("--overwrite", action="store_true", help="replace existing output folders")
    demo.add_argument("--seed", type=int, default=0,
                      help="seed for the demo data and the run (default 0: reproducible, not secret)")
    demo.add_argument("--epochs", type=_positive_int, default=None, help="training epochs")
    demo.add_argument("--target", default="readmitted_30d", metavar="COLUMN",
                      help="column for the downstream-utility test (default readmitted_30d)")

    verify = sub.add_parser("verify", help="check a release folder against its manifest hashes")
    verify.add_argument("release", type=Path, metavar="RELEASE_DIR")

    policy = sub.add_parser("policy", help="show the policy presets")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True, metavar="ACTION")
    show = policy_sub.add_parser("show", help="print a preset as TOML")
    show.add_argument("preset", nargs="?", default="default", help=", ".join(_PRESETS))

    from clearance.pii_commands import add_pii_parsers

    add_pii_parsers(sub, _positive_int)
    from clearance.risk_commands import add_risk_parser

    add_risk_parser(sub)
    from clearance.audit_commands import add_audit_parser

    add_audit_parser(sub)
    from clearance.report_commands import add_report_parser

    add_report_parser(sub)
    from clearance.plan_commands import add_plan_parser

    add_plan_parser(sub)
    from clearance.ledger_commands import add_ledger_parser

    add_ledger_parser(sub)
    return parser


def _add_common(run: argparse.ArgumentParser) -> None:
    run.add_argument("--schema", type=Path, default=None, metavar="FILE",
                     help="schema JSON: column kinds, roles, public domains (default: proposed from a PII scan)")
    run.add_argument("--policy", type=Path, default=None, metavar="FILE|PRESET",
                     help="policy TOML with the thresholds to judge against, or a preset: "
                          f"{', '.join(_PRESETS)} (`clearance policy show NAME` prints one)")
    run.add_argument("--rows", type=_positive_int, default=None,
                     help="synthetic rows to release (default: as many as the input)")
    run.add_argument("--target", default=None, metavar="COLUMN",
                     help="column for the downstream-utility test (default: first sensitive categorical)")
    run.add_argument("--epochs", type=_positive_int, default=None, help="training epochs")
    run.add_argument("--seed", type=int, default=None,
                     help="fix randomness for reproducibility (the DP noise becomes reproducible: "
                          "never publish the seed)")
    run.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")
    run.add_argument("--pii-profile", choices=("strict", "safe-harbor"), default="strict",
                     help="what the PII scan counts as an identifier (default strict)")
    run.add_argument("--sampling-fraction", type=float, default=None, metavar="F",
                     help="share of the population the input holds, in (0, 1]: adds population "
                          "uniqueness and sdcMicro individual risk to the real table's risk")
    run.add_argument("--max-rows-per-entity", type=_positive_int, default=1, metavar="K",
                     help="with an entity column (patient id), keep at most K random rows per "
                          "entity; the guarantee stays per entity (group privacy; default 1)")
    run.add_argument("--boost", default=None, metavar="COLUMN=CLASS:SHARE",
                     help="release SHARE of the rows with COLUMN = CLASS, e.g. "
                          "diagnosis=RARE:0.2 (conditional sampling; no extra budget)")
    run.add_argument("--rule", action="append", default=[], metavar="RULE",
                     help="drop synthetic rows that break a cross-field rule, e.g. "
                          "'discharge_date >= admission_date' (repeatable; counts reported)")
    run.add_argument("--ledger-dir", type=Path, default=None, metavar="DIR",
                     help="keep the dataset's privacy-budget ledger in DIR (default: next to INPUT)")
    run.add_argument("--dataset-epsilon-limit", type=_positive_float, default=None, metavar="E",
                     help="lifetime epsilon of the dataset when its ledger is created (default 4)")
    run.add_argument("--dataset-delta-limit", type=_positive_float, default=None, metavar="D",
                     help="lifetime delta of the dataset when its ledger is created "
                          "(default 4 x this run's delta)")
    run.add_argument("--audit-models", type=int, default=4, metavar="N",
                     help="audit models trained with canaries to test the claimed epsilon (even; "
                          "default 4, about 2-3x the release's training time; 0 skips the "
                          "model audit: the judge warns, or fails under a policy that "
                          "requires the audit)")


class _ConsoleProgress:
    """Stage lines on stderr, and a progress bar for stages with a known length."""

    def __init__(self) -> None:
        self._stage: str | None = None
        self._bar = None
        self._started = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self._stage:
            self.close()
            self._stage = stage
            elapsed = time.perf_counter() - self._started
            if total <= 0:
                print(f"[{elapsed:6.1f}s] {stage} ...", file=sys.stderr, flush=True)
            else:
                self._bar = tqdm(total=total, desc=f"[{elapsed:6.1f}s] {stage}", file=sys.stderr,
                                 leave=True, dynamic_ncols=True)
        if self._bar is not None and total > 0:
            self._bar.n = min(done, total)
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _quiet_library_logs() -> None:
    """Presidio logs a warning per recognizer of another language; keep stderr for progress."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    _offline_environment()
    _quiet_library_logs()
    parser = build_parser()
    args = parser.parse_args(argv)
    from privacy.errors import ClearanceError

    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "demo":
            return _cmd_demo(args)
        if args.command == "verify":
            return _cmd_verify(args)
        from clearance.ledger_commands import run_ledger_command
        from clearance.pii_commands import run_pii_command
        from clearance.plan_commands import run_plan_command
        from clearance.risk_commands import run_risk_command

        code = run_pii_command(args)
        if code is None:
            code = run_risk_command(args)
        if code is None:
            from clearance.audit_commands import run_audit_command

            code = run_audit_command(args)
        if code is None:
            from clearance.report_commands import run_report_command

            code = run_report_command(args)
        if code is None:
            code = run_plan_command(args)
        if code is None:
            code = run_ledger_command(args)
        if code is not None:
            return code
        if args.command == "policy":
            from clearance.policy import preset_text

            print(preset_text(args.preset), end="")
            return EXIT_OK
    except ClearanceError as err:
        print(f"clearance: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("clearance: interrupted; no release was written", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as err:  # noqa: BLE001 - last line of defence: never echo data
        if args.debug:
            raise
        # The message of an unexpected exception may quote a cell value: print only its type.
        print(
            f"clearance: internal error ({type(err).__name__}); no release was written. "
            "Rerun with --debug for a traceback (it may show data values).",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    parser.error("unknown command")
    return EXIT_BAD_INPUT


def _run_config(args: argparse.Namespace, *, input_path: Path, schema: Path | None):
    from clearance.config import RunConfig, TrainingSettings

    training = TrainingSettings()
    if args.epochs is not None:
        training = TrainingSettings(**{**training.__dict__, "epochs": args.epochs})
    return RunConfig(
        input_path=input_path,
        out_dir=args.out,
        epsilon=args.epsilon,
        delta=args.delta,
        schema_path=schema,
        policy_path=getattr(args, "policy", None),
        overwrite=args.overwrite,
        seed=args.seed,
        synthetic_rows=getattr(args, "rows", None) if args.command == "run" else None,
        target_column=getattr(args, "target", None),
        pii_profile=getattr(args, "pii_profile", "strict"),
        sampling_fraction=getattr(args, "sampling_fraction", None),
        max_rows_per_entity=getattr(args, "max_rows_per_entity", 1),
        ledger_dir=getattr(args, "ledger_dir", None),
        dataset_epsilon_limit=getattr(args, "dataset_epsilon_limit", None),
        dataset_delta_limit=getattr(args, "dataset_delta_limit", None),
        boost=_boost(getattr(args, "boost", None)),
        rules=tuple(getattr(args, "rule", ()) or ()),
        training=training,
        audit_models=getattr(args, "audit_models", 4),
    )


def _boost(text: str | None) -> tuple[str, str, float] | None:
    if text is None:
        return None
    from synth.sampling import parse_boost

    boost = parse_boost(text)
    return (boost.column, boost.value, float(boost.share))


def _execute(config) -> int:
    from clearance.pipeline import run_release

    progress = _ConsoleProgress()
    try:
        outcome = run_release(config, progress=progress)
    finally:
        progress.close()
    verdict = outcome.verdict.value.upper()
    if outcome.release_dir is not None:
        print(f"verdict: {verdict}")
        print(f"release written to {outcome.release_dir}/ (synthetic.csv, report.html, report.json, manifest.json)")
        print(outcome.report.guarantee)
        return EXIT_OK
    print(f"verdict: {verdict}: the release was refused; no synthetic data was written.")
    print(f"the report explaining why is in {outcome.rejected_dir}/report.html")
    return EXIT_REFUSED


def _cmd_run(args: argparse.Namespace) -> int:
    return _execute(_run_config(args, input_path=args.input, schema=args.schema))


def _cmd_demo(args: argparse.Namespace) -> int:
    import numpy as np

    from clearance.demo_data import demo_schema, generate_admissions
    from clearance.release import ReleaseFile, check_destination, write_atomically

    check_destination(args.out, overwrite=args.overwrite)
    input_dir = args.out.with_name(args.out.name + "-input")
    print(f"generating {args.rows} fictional admissions (seed {args.seed}) into {input_dir}/",
          file=sys.stderr)
    table = generate_admissions(args.rows, rng=np.random.default_rng(args.seed))
    write_atomically(
        input_dir,
        [
            ReleaseFile("admissions.csv", lambda p: table.to_csv(p, index=False)),
            ReleaseFile("schema.json", lambda p: demo_schema().save(p)),
        ],
        manifest_extra=None,
        overwrite=True,
    )
    args.rows = None
    return _execute(
        _run_config(args, input_path=input_dir / "admissions.csv", schema=input_dir / "schema.json")
    )


def _cmd_verify(args: argparse.Namespace) -> int:
    from clearance.release import verify_release

    result = verify_release(args.release)
    if result.ok:
        print(f"OK: {len(result.checked)} files match the manifest of {args.release}")
        return EXIT_OK
    for problem in result.problems:
        print(f"MISMATCH: {problem}")
    return EXIT_REFUSED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
