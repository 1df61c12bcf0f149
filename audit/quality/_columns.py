"""Column values as labels or numbers, and the one discretisation every count-based figure uses.

:class:`Discretiser` codes each column as small integers fitted on the *real training* table,
exactly as the shared Adult referee (``shared/bench/adult_scorer.py``, ``Discretiser``) does, so
1-way and 2-way TVDs computed here equal the referee's on the same tables:

- numeric and date columns: up to :data:`N_QUANTILE_BINS` quantile bins (``numpy.quantile``,
  linear interpolation) of the present training values, right-closed ``(e[i-1], e[i]]``. Where a
  point mass (capital-gain is about 92% zeros) collapses the deciles, the part above the largest
  edge is split into extra quantile bins so that there are still about ten. Missing values get
  one extra cell.
- categorical columns: one code per training category (the commonest
  :data:`MAX_CATEGORY_LEVELS`, ties broken by label, when there are more), and one extra cell
  shared by categories the training table lacks and by missing values.

The bin edges and the training category list are real values: they stay inside this object,
which has no serialised form, and are never reported (invariant 6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Numeric and date columns are cut into (up to) this many quantile bins of the training table.
N_QUANTILE_BINS = 10
#: Categorical columns keep at most this many training categories (the rest share "other").
MAX_CATEGORY_LEVELS = 100
#: Days are counted from this date when date columns are compared as numbers.
DATE_EPOCH = "1970-01-01"


def column_labels(series: pd.Series) -> pd.Series:
    """Category labels as strings with missing kept missing, so 1 and "1" compare equal."""
    return series.astype(str).where(series.notna())


def column_floats(series: pd.Series, *, is_date: bool) -> np.ndarray:
    """Numbers as floats (NaN for missing); dates as days since :data:`DATE_EPOCH`."""
    if is_date:
        stamps = pd.to_datetime(series, errors="coerce", format="ISO8601")
        return ((stamps - pd.Timestamp(DATE_EPOCH)) / pd.Timedelta(days=1)).to_numpy(
            dtype=float, na_value=np.nan
        )
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def top_levels(labels: pd.Series, limit: int) -> list[str]:
    """The ``limit`` commonest present labels, commonest first, ties broken by label."""
    counts = labels.dropna().value_counts()
    return [label for label, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def quantile_edges(values: np.ndarray, n_bins: int = N_QUANTILE_BINS) -> np.ndarray:
    """Inner edges of up to ``n_bins`` right-closed quantile bins of the present values.

    The referee's rule: the deciles, de-duplicated; when a point mass leaves fewer than
    ``n_bins - 1`` edges, quantiles of the values above the largest edge are added.
    """
    x = values[~np.isnan(values)]
    if x.size == 0:
        return np.empty(0)
    edges = np.unique(np.quantile(x, np.linspace(0, 1, n_bins + 1)[1:-1]))
    if len(edges) < n_bins - 1:
        rest = x[x > edges.max()]
        if len(rest):
            extra = np.quantile(rest, np.linspace(0, 1, n_bins - len(edges) + 1)[1:-1])
            edges = np.unique(np.concatenate([edges, extra]))
    return edges


@dataclass(frozen=True, eq=False)
class _Coding:
    column: str
    numeric: bool
    is_date: bool
    edges: np.ndarray = field(repr=False)  # numeric: inner bin edges (never reported)
    levels: pd.Index = field(repr=False)  # categorical: training categories (never reported)

    @property
    def n_codes(self) -> int:
        return len(self.edges) + 2 if self.numeric else len(self.levels) + 1

    def codes(self, series: pd.Series) -> np.ndarray:
        if self.numeric:
            x = column_floats(series, is_date=self.is_date)
            code = np.searchsorted(self.edges, x, side="left").astype(np.int64)
            code[np.isnan(x)] = self.n_codes - 1
            return code
        code = self.levels.get_indexer(column_labels(series)).astype(np.int64)
        code[code < 0] = len(self.levels)  # unseen in training, or missing
        return code


@dataclass(frozen=True, eq=False, repr=False)
class Discretiser:
    """Integer codes ``0 .. n_codes[j] - 1`` for each listed column, fitted on one table.

    Build it with :meth:`fit`; :meth:`codes` codes any table with the same columns. The last code
    of every column is its "missing" cell (for categorical columns also "not a training
    category").
    """

    columns: tuple[str, ...]
    _codings: tuple[_Coding, ...]

    @classmethod
    def fit(
        cls,
        table: pd.DataFrame,
        *,
        categorical: Sequence[str],
        numeric: Sequence[str],
        datetime: Sequence[str] = (),
        columns: Sequence[str] | None = None,
    ) -> Discretiser:
        """Fit on ``table`` (the real training rows); ``columns`` fixes the order (default:
        categorical, numeric, then date columns)."""
        kinds = {c: (False, False) for c in categorical}
        kinds.update({c: (True, False) for c in numeric})
        kinds.update({c: (True, True) for c in datetime})
        order = list(columns) if columns is not None else list(kinds)
        codings: list[_Coding] = []
        for col in order:
            numeric_col, is_date = kinds[col]
            if numeric_col:
                edges = quantile_edges(column_floats(table[col], is_date=is_date))
                codings.append(_Coding(col, True, is_date, edges, pd.Index([])))
            else:
                levels = sorted(top_levels(column_labels(table[col]), MAX_CATEGORY_LEVELS))
                codings.append(_Coding(col, False, False, np.empty(0), pd.Index(levels)))
        return cls(tuple(order), tuple(codings))

    @property
    def n_codes(self) -> tuple[int, ...]:
        return tuple(c.n_codes for c in self._codings)

    def codes(self, table: pd.DataFrame) -> np.ndarray:
        """An ``(n_rows, n_columns)`` int64 array of codes; the table is not modified."""
        out = np.empty((len(table), len(self._codings)), dtype=np.int64)
        for j, coding in enumerate(self._codings):
            out[:, j] = coding.codes(table[coding.column])
        return out

    def __repr__(self) -> str:  # never show edges or categories
        return f"Discretiser(columns={list(self.columns)}, n_codes={list(self.n_codes)})"
