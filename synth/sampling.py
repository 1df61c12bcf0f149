"""Sampling from a trained autoregressive model: plain, conditional and rebalanced, with
validators.

What this module asks of the model
    Only ``model.n_columns``, ``model.cardinalities`` and
    ``model.column_logits(codes [B, k], j) -> logits [B, n_tokens_j]``, columns in *model*
    order. The model may be trained on a permutation of the encoder's columns:
    ``column_order[m]`` is the encoder column (index into ``encoder.codecs``) at model
    position ``m`` (identity by default). Of the encoder it uses ``codecs``, ``names`` and
    ``decode``; of the codecs their domains (categories, outer bin edges) to check seed values.

Speed
    Through ``column_logits`` alone, drawing column ``j`` re-runs the model on the whole row, so
    a row costs ``k`` forward passes. A model that offers incremental steps
    (``begin_sampling(batch)``, ``step_logits(state, j)``, ``push(state, j, tokens)``, as
    :class:`synth.model.AutoregressiveTabularModel` does) is sampled through them: one forward
    pass per row.

Randomness
    Every draw is an inverse-CDF lookup on a numpy uniform from the caller's ``rng``
    (float64 softmax), batch by batch, so a given ``rng`` seed, batch size and thread count
    reproduce the same table. Numeric bins decode uniformly inside the bin, again from ``rng``.

Conditional sampling (``conditions``)
    * a DataFrame of *seed rows*: one output row per seed row, seed columns a subset of the
      synthesised ones; or a mapping column -> value applied to all ``n`` rows.
    * Seed values are encoded with the encoder. A value outside a column's domain (not one of
      its categories, outside its outer bin edges, not a number or ISO date, a fraction for an
      integer column) raises :class:`InvalidInputError` naming the column and the number of
      such values, never a value. A missing seed value conditions on the ``__missing__``
      token; the literal ``__other__`` is accepted where the column has that token.
    * In the output, a numeric or date seed column holds the value the user gave (a date as
      its ISO day), not a redraw inside its bin; categorical seed columns hold the category.
    * **Exact mode** (:attr:`ConditioningMode.EXACT`): when every conditioned column comes
      before every free column in model order, their tokens are forced and the rest is drawn
      ancestrally: exactly ``p(rest | seed)``.
    * **Importance mode** (:attr:`ConditioningMode.IMPORTANCE`), otherwise: sequential
      importance resampling. Each seed row gets ``particles`` particles drawn ancestrally; at a
      conditioned column the token is forced and the particle's weight multiplied by
      ``p(token | prefix)``; one particle per seed row is then picked with probability
      proportional to its weight. This is *approximate* (exact as ``particles`` grows; the bias
      is O(1 / particles)); :class:`ImportanceSummary` reports the effective sample sizes
      ``(sum w)^2 / sum w^2`` so a reader can see how degenerate the weights were.

Rebalancing (``boost``)
    :class:`Boost` ``(column, value, share)``: of ``n`` rows, ``round(share * n)`` (nearest
    integer, halves up) are drawn conditioned on ``column == value`` (exact or importance mode,
    as above) and the rest from the model conditioned on ``column != value``: renormalised
    (that token's probability zeroed) when the column is the first one drawn, i.e. every column
    before it in model order is fixed by ``conditions`` (exact), otherwise by rejection (also
    exact; its rejections are counted apart from the validators'). Each part is refilled on its
    own when validators drop rows, so the boosted count stays exact. The two parts are shuffled
    together with ``rng``. Boosts combine with fixed-value conditions, not with seed tables.
    :class:`BoostSummary` records the column and the shares; the value the user typed is not
    recorded in :meth:`SamplingResult.to_dict` (it is a category of the released table, but
    the report lists no category values anywhere).

Validators
    Candidate rows are decoded and checked with :mod:`synth.validators`; dropped rows are
    re-drawn (for seed tables, for the same seed row) until ``n`` rows pass. A round draws the
    missing rows divided by the acceptance rate seen so far (at most ``2**20`` rows). Sampling
    stops with :class:`InvalidInputError` when, after at least 200 candidate rows, the
    acceptance rate is below ``min_acceptance``, or when ``max_rounds`` rounds beyond those that
    ``n`` rows need at full acceptance have not filled every row (a seed row whose values make
    every record fail a rule). The messages give rates and counts, never values. In importance
    mode the validators check the resampled row (so the result approximates
    ``p(rest | seed, valid)``); in exact mode the refill loop is plain rejection and stays exact.

Privacy: all of this is post-processing of the DP-trained model and the DP-measured (or
declared) domains; seed values and boosts are the user's input, not the training data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import pandas as pd
import torch

from privacy.errors import InvalidInputError, join_problems
from synth.encoding import OTHER_TOKEN, CategoricalCodec, NumericCodec, TableEncoder
from synth.validators import RowValidator, ValidationCounts, check_validators, validation_mask

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_PARTICLES",
    "Boost",
    "BoostSummary",
    "ConditionSummary",
    "ConditioningMode",
    "ExclusionMethod",
    "ImportanceSummary",
    "SamplingResult",
    "TableSampler",
    "parse_boost",
]

#: Rows per batch. Small enough for the per-batch activations to stay in cache: 4,096 rows ran
#: faster than 16,384 on the 1-core measurements (see the report / module docstring).
DEFAULT_BATCH_SIZE = 4_096
DEFAULT_PARTICLES = 32
_ROUND_ROWS = 1 << 20  # candidate rows per validation round, at most
_MIN_ACCEPTANCE_SAMPLE = 200  # candidate rows seen before a low acceptance rate is an error
_MAX_REPLICATION = 64  # candidates per unfilled seed row in one round, at most
_EPOCH = pd.Timestamp("1970-01-01")


class ConditioningMode(StrEnum):
    """How a conditional draw was made."""

    NONE = "none"
    EXACT = "exact"  # conditioned columns precede every free column: forced prefix
    IMPORTANCE = "importance resampling"  # approximate, see the module docstring


class ExclusionMethod(StrEnum):
    """How the non-boosted rows avoid the boosted class (both exact)."""

    RENORMALISED = "renormalised"  # token zeroed at its column, which is drawn first
    REJECTION = "rejection"


# ------------------------------------------------------------------------------------ boost


@dataclass(frozen=True)
class Boost:
    """Make ``share`` of the rows (0 < share < 1) have ``column == value``; see the module
    docstring. ``value`` is a category of ``column`` (compared as the encoder's string)."""

    column: str
    value: str
    share: float

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.column, str) or not self.column:
            problems.append("boost column must be a non-empty string")
        if not isinstance(self.value, str) or not self.value:
            problems.append("boost value must be a non-empty string")
        if (
            not isinstance(self.share, int | float)
            or isinstance(self.share, bool)
            or not math.isfinite(self.share)
            or not 0 < self.share < 1
        ):
            problems.append("boost share must be a number strictly between 0 and 1")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        """Column and share only: the value is not recorded."""
        return {"column": self.column, "share": self.share}


