"""Clearance's Presidio pattern recognizers: identifiers Presidio lacks (HIPAA Safe Harbor's list
as far as a pattern can see it), with check digits and context words.

Imports Presidio at module level: only the engine builder imports this module, lazily.

Conventions every recognizer here follows:

* The span is the identifier itself. Labelled patterns ("NPI: ...", "DOB ...", "Member ID ...")
  match the label too but report only the pattern's ``value`` group, so a redaction keeps the
  label and the context enhancer still sees it among the preceding words.
* A check digit or rule (``validate_result`` of the recognizer, or a pattern's own ``check``) that
  fails drops the match; one that passes keeps the pattern's score. Presidio would raise a
  passing match to 1.0, but a check digit passes for one random number in ten or eleven.
* Bare shapes that only context makes credible (a five-digit ZIP, a run of digits as an MRN,
  ten digits as a phone number) score 0.1 or 0.3: Presidio's context enhancer adds 0.35 when
  a context word is among the five preceding words or in the context the caller passes (a
  column name), which clears Clearance's default threshold of 0.4; alone they stay below it.
* Regexes are linear: bounded repetitions, no nested unbounded quantifiers. Letter case matters
  where ``(?-i:...)`` says so (Presidio matches case-insensitively by default).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import regex
from presidio_analyzer import (
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.errors import InvalidInputError
from privacy.pii.entities import PiiEntity
from privacy.pii.places import US_STATE_CODES, US_STATE_NAMES
from privacy.pii.validators import (
    MAX_AGE,
    age_value,
    alnum_count,
    dea_valid,
    digits_only,
    luhn_valid,
    npi_valid,
    vin_valid,
)

logger = logging.getLogger(__name__)

#: Entity type of the deny-list recognizer (terms the user names as identifying).
DENY_LIST_ENTITY = "DENY_LIST"

#: The flags Presidio's pattern recognizers match with.
REGEX_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

#: Seconds a pattern may run over one text before it is skipped (Presidio's default is 60).
REGEX_TIMEOUT_SECONDS = 10

#: Score of patterns written by the user (``mrn_patterns``).
USER_PATTERN_SCORE = 0.85


class ClearancePattern(Pattern):
    """A Presidio :class:`Pattern` with an optional ``check`` of the reported span's text: a
    match whose check returns False is dropped (a checksum only some patterns need)."""

    def __init__(
        self, name: str, regex: str, score: float, check: Callable[[str], bool] | None = None
    ) -> None:
        super().__init__(name, regex, score)
        self.check = check


class ClearancePatternRecognizer(PatternRecognizer):
    """A :class:`PatternRecognizer` that reports a pattern's ``value`` group when it has one
    (the whole match otherwise), keeps the pattern's score when validation passes and drops the
    match when it fails (see the module's docstring)."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Results for every accepted match of every pattern, duplicates removed."""
        flags = regex_flags if regex_flags else self.global_regex_flags
        results: list[RecognizerResult] = []
        for pattern in self.patterns:
            if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
                pattern.compiled_with_flags = flags
                pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
            try:
                results.extend(self._pattern_results(text, pattern, flags))
            except TimeoutError:
                logger.warning("pattern %r of %s timed out; skipped", pattern.name, self.name)
        return EntityRecognizer.remove_duplicates(results) if len(results) > 1 else results

    def _pattern_results(self, text: str, pattern: Pattern, flags: int) -> list[RecognizerResult]:
        compiled = pattern.compiled_regex
        has_value = "value" in compiled.groupindex
        found = []
        for match in compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
            start, end = match.span("value") if has_value else match.span()
            if start < 0 or end <= start:
                continue
            if not self.accepts(pattern, text[start:end]):
                continue
            explanation = self.build_regex_explanation(
                self.name, pattern.name, pattern.regex, pattern.score, None, flags
            )
            found.append(
                RecognizerResult(
                    entity_type=self.supported_entities[0],
                    start=start,
                    end=end,
                    score=pattern.score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return found

    def accepts(self, pattern: Pattern, value: str) -> bool:
        """Whether a match whose reported text is ``value`` is kept: the pattern's ``check``,
        then :meth:`validate_result`, must not say False, and :meth:`invalidate_result` must
        not say True."""
        check = getattr(pattern, "check", None)
        if check is not None and not check(value):
            return False
        if self.validate_result(value) is False:
            return False
        return not self.invalidate_result(value)


def make_recognizer(
    entity: str,
    name: str,
    patterns: list[Pattern],
    context: list[str],
    cls: type[ClearancePatternRecognizer] = ClearancePatternRecognizer,
) -> ClearancePatternRecognizer:
    return cls(
        supported_entity=entity,
        name=name,
        patterns=patterns,
        context=context,
        supported_language="en",
        global_regex_flags=REGEX_FLAGS,
    )


# ---------------------------------------------------------------------------------------------
# Shared pieces of regex
# ---------------------------------------------------------------------------------------------

#: Optional "#", "no.", "number", "num", "nbr" after a label, then an optional ":" / "#"
#: / "=" and spaces. Bounded, so a label costs a few steps.
_LABEL_TAIL = r"(?:\s*(?:#|no\b\.?|num(?:ber)?\b\.?|nbr\b\.?))?\s{0,3}[:#=]?\s{0,3}"

#: An identifier of 5 to 24 letters, digits and inner hyphens with at least one digit.
_ALNUM_ID = r"(?=[A-Z0-9-]{0,24}\d)[A-Z0-9][A-Z0-9-]{3,22}[A-Z0-9](?![A-Z0-9])"

_STATE_CODES = "|".join(US_STATE_CODES)
#: US state names, longest first, as written ("District of Columbia"), escaped for a regex.
_STATE_NAMES = "|".join(
    regex.escape(name.title().replace(" Of ", " of "))
    for name in sorted(US_STATE_NAMES, key=len, reverse=True)
)
_ZIP = r"\d{5}(?:-\d{4})?(?!\d|[-.]\d)"

# Phone numbers by shape (North American): "(617) 555-0134", "617-555-0134", "617.555.0134",
# "617 555 0134" (one separator throughout), an optional "+1" / "001" and an optional
# extension; ten bare digits when the area code and exchange do not start with 0 or 1.
_EXTENSION = r"(?:\s{0,2},?\s{0,2}(?:ext\b\.?|extension|x)\s{0,2}\d{1,6})?"
_PHONE_PARENS = r"(?:(?:\+?1|001)[\s.-]?)?\(\d{3}\)\s?\d{3}[\s.-]\d{4}"
_PHONE_GROUPS = r"(?:(?:\+?1|001)[\s.-])?\d{3}(?P<sep>[\s.-])\d{3}(?P=sep)\d{4}"
_PHONE_TEN = r"[2-9]\d\d[2-9]\d{6}"

# Dates. Numbers are validated by the regex: month 1-12, day 1-31; four-digit years 1700-2199.
_MONTH_NUM = r"(?:0?[1-9]|1[0-2])"
_DAY_NUM = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR4 = r"(?:1[7-9]|2[01])\d\d"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_NAMES = (
    ("Jan", "uary"),
    ("Feb", "ruary"),
    ("Mar", "ch"),
    ("Apr", "il"),
    ("May", ""),
    ("Jun", "e"),
    ("Jul", "y"),
    ("Aug", "ust"),
    ("Sep", "tember"),
    ("Oct", "ober"),
    ("Nov", "ember"),
    ("Dec", "ember"),
)


def _month_name_regex() -> str:
    """Month names and three-letter abbreviations ("Sept" too), title or upper case, with an
    optional dot: case-sensitive, so "may" and "mar" in prose are not months."""
    forms = []
    for abbr, rest in _MONTH_NAMES:
        for a, r in ((abbr, rest), (abbr.upper(), rest.upper())):
            forms.append(f"{a}(?:{r})?" if r else a)
    forms += ["Sept", "SEPT"]
    return rf"(?-i:(?:{'|'.join(forms)})\b\.?)"


_MONTH = _month_name_regex()
#: Three-letter month abbreviations glued to digits ("19APR2004"), title or upper case.
_MONTH_ABBR = "(?-i:(?:{}))".format(
    "|".join(a for abbr, _ in _MONTH_NAMES for a in (abbr, abbr.upper()))
)
_DATE_BEFORE = r"(?<![\w/.-])"
_DATE_AFTER = r"(?!\d|[/.:-]\d)"

#: Explicit date shapes, each a (name, regex) with its own boundaries. One alternative per
#: pattern: a top-level alternation defeats the regex engine's scan and costs about ten times more.
_DATE_SHAPES: tuple[tuple[str, str], ...] = (
    (
        "numeric M/D/Y or D/M/Y",
        rf"{_DATE_BEFORE}(?:{_MONTH_NUM}/{_DAY_NUM}|{_DAY_NUM}/{_MONTH_NUM})/"
        rf"(?:{_YEAR4}|\d{{2}}){_DATE_AFTER}",
    ),
    (
        "numeric M-D-Y or D-M-Y",
        rf"{_DATE_BEFORE}(?:{_MONTH_NUM}-{_DAY_NUM}|{_DAY_NUM}-{_MONTH_NUM})-{_YEAR4}{_DATE_AFTER}",
    ),
    (
        "numeric D.M.Y or M.D.Y",
        rf"{_DATE_BEFORE}(?:{_MONTH_NUM}\.{_DAY_NUM}|{_DAY_NUM}\.{_MONTH_NUM})\.{_YEAR4}"
        rf"{_DATE_AFTER}",
    ),
    (
        "numeric Y-M-D",
        rf"{_DATE_BEFORE}{_YEAR4}(?P<ysep>[-/.]){_MONTH_NUM}(?P=ysep){_DAY_NUM}{_DATE_AFTER}",
    ),
    ("month day, year", rf"\b{_MONTH}\s{{0,2}}{_DAY_NUM}{_ORDINAL}\b,?\s{{1,2}}{_YEAR4}\b"),
    (
        "day month year",
        rf"\b(?<![.]){_DAY_NUM}{_ORDINAL}(?:\s{{1,2}}of)?\s{{1,2}}{_MONTH},?\s{{1,2}}{_YEAR4}\b",
    ),
    ("day-mon-year", rf"\b(?<![.-]){_DAY_NUM}-{_MONTH}-(?:{_YEAR4}|\d\d)(?![\d-])"),
    ("mon-day-year", rf"\b{_MONTH}-{_DAY_NUM}-{_YEAR4}(?![\d-])"),
    ("month year", rf"\b{_MONTH},?\s{{1,2}}{_YEAR4}\b"),
    (
        "month the day, year",
        rf"\b{_MONTH}\s{{1,2}}the\s{{1,2}}{_DAY_NUM}{_ORDINAL}\b,?\s{{1,2}}{_YEAR4}\b",
    ),
    ("month day 'yy", rf"\b{_MONTH}\s{{0,2}}{_DAY_NUM}{_ORDINAL}\b,?\s{{1,2}}['\u2019]\d\d\b"),
    ("DDMONYYYY", rf"(?<![\w.]){_DAY_NUM}{_MONTH_ABBR}(?:{_YEAR4}|\d\d)(?!\w)"),
)

#: Shapes too loose for a date alone but safe right after a birth label: 19620314, 14.3.62.
_DOB_ONLY_SHAPES: tuple[tuple[str, str], ...] = (
    (
        "compact YYYYMMDD",
        r"(?<![\w.-])(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\w-])",
    ),
    (
        "numeric D.M.YY or M-D-YY",
        rf"{_DATE_BEFORE}(?:{_MONTH_NUM}[-.]{_DAY_NUM}|{_DAY_NUM}[-.]{_MONTH_NUM})[-.]\d\d"
        rf"{_DATE_AFTER}",
    ),
)


# ---------------------------------------------------------------------------------------------
# Addresses, ZIP codes, phone and fax numbers
# ---------------------------------------------------------------------------------------------

_STREET_SUFFIXES = (
    "Close|Rise|Parade|Wynd|Quay|Wharf|Yard|Croft|Garth|Heath|Mead|Alley|Aly|Avenue|Ave|Av|Boulevard|Blvd|Branch|Bridge|Brook|Burg|Bypass|Byp|Camp|Canyon|"
    "Cape|Causeway|Center|Centre|Ctr|Circle|Cir|Cliff|Club|Common|Corner|Course|Court|Ct|Cove|"
    "Creek|Crescent|Cres|Crest|Crossing|Xing|Crossroad|Curve|Dale|Dam|Divide|Drive|Dr|Estate|"
    "Expressway|Expy|Extension|Ext|Fall|Ferry|Field|Flat|Ford|Forest|Forge|Fork|Fort|Freeway|"
    "Fwy|Garden|Gardens|Gateway|Glen|Green|Grove|Harbor|Harbour|Haven|Heights|Hts|Highway|Hwy|"
    "Hill|Hollow|Inlet|Island|Isle|Junction|Jct|Key|Knoll|Lake|Land|Landing|Lane|Ln|Light|Loaf|"
    "Lock|Lodge|Loop|Mall|Manor|Meadow|Mews|Mill|Mission|Motorway|Mount|Mountain|Neck|Orchard|"
    "Oval|Overpass|Park|Parkway|Pkwy|Pass|Passage|Path|Pike|Pine|Place|Pl|Plain|Plaza|Plz|Point|"
    "Pt|Port|Prairie|Radial|Ramp|Ranch|Rapid|Rest|Ridge|River|Road|Rd|Route|Rte|Row|Rue|Run|"
    "Shoal|Shore|Skyway|Spring|Spur|Square|Sq|Station|Sta|Stravenue|Stream|Street|St|Summit|"
    "Terrace|Ter|Throughway|Trace|Track|Trafficway|Trail|Trl|Tunnel|Turnpike|Tpke|Underpass|"
    "Union|Valley|Via|Viaduct|View|Village|Ville|Vista|Walk|Wall|Way|Well|Wells"
)


def street_address_recognizer() -> ClearancePatternRecognizer:
    """US street addresses (STREET_ADDRESS, 0.85).

    * A house number, one to four capitalised words and a street suffix ("123 Main Street",
      "0487 Hopkins Squares Apt. 594", "77 W 5th Ave"); capitalisation is required, so
      "2 weeks at the center" is not an address.
    * A PO box: "P.O. Box 123", "PO Box 77", "Post Office Box 5".
    * Either may carry a unit (", Apt 4B", "Suite 200", "# 12") and a ", City, ST 12345" tail
      (city of one to three capitalised words, a state code, an optional ZIP), which the span
      then includes.
    """
    word = r"(?-i:(?!Dear\b)(?:[NSEW]\.?|[A-Z][A-Za-z'\-]+|\d{1,3}(?:st|nd|rd|th)))"
    suffix = rf"(?-i:(?:{_STREET_SUFFIXES})s?)\b\.?"
    unit = (
        r"(?:,?\s{1,3}(?:Apt|Apartment|Suite|Ste|Unit|Rm|Room|Fl|Floor|\#)\.?\s{0,2}\#?\s{0,2}"
        r"[A-Za-z0-9\-]{1,6}\b)?"
    )
    city = r"(?-i:[A-Z][A-Za-z.'\-]+(?:\s[A-Z][A-Za-z.'\-]+){0,2})"
    sep = r"(?:,\s{0,2}|\s{1,2})"
    tail = rf"(?:,\s{{0,2}}{city}{sep}(?-i:(?:{_STATE_CODES}))\b(?:{sep}{_ZIP})?)?"
    # The number, words and suffix sit on one line ("MRN 316782\n\nDear Dr." is no address).
    street = rf"\b\d{{1,6}}[A-Za-z]?[ \t]{{1,3}}(?:{word}[ \t]{{1,3}}){{1,4}}{suffix}{unit}{tail}"
    po_box = (
        rf"\b(?:P\.?\s?O\.?\s{{0,2}}Box|Post\s+Office\s+Box)\s{{0,2}}\#?\s{{0,2}}\d{{1,6}}\b"
        rf"{unit}{tail}"
    )
    return make_recognizer(
        PiiEntity.STREET_ADDRESS.value,
        "ClearanceStreetAddressRecognizer",
        [Pattern("US street address", street, 0.85), Pattern("PO box", po_box, 0.85)],
        ["address", "street", "lives", "resides", "residence", "home", "mailing"],
    )


def city_state_recognizer() -> ClearancePatternRecognizer:
    """A city before a US state ("Fresno, CA", "East Melissaborough, NC 98676", "Springfield,
    Illinois"): capitalised words, a comma, then a state code or name. LOCATION at 0.6, as two
    spans, the city and the state, so that a profile can keep the state (it is not a Safe
    Harbor identifier) and still report the city."""
    city = r"(?-i:(?P<value>[A-Z][a-z]+(?:[ \-](?:[A-Z][a-z]+|of|de|la))*))"
    state = rf"(?-i:(?:{_STATE_CODES})\b|(?:{_STATE_NAMES})\b)"
    return make_recognizer(
        PiiEntity.LOCATION.value,
        "ClearanceCityStateRecognizer",
        [
            Pattern("city, state", rf"\b{city},\s{{1,2}}{state}", 0.6),
            Pattern(
                "state after a city",
                rf"\b{city.replace('?P<value>', '?:')},\s{{1,2}}(?P<value>{state})",
                0.6,
            ),
        ],
        ["lives", "resides", "address", "city", "from", "in"],
    )


def zip_code_recognizer() -> ClearancePatternRecognizer:
    """US ZIP codes (US_ZIP_CODE); the span is the ZIP alone.

    * After a state code ("IL 62704", "MA, 02134", "WA,07279") or state name ("Massachusetts
      02134"): 0.75; after a label ("Zip: 02134", "postal code 02134-1234"): 0.85.
    * ZIP+4 alone ("02134-1234"): 0.3; five digits alone: 0.1. Both clear the threshold only
      with a context word (zip, zipcode, postal, postcode) nearby or from the column name.
    Three-digit ZIP prefixes are never matched.
    """
    before = r"(?<![\d.,$-])"
    return make_recognizer(
        PiiEntity.US_ZIP_CODE.value,
        "ClearanceZipCodeRecognizer",
        [
            Pattern(
                "state and ZIP",
                rf"(?-i:\b(?:{_STATE_CODES}|{_STATE_NAMES}))(?:,\s{{0,2}}|\s{{1,2}})"
                rf"(?P<value>{_ZIP})",
                0.75,
            ),
            Pattern(
                "ZIP with label",
                rf"\b(?:zip(?:\s?code)?|postal\s?code|postcode)\b\s{{0,3}}[:#=]?\s{{0,3}}"
                rf"(?P<value>{_ZIP})",
                0.85,
            ),
            Pattern("ZIP+4 (needs context)", rf"{before}\b\d{{5}}-\d{{4}}(?!\d|[-.]\d)", 0.3),
            Pattern("ZIP (needs context)", rf"{before}\b\d{{5}}(?!\d|[-.,]\d)", 0.1),
        ],
        ["zip", "zipcode", "postal", "postcode"],
    )


#: "phone", "cell", "call me back at", "reached at", ... then at most three words of the same
#: sentence (spaCy counts "call" as a stop word, so Presidio's context never sees it).
_PHONE_LABEL = (
    r"\b(?:phone|tel|telephone|cell|mobile|pager|callback|contact|call|reached)\b"
    r"[\s:#=(),.-]{0,4}(?:(?:no\.|[A-Za-z]{1,15})[\s:#=(),-]{1,4}){0,3}?"
)


def us_phone_recognizer() -> ClearancePatternRecognizer:
    """North American phone numbers by shape (PHONE_NUMBER).

    * ``(617) 555-0134``, ``617-555-0134``, ``617.555.0134``, ``617 555 0134``, optionally
      ``+1`` / ``001`` and an extension (``ext. 123``, ``x123``): 0.5
    * ten bare digits (area code and exchange not starting with 0 or 1): 0.3, so only with
      context (phone, cell, pager, reach, ...); after a phone label ("cell: 6175550134", "call
      me back at 6175550134"): 0.7

    Presidio's phone recognizer validates numbers with python-phonenumbers and misses
    unassigned area codes; for de-identification a number's shape is enough. Fax numbers are
    FAX_NUMBER (:func:`fax_recognizer`)."""
    return make_recognizer(
        PiiEntity.PHONE_NUMBER.value,
        "ClearanceUsPhoneRecognizer",
        [
            Pattern(
                "US phone (area code in parentheses)",
                rf"(?<![\w+]){_PHONE_PARENS}{_EXTENSION}\b",
                0.5,
            ),
            Pattern(
                "US phone (separated groups)", rf"(?<![\w+-]){_PHONE_GROUPS}{_EXTENSION}\b", 0.5
            ),
            Pattern(
                "ten bare digits (needs context)",
                rf"(?<![\w.,+-]){_PHONE_TEN}{_EXTENSION}(?![\w-]|[.,]\d)",
                0.3,
            ),
            Pattern(
                "ten digits after a phone label",
                rf"{_PHONE_LABEL}(?<![\w+-])(?P<value>{_PHONE_TEN}{_EXTENSION})(?![\w-]|[.,]\d)",
                0.7,
            ),
        ],
        ["phone", "call", "tel", "telephone", "cell", "mobile", "contact", "pager", "reach"],
    )


def fax_recognizer() -> ClearancePatternRecognizer:
    """Fax numbers (FAX_NUMBER, 0.9): a phone-shaped number (or ten plain digits) after "fax",
    "facsimile" or "F:", with at most three words between, in the same sentence ("Fax: (617)
    555-0199", "fax the records to 617-555-0199", "F: 617.555.0199"). The span is the
    number."""
    label = r"(?:\b(?:fax|facsimile)\b|(?-i:\bF)\s?:)"
    # At most three words between ("fax the records to"), none naming another kind of number
    # ("no fax, phone") and none ending a sentence ("fax it. Call 617-...").
    other = r"(?!(?:phone|tel|telephone|call|cell|mobile|pager|home|work)\b)"
    word = rf"{other}(?:(?:no|nr|dr|num)\.|[A-Za-z]{{1,15}})"
    between = rf"[\s:#=(),.-]{{0,4}}(?:{word}[\s:#=(),-]{{1,4}}){{0,3}}?"
    number = rf"(?P<value>(?:{_PHONE_PARENS}|{_PHONE_GROUPS}|\d{{10}}){_EXTENSION})\b"
    return make_recognizer(
        PiiEntity.FAX_NUMBER.value,
        "ClearanceFaxRecognizer",
        [Pattern("fax number after a fax label", rf"{label}{between}(?<![\w+-]){number}", 0.9)],
        ["fax", "facsimile"],
    )


# ---------------------------------------------------------------------------------------------
# Dates and ages
# ---------------------------------------------------------------------------------------------


def date_recognizer() -> ClearancePatternRecognizer:
    """Explicit dates (DATE_TIME, 0.6): 03/14/1962, 3/14/62, 03-14-1962, 14.03.1962,
    1962-03-14, 2021/03/14, March 14, 1962, Mar 14 1962, 14 March 1962, 14th of March, 1962,
    14-Mar-1962, Mar-14-1962, March 2021, March the 14th, 1962, Mar 14 '62, 14MAR1962.
    Numeric months are 1-12 and days 1-31 (either order for D/M and M/D); four-digit years
    1700-2199; month names title or upper case. Never a bare year or number, a time ("14:30"),
    a ratio ("120/80") or a decimal ("7.2")."""
    patterns = [Pattern(name, shape, 0.6) for name, shape in _DATE_SHAPES]
    return make_recognizer(
        PiiEntity.DATE_TIME.value,
        "ClearanceDateRecognizer",
        patterns,
        ["date", "dated", "admitted", "admission", "discharged", "discharge", "visit", "seen"],
    )


def date_of_birth_recognizer() -> ClearancePatternRecognizer:
    """Dates of birth (DATE_OF_BIRTH, 0.85): a date of :func:`date_recognizer`'s shapes after
    "DOB", "D.O.B.", "date of birth", "birth date", "birthdate", "birthday" or "born", with
    at most four linking words or capitalised names between ("DOB: 03/14/1962", "born in
    Boston on 3/14/62"). After the label two more shapes count: 19620314 and 14.3.62 / 3-14-62.
    The span is the date alone."""
    label = r"\b(?:DOB|D\.\s?O\.\s?B\b\.?|date\s{1,2}of\s{1,2}birth|birth\s?date|birthday|born)"
    # Up to four words between: small linking words or capitalised names ("born in Boston on"),
    # so "DOB unknown, admitted 03/14/2021" is not a birth date.
    event = (
        r"(?!(?:unknown|admit|admitted|admission|seen|visit|visited|discharged?|died|death|"
        r"deceased|expired|surgery|procedure|today|encounter|service)\b)"
    )
    word = rf"{event}(?:on|is|was|in|at|of|the|date|(?-i:[A-Z][A-Za-z.'-]{{0,20}}))"
    between = rf"(?![a-z])[\s:;=,.()\[\]#-]{{0,5}}(?:{word}[\s:;=,()\[\]-]{{1,4}}){{0,4}}?"
    dates = "|".join(f"(?:{shape})" for _, shape in _DATE_SHAPES + _DOB_ONLY_SHAPES)
    return make_recognizer(
        PiiEntity.DATE_OF_BIRTH.value,
        "ClearanceDateOfBirthRecognizer",
        [Pattern("date after a birth label", rf"{label}{between}(?P<value>{dates})", 0.85)],
        ["dob", "birth", "born", "birthday", "birthdate"],
    )


_NUMBER_WORD_AGE = (
    r"(?:one\s(?:hundred)(?:\s(?:and\s)?(?:twenty(?:[\s-](?:one|two|three|four|five))?|"
    r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|one|two|three|four|five|six|seven|eight|nine)"
)


def _age_in_range(value: str) -> bool:
    """A reported age span reads as an age in 0..125."""
    return age_value(value) is not None


class AgeRecognizer(ClearancePatternRecognizer):
    """Ages stated as ages (see :func:`age_recognizer`); ages outside 0..125 are dropped."""

    def validate_result(self, pattern_text: str) -> bool:
        """True when the span reads as an age in 0..125 (:func:`age_value`)."""
        return _age_in_range(pattern_text)


def age_recognizer() -> AgeRecognizer:
    """Ages (AGE). The span is the number alone: digits ("45") or number words ("ninety-two"),
    which :func:`privacy.pii.validators.age_value` reads back; 0..125 only.

    * "45-year-old", "45 year old", "45 years old", "45-yr-old", "ninety-two year old": 0.85
    * "92 years of age": 0.85
    * "45 yo", "45yo", "45 y/o", "45 y.o.": 0.8
    * "aged 45", "age 45", "Age: 92", "age of 45" (not "stage 3", "dosage 500", nor a
      gestational "age 32 weeks"): 0.8
    * "45M" / "45 F" only before a clinical word ("45M presents with", "67 F with hx of") or
      after "pt"/"patient" ("pt is a 45 F"): 0.6
    * "Smith, 78 female." / "a 45 male patient": a sex word after a comma or an article and
      before punctuation or a clinical word (not "3 male cats", "2 female patients"): 0.6
    * "turned 90 last week", "turned 42.": 0.6
    The over-89 rule is not decided here.
    """
    before = r"(?<![\d.,/:-])\b"
    number = r"(?P<value>\d{1,3})"
    sex = r"(?-i:[MF])\b"
    clinical = (
        r"(?=\s{1,3}(?:with\b|w/|presents?\b|presenting\b|presented\b|who\b|c/o\b|"
        r"complain(?:s|ing)\b|admitted\b|hx\b|h/o\b|pmh\b|s/p\b))"
    )
    sex_word = r"(?:male|female|man|woman|boy|girl)\b"
    after_sex_word = (
        r"(?=\s{0,2}(?:[,.;:)]|$|(?:with|who|presents?|presenting|presented|patient|pt|"
        r"admitted|c/o|complaining|hx|h/o|s/p)\b))"
    )
    turned_when = (
        r"(?=\s{0,2}(?:[,.;:)]|$|(?:last|this|yesterday|today|tonight|on|in|over|earlier|"
        r"recently|two|a|years?)\b))"
    )
    not_temperature = r"(?<!\b(?:t|temp|temperature|tmax|tm|to|of)\.?:?\s{0,2})"
    not_duration = r"(?!\s{0,2}(?:weeks?|wks?|days?|d\b|months?|mos?|hours?|hrs?)\b)"
    patterns = [
        Pattern(
            "N-year-old",
            rf"{before}{number}[\s-]{{0,3}}(?:years?|yrs?)[\s-]{{0,3}}old\b",
            0.85,
        ),
        Pattern(
            "number words year old",
            rf"\b(?P<value>{_NUMBER_WORD_AGE})[\s-]{{1,3}}(?:years?|yrs?)[\s-]{{1,3}}old\b",
            0.85,
        ),
        Pattern(
            "N years of age", rf"{before}{number}\s{{1,3}}years?\s{{1,3}}of\s{{1,3}}age\b", 0.85
        ),
        Pattern("N yo", rf"{before}{number}\s{{0,2}}(?:y\.\s?o\.|y/o|yo)(?![\w/])", 0.8),
        Pattern(
            "age N",
            rf"\b(?:aged|age)\b\s{{0,2}}(?:[:=]|is|of)?\s{{0,2}}{number}(?!\d|[.,/:]\d)"
            rf"{not_duration}",
            0.8,
        ),
        Pattern(
            "N M/F before a clinical word",
            rf"{not_temperature}{before}{number}\s?{sex}{clinical}",
            0.6,
        ),
        Pattern(
            "pt N M/F",
            rf"\b(?:pt|patient)\b\.?:?\s{{1,2}}(?:is\s{{1,2}})?(?:an?\s{{1,2}})?{number}\s?{sex}",
            0.6,
        ),
        Pattern(
            "N sex word after a comma or article",
            rf"(?:,|\b(?:an?|is)\b)\s{{1,2}}{number}\s{{1,2}}{sex_word}{after_sex_word}",
            0.6,
        ),
        Pattern("turned N", rf"\bturn(?:ed|s)\s{{1,2}}{number}(?!\d|[.,/:]\d){turned_when}", 0.6),
    ]
    return make_recognizer(
        PiiEntity.AGE.value,
        "ClearanceAgeRecognizer",
        patterns,
        ["age", "aged", "old"],
        cls=AgeRecognizer,
    )


# ---------------------------------------------------------------------------------------------
# Record, plan, account, licence, device and vehicle identifiers
# ---------------------------------------------------------------------------------------------


def _compile_user_patterns(what: str, patterns: Sequence[str]) -> list[str]:
    """The user's regexes, each checked to compile with Presidio's flags. Errors name the
    parameter and the pattern's index, never the pattern or any data."""
    if isinstance(patterns, str | bytes):
        raise InvalidInputError(f"{what} must be a list of regular expressions, not one string")
    checked = []
    for i, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern.strip():
            raise InvalidInputError(f"{what}[{i}] must be a non-empty string")
        try:
            compiled = regex.compile(pattern, flags=REGEX_FLAGS)
        except (regex.error, TypeError, ValueError, OverflowError):
            raise InvalidInputError(
                f"{what}[{i}] is not a valid regular expression; fix or remove it"
            ) from None
        if compiled.fullmatch("") is not None:
            raise InvalidInputError(f"{what}[{i}] matches the empty string; make it stricter")
        checked.append(pattern)
    return checked


def mrn_recognizer(extra_patterns: Sequence[str] = ()) -> ClearancePatternRecognizer:
    """Medical record numbers (MEDICAL_RECORD_NUMBER).

    * "MRN-12345678", "MRN#1234567" (label attached: the whole token is the span): 0.9
    * "MRN: 1234567", "MRN # AB-123456", "MR# 1234567", "medical record no. 1234567" (the span
      is the number with its optional 1-3 letter prefix): 0.9
    * a bare 6-10 digit run with an optional 1-3 letter prefix: 0.1, so only with a context
      word (mrn, record, chart) nearby or passed as context (a column name such as ``mrn``).
    * each of ``extra_patterns`` (the user's regexes, matched case-insensitively; a group
      named ``value`` narrows the span): 0.85.

    Raises InvalidInputError when an extra pattern does not compile or matches "".
    """
    user = _compile_user_patterns("mrn_patterns", extra_patterns)
    number = r"[A-Z]{0,3}-?\d{5,10}\b"
    patterns = [
        Pattern("MRN token", r"\bMRN[-#]?\d{5,10}\b", 0.9),
        Pattern(
            "MRN with label",
            rf"\bM\.?R\.?N\b\.?(?![-#]?\d){_LABEL_TAIL}(?P<value>{number})",
            0.9,
        ),
        Pattern(
            "MR# with label",
            rf"\bMR\b(?=\s{{0,2}}(?:#|no\b|num)){_LABEL_TAIL}(?P<value>{number})",
            0.9,
        ),
        Pattern(
            "medical record number with label",
            rf"\bmedical\s{{1,2}}record{_LABEL_TAIL}(?P<value>{number})",
            0.9,
        ),
        Pattern("bare MRN (needs context)", r"\b[A-Z]{0,3}-?\d{6,10}\b", 0.1),
    ]
    patterns += [
        Pattern(f"user MRN pattern {i}", p, USER_PATTERN_SCORE) for i, p in enumerate(user)
    ]
    return make_recognizer(
        PiiEntity.MEDICAL_RECORD_NUMBER.value,
        "ClearanceMrnRecognizer",
        patterns,
        ["mrn", "record", "chart"],
    )


#: MBI letters: A-Z without S, L, O, I, B, Z.
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"


def health_plan_recognizer() -> ClearancePatternRecognizer:
    """Health-plan beneficiary and member ids (HEALTH_PLAN_ID); the span is the id.

    * after a label: "Member ID: XYZ123456789", "member #", "subscriber id", "health plan #",
      "policy number", "insurance id", "Medicare number", "Medicaid id", "beneficiary id",
      "MBI", "HICN": 0.85. The id has 5-24 letters, digits and hyphens, at least one digit.
    * a Medicare Beneficiary Identifier by its format, hyphens optional ("1EG4-TE5-MK73"),
      upper case: 0.6.
    * a bare 6-20 character id with a digit: 0.1, so only with a context word (member,
      subscriber, insurance, policy, medicare, medicaid, beneficiary, payer) nearby.
    """
    label = (
        r"\b(?:(?:member|subscriber|beneficiary|insurance|insured|policy|medicare|medicaid|"
        r"health\s{1,2}plan|plan\s{1,2}member|enrollee)"
        r"\s{0,2}(?:id(?:entifier|entification)?\b|#|no\b\.?|num(?:ber)?\b\.?|nbr\b\.?)"
        r"|MBI\b|HICN\b)\s{0,3}[:#=]?\s{0,3}"
    )
    mbi = (
        rf"(?-i:\b[1-9]{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\d-?{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\d-?"
        rf"{_MBI_LETTER}{{2}}\d{{2}}\b)"
    )
    bare = r"(?<![\w-])(?=[A-Z]{0,19}\d)[A-Z0-9]{6,20}(?![\w-])"
    return make_recognizer(
        PiiEntity.HEALTH_PLAN_ID.value,
        "ClearanceHealthPlanRecognizer",
        [
            Pattern("health plan id with label", rf"{label}(?P<value>{_ALNUM_ID})", 0.85),
            Pattern("Medicare beneficiary identifier", mbi, 0.6),
            Pattern("bare member id (needs context)", bare, 0.1),
        ],
        [
            "member",
            "subscriber",
            "insurance",
            "insurer",
            "policy",
            "medicare",
            "medicaid",
            "beneficiary",
            "payer",
            "payor",
            "mbi",
        ],
    )


class NpiRecognizer(ClearancePatternRecognizer):
    """NPIs, kept only when :func:`privacy.pii.validators.npi_valid` says so."""

    def validate_result(self, pattern_text: str) -> bool:
        """True when the ten digits carry a valid NPI check digit."""
        return npi_valid(pattern_text)


def npi_recognizer() -> NpiRecognizer:
    """US National Provider Identifiers (NPI), check digit validated: ten digits starting with
    1 or 2 score 0.5 alone (raised by context: npi, provider, prescriber, physician) and 0.9
    after an "NPI" label ("NPI: 1234567893", "NPI# 1234567893")."""
    ten = r"[12]\d{9}"
    return make_recognizer(
        PiiEntity.NPI.value,
        "ClearanceNpiRecognizer",
        [
            Pattern("NPI with label", rf"\bNPI\b{_LABEL_TAIL}(?P<value>{ten})(?![\d-])", 0.9),
            Pattern("bare NPI", rf"(?<![\w.,-]){ten}(?![\w-]|[.,]\d)", 0.5),
        ],
        ["npi", "provider", "prescriber", "physician"],
        cls=NpiRecognizer,
    )


class CardRecognizer(ClearancePatternRecognizer):
    """Payment card numbers, kept only when the Luhn check passes."""

    def validate_result(self, pattern_text: str) -> bool:
        """True when the digits (13 to 19) pass the Luhn check."""
        digits = digits_only(pattern_text)
        return 13 <= len(digits) <= 19 and luhn_valid(digits)


def card_recognizer() -> CardRecognizer:
    """Payment card numbers of 13 to 19 digits, plain or in groups of 4 (space or dash), Luhn
    validated, any issuer prefix (Presidio's card recognizer misses Mastercard's 2-series):
    0.6 alone, raised by context (card, credit, visa, mastercard, amex, ...)."""
    grouped = r"\d{4}(?P<sep>[ \-])\d{4}(?P=sep)\d{4}(?P=sep)\d{1,7}"
    amex = r"\d{4}(?P<sep2>[ \-])\d{6}(?P=sep2)\d{5}"
    plain = r"\d{13,19}"
    return make_recognizer(
        PiiEntity.CREDIT_CARD.value,
        "ClearanceCardRecognizer",
        [Pattern("card number", rf"(?<![\w.,-])(?:{grouped}|{amex}|{plain})(?![\w-]|[.,]\d)", 0.6)],
        ["card", "credit", "debit", "visa", "mastercard", "amex", "discover", "payment"],
        cls=CardRecognizer,
    )


class LongNumberRecognizer(ClearancePatternRecognizer):
    """Standalone long numbers, reported as they are."""


class BareSsnRecognizer(ClearancePatternRecognizer):
    """Nine standalone digits, kept only when their structure is a valid SSN's."""

    def validate_result(self, pattern_text: str) -> bool:
        """Nine digits: area 001-899 but not 666, group not 00, serial not 0000."""
        digits = digits_only(pattern_text)
        if len(digits) != 9:
            return True
        area, group, serial = int(digits[:3]), digits[3:5], digits[5:]
        return 0 < area < 900 and area != 666 and group != "00" and serial != "0000"


def long_number_recognizer() -> LongNumberRecognizer:
    """A standalone run of 7 to 12 digits (not part of a date, decimal, range or longer token):
    in clinical text such a number is an identifier of some kind (record, account, encounter,
    member), never a dose or a lab value. ID_NUMBER at 0.4."""
    return make_recognizer(
        PiiEntity.ID_NUMBER.value,
        "ClearanceLongNumberRecognizer",
        [Pattern("long number", r"(?<![\w.,/:-])\d{7,12}(?![\w/-]|[.,:]\d)", 0.4)],
        ["id", "number", "no", "record", "account", "member"],
        cls=LongNumberRecognizer,
    )


def bare_ssn_recognizer() -> BareSsnRecognizer:
    """Nine standalone digits with a valid SSN structure: US_SSN at 0.4 (Presidio's own needs
    dashes or context)."""
    return make_recognizer(
        PiiEntity.US_SSN.value,
        "ClearanceBareSsnRecognizer",
        [Pattern("bare SSN", r"(?<![\w.,/:-])\d{9}(?![\w/-]|[.,:]\d)", 0.4)],
        ["ssn", "social", "security"],
        cls=BareSsnRecognizer,
    )


class DeaRecognizer(ClearancePatternRecognizer):
    """DEA numbers, kept only when :func:`privacy.pii.validators.dea_valid` says so."""

    def validate_result(self, pattern_text: str) -> bool:
        """True when the registrant letter, second letter and check digit are valid."""
        return dea_valid(pattern_text)


def dea_recognizer() -> DeaRecognizer:
    """US DEA registration numbers (DEA_NUMBER), check digit validated: two upper-case letters
    and seven digits ("BJ1234563") score 0.6 (raised by context: dea, prescriber,
    registration); after a "DEA" label 0.9 and any letter case."""
    bare = r"(?-i:\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b)"
    return make_recognizer(
        PiiEntity.DEA_NUMBER.value,
        "ClearanceDeaRecognizer",
        [
            Pattern("DEA with label", rf"\bDEA\b{_LABEL_TAIL}(?P<value>[A-Z][A-Z9]\d{{7}})\b", 0.9),
            Pattern("bare DEA number", bare, 0.6),
        ],
        ["dea", "prescriber", "registration"],
        cls=DeaRecognizer,
    )


def _account_length_ok(value: str) -> bool:
    """An account number has 6 to 17 letters and digits."""
    return 6 <= alnum_count(value) <= 17


def account_number_recognizer() -> ClearancePatternRecognizer:
    """Account numbers (ACCOUNT_NUMBER, 0.85), label-driven only: "account #: 12345678",
    "Account No. AB-123456", "acct 987654321", "a/c 12345678". The span is the id: 6-17
    letters and digits (hyphens allowed between them), at least one digit."""
    label = r"\b(?:account|acct|a/c)\b\.?"
    return make_recognizer(
        PiiEntity.ACCOUNT_NUMBER.value,
        "ClearanceAccountNumberRecognizer",
        [
            ClearancePattern(
                "account number with label",
                rf"{label}{_LABEL_TAIL}(?P<value>{_ALNUM_ID})",
                0.85,
                check=_account_length_ok,
            )
        ],
        ["account", "acct", "billing"],
    )


def license_number_recognizer() -> ClearancePatternRecognizer:
    """Licence and certificate numbers (LICENSE_NUMBER, 0.85), label-driven only (Presidio's
    US_DRIVER_LICENSE finds driver's licences by shape): "license no. MD-123456", "medical
    license #A12345", "Driver's licence: S123-4567-8901", "certificate number 12345", "DL#
    D1234567", "DLN 123456789". Not "license plate" (a vehicle identifier). The span is the id:
    5-24 letters, digits and hyphens, at least one digit."""
    label = (
        r"(?:\blicen[cs]e\b(?!\s{1,3}plate)(?:\s{0,2}id\b)?|\bcertificate\b|\bcert\b\.?"
        r"(?=\s{0,2}(?:#|no\b|num))|\bDL\b(?=\s{0,2}(?:#|no\b|num|:))|\bDLN\b)"
    )
    return make_recognizer(
        PiiEntity.LICENSE_NUMBER.value,
        "ClearanceLicenseNumberRecognizer",
        [
            Pattern(
                "licence number with label", rf"{label}{_LABEL_TAIL}(?P<value>{_ALNUM_ID})", 0.85
            )
        ],
        ["license", "licence", "certificate", "permit"],
    )


def _imei_valid(value: str) -> bool:
    """An IMEI has 15 digits with a valid Luhn check digit."""
    digits = digits_only(value)
    return len(digits) == 15 and luhn_valid(digits)


def device_id_recognizer() -> ClearancePatternRecognizer:
    """Device identifiers and serial numbers (DEVICE_ID); the span is the id.

    * "IMEI: 490154203237518" (15 digits, Luhn valid, optional 2-6-6-1 grouping): 0.9
    * "serial number/no./#", "S/N", "SN", "device id/identifier/serial", "pacemaker serial":
      0.85 (4-40 letters, digits and hyphens, at least one digit)
    * "UDI: (01)00844588003288(17)141120(10)7654321D" (GS1 or HIBCC form): 0.85
    * 15 bare digits with a valid Luhn digit: 0.1, so only with context (imei, device).
    """
    tail = r"\s{0,3}[:#=]?\s{0,3}"
    serial_label = (
        rf"(?:\bserial\b{_LABEL_TAIL}|\bS/N\b{tail}|\bSN\b{tail}"
        r"|\bdevice\s{0,2}(?:id(?:entifier)?\b|serial\b|#|no\b\.?|num(?:ber)?\b\.?)"
        rf"{_LABEL_TAIL})"
    )
    serial = r"(?=[A-Z0-9-]{0,40}\d)[A-Z0-9][A-Z0-9-]{2,38}[A-Z0-9](?![A-Z0-9])"
    udi = (
        r"(?:\(\d{2,4}\)[A-Z0-9-]{1,30}){1,8}"
        r"|\+?(?=[A-Z0-9/$.+-]{0,60}\d)[A-Z0-9][A-Z0-9/$.+-]{6,60}[A-Z0-9](?![A-Z0-9])"
    )
    imei = r"\d{2}[\s-]?\d{6}[\s-]?\d{6}[\s-]?\d(?![\d-])"
    return make_recognizer(
        PiiEntity.DEVICE_ID.value,
        "ClearanceDeviceIdRecognizer",
        [
            ClearancePattern(
                "IMEI with label",
                rf"\bIMEI\b{_LABEL_TAIL}(?P<value>{imei})",
                0.9,
                check=_imei_valid,
            ),
            Pattern("serial number with label", rf"{serial_label}(?P<value>{serial})", 0.85),
            Pattern("UDI with label", rf"\bUDI\b{_LABEL_TAIL}(?P<value>{udi})", 0.85),
            ClearancePattern(
                "bare IMEI (needs context)", r"(?<![\d-])\b\d{15}\b(?!-\d)", 0.1, check=_imei_valid
            ),
        ],
        ["imei", "device", "serial", "udi", "implant", "pacemaker"],
    )


def vehicle_id_recognizer() -> ClearancePatternRecognizer:
    """Vehicle identifiers (VEHICLE_ID); the span is the identifier.

    * a bare upper-case 17-character VIN with letters and digits whose North American check
      digit is valid (:func:`privacy.pii.validators.vin_valid`): 0.5, raised by context (vin,
      vehicle, chassis, plate);
    * a VIN after a "VIN" label: 0.9, check digit not required (VINs from outside North
      America carry none);
    * licence plates only after a label ("license plate ABC-1234", "plate # 7ABC123", "tag
      no. XYZ 123"): 0.85, 4-10 upper-case letters and digits with at least one digit.
    """
    vin_chars = "[A-HJ-NPR-Z0-9]"
    bare_vin = (
        rf"(?-i:\b(?=[0-9]{{0,16}}[A-HJ-NPR-Z])(?=[A-HJ-NPR-Z]{{0,16}}[0-9]){vin_chars}{{17}}\b)"
    )
    plate_label = (
        r"\b(?:(?:licen[cs]e|number|registration)\s{1,2}plate|plate|(?:licen[cs]e\s{1,2})?tag"
        r"(?=\s{0,2}(?:#|no\b|num|:)))"
    )
    plate = (
        r"(?-i:(?=[A-Z -]{0,9}\d)(?:[A-Z0-9]{2,4}[ -][A-Z0-9]{2,5}|[A-Z0-9]{4,8}))"
        r"(?![A-Za-z0-9])"
    )
    return make_recognizer(
        PiiEntity.VEHICLE_ID.value,
        "ClearanceVehicleIdRecognizer",
        [
            ClearancePattern("bare VIN", bare_vin, 0.5, check=vin_valid),
            Pattern(
                "VIN with label",
                rf"\bVIN\b{_LABEL_TAIL}(?P<value>{vin_chars}{{17}})(?![A-Z0-9])",
                0.9,
            ),
            Pattern(
                "licence plate with label", rf"{plate_label}{_LABEL_TAIL}(?P<value>{plate})", 0.85
            ),
        ],
        ["vin", "vehicle", "chassis", "plate"],
    )


def deny_list_recognizer(deny_list: Sequence[str]) -> PatternRecognizer:
    """Terms the user names as identifying (DENY_LIST, 1.0): whole words or phrases, matched
    case-insensitively, the longest first. Entries are stripped; raises InvalidInputError when
    one is not a non-empty string (naming its index only)."""
    if isinstance(deny_list, str | bytes):
        raise InvalidInputError("deny_list must be a list of terms, not one string")
    terms: list[str] = []
    for i, term in enumerate(deny_list):
        if not isinstance(term, str) or not term.strip():
            raise InvalidInputError(f"deny_list[{i}] must be a non-empty string")
        terms.append(term.strip())
    unique = sorted(set(terms), key=lambda t: (-len(t), t))
    return PatternRecognizer(
        supported_entity=DENY_LIST_ENTITY,
        name="ClearanceDenyListRecognizer",
        deny_list=unique,
        supported_language="en",
        global_regex_flags=REGEX_FLAGS,
    )


def clearance_recognizers(
    *, mrn_patterns: Sequence[str] = (), deny_list: Sequence[str] = ()
) -> list[EntityRecognizer]:
    """One new instance of each Clearance recognizer, plus a deny-list recognizer when
    ``deny_list`` is not empty. Raises InvalidInputError for an invalid ``mrn_patterns`` regex
    or ``deny_list`` entry (the message names the index, never the value)."""
    recognizers: list[EntityRecognizer] = [
        mrn_recognizer(mrn_patterns),
        street_address_recognizer(),
        zip_code_recognizer(),
        city_state_recognizer(),
        us_phone_recognizer(),
        fax_recognizer(),
        date_recognizer(),
        date_of_birth_recognizer(),
        age_recognizer(),
        health_plan_recognizer(),
        npi_recognizer(),
        card_recognizer(),
        long_number_recognizer(),
        bare_ssn_recognizer(),
        dea_recognizer(),
        account_number_recognizer(),
        license_number_recognizer(),
        device_id_recognizer(),
        vehicle_id_recognizer(),
    ]
    if isinstance(deny_list, str | bytes):
        raise InvalidInputError("deny_list must be a list of terms, not one string")
    terms = list(deny_list)
    if terms:
        recognizers.append(deny_list_recognizer(terms))
    return recognizers


__all__ = [
    "DENY_LIST_ENTITY",
    "MAX_AGE",
    "AgeRecognizer",
    "ClearancePattern",
    "ClearancePatternRecognizer",
    "DeaRecognizer",
    "NpiRecognizer",
    "account_number_recognizer",
    "age_recognizer",
    "clearance_recognizers",
    "date_of_birth_recognizer",
    "date_recognizer",
    "dea_recognizer",
    "deny_list_recognizer",
    "device_id_recognizer",
    "fax_recognizer",
    "health_plan_recognizer",
    "license_number_recognizer",
    "mrn_recognizer",
    "npi_recognizer",
    "street_address_recognizer",
    "us_phone_recognizer",
    "vehicle_id_recognizer",
    "zip_code_recognizer",
]
