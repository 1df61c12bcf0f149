"""Which columns are quasi-identifiers: given by the user, read from the schema, or proposed.

A quasi-identifier is a column an attacker can know about a person from elsewhere (age, sex,
ZIP code, dates of birth or admission) and that identifies them in combination. No algorithm
can know what an attacker knows, so a proposal is a starting point the user edits: it is named
in every output with the reason for each column, and columns left out say why.

The proposal (:func:`propose_quasi_identifiers`):

1. leaves out direct identifiers, free text and entity ids (by schema role, or without a schema
   by shape: long text, or a column nearly unique on its own, which is an identifier or a
   continuous measurement to generalise before it can be a quasi-identifier);
2. takes columns whose names say they are demographics or event dates (the attributes of
   Sweeney's and El Emam's examples), in table order;
3. then adds, greedily, the remaining column that makes the most records unique in combination
   with those chosen, while it adds at least ``min_gain`` of the records, up to ``max_columns``.

Greedy steps are measured on at most ``sample_rows`` records drawn with the caller's ``rng``;
the choice is not released and only shapes which measures are reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError
from privacy.risk.classes import check_quasi_identifiers, column_codes
from privacy.schema import ColumnRole, Schema

#: Column-name words of demographics and event dates, the usual background knowledge.
_DEMOGRAPHIC_NAME = re.compile(
    r"(^|[_\W])(age|sex|gender|zip|zipcode|postcode|postal|birth|dob|born|race|ethnicity|"
    r"ethnic|marital|education|occupation|job|profession|city|town|county|state|region|"
    r"country|nationality|native|language|religion|admission|admitted|discharge|discharged|"
    r"death|year)([_\W]|$)",
    re.IGNORECASE,
)
_NOT_QUASI_ROLES = frozenset(
    {ColumnRole.DIRECT_IDENTIFIER, ColumnRole.FREE_TEXT, ColumnRole.ENTITY_ID}
)
#: A column whose values are distinct for more than this share of records identifies on its own.
_NEAR_UNIQUE_SHARE = 0.95
#: Values longer than this on average are free text, not a category.
_FREE_TEXT_LENGTH = 40


class QuasiIdentifierSource(StrEnum):
    """Where the quasi-identifiers of a measurement came from."""

    USER = "given by the user"
    SCHEMA = "the schema's quasi_identifier roles"
    PROPOSED = "proposed by Clearance (edit with --qi)"


@dataclass(frozen=True)
class QuasiIdentifierChoice:
    """The quasi-identifiers a risk measurement uses, where they came from and why each one."""

    columns: tuple[str, ...]
    source: QuasiIdentifierSource
    reasons: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "source": str(self.source),
            "reasons": dict(self.reasons),
            "left_out": dict(self.left_out),
        }


def choose_quasi_identifiers(
    table: pd.DataFrame,
    *,
    given: Sequence[str] | None = None,
    schema: Schema | None = None,
    rng: np.random.Generator,
    max_columns: int = 8,
) -> QuasiIdentifierChoice:
    """The user's columns if ``given``, else the schema's quasi-identifiers, else a proposal.

    Refuses given columns that are not in the table, and a table where nothing can be proposed.
    ``rng`` draws the rows a proposal is measured on when the table is large.
    """
    if given is not None:
        columns = check_quasi_identifiers(table, given)
        return QuasiIdentifierChoice(
            tuple(columns), QuasiIdentifierSource.USER, dict.fromkeys(columns, "named by the user")
        )
    if schema is not None:
        declared = [
            c.name for c in schema.with_role(ColumnRole.QUASI_IDENTIFIER) if c.name in table.columns
        ]
        if declared:
            return QuasiIdentifierChoice(
                tuple(declared),
                QuasiIdentifierSource.SCHEMA,
                dict.fromkeys(declared, "role quasi_identifier in the schema"),
            )
    return propose_quasi_identifiers(
        table, schema=schema, rng=rng, max_columns=max_columns
    )


def propose_quasi_identifiers(
    table: pd.DataFrame,
    *,
    schema: Schema | None = None,
    rng: np.random.Generator,
    max_columns: int = 8,
    min_gain: float = 0.01,
    sample_rows: int = 50_000,
) -> QuasiIdentifierChoice:
    """Propose quasi-identifiers by the three steps of the module docstring.

    Refuses an empty table and a table with no candidate column.
    """
    if not isinstance(table, pd.DataFrame) or len(table) == 0:
        raise InvalidInputError("quasi-identifiers are proposed from a non-empty DataFrame")
    if max_columns < 1:
        raise InvalidInputError(f"max_columns must be >= 1 (got {max_columns})")
    if len(table) > sample_rows:
        table = table.iloc[np.sort(rng.choice(len(table), size=sample_rows, replace=False))]
    n = len(table)
    left_out: dict[str, str] = {}
    candidates: list[str] = []
    codes: dict[str, tuple[np.ndarray, int]] = {}
    for name in table.columns:
        name = str(name)
        role = schema[name].role if schema is not None and name in schema else None
        if role in _NOT_QUASI_ROLES:
            left_out[name] = f"schema role {role}"
            continue
        column = table[name]
        if _looks_like_free_text(column):
            left_out[name] = "long free text"
            continue
        codes[name] = column_codes(column)
        if n >= 20 and codes[name][1] > _NEAR_UNIQUE_SHARE * n:
            left_out[name] = (
                "nearly unique on its own: an identifier or a continuous measurement; "
                "generalise it (bands, years) to use it as a quasi-identifier"
            )
            continue
        if role is ColumnRole.SENSITIVE:
            left_out[name] = "schema role sensitive: measured as the sensitive attribute"
            continue
        candidates.append(name)
    if not candidates:
        raise InvalidInputError(
            "no column could be proposed as a quasi-identifier (every column is an identifier, "
            "free text or nearly unique); name the quasi-identifiers with --qi"
        )

    chosen: list[str] = []
    reasons: dict[str, str] = {}
    for name in candidates:
        if len(chosen) < max_columns and _DEMOGRAPHIC_NAME.search(name):
            chosen.append(name)
            reasons[name] = "its name says it is a demographic or an event date"
    key = _key(chosen, codes, n)
    uniques = _uniques(key)
    remaining = [c for c in candidates if c not in chosen]
    while remaining and len(chosen) < max_columns:
        gains = {c: _uniques(_combine(key, codes[c])) - uniques for c in remaining}
        best = max(remaining, key=lambda c: gains[c])
        if gains[best] < min_gain * n:
            break
        key = _combine(key, codes[best])
        uniques += gains[best]
        chosen.append(best)
        remaining.remove(best)
        reasons[best] = f"makes {gains[best] / n:.1%} more records unique in combination"
    for name in remaining:
        left_out[name] = (
            f"adds fewer than {min_gain:.0%} unique records"
            if len(chosen) < max_columns
            else f"the proposal stops at {max_columns} columns"
        )
    if not chosen:
        raise InvalidInputError(
            "no column makes records identifiable in combination; name the quasi-identifiers "
            "with --qi if an attacker could know some of these columns"
        )
    return QuasiIdentifierChoice(
        tuple(chosen), QuasiIdentifierSource.PROPOSED, reasons, left_out
    )


def _looks_like_free_text(column: pd.Series) -> bool:
    if not (column.dtype == object or pd.api.types.is_string_dtype(column.dtype)):
        return False
    sample = column.dropna().head(200).astype(str)
    return bool(len(sample)) and float(sample.str.len().mean()) > _FREE_TEXT_LENGTH


def _key(columns: list[str], codes: dict[str, tuple[np.ndarray, int]], n: int) -> np.ndarray:
    key = np.zeros(n, dtype=np.int64)
    for name in columns:
        key = _combine(key, codes[name])
    return key


def _combine(key: np.ndarray, column: tuple[np.ndarray, int]) -> np.ndarray:
    values, cardinality = column
    dense, _ = pd.factorize(key)
    return dense.astype(np.int64) * max(cardinality, 1) + values


def _uniques(key: np.ndarray) -> int:
    _, counts = np.unique(key, return_counts=True)
    return int((counts == 1).sum())
