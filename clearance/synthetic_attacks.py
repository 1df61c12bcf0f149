"""The singling-out, linkability and inference attacks (Article 29 WP) on any synthetic table.

One entry point for the pipeline (which knows its schema) and for ``clearance audit`` (which may
be given tables without one): :func:`anonymity_attacks` makes the column types of the real and
synthetic rows comparable, then runs the three attacks of :mod:`audit.anonymity`;
:func:`infer_kinds` proposes column kinds for a table that comes without a schema.

Measures only; results and messages hold counts, rates and column names, never a value.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from audit.anonymity import (
    PrivacyAttackResult,
    inference_attack,
    linkability_attack,
    singling_out_attack,
)
from privacy.errors import InvalidInputError, join_problems

__all__ = [
    "ATTACK_KINDS",
    "MAX_ANONYMITY_ATTACKS",
    "anonymity_attacks",
    "comparable",
    "infer_kinds",
]

#: Attacks per risk; anonymeter's examples use 500 to 2,000.
MAX_ANONYMITY_ATTACKS = 1000
#: The column kinds the attacks compare: numbers and dates by distance, categories by equality.
ATTACK_KINDS = ("numeric", "categorical", "datetime")

# An ISO 8601 date, optionally with a time: 2024-03-01, 2024-03-01T08:30, 2024-03-01 08:30:00Z.
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_EPOCH = pd.Timestamp("1970-01-01")


def infer_kinds(table: pd.DataFrame) -> dict[str, str]:
    """A kind per column of a table that has no schema: ``"numeric"`` for a numeric dtype
    (booleans are categories), ``"datetime"`` for a datetime dtype or strings that all parse as
    ISO 8601 dates (at least one present), ``"categorical"`` for everything else, including a
    column with no value at all."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"infer_kinds needs a DataFrame (got {type(table).__name__})")
    kinds: dict[str, str] = {}
    for name in table.columns:
        series = table[name]
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype):
            kinds[name] = "categorical"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kinds[name] = "datetime"
        elif pd.api.types.is_numeric_dtype(dtype):
            kinds[name] = "numeric"
        elif _all_iso_dates(series):
            kinds[name] = "datetime"
        else:
            kinds[name] = "categorical"
    return kinds


def comparable(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """The columns of ``kinds``, typed alike in real and synthetic rows so that an attacker's
    distances compare like with like: numbers as floats (a value that is not a number becomes
    missing), dates as days since 1970, categories as objects; missing values stay missing."""
    columns = {}
    for name, kind in kinds.items():
        if kind == "numeric":
            columns[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        elif kind == "datetime":
            stamps = _as_timestamps(frame[name])
            if getattr(stamps.dt, "tz", None) is not None:
                stamps = stamps.dt.tz_convert(None)
            columns[name] = ((stamps - _EPOCH) / pd.Timedelta(days=1)).astype("float64")
        else:
            values = frame[name].astype(object)
            columns[name] = values.where(values.notna(), None)
    return pd.DataFrame(columns, index=frame.index)


def anonymity_attacks(
    *,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    kinds: Mapping[str, str],
    known_columns: Sequence[str],
    sensitive_columns: Sequence[str],
    rng: np.random.Generator,
    max_attacks: int = MAX_ANONYMITY_ATTACKS,
) -> tuple[PrivacyAttackResult, ...]:
    """Singling out, linkability and inference (Article 29 WP, Opinion 05/2014) on a synthetic
    table: targets are the training rows ``train``, the control is ``holdout`` (real rows the
    generator never saw); Giomi et al. (2023), as :mod:`audit.anonymity` implements them.

    - ``kinds``: the attacked columns, each ``"numeric"``, ``"categorical"`` or ``"datetime"``
      (a :class:`privacy.schema.ColumnKind` of those values works too). Every one must be in all
      three tables; other columns are ignored.
    - ``known_columns``: what the attacker knows about a person (the quasi-identifiers); those
      not among the attacked columns are ignored. With two or more, the linkability attack runs
      with them dealt alternately into two groups; with one or more, one inference attack runs
      per sensitive column.
    - ``sensitive_columns``: the columns the attacker wants to learn; those not attacked or
      among the known columns are skipped.
    - ``max_attacks``: attacks per risk, at most the rows of ``train`` and of ``holdout``.

    Singling out always runs (multivariate). Returns the results in that order. Raises
    :class:`InvalidInputError` for unknown kinds, attacked columns missing from a table, or
    when an attack cannot run (its message names columns and counts rows).
    """
    problems: list[str] = []
    tables = {"train": train, "holdout": holdout, "synthetic": synthetic}
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            problems.append(f"{name} must be a pandas DataFrame (got {type(table).__name__})")
    if not kinds:
        problems.append("kinds names no column to attack")
    bad = {str(c): str(k) for c, k in kinds.items() if str(k) not in ATTACK_KINDS}
    if bad:
        problems.append(
            f"column kind(s) {bad} are not among {list(ATTACK_KINDS)}; leave free text out of "
            "the attacks"
        )
    if isinstance(max_attacks, bool) or not isinstance(max_attacks, int) or max_attacks < 1:
        problems.append(f"max_attacks must be a positive integer (got {max_attacks!r})")
    if problems:
        raise InvalidInputError(join_problems(problems))
    for name, table in tables.items():
        absent = [str(c) for c in kinds if c not in table.columns]
        if absent:
            problems.append(f"{name} lacks the attacked column(s) {absent}")
    if problems:
        raise InvalidInputError(join_problems(problems))

    plain_kinds = {c: str(k) for c, k in kinds.items()}
    n_attacks = min(max_attacks, len(train), len(holdout))
    ori, syn, control = (comparable(frame, plain_kinds) for frame in (train, synthetic, holdout))
    shared = {"ori": ori, "syn": syn, "control": control, "n_attacks": n_attacks}
    results = [singling_out_attack(**shared, rng=rng)]
    known = list(dict.fromkeys(c for c in known_columns if c in plain_kinds))
    if len(known) >= 2:
        results.append(linkability_attack(**shared, rng=rng, aux_cols=(known[0::2], known[1::2])))
    if known:
        for column in dict.fromkeys(sensitive_columns):
            if column in plain_kinds and column not in known:
                results.append(inference_attack(**shared, rng=rng, aux_cols=known, secret=column))
    return tuple(results)


def _as_timestamps(series: pd.Series) -> pd.Series:
    """Timestamps of ISO 8601 strings in any of its forms, else of whatever pandas can parse
    (the pipeline's generator may write another format); unparsable values become missing."""
    stamps = pd.to_datetime(series, errors="coerce", format="ISO8601")
    unparsed = stamps.isna() & series.notna()
    if unparsed.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
            other = pd.to_datetime(series[unparsed], errors="coerce")
        if getattr(other.dt, "tz", None) is None and getattr(stamps.dt, "tz", None) is None:
            stamps = stamps.where(~unparsed, other)
    return stamps


def _all_iso_dates(series: pd.Series) -> bool:
    present = series.dropna()
    if present.empty or not all(isinstance(v, str) for v in present):
        return False
    if not present.str.strip().str.match(_ISO_DATE).all():
        return False
    parsed = pd.to_datetime(present, errors="coerce", format="ISO8601")
    return bool(parsed.notna().all())
