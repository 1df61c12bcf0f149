"""Checks, column encodings and the mixed-type nearest-neighbour search the attacks share.

Every table is turned into a float matrix, one column per attacked column, ``NaN`` for a missing
value: numbers as they are (dates as days since :data:`audit.quality.DATE_EPOCH`), categories as
integer codes over the labels of all three tables together. Nothing here raises with a value
from a table; messages name columns and count rows.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from audit.anonymity.results import ColumnKind
from audit.quality import column_floats, column_labels
from privacy.errors import InvalidInputError, join_problems

#: Elements of one (targets x synthetic rows) block held at once.
CHUNK_ELEMENTS = 2_000_000
#: A numeric column on which every synthetic value is the same is compared by equality: a
#: target value that differs is mapped this far away, so its clipped distance is the full 1.
_FAR = 2.0


def check_tables(
    ori: object,
    syn: object,
    control: object,
    *,
    n_attacks: object,
    rng: object,
    confidence: object,
) -> list[str]:
    """Problems with the arguments every attack shares; the empty list when all is well."""
    problems: list[str] = []
    tables = {"ori": ori, "syn": syn, "control": control}
    frames: dict[str, pd.DataFrame] = {}
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            problems.append(f"{name} must be a pandas DataFrame (got {type(table).__name__})")
        elif len(table) == 0 or table.shape[1] == 0:
            problems.append(
                f"{name} is empty ({len(table)} rows, {table.shape[1]} columns); every table "
                "needs rows and the attacked columns"
            )
        elif table.columns.has_duplicates:
            dup = sorted({str(c) for c in table.columns[table.columns.duplicated()]})
            problems.append(f"{name} has duplicate column names {dup}; rename them")
        else:
            frames[name] = table
    if len(frames) == 3:
        reference = set(frames["ori"].columns)
        for name in ("syn", "control"):
            cols = set(frames[name].columns)
            if cols != reference:
                missing = sorted(str(c) for c in reference - cols)
                extra = sorted(str(c) for c in cols - reference)
                problems.append(
                    f"{name} and ori must have the same columns ({name} lacks {missing}, has "
                    f"extra {extra}); select the same columns in all three tables"
                )
    if isinstance(n_attacks, bool) or not isinstance(n_attacks, int | np.integer):
        problems.append(f"n_attacks must be an integer (got {type(n_attacks).__name__})")
    elif n_attacks < 1:
        problems.append(f"n_attacks must be >= 1 (got {n_attacks})")
    if not isinstance(rng, np.random.Generator):
        problems.append(
            f"rng must be a numpy.random.Generator (got {type(rng).__name__}); pass "
            "numpy.random.default_rng(seed)"
        )
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0 < confidence < 1
    ):
        problems.append(f"confidence must be a number in (0, 1) (got {confidence!r})")
    return problems


def unknown_columns(names: Sequence[Hashable], table: pd.DataFrame, what: str) -> list[str]:
    """A problem naming the columns in ``names`` that ``table`` does not have."""
    unknown = [str(n) for n in names if n not in table.columns]
    if not unknown:
        return []
    return [f"{what} names unknown column(s) {unknown}; use columns of the tables"]


def raise_if(problems: list[str]) -> None:
    if problems:
        raise InvalidInputError(join_problems(problems))


def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return True
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


def infer_kinds(
    tables: Mapping[str, pd.DataFrame], columns: Sequence[Hashable]
) -> tuple[dict[Hashable, ColumnKind], list[str]]:
    """Each column's kind: numeric when its dtype is a number or a datetime (booleans are
    categories) in every table where it holds a value; a column that is numeric in one table and
    not in another is a problem. A column missing everywhere is categorical."""
    kinds: dict[Hashable, ColumnKind] = {}
    problems: list[str] = []
    for col in columns:
        seen: dict[str, ColumnKind] = {}
        for name, table in tables.items():
            series = table[col]
            if series.notna().any():
                numeric = _is_numeric(series)
                seen[name] = ColumnKind.NUMERIC if numeric else ColumnKind.CATEGORICAL
        if len(set(seen.values())) > 1:
            detail = ", ".join(f"{k} in {n}" for n, k in seen.items())
            problems.append(
                f"column {str(col)!r} has different types across the tables ({detail}); give "
                "it the same dtype in ori, syn and control"
            )
        kinds[col] = next(iter(seen.values()), ColumnKind.CATEGORICAL)
    return kinds, problems


@dataclass(frozen=True)
class Encoded:
    """Tables as float matrices over ``columns`` (``NaN`` = missing).

    ``labels[j]`` maps category code ``i`` of column ``j`` back to its label; it is None for a
    numeric column and for a categorical column whose values are numbers in every table (those
    are compared by their numeric value, so 1 and 1.0 are one category).
    """

    columns: tuple[Hashable, ...]
    kinds: tuple[ColumnKind, ...]
    labels: tuple[pd.Index | None, ...]
    values: Mapping[str, np.ndarray]

    @property
    def numeric_mask(self) -> np.ndarray:
        return np.array([k is ColumnKind.NUMERIC for k in self.kinds], dtype=bool)


def encode(
    tables: Mapping[str, pd.DataFrame],
    columns: Sequence[Hashable],
    kinds: Mapping[Hashable, ColumnKind],
) -> Encoded:
    """Encode ``columns`` of every table; infinite numbers are refused (they have no distance)."""
    out = {name: np.empty((len(t), len(columns)), dtype=np.float64) for name, t in tables.items()}
    labels: list[pd.Index | None] = []
    problems: list[str] = []
    for j, col in enumerate(columns):
        series = {name: t[col] for name, t in tables.items()}
        all_numeric = all(_is_numeric(s) or s.isna().all() for s in series.values())
        if kinds[col] is ColumnKind.NUMERIC or all_numeric:
            for name, s in series.items():
                is_date = pd.api.types.is_datetime64_any_dtype(s.dtype)
                out[name][:, j] = column_floats(s, is_date=is_date)
            if any(np.isinf(out[name][:, j]).any() for name in tables):
                problems.append(
                    f"column {str(col)!r} holds infinite values; replace them (or mark them "
                    "missing) before the attack"
                )
            labels.append(None)
        else:
            texts = {name: column_labels(s) for name, s in series.items()}
            index = pd.Index(pd.unique(pd.concat([t.dropna() for t in texts.values()])))
            for name, text in texts.items():
                codes = index.get_indexer(text).astype(np.float64)
                codes[text.isna().to_numpy()] = np.nan
                out[name][:, j] = codes
            labels.append(index)
    raise_if(problems)
    return Encoded(
        columns=tuple(columns),
        kinds=tuple(kinds[c] for c in columns),
        labels=tuple(labels),
        values=out,
    )


# ---------------------------------------------------------------------------------------------
# Mixed-type nearest neighbours


def gower_scale(
    targets: np.ndarray, synthetic: np.ndarray, numeric: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rescale both matrices so that the per-column Gower distance is ``min(1, |t - s|)``.

    Numeric columns are divided by the range of the *synthetic* column (Gower 1971), so the
    distance from a target to a synthetic row does not depend on which other targets are
    attacked (anonymeter takes the range over the synthetic rows and the targets together, so
    the attack on ``ori`` and the one on ``control`` use different scales). A target outside the
    synthetic range is clipped at distance 1. A numeric column whose present synthetic values
    are all equal has no range: it is compared by equality (distance 0 or 1), never divided by
    zero; one with no present synthetic value costs 1 against any present target value.
    (anonymeter replaces a zero range by 1, but divides by a ``NaN`` range when a column is all
    missing, which turns every distance into ``NaN``.) Category codes are doubled, so two
    different codes are at least 2 apart and clip to distance 1. ``NaN`` stays ``NaN``.
    """
    t = targets.astype(np.float64, copy=True)
    s = synthetic.astype(np.float64, copy=True)
    for j in range(s.shape[1]):
        if not numeric[j]:
            t[:, j] *= 2.0
            s[:, j] *= 2.0
            continue
        present = s[:, j][~np.isnan(s[:, j])]
        if present.size == 0:
            continue  # all missing: only missing-vs-missing costs 0, anything else costs 1
        lo, hi = float(present.min()), float(present.max())
        if hi > lo:
            t[:, j] = (t[:, j] - lo) / (hi - lo)
            s[:, j] = (s[:, j] - lo) / (hi - lo)
        else:
            t[:, j] = np.where(np.isnan(t[:, j]), np.nan, np.where(t[:, j] == lo, 0.0, _FAR))
            s[:, j] = np.where(np.isnan(s[:, j]), np.nan, 0.0)
    return t, s


