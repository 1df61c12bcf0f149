"""HIPAA Safe Harbor checklist: for each of the 18 identifier categories of 45 CFR
164.514(b)(2)(i), where it was found, what was done, and what is left.

The checklist is built from three things: the scan of the original table (where each category
was found), the action applied to each column, and a **residual check** of the de-identified
table (:func:`residual_check`): the same table scanned again with the detector, every text
column checked in full by the vectorised pattern expressions, and every remaining text cell
searched for the identifiers that were removed from its own row. Residual hits are counted,
never shown.

Categories P (biometric identifiers) and Q (full-face photographs) cannot be seen in table
values; the checklist says so rather than reporting them as clear. Category R (any other
unique identifying number) covers ids such as a patient id column; an entity id column is never
released by Clearance's pipeline.

Privacy: the checklist holds column names, entity types, action names and counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from privacy.pii.column_patterns import column_pattern_counts, full_column_patterns
from privacy.pii.entities import PiiEntity
from privacy.pii.scan import PIIScan, scan_table

if TYPE_CHECKING:
    from privacy.pii.detect import Detector

__all__ = [
    "SAFE_HARBOR_CATEGORIES",
    "ChecklistItem",
    "ResidualCheck",
    "SafeHarborCategory",
    "SafeHarborChecklist",
    "build_checklist",
    "category_of",
    "residual_check",
]


@dataclass(frozen=True)
class SafeHarborCategory:
    """One of the 18 identifier categories, with the entity types that detect it."""

    letter: str
    title: str
    entity_types: frozenset[str]
    detectable: bool = True


def _cat(letter: str, title: str, *entities: str, detectable: bool = True) -> SafeHarborCategory:
    return SafeHarborCategory(letter, title, frozenset(entities), detectable)


E = PiiEntity
#: The 18 categories in the order of the regulation.
SAFE_HARBOR_CATEGORIES: tuple[SafeHarborCategory, ...] = (
    _cat("A", "Names", E.PERSON),
    _cat(
        "B",
        "Geographic subdivisions smaller than a state (street, city, county, ZIP code)",
        E.STREET_ADDRESS,
        E.LOCATION,
        E.US_ZIP_CODE,
    ),
    _cat(
        "C",
        "Dates (except year) related to an individual, and ages over 89",
        E.DATE_TIME,
        E.DATE_OF_BIRTH,
        E.AGE,
    ),
    _cat("D", "Telephone numbers", E.PHONE_NUMBER),
    _cat("E", "Fax numbers", E.FAX_NUMBER),
    _cat("F", "Electronic mail addresses", E.EMAIL_ADDRESS),
    _cat("G", "Social security numbers", E.US_SSN, E.US_ITIN),
    _cat("H", "Medical record numbers", E.MEDICAL_RECORD_NUMBER),
    _cat("I", "Health plan beneficiary numbers", E.HEALTH_PLAN_ID),
    _cat(
        "J",
        "Account numbers",
        E.ACCOUNT_NUMBER,
        E.US_BANK_NUMBER,
        E.CREDIT_CARD,
        E.IBAN_CODE,
    ),
    _cat(
        "K",
        "Certificate and license numbers",
        E.LICENSE_NUMBER,
        E.US_DRIVER_LICENSE,
        E.US_PASSPORT,
        E.MEDICAL_LICENSE,
        E.NPI,
        E.DEA_NUMBER,
    ),
    _cat("L", "Vehicle identifiers and serial numbers, including license plates", E.VEHICLE_ID),
    _cat("M", "Device identifiers and serial numbers", E.DEVICE_ID, E.MAC_ADDRESS),
    _cat("N", "Web URLs", E.URL),
    _cat("O", "IP addresses", E.IP_ADDRESS),
    _cat("P", "Biometric identifiers, including finger and voice prints", detectable=False),
    _cat("Q", "Full-face photographs and comparable images", detectable=False),
    _cat(
        "R",
        "Any other unique identifying number, characteristic, or code",
        E.UK_NHS,
        E.CRYPTO,
        "UUID",
        "DENY_LIST",
        E.KNOWN_IDENTIFIER,
        E.ID_NUMBER,
    ),
)
del E

_BY_ENTITY: dict[str, str] = {
    entity: cat.letter for cat in SAFE_HARBOR_CATEGORIES for entity in cat.entity_types
}


def category_of(entity_type: str) -> str | None:
    """The Safe Harbor category letter of an entity type, or None (e.g. NRP, ORGANIZATION)."""
    return _BY_ENTITY.get(entity_type)


# ---------------------------------------------------------------------------------------------
# Residual check


@dataclass(frozen=True)
class ResidualCheck:
    """What is left in a de-identified table, in counts. Never holds a value.

    ``pattern_hits[column][entity]``: rows of the column holding a pattern identifier (full
    column, exact). ``known_identifier_hits[column][entity]``: cells still holding an identifier
    removed from their own row. ``rescan``: the de-identified table scanned again.
    """

    pattern_hits: dict[str, dict[str, int]]
    known_identifier_hits: dict[str, dict[str, int]]
    rescan: PIIScan | None
    checked_columns: tuple[str, ...]

    def hits_by_entity(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for table in (self.pattern_hits, self.known_identifier_hits):
            for counts in table.values():
                out.update(counts)
        return out

    @property
    def total_pattern_hits(self) -> int:
        return sum(sum(c.values()) for c in self.pattern_hits.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked_columns": list(self.checked_columns),
            "pattern_hits": self.pattern_hits,
            "known_identifier_hits": self.known_identifier_hits,
            "total_pattern_hits": self.total_pattern_hits,
            "rescan_direct_identifiers": (
                self.rescan.direct_identifiers() if self.rescan is not None else None
            ),
        }


def _text_columns(table: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in table.columns
        if pd.api.types.is_string_dtype(table[c].dtype) or pd.api.types.is_object_dtype(table[c])
    ]


def _contains_word(cell: str, value: str) -> bool:
    """Whether ``value`` occurs in ``cell`` as a whole token (case-insensitive): a ZIP code
    inside a longer id ("P2414127") is not the ZIP code."""
    folded_cell, folded_value = cell.casefold(), value.casefold()
    start = folded_cell.find(folded_value)
    while start >= 0:
        end = start + len(folded_value)
        before = folded_cell[start - 1] if start else " "
        after = folded_cell[end] if end < len(folded_cell) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = folded_cell.find(folded_value, start + 1)
    return False


def _known_identifier_hits(
    clean: pd.DataFrame,
    original: pd.DataFrame,
    removed: Mapping[str, str],
    columns: Sequence[str],
) -> dict[str, dict[str, int]]:
    """Cells of ``columns`` that still contain a value removed from the same row."""
    from privacy.pii.deidentify import identifier_text

    out: dict[str, dict[str, int]] = {}
    if not removed or not columns or len(clean) != len(original):
        return out
    removed_values = {col: [identifier_text(v) for v in original[col].tolist()] for col in removed}
    for col in columns:
        cells = clean[col].tolist()
        counts: Counter[str] = Counter()
        for src, values in removed_values.items():
            for cell, value in zip(cells, values, strict=True):
                if (
                    isinstance(cell, str)
                    and value is not None
                    and len(value) >= 4
                    and _contains_word(cell, value)
                ):
                    counts[removed[src]] += 1
        if counts:
            out[col] = dict(counts)
    return out


def residual_check(
    clean: pd.DataFrame,
    *,
    original: pd.DataFrame | None = None,
    removed: Mapping[str, str] | None = None,
    detector: Detector | None = None,
    rng: np.random.Generator | None = None,
    sample_size: int = 200,
) -> ResidualCheck:
    """Count what identifiers are left in ``clean`` (see the module docstring).

    ``original`` (the table before de-identification, same rows in the same order) and
    ``removed`` (column -> entity type of the columns dropped or replaced) enable the
    known-identifier search; ``detector`` and ``rng`` enable the rescan.
    """
    columns = _text_columns(clean)
    patterns = full_column_patterns(detector.config.mrn_patterns if detector else ())
    pattern_hits: dict[str, dict[str, int]] = {}
    for col in columns:
        counts = column_pattern_counts(clean[col], column=col, patterns=patterns)
        if counts.rows_hit:
            pattern_hits[col] = dict(counts.rows_hit)
    known = (
        _known_identifier_hits(clean, original, removed or {}, columns)
        if original is not None
        else {}
    )
    rescan = None
    if detector is not None and rng is not None and len(clean.columns):
        # The exact pattern counts are above; the rescan adds what the detector still finds.
        rescan = scan_table(
            clean, detector=detector, rng=rng, sample_size=sample_size, full_column_check=False
        )
    return ResidualCheck(pattern_hits, known, rescan, tuple(columns))


# ---------------------------------------------------------------------------------------------
# Checklist

ItemStatus = Literal["not found", "removed", "residual", "not detectable"]


@dataclass(frozen=True)
class ChecklistItem:
    """One category: where it was found, the action per column, and what is left.

    ``residual_exact[column]`` counts cells holding a pattern identifier or a removed row
    identifier (every row checked); ``residual_sampled[column]`` is ``(hits, n)``: sampled
    values of the de-identified column in which the rescan still detects the category.
    """

    letter: str
    title: str
    found_in: tuple[str, ...]
    actions: dict[str, str]
    residual_exact: dict[str, int]
    residual_sampled: dict[str, tuple[int, int]]
    status: ItemStatus

    @property
    def residual_hits(self) -> int:
        """Exact residual cells plus sampled residual hits."""
        return sum(self.residual_exact.values()) + sum(h for h, _ in self.residual_sampled.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "letter": self.letter,
            "title": self.title,
            "found_in": list(self.found_in),
            "actions": dict(self.actions),
            "residual_exact": dict(self.residual_exact),
            "residual_sampled": {c: list(v) for c, v in self.residual_sampled.items()},
            "residual_hits": self.residual_hits,
            "status": self.status,
        }


@dataclass(frozen=True)
class SafeHarborChecklist:
    """The 18 items, and whether any residual identifier was counted."""

    items: tuple[ChecklistItem, ...]
    profile: str
    notes: tuple[str, ...] = field(default=())

    @property
    def total_residual(self) -> int:
        return sum(i.residual_hits for i in self.items)

    @property
    def total_residual_exact(self) -> int:
        return sum(sum(i.residual_exact.values()) for i in self.items)

    @property
    def clear(self) -> bool:
        """No residual hit in any detectable category."""
        return self.total_residual == 0

    def item(self, letter: str) -> ChecklistItem:
        return next(i for i in self.items if i.letter == letter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "clear": self.clear,
            "total_residual": self.total_residual,
            "total_residual_exact": self.total_residual_exact,
            "items": [i.to_dict() for i in self.items],
            "notes": list(self.notes),
        }


def _found_columns(scan: PIIScan) -> dict[str, list[str]]:
    """Category letter -> columns (table order) where the scan found it: in any value of a
    free-text column, by the full-column check, in at least ``threshold_share`` of a column's
    sampled values, or named by a strong column-name hint."""
    out: dict[str, list[str]] = {}
    for verdict in scan.verdicts:
        for f in verdict.findings:
            letter = category_of(f.entity_type)
            if letter is None:
                continue
            if (
                verdict.identifier_entity is not None
                and f.source == "values"
                and f.entity_type != verdict.identifier_entity
            ):
                continue  # an SSN column read as dates by NER is still only an SSN column
            seen = (
                f.share_hit is not None
                and (
                    f.source == "full_column"
                    or verdict.is_free_text
                    or f.share_hit.value >= scan.threshold_share
                )
                and f.share_hit.value > 0
            )
            if (seen or (f.source == "column_name" and f.strong_hint)) and verdict.column not in (
                out.get(letter, [])
            ):
                out.setdefault(letter, []).append(verdict.column)
    return out


def _exact_residuals(residual: ResidualCheck) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for table in (residual.pattern_hits, residual.known_identifier_hits):
        for col, counts in table.items():
            for entity, n in counts.items():
                letter = category_of(entity)
                if letter is not None:
                    out.setdefault(letter, Counter())[col] += n
    return out


def _sampled_residuals(
    residual: ResidualCheck, text_columns: set[str]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Rescan hits per category and column: every hit in a free-text column (its redaction
    missed something), and in other columns a share the scan itself would act on (at least
    its ``threshold_share``), so a stray NER false positive in a category column is not
    counted as a residual identifier."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    rescan = residual.rescan
    if rescan is None:
        return out
    for verdict in rescan.verdicts:
        for f in verdict.findings:
            letter = category_of(f.entity_type)
            if letter is None or f.source != "values" or f.share_hit is None:
                continue
            hits = round(f.share_hit.value * f.n_sampled)
            relevant = verdict.column in text_columns or f.share_hit.value >= rescan.threshold_share
            if hits and relevant:
                previous = out.setdefault(letter, {}).get(verdict.column, (0, f.n_sampled))
                out[letter][verdict.column] = (max(previous[0], hits), f.n_sampled)
    return out


def build_checklist(
    scan: PIIScan,
    actions: Mapping[str, str],
    residual: ResidualCheck,
    *,
    profile: str,
) -> SafeHarborChecklist:
    """The 18-item checklist from the original scan, the action per column (e.g. ``drop``,
    ``redact``, ``zip3``; a column without one is ``keep``) and the residual check of the
    de-identified table. ``profile`` names the detector profile both scans used."""
    found = _found_columns(scan)
    exact = _exact_residuals(residual)
    text_columns = {c for c, a in actions.items() if a in ("redact", "surrogate_text")}
    sampled = _sampled_residuals(residual, text_columns)
    items: list[ChecklistItem] = []
    for cat in SAFE_HARBOR_CATEGORIES:
        cols = tuple(found.get(cat.letter, []))
        item_exact = dict(exact.get(cat.letter, Counter()))
        item_sampled = sampled.get(cat.letter, {})
        if not cat.detectable:
            status: ItemStatus = "not detectable"
        elif item_exact or item_sampled:
            status = "residual"
        elif cols:
            status = "removed"
        else:
            status = "not found"
        items.append(
            ChecklistItem(
                letter=cat.letter,
                title=cat.title,
                found_in=cols,
                actions={c: actions.get(c, "keep") for c in cols},
                residual_exact=item_exact,
                residual_sampled=dict(item_sampled),
                status=status,
            )
        )
    notes = (
        "Categories P and Q (biometrics, photographs) cannot be seen in table values: declare "
        "such columns as direct identifiers.",
        "Exact residual counts come from checking every row with the pattern expressions and "
        "searching each row for its removed identifiers; sampled counts come from scanning "
        "the de-identified table again. No count is shown with the value behind it.",
    )
    return SafeHarborChecklist(tuple(items), profile, notes)
