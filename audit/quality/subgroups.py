"""Subgroup fidelity: 1-way TVDs within the smallest categories of one column.

The NIST Collaborative Research Cycle (CRC) found that de-identification and synthesis hurt
small, heterogeneous subpopulations most, while whole-table averages look fine. Here the
grouping column is the target (or the first categorical column); a category is eligible with at
least :data:`MIN_SUBGROUP_ROWS` real holdout rows (below that a TVD is mostly sampling noise, and
30 rows keep every real count far above the report's cell-suppression limit of 11); the
:data:`MAX_SUBGROUPS` smallest eligible categories that the synthetic table holds are measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from audit.quality.results import SubgroupFidelity, SubgroupResult

#: A category needs at least this many real holdout rows to be measured as a subgroup.
MIN_SUBGROUP_ROWS = 30
#: At most this many of the smallest eligible categories are measured.
MAX_SUBGROUPS = 5


def measure_subgroups(
    *,
    column: str,
    real_labels: pd.Series,
    syn_labels: pd.Series,
    columns: Sequence[str],
    codes_real: np.ndarray,
    codes_syn: np.ndarray,
    n_codes: Sequence[int],
    population_tvd: Sequence[float],
    min_real_rows: int = MIN_SUBGROUP_ROWS,
    max_subgroups: int = MAX_SUBGROUPS,
) -> SubgroupResult:
    """Subgroups of ``column`` (labels of the real holdout and the synthetic table, aligned with
    the rows of ``codes_real`` / ``codes_syn``, which code every one of ``columns``)."""
    others = [j for j, c in enumerate(columns) if c != column]
    population = float(np.mean([population_tvd[j] for j in others])) if others else None
    real_counts = real_labels.dropna().value_counts()
    syn_counts = syn_labels.dropna().value_counts()
    eligible = {label: int(n) for label, n in real_counts.items() if n >= min_real_rows}
    present = {label: n for label, n in eligible.items() if syn_counts.get(label, 0) > 0}
    chosen = sorted(present.items(), key=lambda kv: (kv[1], kv[0]))[:max_subgroups]
    reason = ""
    if not others:
        reason = "no other column to compare within subgroups"
        chosen = []
    elif not eligible:
        reason = f"no category of '{column}' has {min_real_rows} or more real holdout rows"
    elif not present:
        reason = "the synthetic table holds none of the eligible categories"
    real_values = real_labels.to_numpy(dtype=object)
    syn_values = syn_labels.to_numpy(dtype=object)
    subgroups: list[SubgroupFidelity] = []
    for label, n_real in chosen:
        in_real, in_syn = real_values == label, syn_values == label
        tvds: dict[str, float] = {}
        noise: list[float] = []
        for j in others:
            p = np.bincount(codes_real[in_real, j], minlength=n_codes[j]).astype(float)
            q = np.bincount(codes_syn[in_syn, j], minlength=n_codes[j]).astype(float)
            n_p, n_q = p.sum(), q.sum()
            tvds[columns[j]] = float(0.5 * np.abs(p / n_p - q / n_q).sum())
            pooled = (p + q) / (n_p + n_q)
            spread = np.sqrt(pooled * (1 - pooled) * (1 / n_p + 1 / n_q))
            noise.append(float(min(1.0, 0.5 * math.sqrt(2 / math.pi) * spread.sum())))
        subgroups.append(
            SubgroupFidelity(
                category=str(label),
                n_real=n_real,
                n_synthetic=int(in_syn.sum()),
                tvd=tvds,
                mean_tvd=float(np.mean(list(tvds.values()))),
                noise_tvd=float(np.mean(noise)),
            )
        )
    return SubgroupResult(
        column=column,
        min_real_rows=min_real_rows,
        n_eligible=len(eligible),
        n_absent_from_synthetic=len(eligible) - len(present),
        subgroups=tuple(subgroups),
        population_mean_tvd=population,
        reason=reason,
    )
