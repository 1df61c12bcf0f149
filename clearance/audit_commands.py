"""``clearance audit``: the black-box attacks on a synthetic table made by any tool.

A reviewer checking a vendor's release holds three tables: ``--real``, the real rows the vendor
trained on; ``--control``, real rows of the same population the vendor never saw; and
``--synthetic``, the vendor's table. Nothing about the vendor's generator is needed. The
command runs, on the columns the three tables share:

- membership inference on the synthetic table alone: DOMIAS (density ratio against a reference
  drawn from the control) and distance to closest record, on the same targets
  (:func:`audit.black_box.black_box_membership`);
- singling out, linkability and inference (Article 29 WP; Giomi et al. 2023), the training rows
  as targets and the control rows as control (:func:`clearance.synthetic_attacks.anonymity_attacks`).

It prints counts, rates, intervals and column names only, never a value of any table, and
no verdict: a reviewer reads the figures against the policy they apply.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance.outputs import check_output, write_json
from privacy.errors import InvalidInputError, join_problems

if TYPE_CHECKING:  # the parser is built for every command: numpy, pandas and the attacks load
    # only when the audit runs
    import pandas as pd

    from audit.anonymity import PrivacyAttackResult
    from audit.black_box import BlackBoxMembership
    from audit.results import AttackResult
    from privacy.estimate import Estimate
    from privacy.risk import QuasiIdentifierChoice
    from privacy.schema import Schema

__all__ = [
    "SyntheticAudit",
    "add_audit_parser",
    "audit_tables",
    "format_audit",
    "run_audit_command",
]

#: :data:`audit.black_box.MIN_TARGETS`, repeated so that building the parser imports no attack
#: (a test pins the two equal).
MIN_TARGETS = 20
_FLAGS = {"real": "--real", "control": "--control", "synthetic": "--synthetic"}
_MAX_NAMES_SHOWN = 12


_DESCRIPTION = """\
Audit a synthetic table produced by any tool with black-box attacks that need only the tables:

  membership inference   DOMIAS density ratio (log p_synthetic - log p_reference), and
                         distance to closest record beside it (not evidence on its own)
  singling out, linkability, inference
                         the Article 29 Working Party risks, measured as anonymeter does

Give the real rows the synthetic table was trained on (--real), real rows of the same
population it never trained on (--control), and the synthetic table (--synthetic). Columns
present in all three tables are attacked; the others are listed by name. The summary holds
counts, rates, intervals and column names, never a value of a table, and no verdict.
"""

_EPILOG = f"""\
example:
  clearance audit --real train.csv --control holdout.csv --synthetic vendor.csv \\
      --sensitive diagnosis --json-out audit.json

--control must hold rows the synthetic table's generator never saw: at most half of it serves
as non-member targets, every other row as the density ratio's reference population, so no
target is part of the reference. Tables need at least {MIN_TARGETS} rows ({2 * MIN_TARGETS} \
for --control).
"""


def add_audit_parser(sub: Any) -> None:
    """Add ``audit`` to the CLI's subcommands."""
    audit = sub.add_parser(
        "audit",
        help="attack a synthetic table made by any tool (membership, singling out, "
        "linkability, inference)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument(
        "--real",
        type=Path,
        required=True,
        metavar="FILE",
        help="the real rows the synthetic table was trained on (CSV or Parquet)",
    )
    audit.add_argument(
        "--control",
        type=Path,
        required=True,
        metavar="FILE",
        help="real rows of the same population that were NOT used for training",
    )
    audit.add_argument(
        "--synthetic",
        type=Path,
        required=True,
        metavar="FILE",
        help="the synthetic table to audit (CSV or Parquet)",
    )
    audit.add_argument(
        "--schema",
        type=Path,
        default=None,
        metavar="FILE",
        help="schema JSON: column kinds, quasi-identifier and sensitive roles "
        "(default: kinds inferred from the real table)",
    )
    audit.add_argument(
        "--qi",
        default=None,
        metavar="COL,COL,...",
        help="columns the attacker knows (default: the schema's quasi-identifiers, "
        "else proposed and printed)",
    )
    audit.add_argument(
        "--sensitive",
        default=None,
        metavar="COL,COL,...",
        help="columns the attacker wants to infer (default: the schema's "
        "sensitive columns, else every attacked column that is not a "
        "quasi-identifier)",
    )
    audit.add_argument(
        "--targets",
        type=_at_least(MIN_TARGETS),
        default=1000,
        metavar="N",
        help="member targets (and as many non-members), and attacks per "
        f"anonymity risk (default 1000; at least {MIN_TARGETS})",
    )
    audit.add_argument(
        "--seed", type=int, default=0, help="seed for drawing targets and attacks (default 0)"
    )
    audit.add_argument(
        "--json-out", type=Path, default=None, metavar="FILE", help="write every measure as JSON"
    )
    audit.add_argument("--overwrite", action="store_true", help="replace an existing --json-out")


