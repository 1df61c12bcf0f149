"""Check digits and small parsers for identifiers found in text. Pure Python (no Presidio), so
the profile layer and tests can use them without loading the NLP stack.

Every function takes the text of a detected span and never raises on malformed input: a
validator answers ``False`` and a parser ``None``.
"""

from __future__ import annotations

import re

__all__ = [
    "age_value",
    "alnum_count",
    "dea_valid",
    "digits_only",
    "luhn_valid",
    "npi_valid",
    "vin_valid",
]

#: First letter of a DEA registration number: the registrant type (A/B/F/G practitioners,
#: M mid-level practitioners, the others distributors, manufacturers, labs, ...).
DEA_REGISTRANT_TYPES: frozenset[str] = frozenset("ABCDEFGHJKLMPRSTUX")

#: CMS's prefix for NPI check digits: the NPI is an ISO 7812 card number under issuer 80840.
NPI_PREFIX = "80840"

#: VIN transliteration of letters to numbers (ISO 3779 / 49 CFR 565); I, O and Q never occur.
_VIN_LETTER_VALUES: dict[str, int] = {
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS: tuple[int, ...] = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS = re.compile(r"[A-HJ-NPR-Z0-9]{17}")

_UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS: dict[str, int] = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
#: The largest age the recognizers report (and :func:`age_value` returns).
MAX_AGE = 125


def digits_only(text: str) -> str:
    """The ASCII digits of ``text``, in order (separators, letters and spaces dropped)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def alnum_count(text: str) -> int:
    """How many ASCII letters and digits ``text`` has (separators not counted)."""
    return sum(1 for ch in text if ch.isascii() and ch.isalnum())


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` is a non-empty string of ASCII digits only whose Luhn (mod 10)
    checksum is 0, its last digit being the check digit. Any other character gives False."""
    if not digits or not all("0" <= ch <= "9" for ch in digits):
        return False
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = ord(ch) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def npi_valid(text: str) -> bool:
    """True when ``text`` is exactly ten ASCII digits, the first 1 or 2, whose last digit is the
    Luhn check digit of ``80840`` followed by the first nine (as CMS specifies)."""
    if len(text) != 10 or text[0] not in "12":
        return False
    return luhn_valid(NPI_PREFIX + text)


def dea_valid(text: str) -> bool:
    """True when ``text`` is a DEA registration number: two letters then seven ASCII digits, the
    first letter a registrant type (:data:`DEA_REGISTRANT_TYPES`), the second a letter or ``9``,
    and the last digit equal to the last digit of (d1 + d3 + d5) + 2 * (d2 + d4 + d6). Letters
    are compared case-insensitively."""
    if len(text) != 9:
        return False
    first, second, digits = text[0].upper(), text[1].upper(), text[2:]
    if first not in DEA_REGISTRANT_TYPES:
        return False
    if not (("A" <= second <= "Z") or second == "9"):
        return False
    if not all("0" <= ch <= "9" for ch in digits):
        return False
    d = [ord(ch) - 48 for ch in digits]
    check = (d[0] + d[2] + d[4]) + 2 * (d[1] + d[3] + d[5])
    return check % 10 == d[6]


def vin_valid(text: str) -> bool:
    """True when ``text`` is a 17-character VIN (digits and letters other than I, O, Q; compared
    case-insensitively) whose ninth character is the North American check digit: the
    transliterated characters weighted 8,7,6,5,4,3,2,10,0,9,8,7,6,5,4,3,2, summed, modulo 11,
    with ``X`` for 10. VINs outside North America need not carry this check digit."""
    vin = text.upper()
    if not _VIN_CHARS.fullmatch(vin):
        return False
    total = 0
    for ch, weight in zip(vin, _VIN_WEIGHTS, strict=True):
        value = ord(ch) - 48 if ch.isdigit() else _VIN_LETTER_VALUES[ch]
        total += value * weight
    remainder = total % 11
    expected = "X" if remainder == 10 else str(remainder)
    return vin[8] == expected


def _words_value(words: list[str]) -> int | None:
    """The number written by ``words`` (``ninety two``, ``one hundred and four``), or None."""
    words = [w for w in words if w != "and"]
    total = 0
    if len(words) >= 2 and words[1] == "hundred":
        if words[0] != "one":
            return None
        total, words = 100, words[2:]
    if not words:
        return total or None
    head = words[0]
    if head in _TENS:
        total += _TENS[head]
        rest = words[1:]
        if len(rest) == 1 and rest[0] in _UNITS and rest[0] != "zero":
            return total + _UNITS[rest[0]]
        return total if not rest else None
    if len(words) != 1:
        return None
    if head in _TEENS:
        return total + _TEENS[head]
    if head in _UNITS:
        return total + _UNITS[head]
    return None


_AGE_DIGITS = re.compile(r"(?<!\d)\d{1,3}(?!\d)")
_AGE_WORDS = re.compile(r"[a-z]+")


def age_value(span_text: str) -> int | None:
    """The age an AGE span states, as an int in 0..125; None when the span holds no age there.

    The span's first run of one to three digits is the age (``"92"``, ``"92-year-old"``); a span
    without digits is read as English number words up to a ``year`` word (``"ninety-two"``,
    ``"one hundred and two year old"``). Values above :data:`MAX_AGE`, longer digit runs and
    unreadable words give None. The over-89 rule is the caller's to apply.
    """
    match = _AGE_DIGITS.search(span_text)
    if match is not None:
        value = int(match.group())
    else:
        if any(ch.isdigit() for ch in span_text):
            return None
        words = _AGE_WORDS.findall(span_text.lower())
        for stop in ("year", "years", "yr", "yrs", "old"):
            if stop in words:
                words = words[: words.index(stop)]
        parsed = _words_value(words) if words else None
        if parsed is None:
            return None
        value = parsed
    return value if 0 <= value <= MAX_AGE else None
