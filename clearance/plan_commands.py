"""``clearance plan``: choose DP-SGD's logical batch size for a table before training.

Reads the table only to count its protected units ``n`` (rows, or distinct entities with
``--entity-column``), then tabulates each candidate batch size with
:func:`privacy.accounting.plan_batch_size`. Prints ``n`` and derived quantities only, never a
value from the table. Planning spends no privacy budget, but treats ``n`` as public.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from clearance.outputs import check_output, write_json
from privacy.errors import InvalidInputError

__all__ = ["add_plan_parser", "format_plan", "run_plan_command"]

ACCOUNTANTS = ("prv", "rdp", "pld")  # privacy.accounting.AccountantKind values (lazy import)


def add_plan_parser(sub: Any) -> None:
    """Add ``plan`` to the CLI's subcommands."""
    plan = sub.add_parser(
        "plan",
        help="choose the DP-SGD batch size: noise per step for each candidate, before training",
        description="Tabulate, for each candidate logical batch size, the Poisson sample rate "
        "the trainer accounts (1 / ceil(n / batch)), the steps, the noise multiplier calibrated "
        "for --epsilon, the noise-to-signal ratio per step (noise std of the averaged clipped "
        "gradient, in units of the clipping norm), the per-sample-gradient memory and a "
        "suggested learning rate; and choose the batch with the least noise per step among "
        "those that train for at least --min-steps steps. Reads only the number of protected "
        "units from TABLE and spends no privacy budget.",
    )
    plan.add_argument("table", type=Path, metavar="TABLE", help="CSV or Parquet table")
    plan.add_argument(
        "--epsilon", type=float, required=True, help="training privacy budget epsilon (> 0)"
    )
    plan.add_argument(
        "--delta",
        type=float,
        default=None,
        help="privacy parameter delta (< 1/n); default: a power of ten <= 1/(10 n)",
    )
    plan.add_argument("--epochs", type=int, default=30, help="training epochs (default 30)")
    plan.add_argument(
        "--batch-sizes",
        default=None,
        metavar="B,B,...",
        help="candidate logical batch sizes, e.g. 256,512,1024 (default: powers "
        "of two from 64 up to n/2)",
    )
    plan.add_argument(
        "--entity-column",
        default=None,
        metavar="COL",
        help="entity id column (patient id): n is then the number of distinct "
        "entities, and the guarantee is per entity",
    )
    plan.add_argument(
        "--accountant",
        choices=ACCOUNTANTS,
        default="prv",
        help="privacy accountant (default prv, the one training uses)",
    )
    plan.add_argument(
        "--min-steps",
        type=int,
        default=300,
        metavar="K",
        help="choose among batch sizes that train for at least K steps (default 300)",
    )
    plan.add_argument(
        "--parameters",
        type=int,
        default=None,
        metavar="P",
        help="the model's number of trainable parameters, to estimate the memory "
        "of per-sample gradients",
    )
    plan.add_argument(
        "--max-physical-batch-size",
        type=int,
        default=256,
        metavar="M",
        help="largest physical micro-batch (default 256, as `clearance run`)",
    )
    plan.add_argument(
        "--json-out", type=Path, default=None, metavar="FILE", help="write the plan as JSON"
    )
    plan.add_argument("--overwrite", action="store_true", help="replace an existing --json-out")


def _batch_sizes(text: str | None) -> list[int] | None:
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        raise InvalidInputError(
            "--batch-sizes must be whole numbers >= 1 separated by commas, e.g. 256,512,1024"
        )
    return sizes


def _count_units(table: Any, entity_column: str | None) -> tuple[int, int]:
    """(n protected units, rows whose entity id is missing). Rows without an id count as
    entities of their own, as :mod:`privacy.contribution` treats them."""
    if entity_column is None:
        return len(table), 0
    if entity_column not in table.columns:
        raise InvalidInputError(
            f"--entity-column '{entity_column}' is not a column of the table; it has "
            f"{len(table.columns)} columns: {', '.join(map(str, table.columns))}"
        )
    ids = table[entity_column]
    missing = int(ids.isna().sum())
    return int(ids.nunique(dropna=True)) + missing, missing


