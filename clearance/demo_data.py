"""A seeded generator of a synthetic hospital-admissions table with PII, for demos, tests and
benchmarks.

Every value is fictional: names, SSNs, MRNs, phones, emails and addresses are drawn at random
from embedded lists and digit ranges, so no row describes a real person. Phones use the
fictional 555-0100..0199 lines; SSNs follow the validity rules (so a value may by chance equal a
real one, as with any fake data). The generator is vectorised numpy and
pandas (a million rows take seconds), uses only the ``rng`` it is given and is deterministic:
the same seed gives the same table.

Structure planted for quality metrics and risk measures to find:

* patients: 1 to 10 admissions each (skewed, mean about 1.9) with constant demographics and
  identifiers; a patient's admissions follow each other in time and never overlap;
* diagnosis depends on age band and sex (delivery only for women aged 16-45, heart failure and
  hip fracture mostly in the old, appendicitis in the young, MI more often in men); the rare
  class :data:`RARE_DIAGNOSIS_CODE` (about 1% of rows) is far more common in one
  race/ethnicity group (:data:`RARE_DIAGNOSIS_RATE`), a small group with a sensitive attribute;
* length of stay is lognormal per diagnosis, slightly longer with age, capped at 120 days;
* charges are a per-diagnosis base plus a per-day rate times the stay, with lognormal noise;
* ``readmitted_30d`` has a probability set by diagnosis (heart failure high, delivery low) and
  age, and is consistent with the table: a patient's next admission starts within 30 days of
  discharge exactly when the flag is "yes" (a "yes" may have no next row when the readmission
  falls after the admission window or the patient's history was cut at ``n_rows``);
* ``clinical_note`` repeats the row's identifiers (name, MRN, DOB, phone, address, SSN, email)
  in a few templates, the way real notes do, so redaction has something to find.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from privacy.errors import InvalidInputError
from privacy.schema import Column, ColumnKind, ColumnRole, Schema

# --- embedded lists (fictional combinations of common US names) ----------------------------

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily",
    "Donna", "Michelle", "Carol", "Amanda", "Dorothy", "Melissa", "Deborah", "Stephanie",
    "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy", "Angela", "Shirley", "Anna",
    "Brenda", "Pamela", "Emma", "Nicole", "Helen", "Samantha", "Katherine", "Christine", "Debra",
    "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather", "Diane", "Ruth", "Julie",
    "Olivia", "Joyce", "Virginia", "Victoria", "Kelly", "Lauren", "Christina", "Joan", "Evelyn",
    "Judith", "Megan", "Andrea", "Cheryl", "Hannah", "Jacqueline", "Martha", "Gloria", "Teresa",
    "Ann", "Sara", "Madison", "Frances",
)
MALE_FIRST_NAMES: tuple[str, ...] = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Christopher", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
    "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward",
    "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen",
    "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander", "Frank",
    "Patrick", "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan",
    "Henry", "Douglas", "Zachary", "Peter", "Kyle", "Ethan", "Walter", "Noah", "Jeremy",
    "Christian", "Keith", "Roger", "Terry", "Gerald", "Harold", "Sean", "Austin", "Carl",
    "Arthur", "Lawrence",
)
SURNAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
    "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
    "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler",
    "Henderson", "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan",
    "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno",
    "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar",
    "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez",
    "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman",
    "Webb", "Tucker",
)
STREET_NAMES: tuple[str, ...] = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Main",
    "Church", "High", "Walnut", "Spring", "Chestnut", "Highland", "Sunset", "Lincoln", "Jackson",
    "Franklin", "Meadow", "River", "Willow", "Ridge", "Forest", "Jefferson", "Madison", "Center",
    "Mill", "Union",
)
STREET_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way")
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com")
EMAIL_DOMAIN_SHARES = (0.45, 0.20, 0.15, 0.10, 0.05, 0.05)
# (city, state, ZIP3, area code, relative weight ~ metro size)
CITIES: tuple[tuple[str, str, str, str, float], ...] = (
    ("Boston", "MA", "021", "617", 5), ("Worcester", "MA", "016", "508", 1),
    ("Providence", "RI", "029", "401", 1.5), ("Hartford", "CT", "061", "860", 1.2),
    ("New York", "NY", "100", "212", 12), ("Brooklyn", "NY", "112", "718", 6),
    ("Buffalo", "NY", "142", "716", 1.1), ("Newark", "NJ", "071", "973", 2),
    ("Philadelphia", "PA", "191", "215", 6), ("Pittsburgh", "PA", "152", "412", 2.3),
    ("Baltimore", "MD", "212", "410", 2.8), ("Washington", "DC", "200", "202", 5),
    ("Richmond", "VA", "232", "804", 1.3), ("Charlotte", "NC", "282", "704", 2.7),
    ("Raleigh", "NC", "276", "919", 1.4), ("Atlanta", "GA", "303", "404", 6),
    ("Miami", "FL", "331", "305", 6), ("Orlando", "FL", "328", "407", 2.7),
    ("Tampa", "FL", "336", "813", 3.2), ("Nashville", "TN", "372", "615", 2),
    ("Memphis", "TN", "381", "901", 1.3), ("Birmingham", "AL", "352", "205", 1.1),
    ("New Orleans", "LA", "701", "504", 1.3), ("Houston", "TX", "770", "713", 7),
    ("Dallas", "TX", "752", "214", 7.5), ("San Antonio", "TX", "782", "210", 2.6),
    ("Austin", "TX", "787", "512", 2.3), ("Oklahoma City", "OK", "731", "405", 1.4),
    ("Kansas City", "MO", "641", "816", 2.2), ("St. Louis", "MO", "631", "314", 2.8),
    ("Chicago", "IL", "606", "312", 9.5), ("Detroit", "MI", "482", "313", 4.3),
    ("Columbus", "OH", "432", "614", 2.1), ("Cleveland", "OH", "441", "216", 2),
    ("Indianapolis", "IN", "462", "317", 2.1), ("Milwaukee", "WI", "532", "414", 1.6),
    ("Minneapolis", "MN", "554", "612", 3.6), ("Omaha", "NE", "681", "402", 1),
    ("Denver", "CO", "802", "303", 3), ("Phoenix", "AZ", "850", "602", 5),
    ("Albuquerque", "NM", "871", "505", 0.9), ("Salt Lake City", "UT", "841", "801", 1.2),
    ("Las Vegas", "NV", "891", "702", 2.3), ("Los Angeles", "CA", "900", "213", 13),
    ("San Diego", "CA", "921", "619", 3.3), ("San Francisco", "CA", "941", "415", 4.7),
    ("Sacramento", "CA", "958", "916", 2.4), ("Portland", "OR", "972", "503", 2.5),
    ("Seattle", "WA", "981", "206", 4), ("Boise", "ID", "837", "208", 0.8),
    ("Anchorage", "AK", "995", "907", 0.4), ("Honolulu", "HI", "968", "808", 1),
)
US_STATES: tuple[str, ...] = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VA", "VT", "WA", "WI", "WV", "WY",
)
# US-census-like shares of hospital patients.
RACE_ETHNICITY: tuple[tuple[str, float], ...] = (
    ("White", 0.58), ("Hispanic or Latino", 0.19), ("Black or African American", 0.13),
    ("Asian", 0.06), ("Two or more races", 0.028), ("American Indian or Alaska Native", 0.01),
    ("Native Hawaiian or Other Pacific Islander", 0.002),
)


class _Diagnosis(NamedTuple):
    code: str
    description: str
    phrase: str  # how a clinician writes it in a note
    band_weights: tuple[float, ...]  # relative frequency per age band (see _AGE_BAND_EDGES)
    sex_factor: tuple[float, float]  # multiplier for (F, M)
    los_median: float  # days
    los_sigma: float  # of log(length of stay)
    base_charge: float  # dollars
    daily_charge: float  # dollars per day
    readmit_p: float  # 30-day readmission probability at age 60


_AGE_BAND_EDGES = (16, 30, 46, 65, 80)  # bands: 0-15, 16-29, 30-45, 46-64, 65-79, 80+
DIAGNOSES: tuple[_Diagnosis, ...] = (
    _Diagnosis("I21.9", "Acute myocardial infarction, unspecified", "acute MI",
               (0, 0.2, 1.5, 6, 8, 7), (0.6, 1.4), 4, 0.5, 25000, 4500, 0.15),
    _Diagnosis("J18.9", "Pneumonia, unspecified organism", "community-acquired pneumonia",
               (6, 2, 2.5, 5, 8, 10), (1, 1), 4.5, 0.55, 9000, 2500, 0.14),
    _Diagnosis("E11.9", "Type 2 diabetes mellitus without complications",
               "hyperglycemia in known type 2 diabetes",
               (0.2, 1, 4, 6, 5, 3), (1, 1), 3, 0.5, 6000, 2000, 0.12),
    _Diagnosis("I50.9", "Heart failure, unspecified", "decompensated heart failure",
               (0, 0.1, 0.8, 4, 10, 14), (1, 1), 5.5, 0.6, 12000, 3000, 0.23),
    _Diagnosis("N39.0", "Urinary tract infection, site not specified", "urinary tract infection",
               (2, 3, 2.5, 3, 5, 8), (1.6, 0.4), 3, 0.5, 5000, 1800, 0.10),
    _Diagnosis("K35.80", "Unspecified acute appendicitis", "acute appendicitis",
               (10, 8, 4, 1.5, 0.8, 0.4), (0.9, 1.1), 2, 0.45, 15000, 3500, 0.04),
    _Diagnosis("O80", "Encounter for full-term uncomplicated delivery", "labor at term",
               (0, 25, 15, 0, 0, 0), (1, 0), 2, 0.3, 8000, 2200, 0.02),
    _Diagnosis("F32.9", "Major depressive disorder, single episode, unspecified",
               "major depressive episode",
               (3, 6, 5, 3, 1.5, 1), (1.3, 0.7), 7, 0.6, 4000, 1200, 0.13),
    _Diagnosis("S72.001A", "Fracture of unspecified part of neck of right femur, initial "
               "encounter for closed fracture", "right hip fracture after a fall",
               (0.2, 0.2, 0.3, 1, 5, 12), (1.4, 0.6), 6, 0.5, 22000, 3200, 0.12),
    _Diagnosis("C34.90", "Malignant neoplasm of unspecified part of unspecified bronchus or lung",
               "lung cancer", (0, 0, 0.3, 3, 5, 3), (0.9, 1.1), 7, 0.7, 18000, 4000, 0.18),
    _Diagnosis("A41.9", "Sepsis, unspecified organism", "sepsis",
               (3, 1.5, 2, 4, 7, 10), (1, 1), 8, 0.7, 15000, 4200, 0.19),
    # the rare class: drawn separately, with a probability set by race/ethnicity only
    _Diagnosis("D57.1", "Sickle-cell disease without crisis", "sickle-cell disease",
               (0, 0, 0, 0, 0, 0), (1, 1), 5, 0.6, 10000, 2800, 0.20),
)
RARE_DIAGNOSIS_CODE: str = DIAGNOSES[-1].code
#: P(rare diagnosis | race/ethnicity) per admission; about 1% overall with the shares above.
RARE_DIAGNOSIS_RATE: MappingProxyType[str, float] = MappingProxyType(
    {race: (0.055 if race == "Black or African American" else 0.0035) for race, _ in RACE_ETHNICITY}
)
MAX_ADMISSIONS = 10
ADMISSION_WINDOW = ("2021-01-01", "2024-12-31")
MAX_LOS, MAX_CHARGES = 120, 500_000.0
COLUMNS: tuple[str, ...] = (
    "patient_id", "name", "ssn", "mrn", "phone", "email", "street_address", "city", "state",
    "zip", "date_of_birth", "admission_date", "discharge_date", "sex", "race_ethnicity", "age",
    "diagnosis_code", "diagnosis_description", "length_of_stay", "charges", "readmitted_30d",
    "clinical_note",
)


def generate_admissions(n_rows: int = 5000, *, rng: np.random.Generator) -> pd.DataFrame:
    """A fictional admissions table of exactly ``n_rows`` rows (columns :data:`COLUMNS`, ordered
    by admission date); the same ``rng`` state gives the same table.

    ``patient_id`` is "P" and 7 digits (more digits past a million patients, about 1.9 million
    rows); SSNs, MRNs and patient ids are unique per patient.
    """
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer) or n_rows < 1:
        raise InvalidInputError(f"n_rows must be an integer >= 1 (got {n_rows!r})")
    if not isinstance(rng, np.random.Generator):
        raise InvalidInputError(
            "rng must be a numpy.random.Generator (np.random.default_rng(seed))"
        )
    n_rows = int(n_rows)
    pat, day, age, diag, los, readmit, people = _simulate_stays(n_rows, rng)
    charges = _charges(diag, los, rng)
    order = np.lexsort((pat, day))  # admissions log: by date, then patient
    pat, day, age, diag, los, readmit, charges = (
        a[order] for a in (pat, day, age, diag, los, readmit, charges)
    )
    ident = _identities(people, rng)
    frame = ident.iloc[pat].reset_index(drop=True)
    frame["admission_date"] = _iso_dates(day)
    frame["discharge_date"] = _iso_dates(day + los)
    frame["age"] = age
    frame["diagnosis_code"] = _pick([d.code for d in DIAGNOSES], diag)
    frame["diagnosis_description"] = _pick([d.description for d in DIAGNOSES], diag)
    frame["length_of_stay"] = los
    frame["charges"] = charges
    frame["readmitted_30d"] = _pick(("no", "yes"), readmit.astype(np.int64))
    frame["clinical_note"] = _notes(frame, ident["_last"].iloc[pat], diag, rng)
    return frame[list(COLUMNS)]


def demo_schema() -> Schema:
    """The schema of :func:`generate_admissions`: every column's kind, role and public domain."""
    text, cat = ColumnKind.TEXT, ColumnKind.CATEGORICAL
    num, dt = ColumnKind.NUMERIC, ColumnKind.DATETIME
    direct, quasi = ColumnRole.DIRECT_IDENTIFIER, ColumnRole.QUASI_IDENTIFIER
    sensitive, other = ColumnRole.SENSITIVE, ColumnRole.OTHER

    def public(
        name: str,
        kind: ColumnKind,
        role: ColumnRole,
        categories: tuple[str, ...] | None = None,
        bounds: tuple[float, float] | tuple[str, str] | None = None,
        integer: bool = False,
    ) -> Column:
        return Column(name, kind, role, categories, bounds, domain_public=True, integer=integer)

    window = ("2021-01-01", "2025-12-31")
    return Schema(columns=(
        Column("patient_id", cat, ColumnRole.ENTITY_ID),
        *(Column(c, text, direct) for c in ("name", "ssn", "mrn", "phone", "email")),
        Column("street_address", text, direct),
        # The served cities are a public list; numeric bin edges are still measured with DP.
        public("city", cat, quasi, categories=tuple(sorted({c[0] for c in CITIES}))),
        public("state", cat, quasi, categories=US_STATES),
        Column("zip", text, direct),  # a full 5-digit ZIP is a HIPAA identifier
        Column("date_of_birth", dt, direct),
        public("admission_date", dt, quasi, bounds=window),
        public("discharge_date", dt, quasi, bounds=window),
        public("sex", cat, quasi, categories=("F", "M")),
        public("race_ethnicity", cat, quasi, categories=tuple(r for r, _ in RACE_ETHNICITY)),
        public("age", num, quasi, bounds=(0, 110), integer=True),
        public("diagnosis_code", cat, sensitive, categories=tuple(d.code for d in DIAGNOSES)),
        public("diagnosis_description", cat, other,
               categories=tuple(d.description for d in DIAGNOSES)),
        public("length_of_stay", num, other, bounds=(1, MAX_LOS), integer=True),
        public("charges", num, other, bounds=(0, MAX_CHARGES)),
        public("readmitted_30d", cat, sensitive, categories=("no", "yes")),
        Column("clinical_note", text, ColumnRole.FREE_TEXT),
    ))


