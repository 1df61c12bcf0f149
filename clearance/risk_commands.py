"""``clearance risk``: the re-identification risk of a table over its quasi-identifiers, the way
ARX and sdcMicro measure it. Prints counts, rates and column names only, never a value.

The pipeline measures the de-identified real table with the same function
(:func:`privacy.risk.assess_risk`), so the command and the report always agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from clearance.outputs import check_output, write_json
from privacy.errors import InvalidInputError

__all__ = ["add_risk_parser", "format_assessment", "run_risk_command"]


def add_risk_parser(sub: Any) -> None:
    """Add ``risk`` to the CLI's subcommands."""
    risk = sub.add_parser(
        "risk",
        help="measure re-identification risk over quasi-identifiers (ARX / sdcMicro measures)",
        description="Measure how identifiable the records of TABLE are from their "
        "quasi-identifiers: k-anonymity, prosecutor / journalist / marketer risk, sample and "
        "population uniqueness (Zayatz, Pitman, SNB, Dankar's rule), sdcMicro individual risk, "
        "SUDA special uniques, and l-diversity and t-closeness of a sensitive attribute. "
        "Missing values are a value of their own, as in ARX.",
    )
    risk.add_argument("table", type=Path, metavar="TABLE", help="CSV or Parquet table")
    risk.add_argument(
        "--qi",
        default=None,
        metavar="COL,COL,...",
        help="quasi-identifier columns (default: the schema's, else proposed and printed)",
    )
    risk.add_argument("--sensitive", default=None, metavar="COL",
                      help="sensitive attribute for l-diversity and t-closeness")
    risk.add_argument(
        "--sampling-fraction",
        type=float,
        default=None,
        metavar="F",
        help="share of the population the table holds, in (0, 1]: switches on the "
        "population-uniqueness models and sdcMicro's individual risk",
    )
    risk.add_argument("--population", type=Path, default=None, metavar="FILE",
                      help="the population table the records were drawn from (exact journalist "
                           "and marketer risk); instead of --sampling-fraction")
    risk.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="T",
        help="acceptable re-identification probability of one record (default: the policy's "
        "record threshold; ARX convention: 0.09 means k = 12)",
    )
    risk.add_argument("--policy", default=None, metavar="FILE|PRESET",
                      help="policy whose [reidentification_risk] thresholds to compare with "
                           "(default preset: default)")
    risk.add_argument("--schema", type=Path, default=None, metavar="FILE",
                      help="schema JSON whose quasi_identifier roles name the columns")
    risk.add_argument("--suda-max-size", type=int, default=3, metavar="N",
                      help="largest minimal sample unique SUDA searches (default 3; 0 switches "
                           "SUDA off)")
    risk.add_argument("--json-out", type=Path, default=None, metavar="FILE",
                      help="write every measure as JSON")
    risk.add_argument("--overwrite", action="store_true", help="replace an existing --json-out")


def run_risk_command(args: argparse.Namespace) -> int | None:
    """Run ``args`` if it is the risk command; None otherwise."""
    if args.command != "risk":
        return None
    import numpy as np

    from clearance.policy import Policy
    from clearance.tableio import read_table
    from privacy.risk import assess_risk, choose_quasi_identifiers
    from privacy.schema import Schema

    if args.json_out is not None:
        check_output(args.json_out, args.overwrite)
    if args.population is not None and args.sampling_fraction is not None:
        raise InvalidInputError("give --population or --sampling-fraction, not both")
    policy = Policy.resolve(args.policy)
    threshold = args.threshold if args.threshold is not None else (
        policy.max_record_reidentification_risk
    )
    given = None
    if args.qi is not None:
        given = [c.strip() for c in args.qi.split(",") if c.strip()]
        if not given:
            raise InvalidInputError("--qi names no column; write e.g. --qi age,sex,zip3")
    schema = Schema.load(args.schema) if args.schema is not None else None
    table = read_table(args.table)
    population = read_table(args.population) if args.population is not None else None
    choice = choose_quasi_identifiers(
        table, given=given, schema=schema, rng=np.random.default_rng(0)
    )
    started = time.perf_counter()
    assessment = assess_risk(
        table,
        quasi_identifiers=choice,
        sensitive=args.sensitive,
        sampling_fraction=args.sampling_fraction,
        population=population,
        risk_threshold=threshold,
        suda_max_size=args.suda_max_size,
        progress=lambda stage, _done, _total: print(f"  {stage} ...", file=sys.stderr, flush=True),
    )
    elapsed = time.perf_counter() - started
    print(format_assessment(assessment, source=args.table.name, policy=policy))
    print(f"\nmeasured in {elapsed:.2f} s")
    if args.json_out is not None:
        write_json(
            args.json_out,
            {"table": args.table.name, "policy": policy.name, **assessment.to_dict()},
        )
        print(f"all measures written to {args.json_out}")
    return 0


