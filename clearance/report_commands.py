"""``clearance report RUN_DIR``: render a run's report again from its saved ``report.json``.

The JSON is validated against the shipped schema first, so a damaged or hand-edited file is
refused rather than rendered. The new HTML is written outside the run folder: a release folder
holds exactly the files its manifest lists, and ``clearance verify`` rejects any other. Prints
the verdict and, for a release, whether its files still match the manifest.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clearance.outputs import check_output, write_atomically
from privacy.errors import InvalidInputError

__all__ = ["add_report_parser", "run_report_command"]


def add_report_parser(sub: Any) -> None:
    """Add ``report`` to the CLI's subcommands."""
    report = sub.add_parser(
        "report",
        help="render a run's HTML report again from its report.json",
        description="Render the HTML report of a run folder (a release, or OUT.rejected) again "
        "from its saved report.json, validated against the report schema first. The HTML is "
        "written outside the folder, so a release still verifies.",
    )
    report.add_argument("run_dir", type=Path, metavar="RUN_DIR",
                        help="a release folder or a refused run's OUT.rejected folder")
    report.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="where to write the HTML, outside RUN_DIR (default: "
                             "<RUN_DIR name>-report.html in the current folder)")
    report.add_argument("--overwrite", action="store_true", help="replace an existing --out")


def run_report_command(args: argparse.Namespace) -> int | None:
    """Run ``args`` if it is the report command; None otherwise."""
    if args.command != "report":
        return None
    from clearance.release import MANIFEST_NAME, verify_release
    from reports import ReportValidationError, write_report_html
    from reports.json_report import load_report_json, report_from_dict

    run_dir: Path = args.run_dir
    source = run_dir / "report.json"
    if not run_dir.is_dir():
        raise InvalidInputError(f"{run_dir} is not a folder; give a release or OUT.rejected folder")
    if not source.is_file():
        raise InvalidInputError(f"{run_dir} has no report.json; it is not a Clearance run folder")
    out = args.out if args.out is not None else Path(f"{run_dir.resolve().name}-report.html")
    if out.resolve().parent == run_dir.resolve():
        raise InvalidInputError(
            "--out must not be inside the run folder: a release holds only the files its "
            "manifest lists; write the HTML elsewhere"
        )
    check_output(out, args.overwrite)
    try:
        report = report_from_dict(load_report_json(source))
    except ReportValidationError as err:
        raise InvalidInputError(f"{source} cannot be rendered: {err}") from None
    write_atomically(out, lambda p: write_report_html(report, p))
    failing = [f for f in report.findings if f.status.value in ("fail", "error")]
    print(f"verdict {report.verdict.value.upper()}: {len(report.findings)} checks, "
          f"{len(failing)} failing or in error")
    print(f"report written to {out}")
    if (run_dir / MANIFEST_NAME).is_file():
        result = verify_release(run_dir)
        state = (f"OK, {len(result.checked)} match the manifest" if result.ok
                 else "MISMATCH: " + "; ".join(result.problems))
        print(f"release files: {state}")
    return 0
