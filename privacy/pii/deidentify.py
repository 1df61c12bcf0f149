"""Removing identifiers: dropping direct-identifier columns and redacting free text.

:func:`redact_text_column` replaces every span the analyzer detects in every cell with a tag such
as ``<PERSON>``. Overlapping detections are merged into one replaced span covering all of them
(so no detected character survives), tagged with the entity of the highest score, then the
longest span. Optionally each cell is also searched for *known identifiers of its own row*, the
values of the columns being dropped (a patient's name, MRN, phone): an exact, case-insensitive
match, with digits matching across separators (``617-555-0134`` finds ``(617) 555 0134``) and a
person's name also matched word by word (case-sensitively). This catches names the statistical
NER model misses; the values are used in memory only and never reported.

:func:`deidentify` does both for a table and returns a new frame plus a
:class:`DeidentificationResult` of counts.

Privacy: inputs are never mutated; results and errors hold column names, entity types and
counts, never a value. Redaction is detection-based: it removes what the detectors and the row's
known identifiers find, and a missed identifier stays in the text. Report the counts, not a
guarantee.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems
from privacy.pii._analysis import Span, analyze_texts
from privacy.pii.entities import PiiEntity
from privacy.pii.hints import column_name_hints

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

__all__ = ["DeidentificationResult", "deidentify", "redact_text_column"]

#: Score given to a match of a row's known identifier (certain, so it wins merged labels).
_KNOWN_SCORE = 1.0
_NAME_PARTICLES = frozenset(
    {"mr", "mrs", "ms", "dr", "jr", "sr", "ii", "iii", "iv", "de", "da", "la", "le", "van",
     "von", "del", "di", "du", "md", "phd", "rn"}
)  # fmt: skip


def _tag(entity: str) -> str:
    return f"<{entity}>"


def _merge(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    """Overlapping spans merged into their union, labelled by the highest score, then longest."""
    merged: list[list[Any]] = []  # [start, end, label, (score, length)]
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        key = (s.score, s.end - s.start)
        if merged and s.start < merged[-1][1]:
            cur = merged[-1]
            cur[1] = max(cur[1], s.end)
            if key > cur[3]:
                cur[2], cur[3] = s.entity_type, key
        else:
            merged.append([s.start, s.end, s.entity_type, key])
    return [(m[0], m[1], m[2]) for m in merged]


def _replace(text: str, merged: list[tuple[int, int, str]]) -> str:
    pieces: list[str] = []
    pos = 0
    for start, end, label in merged:
        pieces.append(text[pos:start])
        pieces.append(_tag(label))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


@lru_cache(maxsize=65536)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def _known_patterns(entity: str, value: str) -> list[re.Pattern[str]]:
    """Patterns that find ``value`` (a row's identifier) in free text."""
    value = value.strip()
    if len(value) < 2:
        return []
    out: list[re.Pattern[str]] = []
    digits = re.sub(r"\D", "", value)
    compact = re.sub(r"\s", "", value)
    if len(digits) >= 7 and len(digits) >= 0.6 * len(compact):
        flexible = r"[\s().\-/]{0,3}".join(digits)
        out.append(_compile(rf"(?<!\d){flexible}(?!\d)", False))
    else:
        literal = r"\s+".join(re.escape(part) for part in value.split())
        out.append(_compile(rf"(?<!\w){literal}(?!\w)", True))
    if entity == PiiEntity.PERSON:
        for part in re.findall(r"[^\W\d_][\w'\-]*", value):
            if len(part) >= 2 and part.lower() not in _NAME_PARTICLES:
                out.append(_compile(rf"(?<!\w){re.escape(part)}(?!\w)", False))
    return out


def _known_spans(text: str, identifiers: Sequence[tuple[str, str]]) -> list[Span]:
    spans: list[Span] = []
    for entity, value in identifiers:
        for pattern in _known_patterns(entity, value):
            spans.extend(
                Span(entity, m.start(), m.end(), _KNOWN_SCORE) for m in pattern.finditer(text)
            )
    return spans


def redact_text_column(
    values: pd.Series,
    *,
    analyzer: AnalyzerEngine,
    entities: Sequence[str] | None = None,
    batch_size: int = 64,
    row_identifiers: Sequence[Sequence[tuple[str, str]]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.Series, dict[str, int]]:
    """Replace every detected span in every cell with ``<ENTITY>``.

    ``entities`` restricts detection to those Presidio entity types (default: all the analyzer
    supports). ``row_identifiers``, aligned with ``values`` by position, lists per cell the
    ``(entity_type, value)`` pairs of identifiers known for that row, matched as described in the
    module docstring. Missing cells stay missing; other non-string cells are redacted as their
    string form. ``progress(done, total)`` is called after each batch.

    Returns a new series (same index and name; the input is not modified) and the number of
    replaced spans per entity type.
    """
    if not isinstance(values, pd.Series):
        raise InvalidInputError(
            f"redact_text_column needs a pandas Series (got {type(values).__name__})"
        )
    if row_identifiers is not None and len(row_identifiers) != len(values):
        raise InvalidInputError(
            f"row_identifiers has {len(row_identifiers)} entries for {len(values)} values; "
            "give one (possibly empty) list per row"
        )
    what = f"a value of '{values.name}'" if values.name is not None else "a value"
    missing = values.isna().to_numpy()
    texts: list[str | None] = [
        None if missing[i] else str(v) for i, v in enumerate(values.tolist())
    ]
    unique = list(dict.fromkeys(t for t in texts if t is not None))
    total = len(texts)
    n_missing = int(missing.sum())

    def report(done_unique: int) -> None:
        if progress is not None and unique:
            progress(n_missing + round(done_unique * (total - n_missing) / len(unique)), total)

    found = analyze_texts(
        analyzer, unique, batch_size=batch_size, entities=entities, what=what, progress=report
    )
    spans_of = dict(zip(unique, found, strict=True))
    counts: Counter[str] = Counter()
    out: list[str | None] = []
    for i, text in enumerate(texts):
        if text is None:
            out.append(None)
            continue
        spans = list(spans_of[text])
        if row_identifiers is not None and row_identifiers[i]:
            spans.extend(_known_spans(text, row_identifiers[i]))
        merged = _merge(spans)
        counts.update(label for _, _, label in merged)
        out.append(_replace(text, merged) if merged else text)
    if progress is not None and not unique:
        progress(total, total)
    dtype: Any = values.dtype if pd.api.types.is_string_dtype(values.dtype) else object
    if isinstance(values.dtype, pd.CategoricalDtype):
        dtype = object
    redacted = pd.Series(out, index=values.index, name=values.name, dtype=dtype)
    return redacted, dict(sorted(counts.items()))


@dataclass(frozen=True)
class DeidentificationResult:
    """What :func:`deidentify` did, in counts. Never holds a value."""

    dropped_columns: tuple[str, ...]
    redacted_columns: tuple[str, ...]
    spans_replaced: dict[str, int]  # entity type -> replaced spans, over all redacted columns
    spans_by_column: dict[str, dict[str, int]]
    rows: int
    row_identifier_matching: bool

    @property
    def total_spans_replaced(self) -> int:
        return sum(self.spans_replaced.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "dropped_columns": list(self.dropped_columns),
            "redacted_columns": list(self.redacted_columns),
            "spans_replaced": dict(self.spans_replaced),
            "spans_by_column": {c: dict(v) for c, v in self.spans_by_column.items()},
            "total_spans_replaced": self.total_spans_replaced,
            "rows": self.rows,
            "row_identifier_matching": self.row_identifier_matching,
        }


def _identifier_text(value: Any) -> str | None:
    """A dropped cell as it would be written in a note (None when it cannot identify)."""
    if value is None or isinstance(value, bool | np.bool_):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | _dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _entity_of(column: str, identifier_entities: Mapping[str, str] | None) -> str:
    if identifier_entities and column in identifier_entities:
        return str(identifier_entities[column])
    hints = column_name_hints(column)
    return hints[0].entity_type if hints else PiiEntity.KNOWN_IDENTIFIER.value


def _column_list(name: str, columns: Any) -> list[str]:
    if isinstance(columns, str) or not isinstance(columns, Sequence | set | frozenset):
        raise InvalidInputError(f"{name} must be a list of column names")
    return [str(c) for c in columns]


def deidentify(
    table: pd.DataFrame,
    *,
    drop: Sequence[str],
    redact: Sequence[str],
    analyzer: AnalyzerEngine | None,
    identifier_entities: Mapping[str, str] | None = None,
    match_row_identifiers: bool = True,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, DeidentificationResult]:
    """Drop the ``drop`` columns and redact the ``redact`` columns; return a new frame.

    With ``match_row_identifiers`` (the default), each redacted cell is also searched for the
    values the dropped columns hold in the same row, tagged with the column's entity type from
    ``identifier_entities`` (e.g. :meth:`PIIScan.identifier_entities`), else from the column
    name, else ``KNOWN_IDENTIFIER``. ``analyzer`` may be ``None`` only when nothing is redacted.
    ``progress(done, total)`` counts redacted cells over all redacted columns. The input frame
    is not modified.
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"deidentify needs a pandas DataFrame (got {type(table).__name__})")
    drop_cols = _column_list("drop", drop)
    redact_cols = _column_list("redact", redact)
    present = {str(c) for c in table.columns}
    problems: list[str] = []
    absent = [c for c in [*drop_cols, *redact_cols] if c not in present]
    if absent:
        problems.append(f"the table has no column(s) {absent}")
    both = sorted(set(drop_cols) & set(redact_cols))
    if both:
        problems.append(f"column(s) {both} are both dropped and redacted; choose one")
    if redact_cols and analyzer is None:
        problems.append("redacting needs an analyzer (build one with build_analyzer())")
    if problems:
        raise InvalidInputError(join_problems(problems))

    row_ids: list[list[tuple[str, str]]] | None = None
    if match_row_identifiers and drop_cols and redact_cols:
        row_ids = [[] for _ in range(len(table))]
        for col in drop_cols:
            entity = _entity_of(col, identifier_entities)
            for i, value in enumerate(table[col].tolist()):
                text = _identifier_text(value)
                if text is not None:
                    row_ids[i].append((entity, text))

    out = table.drop(columns=drop_cols)
    totals: Counter[str] = Counter()
    by_column: dict[str, dict[str, int]] = {}
    n_cells = len(table) * len(redact_cols)
    for k, col in enumerate(redact_cols):
        offset = k * len(table)

        def column_progress(done: int, _total: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + done, n_cells)

        redacted, counts = redact_text_column(
            table[col],
            analyzer=analyzer,  # type: ignore[arg-type]
            batch_size=batch_size,
            row_identifiers=row_ids,
            progress=column_progress,
        )
        out[col] = redacted
        totals.update(counts)
        by_column[col] = counts
    result = DeidentificationResult(
        dropped_columns=tuple(drop_cols),
        redacted_columns=tuple(redact_cols),
        spans_replaced=dict(sorted(totals.items())),
        spans_by_column=by_column,
        rows=len(table),
        row_identifier_matching=row_ids is not None,
    )
    return out, result
