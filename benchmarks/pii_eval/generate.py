"""A deterministic, labelled PII evaluation set, built by construction.

Every text is rendered from a hand-written template whose slots are filled with synthetic values
(Faker ``en_US`` with a fixed seed, and random digits with valid check digits where the
identifier has one). The gold offsets are recorded while the text is assembled, piece by piece;
nothing is labelled afterwards by a regular expression. No presidio-evaluator template or data
is used. All values are fake: no text describes a real person.

Categories (``CATEGORY_SIZES``; 1,500 texts with the default sizes):

* ``templated``: one or two sentences around one identifier type (rotated so that every gold
  type gets support), with names, addresses, phones, identifiers and dates in many formats.
* ``clinical_note``: multi-sentence admission notes, discharge summaries, referral letters,
  progress notes and ED notes mixing identifiers with unlabelled medical content (drugs with
  doses, lab values, vitals such as ``BP 132/84``, ICD-10 codes, durations, room and bed numbers).
* ``hard_case``: ALL-CAPS and lower-case names, names that are common words (Will, Hope, Grace,
  Brown, King, ...) used next to the same word as a common word, names next to eponymous
  diseases (Parkinson's, Crohn's, Hodgkin), non-identifier numbers, unusual date formats, ages in
  words, and identifiers glued to punctuation or at the very start or end of the text.
* ``no_identifier``: clinical questions and statements without a direct identifier. Under the
  strict labelling they may hold ages under 90, bare years and state/country names (labelled);
  under Safe Harbor they hold no span at all.

Labelling guideline
-------------------
Gold types (``GOLD_ENTITIES``): PERSON, LOCATION, STREET_ADDRESS, US_ZIP_CODE, DATE,
DATE_OF_BIRTH, AGE, PHONE_NUMBER, FAX_NUMBER, EMAIL_ADDRESS, US_SSN, MEDICAL_RECORD_NUMBER,
CREDIT_CARD, NPI, HEALTH_PLAN_ID, ACCOUNT_NUMBER, LICENSE_NUMBER, VEHICLE_ID, DEVICE_ID,
IP_ADDRESS, URL.

Two labellings per text:

* ``spans`` (strict): every personal name (patients, relatives and clinicians alike), every
  location (street address, city, state, country, ZIP code), every date-like expression that
  refers to a specific time (full dates, month and year such as "March 2021", bare years such as
  "2019" in "diagnosed in 2019"), every age, and every identifier below.
* ``safe_harbor_spans`` (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)): the subset of ``spans`` that
  Safe Harbor counts as identifiers. Dropped from the strict set: AGE spans under 90, DATE spans
  that are a bare year, and LOCATION spans at state or country level. Cities, street addresses
  and full five- or nine-digit ZIP codes stay; month-and-year dates stay (only the year may be
  kept); every DATE_OF_BIRTH is a full date and stays. ``no_identifier`` texts have none.

What is never labelled: titles and honorifics (``Dr.``, ``Mr.``, ``Ms.``), credentials after a
name (``MD``, ``RN``), the possessive ``'s``; cue words before a value (``MRN``, ``SSN``, ``DOB``,
``Tel:``, ``Fax``, ``NPI``, ``VIN``, ``member ID``, ...) and surrounding punctuation or brackets;
articles ("the 3rd of May 2020" is labelled ``3rd of May 2020``); diseases named after people
(Parkinson's disease, Crohn's disease, Hodgkin lymphoma); common words that are also names when
they are not used as a name; organisations, payers and drug names; durations ("for 3 days",
"two weeks"), relative time words ("yesterday", "last month"), clock times (none are generated);
doses, lab values, vitals, percentages, counts, ICD-10 and CPT codes, room and bed numbers.

Span boundaries: a PERSON span is the whole name as written ("Jane A. Smith", "Lopez-Garcia",
"Smith, Jane", "John Smith Jr."), a first or last name alone when only that is written. A
STREET_ADDRESS span is the house number, street and unit ("1234 Oak St Apt 5B", "P.O. Box
4521"); the city, state and ZIP code after it are separate LOCATION and US_ZIP_CODE spans. A
phone span includes its country code and extension ("+1 (617) 555-0123 ext. 42"). A DATE or
DATE_OF_BIRTH span is the date expression without the cue word. An AGE span is the number
only: ``67`` in "a 67-year-old", "aged 67", "Age: 67" (``sixty-seven`` when written in words).
The scorer counts a gold span as found when any prediction overlaps it by one character or more,
so whether a detector's span includes "year-old", a title or a cue word is immaterial.

Determinism: :func:`generate_eval_set` draws from ``random.Random(seed)`` and a Faker instance
seeded with the same seed; dates are drawn from fixed calendar ranges (never relative to today),
so a seed gives the same set on every run with the pinned Faker version.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from faker import Faker

__all__ = [
    "CATEGORY_SIZES",
    "GOLD_ENTITIES",
    "GoldSpan",
    "LabelledText",
    "generate_eval_set",
    "npi_is_valid",
    "vin_is_valid",
    "write_jsonl",
]

DEFAULT_SEED = 20261126

#: The gold entity vocabulary.
GOLD_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "LOCATION",
    "STREET_ADDRESS",
    "US_ZIP_CODE",
    "DATE",
    "DATE_OF_BIRTH",
    "AGE",
    "PHONE_NUMBER",
    "FAX_NUMBER",
    "EMAIL_ADDRESS",
    "US_SSN",
    "MEDICAL_RECORD_NUMBER",
    "CREDIT_CARD",
    "NPI",
    "HEALTH_PLAN_ID",
    "ACCOUNT_NUMBER",
    "LICENSE_NUMBER",
    "VEHICLE_ID",
    "DEVICE_ID",
    "IP_ADDRESS",
    "URL",
)

#: Texts per category in the default set.
CATEGORY_SIZES: dict[str, int] = {
    "templated": 600,
    "clinical_note": 400,
    "hard_case": 200,
    "no_identifier": 300,
}


@dataclass(frozen=True)
class GoldSpan:
    """A labelled character span ``text[start:end]`` of one gold entity type."""

    start: int
    end: int
    entity: str

    def to_dict(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "entity": self.entity}


@dataclass(frozen=True)
class LabelledText:
    """One evaluation text: strict gold ``spans`` and the Safe Harbor subset of them."""

    id: str
    text: str
    spans: tuple[GoldSpan, ...]
    category: str
    safe_harbor_spans: tuple[GoldSpan, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "spans": [s.to_dict() for s in self.spans],
            "safe_harbor_spans": [s.to_dict() for s in self.safe_harbor_spans],
            "category": self.category,
        }


def write_jsonl(path: str | Path, items: Iterable[LabelledText]) -> int:
    """Write ``items`` as JSON Lines (``id``, ``text``, ``spans``, ``safe_harbor_spans``,
    ``category``); returns the number of lines written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# Pieces of text: literal text, or a labelled value with its Safe Harbor flag.


@dataclass(frozen=True)
class _Part:
    text: str
    entity: str | None = None
    safe_harbor: bool = True


def _lit(text: str) -> _Part:
    return _Part(text)


def _ent(text: str, entity: str, safe_harbor: bool = True) -> _Part:
    if entity not in GOLD_ENTITIES:
        raise ValueError(f"unknown gold entity {entity!r}")
    if not text or text != text.strip():
        raise ValueError(f"a labelled value must be non-empty and unpadded: {text!r}")
    return _Part(text, entity, safe_harbor)