def parse_boost(text: str) -> Boost:
    """Parse the command-line form ``COLUMN=VALUE:SHARE`` (e.g. ``diagnosis=RARE:0.2``). The
    value may itself hold ``=`` or ``:`` (the first ``=`` and the last ``:`` split). Errors
    never repeat the value."""
    usage = "a boost must look like COLUMN=VALUE:SHARE with 0 < SHARE < 1, e.g. diagnosis=RARE:0.2"
    if not isinstance(text, str) or "=" not in text or ":" not in text:
        raise InvalidInputError(usage)
    column, rest = text.split("=", 1)
    value, share_text = rest.rsplit(":", 1)
    column = column.strip()
    if not column or not value:
        raise InvalidInputError(usage)
    try:
        share = float(share_text.strip())
    except ValueError:
        raise InvalidInputError(f"boost on column '{column}': {usage}") from None
    if not math.isfinite(share) or not 0 < share < 1:
        raise InvalidInputError(f"boost on column '{column}': the share must lie in (0, 1)")
    return Boost(column, value, share)


# ---------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ConditionSummary:
    """Which columns were conditioned on, for how many rows, and how. Names and counts only."""

    columns: tuple[str, ...]
    source: str  # "seed table" or "fixed values"
    rows: int
    mode: ConditioningMode
    particles: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "source": self.source,
            "rows": self.rows,
            "mode": self.mode.value,
            "particles": self.particles,
        }


@dataclass(frozen=True)
class BoostSummary:
    """The boost as achieved: column, requested and achieved share of the boosted class (never
    the class itself), and how each part was drawn."""

    column: str
    requested_share: float
    boosted_rows: int
    achieved_share: float
    boosted_mode: ConditioningMode
    rest_method: ExclusionMethod

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "requested_share": self.requested_share,
            "boosted_rows": self.boosted_rows,
            "achieved_share": None if math.isnan(self.achieved_share) else self.achieved_share,
            "boosted_mode": self.boosted_mode.value,
            "rest_method": self.rest_method.value,
        }


@dataclass(frozen=True)
class ImportanceSummary:
    """Effective sample sizes of the importance-resampling draws, each out of ``particles``
    (1 = all weight on one particle, ``particles`` = equal weights)."""

    particles: int
    draws: int
    ess_min: float
    ess_p10: float
    ess_median: float
    ess_mean: float
    share_below_2: float  # draws whose effective sample size is under 2

    @classmethod
    def from_ess(cls, particles: int, ess: np.ndarray) -> ImportanceSummary:
        ess = np.asarray(ess, dtype=np.float64)
        if ess.size == 0:
            return cls(particles, 0, math.nan, math.nan, math.nan, math.nan, math.nan)
        return cls(
            particles,
            int(ess.size),
            float(ess.min()),
            float(np.quantile(ess, 0.1)),
            float(np.median(ess)),
            float(ess.mean()),
            float((ess < 2).mean()),
        )

    def to_dict(self) -> dict[str, Any]:
        def num(v: float) -> float | None:
            return None if math.isnan(v) else v

        return {
            "particles": self.particles,
            "draws": self.draws,
            "ess_min": num(self.ess_min),
            "ess_p10": num(self.ess_p10),
            "ess_median": num(self.ess_median),
            "ess_mean": num(self.ess_mean),
            "share_ess_below_2": num(self.share_below_2),
        }


