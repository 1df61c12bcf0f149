"""Canaries: records planted in an audit model's training table to measure memorisation.

Two kinds, both drawn so that a model which never saw a canary cannot tell it from the other
candidates of its space (the condition under which exposure means anything; Carlini et al.
2019, §4):

- **record canaries**: a unique combination of plausible values. Every column is drawn
  independently from the population's own values (its empirical marginal), except the *secret
  columns*, whose values are drawn uniformly from their candidate values. The enumerated
  candidate space of a canary is every combination of the secret columns' candidate values with
  the rest of the row fixed (at most ``max_candidates`` rows); the whole-record space (every
  column varied) is too large to enumerate, and is sampled by :meth:`CanaryDesign.draw`.
- **token canaries**: a row carrying an SSN-like token ``ddd-dd-dddd`` in a categorical column
  whose categories the generator learns from the data (a column with a public, declared domain
  cannot hold a new token, so it cannot leak one). The last three digits are the secret: the
  candidate space is the 1,000 tokens sharing the first six.

Canaries are synthetic by construction: no real value is copied into a canary except as one
column of an otherwise random combination, and canaries never leave the audit (no result holds
a canary's values; invariant 6).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError

#: Secret digits of a token canary: the candidate space holds 10**TOKEN_SECRET_DIGITS tokens.
TOKEN_SECRET_DIGITS = 3
#: A secret column offers at most this many candidate values (its commonest ones).
MAX_SECRET_VALUES = 64
_MAX_DRAW_ATTEMPTS = 50


class CanaryKind:
    RECORD = "record"
    TOKEN = "token"


@dataclass(frozen=True)
class CanaryDesign:
    """How canaries are drawn from one population table (see the module docstring).

    ``marginals[c]`` holds column ``c``'s observed values (missing included, as ``None``) and
    their frequencies; ``secret_values[c]`` the candidate values of each secret column.
    """

    columns: tuple[str, ...]
    marginals: dict[str, tuple[np.ndarray, np.ndarray]]
    secret_columns: tuple[str, ...]
    secret_values: dict[str, tuple[object, ...]]
    token_column: str | None
    dtypes: dict[str, object]

    @property
    def n_candidates(self) -> int:
        """Size of the enumerated candidate space of a record canary (1 when no column varies)."""
        return math.prod(len(self.secret_values[c]) for c in self.secret_columns)

    # -------------------------------------------------------------------------------- draws

    def draw(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """``n`` rows from the canary distribution: secret columns uniform over their candidate
        values, every other column from its empirical marginal, independently."""
        data: dict[str, object] = {}
        for col in self.columns:
            if col in self.secret_values:
                values = np.asarray(self.secret_values[col], dtype=object)
                data[col] = values[rng.integers(0, values.size, size=n)]
            else:
                values, weights = self.marginals[col]
                data[col] = values[rng.choice(values.size, size=n, p=weights)]
        return self._typed(pd.DataFrame(data, columns=list(self.columns)))

    def record_canaries(
        self, n: int, rng: np.random.Generator, *, seen: set[tuple[str, ...]]
    ) -> pd.DataFrame:
        """``n`` distinct record canaries, none equal on every column to a row whose key
        (:func:`row_keys`) is in ``seen``: the population's rows and the canaries drawn so far.
        The new canaries' keys are added to ``seen``."""
        kept: list[pd.DataFrame] = []
        have = 0
        for _ in range(_MAX_DRAW_ATTEMPTS):
            batch = self.draw(max(2 * (n - have), 8), rng)
            fresh = []
            for i, key in enumerate(row_keys(batch)):
                if key not in seen and len(fresh) < n - have:
                    seen.add(key)
                    fresh.append(i)
            kept.append(batch.iloc[fresh])
            have += len(fresh)
            if have >= n:
                return pd.concat(kept, ignore_index=True)
        raise InvalidInputError(
            f"could not draw {n} unique canaries: the table's columns allow too few distinct "
            "combinations; audit with fewer canaries"
        )

    def token_canaries(
        self, n: int, rng: np.random.Generator, *, seen: set[tuple[str, ...]]
    ) -> pd.DataFrame:
        """``n`` record canaries whose token column holds a fresh SSN-like token."""
        if self.token_column is None:
            raise InvalidInputError("no column can carry a token canary in this design")
        rows = self.record_canaries(n, rng, seen=seen)
        digits = rng.integers(0, 10, size=(n, 9))
        rows[self.token_column] = [
            "{}{}{}-{}{}-{}{}{}{}".format(*d) for d in digits.tolist()
        ]
        seen.update(row_keys(rows))
        return rows

    # -------------------------------------------------------------------- candidate spaces

    def record_candidates(self, canary: pd.Series) -> tuple[pd.DataFrame, int]:
        """Every combination of the secret columns' candidate values with the rest of
        ``canary`` fixed, and the position of the canary itself among them."""
        combos = list(itertools.product(*(self.secret_values[c] for c in self.secret_columns)))
        table = pd.DataFrame([canary.to_dict()] * len(combos), columns=list(self.columns))
        for j, col in enumerate(self.secret_columns):
            table[col] = [combo[j] for combo in combos]
        own = tuple(canary[c] for c in self.secret_columns)
        return self._typed(table), combos.index(own)

    def token_candidates(self, canary: pd.Series) -> tuple[pd.DataFrame, int]:
        """The 10**TOKEN_SECRET_DIGITS tokens sharing the canary's first six digits, and the
        canary's position among them."""
        assert self.token_column is not None
        token = str(canary[self.token_column])
        prefix, secret = token[: -TOKEN_SECRET_DIGITS], token[-TOKEN_SECRET_DIGITS:]
        table = pd.DataFrame(
            [canary.to_dict()] * 10**TOKEN_SECRET_DIGITS, columns=list(self.columns)
        )
        table[self.token_column] = [
            f"{prefix}{k:0{TOKEN_SECRET_DIGITS}d}" for k in range(10**TOKEN_SECRET_DIGITS)
        ]
        return self._typed(table), int(secret)

    def _typed(self, table: pd.DataFrame) -> pd.DataFrame:
        """Columns back in the population's dtypes, so a generator reads canaries like rows."""
        for col in self.columns:
            dtype = self.dtypes[col]
            try:
                table[col] = table[col].astype(dtype)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                pass  # an object column stays object; the generator's encoder reads it
        return table


