"""Equivalence classes: records that share every quasi-identifier value.

Every re-identification measure in :mod:`privacy.risk` starts here. Classes are found by
factorising each quasi-identifier column to integer codes and combining the codes into one key
per record (mixed radix, re-compressed before it could overflow), so a million records with
eight quasi-identifiers take well under a second and no value is ever copied out of the table.

Missing values are a value of their own: all records missing a quasi-identifier group together,
as in ARX. Values are compared exactly (``"F"`` and ``"f"`` are different classes); generalise or
normalise values before measuring if that is not what the data means.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems

#: Combined keys are re-compressed before their range could exceed this (int64 stays exact).
_MAX_KEY = 2**62


@dataclass(frozen=True)
class EquivalenceClasses:
    """The partition of a table's records by their quasi-identifier values.

    ``record_class[i]`` is the class index (0 .. n_classes-1) of record ``i``; ``sizes[c]`` is
    the number of records in class ``c`` (the sample frequency f). ``population_sizes[c]``, when
    a population table was given, is the number of population records in class ``c`` (F).
    Holds integer codes only, never a value of the table.
    """

    quasi_identifiers: tuple[str, ...]
    record_class: np.ndarray
    sizes: np.ndarray
    population_sizes: np.ndarray | None = None

    @property
    def n_records(self) -> int:
        return int(self.record_class.size)

    @property
    def n_classes(self) -> int:
        return int(self.sizes.size)


def check_quasi_identifiers(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    other_problems: Sequence[str] = (),
) -> list[str]:
    """The quasi-identifier names as a list, after checking they can be measured on ``table``.

    Refuses (listing every problem at once, with the caller's ``other_problems``) a non-table,
    no quasi-identifier, a name given twice, a name that is not a column, and an empty table.
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(
            f"risk is measured on a pandas DataFrame (got {type(table).__name__}); "
            "load the table with clearance.tableio or pandas first"
        )
    if isinstance(quasi_identifiers, str):
        raise InvalidInputError(
            "quasi_identifiers must be a list of column names, not one string; "
            "write ['zip', 'sex'], or --qi zip,sex on the command line"
        )
    qis = [str(c) for c in quasi_identifiers]
    problems: list[str] = list(other_problems)
    if not qis:
        problems.append(
            "no quasi-identifier was given; name the columns an attacker could know about a "
            "person (e.g. --qi age,sex,zip), mark them quasi_identifier in the schema, or let "
            "Clearance propose them (privacy.risk.propose_quasi_identifiers)"
        )
    duplicated = sorted({c for c in qis if qis.count(c) > 1})
    if duplicated:
        problems.append(f"quasi-identifier(s) named more than once: {duplicated}")
    missing = [c for c in qis if c not in table.columns]
    if missing:
        problems.append(
            f"quasi-identifier column(s) not in the table: {missing}; the table has "
            f"{len(table.columns)} columns: {[str(c) for c in table.columns][:20]}"
        )
    ambiguous = sorted({c for c in qis if c in table.columns and (table.columns == c).sum() > 1})
    if ambiguous:
        problems.append(f"the table has more than one column named {ambiguous}; rename them")
    if len(table) == 0:
        problems.append("the table has no records; risk needs at least one record")
    if problems:
        raise InvalidInputError(join_problems(problems))
    return qis


def equivalence_classes(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    population: pd.DataFrame | None = None,
) -> EquivalenceClasses:
    """Partition ``table`` into equivalence classes over ``quasi_identifiers``.

    With ``population`` (the table the records were sampled from, a superset of ``table``'s
    records on the quasi-identifiers), also counts each class's population size F. Refuses a
    population that lacks a combination present in the table, since F >= f must hold.
    """
    qis = check_quasi_identifiers(table, quasi_identifiers)
    if population is None:
        codes = _combined_codes([table[c] for c in qis])
        record_class, n_classes = dense_codes(codes)
        sizes = np.bincount(record_class, minlength=n_classes).astype(np.int64)
        return EquivalenceClasses(tuple(qis), record_class, sizes)

    check_quasi_identifiers(population, qis)
    n = len(table)
    codes = _combined_codes(
        [pd.concat([table[c], population[c]], ignore_index=True) for c in qis]
    )
    joint, _ = dense_codes(codes)
    record_joint = joint[:n]
    record_class, n_classes = dense_codes(record_joint)
    sizes = np.bincount(record_class, minlength=n_classes).astype(np.int64)
    population_counts = np.bincount(joint[n:], minlength=int(joint.max()) + 1)
    # Map each sample class to its joint code, then read the population count there.
    first_joint = np.empty(n_classes, dtype=np.int64)
    first_joint[record_class] = record_joint
    population_sizes = population_counts[first_joint].astype(np.int64)
    short = int(sizes[population_sizes < sizes].sum())
    if short:
        raise InvalidInputError(
            f"the population table is not a superset of the table: {short} record(s) have a "
            "quasi-identifier combination that is rarer (or absent) in the population; pass the "
            "population the table was sampled from, or a sampling fraction instead"
        )
    return EquivalenceClasses(tuple(qis), record_class, sizes, population_sizes)


def column_codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes 0..k-1 for a column's values, missing values being one code of their own;
    returns the codes and k."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        if (codes < 0).any():  # missing is -1 in a categorical: give it its own code
            codes = np.where(codes < 0, len(column.cat.categories), codes)
        return dense_codes(codes)
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), int(len(uniques))


def _combined_codes(columns: Sequence[pd.Series]) -> np.ndarray:
    """One int64 key per record, equal exactly when all the columns' values are equal."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    key_range = 1
    for column in columns:
        codes, cardinality = column_codes(column)
        cardinality = max(cardinality, 1)
        if key_range * cardinality >= _MAX_KEY:
            key, key_range = dense_codes(key)
        key = key * cardinality + codes
        key_range *= cardinality
    return key


def dense_codes(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Relabel integer codes as 0..k-1 (order of first appearance); returns them and k."""
    dense, uniques = pd.factorize(codes)
    return dense.astype(np.int64, copy=False), int(len(uniques))
