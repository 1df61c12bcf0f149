"""Rules that reject detections no reading of the text supports, whatever the profile.

A statistical NER model and broad patterns produce false positives with recognisable shapes in
clinical text: a "name" with digits in it ("RR 14") or in lower case ("tolerated amoxicillin"),
a "place" that is a dosing abbreviation ("PO", "Rm"), a "date" that is a blood pressure
("120/80") or a lab value followed by its unit ("1858 pg/mL"), a "driver's licence" that is an
ICD-10 code ("E11.9"). Each rule reads the span and the characters right after it only; none
widens a detection. Pure Python: no Presidio import.
"""

from __future__ import annotations

import re

from privacy.pii.entities import PiiEntity
from privacy.pii.name_words import is_not_a_name

__all__ = ["is_false_detection"]

#: Clinical abbreviations that NER models read as places.
_NOT_PLACES = frozenset(
    """PO IV IM SC SQ PRN BID TID QID QD QHS HS MD DO RN NP PA-C PhD Rm RM ER ED ICU OR PT OT
    BP HR RR SpO2 CC PMH HPI ROS""".split()
)
_UNIT_AFTER = re.compile(
    r"\s*(?:mg|mcg|g|kg|lb|lbs|ml|mL|L|dL|units?|U|IU|mmol|mol|mEq|pg|ng|µg|ug|%|mm|cm|"
    r"mmHg|bpm|K/uL|x10|cells|copies|tablets?|tabs?|caps?|puffs?|drops?)\b",
)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,4})(?:\s*[/.\-]\s*(\d{1,4}))?\s*$")
_ICD_AFTER = re.compile(r"\.\d")
_PURE_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def _valid_day_month(a: int, b: int) -> bool:
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= a <= 31 and 1 <= b <= 12)


def _implausible_numeric_date(text: str) -> bool:
    """A digits-and-separators span with no valid month/day reading ("120/80", "169/87")."""
    m = _NUMERIC_DATE.match(text)
    if m is None:
        return False
    parts = [int(p) for p in m.groups() if p is not None]
    if len(parts) == 2:
        a, b = parts
        if len(m.group(1)) == 4:  # 2021-03
            return not 1 <= b <= 12
        return not _valid_day_month(a, b)
    a, b, c = parts
    if len(m.group(1)) == 4:  # 2021-03-14
        return not (1 <= b <= 12 and 1 <= c <= 31)
    return not _valid_day_month(a, b)


_EPONYM_AFTER = re.compile(
    r"^(?:'s?)?\s+(?:disease|syndrome|sign|palsy|phenomenon|tumou?r|lymphoma|sarcoma|test|"
    r"maneuver|manoeuvre|reflex|ulcer|fracture|procedure|criteria|scale|score|law)\b",
    re.IGNORECASE,
)
_NAMED_ENTITIES = frozenset({PiiEntity.PERSON.value, PiiEntity.LOCATION.value, "ORGANIZATION"})


def _malformed_name(span_text: str, after: str, ner: bool) -> bool:
    """Shapes no person, place or organisation name has: a unit fraction ("K/uL"), a first word
    in lower case from an NER model ("mcg BID"), or an eponym followed by its disease
    ("Crohn's disease")."""
    stripped = span_text.strip()
    if "/" in stripped or (ner and stripped[:1].islower()):
        return True
    if ner and stripped.split(" ", 1)[0] in ("Dear", "Hi", "Hello", "To", "Re"):
        return True  # a salutation or header read as a name ("Dear Support Team")
    if stripped.split(" ", 1)[0].strip(".,") in _NOT_PLACES:
        return True
    return bool(_EPONYM_AFTER.match(after))


def is_false_detection(entity_type: str, span_text: str, after: str, *, ner: bool = True) -> bool:
    """Whether a detection of ``entity_type`` over ``span_text``, followed by ``after`` (the
    next few characters of the text), is a recognisable false positive (module docstring).

    ``ner`` says the detection came from a statistical NER model: its names in lower case are
    rejected (a small model's lower-case "names" are drugs and verbs), while Clearance's own
    name rules, which check name lists, may report lower-case names.
    """
    if entity_type in _NAMED_ENTITIES and _malformed_name(span_text, after, ner):
        return True
    if entity_type == PiiEntity.PERSON:
        if any(ch.isdigit() for ch in span_text) or is_not_a_name(span_text):
            return True
        letters = [ch for ch in span_text if ch.isalpha()]
        if ner and letters and not any(ch.isupper() for ch in letters):
            return True
        stripped = span_text.strip()
        return stripped.isupper() and len(stripped) <= 3 and " " not in stripped
    if entity_type == PiiEntity.LOCATION:
        if span_text.strip(" .,") in _NOT_PLACES:
            return True
        return not any(ch.isupper() for ch in span_text)
    if entity_type == "ORGANIZATION":
        stripped = span_text.strip(" .,")
        if not any(ch.isupper() for ch in stripped) or any(ch.isdigit() for ch in stripped):
            return True
        # Clinical acronyms (BID, HPI, COPD, MRN) are read as organisations by small NER models.
        if re.match(r"[A-Z]\. [A-Z]", stripped):  # "L. Please": a sentence break, not a name
            return True
        return (stripped.isupper() and " " not in stripped and len(stripped) <= 5) or (
            stripped in _NOT_PLACES or is_not_a_name(stripped)
        )
    if entity_type == PiiEntity.ID_NUMBER:
        return bool(_PURE_NUMBER.match(span_text) and _UNIT_AFTER.match(after))
    if entity_type in (PiiEntity.DATE_TIME, PiiEntity.AGE):
        if _implausible_numeric_date(span_text):
            return True
        return bool(_PURE_NUMBER.match(span_text) and _UNIT_AFTER.match(after))
    if entity_type == PiiEntity.US_DRIVER_LICENSE:
        return bool(re.fullmatch(r"[A-TV-Z]\d{2}", span_text.strip()) and _ICD_AFTER.match(after))
    return False
