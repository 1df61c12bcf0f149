"""Scanning a table for personal identifiers: per column, what was found and what to do with it.

For each column, :func:`scan_table` samples up to ``sample_size`` non-null values (without
replacement, with the caller's generator), runs Presidio over the distinct sampled values of
text columns, reads the column name (:mod:`privacy.pii.hints`) and the values' shape, and
proposes a role. The rules, in order:

1. **Strong name hint** -> ``DIRECT_IDENTIFIER``, when the values' shape does not contradict it:
   a numeric column cannot hold names, e-mails or addresses; a numeric phone or SSN has at least
   six or seven digits; a numeric date of birth looks like ``yyyymmdd`` (a year alone is not a
   birth date); a ZIP column is a *full* ZIP (five digits, or four when a leading zero was lost
   to a numeric type; ZIP3 is a quasi-identifier); a boolean column is never an identifier; and
   a column with very few distinct values (at most 5, or 5% of at least 20 sampled values) is a
   category, not an identifier (ZIP codes excepted: a small area has few).
2. **Free text** -> ``FREE_TEXT``: a text column whose values have on average at least
   ``free_text_min_words`` whitespace-separated words, unless detected entities cover most of
   the characters (then it is a record of identifiers, e.g. a full address, and rule 3
   decides); also a text column of at least four words per value whose values embed direct
   identifiers (found in ``threshold_share`` of values, covering under half of the text).
   Free text is redacted, not dropped.
3. **Values** -> ``DIRECT_IDENTIFIER``: the share of sampled values in which a direct-identifier
   entity (:data:`~privacy.pii.entities.VALUE_EVIDENCE_ENTITIES`) was detected has a 95% Wilson
   lower bound of at least ``threshold_share``. PERSON, which comes from a statistical NER model,
   must also cover at least half of the characters of the values it hits and be found at least
   as often as LOCATION (so ``Parkinson's disease`` or a city called ``Lincoln`` do not make a
   name column).
4. Otherwise the role is left ``None`` for the caller's schema to decide. Dates (DATE_TIME) and
   places (LOCATION) are *quasi*-identifiers: an ``admission_date`` or ``city`` column is never
   proposed as a direct identifier by its values. Only a name hint makes a date a date of birth.

Numeric, boolean and datetime columns are not sent to the NER model (numbers draw false
positives): only their names and shapes are read.

Privacy: a :class:`PIIScan` holds column names, entity types, counts, shares and scores, never a
value from the table; reasons and errors are built from the same. Library code never prints or
logs; progress goes to the callback.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError, join_problems
from privacy.estimate import Estimate
from privacy.pii._analysis import Span
from privacy.pii.column_patterns import (
    ColumnPatternCounts,
    column_pattern_counts,
    full_column_patterns,
)
from privacy.pii.engine import analyzer_model_name
from privacy.pii.entities import DIRECT_IDENTIFIER_ENTITIES, VALUE_EVIDENCE_ENTITIES, PiiEntity
from privacy.pii.hints import NameHint, column_name_hints, name_tokens
from privacy.schema import ColumnRole

if TYPE_CHECKING:
    from privacy.pii.detect import Detector

__all__ = ["ColumnVerdict", "PIIScan", "PiiFinding", "scan_table"]

FindingSource = Literal["values", "column_name", "full_column"]
ProposedAction = Literal["drop", "redact", "keep"]
ValueShape = Literal["text", "numeric", "boolean", "datetime", "empty"]

#: Share of characters detected entities must cover for a long-valued column to count as a
#: record of identifiers (an address) rather than free text.
_RECORD_COVERAGE = 0.6
#: A column this many times over the free-text word threshold is free text whatever the coverage.
_ALWAYS_FREE_TEXT_FACTOR = 2.5
#: Minimum words per value for the "embedded identifiers" free-text rule.
_EMBEDDED_MIN_WORDS = 4.0
#: Share of a value's characters PERSON must cover to count as a name column.
_PERSON_COVERAGE = 0.5

# When several entities qualify, the most specific wins ties (an e-mail is also a URL).
_PRIORITY: tuple[str, ...] = (
    PiiEntity.US_SSN,
    PiiEntity.MEDICAL_RECORD_NUMBER,
    PiiEntity.EMAIL_ADDRESS,
    PiiEntity.PHONE_NUMBER,
    PiiEntity.CREDIT_CARD,
    PiiEntity.IBAN_CODE,
    PiiEntity.US_DRIVER_LICENSE,
    PiiEntity.US_PASSPORT,
    PiiEntity.US_ITIN,
    PiiEntity.UK_NHS,
    PiiEntity.MEDICAL_LICENSE,
    PiiEntity.IP_ADDRESS,
    PiiEntity.MAC_ADDRESS,
    PiiEntity.CRYPTO,
    PiiEntity.STREET_ADDRESS,
    PiiEntity.DATE_OF_BIRTH,
    PiiEntity.US_ZIP_CODE,
    PiiEntity.PERSON,
    PiiEntity.US_BANK_NUMBER,
    PiiEntity.URL,
)


def _priority(entity: str) -> int:
    try:
        return _PRIORITY.index(entity)  # type: ignore[arg-type]
    except ValueError:
        return len(_PRIORITY)


@dataclass(frozen=True)
class PiiFinding:
    """One entity type found in a column, by its values or its name. Never holds a value.

    For ``source="values"``: ``share_hit`` is the share of the ``n_sampled`` sampled non-null
    values in which the entity was detected at least once (Wilson 95% interval),
    ``mean_confidence`` the mean of Presidio's best score for the entity over those values, and
    ``mean_coverage`` the mean share of their characters the entity's spans cover. For
    ``source="column_name"`` those three are ``None``, ``n_sampled`` is 0 and ``strong_hint``
    says whether the name alone is evidence (see :mod:`privacy.pii.hints`). For
    ``source="full_column"``, ``share_hit`` is an exact share over *every* non-null value of the
    column (``n_sampled`` is then that count), from the vectorised pattern checks of
    :mod:`privacy.pii.column_patterns`.
    ``redacted_example`` shows one sampled value that holds the entity with every detected span
    replaced by its tag and every other character masked by class (letters ``x``/``X``, digits
    ``9``; spaces and punctuation kept): the shape of the evidence, never a value.
    ``proposed_action`` follows the column's verdict: ``drop`` for a direct identifier column,
    ``redact`` for free text, ``keep`` otherwise.
    """

    column: str
    entity_type: str
    source: FindingSource
    proposed_action: ProposedAction
    n_sampled: int
    share_hit: Estimate | None = None
    mean_confidence: float | None = None
    mean_coverage: float | None = None
    strong_hint: bool | None = None
    redacted_example: str | None = None

    @property
    def is_direct_identifier_type(self) -> bool:
        """Whether the entity type names a person on its own."""
        return self.entity_type in DIRECT_IDENTIFIER_ENTITIES

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "entity_type": self.entity_type,
            "source": self.source,
            "proposed_action": self.proposed_action,
            "n_sampled": self.n_sampled,
            "share_hit": self.share_hit.to_dict() if self.share_hit is not None else None,
            "mean_confidence": self.mean_confidence,
            "mean_coverage": self.mean_coverage,
            "strong_hint": self.strong_hint,
            "redacted_example": self.redacted_example,
        }


@dataclass(frozen=True)
class ColumnVerdict:
    """What the scan proposes for one column, and why. Never holds a value.

    ``proposed_role`` is ``DIRECT_IDENTIFIER`` (drop), ``FREE_TEXT`` (redact) or ``None`` (no
    proposal: the caller's schema decides). ``identifier_entity`` is the entity that made the
    column a direct identifier. ``shape`` is how the values were read (``text`` values go
    through NER).
    """

    column: str
    proposed_role: ColumnRole | None
    is_free_text: bool
    findings: tuple[PiiFinding, ...]
    reason: str
    shape: ValueShape
    n_sampled: int
    identifier_entity: str | None = None
    mean_words: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "proposed_role": (self.proposed_role.value if self.proposed_role is not None else None),
            "is_free_text": self.is_free_text,
            "identifier_entity": self.identifier_entity,
            "shape": self.shape,
            "n_sampled": self.n_sampled,
            "mean_words": self.mean_words,
            "reason": self.reason,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class PIIScan:
    """The scan of a whole table: one verdict per column, in table order. Never holds a value."""

    verdicts: tuple[ColumnVerdict, ...]
    n_rows: int
    sample_size: int
    threshold_share: float
    free_text_min_words: float
    spacy_model: str
    full_column_check: bool = False
    findings_count: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings_count", sum(len(v.findings) for v in self.verdicts))

    def verdict(self, column: str) -> ColumnVerdict:
        for v in self.verdicts:
            if v.column == column:
                return v
        raise KeyError(column)

    def direct_identifiers(self) -> list[str]:
        """Columns proposed as direct identifiers (to drop), in table order."""
        return [v.column for v in self.verdicts if v.proposed_role is ColumnRole.DIRECT_IDENTIFIER]

    def free_text_columns(self) -> list[str]:
        """Columns proposed as free text (to redact), in table order."""
        return [v.column for v in self.verdicts if v.proposed_role is ColumnRole.FREE_TEXT]

    def identifier_entities(self) -> dict[str, str]:
        """Entity type of each proposed direct-identifier column (for
        :func:`privacy.pii.deidentify.deidentify`'s row matching)."""
        return {
            v.column: v.identifier_entity
            for v in self.verdicts
            if v.proposed_role is ColumnRole.DIRECT_IDENTIFIER and v.identifier_entity is not None
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "sample_size": self.sample_size,
            "threshold_share": self.threshold_share,
            "free_text_min_words": self.free_text_min_words,
            "spacy_model": self.spacy_model,
            "full_column_check": self.full_column_check,
            "direct_identifiers": self.direct_identifiers(),
            "free_text_columns": self.free_text_columns(),
            "columns": [v.to_dict() for v in self.verdicts],
        }


# ---------------------------------------------------------------------------------------------
# Reading a column


@dataclass
class _EntityStats:
    hits: int = 0
    score_sum: float = 0.0
    coverage_sum: float = 0.0
    example: str | None = None  # a masked example (no value), see mask_example


@dataclass
class _ValueEvidence:
    n: int
    stats: dict[str, _EntityStats]
    mean_coverage: float  # all entities together
    mean_words: float


def _union_length(spans: Sequence[Span]) -> int:
    total, end = 0, -1
    for s in sorted(spans, key=lambda s: s.start):
        if s.end <= end:
            continue
        total += s.end - max(s.start, end)
        end = s.end
    return total


_EXAMPLE_CHARS = 80


def mask_example(text: str, spans: Sequence[Span]) -> str:
    """``text`` with each span replaced by ``<ENTITY>`` and every other letter or digit masked
    (``x``/``X``/``9``), cut to about 80 characters: the shape of a value, never the value."""
    pieces: list[str] = []
    pos = 0
    for s in sorted(spans, key=lambda s: s.start):
        if s.start < pos:
            continue
        pieces.append(_mask(text[pos : s.start]))
        pieces.append(f"<{s.entity_type}>")
        pos = s.end
    pieces.append(_mask(text[pos:]))
    out = "".join(pieces)
    return out if len(out) <= _EXAMPLE_CHARS else out[: _EXAMPLE_CHARS - 1] + "…"


def _mask(text: str) -> str:
    return "".join(
        "9" if ch.isdigit() else ("X" if ch.isupper() else "x") if ch.isalpha() else ch
        for ch in text
    )


def _value_evidence(
    texts: list[str], found: dict[str, list[Span]], stats: dict[str, _EntityStats]
) -> tuple[float, int]:
    """Add the evidence of ``texts`` (analysed in ``found``) to ``stats``; return the sums of
    coverage and words."""
    coverage_total = 0.0
    words_total = 0
    for text in texts:
        spans = found[text]
        length = max(len(text.strip()), 1)
        coverage_total += min(1.0, _union_length(spans) / length)
        words_total += len(text.split())
        by_entity: dict[str, list[Span]] = {}
        for s in spans:
            by_entity.setdefault(s.entity_type, []).append(s)
        for entity, ents in by_entity.items():
            st = stats.setdefault(entity, _EntityStats())
            st.hits += 1
            st.score_sum += max(s.score for s in ents)
            st.coverage_sum += min(1.0, _union_length(ents) / length)
            if st.example is None:
                st.example = mask_example(text, spans)
    return coverage_total, words_total


def _value_shape(series: pd.Series, sample: list[Any]) -> ValueShape:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if (
        pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype)
    ):
        return "datetime"
    if not sample:
        return "empty"
    if all(isinstance(v, bool | np.bool_) for v in sample):
        return "boolean"
    if all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in sample):
        return "numeric"
    if all(isinstance(v, _dt.date | _dt.timedelta | pd.Timestamp) for v in sample):
        return "datetime"
    return "text"


