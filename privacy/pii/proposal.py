"""A proposed :class:`~privacy.schema.Schema` from a PII scan: roles, kinds and actions that the
user can accept or edit as a file (``clearance scan --schema-out schema.json``).

Rules, per column:

* the scan's direct identifiers become ``direct_identifier`` with action ``drop``, except three
  that HIPAA Safe Harbor lets a release keep in generalised form, proposed as
  ``quasi_identifier``: a full ZIP code (``generalize_zip3``), a date of birth
  (``generalize_year``);
* free text becomes ``free_text`` with action ``redact``;
* (Safe Harbor only) a city, town, county or similar column gets action ``drop``;
* columns whose name or values say they describe a person's place, time, age, sex, race or
  ethnicity, marital status, occupation or similar become ``quasi_identifier`` (an age column
  gets ``generalize_age``; a date column ``generalize_year``);
* a column named like ``patient_id`` with mostly distinct values becomes ``entity_id`` with
  action ``surrogate_id`` (it is never released by a synthetic release; a de-identified table
  gets random ids not derived from it);
* everything else is ``other`` and kept.

Kinds come from the values: numbers are ``numeric`` (``integer`` when whole), text that parses
as dates in nearly every sampled value is ``datetime``, the rest ``categorical``. No domain is
declared, so a release measures every domain privately. The proposal reads only the scan and
column dtypes plus a parse test on a small sample; it holds no value.
"""

from __future__ import annotations

import warnings

import pandas as pd

from privacy.pii.entities import PiiEntity
from privacy.pii.hints import name_tokens
from privacy.pii.scan import PIIScan
from privacy.schema import Column, ColumnKind, ColumnRole, Schema

__all__ = ["QUASI_IDENTIFIER_WORDS", "propose_schema"]

#: Column-name words that mark a quasi-identifier.
QUASI_IDENTIFIER_WORDS: frozenset[str] = frozenset(
    """age sex gender race ethnicity ethnic zip zip3 postal city town county state province
    region country district birth born dob yob year marital occupation job profession employer
    nationality religion language admission admit admitted discharge discharged visit
    encounter date death deceased height weight""".split()
)
_AGE_WORDS = frozenset({"age", "ages"})
_DATE_SHARE = 0.9


def _looks_like_dates(series: pd.Series) -> bool:
    sample = series.dropna().head(200)
    if sample.empty or not (
        pd.api.types.is_string_dtype(sample.dtype) or pd.api.types.is_object_dtype(sample.dtype)
    ):
        return False
    text = sample.astype(str)
    if not text.str.contains(r"\d", regex=True).all():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= _DATE_SHARE)


def _kind(series: pd.Series) -> tuple[ColumnKind, bool]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return ColumnKind.CATEGORICAL, False
    if pd.api.types.is_numeric_dtype(series.dtype):
        return ColumnKind.NUMERIC, bool(pd.api.types.is_integer_dtype(series.dtype))
    if pd.api.types.is_datetime64_any_dtype(series.dtype) or _looks_like_dates(series):
        return ColumnKind.DATETIME, False
    return ColumnKind.CATEGORICAL, False


def _value_entities(scan: PIIScan, column: str, minimum: float = 0.5) -> set[str]:
    verdict = scan.verdict(column)
    return {
        f.entity_type
        for f in verdict.findings
        if f.source == "values" and f.share_hit is not None and f.share_hit.value >= minimum
    }


_ENTITY_WORDS = frozenset(
    """patient person subject member participant customer client user account record case
    beneficiary enrollee resident employee student individual pt""".split()
)
_ID_WORDS = frozenset({"id", "identifier", "key", "number", "no", "num", "nr"})


def _looks_like_entity_id(tokens: set[str], series: pd.Series) -> bool:
    """A column named like ``patient_id`` whose values are mostly distinct: it names a person
    within the table (Safe Harbor category R), so it is an entity id, never released."""
    if not (tokens & _ENTITY_WORDS and tokens & _ID_WORDS):
        return False
    sample = series.dropna().head(1000)
    return len(sample) > 0 and sample.nunique() >= 0.5 * len(sample)


_SUBSTATE_WORDS = frozenset(
    {
        "city",
        "town",
        "county",
        "village",
        "municipality",
        "borough",
        "precinct",
        "neighborhood",
        "neighbourhood",
        "district",
        "suburb",
    }
)


def propose_schema(table: pd.DataFrame, scan: PIIScan, *, safe_harbor: bool = True) -> Schema:
    """A schema for ``table`` from ``scan`` (see the module docstring).

    With ``safe_harbor`` (for ``clearance deidentify``) the actions make the table Safe Harbor
    complete: sub-state places are dropped and dates, ZIP codes and ages generalised. Without it
    (for a DP synthetic release, whose guarantee does not rest on generalisation) only direct
    identifiers are dropped and free text redacted; quasi-identifiers are kept for synthesis.
    """
    columns: list[Column] = []
    has_entity = False  # a schema has at most one entity column
    for name in table.columns:
        column = str(name)
        series = table[name]
        verdict = scan.verdict(column)
        kind, integer = _kind(series)
        tokens = set(name_tokens(column))
        action: str | None = None
        if verdict.proposed_role is ColumnRole.FREE_TEXT:
            kind, integer, role, action = ColumnKind.TEXT, False, ColumnRole.FREE_TEXT, "redact"
        elif verdict.proposed_role is ColumnRole.DIRECT_IDENTIFIER:
            entity = verdict.identifier_entity
            if not safe_harbor:
                entity = None
            if entity == PiiEntity.US_ZIP_CODE:
                role, action = ColumnRole.QUASI_IDENTIFIER, "generalize_zip3"
            elif entity == PiiEntity.DATE_OF_BIRTH:
                role, action = ColumnRole.QUASI_IDENTIFIER, "generalize_year"
            else:
                kind, integer, role, action = (
                    ColumnKind.TEXT,
                    False,
                    ColumnRole.DIRECT_IDENTIFIER,
                    "drop",
                )
        else:
            entities = _value_entities(scan, column)
            is_qi = bool(tokens & QUASI_IDENTIFIER_WORDS) or bool(
                entities & {PiiEntity.LOCATION.value, PiiEntity.DATE_TIME.value}
            )
            role = ColumnRole.QUASI_IDENTIFIER if is_qi else ColumnRole.OTHER
            if not safe_harbor:
                action = None
            elif is_qi and tokens & _AGE_WORDS and kind is ColumnKind.NUMERIC:
                action = "generalize_age"
            elif is_qi and kind is ColumnKind.DATETIME:
                action = "generalize_year"
            elif is_qi and tokens & _SUBSTATE_WORDS:
                action = "drop"
            if not has_entity and _looks_like_entity_id(tokens, series):
                has_entity = True
                role, action = ColumnRole.ENTITY_ID, ("surrogate_id" if safe_harbor else None)
                kind, integer = ColumnKind.CATEGORICAL, False
        # A generalised column has the kind of its generalised values.
        if action in ("generalize_zip3", "generalize_age"):
            kind, integer = ColumnKind.CATEGORICAL, False
        elif action == "generalize_year":
            kind, integer = ColumnKind.NUMERIC, True
        columns.append(
            Column(name=column, kind=kind, role=role, integer=integer, deidentify=action)
        )
    return Schema(columns=tuple(columns))
