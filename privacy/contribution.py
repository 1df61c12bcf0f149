"""Bounding each entity's contribution, so the guarantee can be stated per person (invariant 4).

With an entity column (patient id), neighbouring inputs differ in *all* rows of one person.
:func:`bound_rows_per_entity` keeps, for every entity, a uniformly random subset of
``min(count, k)`` of its rows (``k = max_rows_per_entity``). Two inputs that differ in one
entity then give bounded tables that differ in at most ``k`` rows, so a guarantee for rows of
the bounded table becomes a guarantee for entities of the input through group privacy:
``(eps, delta)`` per row is ``privacy.accounting.group_privacy(eps, delta, group_size=k)`` per
entity. With ``k = 1`` (:func:`keep_one_row_per_entity`) the two are the same.

Why the per-entity choice must not look at other entities. The rows are permuted with ``rng``
and each entity keeps its first ``k`` rows in that order. Under a uniform permutation the orders
it induces on disjoint sets of rows are independent and uniform, so the kept subsets of
different entities are *independent* random variables, each uniform over the ``k``-subsets of
its own rows. Which rows of entity A are kept is not a fixed function of A's rows (the shared
permutation makes the realised choice move when another entity's rows are added), but its
*distribution* does not depend on anyone else's rows; that distributional statement is what the
coupling argument needs: for entity-neighbouring inputs, the bounded tables can be coupled to
agree on every other entity's kept rows and differ only in the at most ``k`` rows of the one
entity. Row order of the result is random, so it carries nothing beyond the multiset of rows.

A dominant entity (one person holding most of the rows) needs no special case: it keeps at most
``k`` rows like everyone else, which is exactly what stops it from dominating the training data.
The report says only *whether* some entity held more than half of the rows before bounding,
never how many rows it held: that one number would be a statement about one person.

Rows whose entity id is missing are each treated as their own entity. That is the only
consistent reading of a missing id, but it means the bound cannot protect a person whose rows
lack an id: the guarantee is per entity *as identified by the entity column*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems

BOUND_METHOD = (
    "for each entity, a uniformly random subset of min(rows, max_rows_per_entity) of its rows, "
    "chosen independently of every other entity (one random permutation, then the first rows of "
    "each entity); rows with a missing entity id count as separate entities. Entity-neighbouring "
    "inputs give bounded tables that differ in at most max_rows_per_entity rows, so per-row DP "
    "(eps, delta) on the bounded table is per-entity DP by group privacy (k*eps, "
    "delta*sum_{i<k} e^(i*eps)); with one row per entity the two are equal"
)


@dataclass(frozen=True)
class ContributionBound:
    """What bounding did: counts only, never an entity id or one entity's row count.

    ``n_entities``: distinct entities in the input (each missing id counts as one).
    ``rows_before`` / ``rows_after``: rows in and out. ``n_entities_truncated``: entities that
    held more than ``max_rows_per_entity`` rows and lost some. ``dominant_entity``: whether one
    entity held more than half of the input's rows (a yes/no, so that one person's row count is
    not reported). ``method``: how the rows were chosen and why the guarantee is per entity.
    """

    entity_column: str
    max_rows_per_entity: int
    n_entities: int
    rows_before: int
    rows_after: int
    n_entities_truncated: int = 0
    dominant_entity: bool = False
    method: str = BOUND_METHOD

    def __post_init__(self) -> None:
        problems = []
        k = self.max_rows_per_entity
        if not _is_count(k) or k < 1:
            problems.append("max_rows_per_entity must be an integer >= 1")
        counts = (self.n_entities, self.rows_before, self.rows_after, self.n_entities_truncated)
        if not all(_is_count(c) and c >= 0 for c in counts):
            problems.append("the counts must be integers >= 0")
        if not isinstance(self.dominant_entity, bool):
            problems.append("dominant_entity must be a bool")
        if not problems:
            if not self.n_entities <= self.rows_after <= self.rows_before:
                problems.append("n_entities <= rows_after <= rows_before must hold")
            if self.rows_after > self.n_entities * k:
                problems.append("rows_after cannot exceed n_entities * max_rows_per_entity")
            if self.n_entities_truncated > self.n_entities:
                problems.append("n_entities_truncated cannot exceed n_entities")
            if (self.n_entities_truncated == 0) != (self.rows_after == self.rows_before):
                problems.append("rows are dropped exactly when some entity is truncated")
        if problems:
            raise InvalidInputError("invalid contribution bound: " + join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_column": self.entity_column,
            "max_rows_per_entity": self.max_rows_per_entity,
            "n_entities": self.n_entities,
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
            "n_entities_truncated": self.n_entities_truncated,
            "dominant_entity": self.dominant_entity,
            "method": self.method,
        }


def bound_rows_per_entity(
    table: pd.DataFrame,
    *,
    entity_column: str,
    max_rows_per_entity: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, ContributionBound]:
    """A new table with at most ``max_rows_per_entity`` (k) rows of each entity.

    Each entity keeps ``min(count, k)`` of its rows, a uniformly random subset chosen
    independently of every other entity (see the module docstring for why that independence is
    distributional). Rows whose entity id is missing are each their own entity. The caller's
    table is not modified; the result has a fresh index and a random row order.

    Per-row (eps, delta)-DP on the result is per-entity
    ``group_privacy(eps, delta, group_size=k)`` on the input (``privacy.accounting.group``).
    """
    problems = []
    if not _is_count(max_rows_per_entity) or max_rows_per_entity < 1:
        got = (
            str(max_rows_per_entity)
            if _is_count(max_rows_per_entity)
            else f"a {type(max_rows_per_entity).__name__}"
        )
        problems.append(
            f"max_rows_per_entity must be an integer >= 1 (got {got}); 1 keeps one row per entity"
        )
    if entity_column not in table.columns:
        problems.append(f"entity column '{entity_column}' is not in the table")
    if problems:
        raise InvalidInputError(join_problems(problems))
    k = int(max_rows_per_entity)

    order = rng.permutation(len(table))
    codes = pd.factorize(table[entity_column], use_na_sentinel=True)[0][order]  # missing: -1
    missing = codes < 0
    # Each entity keeps its first k rows in permuted order; missing ids are singletons.
    keep = missing | (_rank_within_groups(codes) < k)
    bounded = table.iloc[order[keep]].reset_index(drop=True)

    sizes = np.bincount(codes[~missing]) if (~missing).any() else np.zeros(0, dtype=np.int64)
    n_entities = int(len(sizes) + missing.sum())
    largest = int(sizes.max()) if len(sizes) else (1 if missing.any() else 0)
    return bounded, ContributionBound(
        entity_column=entity_column,
        max_rows_per_entity=k,
        n_entities=n_entities,
        rows_before=len(table),
        rows_after=len(bounded),
        n_entities_truncated=int((sizes > k).sum()),
        dominant_entity=bool(len(table) > 0 and 2 * largest > len(table)),
    )


def keep_one_row_per_entity(
    table: pd.DataFrame, *, entity_column: str, rng: np.random.Generator
) -> tuple[pd.DataFrame, ContributionBound]:
    """A new table with exactly one uniformly chosen row for each distinct entity: the ``k = 1``
    case of :func:`bound_rows_per_entity`, where per-row DP on the result equals per-entity DP
    on the input with no group-privacy conversion."""
    return bound_rows_per_entity(table, entity_column=entity_column, max_rows_per_entity=1, rng=rng)


def _rank_within_groups(codes: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same code: pandas'
    ``groupby(codes).cumcount()``, done in numpy."""
    n = len(codes)
    by_code = np.argsort(codes, kind="stable")  # stable: keeps the permuted order within a code
    sorted_codes = codes[by_code]
    starts_group = np.ones(n, dtype=bool)
    starts_group[1:] = sorted_codes[1:] != sorted_codes[:-1]
    group_start = np.maximum.accumulate(np.where(starts_group, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[by_code] = np.arange(n) - group_start
    return rank


def _is_count(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)
