"""Membership-inference attacks on a generator and on its synthetic data.

Every attack here reduces to a *score* per target row, higher meaning "more likely a member";
:func:`likelihood_attack` turns member and non-member scores into an :class:`AttackResult`
(ROC AUC with a Hanley-McNeil interval, TPR at low FPR with Clopper-Pearson intervals, the
membership advantage with a DKW interval, and a downsampled ROC curve). The attacks differ only
in how they score:

- :func:`white_box_likelihood_attack`: the model's own log-likelihood (Yeom et al. 2018);
- :func:`distance_to_closest_record_attack`: minus the Gower-like distance from a target to its
  nearest synthetic row (black-box; a weak attack, reported only beside real ones).

Nothing here returns or raises with a raw record or a raw score of one (invariant 6).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from audit.protocol import SupportsLogProb
from audit.quality import column_floats, column_labels
from audit.results import ROC_MAX_POINTS, AttackResult, ThreatModel, TprAtFpr
from privacy.errors import InvalidInputError, join_problems
from privacy.estimate import Estimate, IntervalMethod, clopper_pearson_interval

#: The low false-positive rates at which TPR is reported (Carlini et al. 2022, §3).
DEFAULT_FPR_TARGETS: tuple[float, ...] = (0.01, 0.001)

#: The advantage interval is a Dvoretzky-Kiefer-Wolfowitz band (Massart 1990): distribution-free,
#: and valid although the threshold is chosen on the same scores.
ADVANTAGE_INTERVAL_METHOD = IntervalMethod.DKW

_DCR_NOTE = (
    "Distance to closest record (DCR) alone is not evidence of privacy: membership attacks "
    "succeed on data sets whose DCR shares look safe. It is reported only beside real attacks."
)
# Scaled numeric values are clipped to this magnitude; a missing value is placed far beyond it,
# so that present-vs-missing costs the full per-column distance 1 and missing-vs-missing 0.
_NUMERIC_CLIP = 1e6
_MISSING_SENTINEL = 1e9
# Target-by-synthetic distances held at once in the nearest-neighbour search.
_CHUNK_ELEMENTS = 2_000_000


# ---------------------------------------------------------------------------------------------
# Scores to an attack result


def roc_counts(
    member_scores: np.ndarray, non_member_scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Exact empirical ROC as counts: ``(false_positives, true_positives)`` per threshold.

    Thresholds run over the distinct scores from highest to lowest, guessing "member" when
    ``score >= threshold``; tied scores enter together, so ties are never split arbitrarily.
    The first point is ``(0, 0)`` (no guess) and the last ``(n_non_members, n_members)``.
    """
    pos = _check_scores(member_scores, "member_scores")
    neg = _check_scores(non_member_scores, "non_member_scores")
    scores = np.concatenate([pos, neg])
    is_member = np.concatenate([np.ones(pos.size, dtype=np.int64), np.zeros(neg.size, np.int64)])
    order = np.argsort(-scores, kind="stable")
    scores, is_member = scores[order], is_member[order]
    # The last index of each block of equal scores closes one threshold.
    last = np.flatnonzero(np.r_[scores[1:] != scores[:-1], True])
    tp = np.cumsum(is_member)[last]
    fp = (last + 1) - tp
    return np.r_[0, fp], np.r_[0, tp]