@dataclass(frozen=True)
class SamplingResult:
    """The synthetic table and what it took: rows requested and returned, candidate rows drawn,
    drops per validator, rows rejected by a boost's exclusion, conditions and boost used.
    :meth:`to_dict` holds counts, shares and column names only."""

    table: pd.DataFrame
    rows_requested: int
    rows_returned: int
    rows_drawn: int
    rows_rejected_by_boost: int
    validation: ValidationCounts
    conditions: ConditionSummary | None = None
    boost: BoostSummary | None = None
    importance: ImportanceSummary | None = None
    rounds: int = 0
    fast_path: bool = field(default=False)

    def __post_init__(self) -> None:
        if self.rows_returned != len(self.table):
            raise InvalidInputError("rows_returned must equal the table's length")

    @property
    def drops_by_validator(self) -> Mapping[str, int]:
        return self.validation.by_validator

    @property
    def rows_dropped(self) -> int:
        return self.validation.rows_dropped

    @property
    def acceptance_rate(self) -> float:
        """Accepted candidate rows over drawn ones (1.0 when nothing was drawn)."""
        if self.rows_drawn == 0:
            return 1.0
        return self.validation.rows_kept / self.rows_drawn

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_requested": self.rows_requested,
            "rows_returned": self.rows_returned,
            "rows_drawn": self.rows_drawn,
            "rows_dropped": self.rows_dropped,
            "rows_rejected_by_boost": self.rows_rejected_by_boost,
            "acceptance_rate": self.acceptance_rate,
            "rounds": self.rounds,
            "validation": self.validation.to_dict(),
            "conditions": None if self.conditions is None else self.conditions.to_dict(),
            "boost": None if self.boost is None else self.boost.to_dict(),
            "importance": None if self.importance is None else self.importance.to_dict(),
            "incremental_fast_path": self.fast_path,
        }


# --------------------------------------------------------------------------------- steppers


class _Stepper(Protocol):
    fast: bool

    def begin(self, batch: int) -> Any: ...

    def logits(self, state: Any, j: int) -> torch.Tensor: ...

    def push(self, state: Any, j: int, tokens: torch.Tensor) -> None: ...


class _ColumnLogitsStepper:
    """The model-agnostic path: a code matrix and ``model.column_logits`` (O(k^2) per row)."""

    fast = False

    def __init__(self, model: Any) -> None:
        self._model = model
        self._k = int(model.n_columns)

    def begin(self, batch: int) -> torch.Tensor:
        return torch.zeros((batch, self._k), dtype=torch.long)

    def logits(self, state: torch.Tensor, j: int) -> torch.Tensor:
        return self._model.column_logits(state, j)

    def push(self, state: torch.Tensor, j: int, tokens: torch.Tensor) -> None:
        state[:, j] = tokens


class _ModelStepper:
    """The model's own incremental sampling (``begin_sampling`` / ``step_logits`` / ``push``):
    each hidden unit computed once per row, so a row costs one forward pass."""

    fast = True

    def __init__(self, model: Any) -> None:
        self._model = model

    def begin(self, batch: int) -> Any:
        return self._model.begin_sampling(batch)

    def logits(self, state: Any, j: int) -> torch.Tensor:
        return self._model.step_logits(state, j)

    def push(self, state: Any, j: int, tokens: torch.Tensor) -> None:
        self._model.push(state, j, tokens)


def _pick_stepper(model: Any, *, allow_fast: bool) -> _Stepper:
    """The model's incremental steps when it offers them, else the ``column_logits`` path."""
    if allow_fast and all(
        callable(getattr(model, name, None)) for name in ("begin_sampling", "step_logits", "push")
    ):
        return _ModelStepper(model)
    return _ColumnLogitsStepper(model)


# ----------------------------------------------------------------------------- core drawing