class _Ctx:
    """The random sources for one generation run."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(options)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def letters(self, n: int, alphabet: str = string.ascii_uppercase) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


_Slot = Callable[[_Ctx], list[_Part]]

# --------------------------------------------------------------------------------------------
# Word lists (unlabelled filler and name material).

_TITLES = ("Dr.", "Mr.", "Mrs.", "Ms.", "Miss", "Prof.")
_APOSTROPHE_SURNAMES = (
    "O'Brien",
    "O'Connor",
    "O'Neil",
    "D'Angelo",
    "O'Malley",
    "D'Souza",
    "O'Hara",
    "O'Donnell",
    "D'Amico",
    "O'Reilly",
)
_SUFFIXES = ("Jr.", "Sr.", "II", "III")
_WORD_FIRST_NAMES = (
    "Will",
    "May",
    "Hope",
    "Grace",
    "Bill",
    "Rose",
    "Mark",
    "Faith",
    "Summer",
    "Hunter",
    "Joy",
    "Dawn",
    "Frank",
    "June",
    "Art",
    "Penny",
    "Sandy",
    "Iris",
    "Ivy",
    "Chase",
)
_WORD_LAST_NAMES = (
    "Young",
    "Brown",
    "White",
    "King",
    "Green",
    "Long",
    "Black",
    "Little",
    "Hall",
    "Wells",
    "Price",
    "Sharp",
    "Cook",
    "Baker",
    "Strong",
    "Rich",
    "Bush",
    "Hill",
    "Love",
    "Hunter",
)
_REAL_CITIES = (
    "Boston",
    "Chicago",
    "Houston",
    "Phoenix",
    "Philadelphia",
    "San Antonio",
    "San Diego",
    "Dallas",
    "Austin",
    "Jacksonville",
    "Columbus",
    "Charlotte",
    "Indianapolis",
    "Seattle",
    "Denver",
    "Nashville",
    "Portland",
    "Memphis",
    "Louisville",
    "Baltimore",
    "Milwaukee",
    "Albuquerque",
    "Tucson",
    "Fresno",
    "Sacramento",
    "Atlanta",
    "Omaha",
    "Raleigh",
    "Cleveland",
    "Tulsa",
    "Minneapolis",
    "Wichita",
    "New Orleans",
    "Tampa",
    "Pittsburgh",
    "Cincinnati",
    "Buffalo",
    "Spokane",
    "Des Moines",
    "Boise",
    "Little Rock",
    "Burlington",
    "Bangor",
    "Fargo",
    "Springfield",
    "Salem",
    "Madison",
    "Dayton",
    "Savannah",
    "Ann Arbor",
)
_COUNTRIES = (
    "Mexico",
    "Canada",
    "India",
    "Brazil",
    "Germany",
    "Vietnam",
    "Nigeria",
    "Italy",
    "Guatemala",
    "China",
    "Ireland",
    "Peru",
    "Kenya",
    "Poland",
    "Japan",
    "Haiti",
)
_STREET_BASES = (
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Church",
    "Highland",
    "Sunset",
    "Lincoln",
    "Jackson",
    "Franklin",
    "Mill",
    "River",
    "Spring",
    "Ridge",
    "1st",
    "2nd",
    "3rd",
    "5th",
    "12th",
    "Walnut",
    "Chestnut",
    "Willow",
    "Center",
)
_STREET_SUFFIXES = (
    "St",
    "St.",
    "Street",
    "Ave",
    "Ave.",
    "Avenue",
    "Rd",
    "Road",
    "Blvd",
    "Dr",
    "Drive",
    "Lane",
    "Ln",
    "Way",
    "Court",
    "Ct",
    "Pl",
    "Terrace",
    "Pkwy",
)
_DIRECTIONS = ("N", "S.", "E", "W.", "North", "South", "East", "West")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUMBER_WORDS = {
    20: "twenty",
    30: "thirty",
    40: "forty",
    50: "fifty",
    60: "sixty",
    70: "seventy",
    80: "eighty",
    90: "ninety",
}
_UNIT_WORDS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_DRUGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("metformin", ("500 mg", "850 mg", "1000 mg")),
    ("lisinopril", ("10 mg", "20 mg", "40 mg")),
    ("atorvastatin", ("20 mg", "40 mg", "80 mg")),
    ("amlodipine", ("5 mg", "10 mg")),
    ("metoprolol succinate", ("25 mg", "50 mg", "100 mg")),
    ("levothyroxine", ("50 mcg", "75 mcg", "112 mcg")),
    ("apixaban", ("5 mg", "2.5 mg")),
    ("furosemide", ("20 mg", "40 mg")),
    ("insulin glargine", ("18 units", "24 units", "32 units")),
    ("sertraline", ("50 mg", "100 mg")),
    ("omeprazole", ("20 mg", "40 mg")),
    ("gabapentin", ("300 mg", "600 mg")),
    ("prednisone", ("40 mg", "10 mg")),
    ("amoxicillin", ("500 mg", "875 mg")),
    ("warfarin", ("5 mg", "2.5 mg")),
    ("albuterol", ("2 puffs",)),
    ("acetaminophen", ("650 mg", "1 g")),
    ("ceftriaxone", ("1 g", "2 g")),
    ("vancomycin", ("1.25 g", "1500 mg")),
    ("heparin", ("5000 units",)),
    ("tamsulosin", ("0.4 mg",)),
    ("losartan", ("50 mg", "100 mg")),
    ("hydrochlorothiazide", ("12.5 mg", "25 mg")),
    ("clopidogrel", ("75 mg",)),
    ("aspirin", ("81 mg", "325 mg")),
    ("empagliflozin", ("10 mg", "25 mg")),
    ("levetiracetam", ("500 mg", "750 mg")),
    ("carbidopa-levodopa", ("25-100 mg",)),
    ("ondansetron", ("4 mg", "8 mg")),
)
_FREQUENCIES = (
    "daily",
    "twice daily",
    "BID",
    "TID",
    "every 8 hours",
    "q6h PRN",
    "at bedtime",
    "once weekly",
    "PO daily",
    "IV q12h",
)
_LABS: tuple[tuple[str, str, float, float, int], ...] = (
    ("HbA1c", "%", 5.2, 11.5, 1),
    ("creatinine", " mg/dL", 0.6, 3.4, 1),
    ("potassium", " mmol/L", 3.1, 5.8, 1),
    ("sodium", " mmol/L", 128, 146, 0),
    ("WBC", " x10^9/L", 3.5, 18.0, 1),
    ("hemoglobin", " g/dL", 7.5, 16.5, 1),
    ("LDL", " mg/dL", 60, 190, 0),
    ("TSH", " mIU/L", 0.2, 9.5, 1),
    ("troponin", " ng/mL", 0.01, 2.5, 2),
    ("INR", "", 0.9, 4.2, 1),
    ("glucose", " mg/dL", 70, 420, 0),
    ("platelets", " K/uL", 45, 480, 0),
    ("BNP", " pg/mL", 30, 2400, 0),
    ("ALT", " U/L", 12, 240, 0),
    ("lactate", " mmol/L", 0.8, 6.1, 1),
    ("eGFR", " mL/min/1.73m2", 18, 110, 0),
)
_ICD10: tuple[tuple[str, str], ...] = (
    ("E11.9", "type 2 diabetes mellitus without complications"),
    ("I10", "essential hypertension"),
    ("J18.9", "pneumonia, unspecified organism"),
    ("N18.3", "chronic kidney disease, stage 3"),
    ("I48.91", "atrial fibrillation"),
    ("M54.5", "low back pain"),
    ("F32.9", "major depressive disorder"),
    ("K21.9", "gastro-esophageal reflux disease"),
    ("J44.1", "COPD with acute exacerbation"),
    ("I50.22", "chronic systolic heart failure"),
    ("N39.0", "urinary tract infection"),
    ("L03.115", "cellulitis of right lower limb"),
    ("E03.9", "hypothyroidism"),
    ("G43.909", "migraine"),
)
_DIAGNOSES = (
    "type 2 diabetes",
    "hypertension",
    "COPD",
    "atrial fibrillation",
    "heart failure",
    "chronic kidney disease stage 3",
    "asthma",
    "major depressive disorder",
    "GERD",
    "hypothyroidism",
    "osteoarthritis",
    "community-acquired pneumonia",
    "a urinary tract infection",
    "migraine",
    "hyperlipidemia",
    "obstructive sleep apnea",
    "cellulitis",
    "iron deficiency anemia",
    "rheumatoid arthritis",
    "gout",
    "diverticulitis",
    "a DVT",
)
_SYMPTOMS = (
    "chest pain",
    "shortness of breath",
    "a productive cough",
    "fever and chills",
    "dizziness",
    "nausea and vomiting",
    "abdominal pain",
    "headache",
    "palpitations",
    "leg swelling",
    "fatigue",
    "dysuria",
    "back pain",
    "a rash on both arms",
    "blurred vision",
    "weight loss",
)
_DURATIONS = (
    "for 3 days",
    "for two weeks",
    "for 6 months",
    "for 48 hours",
    "for the past week",
    "for about a month",
    "x 5 days",
    "for 10 days",
    "over the last 2 weeks",
    "for several years",
    "for 1 year",
    "for three months",
)
_SHORT_DURATIONS = ("2 weeks", "3 months", "48 hours", "one week", "6 weeks", "10 days")
_RELATIVE = (
    "yesterday",
    "last month",
    "two days ago",
    "this morning",
    "last week",
    "earlier today",
    "last night",
    "a few weeks ago",
    "the day before admission",
    "over the weekend",
)
_ROOMS = ("Room 412", "room 12", "Rm 3B", "bed 4", "Room 7, bed 2", "ICU bed 14", "Bay 6")
_PAYERS = ("Blue Cross Blue Shield", "Aetna", "Cigna", "UnitedHealthcare", "Humana", "Medicaid")
_EPONYMS: tuple[tuple[str, str], ...] = (
    ("Parkinson", "Parkinson's disease"),
    ("Crohn", "Crohn's disease"),
    ("Hodgkin", "Hodgkin lymphoma"),
    ("Alzheimer", "Alzheimer's disease"),
    ("Graves", "Graves' disease"),
    ("Hashimoto", "Hashimoto's thyroiditis"),
    ("Addison", "Addison's disease"),
    ("Cushing", "Cushing's syndrome"),
    ("Bell", "Bell's palsy"),
    ("Huntington", "Huntington's disease"),
    ("Raynaud", "Raynaud's phenomenon"),
    ("Wilson", "Wilson's disease"),
    ("Kaposi", "Kaposi sarcoma"),
    ("Guillain", "Guillain-Barre syndrome"),
    ("Sjogren", "Sjogren's syndrome"),
    ("Tourette", "Tourette syndrome"),
)

# --------------------------------------------------------------------------------------------
# Check digits.


def _luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes ``payload + digit`` valid."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def _luhn_valid(number: str) -> bool:
    return _luhn_check_digit(number[:-1]) == int(number[-1])


def npi_is_valid(npi: str) -> bool:
    """A ten-digit NPI is valid when Luhn holds over ``80840`` followed by its ten digits."""
    return len(npi) == 10 and npi.isdigit() and _luhn_valid("80840" + npi)


_VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _vin_check_char(vin: str) -> str:
    total = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_is_valid(vin: str) -> bool:
    """A 17-character VIN is valid when its ninth character is the weighted check digit."""
    return (
        len(vin) == 17 and all(ch in _VIN_ALPHABET for ch in vin) and vin[8] == _vin_check_char(vin)
    )


# --------------------------------------------------------------------------------------------
# Value generators. Each returns the parts the slot renders to.


def _first_name(c: _Ctx) -> str:
    return c.fake.first_name()


def _surname(c: _Ctx) -> str:
    roll = c.rng.random()
    if roll < 0.08:
        return c.pick(_APOSTROPHE_SURNAMES)
    if roll < 0.16:
        return f"{c.fake.last_name()}-{c.fake.last_name()}"
    return c.fake.last_name()


def _full_name(c: _Ctx) -> str:
    roll = c.rng.random()
    first, last = _first_name(c), _surname(c)
    if roll < 0.55:
        return f"{first} {last}"
    if roll < 0.70:
        return f"{first} {c.letters(1)}. {last}"
    if roll < 0.78:
        return f"{last}, {first}"
    if roll < 0.85:
        return f"{first} {c.fake.first_name()} {last}"
    if roll < 0.92:
        return f"{first} {last} {c.pick(_SUFFIXES)}"
    return f"{first[0]}. {last}"


def _s_name(c: _Ctx) -> list[_Part]:
    return [_ent(_full_name(c), "PERSON")]


def _s_first(c: _Ctx) -> list[_Part]:
    return [_ent(_first_name(c), "PERSON")]


def _s_last(c: _Ctx) -> list[_Part]:
    return [_ent(_surname(c), "PERSON")]


def _s_tname(c: _Ctx) -> list[_Part]:
    """A title, unlabelled, then a labelled name."""
    title = c.pick(_TITLES)
    roll = c.rng.random()
    if roll < 0.4:
        name = _surname(c)
    elif roll < 0.8:
        name = f"{_first_name(c)} {_surname(c)}"
    else:
        name = f"{_first_name(c)} {c.letters(1)}. {_surname(c)}"
    return [_lit(title + " "), _ent(name, "PERSON")]


def _s_dr(c: _Ctx) -> list[_Part]:
    name = _surname(c) if c.chance(0.35) else f"{_first_name(c)} {_surname(c)}"
    return [_lit("Dr. "), _ent(name, "PERSON")]


def _s_caps_name(c: _Ctx) -> list[_Part]:
    return [_ent(f"{_first_name(c)} {_surname(c)}".upper(), "PERSON")]


def _s_lower_name(c: _Ctx) -> list[_Part]:
    return [_ent(f"{_first_name(c)} {c.fake.last_name()}".lower(), "PERSON")]


def _s_lower_first(c: _Ctx) -> list[_Part]:
    return [_ent(_first_name(c).lower(), "PERSON")]


def _street(c: _Ctx) -> str:
    if c.chance(0.05):
        return f"{c.pick(('P.O. Box', 'PO Box'))} {c.rng.randint(10, 9999)}"
    number = str(c.rng.randint(1, 9999) if c.chance(0.85) else c.rng.randint(10000, 99999))
    base = c.pick(_STREET_BASES) if c.chance(0.6) else c.fake.last_name()
    direction = c.pick(_DIRECTIONS) + " " if c.chance(0.15) else ""
    street = f"{number} {direction}{base} {c.pick(_STREET_SUFFIXES)}"
    if c.chance(0.35):
        unit = c.pick(("Apt", "Apt.", "Unit", "Suite", "#", "Apartment"))
        value = str(c.rng.randint(1, 40)) + (c.pick("ABCD") if c.chance(0.3) else "")
        street += f" {unit}{'' if unit == '#' else ' '}{value}"
    return street


def _city(c: _Ctx) -> str:
    return c.pick(_REAL_CITIES) if c.chance(0.55) else c.fake.city()


def _zip(c: _Ctx) -> str:
    return c.fake.zipcode_plus4() if c.chance(0.3) else c.fake.zipcode()


def _s_street(c: _Ctx) -> list[_Part]:
    return [_ent(_street(c), "STREET_ADDRESS")]


def _s_city(c: _Ctx) -> list[_Part]:
    return [_ent(_city(c), "LOCATION")]


def _s_state(c: _Ctx) -> list[_Part]:
    return [_ent(c.fake.state(), "LOCATION", safe_harbor=False)]


def _s_state_abbr(c: _Ctx) -> list[_Part]:
    return [_ent(c.fake.state_abbr(include_territories=False), "LOCATION", safe_harbor=False)]


def _s_country(c: _Ctx) -> list[_Part]:
    return [_ent(c.pick(_COUNTRIES), "LOCATION", safe_harbor=False)]


def _s_zip(c: _Ctx) -> list[_Part]:
    return [_ent(_zip(c), "US_ZIP_CODE")]


def _s_addr(c: _Ctx) -> list[_Part]:
    """Street, city, state and ZIP, each labelled; the separators are not."""
    sep = c.pick((", ", ", ", "\n"))
    state = c.fake.state_abbr(include_territories=False) if c.chance(0.75) else c.fake.state()
    parts = [_ent(_street(c), "STREET_ADDRESS"), _lit(sep), _ent(_city(c), "LOCATION"), _lit(", ")]
    parts.append(_ent(state, "LOCATION", safe_harbor=False))
    if c.chance(0.9):
        parts += [_lit(" "), _ent(_zip(c), "US_ZIP_CODE")]
    return parts


def _s_citystate(c: _Ctx) -> list[_Part]:
    state = c.fake.state_abbr(include_territories=False) if c.chance(0.5) else c.fake.state()
    return [_ent(_city(c), "LOCATION"), _lit(", "), _ent(state, "LOCATION", safe_harbor=False)]


def _phone_digits(c: _Ctx) -> tuple[str, str, str]:
    area = f"{c.rng.randint(2, 9)}{c.rng.randint(0, 8)}{c.rng.randint(0, 9)}"
    exchange = f"{c.rng.randint(2, 9)}{c.digits(2)}"
    return area, exchange, c.digits(4)


def _phone(c: _Ctx) -> str:
    if c.chance(0.12):
        return c.fake.phone_number()
    a, e, n = _phone_digits(c)
    form = c.rng.randrange(12)
    text = (
        f"({a}) {e}-{n}",
        f"{a}-{e}-{n}",
        f"{a}.{e}.{n}",
        f"{a} {e} {n}",
        f"+1 {a} {e} {n}",
        f"+1-{a}-{e}-{n}",
        f"1-{a}-{e}-{n}",
        f"({a}){e}-{n}",
        f"{a}{e}{n}",
        f"+1 ({a}) {e}-{n}",
        f"{a}-{e}-{n}",
        f"({a}) {e}-{n}",
    )[form]
    if c.chance(0.12):
        text += c.pick((" ext. ", " x", " ext ", " Ext. ")) + str(c.rng.randint(2, 9999))
    return text


def _s_phone(c: _Ctx) -> list[_Part]:
    return [_ent(_phone(c), "PHONE_NUMBER")]


def _s_fax(c: _Ctx) -> list[_Part]:
    a, e, n = _phone_digits(c)
    form = c.pick((f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"+1 {a} {e} {n}"))
    return [_ent(form, "FAX_NUMBER")]


def _s_email(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.35:
        email = c.fake.free_email()
    elif roll < 0.6:
        email = c.fake.email()
    else:
        first, last = c.fake.first_name().lower(), c.fake.last_name().lower()
        user = c.pick(
            (f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{c.rng.randint(1, 99)}")
        )
        domain = c.pick(("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"))
        email = f"{user}@{domain if c.chance(0.6) else c.fake.domain_name()}"
    return [_ent(email, "EMAIL_ADDRESS")]


def _s_url(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.3:
        url = c.fake.uri()
    elif roll < 0.5:
        url = c.fake.url().rstrip("/")
    elif roll < 0.75:
        first, last = c.fake.first_name().lower(), c.fake.last_name().lower()
        url = c.pick(
            (
                f"https://www.facebook.com/{first}.{last}{c.rng.randint(1, 99)}",
                f"https://www.gofundme.com/f/help-{first}-{last}",
                f"https://twitter.com/{first}{last}",
                f"https://www.linkedin.com/in/{first}-{last}-{c.digits(3)}",
            )
        )
    else:
        url = (
            f"https://mychart.{c.fake.domain_name()}/patient/{c.digits(6)}"
            if c.chance(0.5)
            else f"www.{c.fake.domain_name()}/~{c.fake.user_name()}"
        )
    return [_ent(url, "URL")]


def _s_ip(c: _Ctx) -> list[_Part]:
    return [_ent(c.fake.ipv6() if c.chance(0.2) else c.fake.ipv4(), "IP_ADDRESS")]


def _s_ssn(c: _Ctx) -> list[_Part]:
    ssn = c.fake.ssn()
    roll = c.rng.random()
    if roll < 0.15:
        ssn = ssn.replace("-", " ")
    elif roll < 0.25:
        ssn = ssn.replace("-", "")
    return [_ent(ssn, "US_SSN")]


def _s_mrn(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.4:
        mrn = c.digits(7)
    elif roll < 0.6:
        mrn = "00" + c.digits(6)
    elif roll < 0.8:
        mrn = f"{c.letters(2)}-{c.digits(6)}"
    else:
        mrn = f"{c.pick('EHMP')}{c.digits(7)}"
    return [_ent(mrn, "MEDICAL_RECORD_NUMBER")]


def _s_cc(c: _Ctx) -> list[_Part]:
    kind = c.pick(("visa", "visa", "mastercard", "mastercard", "amex", "discover"))
    number = c.fake.credit_card_number(card_type=kind)
    assert _luhn_valid(number)
    if c.chance(0.5):
        sep = c.pick((" ", "-"))
        if len(number) == 16:
            number = sep.join(number[i : i + 4] for i in range(0, 16, 4))
        elif len(number) == 15:
            number = sep.join((number[:4], number[4:10], number[10:]))
    return [_ent(number, "CREDIT_CARD")]


def _npi(c: _Ctx) -> str:
    payload = c.pick("12") + c.digits(8)
    return payload + str(_luhn_check_digit("80840" + payload))


def _s_npi(c: _Ctx) -> list[_Part]:
    return [_ent(_npi(c), "NPI")]


def _mbi(c: _Ctx) -> str:
    """A Medicare Beneficiary Identifier shape (1EG4-TE5-MK73)."""
    letters = "ACDEFGHJKMNPQRTUVWXY"
    alnum = letters + string.digits
    chars = [
        str(c.rng.randint(1, 9)),
        c.letters(1, letters),
        c.letters(1, alnum),
        c.digits(1),
        c.letters(1, letters),
        c.letters(1, alnum),
        c.digits(1),
        c.letters(1, letters),
        c.letters(1, letters),
        c.digits(1),
        c.digits(1),
    ]
    mbi = "".join(chars)
    return f"{mbi[:4]}-{mbi[4:7]}-{mbi[7:]}" if c.chance(0.5) else mbi


def _s_hpid(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.3:
        value = f"{c.letters(3)}{c.digits(9)}"
    elif roll < 0.5:
        value = _mbi(c)
    elif roll < 0.7:
        value = f"W{c.digits(9)}"
    elif roll < 0.85:
        value = f"{c.digits(9)}-{c.digits(2)}"
    else:
        value = f"MEM-{c.digits(8)}"
    return [_ent(value, "HEALTH_PLAN_ID")]


def _s_acct(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.35:
        value = c.digits(c.rng.randint(8, 12))
    elif roll < 0.6:
        value = f"{c.digits(4)}-{c.digits(4)}-{c.digits(2)}"
    elif roll < 0.8:
        value = f"ACCT-{c.digits(8)}"
    else:
        value = f"{c.letters(2)}{c.digits(8)}"
    return [_ent(value, "ACCOUNT_NUMBER")]


def _dea(c: _Ctx) -> str:
    digits = [c.rng.randint(0, 9) for _ in range(6)]
    check = (digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])) % 10
    return c.pick("ABFGM") + c.letters(1) + "".join(map(str, digits)) + str(check)


def _s_dl(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.4:
        value = c.letters(1) + c.digits(7)
    elif roll < 0.6:
        value = f"{c.letters(1)}{c.digits(3)}-{c.digits(4)}-{c.digits(4)}"
    elif roll < 0.8:
        value = c.digits(9)
    else:
        value = f"{c.letters(1)}{c.digits(12)}"
    return [_ent(value, "LICENSE_NUMBER")]


def _s_lic(c: _Ctx) -> list[_Part]:
    roll = c.rng.random()
    if roll < 0.4:
        value = f"{c.pick(('MD', 'RN', 'PA', 'NP', 'G'))}{c.digits(c.rng.randint(5, 7))}"
    elif roll < 0.7:
        value = f"{c.pick(('RN', 'LPN', 'MD'))}-{c.digits(6)}"
    else:
        value = c.digits(c.rng.randint(6, 8))
    return [_ent(value, "LICENSE_NUMBER")]


def _s_dea(c: _Ctx) -> list[_Part]:
    return [_ent(_dea(c), "LICENSE_NUMBER")]


def _vin(c: _Ctx) -> str:
    wmi = c.pick(("1HG", "1FT", "2T1", "3VW", "JHM", "5YJ", "WBA", "1G1", "4T1", "KMH", "JTD"))
    body = "".join(c.rng.choice(_VIN_ALPHABET) for _ in range(5))
    year = c.pick("ABCDEFGHJKLMNPRSTVWXY123456789")
    tail = "".join(c.rng.choice(_VIN_ALPHABET) for _ in range(2)) + c.digits(5)
    draft = wmi + body + "0" + year + tail
    vin = draft[:8] + _vin_check_char(draft) + draft[9:]
    assert vin_is_valid(vin)
    return vin


def _s_vin(c: _Ctx) -> list[_Part]:
    return [_ent(_vin(c), "VEHICLE_ID")]


def _s_plate(c: _Ctx) -> list[_Part]:
    value = c.pick(
        (
            f"{c.rng.randint(1, 9)}{c.letters(3)}{c.digits(3)}",
            f"{c.letters(3)}-{c.digits(4)}",
            f"{c.letters(3)} {c.digits(3)}",
            f"{c.digits(3)} {c.letters(3)}",
        )
    )
    return [_ent(value, "VEHICLE_ID")]


def _s_serial(c: _Ctx) -> list[_Part]:
    value = c.pick(
        (
            f"{c.letters(2)}-{c.digits(4)}-{c.letters(2)}{c.digits(2)}",
            f"{c.digits(2)}{c.letters(1)}{c.digits(7)}",
            f"{c.letters(3)}{c.digits(6)}{c.letters(1)}",
            f"SN{c.digits(8)}",
            f"{c.letters(1)}{c.digits(3)}{c.letters(3)}{c.digits(4)}",
        )
    )
    return [_ent(value, "DEVICE_ID")]


def _s_mac(c: _Ctx) -> list[_Part]:
    mac = c.fake.mac_address()
    return [_ent(mac.upper() if c.chance(0.5) else mac, "DEVICE_ID")]


def _s_imei(c: _Ctx) -> list[_Part]:
    payload = c.pick(("35", "86", "01", "99")) + c.digits(12)
    return [_ent(payload + str(_luhn_check_digit(payload)), "DEVICE_ID")]


# Dates ---------------------------------------------------------------------------------------


def _rand_date(c: _Ctx, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1).toordinal()
    end = date(last_year, 12, 31).toordinal()
    return date.fromordinal(c.rng.randint(start, end))


def _ordinal(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _format_date(d: date, form: int) -> str:
    m, day, y = d.month, d.day, d.year
    month, abbr = _MONTHS[m - 1], _MONTH_ABBR[m - 1]
    forms = (
        f"{m:02d}/{day:02d}/{y}",
        f"{m}/{day}/{y % 100:02d}",
        f"{y}-{m:02d}-{day:02d}",
        f"{month} {day}, {y}",
        f"{day} {abbr} {y}",
        f"{abbr}-{day:02d}-{y}",
        f"{day:02d}.{m:02d}.{y}",
        f"{_ordinal(day)} of {month} {y}",
        f"{abbr} {day}, {y}",
        f"{day} {month} {y}",
        f"{m}/{day}/{y}",
        f"{month} {_ordinal(day)}, {y}",
        f"{abbr}. {day}, {y}" if abbr != "May" else f"May {day}, {y}",
        f"{m:02d}-{day:02d}-{y}",
    )
    return forms[form]


_N_DATE_FORMS = 14


def _hard_format_date(d: date, form: int) -> str:
    m, day, y = d.month, d.day, d.year
    abbr = _MONTH_ABBR[m - 1]
    forms = (
        f"{day:02d}-{abbr.upper()}-{y}",
        f"{y}{m:02d}{day:02d}",
        f"{m}.{day}.{y % 100:02d}",
        f"{abbr} {day} '{y % 100:02d}",
        f"{_ordinal(day)} {_MONTHS[m - 1]} {y}",
        f"{y}/{m:02d}/{day:02d}",
        f"{_MONTHS[m - 1]} the {_ordinal(day)}, {y}",
        f"{day}/{m}/{y}",
        f"{abbr.upper()} {day} {y}",
        f"{day}{abbr.upper()}{y}",
    )
    return forms[form]


_N_HARD_DATE_FORMS = 10


def _s_date(c: _Ctx) -> list[_Part]:
    d = _rand_date(c, 1995, 2025)
    form = c.rng.randrange(_N_DATE_FORMS)
    text = _format_date(d, form)
    if form == 7 and c.chance(0.5):
        return [_lit("the "), _ent(text, "DATE")]
    return [_ent(text, "DATE")]


def _s_hdate(c: _Ctx) -> list[_Part]:
    d = _rand_date(c, 1950, 2025)
    return [_ent(_hard_format_date(d, c.rng.randrange(_N_HARD_DATE_FORMS)), "DATE")]


def _s_dob(c: _Ctx) -> list[_Part]:
    d = _rand_date(c, 1925, 2015)
    return [_ent(_format_date(d, c.rng.randrange(_N_DATE_FORMS)), "DATE_OF_BIRTH")]


def _s_hdob(c: _Ctx) -> list[_Part]:
    d = _rand_date(c, 1925, 2015)
    return [_ent(_hard_format_date(d, c.rng.randrange(_N_HARD_DATE_FORMS)), "DATE_OF_BIRTH")]


def _s_monthyear(c: _Ctx) -> list[_Part]:
    d = _rand_date(c, 1995, 2025)
    month = _MONTHS[d.month - 1] if c.chance(0.7) else _MONTH_ABBR[d.month - 1]
    return [_ent(f"{month} {d.year}" if c.chance(0.85) else f"{d.month}/{d.year}", "DATE")]


def _s_year(c: _Ctx) -> list[_Part]:
    return [_ent(str(c.rng.randint(1990, 2025)), "DATE", safe_harbor=False)]


# Ages ----------------------------------------------------------------------------------------


def _age_value(c: _Ctx) -> int:
    return c.rng.randint(90, 104) if c.chance(0.35) else c.rng.randint(18, 89)


def _age_part(n: int) -> _Part:
    return _ent(str(n), "AGE", safe_harbor=n >= 90)


def _article(n: int) -> str:
    return "an" if n in (8, 11, 18) or 80 <= n <= 89 else "a"


def _s_age(c: _Ctx) -> list[_Part]:
    return [_age_part(_age_value(c))]


def _s_aage(c: _Ctx) -> list[_Part]:
    """An article and an age: "a 67" / "an 81" (the template adds "-year-old")."""
    n = _age_value(c)
    return [_lit(_article(n) + " "), _age_part(n)]


def _s_age_young(c: _Ctx) -> list[_Part]:
    return [_age_part(c.rng.randint(18, 89))]


def _s_aage_young(c: _Ctx) -> list[_Part]:
    n = c.rng.randint(18, 89)
    return [_lit(_article(n) + " "), _age_part(n)]


def _s_age_old(c: _Ctx) -> list[_Part]:
    return [_age_part(c.rng.randint(90, 104))]


def _number_words(n: int) -> str:
    tens, units = divmod(n, 10)
    return _NUMBER_WORDS[tens * 10] + (f"-{_UNIT_WORDS[units]}" if units else "")


def _s_age_words(c: _Ctx) -> list[_Part]:
    n = c.rng.randint(20, 99)
    article = "an" if 80 <= n <= 89 else "a"
    return [_lit(article + " "), _ent(_number_words(n), "AGE", safe_harbor=n >= 90)]


# Unlabelled filler ---------------------------------------------------------------------------


def _lab_text(c: _Ctx, lab: tuple[str, str, float, float, int]) -> str:
    name, unit, low, high, decimals = lab
    value = round(c.rng.uniform(low, high), decimals)
    shown = f"{value:.{decimals}f}" if decimals else str(int(value))
    return f"{name} {shown}{unit}"


def _s_drug(c: _Ctx) -> list[_Part]:
    name, doses = c.rng.choice(_DRUGS)
    return [_lit(f"{name} {c.pick(doses)} {c.pick(_FREQUENCIES)}")]


def _s_drug_name(c: _Ctx) -> list[_Part]:
    return [_lit(c.rng.choice(_DRUGS)[0])]


def _s_lab(c: _Ctx) -> list[_Part]:
    return [_lit(_lab_text(c, c.rng.choice(_LABS)))]


def _s_lab_name(c: _Ctx) -> list[_Part]:
    return [_lit(c.rng.choice(_LABS)[0])]


def _s_vitals(c: _Ctx) -> list[_Part]:
    systolic, diastolic = c.rng.randint(96, 178), c.rng.randint(54, 104)
    temp = round(c.rng.uniform(97.0, 102.8), 1)
    text = (
        f"BP {systolic}/{diastolic}, HR {c.rng.randint(52, 128)}, RR {c.rng.randint(12, 28)}, "
        f"T {temp} F, SpO2 {c.rng.randint(86, 100)}% on room air"
    )
    return [_lit(text)]


def _s_bp(c: _Ctx) -> list[_Part]:
    return [_lit(f"{c.rng.randint(96, 178)}/{c.rng.randint(54, 104)}")]


def _s_icd(c: _Ctx) -> list[_Part]:
    code, label = c.rng.choice(_ICD10)
    return [_lit(f"{label} (ICD-10 {code})" if c.chance(0.6) else f"ICD-10 {code}")]


def _s_dx(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_DIAGNOSES))]


def _s_symptom(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_SYMPTOMS))]


def _s_duration(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_DURATIONS))]


def _s_sdur(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_SHORT_DURATIONS))]


def _s_relative(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_RELATIVE))]


def _s_room(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_ROOMS))]


def _s_sex(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(("man", "woman", "male", "female")))]


def _s_payer(c: _Ctx) -> list[_Part]:
    return [_lit(c.pick(_PAYERS))]


def _s_num(c: _Ctx) -> list[_Part]:
    return [_lit(str(c.rng.randint(2, 12)))]


def _s_eponym(c: _Ctx) -> list[_Part]:
    return [_lit(c.rng.choice(_EPONYMS)[1])]


# Hard cases assembled as whole sentences -----------------------------------------------------

_WORD_FIRST_SENTENCES: dict[str, tuple[str, ...]] = {
    "Will": ("{p} will need a living will reviewed by social work.",),
    "May": ("{p} may need a second opinion; she may also need imaging.",),
    "Hope": ("{p} said there is still hope for a full recovery.",),
    "Grace": ("{p} walked with grace after two weeks of physical therapy.",),
    "Bill": ("{p} asked about the hospital bill before discharge.",),
    "Rose": ("{p} noted the rash rose up to her neck overnight.",),
    "Mark": ("{p} has a birth mark on the left forearm; mark the site before surgery.",),
    "Faith": ("{p} says her faith helps her cope with the diagnosis.",),
    "Summer": ("{p} plans to travel this summer and needs refills.",),
    "Hunter": ("{p} is a deer hunter and reports a tick bite.",),
    "Joy": ("{p} expressed joy at the negative biopsy result.",),
    "Dawn": ("{p} woke before dawn with crushing chest pain.",),
    "Frank": ("{p} had a frank discussion about goals of care; frank blood was noted.",),
    "June": ("{p} is due for a colonoscopy.",),
    "Art": ("{p} attends art therapy twice a week.",),
    "Penny": ("{p} has not saved a penny for the copay.",),
    "Sandy": ("{p} reports sandy stools and bloating.",),
    "Iris": ("{p} has a coloboma of the left iris.",),
    "Ivy": ("{p} touched poison ivy while gardening.",),
    "Chase": ("{p} had to chase the dog and twisted an ankle.",),
}
_WORD_LAST_SENTENCES: dict[str, str] = {
    "Young": "{p} is a young-appearing patient in no acute distress.",
    "Brown": "{p} reports brown urine since the weekend.",
    "White": "{p} has white patches on the tongue.",
    "King": "{p} asked for a king-size bed because of back pain.",
    "Green": "{p} reports green sputum and fever.",
    "Long": "{p} has long-standing hypertension.",
    "Black": "{p} reports black, tarry stools.",
    "Little": "{p} has little appetite and has lost weight.",
    "Hall": "{p} was found in the hall after a fall.",
    "Wells": "{p} has a Wells score of 4 for DVT.",
    "Price": "{p} asked about the price of the inhaler.",
    "Sharp": "{p} describes a sharp pain in the right flank.",
    "Cook": "{p} is unable to cook for herself.",
    "Baker": "{p} has a Baker's cyst behind the left knee.",
    "Strong": "{p} has a strong family history of colon cancer.",
    "Rich": "{p} eats a diet rich in sodium.",
    "Bush": "{p} fell into a rose bush and has abrasions.",
    "Hill": "{p} gets short of breath walking up a hill.",
    "Love": "{p} would love to go home soon.",
    "Hunter": "{p} is an avid hunter.",
}


def _s_word_first_sentence(c: _Ctx) -> list[_Part]:
    word = c.pick(_WORD_FIRST_NAMES)
    template = c.pick(_WORD_FIRST_SENTENCES[word])
    name = word if c.chance(0.4) else f"{word} {c.fake.last_name()}"
    before, after = template.split("{p}")
    return [_lit(before), _ent(name, "PERSON"), _lit(after)]


def _s_word_last_sentence(c: _Ctx) -> list[_Part]:
    word = c.pick(_WORD_LAST_NAMES)
    before, after = _WORD_LAST_SENTENCES[word].split("{p}")
    if c.chance(0.5):
        return [
            _lit(before + c.pick(("Mr.", "Mrs.", "Ms.")) + " "),
            _ent(word, "PERSON"),
            _lit(after),
        ]
    return [_lit(before), _ent(f"{c.fake.first_name()} {word}", "PERSON"), _lit(after)]


def _s_word_full_name(c: _Ctx) -> list[_Part]:
    return [_ent(f"{c.pick(_WORD_FIRST_NAMES)} {c.pick(_WORD_LAST_NAMES)}", "PERSON")]


def _s_eponym_sentence(c: _Ctx) -> list[_Part]:
    surname, disease = c.rng.choice(_EPONYMS)
    roll = c.rng.random()
    if roll < 0.35:  # the patient shares the eponym's surname
        title = c.pick(("Mr.", "Mrs.", "Ms."))
        return [
            _lit(f"{title} "),
            _ent(surname, "PERSON"),
            _lit(f" was diagnosed with {disease} {c.pick(_DURATIONS[:4])} ago."),
        ]
    if roll < 0.7:
        return [
            _ent(f"{c.fake.first_name()} {c.fake.last_name()}", "PERSON"),
            _lit(f" has {disease}; no family history of {c.rng.choice(_EPONYMS)[1]}."),
        ]
    return [
        _lit("Dr. "),
        _ent(c.fake.last_name(), "PERSON"),
        _lit(f" confirmed {disease} in "),
        _ent(c.fake.first_name(), "PERSON"),
        _lit(", who was started on treatment."),
    ]


# --------------------------------------------------------------------------------------------
# Slot registry and rendering.

_SLOTS: dict[str, _Slot] = {
    "name": _s_name,
    "first": _s_first,
    "last": _s_last,
    "tname": _s_tname,
    "dr": _s_dr,
    "caps_name": _s_caps_name,
    "lower_name": _s_lower_name,
    "lower_first": _s_lower_first,
    "street": _s_street,
    "city": _s_city,
    "state": _s_state,
    "state_abbr": _s_state_abbr,
    "country": _s_country,
    "zip": _s_zip,
    "addr": _s_addr,
    "citystate": _s_citystate,
    "phone": _s_phone,
    "fax": _s_fax,
    "email": _s_email,
    "url": _s_url,
    "ip": _s_ip,
    "ssn": _s_ssn,
    "mrn": _s_mrn,
    "cc": _s_cc,
    "npi": _s_npi,
    "hpid": _s_hpid,
    "acct": _s_acct,
    "dl": _s_dl,
    "lic": _s_lic,
    "dea": _s_dea,
    "vin": _s_vin,
    "plate": _s_plate,
    "serial": _s_serial,
    "mac": _s_mac,
    "imei": _s_imei,
    "date": _s_date,
    "hdate": _s_hdate,
    "dob": _s_dob,
    "hdob": _s_hdob,
    "monthyear": _s_monthyear,
    "year": _s_year,
    "age": _s_age,
    "aage": _s_aage,
    "age_young": _s_age_young,
    "aage_young": _s_aage_young,
    "age_old": _s_age_old,
    "age_words": _s_age_words,
    "drug": _s_drug,
    "drug_name": _s_drug_name,
    "lab": _s_lab,
    "lab_name": _s_lab_name,
    "vitals": _s_vitals,
    "bp": _s_bp,
    "icd": _s_icd,
    "dx": _s_dx,
    "symptom": _s_symptom,
    "duration": _s_duration,
    "sdur": _s_sdur,
    "relative": _s_relative,
    "room": _s_room,
    "sex": _s_sex,
    "payer": _s_payer,
    "num": _s_num,
    "eponym": _s_eponym,
    "word_first_sentence": _s_word_first_sentence,
    "word_last_sentence": _s_word_last_sentence,
    "word_full_name": _s_word_full_name,
    "eponym_sentence": _s_eponym_sentence,
}

_FORMATTER = string.Formatter()


def _render(template: str, c: _Ctx) -> tuple[str, list[tuple[GoldSpan, bool]]]:
    """Render ``template``: ``{slot}`` draws a value; ``{slot:k}`` draws another one. The same
    ``{slot}`` or ``{slot:k}`` twice in a template repeats the same value. Offsets of labelled
    parts are recorded as the text grows."""
    cache: dict[tuple[str, str], list[_Part]] = {}
    chunks: list[str] = []
    spans: list[tuple[GoldSpan, bool]] = []
    pos = 0
    for literal, field, spec, _conversion in _FORMATTER.parse(template):
        if literal:
            chunks.append(literal)
            pos += len(literal)
        if field is None:
            continue
        key = (field, spec or "")
        if key not in cache:
            cache[key] = _SLOTS[field](c)
        for part in cache[key]:
            if part.entity is not None:
                spans.append((GoldSpan(pos, pos + len(part.text), part.entity), part.safe_harbor))
            chunks.append(part.text)
            pos += len(part.text)
    return "".join(chunks), spans


# --------------------------------------------------------------------------------------------
# Templates.

#: ``templated``: templates per primary entity, with the share of texts each group gets.
_TEMPLATED: dict[str, tuple[int, tuple[str, ...]]] = {
    "PERSON": (
        30,
        (
            "{tname} reviewed the chart this morning.",
            "Patient {name} was admitted to the cardiology service.",
            "Please forward the results to {name} and {name:2}.",
            "{name} reports that the pain started after lunch.",
            "Spoke with the patient's daughter, {name}, by phone.",
            "Mr. {last} tolerated the procedure well.",
            "Ms. {last} declined the flu vaccine today.",
            "Seen together with {dr}, the attending physician.",
            "Consent was signed by {name}, the patient's husband.",
            "{first} was anxious but cooperative during the exam.",
            "Referred by {name}, MD, for evaluation of {symptom}.",
            "Nurse {first} noted a small pressure ulcer on the sacrum.",
            "Emergency contact: {name} (sister).",
            "Dear {tname}, thank you for referring {name} to our clinic.",
            "{name}'s son asked about home health services.",
        ),
    ),
    "LOCATION": (
        25,
        (
            "The patient recently moved from {city}, {state} to {city:2}.",
            "She lives alone in {city} and drives herself to appointments.",
            "He was transferred from an outside hospital in {city}, {state_abbr}.",
            "Family lives in {city}; the patient visits {country} every year.",
            "Returned from a trip to {citystate} {relative}.",
            "Works as a teacher in {city} and coaches soccer.",
            "Born and raised in {country}, moved to {state} as an adult.",
        ),
    ),
    "STREET_ADDRESS": (
        30,
        (
            "Home address: {addr}.",
            "Patient lives at {street}, {city}, {state_abbr} {zip}.",
            "Mail the forms to {addr}.",
            "Ambulance was dispatched to {street} after a fall.",
            "Current address {street} ({city}).",
            "She moved to {street} in {city} {relative}.",
            "Address on file:\n{addr}",
            "Home health visit at {street}; the door code is with the family.",
        ),
    ),
    "US_ZIP_CODE": (
        25,
        (
            "ZIP code {zip} was entered on the registration form.",
            "Lives in {city}, {state_abbr} {zip}.",
            "Zip: {zip}",
            "The mailing zip is {zip}, please confirm.",
        ),
    ),
    "DATE": (
        35,
        (
            "Admitted on {date} and discharged on {date:2}.",
            "Follow-up appointment scheduled for {date}.",
            "Last colonoscopy {date}, normal.",
            "Surgery was performed on {date} without complications.",
            "The MRI dated {date} showed no acute findings.",
            "Seen in clinic on {date}.",
            "Symptoms began in {monthyear}.",
            "Hospitalized for pneumonia in {year}.",
            "Vaccinated on {date}; booster due {monthyear}.",
            "Date of service: {date}",
            "Labs drawn {date}: {lab}.",
        ),
    ),
    "DATE_OF_BIRTH": (
        20,
        (
            "DOB: {dob}",
            "Patient (DOB {dob}) presents with {symptom}.",
            "{name}, born on {dob}, was seen today.",
            "Date of birth: {dob}.",
            "Verified identity with name and DOB {dob}.",
            "Born {dob} in {city}.",
            "D.O.B. {dob}",
        ),
    ),
    "AGE": (
        30,
        (
            "{name} is {aage}-year-old {sex} with hypertension.",
            "A {age} year old {sex} presents with {symptom}.",
            "Patient aged {age} reports dizziness.",
            "Age: {age}",
            "The patient, {age}, lives with her son.",
            "{age} yo male with COPD exacerbation.",
            "At {age_old} years of age she remains independent.",
            "Mrs. {last} turned {age} {relative}.",
        ),
    ),
    "PHONE_NUMBER": (
        30,
        (
            "Call back at {phone}.",
            "Patient's cell: {phone}",
            "Contact {name} at {phone} or {phone:2}.",
            "Phone {phone} (home).",
            "Left a voicemail on {phone} regarding lab results.",
            "Best number to reach her is {phone}.",
            "Tel: {phone}",
            "Pharmacy called from {phone} about the {drug_name} refill.",
        ),
    ),
    "FAX_NUMBER": (
        20,
        (
            "Fax: {fax}",
            "Please fax the records to {fax}.",
            "Phone {phone}, fax {fax}.",
            "Send the prior authorization by fax to {fax}, attention {name}.",
        ),
    ),
    "EMAIL_ADDRESS": (
        30,
        (
            "Email: {email}",
            "The patient prefers to be contacted at {email}.",
            "Sent the discharge instructions to {email} and copied {email:2}.",
            "Her portal login is {email}.",
            "{name} <{email}> asked about test results.",
        ),
    ),
    "US_SSN": (
        45,
        (
            "SSN: {ssn}",
            "Social Security number {ssn} on file.",
            "Verified SSN {ssn} with the patient.",
            "The SS# provided was {ssn}.",
            "{name}, social security {ssn}, requested records.",
        ),
    ),
    "MEDICAL_RECORD_NUMBER": (
        25,
        (
            "MRN {mrn}",
            "MRN: {mrn}, {name}",
            "medical record #{mrn}",
            "Medical record number {mrn} was merged with a duplicate chart.",
            "MR# {mrn}",
            "Patient {name} (MRN {mrn}) was seen in the ED.",
            "Chart number {mrn} reviewed before the visit.",
        ),
    ),
    "CREDIT_CARD": (
        45,
        (
            "Card number {cc} was charged for the copay.",
            "Billing: credit card {cc}",
            "The patient gave card {cc} over the phone.",
            "Payment declined for card {cc}; please call back.",
            "Visa {cc} on file for {name}.",
        ),
    ),
    "NPI": (
        20,
        (
            "NPI: {npi}",
            "Ordering provider {dr} (NPI {npi}).",
            "Referring physician NPI {npi}.",
            "Provider NPI number {npi} is missing from the claim.",
            "Rendering NPI {npi}; billing NPI {npi:2}.",
        ),
    ),
    "HEALTH_PLAN_ID": (
        25,
        (
            "Member ID: {hpid}",
            "Insurance: {payer}, member ID {hpid}.",
            "Medicare Beneficiary Identifier {hpid}",
            "Subscriber ID {hpid} verified with {payer}.",
            "Policy number {hpid} was verified with the payer.",
        ),
    ),
    "ACCOUNT_NUMBER": (
        30,
        (
            "Account #{acct}",
            "Billing account number {acct} has an outstanding balance.",
            "Hospital account {acct} closed after payment.",
            "Bank account {acct} for direct deposit of the refund.",
        ),
    ),
    "LICENSE_NUMBER": (
        30,
        (
            "Driver's license {dl}",
            "DL# {dl}, state of {state}",
            "Nursing license number {lic}.",
            "DEA number {dea}.",
            "Medical license {lic} expires next year.",
            "ID checked: driver license no. {dl}.",
        ),
    ),
    "VEHICLE_ID": (
        30,
        (
            "VIN {vin}",
            "The vehicle (VIN: {vin}) was involved in the collision.",
            "License plate {plate}, a gray sedan.",
            "Car registered with VIN {vin} and plate {plate}.",
        ),
    ),
    "DEVICE_ID": (
        30,
        (
            "Pacemaker serial number {serial}.",
            "Insulin pump SN: {serial}",
            "Device ID {serial} was interrogated; battery 78%.",
            "Glucose monitor serial {serial} replaced.",
            "Hearing aid MAC address {mac}.",
            "Phone IMEI {imei} registered for remote monitoring.",
        ),
    ),
    "IP_ADDRESS": (
        30,
        (
            "Login from IP {ip}.",
            "The portal logged access from {ip} for this account.",
            "IP address: {ip}",
        ),
    ),
    "URL": (
        30,
        (
            "See {url} for the patient's fundraiser page.",
            "Photos were uploaded to {url}",
            "Personal blog: {url}",
            "The patient shared a link, {url}, about her recovery.",
        ),
    ),
    "MIXED": (
        15,
        (
            "{name}, DOB {dob}, MRN {mrn}, phone {phone}.",
            "Patient: {name}\nAddress: {addr}\nPhone: {phone}\nEmail: {email}",
            "{tname} ({email}, {phone}) will follow up on {date}.",
            "Registration: {name}; SSN {ssn}; member ID {hpid}; DOB {dob}.",
            "{name} ({aage}-year-old {sex}) from {city} was seen on {date}.",
        ),
    ),
}

#: ``clinical_note``: note skeletons; each is a list of sections, each section a list of
#: alternative sentence templates. A note renders as one template, so a slot repeated across
#: sections (``{name}``, ``{mrn}``) is the same value throughout the note.
_NOTE_SKELETONS: tuple[tuple[tuple[str, ...], ...], ...] = (
    # Admission note
    (
        (
            "ADMISSION NOTE\nPatient: {name}    MRN: {mrn}    DOB: {dob}\nDate of admission: {date}\n",
            "Admission H&P for {name} (MRN {mrn}), admitted {date}.\n",
            "ADMISSION H&P\nName: {name}\nDOB: {dob}\nAdmitted: {date}\n",
        ),
        (
            "HPI: {name} is {aage}-year-old {sex} with a history of {dx} and {dx:2} who presents "
            "with {symptom} {duration}.",
            "HPI: {aage}-year-old {sex} with {dx} presenting with {symptom} {duration}, worse "
            "{relative}.",
        ),
        (
            " Home medications: {drug}, {drug:2}, and {drug:3}.",
            " Medications: {drug}; {drug:2}.",
        ),
        (" Vitals: {vitals}.", " On arrival {vitals}."),
        (
            " Labs notable for {lab} and {lab:2}.",
            " Labs: {lab}, {lab:2}, {lab:3}.",
        ),
        (
            " Assessment: {icd}. Plan: start {drug:4}; repeat labs in {sdur}. Admitted to {room}.",
            " Assessment and plan: {icd}; continue {drug:2}, placed in {room}.",
        ),
        (
            " Daughter {name:2} can be reached at {phone}.",
            " Lives at {addr} with her husband.",
            " Emergency contact {name:2}, {phone}.",
            "",
        ),
        (
            "\nSigned: {dr}, NPI {npi}, {date:2}",
            "\nElectronically signed by {dr} on {date:2}.",
        ),
    ),
    # Discharge summary
    (
        (
            "DISCHARGE SUMMARY\nName: {name}\nMRN: {mrn}\nAdmit date: {date}\n"
            "Discharge date: {date:2}\nAttending: {dr}\n",
            "Discharge summary for {name}, MRN {mrn}. Admitted {date}, discharged {date:2}.\n",
        ),
        (
            "Hospital course: treated for {dx} with {drug} {duration}; {lab} on the day of "
            "discharge.",
            "Hospital course: {aage}-year-old {sex} admitted with {symptom}; diagnosed with {dx} "
            "and treated with {drug}.",
        ),
        (
            " Discharge medications: {drug:2} and {drug:3}.",
            " New medications: {drug:2}. Stop {drug_name}.",
        ),
        (
            " Follow up with {dr:2} in {sdur}; clinic phone {phone}.",
            " Follow-up appointment on {date:3} with {dr:2}.",
            " Follow up with primary care in {sdur}.",
        ),
        (
            " Discharged home to {citystate}.",
            " Discharged to a skilled nursing facility in {city}.",
            " Discharged home with family.",
        ),
        (" Discharge diagnosis: {icd}.", " Vitals at discharge: {vitals}."),
    ),
    # Referral letter
    (
        (
            "Dear {dr},\n\nI am writing to refer {name} (DOB {dob}), {aage}-year-old {sex} with "
            "{dx}, for further evaluation.",
            "Re: {name}, DOB {dob}, MRN {mrn}\n\nDear {dr},\nThank you for seeing this "
            "{age_young}-year-old patient with {symptom} {duration}.",
        ),
        (
            " Current medications include {drug} and {drug:2}.",
            " Recent labs: {lab}; {lab:2}.",
        ),
        (
            " Insurance: {payer}, member ID {hpid}.",
            " Please contact our office at {phone} or fax {fax}.",
            " The patient can be reached at {phone} or {email}.",
        ),
        (
            "\n\nSincerely,\n{name:3}, MD\nNPI {npi}",
            "\n\nKind regards,\n{dr:2}\nFax: {fax}",
            "\n\nSincerely,\n{dr:2}",
        ),
    ),
    # Progress note
    (
        (
            "PROGRESS NOTE {date}\n",
            "Progress note, hospital day {num}. ",
            "{date} progress note for {name}. ",
        ),
        (
            "Patient {name} reports {symptom} is improving; afebrile overnight.",
            "{name} feels better today; tolerated {drug}.",
        ),
        (" Vitals: {vitals}.", " BP {bp} this morning."),
        (" Labs: {lab}, {lab:2}.", " {lab} trending down."),
        (
            " Plan: continue {drug:2} {duration}, PT evaluation, likely discharge in {sdur}.",
            " Plan: {icd}; wean oxygen, recheck {lab_name} tomorrow.",
        ),
        ("\n{dr}", "\n{dr}, pager {phone}", ""),
    ),
    # Registration / billing note
    (
        (
            "REGISTRATION UPDATE\nPatient: {name}\nDOB: {dob}\n",
            "Billing note for {name} (MRN {mrn}). ",
        ),
        (
            "Address confirmed: {addr}. ",
            "Phone updated to {phone}. ",
            "New address {street}, {city}. ",
        ),
        (
            "SSN {ssn} verified against the insurance card. ",
            "Insurance: {payer}, member ID {hpid}. ",
            "Self-pay; card {cc} charged for the {num}0 dollar copay. ",
            "Guarantor account {acct}. ",
            "Photo ID: driver's license {dl}, copied for the chart. ",
        ),
        (
            "Outstanding balance for the visit on {date}; statement sent to {email}.",
            "Payment plan set up by {name:2} (spouse).",
            "Financial counselling offered; patient declined.",
        ),
    ),
    # Telehealth / device clinic note
    (
        (
            "Telehealth visit {date} with {name}, {age}-year-old {sex}. ",
            "Remote monitoring review for {name} (DOB {dob}). ",
        ),
        (
            "Video session connected from IP {ip}; patient used the link {url}. ",
            "Transmission received from device serial {serial}. ",
            "Patient emailed readings from {email}. ",
            "Monitor paired to phone IMEI {imei}. ",
        ),
        (
            "Reports {symptom} {duration}; home BP {bp}. ",
            "No events; {lab}. ",
        ),
        (
            "Continue {drug}; next transmission in {sdur}. {dr}",
            "Plan: {icd}. Follow up in {sdur}.",
        ),
    ),
    # ED note
    (
        (
            "ED NOTE - {name}, {age} y/o {sex}, MRN {mrn}. Arrived by ambulance from {street}.",
            "ED NOTE - {name}, MRN {mrn}. Brought in by police; vehicle VIN {vin}, plate {plate}.",
            "Emergency department visit {date}: {name}, DOB {dob}.",
        ),
        (
            " Chief complaint: {symptom} {duration}.",
            " CC: {symptom} since {relative}.",
        ),
        (" Triage vitals {vitals}.", " BP {bp}, afebrile."),
        (
            " History of {dx}; takes {drug}.",
            " PMH: {dx}, {dx:2}. Meds: {drug}.",
        ),
        (
            " Disposition: admitted to {room}.",
            " Discharged home; return if worse. Callback number {phone}.",
            " Family ({name:2}) updated at bedside.",
        ),
    ),
)

#: ``hard_case`` templates (each equally likely).
_HARD_CASES: tuple[str, ...] = (
    # ALL CAPS
    "PATIENT: {caps_name}\nDOB: {dob}\nMRN: {mrn}",
    "ATTENDING: DR. {caps_name}\nREFERRING: DR. {caps_name:2}",
    "{caps_name} WAS SEEN IN THE ED FOR {symptom}.",
    "NAME: {caps_name}  PHONE: {phone}",
    # lower-case chat
    "hi its {lower_name} again, can u call me back at {phone} pls",
    "my mom {lower_first} has had {symptom} {duration}, what should we do",
    "this is {lower_name}, my email is {email} if the dr needs it",
    "hey {lower_first} here. my new address is {street} fyi",
    # common-word names
    "{word_first_sentence}",
    "{word_first_sentence}",
    "{word_last_sentence}",
    "{word_last_sentence}",
    "{word_full_name} will see {word_full_name:2} in clinic.",
    "Patient {word_full_name} says she has hope and faith in the new plan.",
    # eponymous diseases
    "{eponym_sentence}",
    "{eponym_sentence}",
    "{name} has {eponym} and {dx}.",
    # numbers that are not identifiers, next to identifiers
    "{room}: {name}, started on {drug}; {lab}; BP {bp}.",
    "{name} took 2 tablets of {drug_name} at 3 hour intervals; pain 7/10, now 3/10.",
    "EF 35%, {lab}, {lab:2}; seen by {dr} in {room}.",
    "Platelets 150-400 reference range; {name}'s count was 212 x 10^3/uL.",
    "Dispense #30 with 2 refills for {name}.",
    # unusual date formats
    "Seen {hdate}, follow up {hdate:2}.",
    "DOB:{hdob}",
    "{name} - born {hdob} - {age_words}-year-old.",
    "Surgery {hdate} ({dr}).",
    # ages in words
    "{name} is {age_words}-year-old and lives alone.",
    # glued to punctuation / at text start or end
    "({mrn})",
    "MRN#{mrn};DOB:{dob};PHONE:{phone}",
    "[{ssn}] {name}",
    "{phone}: patient's daughter, call anytime.",
    "{email},{email:2};{phone}",
    "Name:{name}|DOB:{dob}|Zip:{zip}",
    "{ssn} is the SSN on the form.",
    "Questions? Reach me at {email}",
    "Records requested via {url}.",
    "{name}'s MRN is {mrn}.",
    "<{email}>",
    '"{name}" ({phone})',
    "Addr:{street},{city},{state_abbr},{zip}",
)

#: ``no_identifier`` templates: no Safe Harbor identifier, but strict-only ages, years, states
#: and countries in some.
_NO_IDENTIFIER: tuple[str, ...] = (
    "{aage_young}-year-old man with {dx} asks whether {drug_name} is safe with {drug_name:2}.",
    "What is the usual starting dose of {drug_name} for {dx}?",
    "Patient reports {symptom} {duration}, worse {relative}.",
    "{lab}; {lab:2}. No change from {relative}.",
    "Diagnosed with {dx} in {year} and on {drug} since {year:2}.",
    "Is {dx} more common in {state}?",
    "Started {drug} {relative}; no side effects so far.",
    "Counselled on diet and exercise; recheck {lab_name} in {sdur}.",
    "Vitals: {vitals}.",
    "Assessment: {icd}. Plan: {drug}.",
    "The {age_young}-year-old patient has had {dx} {duration}.",
    "After travel to {country}, developed {symptom}.",
    "Took 2 tablets of {drug_name} yesterday with partial relief.",
    "Pain 7/10, improved to 3/10 after {drug_name}.",
    "Temperature 101.2 F for two days, now resolved.",
    "Platelets dropped from 210 to 95 over a week on {drug_name}.",
    "Can {drug_name} be crushed and given through a feeding tube?",
    "{aage_young}-year-old woman, {dx} since {year}, presents with {symptom}.",
    "Smoker, 20 pack-years, quit {relative}.",
    "Recommend {drug} {duration}, then reassess.",
    "How long should {drug_name} be held before surgery?",
    "BP {bp} in clinic, {bp:2} at home.",
    "{symptom} began {relative} and lasted {sdur}.",
    "Family history: father with {dx}, mother with {dx:2}.",
    "Admitted to {room} for observation; {lab}.",
    "Is {aage_young}-year-old too old to start {drug_name}?",
    "Childhood asthma, resolved by age {age_young}.",
    "Flu vaccine given {relative}; tetanus booster in {year}.",
    "Outbreak of measles reported in {state} this year; review vaccination status.",
    "Insulin dose increased from 18 to 24 units at bedtime.",
    "Follow up in {sdur} with repeat {lab_name}.",
    "Ultrasound shows a 3.2 cm mass in the right lobe.",
    "Moved to {country} in {year}; no recent travel.",
    "{dx} and {dx:2}; A1c goal under 7%.",
    "Patient aged {age_young} with {eponym} asks about exercise.",
    "Weight 82 kg, BMI 27.4, down 3 kg since {relative}.",
    "ECG: sinus rhythm at 72, QTc 438 ms.",
    "Take {drug}; do not exceed 4 g of acetaminophen per day.",
    "Wound 2 x 3 cm, clean, no drainage; dressing changed {relative}.",
    "Screening colonoscopy recommended; last one in {year}.",
)


def _render_item(template: str, c: _Ctx, category: str, index: int) -> LabelledText:
    text, spans = _render(template, c)
    safe_harbor = tuple(span for span, counts in spans if counts)
    if category == "no_identifier" and safe_harbor:
        raise AssertionError(f"no_identifier template yields Safe Harbor spans: {template!r}")
    return LabelledText(
        id=f"{category}-{index:04d}",
        text=text,
        spans=tuple(span for span, _ in spans),
        category=category,
        safe_harbor_spans=safe_harbor,
    )


def _weighted_schedule(c: _Ctx, weights: Mapping[str, int], n: int) -> list[str]:
    """``n`` group names in proportion to ``weights`` (largest remainder), shuffled."""
    total = sum(weights.values())
    exact = {g: n * w / total for g, w in weights.items()}
    counts = {g: int(v) for g, v in exact.items()}
    short = n - sum(counts.values())
    for g in sorted(exact, key=lambda g: exact[g] - counts[g], reverse=True)[:short]:
        counts[g] += 1
    schedule = [g for g in weights for _ in range(counts[g])]
    c.rng.shuffle(schedule)
    return schedule


def _note_template(c: _Ctx) -> str:
    skeleton = c.rng.choice(_NOTE_SKELETONS)
    return "".join(c.pick(section) for section in skeleton).strip()


def generate_eval_set(
    seed: int = DEFAULT_SEED, sizes: Mapping[str, int] | None = None
) -> list[LabelledText]:
    """The labelled evaluation set for ``seed``: ``templated``, ``clinical_note``, ``hard_case``
    and ``no_identifier`` texts in that order (``CATEGORY_SIZES`` unless ``sizes`` says
    otherwise). Deterministic for a seed."""
    sizes = dict(CATEGORY_SIZES if sizes is None else sizes)
    unknown = set(sizes) - set(CATEGORY_SIZES)
    if unknown:
        raise ValueError(f"unknown categories: {sorted(unknown)}")
    c = _Ctx(seed)
    items: list[LabelledText] = []

    n = sizes.get("templated", 0)
    weights = {group: weight for group, (weight, _) in _TEMPLATED.items()}
    for i, group in enumerate(_weighted_schedule(c, weights, n)):
        items.append(_render_item(c.pick(_TEMPLATED[group][1]), c, "templated", i))

    for i in range(sizes.get("clinical_note", 0)):
        items.append(_render_item(_note_template(c), c, "clinical_note", i))

    n = sizes.get("hard_case", 0)
    order = [_HARD_CASES[i % len(_HARD_CASES)] for i in range(n)]
    c.rng.shuffle(order)
    for i, template in enumerate(order):
        items.append(_render_item(template, c, "hard_case", i))

    n = sizes.get("no_identifier", 0)
    order = [_NO_IDENTIFIER[i % len(_NO_IDENTIFIER)] for i in range(n)]
    c.rng.shuffle(order)
    for i, template in enumerate(order):
        items.append(_render_item(template, c, "no_identifier", i))
    return items


def main(argv: Sequence[str] | None = None) -> None:
    """``python benchmarks/pii_eval/generate.py OUT.jsonl [--seed N]``: write the set."""
    import argparse

    parser = argparse.ArgumentParser(description="Write the labelled PII evaluation set.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    count = write_jsonl(args.out, generate_eval_set(args.seed))
    print(f"wrote {count} texts to {args.out}")


if __name__ == "__main__":
    main()
