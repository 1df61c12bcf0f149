"""Row validators: drop implausible synthetic rows and count what each one dropped.

A validator is anything with a ``name``, the ``columns`` it reads and a vectorised
``passes(table) -> bool array`` (True keeps the row). Two families ship here:

* **Domain validators**, built from a fitted :class:`synth.encoding.TableEncoder` by
  :func:`domain_validators`: a categorical value outside the codec's categories (the literal
  ``__other__`` token is allowed or not, by option), a numeric value outside the codec's outer bin
  edges, a date outside them (dates are compared as days). The edges are the declared or
  DP-measured bounds the encoder already holds, so building these validators spends no budget
  and reads no private value.
* **Cross-field rules**, parsed from short strings by :func:`parse_rule`:
  ``"discharge_date >= admission_date"``, ``"age >= 0"``, ``"length_of_stay <= 365"``.
  Operators: ``>= > <= < == !=``. Operands: column names, numbers or ISO dates
  (``YYYY-MM-DD``); numeric columns compare with numbers, date columns with dates (as days, the
  time of day ignored), and at least one operand is a column. Parse errors and unknown columns
  raise :class:`InvalidInputError` at construction, before any sampling.

Missing values
    Missingness is its own token in the encoder, so a missing value is plausible: by default
    (``MissingPolicy.PASS``) a rule with a missing operand passes and a domain validator lets a
    missing value through; ``MissingPolicy.DROP`` / ``allow_missing=False`` drop such rows
    instead. A present value that cannot be read as a number (or an ISO date, for a date
    column) always fails.

:func:`apply_validators` returns the kept rows and the drop count of every validator (a row that
fails two validators counts in both) plus the number of rows dropped. Error messages name
columns and counts, never a value from the table (invariant 6); the rule text itself is the
user's configuration and may be quoted.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems
from privacy.schema import ColumnKind
from synth.encoding import (
    OTHER_TOKEN,
    CategoricalCodec,
    NumericCodec,
    TableEncoder,
    _category_strings,
)
from synth.encoding import _to_days as _days

__all__ = [
    "CategoryDomainValidator",
    "MissingPolicy",
    "NumericRangeValidator",
    "RowValidator",
    "RuleValidator",
    "ValidationCounts",
    "apply_validators",
    "build_validators",
    "check_validators",
    "column_kinds",
    "domain_validators",
    "parse_rule",
    "validation_mask",
]

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_RULE = re.compile(r"^\s*(?P<left>.*?)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<right>.*?)\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .\-]{0,63}$")


class MissingPolicy(StrEnum):
    """What a rule does with a row whose operand is missing."""

    PASS = "pass"  # missingness is its own token: a missing operand is plausible
    DROP = "drop"


@runtime_checkable
class RowValidator(Protocol):
    """Keeps or drops each row of a decoded table. ``name`` keys the drop counts (unique within
    one call); ``columns`` are checked against the table before anything runs."""

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> tuple[str, ...]: ...

    def passes(self, table: pd.DataFrame) -> np.ndarray:
        """Boolean array, one entry per row: True keeps the row."""
        ...


# ------------------------------------------------------------------------------ parsing values


def _numbers(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values):  # True/False are not plausible numbers here
        return np.full(len(values), np.nan)
    nums = pd.to_numeric(values, errors="coerce")
    arr = pd.Series(nums).to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    arr[~np.isfinite(arr)] = np.nan
    return arr


def _read(values: pd.Series, *, dates: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(x, missing)``: numbers (days for dates) and the mask of missing entries; a present
    entry that cannot be read gives NaN in ``x`` with ``missing`` False."""
    values = values.reset_index(drop=True)
    missing = values.isna().to_numpy()
    return (_days(values) if dates else _numbers(values)), missing


# --------------------------------------------------------------------------- domain validators


