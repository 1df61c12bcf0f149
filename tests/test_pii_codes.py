"""Recognizers for identifiers without a fixed national format, and for places outside US
conventions (privacy.pii.codes, privacy.pii.international), through the full detector."""

from __future__ import annotations

import pytest

from privacy.pii.detect import Detector


def _found(detector: Detector, text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start : s.end]) for s in detector.detect([text])[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Claim #: WC-22-90317 was approved.", ("ID_NUMBER", "WC-22-90317")),
        ("Your employee number (E-204471) is unchanged.", ("ID_NUMBER", "E-204471")),
        ("Your health plan member ID is W284-611-902.", ("ID_NUMBER", "W284-611-902")),
        ("INCIDENT REPORT #2023-004417 filed.", ("ID_NUMBER", "2023-004417")),
        ("Hosp no K1174429 on the wristband.", ("MEDICAL_RECORD_NUMBER", "K1174429")),
        ("MRN 90-44-1187 confirmed.", ("MEDICAL_RECORD_NUMBER", "90-44-1187")),
        ("Referred under CPS-2023-44182 today.", ("ID_NUMBER", "CPS-2023-44182")),
        ("Failed login for user a.kowalczyk today.", ("ID_NUMBER", "a.kowalczyk")),
        ("follow @mwojcik for updates", ("ID_NUMBER", "@mwojcik")),
        ("47M with chest pain.", ("AGE", "47")),
        ("Seen at 8:45am in clinic.", ("DATE_TIME", "8:45am")),
        ("Next appointment 21 Mar in clinic.", ("DATE_TIME", "21 Mar")),
        ("Lives in Leeds LS6 2AH with family.", ("US_ZIP_CODE", "LS6 2AH")),
        ("Lives in Leeds LS6 2AH with family.", ("LOCATION", "Leeds")),
        ("Moved to Montreal, QC H2J 2L3 last year.", ("US_ZIP_CODE", "H2J 2L3")),
        ("Call the surgery on 01632 960 214 tomorrow.", ("PHONE_NUMBER", "01632 960 214")),
    ],
)
def test_identifier_is_found(detector: Detector, text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "ICD-10 code E11.9 and a COVID-19 test were negative.",
        "HbA1c 7.2%, BP 120/80, take 1/2 tablet twice daily.",
        "Temperature T 101 F overnight, 98.6 F this morning.",
        "order 500 mg daily and sample 250 ml.",
        "Billing account number is on the statement.",
    ],
)
def test_clinical_numbers_and_words_are_not_codes(detector: Detector, text: str) -> None:
    kinds = {"ID_NUMBER", "AGE", "US_ZIP_CODE", "PHONE_NUMBER", "MEDICAL_RECORD_NUMBER"}
    assert [f for f in _found(detector, text) if f[0] in kinds] == []


def test_safe_harbor_keeps_provinces_but_not_cities(detector: Detector) -> None:
    text = "Moved to Toronto, ON last year."
    found = _found(detector.with_profile("safe-harbor"), text)
    assert ("LOCATION", "Toronto") in found
    assert all(value != "ON" for _, value in found)