def _numeric(sample: list[Any]) -> np.ndarray:
    return np.abs(pd.to_numeric(pd.Series(sample, dtype=object), errors="coerce").to_numpy(float))


def _share(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else 0.0


def _hint_fits_values(entity: str, shape: ValueShape, sample: list[Any]) -> bool:
    """Whether the sampled values could hold ``entity`` (see rule 1 of the module docstring)."""
    if shape == "empty":
        return True
    if shape == "boolean":
        return False
    if shape == "datetime":
        return entity == PiiEntity.DATE_OF_BIRTH
    if shape == "numeric":
        values = _numeric(sample)
        values = values[np.isfinite(values)]
        if entity == PiiEntity.PHONE_NUMBER:
            return _share(values >= 1e6) >= 0.5
        if entity == PiiEntity.US_SSN:
            return _share(values >= 1e5) >= 0.5
        if entity == PiiEntity.US_ZIP_CODE:
            return _share(values >= 1e3) >= 0.5
        if entity == PiiEntity.DATE_OF_BIRTH:
            return _share(values >= 1e7) >= 0.5  # yyyymmdd, not a year
        if entity in (
            PiiEntity.PERSON,
            PiiEntity.EMAIL_ADDRESS,
            PiiEntity.STREET_ADDRESS,
            PiiEntity.URL,
            PiiEntity.IP_ADDRESS,
            PiiEntity.MAC_ADDRESS,
            PiiEntity.IBAN_CODE,
            PiiEntity.CRYPTO,
        ):
            return False
        return bool(values.size) and bool(np.all(values == np.round(values)))
    if entity == PiiEntity.US_ZIP_CODE:
        alnum = [sum(ch.isalnum() for ch in str(v)) for v in sample]
        return float(np.mean(alnum)) >= 5
    return True


def _looks_categorical(sample: list[Any]) -> bool:
    n = len(sample)
    if n < 20:
        return False
    distinct = len({str(v) for v in sample})
    return distinct <= max(5, int(0.05 * n))


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _value_phrase(entity: str, est: Estimate) -> str:
    return (
        f"{_pct(est.value)} of {est.n} sampled values contain {entity} "
        f"(95% CI {_pct(est.lower)}-{_pct(est.upper)})"
    )


#: First look of the adaptive sample; later looks double it up to ``sample_size``.
MIN_ADAPTIVE_SAMPLE = 40
#: At most this many looks share a 5% error budget (Bonferroni): each look's stopping decision
#: uses a 1 - 0.05 / 4 interval, so stopping early does not inflate the verdict's error rate.
_LOOKS = 4


def _look_sizes(k: int) -> list[int]:
    sizes: list[int] = []
    size = min(MIN_ADAPTIVE_SAMPLE, k)
    while size < k and len(sizes) < _LOOKS - 1:
        sizes.append(size)
        size *= 2
    sizes.append(k)
    return sizes


def _verdict_is_certain(
    stats: dict[str, _EntityStats],
    n: int,
    mean_words: float,
    threshold_share: float,
    free_text_min_words: float,
) -> bool:
    """Whether more values could not change the verdict: every identifier entity's share is
    clearly above or below the threshold and the words per value are far from the free-text
    threshold."""
    if 0.6 * free_text_min_words <= mean_words <= 1.8 * free_text_min_words:
        return False
    confidence = 1 - 0.05 / _LOOKS
    for entity in VALUE_EVIDENCE_ENTITIES | {PiiEntity.LOCATION.value}:
        hits = stats[entity].hits if entity in stats else 0
        est = Estimate.proportion(hits, n, confidence=confidence)
        if est.lower < threshold_share <= est.upper:
            return False
    return True


def _gather_evidence(
    column: str,
    texts: list[str],
    detector: Detector,
    threshold_share: float,
    free_text_min_words: float,
) -> _ValueEvidence:
    """Analyse the sampled ``texts`` in growing looks, stopping when the verdict is certain."""
    stats: dict[str, _EntityStats] = {}
    found: dict[str, list[Span]] = {}
    context = name_tokens(column)
    coverage = 0.0
    words = 0
    done = 0
    for size in _look_sizes(len(texts)):
        batch = texts[done:size]
        new = [t for t in dict.fromkeys(batch) if t not in found]
        found.update(zip(new, detector.detect(new, context=context, merge=False), strict=True))
        c, w = _value_evidence(batch, found, stats)
        coverage, words, done = coverage + c, words + w, size
        if _verdict_is_certain(stats, done, words / done, threshold_share, free_text_min_words):
            break
    return _ValueEvidence(done, stats, coverage / done, words / done)


def _non_blank(series: pd.Series) -> pd.Series:
    values = series.dropna()
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(
        values.dtype
    ):
        return values[values.str.strip().str.len() > 0]
    if pd.api.types.is_object_dtype(values.dtype):
        keep = values.map(lambda v: not (isinstance(v, str) and not v.strip()))
        return values[keep.astype(bool)]
    return values


def _scan_column(
    column: str,
    series: pd.Series,
    *,
    detector: Detector,
    sample_size: int,
    rng: np.random.Generator,
    threshold_share: float,
    free_text_min_words: float,
    patterns: dict[str, str] | None,
) -> ColumnVerdict:
    values = _non_blank(series)
    k = min(sample_size, len(values))
    positions = rng.choice(len(values), size=k, replace=False) if k else np.array([], int)
    sample: list[Any] = values.iloc[positions].tolist()
    shape = _value_shape(series, sample)
    hints = column_name_hints(column)

    evidence: _ValueEvidence | None = None
    estimates: dict[str, Estimate] = {}
    full: ColumnPatternCounts | None = None
    if shape == "text":
        texts = [str(v) for v in sample]
        evidence = _gather_evidence(column, texts, detector, threshold_share, free_text_min_words)
        k = evidence.n
        estimates = {e: Estimate.proportion(st.hits, k) for e, st in evidence.stats.items()}
        if patterns is not None:
            full = column_pattern_counts(values, column=column, patterns=patterns)

    def coverage(entity: str) -> float:
        assert evidence is not None
        st = evidence.stats[entity]
        return st.coverage_sum / st.hits

    # Rule 1: a strong name hint the values do not contradict.
    role: ColumnRole | None = None
    identifier: str | None = None
    reason = ""
    free_text = False
    for hint in hints:
        if not hint.strong or not _hint_fits_values(hint.entity_type, shape, sample):
            continue
        if hint.entity_type != PiiEntity.US_ZIP_CODE and _looks_categorical(sample):
            continue
        role, identifier = ColumnRole.DIRECT_IDENTIFIER, hint.entity_type
        reason = f"column name suggests {hint.entity_type} (word '{hint.keyword}')"
        if hint.entity_type in estimates:
            reason += "; " + _value_phrase(hint.entity_type, estimates[hint.entity_type])
        elif shape == "text":
            reason += f"; no {hint.entity_type} detected in {k} sampled values"
        break

    # Values: direct-identifier entities whose share clears the threshold.
    qualified: list[str] = []
    embedded: list[str] = []
    if evidence is not None:
        location_share = estimates.get(PiiEntity.LOCATION)
        for entity, est in estimates.items():
            if entity not in VALUE_EVIDENCE_ENTITIES or est.lower < threshold_share:
                continue
            if coverage(entity) < _PERSON_COVERAGE:
                embedded.append(entity)
                if entity == PiiEntity.PERSON:
                    continue
            if entity == PiiEntity.PERSON and location_share is not None:
                if est.value < location_share.value:
                    continue
            qualified.append(entity)
        qualified.sort(key=lambda e: (-estimates[e].value, _priority(e)))

    # Rule 2: free text.
    if role is None and evidence is not None:
        words = evidence.mean_words
        long_text = words >= free_text_min_words and (
            evidence.mean_coverage < _RECORD_COVERAGE
            or words >= _ALWAYS_FREE_TEXT_FACTOR * free_text_min_words
        )
        if long_text:
            free_text, role = True, ColumnRole.FREE_TEXT
            reason = (
                f"free text: {words:.1f} words per value on average over {k} sampled values; "
                "detected entities are redacted, the column is not synthesised"
            )
        elif embedded and words >= _EMBEDDED_MIN_WORDS:
            free_text, role = True, ColumnRole.FREE_TEXT
            entity = max(embedded, key=lambda e: estimates[e].value)
            reason = (
                f"short free text with embedded identifiers: {words:.1f} words per value; "
                + _value_phrase(entity, estimates[entity])
                + " covering a small part of each value"
            )

    # Rule 3: values (the sample's Wilson bound, or the exact full-column share of a pattern).
    if role is None and full is not None:
        exact = [e for e in full.rows_hit if full.share(e) >= threshold_share]
        if exact and not qualified:
            identifier = max(exact, key=lambda e: (full.share(e), -_priority(e)))
            role = ColumnRole.DIRECT_IDENTIFIER
            reason = (
                f"{identifier} in {_pct(full.share(identifier))} of all {full.n_values:,} values "
                f"(full-column check); at least {_pct(threshold_share)}"
            )
    if role is None and qualified:
        identifier = qualified[0]
        role = ColumnRole.DIRECT_IDENTIFIER
        reason = _value_phrase(identifier, estimates[identifier]) + (
            f"; Wilson lower bound >= {_pct(threshold_share)}"
        )

    # Rule 3b: pattern identifiers in some rows of a column that would otherwise be kept.
    if role is None and full is not None and full.rows_hit:
        entity = max(full.rows_hit, key=lambda e: full.rows_hit[e])
        free_text, role = True, ColumnRole.FREE_TEXT
        reason = (
            f"{entity} in {full.rows_hit[entity]:,} of {full.n_values:,} values (full-column "
            "check), too few to call the column an identifier: redact it as free text"
        )

    # Rule 4: no proposal.
    if role is None:
        reason = _no_proposal_reason(shape, k, estimates, hints)

    action: ProposedAction = (
        "drop"
        if role is ColumnRole.DIRECT_IDENTIFIER
        else "redact"
        if role is ColumnRole.FREE_TEXT
        else "keep"
    )
    findings: list[PiiFinding] = [
        PiiFinding(
            column=column,
            entity_type=hint.entity_type,
            source="column_name",
            proposed_action=action,
            n_sampled=0,
            strong_hint=hint.strong,
        )
        for hint in hints
    ]
    if evidence is not None:
        for entity in sorted(estimates, key=lambda e: (-estimates[e].value, e)):
            st = evidence.stats[entity]
            findings.append(
                PiiFinding(
                    column=column,
                    entity_type=entity,
                    source="values",
                    proposed_action=action,
                    n_sampled=k,
                    share_hit=estimates[entity],
                    mean_confidence=st.score_sum / st.hits,
                    mean_coverage=coverage(entity),
                    redacted_example=st.example,
                )
            )
    if full is not None:
        for entity in sorted(full.rows_hit):
            findings.append(
                PiiFinding(
                    column=column,
                    entity_type=entity,
                    source="full_column",
                    proposed_action=action,
                    n_sampled=full.n_values,
                    share_hit=Estimate.exact(full.share(entity), n=full.n_values),
                )
            )
    return ColumnVerdict(
        column=column,
        proposed_role=role,
        is_free_text=free_text,
        findings=tuple(findings),
        reason=reason,
        shape=shape,
        n_sampled=k,
        identifier_entity=identifier if role is ColumnRole.DIRECT_IDENTIFIER else None,
        mean_words=evidence.mean_words if evidence is not None else None,
    )


def _no_proposal_reason(
    shape: ValueShape, k: int, estimates: dict[str, Estimate], hints: list[NameHint]
) -> str:
    if shape == "empty":
        return "no non-null values and no identifying column name"
    parts: list[str] = []
    if shape != "text":
        parts.append(f"{shape} column: not analyzed for entities")
    elif estimates:
        top = max(estimates, key=lambda e: estimates[e].value)
        kind = (
            "below the threshold"
            if top in DIRECT_IDENTIFIER_ENTITIES
            else "not a direct identifier on its own"
        )
        parts.append(f"most frequent entity: {_value_phrase(top, estimates[top])}, {kind}")
    else:
        parts.append(f"no entity detected in {k} sampled values")
    if hints:
        parts.append(
            "column name mentions "
            + ", ".join(f"{h.entity_type} ('{h.keyword}')" for h in hints)
            + " but the name or the values' shape does not support it"
        )
    return "; ".join(parts)


def _check_arguments(
    table: Any, sample_size: Any, threshold_share: Any, free_text_min_words: Any
) -> None:
    problems: list[str] = []
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"scan_table needs a pandas DataFrame (got {type(table).__name__})")
    labels = list(table.columns)
    if not all(isinstance(c, str) for c in labels):
        problems.append("column labels must be strings (read the table with a header row)")
    elif len(set(labels)) != len(labels):
        dupes = sorted({c for c in labels if labels.count(c) > 1})
        problems.append(f"column names must be unique (repeated: {dupes})")
    if not isinstance(sample_size, int) or isinstance(sample_size, bool) or sample_size < 1:
        problems.append("sample_size must be an integer >= 1")
    if not isinstance(threshold_share, int | float) or not 0 < threshold_share < 1:
        problems.append("threshold_share must be in (0, 1)")
    if (
        not isinstance(free_text_min_words, int | float)
        or not math.isfinite(free_text_min_words)
        or free_text_min_words <= 0
    ):
        problems.append("free_text_min_words must be a positive number")
    if problems:
        raise InvalidInputError(join_problems(problems))