@dataclass(frozen=True)
class CategoryDomainValidator:
    """Drops a row whose ``column`` value is not one of ``categories`` (compared as the
    encoder's canonical strings). ``allow_other`` lets the literal ``__other__`` token through;
    ``allow_missing`` a missing value."""

    column: str
    categories: tuple[str, ...]
    allow_other: bool = True
    allow_missing: bool = True

    @property
    def name(self) -> str:
        return f"domain:{self.column}"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def passes(self, table: pd.DataFrame) -> np.ndarray:
        strings = _category_strings(table[self.column].reset_index(drop=True))
        missing = strings.isna().to_numpy()
        allowed = set(self.categories) | ({OTHER_TOKEN} if self.allow_other else set())
        inside = strings.isin(allowed).to_numpy(dtype=bool)
        return np.where(missing, self.allow_missing, inside)


@dataclass(frozen=True)
class NumericRangeValidator:
    """Drops a row whose ``column`` value lies outside ``[low, high]`` (days since 1970-01-01
    when ``dates``), or that cannot be read as a number (an ISO date). ``allow_missing`` lets a
    missing value through."""

    column: str
    low: float
    high: float
    dates: bool = False
    allow_missing: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low > self.high:
            raise InvalidInputError(
                f"column '{self.column}': a range validator needs finite bounds with low <= high"
            )

    @property
    def name(self) -> str:
        return f"domain:{self.column}"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def passes(self, table: pd.DataFrame) -> np.ndarray:
        x, missing = _read(table[self.column], dates=self.dates)
        with np.errstate(invalid="ignore"):
            inside = (x >= self.low) & (x <= self.high)  # NaN (unreadable) compares False
        return np.where(missing, self.allow_missing, inside)


def column_kinds(encoder: TableEncoder) -> dict[str, ColumnKind]:
    """Each encoded column's kind, as rules need it (dates vs numbers vs categories)."""
    kinds: dict[str, ColumnKind] = {}
    for codec in encoder.codecs:
        if isinstance(codec, NumericCodec):
            kinds[codec.name] = ColumnKind.DATETIME if codec.datetime else ColumnKind.NUMERIC
        elif isinstance(codec, CategoricalCodec):
            kinds[codec.name] = ColumnKind.CATEGORICAL
    return kinds


def domain_validators(
    encoder: TableEncoder, *, allow_other: bool = True, allow_missing: bool = True
) -> tuple[CategoryDomainValidator | NumericRangeValidator, ...]:
    """One validator per encoded column, from the codec's (declared or DP-measured) domain:
    categories, or the outer bin edges (integer and date columns: the whole numbers inside
    them, which is what the decoder draws). A codec of another type gets no validator."""
    out: list[CategoryDomainValidator | NumericRangeValidator] = []
    for codec in encoder.codecs:
        if isinstance(codec, CategoricalCodec):
            out.append(
                CategoryDomainValidator(
                    codec.name,
                    tuple(codec.categories),
                    allow_other=allow_other and codec.has_other,
                    allow_missing=allow_missing,
                )
            )
        elif isinstance(codec, NumericCodec):
            low, high = float(codec.edges[0]), float(codec.edges[-1])
            if codec.integer or codec.datetime:
                low, high = float(math.ceil(low)), float(math.floor(high))
                high = max(high, low)
            out.append(
                NumericRangeValidator(
                    codec.name, low, high, dates=codec.datetime, allow_missing=allow_missing
                )
            )
    return tuple(out)


# ------------------------------------------------------------------------------ cross-field rules


@dataclass(frozen=True)
class _Operand:
    column: str | None = None
    literal: float | None = None  # a number, or days since 1970-01-01 for a date
    text: str = ""


@dataclass(frozen=True)
class RuleValidator:
    """``left op right`` over numbers or dates; build it with :func:`parse_rule`."""

    text: str
    left: _Operand
    op: str
    right: _Operand
    dates: bool
    on_missing: MissingPolicy = MissingPolicy.PASS

    @property
    def name(self) -> str:
        return f"rule:{self.left.text} {self.op} {self.right.text}"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(o.column for o in (self.left, self.right) if o.column is not None)

    def _operand(self, table: pd.DataFrame, operand: _Operand) -> tuple[np.ndarray, np.ndarray]:
        if operand.column is None:
            assert operand.literal is not None
            n = len(table)
            return np.full(n, operand.literal, dtype=np.float64), np.zeros(n, dtype=bool)
        return _read(table[operand.column], dates=self.dates)

    def passes(self, table: pd.DataFrame) -> np.ndarray:
        lx, lmiss = self._operand(table, self.left)
        rx, rmiss = self._operand(table, self.right)
        missing = lmiss | rmiss
        unreadable = ~missing & (np.isnan(lx) | np.isnan(rx))
        with np.errstate(invalid="ignore"):
            holds = np.asarray(_OPERATORS[self.op](lx, rx), dtype=bool)
        keep_missing = self.on_missing is MissingPolicy.PASS
        return np.where(missing, keep_missing, holds & ~unreadable)


