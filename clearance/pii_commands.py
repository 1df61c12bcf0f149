"""The PII commands of the CLI: ``clearance scan``, ``clearance deidentify`` and
``clearance pii detect``.

Every command loads the detector once (offline, a few seconds), shows progress on stderr, and
prints or writes counts, entity types and masked shapes only; no cell value or detected text is
ever printed. Output files are written to a temporary name and renamed, so an interrupted run
leaves no half-written file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from clearance.outputs import check_output, progress_bar, write_atomically, write_json
from privacy.errors import InvalidInputError

__all__ = ["add_pii_parsers", "run_pii_command"]

_PII_CONFIG_HELP = (
    "TOML file whose [pii] table sets detection: score_threshold, entity_thresholds, "
    "allow_list, deny_list, mrn_patterns, spacy_model, ner_model, n_process"
)


def add_pii_parsers(sub: Any, positive_int: Callable[[str], int]) -> None:
    """Add ``scan``, ``deidentify`` and ``pii detect`` to the CLI's subcommands."""
    scan = sub.add_parser(
        "scan",
        help="find personal identifiers in a table's columns and propose a schema",
        description="Scan every column of TABLE for personal identifiers (from a sample of "
        "values, column names, value shapes, and a full-column check of pattern identifiers) "
        "and propose a role and a de-identification action per column.",
    )
    scan.add_argument("table", type=Path, metavar="TABLE", help="CSV or Parquet table")
    scan.add_argument(
        "--schema-out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the proposed schema (JSON) to edit and pass to deidentify/run",
    )
    scan.add_argument(
        "--json-out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the full scan (findings per column and entity) as JSON",
    )
    scan.add_argument(
        "--sample-size",
        type=positive_int,
        default=200,
        help="most values read per column (default 200; fewer when certain)",
    )
    scan.add_argument("--seed", type=int, default=None, help="seed the value sample")
    _add_detector_options(scan)

    deid = sub.add_parser(
        "deidentify",
        help="apply a schema's de-identification actions to a table",
        description="Apply each column's action from SCHEMA (drop, pseudonymize, surrogate_id, "
        "generalize_zip3, generalize_year, generalize_age, redact, surrogate_text, keep; by "
        "default direct identifiers are dropped, free text redacted, entity ids replaced by "
        "random surrogate ids) and count what is left, per HIPAA Safe Harbor category.",
    )
    deid.add_argument("table", type=Path, metavar="TABLE", help="CSV or Parquet table")
    deid.add_argument(
        "--schema",
        type=Path,
        required=True,
        metavar="FILE",
        help="schema JSON, e.g. from `clearance scan --schema-out`",
    )
    deid.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="TABLE2",
        help="de-identified table to write (.csv or .parquet)",
    )
    deid.add_argument(
        "--report-json",
        type=Path,
        default=None,
        metavar="FILE",
        help="write what was done and the Safe Harbor checklist (counts only)",
    )
    deid.add_argument(
        "--pseudonym-key-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="secret key for pseudonymize (else $CLEARANCE_PSEUDONYM_KEY)",
    )
    deid.add_argument(
        "--surrogate-map",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the surrogate-id lookup table here (mode 0600); without it "
        "surrogate ids cannot be linked back",
    )
    deid.add_argument(
        "--surrogates",
        action="store_true",
        help="replace identifiers in free text by realistic fake values, not tags",
    )
    deid.add_argument(
        "--consistent-across-rows",
        action="store_true",
        help="with --surrogates: the same original gets the same fake value in "
        "every row (links rows of one person)",
    )
    deid.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed surrogate ids and fake values (default: OS entropy)",
    )
    deid.add_argument("--overwrite", action="store_true", help="replace existing output files")
    _add_detector_options(deid)

    pii = sub.add_parser("pii", help="PII tools for evaluation and batch detection")
    pii_sub = pii.add_subparsers(dest="pii_command", required=True, metavar="ACTION")
    detect = pii_sub.add_parser(
        "detect",
        help="detect identifier spans in a JSONL file of texts",
        description='Read lines {"id": ..., "text": ...} and write lines {"id": ..., '
        '"spans": [{"start": s, "end": e, "entity": TYPE, "score": x}]} with character '
        "offsets into the text. Spans do not overlap.",
    )
    detect.add_argument("--input", type=Path, required=True, metavar="texts.jsonl")
    detect.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="spans.jsonl",
        help="spans file to write (replaced if it exists)",
    )
    _add_detector_options(detect)


def _add_detector_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        choices=("strict", "safe-harbor"),
        default=None,
        help="what counts as an identifier: strict (default: every candidate, "
        "any age, date or place) or safe-harbor (HIPAA's rules)",
    )
    parser.add_argument(
        "--pii-config", type=Path, default=None, metavar="FILE", help=_PII_CONFIG_HELP
    )
    parser.add_argument(
        "--ner-model",
        default=None,
        metavar="DIR",
        help="local transformers token-classification folder for NER",
    )
    parser.add_argument(
        "--n-process",
        type=int,
        default=None,
        metavar="N",
        help="processes for large inputs (default: one per core)",
    )


