"""Recognizers for identifiers without a fixed national format: labelled ids (claim, case,
policy, employee, accession, hospital number, ...), prefixed codes ("CUS-0093371",
"RAD-5521098"), user handles ("@jdoe88", "jsmith_1987"), clock times and day-month dates
without a year, and compact clinical ages ("47M", "81 F").

Each pattern needs either a label, a shape no ordinary word or measurement has (letters, a
separator and at least three digits), or both. Imports Presidio; only the engine builder
imports this module.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern

from privacy.pii.entities import PiiEntity
from privacy.pii.recognizers import ClearancePattern, make_recognizer
from privacy.pii.validators import age_value

__all__ = ["code_recognizers"]

#: Words that introduce an identifier in letters, forms and notes.
_ID_LABELS = (
    r"(?:claim|case|policy|member|subscriber|group|employee|staff|badge|payroll|student|"
    r"accession|specimen|order|requisition|referral|encounter|episode|admission|account|"
    r"acct|invoice|reference|ref|ticket|booking|confirmation|customer|client|patient|"
    r"health\s+card|health\s+number|NHS|CHI|PHN|NHI|OHIP|SIN|passport|licen[cs]e|permit|"
    r"registration|visa|TIN|EIN|national\s+insurance|insurance|username|login|handle|"
    r"docket|court|inmate|tracking|serial|device|lot|batch|sort\s+code|CVV|CVC|ID|"
    r"identifier)"
)
_ID_TAIL = (
    r"(?:\s*(?:#|no\b\.?|num(?:ber)?\b\.?|nbr\b\.?|id\b|ref\b\.?))?"
    r"(?:\s{0,3}\((?:[A-Z]{2,6})\))?"  # "Tax ID (EIN)"
    r"\s{0,3}(?:is\s|was\s|of\s)?\s{0,3}[:#=(]?\s{0,3}"
)
#: An identifier value: a token of letters, digits, hyphens and slashes with at least one digit
#: (3 to 30 characters), optionally followed by groups that start with a digit ("046 454 286").
_ID_VALUE = (
    r"(?P<value>(?=[A-Z0-9/\-]*\d)[A-Z0-9][A-Z0-9/\-]{1,28}[A-Z0-9]"
    r"(?:\s\d[A-Z0-9/\-]{1,10}){0,3})(?![A-Z0-9])"
)
_MRN_LABELS = (
    r"(?:MRN|M\.R\.N\.|medical\s+record|hospital\s+(?:number|no\.?|#)|hosp\s+(?:no\.?|#)|"
    r"patient\s+(?:id|#|number|no\.?|ref)|chart\s+(?:#|no\.?|number)|unit\s+(?:no\.?|number))"
)


def labelled_id_recognizer() -> EntityRecognizer:
    """An identifier after a label ("Claim #: WC-22-90317", "employee number (E-204471)",
    "member ID is W284-611-902", "accession S24-03317", "SIN 046 454 286"), or after "#" or
    "no." alone ("REPORT #2023-004417", "no. AK0482291"): ID_NUMBER at 0.6 (0.5 for the bare
    "#" / "no." forms); the span is the value."""
    return make_recognizer(
        PiiEntity.ID_NUMBER.value,
        "ClearanceLabelledIdRecognizer",
        [
            Pattern("labelled identifier", rf"\b{_ID_LABELS}\b{_ID_TAIL}{_ID_VALUE}", 0.6),
            Pattern("number sign", r"(?<![\w&])#\s?(?P<value>\d[\dA-Z\-/]{4,24})(?![\w-])", 0.5),
            Pattern("no. label", rf"\bno\.\s?{_ID_VALUE}", 0.5),
        ],
        ["id", "number", "no", "ref", "reference"],
    )


def labelled_mrn_recognizer() -> EntityRecognizer:
    """A record number after an MRN-like label, in any shape ("MRN 90-44-1187", "Hosp no
    K1174429", "patient ID GSH-0093317"): MEDICAL_RECORD_NUMBER at 0.8."""
    return make_recognizer(
        PiiEntity.MEDICAL_RECORD_NUMBER.value,
        "ClearanceLabelledMrnRecognizer",
        [Pattern("labelled record number", rf"\b{_MRN_LABELS}\b{_ID_TAIL}{_ID_VALUE}", 0.8)],
        ["mrn", "record", "hospital", "patient", "chart"],
    )


def prefixed_code_recognizer() -> EntityRecognizer:
    """Codes made of a letter prefix, a separator and at least three digits ("CUS-0093371",
    "LUTH/2023/11408", "CPS-2023-44182"): ID_NUMBER at 0.45. Two-digit suffixes ("ICD-10",
    "COVID-19") do not match."""
    code = r"(?-i:[A-Z]{2,6}(?:[-/][A-Z0-9]{1,6})*[-/]\d{3,}(?:[-/][A-Z0-9]+)*)"
    return make_recognizer(
        PiiEntity.ID_NUMBER.value,
        "ClearancePrefixedCodeRecognizer",
        [Pattern("prefixed code", rf"(?<![\w/-]){code}(?![\w/-])", 0.45)],
        ["id", "number", "ref", "code", "case", "claim"],
    )


def handle_recognizer() -> EntityRecognizer:
    """User handles and usernames: "@jdoe88" (not inside an e-mail address) at 0.6; a lower-case
    word joined by "_" to letters or digits ("jsmith_1987", "mk_delacroix") at 0.5."""
    return make_recognizer(
        "ID_NUMBER",
        "ClearanceHandleRecognizer",
        [
            Pattern("@handle", r"(?<![\w.@])@[A-Za-z0-9_]{3,30}\b", 0.6),
            Pattern("username", r"(?-i:(?<![\w.@/])[a-z][a-z0-9]{1,20}_[a-z0-9_]{2,20}\b)", 0.5),
            Pattern(
                "labelled username",
                r"\b(?:user(?:name)?|login|handle)\s{1,3}(?P<value>(?=[\w.\-]*[\d._])"
                r"[a-z][\w.\-]{2,30}[a-z0-9])(?![\w@])",
                0.6,
            ),
        ],
        ["user", "username", "handle", "login", "account", "profile"],
    )


def time_and_day_recognizer() -> EntityRecognizer:
    """A specific moment without a year: clock times ("8:45am", "03:12", "0215 hrs", "10am")
    and day-month dates with a month name ("7 Mar", "Feb 12", "12-16 Feb"), DATE_TIME at 0.6;
    numeric day/month pairs ("1/14", "14/05") only next to a date word (on, since, dated,
    seen, until, from, DOS) at 0.6, since alone they read as doses and scores."""
    months = (
        r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|Jun(?:e)?|Jul(?:y)?|"
        r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
    )
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    patterns = [
        Pattern(
            "clock time", r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?[ap]\.?m\.?)?(?![\d:])", 0.6
        ),
        Pattern("hour am/pm", r"(?<![\d:.])(?:1[0-2]|0?[1-9])\s?[ap]\.?m\.?(?![a-z])", 0.6),
        Pattern("military time", r"(?<![\d:.])(?:[01]\d|2[0-3])[0-5]\d\s?(?:hrs|hours|h)\b", 0.6),
        Pattern("day month", rf"(?<![\w]){day}(?:\s?[-–]\s?{day})?\s(?-i:{months})\b\.?", 0.6),
        Pattern("month day", rf"\b(?-i:{months})\.?\s{day}(?![\d:/])", 0.6),
        ClearancePattern(
            "numeric day/month after a date word",
            r"\b(?:on|since|dated?|seen|until|till|from|by|DOS|appt|visit|admitted|discharged)"
            r"\s{1,3}(?P<value>(?:[12]\d|3[01]|0?[1-9])[/.](?:[12]\d|3[01]|0?[1-9]))(?![\d/.])",
            0.6,
        ),
    ]
    return make_recognizer(
        PiiEntity.DATE_TIME.value,
        "ClearanceTimeAndDayRecognizer",
        patterns,
        ["date", "time", "on", "at", "since", "seen", "admitted"],
    )