def roc_auc(member_scores: np.ndarray, non_member_scores: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic ``P(S_member > S_non) + P(tie) / 2``.

    Computed exactly from mid-ranks (Hanley & McNeil 1982, §II: the AUC equals the Wilcoxon
    statistic divided by ``n_members * n_non_members``).
    """
    pos = _check_scores(member_scores, "member_scores")
    neg = _check_scores(non_member_scores, "non_member_scores")
    ranks = stats.rankdata(np.concatenate([pos, neg]))
    n1, n2 = pos.size, neg.size
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2
    return min(1.0, max(0.0, u / (n1 * n2)))


def hanley_mcneil_se(auc: float, *, n_members: int, n_non_members: int) -> float:
    """Standard error of an ROC AUC (Hanley & McNeil 1982, Radiology 143:29-36, eq. 1-2).

    ``SE^2 = [A(1-A) + (n1-1)(Q1-A^2) + (n2-1)(Q2-A^2)] / (n1 n2)`` with ``Q1 = A/(2-A)`` and
    ``Q2 = 2A^2/(1+A)``; ``n1`` counts members (the "abnormal" class), ``n2`` non-members.
    At ``A = 0.5`` it reduces to ``sqrt((n1+n2+1) / (12 n1 n2))``. It is 0 at ``A`` = 0 or 1,
    where the normal approximation says nothing.
    """
    if n_members <= 0 or n_non_members <= 0 or not 0 <= auc <= 1:
        raise InvalidInputError(
            f"the AUC standard error needs 0 <= auc <= 1 and positive counts (got auc={auc}, "
            f"{n_members} members, {n_non_members} non-members)"
        )
    a = auc
    q1 = a / (2 - a)
    q2 = 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_members - 1) * (q1 - a * a) + (n_non_members - 1) * (q2 - a * a)) / (
        n_members * n_non_members
    )
    return math.sqrt(max(var, 0.0))


def likelihood_attack(
    *,
    member_scores: np.ndarray,
    non_member_scores: np.ndarray,
    attack: str = "log-likelihood threshold",
    threat_model: ThreatModel = ThreatModel.WHITE_BOX_LIKELIHOOD,
    fpr_targets: Sequence[float] = DEFAULT_FPR_TARGETS,
    confidence: float = 0.95,
    notes: str = "",
) -> AttackResult:
    """Evaluate a threshold attack from its scores: higher score means "guess member".

    - ``auc``: exact Mann-Whitney AUC (ties count one half) with the normal interval
      ``A +- z SE``, SE of Hanley & McNeil (1982, eq. 1-2), clipped to [0, 1]. The interval is
      approximate (it assumes exponential-like score distributions) and degenerate at AUC 0 or 1.
    - ``tpr_at_fpr``: see :class:`TprAtFpr` (Carlini et al. 2022, "Membership Inference Attacks
      From First Principles", §3); Clopper & Pearson (1934) interval on the TPR count.
    - ``advantage``: ``max_t TPR(t) - FPR(t)`` (Yeom et al. 2018, Def. 4), equal to the
      one-sided two-sample Kolmogorov-Smirnov statistic. Its interval is the DKW band
      (Dvoretzky-Kiefer-Wolfowitz 1956 with Massart's 1990 constant): with probability at least
      ``confidence`` both empirical survival functions lie within ``eps_i = sqrt(ln(4/alpha) /
      (2 n_i))`` of the truth at every threshold, so the true advantage lies within
      ``eps_1 + eps_2`` of the empirical one. Conservative and valid although the threshold is
      chosen on the same scores.

    ``-inf`` and ``+inf`` scores are allowed; NaN is refused.
    """
    pos = _check_scores(member_scores, "member_scores")
    neg = _check_scores(non_member_scores, "non_member_scores")
    problems: list[str] = []
    if not 0 < confidence < 1:
        problems.append(f"confidence must be in (0, 1) (got {confidence})")
    bad_targets = [t for t in fpr_targets if not 0 < t < 1]
    if bad_targets:
        problems.append(f"FPR targets must be in (0, 1) (got {list(bad_targets)})")
    if problems:
        raise InvalidInputError(join_problems(problems))
    n1, n2 = pos.size, neg.size
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))

    auc = roc_auc(pos, neg)
    se = hanley_mcneil_se(auc, n_members=n1, n_non_members=n2)
    auc_est = Estimate(
        auc,
        max(0.0, auc - z * se),
        min(1.0, auc + z * se),
        n1 + n2,
        IntervalMethod.HANLEY_MCNEIL,
        confidence,
    )

    fp, tp = roc_counts(pos, neg)
    fpr, tpr = fp / n2, tp / n1

    points: dict[float, TprAtFpr] = {}
    for target in fpr_targets:
        allowed = math.floor(target * n2 + 1e-9)  # false positives admissible at this target
        # fp and tp never fall along the curve: the last admissible point has the highest TPR,
        # and the first point reaching that TPR spends the fewest false positives on it.
        best_tp = tp[np.flatnonzero(fp <= allowed)[-1]]
        i = int(np.flatnonzero(tp == best_tp)[0])
        lo, hi = clopper_pearson_interval(int(tp[i]), n1, confidence=confidence)
        value = float(tp[i]) / n1
        points[float(target)] = TprAtFpr(
            target_fpr=float(target),
            achieved_fpr=float(fp[i]) / n2,
            true_positives=int(tp[i]),
            false_positives=int(fp[i]),
            tpr=Estimate(
                value,
                min(lo, value),
                max(hi, value),
                n1,
                IntervalMethod.CLOPPER_PEARSON,
                confidence,
            ),
            resolvable=allowed >= 1,
        )

    adv = float(np.max(tpr - fpr))
    alpha = 1 - confidence
    eps = math.sqrt(math.log(4 / alpha) / (2 * n1)) + math.sqrt(math.log(4 / alpha) / (2 * n2))
    adv_est = Estimate(
        adv,
        max(0.0, adv - eps),
        min(1.0, adv + eps),
        n1 + n2,
        ADVANTAGE_INTERVAL_METHOD,
        confidence,
    )

    all_notes = [notes] if notes else []
    unresolved = [t for t, p in sorted(points.items(), reverse=True) if not p.resolvable]
    if unresolved:
        all_notes.append(
            f"TPR at FPR {', '.join(f'{t:g}' for t in unresolved)} is not resolvable with "
            f"{n2} non-members (needs at least 1/FPR); the TPR shown is at zero false positives."
        )
    if auc in (0.0, 1.0):
        all_notes.append(
            "The AUC is at its bound, where the Hanley-McNeil interval has zero width."
        )
    all_notes.append("Advantage interval: DKW band (Massart 1990).")
    return AttackResult(
        attack=attack,
        threat_model=threat_model,
        n_members=n1,
        n_non_members=n2,
        auc=auc_est,
        tpr_at_fpr=points,
        advantage=adv_est,
        roc=downsample_roc(fpr, tpr),
        notes=" ".join(all_notes),
    )


def downsample_roc(
    fpr: np.ndarray, tpr: np.ndarray, *, max_points: int = ROC_MAX_POINTS
) -> tuple[tuple[float, float], ...]:
    """At most ``max_points`` points of a step ROC curve, dense at low FPR for log axes.

    Candidates are the highest-TPR point at each distinct FPR. The FPR axis is cut into ``B``
    equal buckets on a log scale (from the smallest positive FPR to 1) and ``B`` on a linear
    scale; the last candidate of every non-empty bucket is kept, with the curve's first and
    last points and its highest point at FPR 0. ``B`` is the largest that fits the budget, so
    where the curve has few distinct low FPRs (empty buckets cost nothing) all are kept.
    """
    fpr = np.asarray(fpr, dtype=float)
    tpr = np.asarray(tpr, dtype=float)
    if fpr.size <= max_points:
        return tuple((float(f), float(t)) for f, t in zip(fpr, tpr, strict=True))
    cand = np.flatnonzero(np.r_[fpr[1:] != fpr[:-1], True])
    fixed = np.r_[0, fpr.size - 1, cand[fpr[cand] == 0]]
    pos = cand[fpr[cand] > 0]
    smallest = float(fpr[pos].min()) if pos.size else 1.0
    span = math.log(1.0 / smallest) if smallest < 1.0 else 1.0
    u_log = np.log(fpr[pos] / smallest) / span
    u_lin = fpr[pos]

    def pick(buckets: int) -> np.ndarray:
        kept = [fixed]
        for u in (u_log, u_lin):
            b = np.minimum(np.floor(u * buckets), buckets - 1)
            kept.append(pos[np.r_[b[1:] != b[:-1], True]])
        return np.unique(np.concatenate(kept))

    lo, hi = 1, fpr.size  # the largest bucket count whose pick fits (binary search)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pick(mid).size <= max_points:
            lo = mid
        else:
            hi = mid - 1
    keep = pick(lo)
    if keep.size > max_points:  # only when the fixed points alone exceed a tiny budget
        keep = keep[np.linspace(0, keep.size - 1, max_points).round().astype(int)]
    return tuple((float(fpr[i]), float(tpr[i])) for i in keep)


# ---------------------------------------------------------------------------------------------
# Attacks


def white_box_likelihood_attack(
    model: SupportsLogProb,
    *,
    members: pd.DataFrame,
    non_members: pd.DataFrame,
    fpr_targets: Sequence[float] = DEFAULT_FPR_TARGETS,
    confidence: float = 0.95,
) -> AttackResult:
    """The loss-threshold attack of Yeom et al. (2018, CSF, §3.2, "Adversary 1"): guess member
    when the model's log-likelihood of a row is high.

    ``members`` are rows the model was trained on, ``non_members`` rows from the same
    population it never saw; ideally both of equal size (:func:`balanced_targets`). The score is
    uncalibrated: rows that are easy for every model look like members. The per-example
    calibrated attack (LiRA, Carlini et al. 2022), which needs shadow models, comes in a later
    issue; this one is its weaker, cheaper lower rung.
    """
    if not isinstance(model, SupportsLogProb):
        raise InvalidInputError(
            f"the white-box attack needs a model with log_prob(rows); got {type(model).__name__}"
        )
    _check_tables({"members": members, "non_members": non_members})
    scores: list[np.ndarray] = []
    for name, rows in (("members", members), ("non_members", non_members)):
        out = np.asarray(model.log_prob(rows), dtype=float)
        if out.shape != (len(rows),):
            raise InvalidInputError(
                f"log_prob returned shape {out.shape} for {len(rows)} {name} rows; it must "
                "return one log-likelihood per row"
            )
        scores.append(out)
    return likelihood_attack(
        member_scores=scores[0],
        non_member_scores=scores[1],
        attack="log-likelihood threshold",
        threat_model=ThreatModel.WHITE_BOX_LIKELIHOOD,
        fpr_targets=fpr_targets,
        confidence=confidence,
        notes="Uncalibrated loss attack (Yeom et al. 2018); LiRA calibration not applied.",
    )


def distance_to_closest_record_attack(
    *,
    synthetic: pd.DataFrame,
    members: pd.DataFrame,
    non_members: pd.DataFrame,
    rng: np.random.Generator,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    datetime: Sequence[str] = (),
    max_synthetic_rows: int = 20_000,
    fpr_targets: Sequence[float] = DEFAULT_FPR_TARGETS,
    confidence: float = 0.95,
) -> AttackResult:
    """Black-box attack: guess member when a target row lies close to some synthetic row.

    Score = minus the Gower (1971) distance to the nearest synthetic row, the mean over
    columns of a per-column distance in [0, 1]: for numeric and date columns
    ``min(1, |x - y| / r)`` with ``r`` the 1%-99% range of the *synthetic* column (the released
    table's statistics, so the scaling itself does not depend on who is a member; Gower's
    range, made robust to outliers); for categorical columns 0 if equal, else 1. A missing value
    matches only a missing value.

    Columns default to every column of ``synthetic``: numeric dtypes are numeric, the rest
    categorical; ``datetime`` columns (ISO strings) are compared in days. Target tables may hold
    more columns (identifiers the release dropped); they are ignored. When ``synthetic`` has more
    than ``max_synthetic_rows`` rows, that many are drawn from it with ``rng``.

    DCR alone is not evidence of privacy: distance shares near 0.5 are reached by data sets on
    which membership attacks succeed (REFERENCE.md, known pitfalls; Stadler et al. 2022,
    "Synthetic Data - Anonymisation Groundhog Day"). Report it only beside real attacks.
    """
    tables = {"synthetic": synthetic, "members": members, "non_members": non_members}
    _check_tables(tables)
    num_cols, cat_cols = _dcr_columns(synthetic, numeric, categorical, datetime)
    missing = [
        f"{name} lacks {sorted(set(num_cols + cat_cols) - set(t.columns))}"
        for name, t in tables.items()
        if not set(num_cols + cat_cols) <= set(t.columns)
    ]
    if missing:
        raise InvalidInputError(join_problems(missing))
    if max_synthetic_rows <= 0:
        raise InvalidInputError(f"max_synthetic_rows must be > 0 (got {max_synthetic_rows})")
    if len(synthetic) > max_synthetic_rows:
        take = np.sort(rng.choice(len(synthetic), size=max_synthetic_rows, replace=False))
        synthetic = synthetic.iloc[take]
    dist = _closest_distances(synthetic, [members, non_members], num_cols, cat_cols, set(datetime))
    return likelihood_attack(
        member_scores=-dist[0],
        non_member_scores=-dist[1],
        attack="distance to closest record",
        threat_model=ThreatModel.BLACK_BOX_SYNTHETIC,
        fpr_targets=fpr_targets,
        confidence=confidence,
        notes=_DCR_NOTE,
    )


def closest_record_distances(
    synthetic: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    datetime: Sequence[str] = (),
) -> np.ndarray:
    """Gower distance (in [0, 1]) from each row of ``targets`` to its nearest row of
    ``synthetic``, with the column handling of :func:`distance_to_closest_record_attack`.

    A black-box score for generators that can only sample: a row the generator memorised
    reappears in its samples at distance 0.
    """
    _check_tables({"synthetic": synthetic, "targets": targets})
    num_cols, cat_cols = _dcr_columns(synthetic, numeric, categorical, datetime)
    lacking = sorted(set(num_cols + cat_cols) - set(targets.columns))
    if lacking:
        raise InvalidInputError(f"targets lack {lacking}")
    return _closest_distances(synthetic, [targets], num_cols, cat_cols, set(datetime))[0]


def _closest_distances(
    synthetic: pd.DataFrame,
    tables: list[pd.DataFrame],
    num_cols: list[str],
    cat_cols: list[str],
    dates: set[str],
) -> list[np.ndarray]:
    """Per table, the mean per-column distance of each row to its nearest synthetic row."""
    syn_num: list[np.ndarray] = []
    tab_num: list[list[np.ndarray]] = [[] for _ in tables]
    for col in num_cols:
        s = column_floats(synthetic[col], is_date=col in dates)
        finite = s[np.isfinite(s)]
        scale = _robust_range(finite)
        centre = float(np.median(finite)) if finite.size else 0.0
        syn_num.append(_scaled(s, centre, scale))
        for parts, table in zip(tab_num, tables, strict=True):
            values = column_floats(table[col], is_date=col in dates)
            parts.append(_scaled(values, centre, scale))
    syn_cat: list[np.ndarray] = []
    tab_cat: list[list[np.ndarray]] = [[] for _ in tables]
    for col in cat_cols:
        labels = column_labels(synthetic[col])
        index = pd.Index(pd.unique(labels.dropna()))
        syn_cat.append(_category_codes(labels, index, is_synthetic=True))
        for parts, table in zip(tab_cat, tables, strict=True):
            parts.append(_category_codes(column_labels(table[col]), index, is_synthetic=False))

    def stack(parts: list[np.ndarray], n: int, dtype: type) -> np.ndarray:
        return np.column_stack(parts).astype(dtype) if parts else np.empty((n, 0), dtype)

    s_num = stack(syn_num, len(synthetic), np.float64)
    s_cat = stack(syn_cat, len(synthetic), np.int64)
    n_cols = len(num_cols) + len(cat_cols)
    return [
        _nearest_gower(
            stack(nums, len(table), np.float64),
            stack(cats, len(table), np.int64),
            s_num,
            s_cat,
            n_targets=len(table),
        )
        / n_cols
        for nums, cats, table in zip(tab_num, tab_cat, tables, strict=True)
    ]


def _scaled(values: np.ndarray, centre: float, scale: float) -> np.ndarray:
    out = np.clip((values - centre) / scale, -_NUMERIC_CLIP, _NUMERIC_CLIP)
    return np.where(np.isnan(values), _MISSING_SENTINEL, out)


def _category_codes(series: pd.Series, index: pd.Index, *, is_synthetic: bool) -> np.ndarray:
    """Codes over the synthetic table's labels; missing is a code of its own."""
    codes = index.get_indexer(series).astype(np.int64)
    codes[series.isna().to_numpy()] = len(index)
    if not is_synthetic:
        codes[codes < 0] = -1  # a value the synthetic table never shows matches nothing
    return codes


def balanced_targets(
    members: pd.DataFrame, non_members: pd.DataFrame, *, n: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` members and ``n`` non-members drawn without replacement with ``rng``.

    Equal sizes make the 50% prior of a membership game explicit and the TPR and FPR equally
    precise. The caller's tables are not modified; the returned ones have a fresh 0..n-1 index.
    """
    if n <= 0 or n > len(members) or n > len(non_members):
        raise InvalidInputError(
            f"cannot draw {n} targets from each of {len(members)} members and {len(non_members)} "
            "non-members; choose 0 < n <= the smaller of the two"
        )
    picked: list[pd.DataFrame] = []
    for table in (members, non_members):
        idx = np.sort(rng.choice(len(table), size=n, replace=False))
        picked.append(table.iloc[idx].reset_index(drop=True))
    return picked[0], picked[1]


# ---------------------------------------------------------------------------------------------
# Helpers


def _check_scores(scores: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(scores, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidInputError(f"{name} must be a non-empty 1-D array (got shape {arr.shape})")
    n_nan = int(np.isnan(arr).sum())
    if n_nan:
        raise InvalidInputError(f"{name} holds {n_nan} NaN score(s); every target needs a score")
    return arr


def _check_tables(tables: dict[str, pd.DataFrame]) -> None:
    problems = [
        f"{name} must be a non-empty DataFrame"
        for name, t in tables.items()
        if not isinstance(t, pd.DataFrame) or len(t) == 0
    ]
    if problems:
        raise InvalidInputError(join_problems(problems))


def columns_by_dtype(table: pd.DataFrame, *, exclude: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """The table's columns (less ``exclude``) split into numeric dtypes (booleans excepted) and
    the rest, which the attacks treat as categorical."""
    rest = [c for c in table.columns if c not in set(exclude)]
    num = [
        c
        for c in rest
        if pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
    ]
    return num, [c for c in rest if c not in num]


def _dcr_columns(
    synthetic: pd.DataFrame,
    numeric: Sequence[str] | None,
    categorical: Sequence[str] | None,
    datetime: Sequence[str],
) -> tuple[list[str], list[str]]:
    """Numeric (including date) and categorical columns the distance uses."""
    dates = list(datetime)
    if numeric is None and categorical is None:
        num, cat = columns_by_dtype(synthetic, exclude=dates)
    else:
        num, cat = list(numeric or ()), list(categorical or ())
    num_cols = num + dates
    overlap = set(num_cols) & set(cat)
    if len(set(num_cols)) != len(num_cols) or overlap:
        raise InvalidInputError(
            f"a column may be listed once only; {sorted(overlap)} are listed as both numeric "
            "and categorical"
        )
    if not num_cols and not cat:
        raise InvalidInputError("the distance needs at least one column")
    return num_cols, cat


def _robust_range(values: np.ndarray) -> float:
    """The 1%-99% quantile range, else the full range, else 1 (a constant column)."""
    if values.size == 0:
        return 1.0
    lo, hi = np.quantile(values, [0.01, 0.99])
    if hi > lo:
        return float(hi - lo)
    full = float(values.max() - values.min())
    return full if full > 0 else 1.0


def _nearest_gower(
    t_num: np.ndarray, t_cat: np.ndarray, s_num: np.ndarray, s_cat: np.ndarray, *, n_targets: int
) -> np.ndarray:
    """Summed per-column distance from each target to its nearest synthetic row, by chunks."""
    n_syn = max(s_num.shape[0], s_cat.shape[0])
    chunk = max(1, _CHUNK_ELEMENTS // max(1, n_syn))
    out = np.empty(n_targets)
    for start in range(0, n_targets, chunk):
        stop = min(start + chunk, n_targets)
        total = np.zeros((stop - start, n_syn))
        for j in range(t_num.shape[1]):
            diff = np.abs(t_num[start:stop, j, None] - s_num[None, :, j])
            total += np.minimum(diff, 1.0)
        for j in range(t_cat.shape[1]):
            total += t_cat[start:stop, j, None] != s_cat[None, :, j]
        out[start:stop] = total.min(axis=1)
    return out