def scan_table(
    table: pd.DataFrame,
    *,
    detector: Detector,
    sample_size: int = 200,
    rng: np.random.Generator,
    threshold_share: float = 0.3,
    free_text_min_words: float = 6.0,
    full_column_check: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> PIIScan:
    """Propose a privacy role for every column of ``table`` from its name and values.

    See the module docstring for the rules. Text columns are read from a sample of at most
    ``sample_size`` values analysed in growing looks (40, 80, 160, ...) that stop as soon as the
    verdict is certain; with ``full_column_check`` every value of every text column is also
    checked for pattern identifiers (SSN, e-mail, phone, labelled MRN, card number, IP, URL) by
    vectorised expressions, giving exact counts. ``detector`` comes from
    :func:`privacy.pii.detect.build_detector` (its profile does not matter here: the scan uses
    the detector's candidates under its own rules). ``rng`` draws the samples (pass a seeded
    generator for a reproducible scan); ``progress(done, total)`` is called after each column.
    The table is only read. The result holds no value from the table.
    """
    _check_arguments(table, sample_size, threshold_share, free_text_min_words)
    if not isinstance(rng, np.random.Generator):
        raise InvalidInputError("rng must be a numpy.random.Generator")
    patterns = full_column_patterns(detector.config.mrn_patterns) if full_column_check else None
    verdicts: list[ColumnVerdict] = []
    total = len(table.columns)
    for done, column in enumerate(table.columns, start=1):
        verdicts.append(
            _scan_column(
                str(column),
                table[column],
                detector=detector,
                sample_size=sample_size,
                rng=rng,
                threshold_share=float(threshold_share),
                free_text_min_words=float(free_text_min_words),
                patterns=patterns,
            )
        )
        if progress is not None:
            progress(done, total)
    return PIIScan(
        verdicts=tuple(verdicts),
        n_rows=len(table),
        sample_size=sample_size,
        threshold_share=float(threshold_share),
        free_text_min_words=float(free_text_min_words),
        spacy_model=analyzer_model_name(detector.analyzer),
        full_column_check=full_column_check,
    )