def _resolve(token: str, side: str, kinds: Mapping[str, ColumnKind]) -> _Operand:
    if token in kinds:
        kind = kinds[token]
        if kind not in (ColumnKind.NUMERIC, ColumnKind.DATETIME):
            raise InvalidInputError(
                f"the {side} operand, column '{token}', is {kind.value}: rules compare numeric "
                "or date columns"
            )
        return _Operand(column=token, text=token)
    if _ISO_DATE.match(token):
        try:
            day = date.fromisoformat(token)
        except ValueError:
            raise InvalidInputError(
                f"the {side} operand looks like a date but is not a valid ISO date (YYYY-MM-DD)"
            ) from None
        return _Operand(literal=float((day - date(1970, 1, 1)).days), text=token)
    try:
        number = float(token)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return _Operand(literal=number, text=token)
    known = sorted(kinds)
    if _NAME_LIKE.match(token):
        raise InvalidInputError(
            f"the {side} operand '{token}' is not a known column (known: {known}), a number or "
            "an ISO date (YYYY-MM-DD)"
        )
    raise InvalidInputError(
        f"the {side} operand is neither a known column (known: {known}) nor a finite number "
        "or an ISO date (YYYY-MM-DD)"
    )


def _kind_of(operand: _Operand, kinds: Mapping[str, ColumnKind]) -> str:
    if operand.column is not None:
        return "date" if kinds[operand.column] is ColumnKind.DATETIME else "number"
    return "date" if _ISO_DATE.match(operand.text) else "number"


def parse_rule(
    text: str,
    *,
    kinds: Mapping[str, ColumnKind],
    on_missing: MissingPolicy = MissingPolicy.PASS,
) -> RuleValidator:
    """Parse ``"<operand> <op> <operand>"`` against the columns in ``kinds`` (see
    :func:`column_kinds`). Raises :class:`InvalidInputError` naming the problem: no or several
    operators, an empty operand, an unknown column, a categorical column, two literals, or a
    date compared with a number."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError("a rule must be a non-empty string like 'age >= 0'")
    if not isinstance(on_missing, MissingPolicy):
        raise InvalidInputError(f"on_missing must be one of {[p.value for p in MissingPolicy]}")
    ops = " ".join(_OPERATORS)
    match = _RULE.match(text)
    if match is None:
        raise InvalidInputError(
            f"rule {text!r} has no comparison operator; use one of {ops} (equality is '==')"
        )
    left, op, right = match.group("left"), match.group("op"), match.group("right")
    if not left or not right:
        raise InvalidInputError(f"rule {text!r} needs an operand on each side of '{op}'")
    if any(ch in left or ch in right for ch in "<>=!"):
        raise InvalidInputError(
            f"rule {text!r} must hold exactly one comparison operator out of {ops}"
        )
    try:
        lhs, rhs = _resolve(left, "left", kinds), _resolve(right, "right", kinds)
    except InvalidInputError as exc:
        raise InvalidInputError(f"rule {text!r}: {exc}") from None
    if lhs.column is None and rhs.column is None:
        raise InvalidInputError(f"rule {text!r} compares two literals: name at least one column")
    lk, rk = _kind_of(lhs, kinds), _kind_of(rhs, kinds)
    if lk != rk:
        raise InvalidInputError(
            f"rule {text!r} compares a {lk} with a {rk}: date columns compare with date columns "
            "or ISO dates, numeric columns with numeric columns or numbers"
        )
    return RuleValidator(text.strip(), lhs, op, rhs, dates=lk == "date", on_missing=on_missing)


def build_validators(
    encoder: TableEncoder,
    rules: Sequence[str] = (),
    *,
    domain: bool = True,
    allow_other: bool = True,
    allow_missing: bool = True,
    on_missing: MissingPolicy = MissingPolicy.PASS,
) -> tuple[RowValidator, ...]:
    """The encoder's domain validators (unless ``domain=False``) followed by the parsed
    ``rules``. Every rule is parsed before anything is returned and all problems are reported
    at once."""
    if isinstance(rules, str):
        raise InvalidInputError("rules must be a sequence of rule strings, not one string")
    kinds = column_kinds(encoder)
    problems: list[str] = []
    parsed: list[RowValidator] = []
    for text in rules:
        try:
            parsed.append(parse_rule(text, kinds=kinds, on_missing=on_missing))
        except InvalidInputError as exc:
            problems.append(str(exc))
    if problems:
        raise InvalidInputError(join_problems(problems))
    head: tuple[RowValidator, ...] = (
        domain_validators(encoder, allow_other=allow_other, allow_missing=allow_missing)
        if domain
        else ()
    )
    out = head + tuple(parsed)
    check_validators(out, columns=encoder.names)
    return out


# -------------------------------------------------------------------------------- applying them


@dataclass(frozen=True)
class ValidationCounts:
    """How many rows were checked and kept, and how many each validator dropped (a row that
    fails two validators counts in both, so the counts may sum to more than ``rows_dropped``).
    Keys are validator names: column names and the user's rule text, never table values."""

    rows_checked: int
    rows_kept: int
    by_validator: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.rows_kept <= self.rows_checked:
            raise InvalidInputError("rows_kept must lie between 0 and rows_checked")
        object.__setattr__(self, "by_validator", MappingProxyType(dict(self.by_validator)))

    @property
    def rows_dropped(self) -> int:
        return self.rows_checked - self.rows_kept

    def __add__(self, other: ValidationCounts) -> ValidationCounts:
        merged = dict(self.by_validator)
        for key, count in other.by_validator.items():
            merged[key] = merged.get(key, 0) + count
        return ValidationCounts(
            self.rows_checked + other.rows_checked, self.rows_kept + other.rows_kept, merged
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_checked": self.rows_checked,
            "rows_kept": self.rows_kept,
            "rows_dropped": self.rows_dropped,
            "dropped_by_validator": dict(self.by_validator),
        }


