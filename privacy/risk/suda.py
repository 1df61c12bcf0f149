"""Special uniques: minimal sample uniques (MSUs), SUDA scores and DIS-SUDA scores.

A *sample unique* is a record whose quasi-identifier combination occurs once in the table. SUDA
(Special Uniques Detection Algorithm; Elliot, Manning & Ford 2002, "A computational algorithm
for handling the special uniques problem", IJUFKS 10(5)) refines this: a set S of
quasi-identifier columns is a *minimal sample unique* of record r when r's values on S occur in
no other record (class size 1) while no proper subset of S does so. A record unique on few
columns is riskier than one unique only on many, and a record with many small MSUs is a *special
unique*, the kind most likely to be unique in the population too.

This module finds every MSU of size 1..``max_size`` and scores records exactly as sdcMicro's
``suda2()`` does (R package sdcMicro, ``R/suda2.R`` and ``src/Suda2.h``, with its default
``original_scores=TRUE``; the search there is SUDA2 of Manning, Haglin & Keane 2008, "A
recursive search algorithm for statistical disclosure assessment", DMKD 16:165-196). Scores:

* SUDA score of record r: ``sum over the MSUs S of r of w(|S|)`` with
  ``w(k) = prod_{j=k}^{M-1} (M - j) = (M - k)!``, where ``M`` is the number of quasi-identifiers
  (sdcMicro's ``g_ab``; sdcMicro pads fewer than three key variables with constant dummy
  columns, so ``M = max(number of quasi-identifiers, 3)``). A record without an MSU scores 0.
  sdcMicro searches MSUs of every size (``max_size = M``); with a smaller ``max_size`` the score
  is sdcMicro's score restricted to MSUs of at most that size. Elliot's threshold form
  ``prod_{i=k}^{max_size-1} (M - i)`` (ARX's ``getScoreElliot``) is the same weight divided by
  the constant ``(M - max_size)!``, which changes neither DIS-SUDA scores nor contributions.
* DIS-SUDA score (Elliot's SUDA user guide; sdcMicro's ``disScore``), with U the number of
  records alone in their class over all quasi-identifiers, P the number of records in classes
  of exactly two, f the sampling fraction ``dis_fraction``::

      Dis = U f / (U f + P (1 - f))          Q = 1 + (8 - M) / 20
      A   = sum over records with score > 0 of score^-Q
      DIS(r) = 1 / (1 + (U / Dis - U) / (score(r)^Q * A))   if score(r) > 0, else 0

  sdcMicro computes ``Dis`` and ``Q`` in single precision; so do we, so the figures agree with
  sdcMicro's to double precision rather than to seven digits.
* Contribution of column c (sdcMicro's ``attribute_contributions``, built from its per-record
  ``contributionPercent``): ``100 * sum over all MSUs S containing c of w(|S|) / total score``.
  An MSU of k columns counts for each of them, so the percentages add up to more than 100 when
  MSUs have several columns.

Where this differs from sdcMicro, on purpose:

* Missing values are a category of their own (as in ARX): sdcMicro recodes NA to its
  ``missing`` code and never lets that code be part of an MSU.
* U counts every record alone in its class. sdcMicro finds uniques through a 16-bit hash of
  the record and, in recent versions of ``src/Suda2.h``, misses those that share a hash bucket
  with another record (its test ``k == g_NbPerHash[i]`` can never hold; an older version had it
  commented out), so its U, and with it its DIS-SUDA scores, can come out lower on large
  tables. ARX's reimplementation of sdcMicro's DIS-SUDA counts U as we do.
* Contributions count every MSU once per column. sdcMicro's bookkeeping of "correlated" items
  (values occurring in exactly the same records) has under-counted some of them
  (sdcMicro issue #275); the definition above is the one that issue states.

The search is exhaustive and vectorised: each column is factorised to integer codes (missing
values one code of their own); for every column subset of size s <= ``max_size`` the subset's
combined codes are built from its (s-1)-prefix and densified, class sizes come from a bincount,
and a record unique on S is an MSU when it is unique on none of S's (s-1)-subsets (which is
enough: uniqueness on a subset carries to every superset). Cost grows as
``n_records * sum_{s <= max_size} C(M, s)``: 100,000 records with 8 quasi-identifiers up to size
3 (92 subsets) take well under a second.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems
from privacy.estimate import Estimate
from privacy.risk.classes import check_quasi_identifiers, column_codes, dense_codes

#: sdcMicro pads a key with fewer variables than this with constant dummy columns
#: (``R/suda2.R``), so its weights and Q are those of three columns.
_SDCMICRO_MIN_COLUMNS = 3

#: Bins of sdcMicro's ``print.suda2`` table of DIS-SUDA scores (upper edges, each + machine eps).
_DIS_BIN_LABELS = (
    "== 0",
    "(0.0, 0.1]",
    "(0.1, 0.2]",
    "(0.2, 0.3]",
    "(0.3, 0.4]",
    "(0.4, 0.5]",
    "(0.5, 0.6]",
    "(0.6, 0.7]",
    "> 0.7",
)
_QUANTILES = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))


@dataclass(frozen=True, eq=False)
class SudaResult:
    """Minimal sample uniques and SUDA / DIS-SUDA scores of a table (see the module docstring
    for the formulas and references).

    ``scores[i]`` and ``dis_scores[i]`` belong to the i-th record (position, not index label);
    both arrays are read-only. ``max_size`` is the largest MSU size searched (the requested one,
    capped at the number of quasi-identifiers). ``msu_counts_by_size[k]`` is the number of MSUs
    of k columns over all records; ``records_with_msu`` is the number of records with at least
    one. ``contributions`` maps each quasi-identifier to its share of the total score, in
    percent (sdcMicro's ``attribute_contributions``; 0 for every column when no record scores).
    ``sample_uniques`` (U) and ``pair_records`` (P) are the record counts in classes of size 1
    and 2 over all quasi-identifiers, which DIS-SUDA uses with ``dis_fraction``.
    Holds counts and scores only, never a value of the table.
    """

    quasi_identifiers: tuple[str, ...]
    max_size: int
    n_records: int
    msu_counts_by_size: dict[int, int]
    records_with_msu: int
    scores: np.ndarray
    dis_scores: np.ndarray
    contributions: dict[str, float]
    sample_uniques: int = 0
    pair_records: int = 0
    dis_fraction: float = 0.01

    def __post_init__(self) -> None:
        problems: list[str] = []
        qis = tuple(self.quasi_identifiers)
        if not qis:
            problems.append("a SUDA result needs at least one quasi-identifier")
        if not 1 <= self.max_size <= max(len(qis), 1):
            problems.append(
                f"max_size must be between 1 and the number of quasi-identifiers ({len(qis)})"
            )
        if self.n_records < 1:
            problems.append("n_records must be >= 1")
        scores = np.array(self.scores, dtype=np.float64)
        dis_scores = np.array(self.dis_scores, dtype=np.float64)
        for name, values in (("scores", scores), ("dis_scores", dis_scores)):
            if values.shape != (self.n_records,):
                problems.append(f"{name} must hold one value per record ({self.n_records})")
            elif not np.isfinite(values).all() or (values < 0).any():
                problems.append(f"{name} must be finite and >= 0")
        if dis_scores.shape == (self.n_records,) and (dis_scores > 1).any():
            problems.append("dis_scores must lie in [0, 1]")
        if set(self.msu_counts_by_size) != set(range(1, self.max_size + 1)):
            problems.append("msu_counts_by_size needs one count for each size 1..max_size")
        elif any(count < 0 for count in self.msu_counts_by_size.values()):
            problems.append("MSU counts must be >= 0")
        if scores.shape == (self.n_records,) and self.records_with_msu != int((scores > 0).sum()):
            problems.append("records_with_msu must equal the number of records scoring > 0")
        if set(self.contributions) != set(qis):
            problems.append("contributions needs one value for each quasi-identifier")
        elif any(not (math.isfinite(v) and v >= 0) for v in self.contributions.values()):
            problems.append("contributions must be finite and >= 0")
        if min(self.sample_uniques, self.pair_records) < 0:
            problems.append("sample_uniques and pair_records must be >= 0")
        if self.sample_uniques + self.pair_records > self.n_records:
            problems.append("sample_uniques + pair_records cannot exceed n_records")
        if not 0 < self.dis_fraction <= 1:
            problems.append("dis_fraction must be in (0, 1]")
        if problems:
            raise InvalidInputError(join_problems(problems))
        scores.setflags(write=False)
        dis_scores.setflags(write=False)
        object.__setattr__(self, "quasi_identifiers", qis)
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "dis_scores", dis_scores)
        object.__setattr__(self, "msu_counts_by_size", dict(self.msu_counts_by_size))
        object.__setattr__(self, "contributions", dict(self.contributions))

    @property
    def n_msus(self) -> int:
        """Number of MSUs of every searched size, over all records."""
        return int(sum(self.msu_counts_by_size.values()))

    @property
    def share_with_msu(self) -> Estimate:
        """Share of records with at least one MSU; exact, computed on the whole table."""
        return Estimate.exact(self.records_with_msu / self.n_records, n=self.n_records)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: counts, score quantiles and contributions. Never a value of the
        table and never the per-record arrays."""
        dis_bins = np.digitize(self.dis_scores, _dis_bin_edges(), right=True)
        dis_counts = np.bincount(dis_bins, minlength=len(_DIS_BIN_LABELS))
        return {
            "measure": "suda2",
            "quasi_identifiers": list(self.quasi_identifiers),
            "max_size": self.max_size,
            "n_records": self.n_records,
            "n_msus": self.n_msus,
            "msu_counts_by_size": {str(k): int(v) for k, v in self.msu_counts_by_size.items()},
            "records_with_msu": self.records_with_msu,
            "share_with_msu": self.share_with_msu.to_dict(),
            "msu_weights": {
                str(k): float(w)
                for k, w in enumerate(
                    suda_weights(n_columns=len(self.quasi_identifiers), max_size=self.max_size),
                    start=1,
                )
            },
            "mean_score": float(self.scores.mean()),
            "score_quantiles": _quantiles(self.scores),
            "dis_fraction": self.dis_fraction,
            "sample_uniques": self.sample_uniques,
            "pair_records": self.pair_records,
            "dis_score_quantiles": _quantiles(self.dis_scores),
            "dis_score_histogram": {
                label: int(count) for label, count in zip(_DIS_BIN_LABELS, dis_counts, strict=True)
            },
            "contributions_percent": {q: float(v) for q, v in self.contributions.items()},
            "model": (
                "SUDA: minimal sample uniques up to max_size columns, missing values a category "
                "of their own; scores and DIS-SUDA as sdcMicro suda2 (original_scores=TRUE)"
            ),
        }


def special_uniques(
    table: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    max_size: int = 3,
    dis_fraction: float = 0.01,
) -> SudaResult:
    """Find every minimal sample unique of ``table`` over ``quasi_identifiers`` with at most
    ``max_size`` columns and score each record as sdcMicro's ``suda2`` does.

    ``max_size`` above the number of quasi-identifiers is capped at it; ``max_size`` equal to it
    reproduces sdcMicro, which always searches every size. ``dis_fraction`` is the sampling
    fraction of DIS-SUDA (sdcMicro's ``DisFraction``), in (0, 1]. Formulas, references and the
    few deliberate differences from sdcMicro are in the module docstring. Reads ``table`` only.

    Raises :class:`~privacy.errors.InvalidInputError`, listing every problem at once, for a
    non-DataFrame, no or repeated quasi-identifiers, a name that is not a column, an empty
    table, ``max_size < 1`` or ``dis_fraction`` outside (0, 1].
    """
    qis = _check_inputs(table, quasi_identifiers, max_size=max_size, dis_fraction=dis_fraction)
    n_records = len(table)
    size_limit = min(int(max_size), len(qis))
    codes = [column_codes(table[name]) for name in qis]
    weights = suda_weights(n_columns=len(qis), max_size=size_limit)

    scores = np.zeros(n_records, dtype=np.float64)
    column_totals = np.zeros(len(qis), dtype=np.float64)
    counts = dict.fromkeys(range(1, size_limit + 1), 0)
    for subset, rows in _minimal_sample_uniques(codes, size_limit):
        weight = weights[len(subset) - 1]
        scores[rows] += weight
        counts[len(subset)] += int(rows.size)
        column_totals[list(subset)] += weight * rows.size

    class_sizes = _class_sizes(codes)
    sample_uniques = int((class_sizes == 1).sum())
    pair_records = int(2 * (class_sizes == 2).sum())
    dis_scores = dis_suda_scores(
        scores,
        n_sample_uniques=sample_uniques,
        n_pair_records=pair_records,
        n_columns=len(qis),
        dis_fraction=float(dis_fraction),
    )
    total = float(scores.sum())
    contributions = {
        name: (100.0 * float(column_totals[j]) / total if total > 0 else 0.0)
        for j, name in enumerate(qis)
    }
    return SudaResult(
        quasi_identifiers=tuple(qis),
        max_size=size_limit,
        n_records=n_records,
        msu_counts_by_size=counts,
        records_with_msu=int((scores > 0).sum()),
        scores=scores,
        dis_scores=dis_scores,
        contributions=contributions,
        sample_uniques=sample_uniques,
        pair_records=pair_records,
        dis_fraction=float(dis_fraction),
    )


def minimal_sample_uniques(
    table: pd.DataFrame, quasi_identifiers: Sequence[str], *, max_size: int = 3
) -> dict[int, list[tuple[str, ...]]]:
    """The MSUs themselves: record position -> its MSUs as tuples of column names (ordered as in
    ``quasi_identifiers``), smallest first; records without an MSU are left out.

    For inspecting small tables and for tests: it builds Python objects per MSU, which
    :func:`special_uniques` avoids. Holds positions and column names, never a value.
    """
    qis = _check_inputs(table, quasi_identifiers, max_size=max_size, dis_fraction=0.01)
    codes = [column_codes(table[name]) for name in qis]
    found: dict[int, list[tuple[str, ...]]] = {}
    for subset, rows in _minimal_sample_uniques(codes, min(int(max_size), len(qis))):
        names = tuple(qis[j] for j in subset)
        for row in rows.tolist():
            found.setdefault(row, []).append(names)
    return dict(sorted(found.items()))


def suda_weights(*, n_columns: int, max_size: int) -> np.ndarray:
    """sdcMicro's weight of an MSU of k columns, for k = 1..max_size (index k-1).

    ``w(k) = prod_{j=k}^{M-1} (M - j) = (M - k)!`` with ``M = max(n_columns, 3)``: sdcMicro's
    ``g_ab`` for ``original_scores=TRUE`` (``src/Suda2.h``), after ``R/suda2.R`` pads a key of
    one or two variables with constant dummy columns.
    """
    if n_columns < 1 or not 1 <= max_size <= n_columns:
        raise InvalidInputError(
            f"SUDA weights need n_columns >= 1 and 1 <= max_size <= n_columns "
            f"(got n_columns={n_columns}, max_size={max_size})"
        )
    m = max(n_columns, _SDCMICRO_MIN_COLUMNS)
    return np.array([float(math.factorial(m - k)) for k in range(1, max_size + 1)])


def dis_suda_scores(
    scores: np.ndarray,
    *,
    n_sample_uniques: int,
    n_pair_records: int,
    n_columns: int,
    dis_fraction: float = 0.01,
) -> np.ndarray:
    """DIS-SUDA score of each record from its SUDA score, as sdcMicro computes ``disScore``.

    With U = ``n_sample_uniques`` (records alone in their class over all quasi-identifiers),
    P = ``n_pair_records`` (records in classes of exactly two), f = ``dis_fraction`` and
    ``M = max(n_columns, 3)``::

        Dis = U f / (U f + P (1 - f))      Q = 1 + (8 - M) / 20
        A = sum over scores > 0 of score^-Q
        DIS = 1 / (1 + (U / Dis - U) / (score^Q * A)) where score > 0, else 0

    (Elliot, SUDA user guide; sdcMicro ``src/Suda2.h``.) ``Dis`` and ``Q`` are computed in single
    precision, as sdcMicro does, so that the results match its output to double precision.
    """
    values = np.asarray(scores, dtype=np.float64)
    problems: list[str] = []
    if values.ndim != 1:
        problems.append("scores must be one-dimensional")
    elif not np.isfinite(values).all() or (values < 0).any():
        problems.append("scores must be finite and >= 0")
    if n_sample_uniques < 0 or n_pair_records < 0:
        problems.append("n_sample_uniques and n_pair_records must be >= 0")
    if n_columns < 1:
        problems.append("n_columns must be >= 1")
    if not _is_fraction(dis_fraction):
        problems.append(f"dis_fraction must be a number in (0, 1] (got {dis_fraction!r})")
    if not problems and (values > 0).any() and n_sample_uniques == 0:
        problems.append(
            "a record with a positive SUDA score is a sample unique, so n_sample_uniques "
            "must be >= 1 when any score is > 0"
        )
    if problems:
        raise InvalidInputError(join_problems(problems))

    result = np.zeros(values.shape, dtype=np.float64)
    positive = values > 0
    if not positive.any():
        return result
    f32 = np.float32
    fraction = f32(dis_fraction)
    uniques = f32(n_sample_uniques)
    dis = uniques * fraction / (uniques * fraction + f32(n_pair_records) * (f32(1.0) - fraction))
    m = max(n_columns, _SDCMICRO_MIN_COLUMNS)
    q = float(f32(1.0) + (f32(8.0) - f32(m)) / f32(20.0))
    excess = float(uniques / dis - uniques)
    powered = values[positive] ** q
    adjustment = float(np.sum(1.0 / powered))
    result[positive] = 1.0 / (1.0 + excess / (powered * adjustment))
    return result


def _minimal_sample_uniques(
    codes: Sequence[tuple[np.ndarray, int]], max_size: int
) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """Yield ``(column subset, record positions)`` for every subset of at most ``max_size``
    columns that is a minimal sample unique of at least one record.

    Level by level: a subset's combined codes extend its (s-1)-prefix's by its last column; a
    record unique on the subset is an MSU there unless it is unique on one of the subset's
    (s-1)-subsets, whose uniqueness masks are kept from the previous level.
    """
    n_columns = len(codes)
    previous_codes: dict[tuple[int, ...], tuple[np.ndarray, int]] = {}
    previous_unique: dict[tuple[int, ...], np.ndarray] = {}
    for size in range(1, max_size + 1):
        level_codes: dict[tuple[int, ...], tuple[np.ndarray, int]] = {}
        level_unique: dict[tuple[int, ...], np.ndarray] = {}
        for subset in itertools.combinations(range(n_columns), size):
            if size == 1:
                key, n_keys = codes[subset[0]]
            else:
                prefix, n_prefix = previous_codes[subset[:-1]]
                last, n_last = codes[subset[-1]]
                key, n_keys = dense_codes(prefix * n_last + last)
            unique = np.bincount(key, minlength=n_keys)[key] == 1
            if size < max_size:
                level_codes[subset] = (key, n_keys)
                level_unique[subset] = unique
            rows = np.flatnonzero(unique)
            if size > 1 and rows.size:
                covered = np.zeros(rows.size, dtype=bool)
                for drop in range(size):
                    covered |= previous_unique[subset[:drop] + subset[drop + 1 :]][rows]
                rows = rows[~covered]
            if rows.size:
                yield subset, rows
        previous_codes, previous_unique = level_codes, level_unique


def _class_sizes(codes: Sequence[tuple[np.ndarray, int]]) -> np.ndarray:
    """Sizes of the equivalence classes over all the columns."""
    key, n_keys = codes[0]
    for column, n_column in codes[1:]:
        key, n_keys = dense_codes(key * n_column + column)
    return np.bincount(key, minlength=n_keys)


def _check_inputs(
    table: Any, quasi_identifiers: Any, *, max_size: Any, dis_fraction: Any
) -> list[str]:
    """The quasi-identifiers as a list, after checking every argument; lists every problem."""
    problems: list[str] = []
    if isinstance(max_size, bool) or not isinstance(max_size, Integral) or max_size < 1:
        problems.append(
            f"max_size must be a whole number >= 1, the largest MSU size searched "
            f"(got {max_size!r}); 3 is the usual choice"
        )
    if not _is_fraction(dis_fraction):
        problems.append(
            f"dis_fraction must be a number in (0, 1], the sampling fraction of the table "
            f"(got {dis_fraction!r}); sdcMicro's default is 0.01"
        )
    return check_quasi_identifiers(table, quasi_identifiers, other_problems=problems)


def _is_fraction(value: Any) -> bool:
    return (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
        and 0 < float(value) <= 1
    )


def _dis_bin_edges() -> np.ndarray:
    """Upper edges of sdcMicro's DIS-SUDA print bins: ``seq(0, 0.7, 0.1) + .Machine$double.eps``."""
    return np.arange(8) * 0.1 + np.finfo(np.float64).eps


def _quantiles(values: np.ndarray) -> dict[str, float]:
    points = np.quantile(values, [q for _, q in _QUANTILES])
    return {label: float(v) for (label, _), v in zip(_QUANTILES, points, strict=True)}