def format_assessment(assessment: Any, *, source: str, policy: Any | None = None) -> str:
    """A readable summary of a :class:`privacy.risk.RiskAssessment` (counts and rates only)."""
    from clearance.judge import real_table_within_policy
    from privacy.risk import QuasiIdentifierSource

    s = assessment.sample
    choice = assessment.quasi_identifiers
    lines = [
        f"Re-identification risk of {source}: {s.n_records:,} records, "
        f"{len(choice.columns)} quasi-identifiers ({choice.source})",
        f"  quasi-identifiers: {', '.join(choice.columns)}",
    ]
    if choice.source is QuasiIdentifierSource.PROPOSED:
        lines += [f"    {column}: {reason}" for column, reason in choice.reasons.items()]
        if choice.left_out:
            lines.append(
                f"  left out: {', '.join(f'{c} ({r})' for c, r in choice.left_out.items())}"
            )
    lines += [
        f"  threshold {s.risk_threshold:g} per record (ARX convention: k = {s.k_for_threshold}; "
        "a record is at risk when its probability is above the threshold)",
        "  missing values form a class of their own, as in ARX",
        "",
        f"  equivalence classes        {s.n_classes:>12,}",
        f"  k-anonymity                {s.k_anonymity:>12,}   ({s.records_in_smallest_classes:,} "
        "records in classes that small)",
        f"  sample uniqueness          {s.sample_uniqueness.value:>12.4f}   (records alone in "
        "their class)",
        "  class sizes (records)      "
        + ", ".join(f"{k}: {v:,}" for k, v in s.class_size_histogram.items() if v),
        "",
        f"  {'model':<12}{'highest':>10}{'average':>10}{'at risk':>10}",
    ]
    for name, model in (("prosecutor", s.prosecutor), ("journalist", s.journalist)):
        lines.append(
            f"  {name:<12}{model.highest:>10.4f}{model.average.value:>10.4f}"
            f"{model.records_at_risk.value:>10.4f}"
        )
    lines.append(f"  {'marketer':<12}{'':>10}{s.marketer.value:>10.4f}")
    lines.append(f"  (population: {s.population_source})")
    if s.individual is not None:
        ind = s.individual
        lines.append(
            f"  sdcMicro individual risk: highest {ind.highest:.4f}, expected "
            f"re-identifications {ind.expected_reidentifications:,.1f} "
            f"({ind.average.value:.4f} of records)"
        )
    if assessment.population is not None:
        p = assessment.population
        models = ", ".join(
            f"{name} {value:.4f}" if value is not None else f"{name} n/a"
            for name, value in (("Zayatz", p.zayatz), ("Pitman", p.pitman), ("SNB", p.snb))
        )
        lines.append(
            f"  population uniqueness (sampling fraction {p.sampling_fraction:g}): {models}; "
            f"Dankar's rule chooses {p.dankar_model}: {p.dankar:.4f}"
        )
    if assessment.population_uniques is not None:
        lines.append(
            "  population uniqueness (population table, exact): "
            f"{assessment.population_uniques.value:.4f}"
        )
    if assessment.suda is not None:
        suda = assessment.suda
        by_size = ", ".join(f"size {k}: {v:,}" for k, v in sorted(suda.msu_counts_by_size.items()))
        top = sorted(suda.contributions.items(), key=lambda kv: -kv[1])[:3]
        lines.append(
            f"  SUDA (up to {suda.max_size} columns): {suda.records_with_msu:,} records with a "
            f"minimal sample unique; MSUs {by_size or 'none'}"
        )
        if top and top[0][1] > 0:
            lines.append(
                "    columns contributing most: "
                + ", ".join(f"{c} {v:.0f}%" for c, v in top)
            )
    if assessment.diversity is not None:
        d = assessment.diversity
        lines.append(
            f"  {d.sensitive}: distinct l = {d.distinct_l}, entropy l = {d.entropy_l:.2f}, "
            f"recursive (c = {d.recursive_c:g}) l = {d.recursive_l}; t-closeness "
            f"{d.t_closeness:.4f} ({d.t_distance} distance)"
        )
    if policy is not None:
        meets = all(real_table_within_policy(s, policy))
        lines += [
            "",
            f"  policy '{policy.name}': average risk <= "
            f"{policy.max_average_reidentification_risk:g} and every record <= "
            f"{policy.max_record_reidentification_risk:g}: "
            + ("met" if meets else "NOT met; do not share this table as it is"),
        ]
    lines += [f"  note: {note}" for note in assessment.notes]
    return "\n".join(lines)
