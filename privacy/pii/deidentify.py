"""Removing identifiers: per-column actions, and redaction or surrogates in free text.

:func:`deidentify` applies one :class:`~privacy.pii.actions.ActionKind` per column: drop, keyed
pseudonym, random surrogate id, ZIP3 / year / 90+ generalisation, redaction with tags, realistic
surrogates (Faker), or keep. :func:`redact_text_column` does the free-text part: every span the
detector finds in every cell is replaced (overlapping detections merged, so no detected character
survives) by a tag such as ``<PERSON>`` or by a surrogate that is consistent within the document
and, optionally, across rows. Optionally each cell is also searched for *known identifiers of its
own row*, the values of the columns being removed (a patient's name, MRN, phone): an exact,
case-insensitive match, with digits matching across separators (``617-555-0134`` finds
``(617) 555 0134``) and a person's name also matched word by word (case-sensitively). This
catches names the statistical NER model misses; the values are used in memory only and never
reported.

Privacy: inputs are never mutated; results and errors hold column names, entity types, action
names and counts, never a value. Redaction is detection-based: it removes what the detectors and
the row's known identifiers find, and a missed identifier stays in the text. Report the counts
(and the residual check of :mod:`privacy.pii.safe_harbor`), not a guarantee.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems
from privacy.pii._analysis import Span
from privacy.pii.actions import (
    ActionKind,
    PseudonymKey,
    SurrogateIdMap,
    assign_surrogate_ids,
    generalize_age,
    generalize_date_to_year,
    generalize_zip,
    pseudonymize,
)
from privacy.pii.detect import merge_spans
from privacy.pii.entities import PiiEntity
from privacy.pii.hints import column_name_hints
from privacy.pii.surrogates import SurrogateFactory, replace_spans
from privacy.schema import ColumnRole

if TYPE_CHECKING:
    from privacy.pii.detect import Detector
    from privacy.schema import Schema

__all__ = ["DeidentificationResult", "deidentify", "redact_text_column", "schema_actions"]

#: Score given to a match of a row's known identifier (certain, so it wins merged labels).
_KNOWN_SCORE = 1.0
_NAME_PARTICLES = frozenset(
    {"mr", "mrs", "ms", "dr", "jr", "sr", "ii", "iii", "iv", "de", "da", "la", "le", "van",
     "von", "del", "di", "du", "md", "phd", "rn"}
)  # fmt: skip


def _tag(entity: str) -> str:
    return f"<{entity}>"


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
    detector: Detector,
    entities: Sequence[str] | None = None,
    row_identifiers: Sequence[Sequence[tuple[str, str]]] | None = None,
    surrogates: SurrogateFactory | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.Series, dict[str, int]]:
    """Replace every detected span in every cell with ``<ENTITY>``, or with a surrogate.

    ``entities`` restricts detection to those entity types (default: all the detector finds
    under its profile). ``row_identifiers``, aligned with ``values`` by position, lists per
    cell the ``(entity_type, value)`` pairs of identifiers known for that row, matched as
    described in the module docstring. With ``surrogates`` each span gets a realistic fake value
    instead of a tag, the same within a cell (and across cells if the factory is consistent
    across rows). Missing cells stay missing; other non-string cells are redacted as their
    string form. ``progress(done, total)`` is called as cells are analysed.

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
    missing = values.isna().to_numpy()
    texts: list[str | None] = [
        None if missing[i] else (v if isinstance(v, str) else str(v))
        for i, v in enumerate(values.tolist())
    ]
    total = len(texts)

    def report(done: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    found = detector.detect(texts, entities=entities, progress=report)
    counts: Counter[str] = Counter()
    out: list[str | None] = []
    for i, text in enumerate(texts):
        if text is None:
            out.append(None)
            continue
        spans = list(found[i])
        if row_identifiers is not None and row_identifiers[i]:
            spans.extend(_known_spans(text, row_identifiers[i]))
        merged = [(s.start, s.end, s.entity_type) for s in merge_spans(spans)]
        counts.update(label for _, _, label in merged)
        if not merged:
            out.append(text)
            continue
        doc = surrogates.for_document() if surrogates is not None else None
        out.append(replace_spans(text, merged, doc))
    dtype: Any = values.dtype if pd.api.types.is_string_dtype(values.dtype) else object
    if isinstance(values.dtype, pd.CategoricalDtype):
        dtype = object
    redacted = pd.Series(out, index=values.index, name=values.name, dtype=dtype)
    return redacted, dict(sorted(counts.items()))


@dataclass(frozen=True)
class DeidentificationResult:
    """What :func:`deidentify` did, in counts. Never holds a value.

    ``actions`` maps every input column to the action applied (``keep`` for untouched
    columns). ``unparseable`` counts, per generalised column, values that could not be read and
    became missing; ``recoded`` counts values recoded to a catch-all (``000``, ``90+``).
    ``removed_identifiers`` maps each column whose values left the table (dropped, pseudonymised
    or replaced by surrogate ids) to its entity type, for the residual check.
    ``surrogate_ids`` (not serialised) is the lookup table of surrogate-id columns, to be saved
    with owner-only permissions by the caller; ``pseudonym_key_id`` names the key used (a hash
    prefix, never the key).
    """

    actions: dict[str, str]
    spans_replaced: dict[str, int]  # entity type -> replaced spans, over all text columns
    spans_by_column: dict[str, dict[str, int]]
    rows: int
    row_identifier_matching: bool
    unparseable: dict[str, int] = field(default_factory=dict)
    recoded: dict[str, int] = field(default_factory=dict)
    pseudonym_key_id: str | None = None
    removed_identifiers: dict[str, str] = field(default_factory=dict)
    surrogate_ids: dict[str, SurrogateIdMap] = field(default_factory=dict, repr=False)

    @property
    def dropped_columns(self) -> tuple[str, ...]:
        return tuple(c for c, a in self.actions.items() if a == ActionKind.DROP)

    @property
    def redacted_columns(self) -> tuple[str, ...]:
        """Free-text columns (tags or surrogates)."""
        text = (ActionKind.REDACT, ActionKind.SURROGATE_TEXT)
        return tuple(c for c, a in self.actions.items() if a in text)

    @property
    def total_spans_replaced(self) -> int:
        return sum(self.spans_replaced.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "actions": dict(self.actions),
            "dropped_columns": list(self.dropped_columns),
            "redacted_columns": list(self.redacted_columns),
            "spans_replaced": dict(self.spans_replaced),
            "spans_by_column": {c: dict(v) for c, v in self.spans_by_column.items()},
            "total_spans_replaced": self.total_spans_replaced,
            "rows": self.rows,
            "row_identifier_matching": self.row_identifier_matching,
            "unparseable": dict(self.unparseable),
            "recoded": dict(self.recoded),
            "pseudonym_key_id": self.pseudonym_key_id,
            "removed_identifiers": dict(self.removed_identifiers),
            "surrogate_id_columns": sorted(self.surrogate_ids),
        }


def identifier_text(value: Any) -> str | None:
    """A removed cell as it would be written in a note (None when it cannot identify)."""
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


_TEXT_ACTIONS = (ActionKind.REDACT, ActionKind.SURROGATE_TEXT)
#: Actions that remove a column's own values from the release (their values are searched for
#: in the row's free text).
REMOVING_ACTIONS = frozenset(
    {
        ActionKind.DROP,
        ActionKind.PSEUDONYMIZE,
        ActionKind.SURROGATE_ID,
    }
)


def schema_actions(schema: Schema, defaults: Mapping[ColumnRole, str]) -> dict[str, str]:
    """The action per column: each column's declared ``deidentify`` action, else the default
    for its role; columns left unchanged (``keep``, or no default) are omitted."""
    actions: dict[str, str] = {}
    for col in schema.columns:
        action = col.deidentify or defaults.get(col.role)
        if action is not None and action != ActionKind.KEEP:
            actions[col.name] = action
    return actions


def _parse_actions(
    actions: Mapping[str, Any] | None, drop: Sequence[str], redact: Sequence[str]
) -> tuple[dict[str, ActionKind], list[str]]:
    problems: list[str] = []
    plan: dict[str, ActionKind] = {}
    for col in _column_list("drop", drop):
        plan[col] = ActionKind.DROP
    for col in _column_list("redact", redact):
        if col in plan:
            problems.append(f"column '{col}' is both dropped and redacted; choose one")
        plan[col] = ActionKind.REDACT
    if actions is not None:
        if not isinstance(actions, Mapping):
            raise InvalidInputError("actions must map column names to action names")
        names = ", ".join(a.value for a in ActionKind)
        for col, action in actions.items():
            try:
                kind = ActionKind(str(action))
            except ValueError:
                problems.append(f"column '{col}': unknown action; choose one of {names}")
                continue
            if str(col) in plan and plan[str(col)] is not kind:
                problems.append(f"column '{col}' has two different actions; choose one")
            plan[str(col)] = kind
    return plan, problems


def deidentify(
    table: pd.DataFrame,
    *,
    drop: Sequence[str] = (),
    redact: Sequence[str] = (),
    actions: Mapping[str, ActionKind | str] | None = None,
    detector: Detector | None,
    identifier_entities: Mapping[str, str] | None = None,
    match_row_identifiers: bool = True,
    pseudonym_key: PseudonymKey | None = None,
    rng: np.random.Generator | None = None,
    surrogate_seed: int | None = None,
    consistent_across_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, DeidentificationResult]:
    """Apply one action per column and return a new frame; columns with no action are kept.

    ``drop`` and ``redact`` are shorthands for those actions; ``actions`` maps further columns
    to any :class:`~privacy.pii.actions.ActionKind` (or its name). ``pseudonymize`` needs
    ``pseudonym_key`` (the column name is the HMAC namespace, so equal values in different
    columns get different pseudonyms); ``surrogate_id`` and ``surrogate_text`` need ``rng``
    (surrogate ids) or ``surrogate_seed`` (text surrogates). With ``match_row_identifiers`` (the
    default) each free-text cell is also searched for the values that the removed columns (drop,
    pseudonym, surrogate id) hold in the same row, tagged with the column's entity type from
    ``identifier_entities`` (e.g. :meth:`PIIScan.identifier_entities`), else from the column
    name, else ``KNOWN_IDENTIFIER``. ``detector`` may be ``None`` only when there is no free
    text. ``progress(done, total)`` counts free-text cells. The input frame is not modified.
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"deidentify needs a pandas DataFrame (got {type(table).__name__})")
    plan, problems = _parse_actions(actions, drop, redact)
    present = {str(c) for c in table.columns}
    absent = sorted(c for c in plan if c not in present)
    if absent:
        problems.append(f"the table has no column(s) {absent}")
    uses = set(plan.values())
    if uses & set(_TEXT_ACTIONS) and detector is None:
        problems.append("redacting free text needs a detector (build one with build_detector())")
    if ActionKind.PSEUDONYMIZE in uses and pseudonym_key is None:
        problems.append(
            "pseudonymize needs a secret key: pass --pseudonym-key-file or set "
            "CLEARANCE_PSEUDONYM_KEY (see load_pseudonym_key)"
        )
    if ActionKind.SURROGATE_ID in uses and rng is None:
        problems.append("surrogate ids need a random generator (rng)")
    if ActionKind.SURROGATE_TEXT in uses and surrogate_seed is None:
        problems.append("surrogate text needs a surrogate_seed")
    if problems:
        raise InvalidInputError(join_problems(problems))

    text_cols = [c for c, a in plan.items() if a in _TEXT_ACTIONS]
    removed = {
        c: _entity_of(c, identifier_entities) for c, a in plan.items() if a in REMOVING_ACTIONS
    }
    row_ids: list[list[tuple[str, str]]] | None = None
    if match_row_identifiers and removed and text_cols:
        row_ids = [[] for _ in range(len(table))]
        for col, entity in removed.items():
            for i, value in enumerate(table[col].tolist()):
                text = identifier_text(value)
                if text is not None:
                    row_ids[i].append((entity, text))

    out = table.copy()
    unparseable: dict[str, int] = {}
    recoded: dict[str, int] = {}
    surrogate_maps: dict[str, SurrogateIdMap] = {}
    for col, action in plan.items():
        if action is ActionKind.PSEUDONYMIZE:
            out[col] = pseudonymize(table[col], pseudonym_key, namespace=col)  # type: ignore[arg-type]
        elif action is ActionKind.SURROGATE_ID:
            out[col], surrogate_maps[col] = assign_surrogate_ids(table[col], rng=rng)  # type: ignore[arg-type]
        elif action in (
            ActionKind.GENERALIZE_ZIP3,
            ActionKind.GENERALIZE_YEAR,
            ActionKind.GENERALIZE_AGE,
        ):
            generalise = {
                ActionKind.GENERALIZE_ZIP3: generalize_zip,
                ActionKind.GENERALIZE_YEAR: generalize_date_to_year,
                ActionKind.GENERALIZE_AGE: generalize_age,
            }[action]
            result = generalise(table[col])
            out[col] = result.series
            unparseable[col] = result.n_unparseable
            recoded[col] = result.n_recoded

    totals: Counter[str] = Counter()
    by_column: dict[str, dict[str, int]] = {}
    n_cells = len(table) * len(text_cols)
    for k, col in enumerate(text_cols):
        offset = k * len(table)

        def column_progress(done: int, _total: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + done, n_cells)

        factory = (
            SurrogateFactory(surrogate_seed + k, consistent_across_rows=consistent_across_rows)  # type: ignore[operator]
            if plan[col] is ActionKind.SURROGATE_TEXT
            else None
        )
        redacted, counts = redact_text_column(
            table[col],
            detector=detector,  # type: ignore[arg-type]
            row_identifiers=row_ids,
            surrogates=factory,
            progress=column_progress,
        )
        out[col] = redacted
        totals.update(counts)
        by_column[col] = counts
    out = out.drop(columns=[c for c, a in plan.items() if a is ActionKind.DROP])
    result = DeidentificationResult(
        actions={str(c): plan.get(str(c), ActionKind.KEEP).value for c in table.columns},
        spans_replaced=dict(sorted(totals.items())),
        spans_by_column=by_column,
        rows=len(table),
        row_identifier_matching=row_ids is not None,
        unparseable=unparseable,
        recoded=recoded,
        pseudonym_key_id=pseudonym_key.key_id
        if pseudonym_key is not None and (ActionKind.PSEUDONYMIZE in uses)
        else None,
        removed_identifiers=removed,
        surrogate_ids=surrogate_maps,
    )
    return out, result