def run_audit_command(args: argparse.Namespace) -> int | None:
    """Run ``args`` if it is the audit command; None otherwise."""
    if args.command != "audit":
        return None
    from clearance.tableio import read_table
    from privacy.schema import Schema

    if args.json_out is not None:
        check_output(args.json_out, args.overwrite)
    qi = _names(args.qi, "--qi", "--qi age,sex,zip3")
    sensitive = _names(args.sensitive, "--sensitive", "--sensitive diagnosis")
    schema = Schema.load(args.schema) if args.schema is not None else None
    tables: dict[str, pd.DataFrame] = {}
    for key in ("real", "control", "synthetic"):
        path: Path = getattr(args, key)
        _progress(f"reading {_FLAGS[key]} {path.name}")
        try:
            tables[key] = read_table(path)
        except InvalidInputError as err:
            raise InvalidInputError(_table_error(key, str(err))) from None
    audit = audit_tables(
        tables["real"],
        tables["control"],
        tables["synthetic"],
        schema=schema,
        quasi_identifiers=qi,
        sensitive=sensitive,
        n_targets=args.targets,
        seed=args.seed,
        progress=_progress,
    )
    names = {key: getattr(args, key).name for key in _FLAGS}
    print(format_audit(audit, names=names))
    if args.json_out is not None:
        write_json(
            args.json_out,
            {"command": "audit", "files": names, **audit.to_dict()},
        )
        print(f"\nall measures written to {args.json_out}")
    return 0


# ---------------------------------------------------------------------------------------------
# The audit as a function (the command and the benchmarks call it)


@dataclass(frozen=True)
class SyntheticAudit:
    """Everything ``clearance audit`` measured; counts, rates and column names only.

    ``anonymity_error`` is the message of an anonymity attack that could not run (the
    membership results stand without it); ``seconds`` the wall time of each part.
    """

    rows: dict[str, int]
    kinds: dict[str, str]
    missing_from_synthetic: tuple[str, ...]
    missing_from_control: tuple[str, ...]
    only_in_synthetic: tuple[str, ...]
    not_attacked: dict[str, str]
    quasi_identifiers: QuasiIdentifierChoice | None
    quasi_identifier_note: str
    sensitive: tuple[str, ...]
    sensitive_source: str
    n_targets_requested: int
    seed: int
    membership: BlackBoxMembership
    anonymity: tuple[PrivacyAttackResult, ...]
    anonymity_error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": dict(self.rows),
            "seed": int(self.seed),
            "targets_requested": int(self.n_targets_requested),
            "columns": {
                "attacked": dict(self.kinds),
                "missing_from_synthetic": list(self.missing_from_synthetic),
                "missing_from_control": list(self.missing_from_control),
                "only_in_synthetic": list(self.only_in_synthetic),
                "not_attacked": dict(self.not_attacked),
            },
            "quasi_identifiers": (
                self.quasi_identifiers.to_dict() if self.quasi_identifiers is not None else None
            ),
            "quasi_identifier_note": self.quasi_identifier_note,
            "sensitive": list(self.sensitive),
            "sensitive_source": self.sensitive_source,
            "membership": self.membership.to_dict(),
            "anonymity": [r.to_dict() | {"label": r.label} for r in self.anonymity],
            "anonymity_error": self.anonymity_error,
            "seconds": {k: round(float(v), 3) for k, v in self.seconds.items()},
        }


