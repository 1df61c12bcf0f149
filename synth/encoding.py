"""Column encoders: each synthesised column becomes a small vocabulary of integer tokens.

Where every domain comes from (invariant 1)
    * A categorical column's tokens are its declared categories when the schema marks them
      public (``domain_public=True``); otherwise the categories kept by DP partition selection
      (:func:`privacy.mechanisms.select_categories`) plus an ``__other__`` token for the rare
      values it drops.
    * A numeric column with declared public ``bins`` uses those edges, and an integer column
      (or a date column) with declared public bounds spanning at most
      :data:`FULL_RESOLUTION_MAX_TOKENS` values gets one token per value: neither costs budget,
      because no edge depends on the data.
    * Any other numeric or datetime column is cut into bins whose edges are DP quantiles
      (:func:`privacy.mechanisms.dp_quantiles`) inside bounds that are either declared public
      or measured with :func:`privacy.mechanisms.approx_bounds`. Quantile edges are
      data-dependent, so even public bounds cost budget for the edges. Values outside the
      bounds are clipped into the outer bins. A bin decodes to a uniform draw inside it
      (rounded for integer columns; datetimes are days since 1970-01-01, decoded to ISO dates).
    * Every column has a ``__missing__`` token, whether or not it has missing values (whether a
      column has any is itself data-dependent).

    A declared domain *without* ``domain_public=True`` is treated as not public (a schema
    written by a scan of the data may hold exact private categories or bounds): it is ignored
    and the domain is measured. The domain budget is split evenly over the columns that need
    measuring (basic composition); a numeric column without public bounds gives half of its
    share to the bounds and half to the quantiles; delta goes, evenly, only to the categorical
    columns that are measured (the numeric mechanisms are pure epsilon-DP). Every call is
    recorded as a ``StageSpend(stage="domain")`` naming the mechanism and column; their sum
    never exceeds the domain budget. Nothing here reads an exact private minimum, maximum,
    category set or quantile, except in the explicitly non-private mode (``budget=None``), whose
    encoder says so in :meth:`TableEncoder.to_dict`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from privacy.accounting import Budget, StageSpend
from privacy.errors import InvalidInputError
from privacy.mechanisms import (
    APPROX_BOUNDS,
    DP_QUANTILES,
    approx_bounds,
    dp_quantiles,
    measurement_spend,
    select_categories,
)
from privacy.schema import Column, ColumnKind, Schema

__all__ = [
    "MISSING_TOKEN",
    "OTHER_TOKEN",
    "CategoricalCodec",
    "ColumnCodec",
    "NumericCodec",
    "TableEncoder",
    "check_synthesised_columns",
    "column_needs_measurement",
]

MISSING_TOKEN = "__missing__"
OTHER_TOKEN = "__other__"

SOURCE_DECLARED = "declared"
SOURCE_MEASURED = "measured (DP)"
SOURCE_EXACT = "exact (non-private)"

_EPOCH = pd.Timestamp("1970-01-01")

#: At most this many tokens per column: a measured category set keeps its commonest noisy
#: counts; a declared one this long is refused (generalise or bin the column first).
MAX_COLUMN_TOKENS = 4096

#: Integer and date columns with public bounds spanning at most this many values are encoded
#: at full resolution (one token per value), which needs no data-dependent edge.
FULL_RESOLUTION_MAX_TOKENS = 256


def column_needs_measurement(column: Column) -> bool:
    """Whether building this column's tokens spends privacy budget.

    Categorical columns with public declared categories cost nothing; every other categorical
    column is measured; numeric and datetime columns always spend (their quantile bin edges are
    data-dependent even inside public bounds).
    """
    if column.kind is ColumnKind.CATEGORICAL:
        return not (column.domain_public and column.categories is not None)
    return _public_edges(column) is None


def _public_edges(column: Column) -> tuple[float, ...] | None:
    """Bin edges that follow from the public declaration alone, or None when edges must be
    measured: declared public ``bins``, or full resolution for an integer or date column whose
    public bounds span at most :data:`FULL_RESOLUTION_MAX_TOKENS` values. Integer edges sit on
    half-integers so every bin holds whole numbers."""
    if not column.domain_public:
        return None
    integer = column.integer or column.kind is ColumnKind.DATETIME
    if column.bins is not None:
        edges = np.asarray(column.bins, dtype=np.float64)
        return tuple(float(e) for e in (edges - 0.5 if integer else edges))
    if column.bounds is None or not integer:
        return None
    low, high = column.bounds
    if column.kind is ColumnKind.DATETIME:
        lo, hi = _iso_days(low), _iso_days(high)
    else:
        lo, hi = math.ceil(float(low)), math.floor(float(high))  # type: ignore[arg-type]
    if hi < lo or hi - lo + 1 > FULL_RESOLUTION_MAX_TOKENS:
        return None
    return tuple(float(v) - 0.5 for v in range(int(lo), int(hi) + 2))


def check_synthesised_columns(schema: Schema, table: pd.DataFrame) -> None:
    """Raise if a column the generator learns is absent (identifiers, entity ids and text may
    already have been dropped). Names columns, never values."""
    missing = [c.name for c in schema.synthesised if c.name not in table.columns]
    if missing:
        raise InvalidInputError(
            f"the table lacks {len(missing)} column(s) the schema asks to synthesise: {missing}"
        )


def _has_public_bounds(column: Column) -> bool:
    return column.domain_public and column.bounds is not None


# ----------------------------------------------------------------------------- categorical


def _category_strings(values: pd.Series) -> pd.Series:
    """Values as strings, with missing values kept missing; integral floats print as ints
    (a CSV integer column with gaps is read as float: 3.0 must match the category "3")."""

    def fmt(v: Any) -> str:
        if isinstance(v, float | np.floating) and math.isfinite(v) and float(v).is_integer():
            return str(int(v))
        return str(v)

    out = pd.Series(np.full(len(values), None, dtype=object), index=values.index)
    present = values.notna().to_numpy()
    out[present] = [fmt(v) for v in values[present].tolist()]
    return out


@dataclass(frozen=True)
class CategoricalCodec:
    """Tokens: the categories (sorted as given), then ``__other__`` when the domain was
    measured, then ``__missing__``. A value outside the categories maps to ``__other__`` (or to
    ``__missing__`` when the domain is declared and has no other token)."""

    name: str
    categories: tuple[str, ...]
    has_other: bool
    source: str

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.categories + ((OTHER_TOKEN,) if self.has_other else ()) + (MISSING_TOKEN,)

    @property
    def n_tokens(self) -> int:
        return len(self.categories) + int(self.has_other) + 1

    @property
    def missing_code(self) -> int:
        return self.n_tokens - 1

    def encode(self, values: pd.Series) -> np.ndarray:
        lookup = {c: i for i, c in enumerate(self.categories)}
        unknown = len(self.categories) if self.has_other else self.missing_code
        strings = _category_strings(values)
        codes = np.fromiter(
            (self.missing_code if s is None else lookup.get(s, unknown) for s in strings),
            dtype=np.int64,
            count=len(strings),
        )
        return codes

    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        del rng  # deterministic
        table = np.array(
            list(self.categories) + ([OTHER_TOKEN] if self.has_other else []) + [None], dtype=object
        )
        return pd.Series(table[np.asarray(codes, dtype=np.int64)], name=self.name, dtype="str")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": ColumnKind.CATEGORICAL.value,
            "n_tokens": self.n_tokens,
            "n_categories": len(self.categories),
            "other_token": self.has_other,
            "missing_token": True,
            "domain_source": self.source,
        }


def declared_categorical_codec(col: Column) -> CategoricalCodec:
    """The codec of a column whose categories are declared public (no budget). Refuses a list
    too long to learn (:data:`MAX_COLUMN_TOKENS`)."""
    assert col.categories is not None
    if len(col.categories) + 1 > MAX_COLUMN_TOKENS:
        raise InvalidInputError(
            f"column '{col.name}' declares {len(col.categories)} categories; at most "
            f"{MAX_COLUMN_TOKENS - 1} can be learnt: generalise it (e.g. ZIP3, code chapters) "
            "or drop it"
        )
    return CategoricalCodec(col.name, tuple(col.categories), False, SOURCE_DECLARED)


# --------------------------------------------------------------------------------- numeric


def _to_days(values: pd.Series) -> np.ndarray:
    """Datetime values or ISO-8601 strings as float days since 1970-01-01 (NaN where missing
    or not parseable as ISO-8601)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=True)
    else:
        parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
    parsed = parsed.dt.tz_localize(None)
    days = (parsed.dt.normalize() - _EPOCH).dt.days
    return days.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)