def nearest_synthetic(
    targets: np.ndarray,
    synthetic: np.ndarray,
    numeric: np.ndarray,
    *,
    k: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Indices of the ``k`` synthetic rows nearest to each target, shape ``(n_targets, k)``.

    Distance: the Gower-like sum over columns of a per-column distance in [0, 1] (see
    :func:`gower_scale`); a missing value is at distance 0 from a missing value and 1 from any
    present one. (anonymeter's ``gower_distance`` adds 1 when *both* values are missing and, on
    a numeric column, returns ``NaN`` when one is, which sends the whole row to the end of the
    ranking.) Ties at the k-th distance are broken uniformly at random with ``rng``, separately
    for every target: anonymeter keeps the first rows in table order, which links the two halves
    of a record through the lowest-index tied synthetic row even when the synthetic table holds
    nothing about it. Computed in blocks of :data:`CHUNK_ELEMENTS` distances.
    """
    t, s = gower_scale(targets, synthetic, numeric)
    n_t, n_s = t.shape[0], s.shape[0]
    k = min(k, n_s)
    t_missing = np.isnan(t)
    s_missing = np.isnan(s)
    # Columns where a target and a synthetic row can both be missing need the 0 put back.
    both_cols = {j for j in range(s.shape[1]) if t_missing[:, j].any() and s_missing[:, j].any()}
    chunk = max(1, CHUNK_ELEMENTS // max(1, n_s))
    out = np.empty((n_t, k), dtype=np.int64)
    for start in range(0, n_t, chunk):
        stop = min(start + chunk, n_t)
        dist = np.zeros((stop - start, n_s))
        for j in range(s.shape[1]):
            # fmin ignores NaN: one or both missing gives the full distance 1.
            part = np.fmin(np.abs(t[start:stop, j, None] - s[None, :, j]), 1.0)
            if j in both_cols:
                part[t_missing[start:stop, j, None] & s_missing[None, :, j]] = 0.0
            dist += part
        out[start:stop] = _k_smallest_random_ties(dist, k, rng)
    return out


def _k_smallest_random_ties(dist: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Per row, the indices of the ``k`` smallest entries; among entries equal to the k-th
    smallest, a uniformly random subset fills the remaining places."""
    kth = np.partition(dist, k - 1, axis=1)[:, k - 1 : k]
    noise = rng.random(dist.shape)
    # Strictly closer rows (fewer than k) always win; tied rows compete by random key.
    key = np.where(dist < kth, -1.0, np.where(dist == kth, noise, 2.0))
    if k == dist.shape[1]:
        return np.argsort(key, axis=1)
    return np.argpartition(key, k - 1, axis=1)[:, :k]