def audit_tables(
    real: pd.DataFrame,
    control: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    schema: Schema | None = None,
    quasi_identifiers: Sequence[str] | None = None,
    sensitive: Sequence[str] | None = None,
    n_targets: int = 1000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> SyntheticAudit:
    """The black-box battery of ``clearance audit`` on three loaded tables.

    Attacks the columns present in all three (kinds from ``schema``, else
    :func:`clearance.synthetic_attacks.infer_kinds` on ``real``; free-text columns of the schema
    are left out). Quasi-identifiers: ``quasi_identifiers``, else the schema's, else proposed
    on ``real`` (:func:`privacy.risk.choose_quasi_identifiers`). Sensitive columns:
    ``sensitive``, else the schema's, else every attacked column that is not a
    quasi-identifier. The membership attacks and the anonymity attacks draw from independent
    streams of ``seed``.
    """
    import numpy as np

    from audit.black_box import black_box_membership, rows_needed
    from clearance.synthetic_attacks import anonymity_attacks
    from privacy.risk import choose_quasi_identifiers
    from privacy.schema import ColumnRole

    say = progress or (lambda _message: None)
    problems: list[str] = []
    needed = rows_needed()
    for key, table, least in (
        ("real", real, needed["real_members"]),
        ("control", control, needed["control"]),
        ("synthetic", synthetic, needed["synthetic"]),
    ):
        if len(table) < least:
            problems.append(_table_error(key, f"it has {len(table):,} row(s)"))
    if problems:
        raise InvalidInputError(join_problems(problems))

    in_synthetic = set(synthetic.columns)
    in_control = set(control.columns)
    common = [c for c in real.columns if c in in_synthetic and c in in_control]
    missing_from_synthetic = tuple(str(c) for c in real.columns if c not in in_synthetic)
    missing_from_control = tuple(str(c) for c in real.columns if c not in in_control)
    only_in_synthetic = tuple(str(c) for c in synthetic.columns if c not in set(real.columns))
    if not common:
        raise InvalidInputError(
            "no column is in all three tables: "
            + "; ".join(
                f"{_FLAGS[k]} has {_shown(list(map(str, t.columns)))}"
                for k, t in (("real", real), ("control", control), ("synthetic", synthetic))
            )
            + ". The audit compares columns by name: give the tables the same column names"
        )

    kinds, not_attacked = _kinds(real[common], schema)
    if not kinds:
        raise InvalidInputError(
            f"every shared column is free text ({_shown(list(not_attacked))}); the attacks "
            "need numeric, categorical or date columns"
        )
    columns = list(kinds)

    unknown = {
        flag: [c for c in names if c not in kinds]
        for flag, names in (("--qi", quasi_identifiers or ()), ("--sensitive", sensitive or ()))
    }
    for flag, names in unknown.items():
        if names:
            problems.append(
                f"{flag} names column(s) {names} that are not attacked (a column must be in all "
                f"three tables, and not free text); attacked columns: {_shown(columns)}"
            )
    if problems:
        raise InvalidInputError(join_problems(problems))

    streams = np.random.SeedSequence(seed).spawn(3)
    qi_rng, membership_rng, anonymity_rng = (np.random.default_rng(s) for s in streams)

    choice: QuasiIdentifierChoice | None
    qi_note = ""
    try:
        choice = choose_quasi_identifiers(
            real[columns],
            given=list(quasi_identifiers) if quasi_identifiers else None,
            schema=schema,
            rng=qi_rng,
        )
    except InvalidInputError as err:
        choice = None
        qi_note = f"no quasi-identifier could be chosen ({err}); name them with --qi"
    known = list(choice.columns) if choice is not None else []

    if sensitive:
        secret, secret_source = list(dict.fromkeys(sensitive)), "given by the user"
    else:
        declared = (
            [c.name for c in schema.with_role(ColumnRole.SENSITIVE) if c.name in kinds]
            if schema is not None
            else []
        )
        if declared:
            secret, secret_source = declared, "the schema's sensitive roles"
        else:
            secret = [c for c in columns if c not in known]
            secret_source = "every attacked column that is not a quasi-identifier (edit with "
            secret_source += "--sensitive)"
    seconds: dict[str, float] = {}
    n_members = min(n_targets, len(real), len(control) // 2)
    say(
        f"membership attacks (density ratio, distance to closest record) on {n_members:,} "
        "member and as many non-member targets"
    )
    started = time.perf_counter()
    membership = black_box_membership(
        real_members=real[columns],
        control=control[columns],
        synthetic=synthetic[columns],
        rng=membership_rng,
        n_targets=n_targets,
        numeric=[c for c, k in kinds.items() if k == "numeric"],
        categorical=[c for c, k in kinds.items() if k == "categorical"],
        datetime=[c for c, k in kinds.items() if k == "datetime"],
    )
    seconds["membership"] = time.perf_counter() - started

    say("singling out, linkability and inference attacks")
    started = time.perf_counter()
    anonymity: tuple[PrivacyAttackResult, ...] = ()
    anonymity_error = None
    try:
        anonymity = anonymity_attacks(
            train=real[columns],
            holdout=control[columns],
            synthetic=synthetic[columns],
            kinds=kinds,
            known_columns=known,
            sensitive_columns=secret,
            rng=anonymity_rng,
            max_attacks=n_targets,
        )
    except InvalidInputError as err:  # audit messages name columns and count rows only
        anonymity_error = str(err)
    seconds["anonymity"] = time.perf_counter() - started
    return SyntheticAudit(
        rows={"real": len(real), "control": len(control), "synthetic": len(synthetic)},
        kinds=kinds,
        missing_from_synthetic=missing_from_synthetic,
        missing_from_control=missing_from_control,
        only_in_synthetic=only_in_synthetic,
        not_attacked=not_attacked,
        quasi_identifiers=choice,
        quasi_identifier_note=qi_note,
        sensitive=tuple(secret),
        sensitive_source=secret_source,
        n_targets_requested=n_targets,
        seed=seed,
        membership=membership,
        anonymity=anonymity,
        anonymity_error=anonymity_error,
        seconds=seconds,
    )


# ---------------------------------------------------------------------------------------------
# The summary


def format_audit(audit: SyntheticAudit, *, names: dict[str, str] | None = None) -> str:
    """A readable summary of a :class:`SyntheticAudit`: counts, rates, intervals and column
    names, never a value of a table."""
    names = names or {"real": "the real table", "control": "the control", "synthetic": "it"}
    m = audit.membership
    r = audit.rows
    lines = [
        f"Black-box audit of {names['synthetic']} ({r['synthetic']:,} synthetic rows)",
        f"  training rows: {names['real']} ({r['real']:,}); control rows never trained on: "
        f"{names['control']} ({r['control']:,})",
        _wrapped(
            f"  attacked columns ({len(audit.kinds)}): "
            + ", ".join(f"{c} ({k})" for c, k in audit.kinds.items())
        ),
    ]
    if audit.missing_from_synthetic:
        lines.append(
            f"  in {names['real']} but not in {names['synthetic']} (not attacked): "
            + ", ".join(audit.missing_from_synthetic)
        )
    if audit.missing_from_control:
        lines.append(
            f"  in {names['real']} but not in {names['control']} (not attacked): "
            + ", ".join(audit.missing_from_control)
        )
    if audit.only_in_synthetic:
        lines.append(
            f"  only in {names['synthetic']} (not attacked): " + ", ".join(audit.only_in_synthetic)
        )
    lines += [f"  not attacked: {c} ({why})" for c, why in audit.not_attacked.items()]
    lines += [
        f"  seed {audit.seed}; {m.n_targets:,} member and {m.n_targets:,} non-member targets; "
        f"the density ratio's reference: {m.n_reference:,} control rows, none of them a target",
        "",
        "Membership inference from the synthetic table alone (AUC 0.5 = guessing; intervals "
        f"{_confidence(m.density_ratio.auc)})",
    ]
    lines += _membership_lines(
        m.density_ratio,
        "density ratio (DOMIAS: log p_synthetic - log p_reference)",
    )
    lines += _membership_lines(
        m.dcr,
        "distance to closest record: NOT evidence on its own (attacks succeed on tables\n"
        "    whose distances look safe); shown beside the density ratio only",
    )
    lines += ["", "Singling out, linkability, inference (Article 29 WP; anonymeter's method)"]
    if audit.quasi_identifiers is not None:
        qi = audit.quasi_identifiers
        lines.append(_wrapped(f"  attacker knows: {', '.join(qi.columns)} ({qi.source})"))
    else:
        lines.append(f"  {audit.quasi_identifier_note}")
    if audit.sensitive:
        lines.append(
            _wrapped(
                f"  inference targets: {', '.join(audit.sensitive)} ({audit.sensitive_source})"
            )
        )
    if audit.anonymity_error is not None:
        lines.append(f"  the attacks could not run: {audit.anonymity_error}")
    if audit.anonymity:
        width = max(len(a.label) for a in audit.anonymity) + 2
        lines.append(f"  {'attack':<{width}}{'attack rate':<24}{'control rate':<24}residual risk")
        for a in audit.anonymity:
            lines.append(
                f"  {a.label:<{width}}{_interval(a.attack_rate):<24}"
                f"{_interval(a.control_rate):<24}{_interval(a.residual_risk)}"
                + ("" if a.beats_baseline else "   (did not beat random guessing)")
            )
        lines += [
            "  residual risk = (attack - control) / (1 - control): what the synthetic table",
            "    reveals about its training rows beyond what it reveals about anyone",
            "  an attack that did not beat random guessing is too weak to conclude anything;",
            "    its low residual risk is then not evidence of privacy",
        ]
        trials = sorted({a.attack_trials for a in audit.anonymity})
        lines.append(f"  trials per attack: {', '.join(f'{t:,}' for t in trials)}")
    lines += ["", "No verdict: read these figures against the policy you apply."]
    if audit.seconds:
        lines.append(f"measured in {sum(audit.seconds.values()):.1f} s")
    return "\n".join(lines)


def _membership_lines(result: AttackResult, title: str) -> list[str]:
    auc = result.auc
    position = (
        "interval above 0.5: the attack tells members apart"
        if auc.lower > result.baseline_auc
        else "interval includes or lies below 0.5: no membership signal detected"
    )
    lines = [
        f"  {title}",
        f"    AUC                {_interval(auc):<24}{position}",
    ]
    for target, point in sorted(result.tpr_at_fpr.items(), reverse=True):
        label = f"TPR at FPR {target:.1%}".replace(".0%", "%")
        if point.resolvable:
            detail = f"achieved FPR {point.achieved_fpr:.4f}; resolvable"
        else:
            detail = (
                f"not resolvable with {result.n_non_members:,} non-members (needs at least "
                f"{int(round(1 / target)):,}); shown at zero false positives"
            )
        lines.append(f"    {label:<19}{_interval(point.tpr):<24}{detail}")
    lines.append(
        f"    {'advantage':<19}{_interval(result.advantage):<24}max TPR - FPR (DKW interval)"
    )
    return lines


def _wrapped(line: str) -> str:
    """A long list line folded at 100 characters, continued with a deeper indent."""
    return textwrap.fill(line, width=100, subsequent_indent="    ", break_on_hyphens=False)


def _interval(est: Estimate) -> str:
    return f"{est.value:.3f} [{est.lower:.3f}, {est.upper:.3f}]"


def _confidence(est: Estimate) -> str:
    return f"{est.confidence:.0%}"


# ---------------------------------------------------------------------------------------------
# Helpers


def _kinds(table: pd.DataFrame, schema: Schema | None) -> tuple[dict[str, str], dict[str, str]]:
    """Attack kind per column (schema first, else inferred), and the columns left out, why."""
    from clearance.synthetic_attacks import ATTACK_KINDS, infer_kinds

    inferred = infer_kinds(table)
    kinds: dict[str, str] = {}
    left_out: dict[str, str] = {}
    for name in table.columns:
        if schema is not None and name in schema:
            kind = str(schema[name].kind)
            if kind not in ATTACK_KINDS:
                left_out[str(name)] = f"schema kind {kind}"
                continue
            kinds[str(name)] = kind
        else:
            kinds[str(name)] = inferred[name]
    return kinds, left_out


def _names(text: str | None, flag: str, example: str) -> list[str] | None:
    if text is None:
        return None
    names = [c.strip() for c in text.split(",") if c.strip()]
    if not names:
        raise InvalidInputError(f"{flag} names no column; write e.g. {example}")
    return names


def _table_error(key: str, message: str) -> str:
    from audit.black_box import rows_needed

    needed = rows_needed()
    role = {
        "real": "the rows the synthetic table was trained on",
        "control": "real rows never trained on",
        "synthetic": "the table to audit",
    }[key]
    out = f"{_FLAGS[key]} ({role}): {message}"
    if "row" in message:
        out += (
            f"; the audit needs at least {needed['real_members']} rows in --real and "
            f"--synthetic and {needed['control']} in --control"
        )
    return out


def _shown(names: list[str]) -> str:
    if len(names) <= _MAX_NAMES_SHOWN:
        return str(names)
    return f"{names[:_MAX_NAMES_SHOWN]} and {len(names) - _MAX_NAMES_SHOWN} more"


def _at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}")
        return value

    return parse


def _progress(message: str) -> None:
    print(f"  {message} ...", file=sys.stderr, flush=True)