def _iso_days(bound: float | str) -> float:
    return float((date.fromisoformat(str(bound)) - date(1970, 1, 1)).days)


def _to_numbers(values: pd.Series) -> np.ndarray:
    nums = pd.to_numeric(values, errors="coerce")
    arr = pd.Series(nums).to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    arr[~np.isfinite(arr)] = np.nan
    return arr


@dataclass(frozen=True)
class NumericCodec:
    """Bins between ``edges`` (ascending; ``len(edges) - 1`` bins), then ``__missing__``.

    Encoding clips to the outer edges and finds the bin; decoding draws uniformly inside the
    bin (rounded when ``integer``). For integer columns interior edges sit on half-integers, so
    a decoded value always lands in the bin it came from. ``datetime`` columns work in days
    since 1970-01-01 and decode to ISO date strings.
    """

    name: str
    edges: tuple[float, ...]
    integer: bool
    datetime: bool
    source: str
    edges_source: str

    @property
    def n_bins(self) -> int:
        return len(self.edges) - 1

    @property
    def n_tokens(self) -> int:
        return self.n_bins + 1

    @property
    def missing_code(self) -> int:
        return self.n_bins

    def values_of(self, values: pd.Series) -> np.ndarray:
        return _to_days(values) if self.datetime else _to_numbers(values)

    def encode(self, values: pd.Series) -> np.ndarray:
        x = self.values_of(values)
        edges = np.asarray(self.edges)
        missing = np.isnan(x)
        clipped = np.clip(np.where(missing, edges[0], x), edges[0], edges[-1])
        codes = np.searchsorted(edges[1:-1], clipped, side="right").astype(np.int64)
        codes[missing] = self.missing_code
        return codes

    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        codes = np.asarray(codes, dtype=np.int64)
        edges = np.asarray(self.edges)
        missing = codes == self.missing_code
        b = np.where(missing, 0, codes)
        x = rng.uniform(edges[b], edges[b + 1])
        if self.integer or self.datetime:
            x = np.clip(np.round(x), math.ceil(edges[0]), math.floor(edges[-1]))
        x[missing] = np.nan
        if self.datetime:
            out = pd.Series(
                [
                    None if np.isnan(v) else (_EPOCH + pd.Timedelta(days=int(v))).date().isoformat()
                    for v in x
                ],
                name=self.name,
                dtype="str",
            )
            return out
        if self.integer:
            ints = pd.Series(
                np.where(missing, 0, x).astype(np.int64), name=self.name, dtype="Int64"
            )
            return ints.mask(pd.Series(missing), pd.NA)
        return pd.Series(x, name=self.name, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": ColumnKind.DATETIME.value if self.datetime else ColumnKind.NUMERIC.value,
            "n_tokens": self.n_tokens,
            "n_bins": self.n_bins,
            "integer": self.integer,
            "missing_token": True,
            "domain_source": self.source,
            "bin_edges": self.edges_source,
        }


