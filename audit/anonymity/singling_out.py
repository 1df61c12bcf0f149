"""Singling out: can the synthetic release isolate one real person?

Article 29 Working Party, Opinion 05/2014 (WP216): singling out is "the possibility to isolate
some or all records which identify an individual in the dataset". Following Giomi et al. (2023)
and anonymeter, the attacker writes *predicates* (conjunctions of conditions such as ``age >= 87
and ward == "oncology"``) from the synthetic table alone, keeping those that match exactly one
synthetic record, and claims each of them isolates one real person. A predicate *singles out* in
a real table when it matches exactly one of its rows. The success rate is the share of
predicates that single out a training row; the control rate the share that single out a control
row.

Differences from anonymeter (each pinned by a test):

- The real tables are *not* deduplicated. anonymeter calls ``unique()`` on ``ori`` and
  ``control``, so a predicate that matches two identical real records (two people) counts as
  singling out one.
- Every trial is one predicate the attacker actually wrote, so the rates rest on the number of
  predicates generated. anonymeter divides by ``n_attacks`` even when fewer predicates could be
  built, counting each missing predicate as a failed attack (the under-estimate of
  aidotse/LeakPro issue #182).
- When ``ori`` and ``control`` differ in size the predicates are checked against a random subset
  of the larger table of the size of the smaller one, drawn with ``rng``; a predicate is more
  likely to match exactly one row in a smaller table, so both sides must be equally large.
  anonymeter instead rescales the control count with a curve fitted to resampled sub-tables,
  which yields non-integer counts and can fail to converge.
- Predicates are structured conditions, never query strings, so column names and values with
  quotes or operator characters need no escaping; randomness comes from ``rng`` only.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from audit.anonymity._tables import (
    CHUNK_ELEMENTS,
    Encoded,
    check_tables,
    encode,
    infer_kinds,
    raise_if,
)
from audit.anonymity.results import (
    AnonymityAttack,
    ParameterValue,
    PrivacyAttackResult,
    SinglingOutMode,
)
from privacy.errors import InvalidInputError

#: Candidate predicates drawn and checked against the synthetic table per batch.
GENERATION_BATCH = 1000
#: The multivariate attacker stops after this many candidate predicates per attack asked for.
DEFAULT_ATTEMPTS_PER_ATTACK = 200


class PredicateOp(StrEnum):
    """A condition on one column. Comparisons are False on a missing value (so ``!=`` means
    "present and different"); missing values are matched by ``IS_MISSING`` only."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IS_MISSING = "is missing"
    IS_PRESENT = "is present"


_CODE = {op: i for i, op in enumerate(PredicateOp)}
_OPS = tuple(PredicateOp)
_EQ, _NE, _LT, _LE, _GT, _GE, _MISSING, _PRESENT = range(8)
_ALWAYS = 8  # pads a predicate with fewer conditions than the widest one
_ORDERING = {_LT, _LE, _GT, _GE}


@dataclass(frozen=True)
class Condition:
    """``column op value``. ``value`` is a category label or a number (dates in days since
    1970-01-01) and is None for ``IS_MISSING`` / ``IS_PRESENT``. It holds a value from the
    synthetic table: keep predicates out of reports (invariant 6)."""

    column: Hashable
    op: PredicateOp
    value: object = None


@dataclass(frozen=True)
class Predicate:
    """A conjunction of conditions; it *singles out* in a table when it matches exactly one row."""

    conditions: tuple[Condition, ...]

    def count(self, table: pd.DataFrame) -> int:
        """How many rows of ``table`` match every condition."""
        return int(count_matches((self,), table)[0])