# --- numeric simulation ----------------------------------------------------------------------

_Arrays = tuple[np.ndarray, ...]


def _simulate_stays(
    n_rows: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, _Arrays]:
    """Patients' stays, admission after admission; returns row arrays (patient index, admission
    day, age, diagnosis index, length of stay, readmitted) cut to ``n_rows`` rows, and the
    patient-level arrays (sex, race, dob day, city) of the patients kept.

    ``n_rows`` patients are simulated (each has at least one stay, so that is always enough);
    stays are sorted patient by patient and the first ``n_rows`` kept, so only the last patient
    kept may lose later stays.
    """
    start, end = (int(np.datetime64(d, "D").astype(np.int64)) for d in ADMISSION_WINDOW)
    sex = (rng.random(n_rows) < 0.45).astype(np.int64)  # 0 = F, 1 = M
    race = rng.choice(len(RACE_ETHNICITY), n_rows, p=[s for _, s in RACE_ETHNICITY])
    # age at first admission: children, young adults, and a large older group reaching past 89
    band = rng.choice(3, n_rows, p=[0.10, 0.30, 0.60])
    older = np.clip(np.rint(rng.normal(68, 13, n_rows)), 46, 102).astype(np.int64)
    first_age = np.choose(band, [rng.integers(0, 16, n_rows), rng.integers(16, 46, n_rows), older])
    first_day = rng.integers(start, end + 1, n_rows)
    dob = first_day - np.floor((first_age + rng.random(n_rows)) * 365.25).astype(np.int64)

    rare_p = np.array([RARE_DIAGNOSIS_RATE[r] for r, _ in RACE_ETHNICITY])
    readmit_logit = np.log([d.readmit_p / (1 - d.readmit_p) for d in DIAGNOSES])
    los_mu = np.log([d.los_median for d in DIAGNOSES])
    los_sigma = np.array([d.los_sigma for d in DIAGNOSES])
    parts: list[_Arrays] = []
    pat, day = np.arange(n_rows), first_day
    for level in range(MAX_ADMISSIONS):
        k = pat.size
        age = _age_years(dob[pat], day)
        diag = _diagnose(age, sex[pat], rare_p[race[pat]], rng)
        log_los = rng.normal(los_mu[diag] + 0.006 * (age - 50), los_sigma[diag])
        los = np.clip(np.rint(np.exp(log_los)), 1, MAX_LOS).astype(np.int64)
        p_readmit = 1 / (1 + np.exp(-(readmit_logit[diag] + 0.015 * (age - 60))))
        readmit = rng.random(k) < p_readmit
        parts.append((pat, np.full(k, level), day, age, diag, los, readmit))
        # a readmission starts 1-30 days after discharge; otherwise a later stay may follow
        later = 31 + rng.exponential(250, k).astype(np.int64)
        gap = np.where(readmit, rng.integers(1, 31, k), later)
        again = readmit | (rng.random(k) < 0.5)
        nxt = day + los + gap
        keep = again & (nxt <= end)
        pat, day = pat[keep], nxt[keep]
        if pat.size == 0:
            break
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    kept = np.lexsort((cols[1], cols[0]))[:n_rows]
    pat, _, day, age, diag, los, readmit = (c[kept] for c in cols)
    n_people = int(pat.max()) + 1
    city_w = np.array([c[4] for c in CITIES])
    city = rng.choice(len(CITIES), n_people, p=city_w / city_w.sum())
    people = (sex[:n_people], race[:n_people], dob[:n_people], city)
    return pat, day, age, diag, los, readmit, people