def _detector_config(args: argparse.Namespace) -> Any:
    from privacy.pii import DetectorConfig

    settings: dict[str, Any] = {}
    if args.pii_config is not None:
        settings = _read_pii_config(args.pii_config)
    if args.profile is not None:
        settings["profile"] = args.profile
    if args.ner_model is not None:
        settings["ner_model"] = args.ner_model
    if args.n_process is not None:
        settings["n_process"] = args.n_process
    settings.setdefault("n_process", 0)
    return DetectorConfig.from_mapping(settings)


def _read_pii_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InvalidInputError(f"PII configuration {path} does not exist; check the path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InvalidInputError(
            f"PII configuration {path} is not valid UTF-8 TOML ({type(err).__name__})"
        ) from None
    table = data.get("pii", data)
    if not isinstance(table, dict):
        raise InvalidInputError(f"PII configuration {path}: [pii] must be a table of settings")
    return dict(table)


def _load_detector(args: argparse.Namespace) -> Any:
    from privacy.pii import build_detector

    config = _detector_config(args)
    print(f"loading the PII detector (profile {config.profile.value}) ...", file=sys.stderr)
    return build_detector(config)


# -- scan --------------------------------------------------------------------------------------


def _cmd_scan(args: argparse.Namespace) -> int:
    import numpy as np

    from clearance.tableio import read_table
    from privacy.pii import propose_schema, scan_table

    for out in (args.schema_out, args.json_out):
        if out is not None:
            check_output(out, overwrite=True)
    table = read_table(args.table)
    detector = _load_detector(args)
    bar = progress_bar(table.shape[1], f"scan {len(table):,} rows")
    try:
        scan = scan_table(
            table,
            detector=detector,
            sample_size=args.sample_size,
            rng=np.random.default_rng(args.seed),
            progress=lambda done, _total: bar.update(done - bar.n),
        )
    finally:
        bar.close()
    _print_scan(scan)
    if args.json_out is not None:
        write_json(args.json_out, {"profile": detector.profile.value, **scan.to_dict()})
        print(f"scan written to {args.json_out}")
    if args.schema_out is not None:
        schema = propose_schema(table, scan)
        write_atomically(args.schema_out, schema.save)
        print(
            f"proposed schema written to {args.schema_out}; edit it, then run "
            f"`clearance deidentify {args.table} --schema {args.schema_out} --out ...`"
        )
    return 0


def _print_scan(scan: Any) -> None:
    width = max([len(v.column) for v in scan.verdicts] + [6])
    print(f"\n{'column':<{width}}  {'proposal':<17}  reason")
    for v in scan.verdicts:
        role = v.proposed_role.value if v.proposed_role is not None else "-"
        print(f"{v.column:<{width}}  {role:<17}  {v.reason}")
    print(
        f"\n{len(scan.direct_identifiers())} direct identifier column(s), "
        f"{len(scan.free_text_columns())} free-text column(s), {scan.n_rows:,} rows"
    )


# -- deidentify --------------------------------------------------------------------------------


def deidentify_actions(schema: Any, *, surrogates: bool) -> dict[str, str]:
    """The action per column: the schema's ``deidentify`` entries, else direct identifiers
    dropped, free text redacted (or replaced by surrogates), entity ids given surrogate ids."""
    from privacy.pii.deidentify import schema_actions
    from privacy.schema import ColumnRole

    text = "surrogate_text" if surrogates else "redact"
    actions = schema_actions(
        schema,
        {
            ColumnRole.DIRECT_IDENTIFIER: "drop",
            ColumnRole.FREE_TEXT: text,
            ColumnRole.ENTITY_ID: "surrogate_id",
        },
    )
    return {c: (text if a == "redact" else a) for c, a in actions.items()}