def design_canaries(
    population: pd.DataFrame,
    *,
    max_candidates: int = 4096,
    token_columns: Sequence[str] = (),
    secret_candidates: Sequence[str] | None = None,
) -> CanaryDesign:
    """A :class:`CanaryDesign` for ``population``.

    Secret columns are chosen greedily, most candidate values first, among ``secret_candidates``
    (default: the columns that are not numeric; categories are what a tabular generator
    represents exactly, where numbers and dates fall into bins and tie) with at least 2 distinct
    values (their :data:`MAX_SECRET_VALUES` commonest), while the product of their candidate
    counts stays within ``max_candidates``. The token
    column is the first of ``token_columns`` present in the table (columns whose categories the
    generator learns from data; the caller knows which those are).
    """
    if not isinstance(population, pd.DataFrame) or len(population) < 2:
        raise InvalidInputError("canaries need a population table of at least 2 rows")
    if max_candidates < 2:
        raise InvalidInputError(f"max_candidates must be >= 2 (got {max_candidates})")
    if secret_candidates is None:
        secret_candidates = [
            c for c in population.columns if not pd.api.types.is_numeric_dtype(population[c])
        ]
    marginals: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    options: dict[str, tuple[object, ...]] = {}
    for col in population.columns:
        series = population[col]
        counts = series.astype(object).where(series.notna(), None).value_counts(dropna=False)
        values = np.empty(len(counts), dtype=object)
        values[:] = [None if _is_missing(v) else v for v in counts.index]
        marginals[col] = (values, (counts.to_numpy(dtype=float) / counts.sum()))
        present = counts[[not _is_missing(v) for v in counts.index]]
        if len(present) >= 2 and col in secret_candidates:
            options[col] = tuple(present.index[:MAX_SECRET_VALUES])
    secret: list[str] = []
    size = 1
    for col in sorted(options, key=lambda c: (-len(options[c]), str(c))):
        if size * len(options[col]) <= max_candidates:
            secret.append(col)
            size *= len(options[col])
    token = next((c for c in token_columns if c in population.columns), None)
    return CanaryDesign(
        columns=tuple(population.columns),
        marginals=marginals,
        secret_columns=tuple(secret),
        secret_values={c: options[c] for c in secret},
        token_column=token,
        dtypes={c: population[c].dtype for c in population.columns},
    )


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def row_keys(table: pd.DataFrame) -> list[tuple[str, ...]]:
    """One hashable key per row (values as text, missing as "None"), to tell rows apart."""
    as_text = table.astype(object).where(table.notna(), None).astype(str)
    return list(map(tuple, as_text.to_numpy().tolist()))
