"""Recognizers for places outside US conventions: UK, Canadian and Irish postcodes, the town
written before a postcode, and cities before a Canadian province or an Australian state.

Postcodes are reported as ``US_ZIP_CODE`` (the entity Clearance uses for any postal code, and
Safe Harbor category B). Patterns are case-sensitive where case carries the meaning (a UK
postcode is written in capitals) and anchored on word boundaries. Imports Presidio; only the
engine builder imports this module.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern

from privacy.pii.entities import PiiEntity
from privacy.pii.places import PROVINCE_CODES
from privacy.pii.recognizers import make_recognizer

__all__ = ["international_recognizers"]

#: UK postcode: outward code (area, district) and inward code ("SW1A 1AA", "LS6 2AH", "M1 1AE").
_UK_POSTCODE = r"(?-i:[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})"
#: Canadian postal code ("H2J 2L3"): letter digit letter, digit letter digit; no D F I O Q U.
_CA_POSTCODE = r"(?-i:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d)"
#: Irish Eircode ("D02 X285", "H91 F2X9"): routing key and a 4-character unique identifier.
_EIRCODE = r"(?-i:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?(?-i:[0-9AC-FHKNPRTV-Y]{4})"

_PROVINCES = "|".join(PROVINCE_CODES)
_PLACE = r"(?-i:(?P<value>[A-Z][a-z]+(?:[ \-](?:[A-Z][a-z]+|upon|on|de|la))*))"


def postcode_recognizer() -> EntityRecognizer:
    """UK, Canadian and Irish postcodes: 0.7 alone (their shapes are specific), raised by
    context (postcode, postal, address)."""
    return make_recognizer(
        PiiEntity.US_ZIP_CODE.value,
        "ClearancePostcodeRecognizer",
        [
            Pattern("UK postcode", rf"\b{_UK_POSTCODE}\b", 0.7),
            Pattern("Canadian postal code", rf"\b{_CA_POSTCODE}\b", 0.6),
            Pattern("Irish Eircode", rf"\b{_EIRCODE}\b", 0.5),
        ],
        ["postcode", "postal", "post", "code", "address", "eircode", "zip"],
    )


def town_before_postcode_recognizer() -> EntityRecognizer:
    """The town written before a postcode ("Leeds LS6 2AH", "Montreal, QC H2J 2L3"): LOCATION
    at 0.6, the town only."""
    postcode = rf"(?:{_UK_POSTCODE}|{_CA_POSTCODE}|{_EIRCODE})"
    province = rf"(?:,?\s(?-i:{_PROVINCES}))?"
    return make_recognizer(
        PiiEntity.LOCATION.value,
        "ClearanceTownBeforePostcodeRecognizer",
        [Pattern("town before postcode", rf"\b{_PLACE}{province},?\s{{1,2}}{postcode}\b", 0.6)],
        ["address", "lives", "resides", "postcode"],
    )


def city_province_recognizer() -> EntityRecognizer:
    """A city before a Canadian province or Australian state code ("Toronto, ON", "Parramatta
    NSW"): LOCATION at 0.6 for the city and, separately, for the province (which the
    ``safe-harbor`` profile keeps, like a US state)."""
    place_plain = _PLACE.replace("?P<value>", "?:")
    return make_recognizer(
        PiiEntity.LOCATION.value,
        "ClearanceCityProvinceRecognizer",
        [
            Pattern("city, province", rf"\b{_PLACE},?\s(?-i:{_PROVINCES})\b", 0.6),
            Pattern(
                "province after a city",
                rf"\b{place_plain},?\s(?P<value>(?-i:{_PROVINCES}))\b",
                0.6,
            ),
        ],
        ["lives", "resides", "address", "from", "in"],
    )


def international_recognizers() -> list[EntityRecognizer]:
    """One new instance of each recognizer of this module."""
    return [
        postcode_recognizer(),
        town_before_postcode_recognizer(),
        city_province_recognizer(),
    ]