def _cmd_deidentify(args: argparse.Namespace) -> int:
    import numpy as np

    from clearance.tableio import read_table
    from privacy.pii import (
        build_checklist,
        deidentify,
        load_pseudonym_key,
        residual_check,
        scan_table,
    )
    from privacy.schema import Schema

    check_output(args.out, args.overwrite)
    if args.out.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise InvalidInputError(f"--out {args.out} must end in .csv or .parquet")
    if args.report_json is not None:
        check_output(args.report_json, args.overwrite)
    if args.surrogate_map is not None:
        check_output(args.surrogate_map, args.overwrite)
    table = read_table(args.table)
    schema = Schema.load(args.schema)
    schema.check_table_columns(table.columns)
    actions = deidentify_actions(schema, surrogates=args.surrogates)
    key = None
    if "pseudonymize" in actions.values():
        key = load_pseudonym_key(key_file=args.pseudonym_key_file)
    detector = _load_detector(args)
    rng = np.random.default_rng(args.seed)
    bar = progress_bar(table.shape[1], "scan columns")
    try:
        scan = scan_table(
            table, detector=detector, rng=rng, progress=lambda d, _t: bar.update(d - bar.n)
        )
    finally:
        bar.close()
    text_cells = len(table) * sum(a in ("redact", "surrogate_text") for a in actions.values())
    bar = progress_bar(text_cells, "de-identify free text")
    try:
        clean, result = deidentify(
            table,
            actions=actions,
            detector=detector,
            identifier_entities=scan.identifier_entities(),
            pseudonym_key=key,
            rng=rng,
            surrogate_seed=int(rng.integers(2**31)),
            consistent_across_rows=args.consistent_across_rows,
            progress=lambda d, _t: bar.update(d - bar.n),
        )
    finally:
        bar.close()
    print("checking residual identifiers ...", file=sys.stderr)
    residual = residual_check(
        clean, original=table, removed=result.removed_identifiers, detector=detector, rng=rng
    )
    checklist = build_checklist(scan, result.actions, residual, profile=detector.profile.value)
    writer = (
        (lambda p: clean.to_csv(p, index=False))
        if args.out.suffix.lower() == ".csv"
        else (lambda p: clean.to_parquet(p, index=False))
    )
    write_atomically(args.out, writer)
    for column, mapping in result.surrogate_ids.items():
        if args.surrogate_map is not None:
            target = (
                args.surrogate_map
                if len(result.surrogate_ids) == 1
                else (args.surrogate_map.with_name(f"{args.surrogate_map.stem}.{column}.csv"))
            )
            mapping.save(target, overwrite=args.overwrite)
            print(f"surrogate-id lookup for '{column}' written to {target} (mode 0600)")
    _print_deidentification(result, checklist)
    if args.report_json is not None:
        write_json(
            args.report_json,
            {
                "deidentification": result.to_dict(),
                "residual": residual.to_dict(),
                "safe_harbor": checklist.to_dict(),
            },
        )
        print(f"report written to {args.report_json}")
    print(f"de-identified table written to {args.out}")
    return 0


def _print_deidentification(result: Any, checklist: Any) -> None:
    done = {c: a for c, a in result.actions.items() if a != "keep"}
    print("\nactions:")
    for column, action in done.items():
        print(f"  {column}: {action}")
    spans = ", ".join(f"{k} {v}" for k, v in result.spans_replaced.items()) or "none"
    print(f"spans replaced in free text: {spans}")
    print(f"\nHIPAA Safe Harbor checklist ({checklist.profile} detection):")
    for item in checklist.items:
        where = ", ".join(item.found_in) or "-"
        print(
            f"  {item.letter}  {item.status:<14} residual {item.residual_hits:>6}  "
            f"{item.title[:60]}  [found in: {where}]"
        )
    if checklist.total_residual:
        print(
            f"\n{checklist.total_residual} residual hit(s) counted (values are never shown); "
            "review the columns listed and tighten their actions"
        )
    else:
        print("\nno residual identifier counted")


# -- pii detect --------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> Iterator[tuple[int, Any, str]]:
    """(line number, id, text) per non-blank line; refuses bad lines with their number only."""
    if not path.is_file():
        raise InvalidInputError(f"--input {path} does not exist; check the path")
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInputError(
                    f"{path} line {number} is not valid UTF-8; re-encode the file as UTF-8"
                ) from None
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                raise InvalidInputError(
                    f'{path} line {number} is not a JSON object like {{"id": ..., "text": ...}}'
                ) from None
            if not isinstance(item, dict) or "text" not in item:
                raise InvalidInputError(f'{path} line {number} has no "text" field')
            text = item["text"]
            if text is None:
                text = ""
            if not isinstance(text, str):
                raise InvalidInputError(
                    f'{path} line {number}: "text" must be a string (got {type(text).__name__})'
                )
            yield number, item.get("id", number), text


def _cmd_pii_detect(args: argparse.Namespace) -> int:
    if not args.output.parent.exists():
        raise InvalidInputError(f"the folder of {args.output} does not exist; create it first")
    items = list(_read_jsonl(args.input))
    detector = _load_detector(args)
    texts = [text for _, _, text in items]
    bar = progress_bar(len(texts), "detect")
    try:
        found = detector.detect(texts, progress=lambda done: bar.update(done - bar.n))
    finally:
        bar.close()

    def write(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as out:
            for (_, item_id, _), spans in zip(items, found, strict=True):
                record = {
                    "id": item_id,
                    "spans": [
                        {
                            "start": s.start,
                            "end": s.end,
                            "entity": s.entity_type,
                            "score": round(s.score, 4),
                        }
                        for s in spans
                    ],
                }
                out.write(json.dumps(record) + "\n")

    write_atomically(args.output, write)
    n_spans = sum(len(s) for s in found)
    print(f"{n_spans} span(s) in {len(texts)} text(s) written to {args.output}")
    return 0


def run_pii_command(args: argparse.Namespace) -> int | None:
    """Run ``args`` if it is a PII command; None otherwise."""
    if args.command == "scan":
        return _cmd_scan(args)
    if args.command == "deidentify":
        return _cmd_deidentify(args)
    if args.command == "pii" and args.pii_command == "detect":
        return _cmd_pii_detect(args)
    return None
