"""The density-ratio membership attack on a synthetic table (DOMIAS).

van Breugel, Sun, Qian & van der Schaar (2023), "Membership Inference Attacks against Synthetic
Data through Overfitting Detection" (AISTATS): a generator that overfits puts more mass near its
training rows than the population does, so a black-box attacker holding the synthetic table and
some real *reference* rows from the same population scores a target ``x`` by

    score(x) = log p_syn(x) - log p_ref(x)

and guesses "member" when the score is high. ``p_syn`` is a density estimated on the synthetic
table and ``p_ref`` one estimated on the reference rows; both are kernel density estimates with
the mixed product kernel of :class:`MixedKernelDensity`.

**The reference rows must be disjoint from the non-member targets.** If a non-member is also a
reference row, its own kernel sits in ``p_ref`` at full height, its score drops, and members look
better separated than they are: the attack then *overstates* the leak (and, symmetrically,
members among the reference rows make it understate it). The caller splits the holdout: one part
for the non-member targets, another, disjoint part for the reference. The attack counts the
targets that appear verbatim among the reference rows it used and says so in its notes (counts
only), but it cannot tell a repeated record from two people who happen to share every value.

Nothing here returns or raises with a raw record, a raw value or a raw score (invariant 6).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from audit.membership import (
    DEFAULT_FPR_TARGETS,
    _check_tables,
    _dcr_columns,
    _robust_range,
    likelihood_attack,
)
from audit.quality import column_floats, column_labels
from audit.results import AttackResult, ThreatModel
from privacy.errors import InvalidInputError, join_problems

__all__ = ["MixedKernelDensity", "density_ratio_attack", "density_ratio_scores"]

#: Target-by-row kernel values held at once (as in the nearest-record search of the DCR attack).
_CHUNK_ELEMENTS = 2_000_000
#: Scaled numeric values are clipped to this magnitude (as in the DCR attack), so an extreme or
#: infinite value still gives a finite log-kernel.
_NUMERIC_CLIP = 1e6
#: Floor on the robust scale of a scaled numeric column (in units of its robust range), so that a
#: constant column does not give a zero bandwidth.
_SIGMA_FLOOR = 1e-3
#: Kernel value between a missing and a present numeric value (missing-vs-missing is 1).
_MISSING_MISMATCH = 1e-6
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
# Silverman's robust scale: IQR / 1.349 is the standard deviation of a normal with that IQR.
_IQR_TO_SD = 1.349

_PITFALL_NOTE = (
    "The reference rows must be disjoint from the non-member targets: a non-member among them "
    "inflates p_ref at itself and the attack looks stronger than it is."
)


class MixedKernelDensity:
    """A kernel density estimate on mixed columns with a product kernel, fitted on one table.

    ``log_density(targets)`` is ``log (1/n) sum_i prod_j K_j(t_j, x_ij)`` over the ``n`` rows of
    the table, computed with log-sum-exp so that a target far from every row gets a finite, very
    negative value rather than ``-inf`` or NaN. Every choice below is a rule of the fitted table
    alone (its size, its number of columns and its own column statistics), never of who is a
    member. With ``d`` the number of columns (numeric, date and categorical together):

    - **numeric and date columns** (dates as ISO strings, in days): values are centred on the
      table's median and divided by its robust range ``r_j`` (the 1%-99% quantile range, as in the
      DCR attack), then given a Gaussian kernel with Scott's (1992) bandwidth
      ``h_j = sigma_j * n^(-1/(d+4))``, where ``sigma_j`` is Silverman's robust scale of the scaled
      column, ``min(sd, IQR / 1.349)`` (the positive one if only one is positive), floored at
      ``1e-3`` so a constant column keeps a positive bandwidth. The density is per original unit
      (per day for dates): the kernel's standard deviation in original units is ``r_j * h_j``
      (:attr:`bandwidths`). A missing value matches only a missing value: kernel 1 between two
      missing values, ``1e-6`` between a missing and a present one. With missing values the
      estimate is therefore not a normalised density, but both densities of the attack follow the
      same convention.
    - **categorical columns**: the Aitchison & Aitken (1976) kernel, ``1 - lambda_j`` when the
      labels are equal and ``lambda_j / (c_j - 1)`` otherwise, where ``c_j`` counts the labels
      the table shows (a missing value is a label of its own) plus one for every unseen label
      together, and ``lambda_j = (c_j - 1) / c_j * n^(-2/(d+4))``: uniform smoothing with a
      single row, shrinking at the rate of a discrete kernel's bandwidth (Li & Racine 2003,
      ``n^(-2/(q+4))``). The kernel sums to one over the ``c_j`` labels.

    Labels compare as strings (so 1 and "1" are equal), as elsewhere in the auditor.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        numeric: Sequence[str] = (),
        categorical: Sequence[str] = (),
        datetime: Sequence[str] = (),
    ) -> None:
        if not isinstance(table, pd.DataFrame) or len(table) == 0:
            raise InvalidInputError("the density needs a non-empty DataFrame to fit on")
        dates = list(datetime)
        num_cols = [c for c in numeric if c not in dates] + dates
        cat_cols = list(categorical)
        if not num_cols and not cat_cols:
            raise InvalidInputError("the density needs at least one column")
        if len(set(num_cols) | set(cat_cols)) != len(num_cols) + len(cat_cols):
            raise InvalidInputError("a column may be listed once only")
        absent = sorted(set(num_cols + cat_cols) - set(table.columns))
        if absent:
            raise InvalidInputError(f"the fitted table lacks {absent}")
        self.numeric: tuple[str, ...] = tuple(num_cols)
        self.categorical: tuple[str, ...] = tuple(cat_cols)
        self._dates = frozenset(dates)
        n = len(table)
        d = len(num_cols) + len(cat_cols)
        self.n_rows = n
        #: Scott's factor ``n^(-1/(d+4))`` shared by every numeric column.
        self.scott_factor = float(n ** (-1.0 / (d + 4)))
        #: ``n^(-2/(d+4))``, the shrinkage of every categorical smoothing parameter.
        self.category_factor = float(n ** (-2.0 / (d + 4)))

        self._centre = np.empty(len(num_cols))
        self._range = np.empty(len(num_cols))
        self._h = np.empty(len(num_cols))
        rows_num = np.empty((n, len(num_cols)))
        for j, col in enumerate(num_cols):
            values = column_floats(table[col], is_date=col in self._dates)
            finite = values[np.isfinite(values)]
            self._centre[j] = float(np.median(finite)) if finite.size else 0.0
            self._range[j] = _robust_range(finite)
            rows_num[:, j] = self._scale(values, j)
            scaled_finite = (finite - self._centre[j]) / self._range[j]
            self._h[j] = _robust_scale(scaled_finite) * self.scott_factor
        self._rows_num = rows_num

        self._labels: list[pd.Index] = []
        self._missing_code: list[int] = []
        self._log_equal = np.empty(len(cat_cols))
        self._log_other = np.empty(len(cat_cols))
        self.n_labels: dict[str, int] = {}
        self.lambdas: dict[str, float] = {}
        rows_cat = np.empty((n, len(cat_cols)), dtype=np.int64)
        for j, col in enumerate(cat_cols):
            labels = column_labels(table[col])
            index = pd.Index(pd.unique(labels.dropna()))
            has_missing = bool(labels.isna().any())
            self._labels.append(index)
            self._missing_code.append(len(index) if has_missing else -1)
            c = len(index) + int(has_missing) + 1  # + 1: every unseen label, together
            lam = (c - 1) / c * self.category_factor
            self.n_labels[col] = c
            self.lambdas[col] = lam
            self._log_equal[j] = math.log1p(-lam)
            self._log_other[j] = math.log(lam / (c - 1))
            rows_cat[:, j] = self._codes(labels, j)
        self._rows_cat = rows_cat

    @property
    def bandwidths(self) -> dict[str, float]:
        """Gaussian kernel standard deviation per numeric column, in original units (days)."""
        return {c: float(self._range[j] * self._h[j]) for j, c in enumerate(self.numeric)}

    def log_density(self, targets: pd.DataFrame) -> np.ndarray:
        """Log of the estimated density at each target row (finite; see the class docstring).

        ``targets`` may hold more columns than the estimate uses; those are ignored.
        """
        if not isinstance(targets, pd.DataFrame):
            raise InvalidInputError(
                f"targets must be a DataFrame (got {type(targets).__name__})"
            )
        absent = sorted(set(self.numeric + self.categorical) - set(targets.columns))
        if absent:
            raise InvalidInputError(f"the targets lack {absent}")
        m = len(targets)
        t_num = np.empty((m, len(self.numeric)))
        for j, col in enumerate(self.numeric):
            t_num[:, j] = self._scale(column_floats(targets[col], is_date=col in self._dates), j)
        t_cat = np.empty((m, len(self.categorical)), dtype=np.int64)
        for j, col in enumerate(self.categorical):
            t_cat[:, j] = self._codes(column_labels(targets[col]), j)

        # Per numeric column: log of the Gaussian density per original unit, less the exponent.
        log_norm = -np.log(self._range * self._h) - _LOG_SQRT_2PI
        log_mismatch = math.log(_MISSING_MISMATCH)
        s_missing = np.isnan(self._rows_num)
        t_missing = np.isnan(t_num)
        n = self.n_rows
        chunk = max(1, _CHUNK_ELEMENTS // n)
        out = np.empty(m)
        for start in range(0, m, chunk):
            stop = min(start + chunk, m)
            total = np.zeros((stop - start, n))
            for j in range(len(self.numeric)):
                z = (t_num[start:stop, j, None] - self._rows_num[None, :, j]) / self._h[j]
                kernel = -0.5 * z * z + log_norm[j]
                tm, sm = t_missing[start:stop, j], s_missing[:, j]
                if tm.any() or sm.any():
                    both = tm[:, None] & sm[None, :]
                    one = tm[:, None] ^ sm[None, :]
                    kernel = np.where(both, 0.0, np.where(one, log_mismatch, kernel))
                total += kernel
            for j in range(len(self.categorical)):
                equal = t_cat[start:stop, j, None] == self._rows_cat[None, :, j]
                total += np.where(equal, self._log_equal[j], self._log_other[j])
            out[start:stop] = logsumexp(total, axis=1) - math.log(n)
        return out

    def _scale(self, values: np.ndarray, j: int) -> np.ndarray:
        """Centred and divided by the robust range, clipped; NaN (missing) kept."""
        scaled = (values - self._centre[j]) / self._range[j]
        return np.where(np.isnan(values), np.nan, np.clip(scaled, -_NUMERIC_CLIP, _NUMERIC_CLIP))

    def _codes(self, labels: pd.Series, j: int) -> np.ndarray:
        """Label codes: 0.. for the fitted table's labels, -1 for a label it never shows."""
        codes = self._labels[j].get_indexer(labels).astype(np.int64)
        codes[labels.isna().to_numpy()] = self._missing_code[j]
        return codes


def density_ratio_scores(
    targets: pd.DataFrame,
    *,
    synthetic_density: MixedKernelDensity,
    reference_density: MixedKernelDensity,
) -> np.ndarray:
    """``log p_syn(x) - log p_ref(x)`` per target row; higher means "more likely a member"."""
    return synthetic_density.log_density(targets) - reference_density.log_density(targets)


def density_ratio_attack(
    *,
    synthetic: pd.DataFrame,
    reference: pd.DataFrame,
    members: pd.DataFrame,
    non_members: pd.DataFrame,
    rng: np.random.Generator,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    datetime: Sequence[str] = (),
    max_synthetic_rows: int = 20_000,
    max_reference_rows: int = 20_000,
    fpr_targets: Sequence[float] = DEFAULT_FPR_TARGETS,
    confidence: float = 0.95,
) -> AttackResult:
    """Black-box DOMIAS attack (van Breugel et al. 2023): guess member when the synthetic
    table's density at a target exceeds the population's, ``log p_syn(x) - log p_ref(x)``.

    ``synthetic`` is the released table; ``reference`` holds real rows from the same population
    that the generator was *not* trained on, and that are **not among the non-member targets**
    either (see the module docstring: a non-member inside the reference makes the attack look
    stronger than it is; split the holdout into targets and reference). ``members`` are training
    rows, ``non_members`` real rows the generator never saw.

    Both densities are :class:`MixedKernelDensity` estimates with the same columns, each with
    its bandwidths from its own table's rule. Columns default to every column of ``synthetic``
    (numeric dtypes numeric, the rest categorical), ``datetime`` columns (ISO strings) numeric in
    days, as in :func:`audit.membership.distance_to_closest_record_attack`; other tables may hold
    more columns, which are ignored. A table with more rows than ``max_synthetic_rows`` or
    ``max_reference_rows`` is subsampled to that many with ``rng`` (synthetic first). Without
    subsampling the scores do not depend on the row order of either table.
    """
    tables = {
        "synthetic": synthetic,
        "reference": reference,
        "members": members,
        "non_members": non_members,
    }
    _check_tables(tables)
    problems: list[str] = []
    if not isinstance(rng, np.random.Generator):
        problems.append(f"rng must be a numpy Generator (got {type(rng).__name__})")
    for name, value in (
        ("max_synthetic_rows", max_synthetic_rows),
        ("max_reference_rows", max_reference_rows),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
            problems.append(f"{name} must be a positive integer (got {value!r})")
    if problems:
        raise InvalidInputError(join_problems(problems))
    num_cols, cat_cols = _dcr_columns(synthetic, numeric, categorical, datetime)
    used = set(num_cols + cat_cols)
    missing = [
        f"{name} lacks {sorted(used - set(t.columns))}"
        for name, t in tables.items()
        if not used <= set(t.columns)
    ]
    if missing:
        raise InvalidInputError(join_problems(missing))

    n_syn_all, n_ref_all = len(synthetic), len(reference)
    synthetic = _subsample(synthetic, max_synthetic_rows, rng)
    reference = _subsample(reference, max_reference_rows, rng)
    dates = list(datetime)
    plain = [c for c in num_cols if c not in set(dates)]
    p_syn = MixedKernelDensity(synthetic, numeric=plain, categorical=cat_cols, datetime=dates)
    p_ref = MixedKernelDensity(reference, numeric=plain, categorical=cat_cols, datetime=dates)
    member_scores = density_ratio_scores(
        members, synthetic_density=p_syn, reference_density=p_ref
    )
    non_member_scores = density_ratio_scores(
        non_members, synthetic_density=p_syn, reference_density=p_ref
    )

    ref_keys = set(_row_keys(reference, num_cols, cat_cols, dates))
    n_non_in_ref, n_mem_in_ref = (
        sum(int(k in ref_keys) for k in _row_keys(t, num_cols, cat_cols, dates))
        for t in (non_members, members)
    )
    notes = [
        "Score log p_syn(x) - log p_ref(x) (DOMIAS, van Breugel et al. 2023) with product-kernel "
        f"KDEs on {len(num_cols)} numeric/date and {len(cat_cols)} categorical column(s): "
        "Gaussian kernels on values scaled by each table's 1%-99% range, bandwidth by Scott's "
        "rule sigma * n^(-1/(d+4)) with Silverman's robust sigma (floor 1e-3); "
        "Aitchison-Aitken kernels with lambda = (c-1)/c * n^(-2/(d+4)), c = labels seen + 1; "
        "a missing value matches only a missing value.",
        f"p_syn on {len(synthetic)} of {n_syn_all} synthetic rows (Scott factor "
        f"{p_syn.scott_factor:.3g}), p_ref on {len(reference)} of {n_ref_all} reference rows "
        f"(Scott factor {p_ref.scott_factor:.3g}).",
        _PITFALL_NOTE,
    ]
    if n_non_in_ref:
        notes.append(
            f"{n_non_in_ref} of {len(non_members)} non-member targets appear verbatim among the "
            "reference rows used: if they are the same records, the AUC is inflated."
        )
    if n_mem_in_ref:
        notes.append(
            f"{n_mem_in_ref} of {len(members)} member targets appear verbatim among the "
            "reference rows used: if they are the same records, the AUC is deflated."
        )
    return likelihood_attack(
        member_scores=member_scores,
        non_member_scores=non_member_scores,
        attack="density ratio (DOMIAS)",
        threat_model=ThreatModel.BLACK_BOX_SYNTHETIC,
        fpr_targets=fpr_targets,
        confidence=confidence,
        notes=" ".join(notes),
    )


# ---------------------------------------------------------------------------------------------
# Helpers


def _robust_scale(values: np.ndarray) -> float:
    """Silverman's ``min(sd, IQR / 1.349)``, the positive one if only one is, floored."""
    if values.size < 2:
        return _SIGMA_FLOOR
    sd = float(np.std(values, ddof=1))
    q25, q75 = np.quantile(values, [0.25, 0.75])
    iqr_sd = float(q75 - q25) / _IQR_TO_SD
    positive = [s for s in (sd, iqr_sd) if s > 0 and math.isfinite(s)]
    return max(min(positive), _SIGMA_FLOOR) if positive else _SIGMA_FLOOR


def _subsample(table: pd.DataFrame, limit: int, rng: np.random.Generator) -> pd.DataFrame:
    if len(table) <= limit:
        return table
    take = np.sort(rng.choice(len(table), size=limit, replace=False))
    return table.iloc[take]


def _row_keys(
    table: pd.DataFrame, num_cols: list[str], cat_cols: list[str], dates: list[str]
) -> np.ndarray:
    """A hash per row of the attack's columns, as the densities read them."""
    parts: dict[str, pd.Series] = {}
    for i, col in enumerate(num_cols):
        values = column_floats(table[col], is_date=col in dates)
        parts[f"n{i}"] = pd.Series(values + 0.0)  # + 0.0 makes -0.0 hash as 0.0
    for i, col in enumerate(cat_cols):
        parts[f"c{i}"] = column_labels(table[col]).reset_index(drop=True)
    frame = pd.DataFrame(parts)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()
