"""Linkability: can the synthetic release join two records of the same real person?

Article 29 Working Party, Opinion 05/2014 (WP216): linkability is "the ability to link, at
least, two records concerning the same data subject". Following Giomi et al. (2023) and
anonymeter, the attacker holds two tables about the same people, one with the columns of
``aux_cols[0]`` and one with those of ``aux_cols[1]``, and no key to join them. For each target
record, split along those two groups, they look up the ``n_neighbors`` synthetic records nearest
to each half; the two halves are *linked* when one synthetic record is among the neighbours of
both.

Differences from anonymeter (each pinned by a test): ties among equally near synthetic records
are broken at random for every target and half, not by table order; a missing value is at
distance 0 from a missing value and 1 from a present one; a constant or all-missing synthetic
column cannot divide by zero; numeric columns are scaled by the synthetic range alone; targets
and the baseline are drawn with ``rng``, never an unseeded generator. See
:func:`audit.anonymity._tables.nearest_synthetic`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from audit.anonymity._tables import (
    check_tables,
    encode,
    infer_kinds,
    nearest_synthetic,
    raise_if,
    unknown_columns,
)
from audit.anonymity.results import AnonymityAttack, ParameterValue, PrivacyAttackResult


def linkability_attack(
    *,
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    aux_cols: tuple[Sequence[Hashable], Sequence[Hashable]],
    n_attacks: int,
    rng: np.random.Generator,
    n_neighbors: int = 1,
    confidence: float = 0.95,
) -> PrivacyAttackResult:
    """Linkability attack of Giomi et al. (2023) on a synthetic release.

    **Attack.** ``n_attacks`` targets are drawn without replacement from ``ori`` (and as many
    from ``control``) with ``rng``. Each half of a target, its ``aux_cols[0]`` columns and its
    ``aux_cols[1]`` columns, gets its ``n_neighbors`` nearest synthetic records under a
    Gower-like distance over that half's columns (numbers: absolute difference over the
    synthetic range, clipped at 1; categories: 0 if equal, else 1; missing equals missing).
    The target is linked when the two neighbour sets share a record.

    **Baseline.** For each of ``n_attacks`` targets, two independent uniform draws of
    ``n_neighbors`` distinct synthetic records; linked when they share one. Its rate is about
    ``1 - C(N - k, k) / C(N, k)`` for ``N`` synthetic rows and ``k = n_neighbors``.

    ``aux_cols`` is a pair of disjoint, non-empty groups of column names (a single name may
    stand for a one-column group); other columns are ignored. Raises
    :class:`InvalidInputError` for empty or mismatched tables, unknown or overlapping columns,
    ``n_attacks < 1``, fewer than ``n_attacks`` rows in ``ori`` or ``control``, or
    ``n_neighbors`` outside ``1..len(syn)``.
    """
    problems = check_tables(ori, syn, control, n_attacks=n_attacks, rng=rng, confidence=confidence)
    raise_if(problems)
    halves = _check_aux(aux_cols, ori)
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, int):
        problems.append(f"n_neighbors must be an integer (got {type(n_neighbors).__name__})")
    elif not 1 <= n_neighbors <= len(syn):
        problems.append(
            f"n_neighbors must be between 1 and the number of synthetic rows ({len(syn)}); got "
            f"{n_neighbors}"
        )
    problems.extend(_too_few_rows(ori, control, int(n_attacks)))
    raise_if(problems)

    tables = {"ori": ori, "syn": syn, "control": control}
    columns = [*halves[0], *halves[1]]
    kinds, problems = infer_kinds(tables, columns)
    raise_if(problems)
    enc = encode(tables, columns, kinds)
    numeric = enc.numeric_mask
    split = len(halves[0])
    parts = (slice(0, split), slice(split, len(columns)))
    s = enc.values["syn"]

    successes: dict[str, int] = {}
    for name in ("ori", "control"):
        values = enc.values[name]
        targets = values[rng.choice(values.shape[0], size=int(n_attacks), replace=False)]
        neighbours = [
            nearest_synthetic(targets[:, p], s[:, p], numeric[p], k=n_neighbors, rng=rng)
            for p in parts
        ]
        successes[name] = int(_shares_a_record(neighbours[0], neighbours[1]).sum())

    n_syn = s.shape[0]
    guess = [
        np.stack([rng.choice(n_syn, size=n_neighbors, replace=False) for _ in range(n_attacks)])
        for _ in range(2)
    ]
    baseline_successes = int(_shares_a_record(guess[0], guess[1]).sum())

    parameters: tuple[tuple[str, ParameterValue], ...] = (
        ("aux_cols", (tuple(str(c) for c in halves[0]), tuple(str(c) for c in halves[1]))),
        ("n_neighbors", int(n_neighbors)),
    )
    return PrivacyAttackResult.from_counts(
        attack=AnonymityAttack.LINKABILITY,
        parameters=parameters,
        n_attacks=int(n_attacks),
        attack_successes=successes["ori"],
        baseline_successes=baseline_successes,
        control_successes=successes["control"],
        confidence=float(confidence),
    )


def _shares_a_record(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: do the index sets ``a[i]`` and ``b[i]`` intersect?"""
    return (a[:, :, None] == b[:, None, :]).any(axis=(1, 2))


def _check_aux(aux_cols: object, table: pd.DataFrame) -> tuple[list[Hashable], list[Hashable]]:
    if not isinstance(aux_cols, tuple | list) or len(aux_cols) != 2:
        raise_if(
            [
                "aux_cols must be a pair of column groups, e.g. (['age', 'zip'], ['sex', "
                "'ward']): one per table the attacker holds"
            ]
        )
    halves: list[list[Hashable]] = []
    for half in aux_cols:  # type: ignore[union-attr]
        if isinstance(half, str) or not isinstance(half, Sequence | pd.Index):
            halves.append([half])
        else:
            halves.append(list(half))
    problems: list[str] = []
    for i, half in enumerate(halves):
        if not half:
            problems.append(f"aux_cols[{i}] is empty; each group needs at least one column")
        if len(set(half)) != len(half):
            problems.append(f"aux_cols[{i}] lists a column twice")
        problems.extend(unknown_columns(half, table, f"aux_cols[{i}]"))
    overlap = sorted(str(c) for c in set(halves[0]) & set(halves[1]))
    if overlap:
        problems.append(
            f"the two aux_cols groups share {overlap}; a shared column would join the tables "
            "without the synthetic data, so give each column to one group only"
        )
    raise_if(problems)
    return halves[0], halves[1]


def _too_few_rows(ori: pd.DataFrame, control: pd.DataFrame, n_attacks: int) -> list[str]:
    return [
        f"{name} has {len(t)} rows, fewer than n_attacks={n_attacks} targets drawn without "
        f"replacement; lower n_attacks or hold out more {name} rows"
        for name, t in (("ori", ori), ("control", control))
        if len(t) < n_attacks
    ]
