"""Attribute disclosure within equivalence classes: l-diversity and t-closeness.

k-anonymity stops an attacker from singling out a record, but not from learning its sensitive
value when a class holds few distinct values or a skewed mix of them. For one sensitive attribute
and the equivalence classes of a table (records that share every quasi-identifier value) this
module measures, exactly, over the whole table:

* **distinct l-diversity**: the fewest distinct sensitive values in any class (the name is from
  Li, Li & Venkatasubramanian 2007, Sec. 2; Machanavajjhala et al. 2007, Sec. 4.1, call it the
  naive instantiation of the l-diversity principle).
* **entropy l-diversity** (Machanavajjhala, Kifer, Gehrke & Venkitasubramaniam, "l-Diversity:
  Privacy Beyond k-Anonymity", ACM TKDD 1(1), 2007, Def. 4.1): a table is entropy-l-diverse when
  every class has ``-sum_s p(s) log p(s) >= log l``; the largest such l is ``exp`` of the smallest
  class entropy (natural log; a real number, not rounded down).
* **recursive (c, l)-diversity** (ibid., Def. 4.2): with ``r_1 >= r_2 >= ... >= r_m`` the counts
  of a class's sensitive values, the class is (c, l)-diverse when
  ``r_1 < c (r_l + r_{l+1} + ... + r_m)``; for a given c the largest l every class meets.
* **t-closeness** (Li, Li & Venkatasubramanian, "t-Closeness: Privacy Beyond k-Anonymity and
  l-Diversity", ICDE 2007, Def. 2 and Sec. 4): the largest Earth Mover's Distance between a
  class's sensitive distribution P and the whole table's Q. *Ordered distance* (numeric, datetime
  or ordered categorical attributes): over the m sorted distinct values with ground distance
  ``|i - j| / (m - 1)``, ``EMD = 1/(m-1) sum_i |sum_{j<=i} (p_j - q_j)|``. *Equal distance*
  (other attributes): every pair of values is at distance 1, ``EMD = 1/2 sum_i |p_i - q_i|``,
  the total variation distance.

Missing sensitive values (``NaN``, ``None``, ``NaT``, ``pd.NA``) form one category of their own,
as in ARX; for the ordered distance that category sorts after the largest value.

Everything is vectorised over a sparse class x value contingency table: its rows are the (class,
value) pairs that occur, never a dense classes x values matrix. The ordered EMD is summed run by
run: between two values present in a class the class's cumulative distribution is constant, and
the table's is non-decreasing, so each run splits at one point (found by ``searchsorted``) into a
part below and a part above the constant, each summed from prefix sums. Sums are kept in exact
integer units of ``1 / (N * n_class)`` whenever int64 cannot overflow, so equal distributions
give exactly 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems

# Classes below these l are counted in DiversityResult.classes_below.
BELOW_THRESHOLDS: tuple[int, ...] = (2, 3, 4, 5)
# exp(entropy) within this relative distance of an integer is that integer (a uniform class over
# l values has entropy log l, which exp() returns as l +- 1 ulp).
_ENTROPY_SNAP = 1e-9
_INT64_SAFE = 2**62


class TDistance(StrEnum):
    """Ground distance of the Earth Mover's Distance in t-closeness (Li et al. 2007, Sec. 4)."""

    ORDERED = "ordered"  # |i - j| / (m - 1) between the i-th and j-th sorted distinct values
    EQUAL = "equal"  # 1 between any two different values: total variation distance