def count_matches(predicates: Sequence[Predicate], table: pd.DataFrame) -> np.ndarray:
    """Number of rows of ``table`` each predicate matches (all rows count, duplicates too)."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"table must be a pandas DataFrame (got {type(table).__name__})")
    columns = list(dict.fromkeys(c.column for p in predicates for c in p.conditions))
    raise_if([f"a predicate names unknown column {str(c)!r}" for c in columns if c not in table])
    kinds, problems = infer_kinds({"table": table}, columns)
    raise_if(problems)
    enc = encode({"table": table}, columns, kinds)
    cols, ops, vals = _encode_predicates(predicates, enc)
    return _count(enc.values["table"], cols, ops, vals)


def singling_out_predicates(
    syn: pd.DataFrame,
    *,
    mode: SinglingOutMode,
    n_predicates: int,
    rng: np.random.Generator,
    n_cols: int = 3,
    max_attempts: int | None = None,
) -> tuple[Predicate, ...]:
    """At most ``n_predicates`` distinct predicates that each match exactly one distinct row of
    ``syn`` (the attacker's step of :func:`singling_out_attack`, for inspection and tests)."""
    mode = _check_mode(mode)
    problems: list[str] = []
    if not isinstance(syn, pd.DataFrame) or len(syn) == 0 or syn.shape[1] == 0:
        raise InvalidInputError("syn must be a non-empty DataFrame")
    problems.extend(_option_problems(mode, n_cols, max_attempts, syn.shape[1]))
    if isinstance(n_predicates, bool) or not isinstance(n_predicates, int) or n_predicates < 1:
        problems.append(f"n_predicates must be an integer >= 1 (got {n_predicates!r})")
    if not isinstance(rng, np.random.Generator):
        problems.append("rng must be a numpy.random.Generator")
    raise_if(problems)
    columns = list(syn.columns)
    kinds, problems = infer_kinds({"syn": syn}, columns)
    raise_if(problems)
    enc = encode({"syn": syn}, columns, kinds)
    unique = _unique_rows(enc.values["syn"])
    attempts = max_attempts or DEFAULT_ATTEMPTS_PER_ATTACK * n_predicates
    cols, ops, vals = _attack_predicates(
        unique, enc.numeric_mask, mode, n_predicates, n_cols, attempts, rng
    )
    return _decode_predicates(cols, ops, vals, enc)


def singling_out_attack(
    *,
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    n_attacks: int,
    rng: np.random.Generator,
    mode: SinglingOutMode = SinglingOutMode.MULTIVARIATE,
    n_cols: int = 3,
    max_attempts: int | None = None,
    confidence: float = 0.95,
) -> PrivacyAttackResult:
    """Singling-out attack of Giomi et al. (2023) on a synthetic release.

    **Attacker.** From the distinct rows of ``syn`` only, build up to ``n_attacks`` distinct
    predicates that match exactly one of them:

    - ``UNIVARIATE``: one condition each: ``== v`` for a value held by one synthetic row,
      ``<= min`` / ``>= max`` of a numeric column, ``is missing`` when one row is missing there;
      drawn at random from all such candidates.
    - ``MULTIVARIATE``: take a random synthetic row and ``n_cols`` random columns; a category
      gives ``== value``, a number ``>= value`` above the column's synthetic median and ``<=
      value`` otherwise (towards the tail, where records are rarer), a missing value ``is
      missing``. Candidates are drawn until ``n_attacks`` single out or ``max_attempts``
      (default ``200 * n_attacks``) have been tried.

    **Scoring.** A predicate succeeds on a table when it matches exactly one of its rows.
    ``attack_rate``: successes on ``ori``; ``control_rate``: on ``control``. Both tables are cut
    to the smaller one's size by a random subset drawn with ``rng`` (see the module docstring).
    Trials are the predicates built; when fewer than ``n_attacks`` could be built a note says so.

    **Baseline.** ``n_attacks`` random predicates over the same number of columns (1 in
    univariate mode): each condition takes a random distinct synthetic value of a random column
    and a random operator (``==``/``!=`` for categories, any comparison for numbers; a missing
    value gives ``is missing`` / ``is present``), scored on ``ori`` like the attack.

    Raises :class:`InvalidInputError` for empty or mismatched tables, ``n_attacks < 1``,
    ``n_cols`` outside ``1..number of columns``, or when no predicate singling out a synthetic
    row can be built.
    """
    problems = check_tables(ori, syn, control, n_attacks=n_attacks, rng=rng, confidence=confidence)
    mode_ok: SinglingOutMode | None = None
    try:
        mode_ok = _check_mode(mode)
    except InvalidInputError as exc:
        problems.append(str(exc))
    n_columns = syn.shape[1] if isinstance(syn, pd.DataFrame) else 0
    if mode_ok is not None:
        problems.extend(_option_problems(mode_ok, n_cols, max_attempts, n_columns))
    raise_if(problems)
    assert mode_ok is not None
    k = 1 if mode_ok is SinglingOutMode.UNIVARIATE else n_cols
    attempts = max_attempts or DEFAULT_ATTEMPTS_PER_ATTACK * int(n_attacks)

    tables = {"ori": ori, "syn": syn, "control": control}
    columns = list(ori.columns)
    kinds, problems = infer_kinds(tables, columns)
    raise_if(problems)
    enc = encode(tables, columns, kinds)
    unique = _unique_rows(enc.values["syn"])
    numeric = enc.numeric_mask

    cols, ops, vals = _attack_predicates(unique, numeric, mode_ok, int(n_attacks), k, attempts, rng)
    n_built = cols.shape[0]
    where = "" if mode_ok is SinglingOutMode.UNIVARIATE else f" within {attempts} attempts"
    if n_built == 0:
        advice = (
            "use multivariate mode"
            if mode_ok is SinglingOutMode.UNIVARIATE
            else "lower n_cols, use univariate mode or raise max_attempts"
        )
        raise InvalidInputError(
            f"no predicate over {k} column(s) matches exactly one distinct synthetic row{where}; "
            f"{advice}"
        )
    size = min(len(ori), len(control))
    ori_rows = _subset(enc.values["ori"], size, rng)
    control_rows = _subset(enc.values["control"], size, rng)
    attack_successes = int((_count(ori_rows, cols, ops, vals) == 1).sum())
    control_successes = int((_count(control_rows, cols, ops, vals) == 1).sum())
    b_cols, b_ops, b_vals = _random_predicates(unique, numeric, int(n_attacks), k, rng)
    baseline_successes = int((_count(ori_rows, b_cols, b_ops, b_vals) == 1).sum())

    notes: list[str] = []
    if n_built < n_attacks:
        notes.append(
            f"Only {n_built} of the {n_attacks} requested predicates singled out a synthetic "
            f"record{where}; the attack and control rates rest on {n_built} trials."
        )
    if len(ori) != len(control):
        notes.append(
            f"Predicates were checked against {size} rows of each real table (ori has "
            f"{len(ori)}, control {len(control)}), drawn at random, so that both are equally "
            "large."
        )
    parameters: tuple[tuple[str, ParameterValue], ...] = (
        ("mode", mode_ok.value),
        ("n_cols", int(k)),
        ("max_attempts", int(attempts)),
        ("population_rows", int(size)),
    )
    return PrivacyAttackResult.from_counts(
        attack=AnonymityAttack.SINGLING_OUT,
        parameters=parameters,
        n_attacks=int(n_attacks),
        attack_successes=attack_successes,
        attack_trials=n_built,
        baseline_successes=baseline_successes,
        baseline_trials=int(n_attacks),
        control_successes=control_successes,
        control_trials=n_built,
        confidence=float(confidence),
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# Helpers


def _check_mode(mode: object) -> SinglingOutMode:
    try:
        return SinglingOutMode(mode)
    except ValueError:
        raise InvalidInputError(
            f"mode must be one of {[m.value for m in SinglingOutMode]}"
        ) from None


def _option_problems(
    mode: SinglingOutMode, n_cols: object, max_attempts: object, n_columns: int
) -> list[str]:
    problems: list[str] = []
    if mode is SinglingOutMode.MULTIVARIATE:
        if isinstance(n_cols, bool) or not isinstance(n_cols, int):
            problems.append(f"n_cols must be an integer (got {type(n_cols).__name__})")
        elif not 1 <= n_cols <= max(1, n_columns):
            problems.append(
                f"n_cols must be between 1 and the number of columns ({n_columns}); got {n_cols}"
            )
    if max_attempts is not None and (
        isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1
    ):
        problems.append(f"max_attempts must be None or an integer >= 1 (got {max_attempts!r})")
    return problems


def _unique_rows(values: np.ndarray) -> np.ndarray:
    """Distinct rows, missing values equal to each other (the attacker's view of ``syn``)."""
    return pd.DataFrame(values).drop_duplicates().to_numpy(dtype=np.float64)


def _subset(values: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    if values.shape[0] == size:
        return values
    return values[np.sort(rng.choice(values.shape[0], size=size, replace=False))]


def _apply(code: int, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    if code == _EQ:
        return x == v
    if code == _NE:
        return (x != v) & ~np.isnan(x)
    if code == _LT:
        return x < v
    if code == _LE:
        return x <= v
    if code == _GT:
        return x > v
    if code == _GE:
        return x >= v
    if code == _MISSING:
        return np.isnan(x)
    return ~np.isnan(x)


def _count(values: np.ndarray, cols: np.ndarray, ops: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """Rows of ``values`` matched by each predicate ``(cols[i], ops[i], vals[i])``, by blocks."""
    n_rows = values.shape[0]
    n_pred = cols.shape[0]
    counts = np.zeros(n_pred, dtype=np.int64)
    chunk = max(1, CHUNK_ELEMENTS // max(1, n_rows))
    for start in range(0, n_pred, chunk):
        stop = min(start + chunk, n_pred)
        match = np.ones((stop - start, n_rows), dtype=bool)
        for j in range(cols.shape[1]):
            block_ops = ops[start:stop, j]
            for code in np.unique(block_ops):
                if code == _ALWAYS:
                    continue
                rows = np.flatnonzero(block_ops == code)
                x = values[:, cols[start + rows, j]].T
                match[rows] &= _apply(int(code), x, vals[start + rows, j, None])
        counts[start:stop] = match.sum(axis=1)
    return counts


def _attack_predicates(
    unique: np.ndarray,
    numeric: np.ndarray,
    mode: SinglingOutMode,
    n: int,
    k: int,
    max_attempts: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if mode is SinglingOutMode.UNIVARIATE:
        return _univariate(unique, numeric, n, rng)
    return _multivariate(unique, numeric, n, k, max_attempts, rng)


def _univariate(
    unique: np.ndarray, numeric: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every one-condition predicate that isolates a distinct synthetic row, ``n`` at random.

    Each candidate singles out by construction: a value held by one row, the minimum or maximum
    when one row holds it, ``is missing`` when one row is missing."""
    cols: list[np.ndarray] = []
    ops: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for j in range(unique.shape[1]):
        x = unique[:, j]
        missing = np.isnan(x)
        present = x[~missing]
        if missing.sum() == 1:
            cols.append(np.array([j]))
            ops.append(np.array([_MISSING]))
            vals.append(np.array([0.0]))
        if present.size == 0:
            continue
        values, counts = np.unique(present, return_counts=True)
        if numeric[j]:
            for code, extreme, count in ((_LE, 0, counts[0]), (_GE, -1, counts[-1])):
                if count == 1:
                    cols.append(np.array([j]))
                    ops.append(np.array([code]))
                    vals.append(np.array([values[extreme]]))
        rare = values[counts == 1]
        cols.append(np.full(rare.size, j))
        ops.append(np.full(rare.size, _EQ))
        vals.append(rare)
    if not cols:
        return _empty(1)
    c = np.concatenate(cols).astype(np.int64)
    o = np.concatenate(ops).astype(np.int8)
    v = np.concatenate(vals).astype(np.float64)
    keep = rng.permutation(c.size)[:n]
    return c[keep, None], o[keep, None], v[keep, None]


def _multivariate(
    unique: np.ndarray,
    numeric: np.ndarray,
    n: int,
    k: int,
    max_attempts: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicates read off random synthetic rows, kept when they isolate that row."""
    n_rows, n_cols_total = unique.shape
    medians = np.full(n_cols_total, np.nan)
    for j in np.flatnonzero(numeric):
        present = unique[:, j][~np.isnan(unique[:, j])]
        if present.size:
            medians[j] = float(np.median(present))
    seen: set[bytes] = set()
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    attempts = 0
    while len(kept) < n and attempts < max_attempts:
        batch = min(GENERATION_BATCH, max_attempts - attempts)
        attempts += batch
        rows = rng.integers(0, n_rows, size=batch)
        cols = np.sort(np.argsort(rng.random((batch, n_cols_total)), axis=1)[:, :k], axis=1)
        vals = unique[rows[:, None], cols]
        missing = np.isnan(vals)
        towards_top = np.greater(vals, medians[cols], where=~missing, out=np.zeros_like(missing))
        ops = np.where(numeric[cols], np.where(towards_top, _GE, _LE), _EQ)
        ops = np.where(missing, _MISSING, ops).astype(np.int8)
        vals = np.where(missing, 0.0, vals)
        counts = _count(unique, cols, ops, vals)
        for i in np.flatnonzero(counts == 1):
            key = cols[i].tobytes() + ops[i].tobytes() + vals[i].tobytes()
            if key not in seen:
                seen.add(key)
                kept.append((cols[i], ops[i], vals[i]))
                if len(kept) == n:
                    break
    if not kept:
        return _empty(k)
    return (
        np.stack([c for c, _, _ in kept]).astype(np.int64),
        np.stack([o for _, o, _ in kept]).astype(np.int8),
        np.stack([v for _, _, v in kept]).astype(np.float64),
    )


def _random_predicates(
    unique: np.ndarray, numeric: np.ndarray, n: int, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The random-guessing attacker: random columns, values and operators (anonymeter's
    ``_random_queries``), not filtered against the synthetic table."""
    n_cols_total = unique.shape[1]
    pools: list[np.ndarray] = []
    for j in range(n_cols_total):
        x = unique[:, j]
        pool = np.unique(x[~np.isnan(x)])
        if np.isnan(x).any():
            pool = np.append(pool, np.nan)
        pools.append(pool)
    sizes = np.array([p.size for p in pools])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(pools)
    cols = np.sort(np.argsort(rng.random((n, n_cols_total)), axis=1)[:, :k], axis=1)
    picks = (rng.random((n, k)) * sizes[cols]).astype(np.int64)
    vals = flat[offsets[cols] + picks]
    n_ops = np.where(numeric[cols], 6, 2)  # EQ, NE (, LT, LE, GT, GE for numbers)
    ops = (rng.random((n, k)) * n_ops).astype(np.int8)
    missing = np.isnan(vals)
    ops = np.where(missing, np.where(ops == _EQ, _MISSING, _PRESENT), ops).astype(np.int8)
    vals = np.where(missing, 0.0, vals)
    return cols.astype(np.int64), ops, vals


def _empty(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.empty((0, k), dtype=np.int64),
        np.empty((0, k), dtype=np.int8),
        np.empty((0, k), dtype=np.float64),
    )


def _encode_predicates(
    predicates: Sequence[Predicate], enc: Encoded
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max([len(p.conditions) for p in predicates] + [1])
    n = len(predicates)
    cols = np.zeros((n, width), dtype=np.int64)
    ops = np.full((n, width), _ALWAYS, dtype=np.int8)
    vals = np.zeros((n, width), dtype=np.float64)
    position = {c: j for j, c in enumerate(enc.columns)}
    for i, predicate in enumerate(predicates):
        for m, cond in enumerate(predicate.conditions):
            j = position[cond.column]
            op = PredicateOp(cond.op)
            cols[i, m] = j
            ops[i, m] = _CODE[op]
            if op in (PredicateOp.IS_MISSING, PredicateOp.IS_PRESENT):
                continue
            labels = enc.labels[j]
            if labels is None:
                try:
                    vals[i, m] = float(cond.value)  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    raise InvalidInputError(
                        f"a condition on numeric column {str(cond.column)!r} needs a number"
                    ) from None
            else:
                if _CODE[op] in _ORDERING:
                    raise InvalidInputError(
                        f"column {str(cond.column)!r} is categorical: use ==, != or the "
                        "missing tests, not an ordering"
                    )
                code = labels.get_indexer([str(cond.value)])[0]
                vals[i, m] = np.nan if code < 0 else float(code)  # an unseen label matches none
    return cols, ops, vals


def _decode_predicates(
    cols: np.ndarray, ops: np.ndarray, vals: np.ndarray, enc: Encoded
) -> tuple[Predicate, ...]:
    out: list[Predicate] = []
    for i in range(cols.shape[0]):
        conditions: list[Condition] = []
        for j, code, value in zip(cols[i], ops[i], vals[i], strict=True):
            op = _OPS[int(code)]
            if op in (PredicateOp.IS_MISSING, PredicateOp.IS_PRESENT):
                conditions.append(Condition(enc.columns[j], op))
                continue
            labels = enc.labels[j]
            shown: object = float(value) if labels is None else labels[int(value)]
            conditions.append(Condition(enc.columns[j], op, shown))
        out.append(Predicate(tuple(conditions)))
    return tuple(out)