ColumnCodec = CategoricalCodec | NumericCodec


def _bin_edges(low: float, high: float, cuts: np.ndarray, *, integer: bool) -> tuple[float, ...]:
    """Sorted unique edges from outer bounds and interior cut points (a post-processing).

    Integer columns (and days) get half-integer edges so each bin holds whole numbers."""
    if integer:
        low_i, high_i = math.ceil(low), math.floor(high)
        if high_i < low_i:  # the bounds hold no integer: one bin around the nearest one
            low_i = high_i = round((low + high) / 2)
        inner = np.floor(np.asarray(cuts, dtype=np.float64)) + 0.5
        inner = inner[(inner > low_i - 0.5) & (inner < high_i + 0.5)]
        edges = np.unique(np.concatenate(([low_i - 0.5], inner, [high_i + 0.5])))
    else:
        inner = np.asarray(cuts, dtype=np.float64)
        inner = inner[(inner > low) & (inner < high)]
        edges = np.unique(np.concatenate(([low], inner, [high])))
        if edges.size == 1:  # low == high: a single zero-width bin that decodes to that value
            edges = np.array([low, high])
    return tuple(float(e) for e in edges)


# ------------------------------------------------------------------------------- the table


class TableEncoder:
    """Encodes a table's synthesised columns (``schema.synthesised``, in schema order) as an
    ``int64`` matrix of token ids and decodes token ids back to a table.

    Build it with :meth:`fit`; it holds the codecs and the ``domain`` spends that built them.
    """

    def __init__(
        self,
        codecs: tuple[ColumnCodec, ...],
        spends: tuple[StageSpend, ...] = (),
        *,
        private: bool = True,
    ) -> None:
        if not codecs:
            raise InvalidInputError("the encoder needs at least one column")
        self.codecs = codecs
        self.spends = spends
        self.private = private

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.codecs)

    @property
    def cardinalities(self) -> tuple[int, ...]:
        return tuple(c.n_tokens for c in self.codecs)

    @property
    def missing_codes(self) -> tuple[int, ...]:
        return tuple(c.missing_code for c in self.codecs)

    @staticmethod
    def columns_needing_measurement(schema: Schema) -> tuple[Column, ...]:
        return tuple(c for c in schema.synthesised if column_needs_measurement(c))

    @classmethod
    def fit(
        cls,
        schema: Schema,
        table: pd.DataFrame,
        *,
        budget: Budget | None,
        rng: np.random.Generator,
        n_quantile_bins: int = 16,
    ) -> TableEncoder:
        """Build the codecs for ``schema.synthesised`` from ``table``.

        ``budget`` is the *domain* budget, split evenly over the columns that need measuring
        (see the module docstring); it may be omitted when none does. ``budget=None`` with
        columns to measure means the explicitly **non-private** mode: exact categories, min/max
        and quantiles are read, and nothing is spent.
        """
        columns = schema.synthesised
        if not columns:
            raise InvalidInputError(
                "the schema has no column to synthesise (quasi-identifier, sensitive or other, "
                "not text)"
            )
        check_synthesised_columns(schema, table)
        if not isinstance(n_quantile_bins, int) or n_quantile_bins < 1:
            raise InvalidInputError("n_quantile_bins must be a positive integer")
        measured = [c for c in columns if column_needs_measurement(c)]
        private = budget is not None
        eps_col = delta_col = 0.0
        if measured and private:
            assert budget is not None
            eps_col = budget.epsilon / len(measured)
            n_cat = sum(1 for c in measured if c.kind is ColumnKind.CATEGORICAL)
            delta_col = budget.delta / n_cat if n_cat else 0.0
            if n_cat and delta_col <= 0:
                raise InvalidInputError(
                    "measuring category sets needs delta > 0 in the domain budget"
                )
        codecs: list[ColumnCodec] = []
        spends: list[StageSpend] = []
        for col in columns:
            values = table[col.name]
            if col.kind is ColumnKind.CATEGORICAL:
                codec, spent = cls._categorical(col, values, private, eps_col, delta_col, rng)
            else:
                codec, spent = cls._numeric(col, values, private, eps_col, n_quantile_bins, rng)
            codecs.append(codec)
            spends.extend(spent)
        return cls(tuple(codecs), tuple(spends), private=private)

    @staticmethod
    def _categorical(
        col: Column,
        values: pd.Series,
        private: bool,
        eps: float,
        delta: float,
        rng: np.random.Generator,
    ) -> tuple[CategoricalCodec, list[StageSpend]]:
        if not column_needs_measurement(col):
            return declared_categorical_codec(col), []
        strings = _category_strings(values)
        if not private:
            exact = tuple(sorted(set(strings.dropna().tolist())))
            return CategoricalCodec(col.name, exact, True, SOURCE_EXACT), []
        selection = select_categories(strings, epsilon=eps, delta=delta, rng=rng, allow_empty=True)
        codec = CategoricalCodec(col.name, selection.categories, True, SOURCE_MEASURED)
        return codec, [selection.spend(col.name)]

    @staticmethod
    def _numeric(
        col: Column,
        values: pd.Series,
        private: bool,
        eps: float,
        n_bins: int,
        rng: np.random.Generator,
    ) -> tuple[NumericCodec, list[StageSpend]]:
        is_date = col.kind is ColumnKind.DATETIME
        integer = col.integer or is_date
        declared_edges = _public_edges(col)
        if declared_edges is not None:
            codec = NumericCodec(
                col.name,
                declared_edges,
                integer=col.integer,
                datetime=is_date,
                source=SOURCE_DECLARED,
                edges_source="declared bins" if col.bins is not None else "full resolution",
            )
            return codec, []
        x = _to_days(values) if is_date else _to_numbers(values)
        x = x[~np.isnan(x)]
        levels = np.arange(1, n_bins) / n_bins
        spends: list[StageSpend] = []
        if _has_public_bounds(col):
            assert col.bounds is not None
            lo_raw, hi_raw = col.bounds
            low, high = (
                (_iso_days(lo_raw), _iso_days(hi_raw))
                if is_date
                else (float(lo_raw), float(hi_raw))
            )  # type: ignore[arg-type]
            eps_q = eps
            source = SOURCE_DECLARED
        elif not private:
            low, high = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
            eps_q = 0.0
            source = SOURCE_EXACT
        else:
            eps_q = eps / 2
            try:
                low, high = approx_bounds(x, epsilon=eps / 2, rng=rng, allow_empty=True)
            except InvalidInputError:
                raise InvalidInputError(
                    f"column '{col.name}': its DP bounds could not be measured at epsilon = "
                    f"{eps / 2:.3g} (too few values for that budget); declare public bounds in "
                    "the schema or raise the domain budget"
                ) from None
            spends.append(measurement_spend(APPROX_BOUNDS, epsilon=eps / 2, column=col.name))
            source = SOURCE_MEASURED
        edges_source = "none (single bin)"
        if not private:
            cuts = np.quantile(x, levels) if (x.size and levels.size) else np.array([])
            edges_source = "exact quantiles (non-private)"
        elif levels.size and low < high:
            cuts = dp_quantiles(
                x, quantiles=levels, bounds=(low, high), epsilon=eps_q, rng=rng, allow_empty=True
            )
            spends.append(
                measurement_spend(
                    DP_QUANTILES,
                    epsilon=eps_q,
                    column=col.name,
                    n_levels=int(levels.size),
                    bounds_source=source,
                )
            )
            edges_source = "DP quantiles"
        else:
            cuts = np.array([])
        codec = NumericCodec(
            col.name,
            _bin_edges(low, high, cuts, integer=integer),
            integer=col.integer,
            datetime=is_date,
            source=source,
            edges_source=edges_source,
        )
        return codec, spends

    def encode(self, table: pd.DataFrame) -> np.ndarray:
        """Token ids, shape ``(n_rows, n_columns)``, dtype int64. Values outside a column's
        domain map to its ``__other__`` (or ``__missing__``) token; numbers are clipped."""
        missing = [n for n in self.names if n not in table.columns]
        if missing:
            raise InvalidInputError(f"the table lacks the encoded column(s) {missing}")
        if len(table) == 0:
            return np.zeros((0, len(self.codecs)), dtype=np.int64)
        return np.stack(
            [c.encode(table[c.name].reset_index(drop=True)) for c in self.codecs], axis=1
        ).astype(np.int64)

    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
        """A table from token ids (numeric bins drawn uniformly inside the bin)."""
        codes = np.asarray(codes)
        if codes.ndim != 2 or codes.shape[1] != len(self.codecs):
            raise InvalidInputError(
                f"codes must have shape (n, {len(self.codecs)}), got {tuple(codes.shape)}"
            )
        for j, c in enumerate(self.codecs):
            if codes.size and (codes[:, j].min() < 0 or codes[:, j].max() >= c.n_tokens):
                raise InvalidInputError(f"codes of column '{c.name}' are outside its vocabulary")
        return pd.DataFrame(
            {
                c.name: c.decode(codes[:, j], rng).reset_index(drop=True)
                for j, c in enumerate(self.codecs)
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """For the report: per column kind, token count and domain source; the spends. Lists
        counts only, never category values or bin edges."""
        return {
            "private": self.private,
            "columns": {c.name: c.to_dict() for c in self.codecs},
            "spends": [s.to_dict() for s in self.spends],
        }
