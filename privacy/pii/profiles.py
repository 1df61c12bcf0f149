"""Profiles: which detected spans count as identifiers. Detection and policy are separate layers.

Detectors (Presidio's, spaCy's and Clearance's recognizers) report every *candidate*: any age,
any date or year, any place. A profile then decides which candidates are identifiers:

* ``strict`` keeps every candidate. Use it when the release standard is "remove anything that
  could be personal", and for evaluation against labelled sets that mark every date and place.
* ``safe-harbor`` applies HIPAA's Safe Harbor rules (45 CFR 164.514(b)(2)): ages are identifiers
  only over 89; a date is an identifier only when it has an element finer than the year (a day
  or a month), so bare years, decades and durations stay; states and countries stay (only
  geographic subdivisions smaller than a state are identifiers); nationality, religious or
  political groups (``NRP``) are not among the 18 identifiers. A ZIP code stays an identifier
  (generalising it to ZIP3 is an action, not a detection rule).

A profile reads only the span's own text; it never widens what was found, so ``safe-harbor``
finds a subset of what ``strict`` finds.
"""

from __future__ import annotations

import re
from enum import StrEnum

from privacy.errors import InvalidInputError
from privacy.pii.entities import PiiEntity
from privacy.pii.places import (
    COUNTRY_NAMES,
    PROVINCE_CODES,
    PROVINCE_NAMES,
    US_STATE_CODES,
    US_STATE_NAMES,
)

__all__ = ["Profile", "age_in_span", "is_duration", "keeps_span", "parse_profile"]


class Profile(StrEnum):
    """How candidates become identifiers (see the module docstring)."""

    STRICT = "strict"
    SAFE_HARBOR = "safe-harbor"

    @property
    def description(self) -> str:
        if self is Profile.STRICT:
            return "every candidate is an identifier: any age, date, year or place"
        return (
            "HIPAA Safe Harbor: ages over 89, dates with a day or month, places smaller than a "
            "state, and the other Safe Harbor identifiers; bare years, ages under 90, states "
            "and countries stay"
        )


def parse_profile(value: object) -> Profile:
    """The profile named by ``value`` (``strict`` or ``safe-harbor``; ``_`` works for ``-``)."""
    if isinstance(value, Profile):
        return value
    if isinstance(value, str):
        try:
            return Profile(value.strip().lower().replace("_", "-"))
        except ValueError:
            pass
    names = ", ".join(p.value for p in Profile)
    raise InvalidInputError(f"unknown PII profile; choose one of: {names}")


_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_WORD = re.compile(rf"\b(?:{_MONTHS})\b\.?", re.IGNORECASE)
# Day-or-month precision written with digits: 3/14, 14.03, 1962-03, 03-14-1962, 20210314.
_NUMERIC_DAY_OR_MONTH = re.compile(
    r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\b|\b\d{4}\s*[/.\-]\s*\d{1,2}\b|\b(?:19|20)\d{2}[01]\d[0-3]\d\b"
)
_ORDINAL_DAY = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_AGE_WORDS = {
    "ninety": 90, "hundred": 100,
}  # fmt: skip


def _has_day_or_month(text: str) -> bool:
    """Whether a date expression is finer than a year (a month or a day is written)."""
    if _NUMERIC_DAY_OR_MONTH.search(text):
        return True
    if _MONTH_WORD.search(text):
        # "may" is also a verb; as a date element it sits next to a number ("May 3", "3 May").
        if re.fullmatch(r"\s*may\s*", text, re.IGNORECASE):
            return False
        return True
    return bool(_ORDINAL_DAY.search(text))


_YEAR = re.compile(r"\b(?:1[6-9]|20)\d{2}s?\b|'\d{2}\b")
_DURATION_WORDS = re.compile(
    r"\b(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|d|wks?|weeks?|mos?|months?|"
    r"yrs?|years?|ago|daily|nightly|weekly|monthly|yearly|annual(?:ly)?|today|tonight|"
    r"yesterday|tomorrow|morning|afternoon|evening|night|overnight|now|recent(?:ly)?|"
    r"current(?:ly)?|last|next|past|previous|prior|later|earlier|since|during|within|"
    r"period|several|few|couple|x\d+|q\d+h?|bid|tid|qid|prn)\b",
    re.IGNORECASE,
)


def is_duration(text: str) -> bool:
    """Whether a date-like span is a duration, frequency or relative time ("3 days",
    "two weeks ago", "yesterday", "q6h") rather than a point in time: it names no year, month
    or numeric date but has a duration or relative word. Such spans identify nobody and are
    not reported under any profile."""
    if _YEAR.search(text) or _has_day_or_month(text):
        return False
    return bool(_DURATION_WORDS.search(text))


#: Safe Harbor's aggregate for ages over 89 ("90+", "90 or older") is not an age of anyone.
_AGGREGATE_AGE = re.compile(r"\s*90\s*(?:\+|or\s+(?:older|over|above|more))\s*", re.IGNORECASE)


def age_in_span(text: str) -> int | None:
    """The age a span states (``"92-year-old"`` -> 92), or None when it has no number.

    Ages spelt out from ninety up (``"ninety-two"``) read as 90 or more; other spelt-out ages
    read as None, which the profile treats as under 90 (a spelt-out age under 90 is not an
    identifier under Safe Harbor either way).
    """
    numbers = [int(d) for d in _DIGITS.findall(text) if len(d) <= 3]
    if numbers:
        return max(numbers)
    lowered = text.lower()
    for word, value in _AGE_WORDS.items():
        if word in lowered:
            return value
    return None


_STATE_LEVEL_CODES = frozenset(US_STATE_CODES) | frozenset(PROVINCE_CODES)
_STATE_LEVEL_NAMES = US_STATE_NAMES | PROVINCE_NAMES | COUNTRY_NAMES


def _is_state_or_country(text: str) -> bool:
    stripped = text.strip().strip(".,;:")
    if stripped in _STATE_LEVEL_CODES:
        return True
    lowered = re.sub(r"\s+", " ", stripped.lower())
    if lowered.startswith("the "):
        lowered_no_the = lowered[4:]
    else:
        lowered_no_the = lowered
    return lowered in _STATE_LEVEL_NAMES or lowered_no_the in _STATE_LEVEL_NAMES


#: Entity types that are not among Safe Harbor's 18 identifiers.
_NOT_SAFE_HARBOR: frozenset[str] = frozenset({PiiEntity.NRP.value, "ORGANIZATION"})


def keeps_span(profile: Profile, entity_type: str, span_text: str) -> bool:
    """Whether ``profile`` counts a detected ``entity_type`` over ``span_text`` as an identifier.

    No profile keeps a duration or relative time (:func:`is_duration`), nor Safe Harbor's
    aggregate age ("90+"). ``strict`` keeps everything else. ``safe-harbor`` drops ages under 90, dates without a day or
    month (bare years, decades, durations, "yesterday"), states and countries, and NRP.
    The text is used in memory only.
    """
    if entity_type == PiiEntity.DATE_TIME and is_duration(span_text):
        return False
    if entity_type == PiiEntity.AGE and _AGGREGATE_AGE.fullmatch(span_text):
        return False
    if profile is Profile.STRICT:
        return True
    if entity_type in _NOT_SAFE_HARBOR:
        return False
    if entity_type == PiiEntity.AGE:
        age = age_in_span(span_text)
        return age is not None and age >= 90
    if entity_type in (PiiEntity.DATE_TIME, PiiEntity.DATE_OF_BIRTH):
        return _has_day_or_month(span_text)
    if entity_type == PiiEntity.LOCATION:
        return not _is_state_or_country(span_text)
    return True
