"""Black-box membership inference on anyone's synthetic table.

A reviewer who receives a synthetic table from a vendor holds three tables: the real rows the
vendor trained on (``real_members``), real rows of the same population the vendor never saw
(``control``), and the vendor's ``synthetic`` rows. Nothing about the generator is needed, so
any tool's output can be audited. :func:`black_box_membership` runs two attacks on the *same*
targets, drawn in equal numbers from the members and from the control:

- DOMIAS (van Breugel et al. 2023, "Membership Inference Attacks against Synthetic Data
  through Overfitting Detection", AISTATS): score = log p_syn(x) - log p_ref(x), kernel
  density estimates of the synthetic table and of a *reference* table of real non-members
  (:func:`audit.density_ratio.density_ratio_attack`). A generator that overfits puts more
  density at its training rows than the population does, which the reference measures.
- Distance to closest record (:func:`audit.membership.distance_to_closest_record_attack`):
  reported beside DOMIAS, never as evidence on its own.

**Why the control is split.** DOMIAS needs real non-members twice: as non-member *targets* and
as the *reference* whose density stands for the population. They must be different rows. A
non-member target that is also in the reference sits on a bump of the reference density, so
its score ``log p_syn - log p_ref`` is pushed down, members look more "member-like" by
comparison, and the attack looks stronger than it is (the DOMIAS authors hold the reference
out for the same reason). So ``control`` is shuffled with ``rng`` and cut in two disjoint parts:
the non-member targets, at most half of it, and the reference, every other control row (so at
least the other half): the reference is as large as it can be while no target enters it, and
is never smaller than the target set.

Measures only: no threshold, no verdict, and no raw value of any table in a result or a message
(invariant 6): messages name columns and count rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from audit.density_ratio import density_ratio_attack
from audit.membership import columns_by_dtype, distance_to_closest_record_attack
from audit.results import AttackResult
from privacy.errors import InvalidInputError, join_problems

__all__ = [
    "MIN_TARGETS",
    "BlackBoxMembership",
    "black_box_membership",
    "rows_needed",
]

#: Fewest member (and as many non-member) targets an audit runs on. With 20 of each the AUC's
#: standard error at 0.5 is already about 0.09; fewer says nothing.
MIN_TARGETS = 20


def rows_needed() -> dict[str, int]:
    """The fewest rows each table needs: ``MIN_TARGETS`` members, twice that in the control
    (half for non-member targets, half for the reference), and ``MIN_TARGETS`` synthetic rows
    for a density estimate."""
    return {"real_members": MIN_TARGETS, "control": 2 * MIN_TARGETS, "synthetic": MIN_TARGETS}


@dataclass(frozen=True)
class BlackBoxMembership:
    """Two black-box membership attacks on one synthetic table, on the same targets.

    ``density_ratio``: the DOMIAS attack; ``dcr``: distance to closest record (not evidence on
    its own); ``n_reference``: real non-member rows the DOMIAS reference density was fitted on
    (disjoint from the non-member targets). Measures only; no verdict, no raw values.
    """

    density_ratio: AttackResult
    dcr: AttackResult
    n_reference: int

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in ("density_ratio", "dcr"):
            if not isinstance(getattr(self, name), AttackResult):
                problems.append(f"{name} must be an AttackResult")
        if isinstance(self.n_reference, bool) or not isinstance(self.n_reference, int):
            problems.append("n_reference must be an integer")
        elif self.n_reference < 1:
            problems.append(f"n_reference must be >= 1 (got {self.n_reference})")
        if not problems and (
            self.density_ratio.n_members != self.dcr.n_members
            or self.density_ratio.n_non_members != self.dcr.n_non_members
        ):
            problems.append("the two attacks must run on the same targets (counts differ)")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @property
    def n_targets(self) -> int:
        """Member targets (and as many non-member targets) both attacks ran on."""
        return self.density_ratio.n_members

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only; counts and estimates, never a record."""
        return {
            "density_ratio": self.density_ratio.to_dict(),
            "dcr": self.dcr.to_dict(),
            "n_reference": int(self.n_reference),
            "n_targets": int(self.n_targets),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BlackBoxMembership:
        return cls(
            density_ratio=AttackResult.from_dict(data["density_ratio"]),
            dcr=AttackResult.from_dict(data["dcr"]),
            n_reference=int(data["n_reference"]),
        )


def black_box_membership(
    *,
    real_members: pd.DataFrame,
    control: pd.DataFrame,
    synthetic: pd.DataFrame,
    rng: np.random.Generator,
    n_targets: int = 1000,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    datetime: Sequence[str] = (),
) -> BlackBoxMembership:
    """DOMIAS and distance-to-closest-record attacks on ``synthetic``, on the same targets.

    ``real_members``: the real rows the generator was trained on; ``control``: real rows of the
    same population it never saw; ``synthetic``: its output. ``control`` is shuffled with ``rng``
    and split (see the module docstring): ``n = min(n_targets, len(real_members),
    len(control) // 2)`` control rows are the non-member targets, every other control row is the
    reference. ``n`` member targets are drawn from ``real_members`` without replacement, as
    :func:`audit.membership.balanced_targets` does, so the membership game's prior is 50%.

    Columns: ``numeric``, ``categorical`` and ``datetime`` (ISO date strings) name the attacked
    columns; when neither ``numeric`` nor ``categorical`` is given, every column of
    ``synthetic`` that is not in ``datetime`` is attacked, numeric dtypes (not booleans) as
    numbers and the rest as categories. Every attacked column must be in all three tables;
    other columns are ignored.

    Raises :class:`InvalidInputError` when a table is not a non-empty DataFrame or has too few
    rows (see :func:`rows_needed`), when attacked columns are missing from a table (the message
    names them), for ``n_targets < MIN_TARGETS`` or a bad ``rng``. No message holds a value.
    """
    tables = {"real_members": real_members, "control": control, "synthetic": synthetic}
    problems: list[str] = []
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            problems.append(f"{name} must be a pandas DataFrame (got {type(table).__name__})")
    if not isinstance(rng, np.random.Generator):
        problems.append(
            f"rng must be a numpy.random.Generator (got {type(rng).__name__}); pass "
            "numpy.random.default_rng(seed)"
        )
    if isinstance(n_targets, bool) or not isinstance(n_targets, int | np.integer):
        problems.append(f"n_targets must be an integer (got {type(n_targets).__name__})")
    elif n_targets < MIN_TARGETS:
        problems.append(
            f"n_targets must be at least {MIN_TARGETS} (got {n_targets}); fewer targets give an "
            "AUC interval too wide to say anything"
        )
    if problems:
        raise InvalidInputError(join_problems(problems))

    num_cols, cat_cols, date_cols = _attacked_columns(synthetic, numeric, categorical, datetime)
    wanted = num_cols + cat_cols + date_cols
    for name, table in tables.items():
        absent = [str(c) for c in wanted if c not in table.columns]
        if absent:
            problems.append(
                f"{name} lacks the attacked column(s) {absent}; give all three tables the same "
                "columns, or attack only the columns they share"
            )
    needed = rows_needed()
    for name, table in tables.items():
        if len(table) < needed[name]:
            problems.append(
                f"{name} has {len(table)} row(s); the audit needs at least {needed[name]} "
                f"({_why_rows(name)})"
            )
    if problems:
        raise InvalidInputError(join_problems(problems))

    real_members = real_members[wanted]
    control = control[wanted]
    synthetic = synthetic[wanted]

    # Disjoint split of the control. A random permutation's first n positions are a uniform
    # random n-subset: the non-member targets, at most half the control. Every other control row
    # is the reference, so it holds at least half the control and never a target.
    n = int(min(n_targets, len(real_members), len(control) // 2))
    order = rng.permutation(len(control))
    non_members = control.iloc[np.sort(order[:n])].reset_index(drop=True)
    reference = control.iloc[np.sort(order[n:])].reset_index(drop=True)
    # As many members, drawn without replacement (balanced_targets' rule: equal counts make the
    # membership game's 50% prior explicit and TPR and FPR equally precise).
    members = real_members.iloc[
        np.sort(rng.choice(len(real_members), size=n, replace=False))
    ].reset_index(drop=True)

    columns: dict[str, Any] = {
        "numeric": num_cols,
        "categorical": cat_cols,
        "datetime": tuple(date_cols),
    }
    domias = density_ratio_attack(
        synthetic=synthetic,
        reference=reference,
        members=members,
        non_members=non_members,
        rng=rng,
        **columns,
    )
    dcr = distance_to_closest_record_attack(
        synthetic=synthetic,
        members=members,
        non_members=non_members,
        rng=rng,
        **columns,
    )
    return BlackBoxMembership(density_ratio=domias, dcr=dcr, n_reference=len(reference))


# ---------------------------------------------------------------------------------------------
# Helpers


def _why_rows(name: str) -> str:
    if name == "control":
        return (
            f"{MIN_TARGETS} non-member targets, and at least as many other rows for the "
            "reference density"
        )
    if name == "real_members":
        return f"{MIN_TARGETS} member targets"
    return "a density estimate of the synthetic table"


def _attacked_columns(
    synthetic: pd.DataFrame,
    numeric: Sequence[str] | None,
    categorical: Sequence[str] | None,
    datetime: Sequence[str],
) -> tuple[list[str], list[str], list[str]]:
    """Numeric, categorical and date columns, each named once."""
    if isinstance(datetime, str) or isinstance(numeric, str) or isinstance(categorical, str):
        raise InvalidInputError(
            "numeric, categorical and datetime must be sequences of column names, not one string"
        )
    dates = list(datetime)
    if numeric is None and categorical is None:
        num, cat = columns_by_dtype(synthetic, exclude=dates)
    else:
        num, cat = list(numeric or ()), list(categorical or ())
    named = num + cat + dates
    repeated = sorted({str(c) for c in named if named.count(c) > 1})
    if repeated:
        raise InvalidInputError(
            f"column(s) {repeated} are named more than once across numeric, categorical and "
            "datetime; give each column one kind"
        )
    if not named:
        raise InvalidInputError("the attacks need at least one column")
    return num, cat, dates