def run_plan_command(args: argparse.Namespace) -> int | None:
    """Run ``args`` if it is the plan command; None otherwise."""
    if args.command != "plan":
        return None
    from clearance.tableio import read_table
    from privacy.accounting import AccountantKind, PrivacyUnit, default_delta, plan_batch_size

    if args.json_out is not None:
        check_output(args.json_out, args.overwrite)
    sizes = _batch_sizes(args.batch_sizes)
    table = read_table(args.table)
    n_units, missing_ids = _count_units(table, args.entity_column)
    del table  # only n is used from here on
    unit = PrivacyUnit.ENTITY if args.entity_column is not None else PrivacyUnit.ROW
    delta_derived = args.delta is None
    delta = default_delta(n_units) if delta_derived else args.delta
    started = time.perf_counter()
    print(
        f"  calibrating noise for each candidate ({args.accountant}) ...",
        file=sys.stderr,
        flush=True,
    )
    plan = plan_batch_size(
        n_units,
        epsilon=args.epsilon,
        delta=delta,
        epochs=args.epochs,
        batch_sizes=sizes,
        accountant=AccountantKind(args.accountant),
        min_steps=args.min_steps,
        n_parameters=args.parameters,
        max_physical_batch_size=args.max_physical_batch_size,
        unit=unit,
    )
    elapsed = time.perf_counter() - started
    print(
        format_plan(
            plan,
            source=args.table.name,
            delta_derived=delta_derived,
            entity_column=args.entity_column,
            missing_ids=missing_ids,
        )
    )
    print(f"\nplanned in {elapsed:.2f} s")
    if args.json_out is not None:
        write_json(
            args.json_out,
            {
                "table": args.table.name,
                "entity_column": args.entity_column,
                "delta_derived_from_n": delta_derived,
                **plan.to_dict(),
            },
        )
        print(f"plan written to {args.json_out}")
    return 0


def _memory(n_bytes: int | None) -> str:
    if n_bytes is None:
        return "-"
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes} B"


def format_plan(
    plan: Any,
    *,
    source: str,
    delta_derived: bool = False,
    entity_column: str | None = None,
    missing_ids: int = 0,
) -> str:
    """A readable, aligned table of a :class:`privacy.accounting.BatchPlan` (``n`` and derived
    quantities only)."""
    inputs = plan.inputs
    noun = "entities" if inputs.unit.value == "entity" else f"{inputs.unit.value}s"
    units = noun + (f" (distinct {entity_column})" if entity_column else "")
    lines = [
        f"Batch-size plan for {source}: n = {inputs.n_units:,} protected {units}",
        f"  target epsilon = {inputs.epsilon:g}, delta = {inputs.delta:g}"
        + (" (derived from n)" if delta_derived else "")
        + f", {inputs.epochs} epochs, accountant: {inputs.accountant.value.upper()}",
    ]
    if missing_ids:
        lines.append(f"  {missing_ids:,} rows without an entity id count as entities of their own")
    header = (
        "",
        "batch",
        "q",
        "expected batch",
        "steps",
        "sigma",
        "noise/signal",
        "memory",
        "suggested lr",
    )
    body = []
    for row in plan.rows:
        mark = "*" if row == plan.chosen else ""
        if row.reachable:
            sigma, ratio = f"{row.noise_multiplier:.3g}", f"{row.noise_to_signal:.3g}"
        else:
            sigma, ratio = "unreachable", "-"
        body.append(
            (
                mark,
                f"{row.batch_size:,}",
                f"{row.sample_rate:.4g}",
                f"{row.expected_batch_size:,.1f}",
                f"{row.steps:,}",
                sigma,
                ratio,
                _memory(row.peak_gradient_memory_bytes),
                f"{row.learning_rate:.2g}",
            )
        )
    widths = [max(len(r[i]) for r in (header, *body)) for i in range(len(header))]
    lines.append("")
    for cells in (header, *body):
        lines.append(
            "  "
            + "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
    lines += ["", f"* chosen: {plan.reason}"]
    for row in plan.rows:
        if not row.reachable:
            lines.append(f"  batch {row.batch_size:,} cannot reach the target: {row.reason}")
    lines += [
        "",
        "  q: Poisson sample rate the trainer accounts, 1 / ceil(n / batch); expected batch = n q",
        "  noise/signal: sigma / (n q), the noise std on the averaged clipped gradient in units "
        "of the clipping norm (lower is better)",
        "  memory: per-sample gradients in Opacus hooks mode, min(physical batch, batch) x "
        "parameters x 4 bytes"
        + ("" if inputs.n_parameters is not None else " (give --parameters to estimate it)"),
        f"  suggested lr: {inputs.base_learning_rate:g} x sqrt(batch / "
        f"{inputs.base_batch_size}), a heuristic starting point to tune",
    ]
    return "\n".join(lines)