def _diagnose(
    age: np.ndarray, sex: np.ndarray, rare_p: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Diagnosis index per stay: the rare class with probability ``rare_p``, else a common one
    drawn from the weights of the stay's age band and sex."""
    weights = np.array([d.band_weights for d in DIAGNOSES[:-1]], dtype=float).T  # band x diag
    factor = np.array([d.sex_factor for d in DIAGNOSES[:-1]], dtype=float).T  # sex x diag
    cdf = np.cumsum(weights[:, None, :] * factor[None, :, :], axis=-1)  # band x sex x diag
    cdf /= cdf[..., -1:]
    group = np.searchsorted(_AGE_BAND_EDGES, age, side="right") * 2 + sex
    u, rare = rng.random(age.size), rng.random(age.size) < rare_p
    diag = np.empty(age.size, dtype=np.int64)
    flat = cdf.reshape(-1, cdf.shape[-1])
    for g in np.unique(group):
        rows = group == g
        diag[rows] = np.searchsorted(flat[g], u[rows], side="right")
    diag = np.minimum(diag, len(DIAGNOSES) - 2)  # guard against u == cdf[-1] roundoff
    return np.where(rare, len(DIAGNOSES) - 1, diag)


def _charges(diag: np.ndarray, los: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.array([d.base_charge for d in DIAGNOSES])[diag]
    daily = np.array([d.daily_charge for d in DIAGNOSES])[diag]
    noisy = (base + daily * los) * rng.lognormal(0.0, 0.2, diag.size)
    return np.round(np.clip(noisy, 0.0, MAX_CHARGES), 2)


def _age_years(dob: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Completed years from ``dob`` to ``day`` (both days since 1970-01-01), as on a birthday."""
    (y0, md0), (y1, md1) = _year_monthday(dob), _year_monthday(day)
    return y1 - y0 - (md1 < md0)


def _year_monthday(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    month_of_year = months.astype(np.int64) % 12 + 1
    day_of_month = (d - months).astype(np.int64) + 1
    return d.astype("datetime64[Y]").astype(np.int64) + 1970, month_of_year * 100 + day_of_month


# --- strings ---------------------------------------------------------------------------------


def _pick(options: Sequence[str], idx: np.ndarray) -> pd.Series:
    """``options[idx]`` as a pandas string column."""
    return pd.Series(pa.array(options, type=pa.large_string()).take(idx), dtype="str")


def _digits(values: np.ndarray, width: int) -> pd.Series:
    return pd.Series(values).astype("str").str.zfill(width)


def _iso_dates(days: np.ndarray) -> pd.Series:
    low = int(days.min())
    table = np.datetime_as_string(np.arange(low, int(days.max()) + 1).astype("datetime64[D]"))
    return _pick(table.tolist(), days - low)


def _unique_ints(rng: np.random.Generator, size: int, high: int) -> np.ndarray:
    """``size`` distinct integers in [0, high), redrawing duplicates (few when size << high)."""
    out = rng.integers(0, high, size)
    while True:
        _, first = np.unique(out, return_index=True)
        dup = np.ones(size, dtype=bool)
        dup[first] = False
        if not dup.any():
            return out
        out[dup] = rng.integers(0, high, int(dup.sum()))


def _identities(people: _Arrays, rng: np.random.Generator) -> pd.DataFrame:
    """One row of identifiers and demographics per patient (plus the helper column _last)."""
    sex, race, dob, city = people
    n = sex.size
    first_idx = np.where(sex == 0, rng.integers(0, len(FEMALE_FIRST_NAMES), n),
                         len(FEMALE_FIRST_NAMES) + rng.integers(0, len(MALE_FIRST_NAMES), n))
    first_names = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES
    first, last_idx = _pick(first_names, first_idx), rng.integers(0, len(SURNAMES), n)
    last = _pick(SURNAMES, last_idx)
    width = max(7, len(str(10 * n)))
    # SSN: area 001-899 except 666, group 01-99, serial 0001-9999, unique per patient
    k = _unique_ints(rng, n, 898 * 99 * 9999)
    area = k // (99 * 9999) + 1
    area += area >= 666
    ssn = (_digits(area, 3) + "-" + _digits(k // 9999 % 99 + 1, 2) + "-"
           + _digits(k % 9999 + 1, 4))
    phone = ("(" + _pick([c[3] for c in CITIES], city) + ") 555-01"
             + _digits(rng.integers(0, 100, n), 2))
    handle = (_pick([f.lower() for f in first_names], first_idx) + "."
              + _pick([s.lower() for s in SURNAMES], last_idx))
    domain = rng.choice(len(EMAIL_DOMAINS), n, p=EMAIL_DOMAIN_SHARES)
    street_no = np.minimum(np.rint(rng.lognormal(5.5, 1.2, n)), 9999).astype(np.int64) + 1
    street = (pd.Series(street_no).astype("str") + " "
              + _pick(STREET_NAMES, rng.integers(0, len(STREET_NAMES), n)) + " "
              + _pick(STREET_SUFFIXES, rng.integers(0, len(STREET_SUFFIXES), n)))
    return pd.DataFrame({
        "patient_id": "P" + _digits(_unique_ints(rng, n, 10**width), width),
        "name": first + " " + last,
        "ssn": ssn,
        "mrn": "MRN-" + _digits(_unique_ints(rng, n, 10**8), 8),
        "phone": phone,
        "email": handle + _digits(rng.integers(1, 100, n), 2) + "@" + _pick(EMAIL_DOMAINS, domain),
        "street_address": street,
        "city": _pick([c[0] for c in CITIES], city),
        "state": _pick([c[1] for c in CITIES], city),
        "zip": _pick([c[2] for c in CITIES], city) + _digits(rng.integers(0, 100, n), 2),
        "date_of_birth": _iso_dates(dob),
        "sex": _pick(("F", "M"), sex),
        "race_ethnicity": _pick([r for r, _ in RACE_ETHNICITY], race),
        "_last": last,
    })


_Template = Callable[["_RowView"], pd.Series]
_NOTE_TEMPLATES: tuple[tuple[float, _Template], ...] = (
    (0.30, lambda r: "Pt " + r["name"] + " (" + r["mrn"] + "), " + r["age_s"] + " y/o " + r["sex"]
        + ", DOB " + r["date_of_birth"] + ", admitted " + r["admission_date"] + " with "
        + r["phrase"] + ". Contact: " + r["phone"] + ". Lives at " + r["street_address"] + ", "
        + r["city"] + "."),
    (0.15, lambda r: r["age_s"] + "-year-old " + r["sex_word"] + " admitted "
        + r["admission_date"] + " for " + r["phrase"] + ", " + r["mrn"] + ". Discharged "
        + r["discharge_date"] + " (LOS " + r["los_s"] + " d)."),
    (0.15, lambda r: "Patient " + r["name"] + ", DOB " + r["date_of_birth"] + ", seen for "
        + r["phrase"] + ". Follow-up call to " + r["phone"] + " scheduled."),
    (0.10, lambda r: "Admitted " + r["admission_date"] + " with " + r["phrase"] + ". "
        + r["age_s"] + " y/o " + r["sex"] + " from " + r["city"] + ", " + r["state"] + "; SSN "
        + r["ssn"] + " verified at registration."),
    (0.15, lambda r: "Uneventful course for " + r["phrase"] + "; discharged home "
        + r["discharge_date"] + "."),
    (0.15, lambda r: r["title"] + " " + r["last"] + " tolerated treatment for " + r["phrase"]
        + ". Portal invite sent to " + r["email"] + "."),
)


def _notes(
    frame: pd.DataFrame, last: pd.Series, diag: np.ndarray, rng: np.random.Generator
) -> pd.Series:
    """One note per row from a randomly chosen template, built column-wise per template."""
    is_m = (frame["sex"] == "M").to_numpy().astype(np.int64)
    fields = frame.assign(
        age_s=frame["age"].astype("str"),
        los_s=frame["length_of_stay"].astype("str"),
        phrase=_pick([d.phrase for d in DIAGNOSES], diag),
        sex_word=_pick(("woman", "man", "girl", "boy"), is_m + 2 * (frame["age"] < 18).to_numpy()),
        title=_pick(("Ms.", "Mr."), is_m),
        last=last.set_axis(frame.index),
    )
    which = rng.choice(len(_NOTE_TEMPLATES), len(frame), p=[w for w, _ in _NOTE_TEMPLATES])
    pieces = []
    for t, (_, template) in enumerate(_NOTE_TEMPLATES):
        rows = np.flatnonzero(which == t)
        if rows.size:
            pieces.append(template(_RowView(fields, rows)))
    return pd.concat(pieces).sort_index()


class _RowView:
    """Columns of ``frame`` restricted to ``rows``, taken only when a template asks for them."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        self.frame, self.rows = frame, rows

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame[column].iloc[self.rows]
