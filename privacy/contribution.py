"""Bounding each entity's contribution, so the guarantee can be stated per person (invariant 4).

With an entity column (patient id), neighbouring tables differ in *all* rows of one person. Keeping
at most one row per entity, chosen uniformly at random and independently of every other entity,
makes the kept table differ in at most one row between entity-neighbouring inputs: a guarantee
for rows of the bounded table is then the same guarantee for entities of the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError


@dataclass(frozen=True)
class ContributionBound:
    """What bounding did: counts only."""

    entity_column: str
    max_rows_per_entity: int
    n_entities: int
    rows_before: int
    rows_after: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_column": self.entity_column,
            "max_rows_per_entity": self.max_rows_per_entity,
            "n_entities": self.n_entities,
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
            "method": "one row per entity sampled uniformly at random; per-row DP on the bounded "
            "table equals per-entity DP on the input",
        }


def keep_one_row_per_entity(
    table: pd.DataFrame, *, entity_column: str, rng: np.random.Generator
) -> tuple[pd.DataFrame, ContributionBound]:
    """A new table with exactly one uniformly chosen row for each distinct entity.

    Rows whose entity id is missing are each treated as their own entity. The choice for an
    entity depends only on that entity's rows and ``rng``, which is what makes the per-entity
    guarantee hold. Row order of the result is random.
    """
    if entity_column not in table.columns:
        raise InvalidInputError(f"entity column '{entity_column}' is not in the table")
    order = rng.permutation(len(table))
    shuffled = table.iloc[order]
    ids = shuffled[entity_column]
    keep = ~ids.duplicated(keep="first") | ids.isna()
    bounded = shuffled[keep.to_numpy()].reset_index(drop=True)
    return bounded, ContributionBound(
        entity_column=entity_column,
        max_rows_per_entity=1,
        n_entities=len(bounded),
        rows_before=len(table),
        rows_after=len(bounded),
    )