def check_validators(validators: Sequence[RowValidator], *, columns: Sequence[str]) -> None:
    """Raise, listing every problem, when a validator lacks the protocol, two share a name, or
    one reads a column outside ``columns``."""
    problems: list[str] = []
    seen: set[str] = set()
    known = set(columns)
    for i, v in enumerate(validators):
        if not isinstance(v, RowValidator):
            problems.append(f"validator #{i} lacks name, columns or passes()")
            continue
        if v.name in seen:
            problems.append(f"two validators are named '{v.name}'")
        seen.add(v.name)
        unknown = [c for c in v.columns if c not in known]
        if unknown:
            problems.append(f"validator '{v.name}' reads unknown column(s) {unknown}")
    if problems:
        raise InvalidInputError(join_problems(problems))


def validation_mask(
    table: pd.DataFrame, validators: Sequence[RowValidator]
) -> tuple[np.ndarray, ValidationCounts]:
    """The keep mask (rows passing every validator) and the counts, without copying rows."""
    keep = np.ones(len(table), dtype=bool)
    counts: dict[str, int] = {}
    for v in validators:
        ok = np.asarray(v.passes(table), dtype=bool)
        if ok.shape != (len(table),):
            raise InvalidInputError(
                f"validator '{v.name}' returned {ok.shape} flags for {len(table)} rows"
            )
        counts[v.name] = int((~ok).sum())
        keep &= ok
    return keep, ValidationCounts(len(table), int(keep.sum()), counts)


def apply_validators(
    table: pd.DataFrame, validators: Sequence[RowValidator]
) -> tuple[pd.DataFrame, ValidationCounts]:
    """``(kept rows, counts)``. The kept rows keep their order and get a fresh RangeIndex; the
    caller's table is not modified. Raises before checking anything when a validator is
    malformed, duplicated or reads a column the table lacks."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError("table must be a pandas DataFrame")
    check_validators(validators, columns=list(table.columns))
    keep, counts = validation_mask(table, validators)
    return table.loc[keep].reset_index(drop=True), counts