def _draw(
    stepper: _Stepper,
    forced: np.ndarray,
    forced_cols: np.ndarray,
    *,
    zero: tuple[int, int] | None,
    weighted: bool,
    rng: np.random.Generator,
    batch_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Ancestral draw of ``len(forced)`` rows in model order. Columns with ``forced_cols`` take
    ``forced``'s tokens; with ``weighted``, each row's log-weight adds ``log p(token | prefix)``
    at forced columns after the first free one. ``zero = (j, t)`` draws column ``j`` with token
    ``t``'s probability set to 0 (renormalised)."""
    n, k = forced.shape
    codes = np.empty((n, k), dtype=np.int64)
    logw = np.zeros(n, dtype=np.float64)
    free = np.flatnonzero(~forced_cols)
    first_free = int(free[0]) if free.size else k
    for start in range(0, n, batch_size):
        stop = min(n, start + batch_size)
        b = stop - start
        state = stepper.begin(b)
        for j in range(k):
            if forced_cols[j]:
                tok = torch.from_numpy(np.ascontiguousarray(forced[start:stop, j], dtype=np.int64))
                if weighted and j > first_free:
                    logp = torch.log_softmax(stepper.logits(state, j).double(), dim=1)
                    logw[start:stop] += logp.gather(1, tok[:, None]).squeeze(1).numpy()
            else:
                lg = stepper.logits(state, j).to(torch.float64, copy=True)  # modified in place
                if zero is not None and zero[0] == j:
                    lg[:, zero[1]] = -math.inf
                # float64 softmax, left unnormalised: exp(l - max), scaled into u below
                lg.sub_(lg.max(dim=1, keepdim=True).values).exp_()
                cdf = torch.cumsum(lg, dim=1)
                # u in (0, total]: the first index with cdf >= u never has zero probability
                u = torch.from_numpy(1.0 - rng.random(b)) * cdf[:, -1]
                tok = torch.searchsorted(cdf, u[:, None]).squeeze(1)
                tok = tok.clamp_(max=lg.shape[1] - 1)
            codes[start:stop, j] = tok.numpy()
            if j < k - 1:
                stepper.push(state, j, tok)
    return codes, logw


def _draw_importance(
    stepper: _Stepper,
    forced: np.ndarray,
    forced_cols: np.ndarray,
    *,
    particles: int,
    rng: np.random.Generator,
    batch_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Sequential importance resampling: ``particles`` weighted draws per row of ``forced``,
    one kept with probability proportional to its weight. Returns ``(codes, ess)``."""
    n, k = forced.shape
    codes = np.empty((n, k), dtype=np.int64)
    ess = np.empty(n, dtype=np.float64)
    chunk = max(1, batch_size // particles)
    for s0 in range(0, n, chunk):
        s1 = min(n, s0 + chunk)
        rows = s1 - s0
        expanded = np.repeat(forced[s0:s1], particles, axis=0)
        drawn, logw = _draw(
            stepper,
            expanded,
            forced_cols,
            zero=None,
            weighted=True,
            rng=rng,
            batch_size=max(batch_size, expanded.shape[0]),
        )
        lw = logw.reshape(rows, particles)
        top = lw.max(axis=1, keepdims=True)
        w = np.exp(lw - np.where(np.isfinite(top), top, 0.0))
        total = w.sum(axis=1, keepdims=True)
        bad = ~(np.isfinite(total) & (total > 0))[:, 0]
        w[bad] = 1.0  # no usable weight: fall back to uniform (cannot happen with finite logits)
        w /= w.sum(axis=1, keepdims=True)
        ess[s0:s1] = 1.0 / (w**2).sum(axis=1)
        cdf = np.cumsum(w, axis=1)
        u = (1.0 - rng.random(rows)) * cdf[:, -1]
        pick = np.minimum((cdf < u[:, None]).sum(axis=1), particles - 1)
        codes[s0:s1] = drawn.reshape(rows, particles, k)[np.arange(rows), pick]
    return codes, ess


# ------------------------------------------------------------------------ seeds and groups


@dataclass
class _Seeds:
    columns: tuple[str, ...]  # encoder column names
    tokens: np.ndarray  # [rows, len(columns)]; rows == 1 when shared
    display: dict[str, pd.Series]  # numeric seed columns: the user's values, decoded dtype
    from_table: bool


@dataclass
class _Group:
    """Output slots sharing one conditioning structure."""

    size: int
    forced: np.ndarray  # [size, k] (or [1, k] when shared), model order, -1 where free
    forced_cols: np.ndarray  # [k] bool
    shared: bool  # every slot conditions on the same values: candidates are interchangeable
    display: dict[str, pd.Series]  # per slot (or one value when shared)
    exclusion: tuple[int, int] | None = None  # (model position, token) the rows must avoid

    @property
    def mode(self) -> ConditioningMode:
        fixed = np.flatnonzero(self.forced_cols)
        free = np.flatnonzero(~self.forced_cols)
        if fixed.size == 0:
            return ConditioningMode.NONE
        if free.size == 0 or fixed.max() < free.min():
            return ConditioningMode.EXACT
        return ConditioningMode.IMPORTANCE

    @property
    def exclusion_method(self) -> ExclusionMethod | None:
        if self.exclusion is None:
            return None
        free = np.flatnonzero(~self.forced_cols)
        if self.mode is not ConditioningMode.IMPORTANCE and self.exclusion[0] == int(free[0]):
            return ExclusionMethod.RENORMALISED
        return ExclusionMethod.REJECTION


@dataclass
class _Tally:
    drawn: int = 0
    rejected: int = 0
    rounds: int = 0
    validation: ValidationCounts = field(default_factory=lambda: ValidationCounts(0, 0, {}))
    ess: list[np.ndarray] = field(default_factory=list)


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _encode_seed_column(codec: Any, values: pd.Series) -> tuple[np.ndarray, pd.Series | None]:
    """Tokens for one seed column and, for numeric columns, the values to show. Raises naming
    the column and the count of bad values, never a value."""
    values = values.reset_index(drop=True)
    missing = values.isna().to_numpy()
    if isinstance(codec, CategoricalCodec):
        tokens = codec.encode(values)
        inside = tokens < len(codec.categories)
        other = np.zeros(len(values), dtype=bool)
        if codec.has_other:
            other = ~missing & np.array([str(v) == OTHER_TOKEN for v in values.tolist()], bool)
            tokens[other] = len(codec.categories)
        bad = ~(inside | other | missing)
        if bad.any():
            raise InvalidInputError(
                f"condition column '{codec.name}': {int(bad.sum())} value(s) are not among its "
                f"{len(codec.categories)} categories; use values of the column's domain (see "
                "the encoder's categories) or a missing value"
            )
        tokens[missing] = codec.missing_code
        return tokens.astype(np.int64), None
    if isinstance(codec, NumericCodec):
        x = np.asarray(codec.values_of(values), dtype=np.float64)
        unreadable = ~missing & np.isnan(x)
        low, high = float(codec.edges[0]), float(codec.edges[-1])
        with np.errstate(invalid="ignore"):
            outside = ~missing & ~unreadable & ((x < low) | (x > high))
            fraction = (
                ~missing & ~unreadable & (x != np.round(x))
                if codec.integer or codec.datetime
                else np.zeros(len(x), dtype=bool)
            )
        problems = []
        what = "ISO dates" if codec.datetime else "numbers"
        if unreadable.any():
            problems.append(f"{int(unreadable.sum())} value(s) cannot be read as {what}")
        if outside.any():
            problems.append(
                f"{int(outside.sum())} value(s) lie outside the column's outer bin edges"
            )
        if fraction.any():
            problems.append(f"{int(fraction.sum())} value(s) are not whole numbers")
        if problems:
            raise InvalidInputError(
                f"condition column '{codec.name}': " + "; ".join(problems) + " (no value shown)"
            )
        tokens = codec.encode(values).astype(np.int64)
        tokens[missing] = codec.missing_code
        if codec.datetime:
            shown = pd.Series(
                [
                    None if m else (_EPOCH + pd.Timedelta(days=int(v))).date().isoformat()
                    for v, m in zip(x, missing, strict=True)
                ],
                dtype="str",
            )
        elif codec.integer:
            shown = pd.Series(np.where(missing, 0, x).astype(np.int64), dtype="Int64")
            shown = shown.mask(pd.Series(missing), pd.NA)
        else:
            shown = pd.Series(x, dtype=np.float64)
        return tokens, shown
    raise InvalidInputError(
        f"condition column '{codec.name}': its codec type does not support conditioning"
    )


# ---------------------------------------------------------------------------------- sampler


class TableSampler:
    """Samples decoded tables from a trained ``model`` and its ``encoder``.

    ``column_order[m]`` is the encoder column at model position ``m`` (default: identity).
    ``fast_path=False`` forces the model-agnostic ``column_logits`` path (see the module
    docstring). The constructor only checks that model and encoder fit together.
    """

    def __init__(
        self,
        model: Any,
        encoder: TableEncoder,
        *,
        column_order: Sequence[int] | None = None,
        fast_path: bool = True,
    ) -> None:
        n_enc = len(encoder.codecs)
        k = int(model.n_columns)
        order = tuple(range(n_enc)) if column_order is None else tuple(column_order)
        problems: list[str] = []
        if k != n_enc:
            problems.append(f"the model has {k} columns but the encoder {n_enc}")
        if not all(_is_int(i) for i in order) or sorted(int(i) for i in order) != list(
            range(n_enc)
        ):
            problems.append(
                f"column_order must be a permutation of the encoder's column indices 0..{n_enc - 1}"
            )
        elif k == n_enc:
            cards = tuple(int(c) for c in model.cardinalities)
            wrong = [
                encoder.codecs[order[m]].name
                for m in range(k)
                if cards[m] != encoder.codecs[order[m]].n_tokens
            ]
            if wrong:
                problems.append(
                    f"model and encoder disagree on the token counts of column(s) {wrong} "
                    "(is column_order right?)"
                )
        if problems:
            raise InvalidInputError(join_problems(problems))
        self._model = model
        self._encoder = encoder
        self._order = tuple(int(i) for i in order)
        self._position = {encoder.codecs[e].name: m for m, e in enumerate(self._order)}
        self._allow_fast = bool(fast_path)

    @property
    def column_order(self) -> tuple[int, ...]:
        return self._order

    # ------------------------------------------------------------------------ public API

    def sample(
        self,
        n: int | None = None,
        *,
        rng: np.random.Generator,
        conditions: pd.DataFrame | Mapping[str, Any] | None = None,
        boost: Boost | None = None,
        validators: Sequence[RowValidator] = (),
        particles: int = DEFAULT_PARTICLES,
        batch_size: int = DEFAULT_BATCH_SIZE,
        min_acceptance: float = 0.05,
        max_rounds: int = 100,
    ) -> SamplingResult:
        """Draw ``n`` rows (``n`` may be omitted with a seed table: one row per seed row).

        Columns come in encoder (schema) order, typed as :meth:`TableEncoder.decode` types
        them. Everything is checked before anything is drawn. See the module docstring for
        conditions, boost, validators and the guarantees of each mode.
        """
        if not isinstance(rng, np.random.Generator):
            raise InvalidInputError("rng must be a numpy.random.Generator")
        problems: list[str] = []
        if n is not None and (not _is_int(n) or n < 0):
            problems.append("n must be a non-negative integer")
        if not _is_int(particles) or particles < 1:
            problems.append("particles must be a positive integer")
        if not _is_int(batch_size) or batch_size < 1:
            problems.append("batch_size must be a positive integer")
        if (
            not isinstance(min_acceptance, int | float)
            or isinstance(min_acceptance, bool)
            or not 0 < min_acceptance <= 1
        ):
            problems.append("min_acceptance must be a number in (0, 1]")
        if not _is_int(max_rounds) or max_rounds < 1:
            problems.append("max_rounds must be a positive integer")
        if boost is not None and not isinstance(boost, Boost):
            problems.append("boost must be a Boost (see parse_boost for the CLI form)")
        if isinstance(validators, str) or not isinstance(validators, Sequence):
            problems.append("validators must be a sequence of validators")
        if problems:
            raise InvalidInputError(join_problems(problems))
        validators = tuple(validators)
        check_validators(validators, columns=self._encoder.names)

        seeds = self._seeds(conditions)
        if seeds is not None and seeds.from_table:
            rows = len(seeds.tokens)
            if n is not None and int(n) != rows:
                raise InvalidInputError(
                    f"n = {n} but the seed table has {rows} rows: omit n or make them equal"
                )
            n = rows
        if n is None:
            raise InvalidInputError("n is required unless conditions is a seed table")
        n = int(n)
        if boost is not None and seeds is not None and seeds.from_table:
            raise InvalidInputError(
                "boost cannot be combined with a seed table; put the class in the seed rows"
            )
        if boost is not None and seeds is not None and boost.column in seeds.columns:
            raise InvalidInputError(
                f"column '{boost.column}' is both boosted and conditioned on; choose one"
            )
        boost_token = self._boost_token(boost) if boost is not None else None

        previous_threads = torch.get_num_threads()
        torch.set_num_threads(1)  # ENVIRONMENT.md: one thread is far faster on shared cores
        try:
            return self._sample(
                n, rng=rng, seeds=seeds, boost=boost, boost_token=boost_token,
                validators=validators, particles=particles, batch_size=batch_size,
                min_acceptance=min_acceptance, max_rounds=max_rounds,
            )
        finally:
            torch.set_num_threads(previous_threads)

    def _sample(self, n: int | None, *, rng: np.random.Generator, seeds: Any, boost: Any,
                boost_token: Any, validators: Any, particles: int, batch_size: int,
                min_acceptance: float, max_rounds: int) -> SamplingResult:
        stepper = _pick_stepper(self._model, allow_fast=self._allow_fast)
        tally = _Tally()
        settings = {
            "particles": int(particles),
            "batch_size": int(batch_size),
            "min_acceptance": float(min_acceptance),
            "max_rounds": int(max_rounds),
        }
        with torch.no_grad():
            if boost is None:
                group = self._group(seeds, n)
                table = self._fill(group, stepper, validators, rng, tally, **settings)
                boost_summary = None
            else:
                assert boost_token is not None
                boosted_n = int(math.floor(boost.share * n + 0.5))
                pos = self._position[boost.column]
                rare = self._group(seeds, boosted_n, extra=(pos, boost_token))
                rest = self._group(seeds, n - boosted_n)
                rest.exclusion = (pos, boost_token)
                parts = [
                    self._fill(rare, stepper, validators, rng, tally, **settings),
                    self._fill(rest, stepper, validators, rng, tally, **settings),
                ]
                joined = pd.concat(parts, ignore_index=True)
                table = joined.iloc[rng.permutation(len(joined))].reset_index(drop=True)
                canonical = self._encoder.codecs[self._order[pos]].categories[boost_token]
                hits = int((table[boost.column] == canonical).sum()) if n else 0
                boost_summary = BoostSummary(
                    column=boost.column,
                    requested_share=float(boost.share),
                    boosted_rows=hits,
                    achieved_share=hits / n if n else math.nan,
                    boosted_mode=rare.mode,
                    rest_method=rest.exclusion_method or ExclusionMethod.REJECTION,
                )
        summary = None
        if seeds is not None:
            mode = self._group(seeds, 0).mode
            summary = ConditionSummary(
                columns=seeds.columns,
                source="seed table" if seeds.from_table else "fixed values",
                rows=n,
                mode=mode,
                particles=int(particles) if mode is ConditioningMode.IMPORTANCE else None,
            )
        importance = (
            ImportanceSummary.from_ess(int(particles), np.concatenate(tally.ess))
            if tally.ess
            else None
        )
        return SamplingResult(
            table=table,
            rows_requested=n,
            rows_returned=len(table),
            rows_drawn=tally.drawn,
            rows_rejected_by_boost=tally.rejected,
            validation=tally.validation,
            conditions=summary,
            boost=boost_summary,
            importance=importance,
            rounds=tally.rounds,
            fast_path=stepper.fast,
        )

    # ------------------------------------------------------------------------- planning

    def _seeds(self, conditions: pd.DataFrame | Mapping[str, Any] | None) -> _Seeds | None:
        if conditions is None:
            return None
        encoder = self._encoder
        if isinstance(conditions, pd.DataFrame):
            names = [str(c) for c in conditions.columns]
            if len(set(names)) != len(names):
                raise InvalidInputError("the seed table has duplicate column names")
            frame = conditions.reset_index(drop=True)
            from_table = True
        elif isinstance(conditions, Mapping):
            names = [str(c) for c in conditions]
            several = [c for c in conditions if not pd.api.types.is_scalar(conditions[c])]
            if several:
                raise InvalidInputError(
                    f"conditions given as a mapping need one value per column; column(s) "
                    f"{[str(c) for c in several]} got several (use a seed table instead)"
                )
            frame = pd.DataFrame({str(c): [conditions[c]] for c in conditions})
            from_table = False
        else:
            raise InvalidInputError(
                "conditions must be a DataFrame of seed rows or a mapping column -> value"
            )
        if not names:
            return None
        unknown = [c for c in names if c not in encoder.names]
        if unknown:
            raise InvalidInputError(
                f"condition column(s) {unknown} are not synthesised columns "
                f"(known: {list(encoder.names)})"
            )
        # encoder order, so that the report lists columns as the schema does
        names = [c for c in encoder.names if c in set(names)]
        codecs = {c.name: c for c in encoder.codecs}
        problems: list[str] = []
        tokens: list[np.ndarray] = []
        display: dict[str, pd.Series] = {}
        for name in names:
            try:
                tok, shown = _encode_seed_column(codecs[name], frame[name])
            except InvalidInputError as exc:
                problems.append(str(exc))
                continue
            tokens.append(tok)
            if shown is not None:
                display[name] = shown
        if problems:
            raise InvalidInputError(join_problems(problems))
        matrix = np.stack(tokens, axis=1) if len(frame) else np.zeros((0, len(names)), np.int64)
        return _Seeds(tuple(names), matrix.astype(np.int64), display, from_table)

    def _boost_token(self, boost: Boost) -> int:
        codec = next((c for c in self._encoder.codecs if c.name == boost.column), None)
        if codec is None:
            raise InvalidInputError(
                f"boost column '{boost.column}' is not a synthesised column "
                f"(known: {list(self._encoder.names)})"
            )
        if not isinstance(codec, CategoricalCodec):
            raise InvalidInputError(f"boost column '{boost.column}' must be categorical")
        token = int(codec.encode(pd.Series([boost.value]))[0])
        if token >= len(codec.categories):
            raise InvalidInputError(
                f"boost column '{boost.column}': the value is not among its "
                f"{len(codec.categories)} categories (no value shown)"
            )
        return token

    def _group(
        self, seeds: _Seeds | None, size: int, *, extra: tuple[int, int] | None = None
    ) -> _Group:
        k = len(self._order)
        shared = seeds is None or not seeds.from_table
        rows = 1 if shared else size
        forced = np.full((rows, k), -1, dtype=np.int64)
        forced_cols = np.zeros(k, dtype=bool)
        display: dict[str, pd.Series] = {}
        if seeds is not None:
            for i, name in enumerate(seeds.columns):
                pos = self._position[name]
                forced_cols[pos] = True
                forced[:, pos] = seeds.tokens[:rows, i] if not shared else seeds.tokens[0, i]
            display = seeds.display
        if extra is not None:
            forced_cols[extra[0]] = True
            forced[:, extra[0]] = extra[1]
        return _Group(size, forced, forced_cols, shared, display)

    # --------------------------------------------------------------------------- filling

    def _candidates(
        self,
        group: _Group,
        slots: np.ndarray | None,
        count: int,
        stepper: _Stepper,
        rng: np.random.Generator,
        tally: _Tally,
        particles: int,
        batch_size: int,
    ) -> np.ndarray:
        """``count`` candidate rows (model order) for the given slots (shared: any slot)."""
        k = len(self._order)
        forced = (
            np.broadcast_to(group.forced[0], (count, k)) if slots is None else group.forced[slots]
        )
        method = group.exclusion_method
        zero = group.exclusion if method is ExclusionMethod.RENORMALISED else None
        if group.mode is ConditioningMode.IMPORTANCE:
            codes, ess = _draw_importance(
                stepper,
                forced,
                group.forced_cols,
                particles=particles,
                rng=rng,
                batch_size=batch_size,
            )
            tally.ess.append(ess)
        else:
            codes, _ = _draw(
                stepper,
                forced,
                group.forced_cols,
                zero=zero,
                weighted=False,
                rng=rng,
                batch_size=batch_size,
            )
        return codes

    def _decode(
        self, codes: np.ndarray, group: _Group, slots: np.ndarray | None, rng: np.random.Generator
    ) -> pd.DataFrame:
        enc = np.empty_like(codes)
        enc[:, list(self._order)] = codes
        table = self._encoder.decode(enc, rng)
        for name, shown in group.display.items():
            take = np.zeros(len(table), dtype=np.int64) if slots is None else slots
            values = shown.iloc[take].reset_index(drop=True)
            table[name] = values.astype(table[name].dtype)
        return table

    def _fill(
        self,
        group: _Group,
        stepper: _Stepper,
        validators: tuple[RowValidator, ...],
        rng: np.random.Generator,
        tally: _Tally,
        *,
        particles: int,
        batch_size: int,
        min_acceptance: float,
        max_rounds: int,
    ) -> pd.DataFrame:
        remaining = np.arange(group.size)
        pieces: list[tuple[np.ndarray, pd.DataFrame]] = []
        drawn = accepted = 0
        rounds = 0
        round_limit = max_rounds + math.ceil(group.size / _ROUND_ROWS)
        rejecting = group.exclusion_method is ExclusionMethod.REJECTION
        while remaining.size:
            if rounds >= round_limit:
                raise InvalidInputError(
                    f"{remaining.size} of {group.size} row(s) are still unfilled after "
                    f"{rounds} sampling rounds (acceptance rate "
                    f"{accepted / max(drawn, 1):.2%} of {drawn} candidate rows): a seed row's "
                    "values may make every record fail a validator; check the rules and seeds"
                )
            rate = accepted / drawn if drawn else 1.0
            factor = 1.0 / max(rate, min_acceptance)
            if group.shared:
                count = max(1, min(_ROUND_ROWS, math.ceil(remaining.size * factor * 1.1)))
                if rounds == 0:
                    count = min(_ROUND_ROWS, remaining.size)
                slots = None
            else:
                rep = 1 if rounds == 0 else min(_MAX_REPLICATION, math.ceil(factor * 1.1))
                these = remaining[: max(1, _ROUND_ROWS // rep)]
                slots = np.repeat(these, rep)
                count = slots.size
            codes = self._candidates(
                group, slots, count, stepper, rng, tally, particles, batch_size
            )
            ok = np.ones(count, dtype=bool)
            if rejecting:
                assert group.exclusion is not None
                pos, token = group.exclusion
                ok = codes[:, pos] != token
                tally.rejected += int((~ok).sum())
                codes = codes[ok]
                if slots is not None:
                    slots = slots[ok]
            table = self._decode(codes, group, slots, rng)
            keep, counts = validation_mask(table, validators)
            tally.validation = tally.validation + counts
            good = np.flatnonzero(keep)
            if slots is None:
                take = good[: remaining.size]
                filled = remaining[: take.size]
            else:
                filled, first = np.unique(slots[good], return_index=True)
                take = good[first]
            if take.size:
                pieces.append((filled, table.iloc[take].reset_index(drop=True)))
                remaining = np.setdiff1d(remaining, filled, assume_unique=True)
            drawn += count
            accepted += good.size
            rounds += 1
            tally.drawn += count
            tally.rounds += 1
            if (
                remaining.size
                and drawn >= _MIN_ACCEPTANCE_SAMPLE
                and accepted < (min_acceptance * drawn)
            ):
                raise InvalidInputError(
                    f"only {accepted / drawn:.2%} of {drawn} candidate rows passed the "
                    f"validators{' and the boost exclusion' if rejecting else ''} (below "
                    f"min_acceptance = {min_acceptance:.2%}); loosen the rules or seeds, or "
                    "lower min_acceptance"
                )
        if not pieces:
            return self._decode(np.zeros((0, len(self._order)), np.int64), group, None, rng)
        slots_all = np.concatenate([p[0] for p in pieces])
        table = pd.concat([p[1] for p in pieces], ignore_index=True)
        return table.iloc[np.argsort(slots_all, kind="stable")].reset_index(drop=True)