@dataclass(frozen=True)
class DiversityResult:
    """l-diversity and t-closeness of one sensitive attribute over a table's equivalence classes.

    Counts, column name and measures only; never a sensitive value. Every figure is exact over
    the whole table (no sampling), and each is the worst class's value: the table is distinct-,
    entropy- and recursive-(c, l)-diverse for the reported l and t-close for the reported t.
    """

    sensitive: str
    n_records: int
    n_classes: int
    distinct_l: int  # fewest distinct sensitive values in a class
    entropy_l: float  # exp(smallest class entropy), natural log (Machanavajjhala et al. Def. 4.1)
    recursive_c: float  # the c of recursive (c, l)-diversity that recursive_l is measured for
    recursive_l: int  # largest l with recursive (c, l)-diversity in every class; 1 if none better
    t_closeness: float  # largest EMD between a class's and the table's distribution, in [0, 1]
    t_distance: TDistance  # ground distance of the EMD: "ordered" or "equal"
    classes_below: dict[str, int]  # "distinct_l<2", "entropy_l<3", "recursive_l<2", ... -> classes

    def __post_init__(self) -> None:
        problems = []
        if self.t_distance in set(TDistance):
            object.__setattr__(self, "t_distance", TDistance(self.t_distance))
        else:
            problems.append(f"t_distance must be one of {[d.value for d in TDistance]}")
        if self.n_records < 1 or not 1 <= self.n_classes <= self.n_records:
            problems.append("a result needs 1 <= n_classes <= n_records")
        if self.distinct_l < 1:
            problems.append("distinct_l must be >= 1")
        if not (math.isfinite(self.entropy_l) and 1.0 <= self.entropy_l <= self.distinct_l):
            problems.append("entropy_l must be finite and in [1, distinct_l]")
        if not (math.isfinite(self.recursive_c) and self.recursive_c > 0):
            problems.append("recursive_c must be finite and > 0")
        if not 1 <= self.recursive_l <= self.distinct_l:
            problems.append("recursive_l must be in [1, distinct_l]")
        if not (math.isfinite(self.t_closeness) and 0.0 <= self.t_closeness <= 1.0):
            problems.append("t_closeness must be in [0, 1]")
        if any(v < 0 or v > self.n_classes for v in self.classes_below.values()):
            problems.append("classes_below counts must be in [0, n_classes]")
        if problems:
            raise InvalidInputError(join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready numbers and the column name; no sensitive value."""
        return {
            "sensitive": self.sensitive,
            "n_records": self.n_records,
            "n_classes": self.n_classes,
            "distinct_l": self.distinct_l,
            "entropy_l": self.entropy_l,
            "recursive_c": self.recursive_c,
            "recursive_l": self.recursive_l,
            "t_closeness": self.t_closeness,
            "t_distance": self.t_distance.value,
            "classes_below": dict(self.classes_below),
            "model": (
                "distinct, entropy and recursive (c, l)-diversity (Machanavajjhala et al. 2007); "
                "t-closeness with the Earth Mover's Distance (Li, Li & Venkatasubramanian 2007); "
                "missing values form their own category"
            ),
        }


def measure_diversity(
    class_ids: np.ndarray,
    sensitive: pd.Series,
    *,
    n_classes: int | None = None,
    ordered: bool | None = None,
    recursive_c: float = 3.0,
    sensitive_name: str | None = None,
) -> DiversityResult:
    """Distinct, entropy and recursive (c, l)-diversity and t-closeness of ``sensitive``.

    ``class_ids[r]`` is the equivalence-class index, in ``0 .. n_classes - 1``, of record ``r``
    (e.g. ``table.groupby(qis, dropna=False, sort=False).ngroup()``); ``sensitive[r]`` is its
    sensitive value, read by position. Every class index must be used (an empty class has no
    diversity to measure). ``n_classes`` defaults to ``max(class_ids) + 1``.

    ``ordered`` picks the EMD ground distance of t-closeness: ``True`` the ordered distance over
    the sorted distinct values, ``False`` the equal distance; ``None`` (default) the ordered one
    for numeric, datetime, timedelta and ordered categorical columns, equal otherwise.
    ``recursive_c`` is the c of recursive (c, l)-diversity (Machanavajjhala et al. 2007,
    Def. 4.2); ``recursive_l`` is the largest l with ``r_1 < c (r_l + ... + r_m)`` in every
    class, where l = 1 is taken to hold always. ``sensitive_name`` defaults to the Series' name.

    Raises :class:`InvalidInputError` listing every problem with the input; messages name counts
    and types only, never a value from the table.
    """
    codes, n_values, distance, ids, k, name = _checked_input(
        class_ids, sensitive, n_classes, ordered, recursive_c, sensitive_name
    )
    n = int(codes.size)

    # Sparse contingency table: one row per (class, value) pair that occurs, sorted by class
    # then by value code (for the ordered distance the codes follow the sorted values).
    keys, pair_counts = np.unique(ids * np.int64(n_values) + codes, return_counts=True)
    pair_class = keys // n_values
    pair_value = keys - pair_class * n_values
    pair_counts = pair_counts.astype(np.int64)
    sizes = np.bincount(ids, minlength=k).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, pair_class[1:] != pair_class[:-1]])
    table_counts = np.bincount(codes, minlength=n_values).astype(np.int64)

    distinct = np.diff(np.r_[starts, pair_class.size])
    entropy_l = _entropy_l(pair_class, pair_counts, sizes)
    recursive = _recursive_l(pair_class, pair_counts, sizes, starts, float(recursive_c))
    if distance is TDistance.ORDERED:
        emd = _ordered_emd(pair_class, pair_value, pair_counts, sizes, starts, table_counts, n)
    else:
        emd = _equal_emd(pair_class, pair_value, pair_counts, sizes, starts, table_counts, n)

    below: dict[str, int] = {}
    for label, per_class in (
        ("distinct_l", distinct),
        ("entropy_l", entropy_l),
        ("recursive_l", recursive),
    ):
        for threshold in BELOW_THRESHOLDS:
            below[f"{label}<{threshold}"] = int(np.count_nonzero(per_class < threshold))
    return DiversityResult(
        sensitive=name,
        n_records=n,
        n_classes=k,
        distinct_l=int(distinct.min()),
        entropy_l=float(entropy_l.min()),
        recursive_c=float(recursive_c),
        recursive_l=int(recursive.min()),
        t_closeness=float(min(1.0, max(0.0, emd.max()))),
        t_distance=distance,
        classes_below=below,
    )


def _checked_input(
    class_ids: Any,
    sensitive: Any,
    n_classes: Any,
    ordered: Any,
    recursive_c: Any,
    sensitive_name: Any,
) -> tuple[np.ndarray, int, TDistance, np.ndarray, int, str]:
    """Every problem with the arguments at once; then the factorised sensitive column."""
    if not isinstance(sensitive, pd.Series):
        raise InvalidInputError(
            f"sensitive must be a pandas Series (got {type(sensitive).__name__}); "
            "pass table[column]"
        )
    problems: list[str] = []
    ids = np.asarray(class_ids)
    ids_ok = ids.ndim == 1 and ids.dtype.kind in "iu"
    if not ids_ok:
        problems.append(
            f"class_ids must be a 1-D integer array (got {ids.ndim}-D of dtype {ids.dtype}); "
            "build it with pd.factorize or groupby(...).ngroup()"
        )
    if len(sensitive) == 0 or ids.size == 0:
        problems.append("the table is empty; diversity needs at least one record")
    if ids.ndim == 1 and ids.size != len(sensitive):
        problems.append(
            f"class_ids has {ids.size} entries but sensitive has {len(sensitive)}; "
            "give one class id per record"
        )
    k: int | None = None
    if n_classes is not None:
        if isinstance(n_classes, bool) or not isinstance(n_classes, Integral) or n_classes < 1:
            problems.append(f"n_classes must be a positive integer or None (got {n_classes!r})")
        else:
            k = int(n_classes)
    if ordered is not None and not isinstance(ordered, bool | np.bool_):
        problems.append(f"ordered must be True, False or None (got {type(ordered).__name__})")
    if (
        isinstance(recursive_c, bool)
        or not isinstance(recursive_c, Real)
        or not math.isfinite(float(recursive_c))
        or recursive_c <= 0
    ):
        problems.append(f"recursive_c must be a finite number > 0 (got {recursive_c!r})")
    if sensitive_name is not None and not isinstance(sensitive_name, str):
        problems.append("sensitive_name must be a string or None")
    if ids_ok and ids.size > 0 and (n_classes is None or k is not None):
        low, high = int(ids.min()), int(ids.max())
        if k is None:
            k = high + 1
        outside = int(np.count_nonzero((ids < 0) | (ids >= k))) if low < 0 or high >= k else 0
        if outside:
            problems.append(
                f"{outside} class ids are outside 0..n_classes-1 (n_classes = {k}); "
                "number the classes from 0, e.g. with pd.factorize"
            )
        elif k > 0:
            empty = k - int(np.count_nonzero(np.bincount(ids, minlength=k)))
            if empty:
                problems.append(
                    f"{empty} of the {k} classes have no records; every class id in "
                    "0..n_classes-1 must be used (pd.factorize numbers them so)"
                )
    if problems:
        raise InvalidInputError(join_problems(problems))
    assert k is not None

    if ordered is None:
        ordered = _is_ordered_kind(sensitive.dtype)
    distance = TDistance.ORDERED if ordered else TDistance.EQUAL
    try:
        codes, uniques = pd.factorize(sensitive, sort=bool(ordered), use_na_sentinel=False)
    except TypeError as error:  # values with no common order
        raise InvalidInputError(
            f"the sensitive column (dtype {sensitive.dtype}) cannot be sorted for the ordered "
            "distance; pass ordered=False"
        ) from error
    if sensitive_name is None:
        sensitive_name = "sensitive" if sensitive.name is None else str(sensitive.name)
    return (
        codes.astype(np.int64, copy=False),
        len(uniques),
        distance,
        ids.astype(np.int64, copy=False),
        k,
        sensitive_name,
    )


def _is_ordered_kind(dtype: Any) -> bool:
    """Numeric, datetime, timedelta and ordered categorical columns have a natural order."""
    if isinstance(dtype, pd.CategoricalDtype):
        return bool(dtype.ordered)
    return bool(
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    )


def _entropy_l(pair_class: np.ndarray, pair_counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per class ``exp(H)``, ``H = log n - (1/n) sum_s r_s log r_s`` (natural log)."""
    weighted = np.bincount(
        pair_class, weights=pair_counts * np.log(pair_counts), minlength=sizes.size
    )
    value = np.exp(np.log(sizes) - weighted / sizes)
    nearest = np.rint(value)
    value = np.where(np.abs(value - nearest) <= _ENTROPY_SNAP * value, nearest, value)
    return np.maximum(value, 1.0)


def _recursive_l(
    pair_class: np.ndarray,
    pair_counts: np.ndarray,
    sizes: np.ndarray,
    starts: np.ndarray,
    c: float,
) -> np.ndarray:
    """Per class the largest l with ``r_1 < c (r_l + ... + r_m)`` (l = 1 always counts).

    The tail sum falls as l grows, so the l that pass form a run 2..L and L = 1 + their number.
    """
    order = np.lexsort((-pair_counts, pair_class))  # by class, most frequent value first
    counts = pair_counts[order]
    classes = pair_class[order]
    rank = np.arange(counts.size) - starts[classes]  # 0 for r_1
    before = np.cumsum(counts) - counts  # records in earlier pairs, all classes
    tail = sizes[classes] - (before - before[starts][classes])  # r_l + ... + r_m
    largest = counts[starts][classes]  # r_1
    passes = (rank >= 1) & (largest < c * tail)
    return 1 + np.bincount(classes[passes], minlength=sizes.size)


def _ordered_emd(
    pair_class: np.ndarray,
    pair_value: np.ndarray,
    pair_counts: np.ndarray,
    sizes: np.ndarray,
    starts: np.ndarray,
    table_counts: np.ndarray,
    n: int,
) -> np.ndarray:
    """Per class EMD under the ordered distance (Li et al. 2007, Sec. 4).

    In units of ``1 / (n * n_c)`` the class's term at sorted value i is
    ``|K(i) n - Qc(i) n_c|``, K and Qc the class's and the table's cumulative counts. K is
    constant, say K, on each run ``[a, b)`` from a value present in the class to the next one;
    Qc rises, so the run splits at ``s`` (first i with ``Qc(i) n_c > K n``) and sums to
    ``K n (2s - a - b) + n_c (SQ(a) + SQ(b) - 2 SQ(s))`` with ``SQ(x) = sum_{i<x} Qc(i)``. Before
    the class's first value K = 0 and the run sums to ``n_c SQ(first)``.
    """
    m = table_counts.size
    if m < 2:
        return np.zeros(sizes.size)
    table_cum = np.cumsum(table_counts)
    prefix = np.r_[0, np.cumsum(table_cum)]  # SQ(0..m)
    exact = 3 * n * n * m < _INT64_SAFE
    dtype = np.int64 if exact else np.float64

    class_of = pair_class
    n_c = sizes[class_of]
    cum = np.cumsum(pair_counts)
    k_cum = cum - (cum[starts] - pair_counts[starts])[class_of]  # K after this pair's value
    last = np.r_[pair_class[1:] != pair_class[:-1], True]
    a = pair_value
    b = np.where(last, m, np.r_[pair_value[1:], m])
    split = np.searchsorted(table_cum, (k_cum * n) // n_c, side="right")
    split = np.clip(split, a, b)
    k_n = (k_cum * n).astype(dtype)
    n_c_d = n_c.astype(dtype)
    run = k_n * (2 * split - a - b).astype(dtype) + n_c_d * (
        prefix[a] + prefix[b] - 2 * prefix[split]
    ).astype(dtype)
    total = np.add.reduceat(run, starts)
    total = total + sizes.astype(dtype) * prefix[pair_value[starts]].astype(dtype)
    return total.astype(np.float64) / (float(n) * sizes.astype(np.float64) * (m - 1))


def _equal_emd(
    pair_class: np.ndarray,
    pair_value: np.ndarray,
    pair_counts: np.ndarray,
    sizes: np.ndarray,
    starts: np.ndarray,
    table_counts: np.ndarray,
    n: int,
) -> np.ndarray:
    """Per class EMD under the equal distance: ``1/2 sum_s |p_s - q_s|`` (Li et al. 2007, Sec. 4).

    In units of ``1 / (n * n_c)``: ``|r_s n - Q_s n_c|`` for the values in the class, plus
    ``n_c (n - sum of their Q_s)`` for the values absent from it.
    """
    dtype = np.int64 if 2 * n * n < _INT64_SAFE else np.float64
    n_c = sizes[pair_class].astype(dtype)
    q = table_counts[pair_value].astype(dtype)
    present = np.abs(pair_counts.astype(dtype) * n - q * n_c)
    in_class = np.add.reduceat(present, starts)
    covered = np.add.reduceat(q, starts)
    total = in_class + sizes.astype(dtype) * (n - covered)
    return total.astype(np.float64) / (2.0 * float(n) * sizes.astype(np.float64))