def _plausible_age(value: str) -> bool:
    age = age_value(value)
    return age is not None and age <= 110


def compact_age_recognizer() -> EntityRecognizer:
    """Clinical shorthand for age and sex ("47M", "81 F", "a 3yo", "17 y.o."): AGE at 0.6.
    Not after a decimal point or a temperature word ("98.6 F", "T 101 F")."""
    return make_recognizer(
        PiiEntity.AGE.value,
        "ClearanceCompactAgeRecognizer",
        [
            ClearancePattern(
                "age and sex",
                r"(?<![\w.,/°])(?<!T\s)(?<!temp\s)(?P<value>\d{1,3})\s?(?-i:[MF])\b(?![\w.])",
                0.6,
                check=_plausible_age,
            ),
        ],
        ["age", "old", "male", "female", "pt", "patient"],
    )


def national_phone_recognizer() -> EntityRecognizer:
    """Phone numbers in national formats outside North America, which start with a trunk 0
    ("01632 960 214", "020 7946 0321", "0412 555 308"): 10 or 11 digits in groups, 0.5."""
    groups = r"0\d{2,4}[\s-]\d{3,4}(?:[\s-]\d{3,4})?"
    return make_recognizer(
        PiiEntity.PHONE_NUMBER.value,
        "ClearanceNationalPhoneRecognizer",
        [
            ClearancePattern(
                "national phone",
                rf"(?<![\w+.-]){groups}(?![\w-]|[.,]\d)",
                0.5,
                check=lambda v: len("".join(ch for ch in v if ch.isdigit())) in (10, 11),
            )
        ],
        ["phone", "tel", "mobile", "call", "ring", "contact"],
    )


def code_recognizers() -> list[EntityRecognizer]:
    """One new instance of each recognizer of this module."""
    return [
        labelled_id_recognizer(),
        labelled_mrn_recognizer(),
        prefixed_code_recognizer(),
        handle_recognizer(),
        time_and_day_recognizer(),
        compact_age_recognizer(),
        national_phone_recognizer(),
    ]
