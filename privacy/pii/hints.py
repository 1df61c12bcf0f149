"""What a column's *name* suggests about the identifiers it holds.

A name is split into lower-case word tokens (``patientFirstName`` -> ``patient first name``,
``address1`` -> ``address 1``; common compounds such as ``firstname``, ``zipcode`` and
``dateofbirth`` are expanded), and each rule looks for its words among the tokens.

A hint is **strong** when the identifier word ends the name, save for words that only say how the
value is stored (``phone_number``, ``home_phone``, ``email_address``, ``ssn_2``). Anything else
after it makes the hint **weak** (``phone_type``, ``email_opt_in``, ``cell_count``): the name
mentions the identifier but the column probably describes something about it. A strong hint
alone can make a column a direct identifier (when the values' shape does not contradict it, see
:mod:`privacy.pii.scan`); a weak hint is reported but leaves the decision to the values.

Deliberate non-hints: ``first``/``last`` without ``name`` (``first_visit``); ``name`` after a
word that is not about a person (``drug_name`` and ``hospital_name`` are weak PERSON hints);
``birth`` next to ``year``, ``weight``, ``place``, ... (``birth_year`` is a quasi-identifier,
``birth_weight`` a clinical measurement); ``city``, ``state``, ``country`` (quasi-identifiers).
Hints only read column names, which are not sensitive values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from privacy.pii.entities import PiiEntity

__all__ = ["NameHint", "column_name_hints", "name_tokens"]


@dataclass(frozen=True)
class NameHint:
    """One identifier type a column name suggests."""

    entity_type: str
    strong: bool
    keyword: str  # the word of the name that triggered the hint (a column-name word, never a value)


_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "firstname": ("first", "name"),
    "lastname": ("last", "name"),
    "fullname": ("full", "name"),
    "givenname": ("given", "name"),
    "familyname": ("family", "name"),
    "middlename": ("middle", "name"),
    "maidenname": ("maiden", "name"),
    "patientname": ("patient", "name"),
    "username": ("user", "name"),
    "fname": ("first", "name"),
    "lname": ("last", "name"),
    "emailaddress": ("email", "address"),
    "emailaddr": ("email", "address"),
    "mail": ("mail",),
    "phonenumber": ("phone", "number"),
    "phoneno": ("phone", "number"),
    "phonenum": ("phone", "number"),
    "telephone": ("phone",),
    "tel": ("phone",),
    "telno": ("phone", "number"),
    "cellphone": ("cell", "phone"),
    "mobilephone": ("mobile", "phone"),
    "homephone": ("home", "phone"),
    "workphone": ("work", "phone"),
    "faxnumber": ("fax", "number"),
    "zipcode": ("zip", "code"),
    "zip": ("zip",),
    "postcode": ("postal", "code"),
    "postalcode": ("postal", "code"),
    "birthdate": ("birth", "date"),
    "birthday": ("birth", "day"),
    "dateofbirth": ("date", "of", "birth"),
    "streetaddress": ("street", "address"),
    "ipaddress": ("ip", "address"),
    "macaddress": ("mac", "address"),
    "socialsecurity": ("social", "security"),
    "medicalrecord": ("medical", "record"),
    "medrec": ("medical", "record"),
    "driverslicense": ("driver", "license"),
    "driverlicense": ("driver", "license"),
    "creditcard": ("credit", "card"),
    "cardnumber": ("card", "number"),
    "accountnumber": ("account", "number"),
    "bankaccount": ("bank", "account"),
    "passportnumber": ("passport", "number"),
    "homepage": ("url",),
    "webpage": ("url",),
    "website": ("url",),
}

# Words that say how an identifier is stored, not what it describes: they may follow the
# identifier word without weakening the hint.
_STORAGE_WORDS = frozenset(
    {
        "number", "no", "num", "nr", "nbr", "id", "address", "addr", "code", "cd", "value", "val",
        "text", "txt", "str", "string", "raw", "full", "primary", "secondary", "home", "work",
        "cell", "mobile", "main", "alt", "alternate", "other", "line", "field", "digits", "phone",
    }
)  # fmt: skip

_PERSON_QUALIFIERS = frozenset(
    {
        "first", "last", "full", "given", "family", "middle", "maiden", "patient", "pt", "person",
        "contact", "doctor", "dr", "physician", "provider", "nurse", "guardian", "parent",
        "mother", "father", "spouse", "kin", "emergency", "attending", "referring", "surgeon",
        "member", "subscriber", "client", "customer", "employee", "user", "owner", "caregiver",
        "legal", "preferred", "display", "nick", "insured", "resident", "guarantor",
        "beneficiary", "practitioner", "clinician", "author", "signer", "witness", "sur", "fore",
        "student", "staff", "relative", "partner", "child", "baby", "mothers", "fathers",
    }
)  # fmt: skip

_BIRTH_NOT_DOB = frozenset(
    {
        "year", "yr", "yyyy", "decade", "weight", "wt", "order", "place", "city", "state",
        "country", "location", "loc", "sex", "gender", "control", "rate", "cohort", "month",
        "length", "height", "defect", "defects", "plural", "plurality", "outcome", "type",
    }
)  # fmt: skip

_IDENTIFIER_CONTAINERS = frozenset({"email", "ip", "ipv4", "ipv6", "mac", "url", "web"})


def name_tokens(name: str) -> list[str]:
    """Lower-case word tokens of a column name, with camelCase split and compounds expanded."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    raw = re.findall(r"[a-z]+|\d+", spaced.lower())
    out: list[str] = []
    for tok in raw:
        out.extend(_COMPOUNDS.get(tok, (tok,)))
    # "e mail" / "e-mail" -> "email"
    merged: list[str] = []
    for tok in out:
        if tok == "mail" and merged and merged[-1] == "e":
            merged[-1] = "email"
        else:
            merged.append(tok)
    return merged


def _strong_after(tokens: list[str], index: int, extra: frozenset[str] = frozenset()) -> bool:
    """Whether every token after ``index`` only says how the value is stored."""
    return all(t in _STORAGE_WORDS or t in extra or t.isdigit() for t in tokens[index + 1 :])


def _find(tokens: list[str], words: frozenset[str] | set[str]) -> int | None:
    """Index of the last token in ``words``, or None."""
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i] in words:
            return i
    return None


def _find_pair(tokens: list[str], first: set[str], second: set[str]) -> int | None:
    """Index of ``second`` in the last adjacent pair (first, second), or None."""
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i] in second and tokens[i - 1] in first:
            return i
    return None


def _word_rule(entity: PiiEntity, words: set[str]) -> Callable[[list[str]], NameHint | None]:
    frozen = frozenset(words)

    def rule(tokens: list[str]) -> NameHint | None:
        i = _find(tokens, frozen)
        if i is None:
            return None
        return NameHint(entity.value, _strong_after(tokens, i), tokens[i])

    return rule


def _pair_rule(
    entity: PiiEntity, first: set[str], second: set[str]
) -> Callable[[list[str]], NameHint | None]:
    def rule(tokens: list[str]) -> NameHint | None:
        i = _find_pair(tokens, first, second)
        if i is None:
            return None
        return NameHint(entity.value, _strong_after(tokens, i), f"{tokens[i - 1]}_{tokens[i]}")

    return rule


def _person(tokens: list[str]) -> NameHint | None:
    i = _find(tokens, frozenset({"surname", "forename", "surnames", "forenames"}))
    if i is not None:
        return NameHint(PiiEntity.PERSON.value, _strong_after(tokens, i), tokens[i])
    i = _find(tokens, frozenset({"name", "names"}))
    if i is None:
        return None
    qualified = (
        i == 0 and len(tokens) == 1  # a column called just "name"
    ) or (i > 0 and tokens[i - 1] in _PERSON_QUALIFIERS)
    return NameHint(PiiEntity.PERSON.value, qualified and _strong_after(tokens, i), tokens[i])


def _street_address(tokens: list[str]) -> NameHint | None:
    if _IDENTIFIER_CONTAINERS & set(tokens):
        return None  # email_address, ip_address, ...: another rule's identifier
    i = _find(tokens, frozenset({"address", "addr", "street", "addresses"}))
    if i is None:
        return None
    return NameHint(PiiEntity.STREET_ADDRESS.value, _strong_after(tokens, i), tokens[i])


def _zip(tokens: list[str]) -> NameHint | None:
    i = _find(tokens, frozenset({"zip", "postal", "postcode"}))
    if i is None:
        return None
    after = tokens[i + 1 :]
    if any(t in {"3", "prefix", "truncated", "region"} for t in after):
        return None  # ZIP3 and similar truncations are quasi-identifiers
    return NameHint(PiiEntity.US_ZIP_CODE.value, _strong_after(tokens, i), tokens[i])


def _date_of_birth(tokens: list[str]) -> NameHint | None:
    i = _find(tokens, frozenset({"dob", "birth", "born"}))
    if i is None or _BIRTH_NOT_DOB & set(tokens):
        return None
    strong = _strong_after(tokens, i, frozenset({"date", "dt", "day", "ts", "iso"}))
    return NameHint(PiiEntity.DATE_OF_BIRTH.value, strong, tokens[i])


def _ip(tokens: list[str]) -> NameHint | None:
    i = _find(tokens, frozenset({"ip", "ipv4", "ipv6"}))
    if i is None:
        return None
    return NameHint(PiiEntity.IP_ADDRESS.value, _strong_after(tokens, i), tokens[i])


_RULES: tuple[Callable[[list[str]], NameHint | None], ...] = (
    _person,
    _word_rule(PiiEntity.US_SSN, {"ssn"}),
    _pair_rule(PiiEntity.US_SSN, {"social"}, {"security"}),
    _word_rule(PiiEntity.EMAIL_ADDRESS, {"email", "emails"}),
    _word_rule(
        PiiEntity.PHONE_NUMBER, {"phone", "phones", "mobile", "cell", "fax", "pager", "telefon"}
    ),
    _word_rule(PiiEntity.MEDICAL_RECORD_NUMBER, {"mrn"}),
    _pair_rule(PiiEntity.MEDICAL_RECORD_NUMBER, {"medical"}, {"record", "records"}),
    _street_address,
    _zip,
    _date_of_birth,
    _pair_rule(PiiEntity.US_DRIVER_LICENSE, {"driver", "drivers"}, {"license", "licence", "lic"}),
    _word_rule(PiiEntity.US_PASSPORT, {"passport"}),
    _word_rule(PiiEntity.US_ITIN, {"itin"}),
    _pair_rule(PiiEntity.CREDIT_CARD, {"credit", "cc"}, {"card", "number"}),
    _pair_rule(PiiEntity.CREDIT_CARD, {"card"}, {"number"}),
    _word_rule(PiiEntity.CREDIT_CARD, {"ccn"}),
    _word_rule(PiiEntity.IBAN_CODE, {"iban"}),
    _pair_rule(PiiEntity.US_BANK_NUMBER, {"bank"}, {"account"}),
    _pair_rule(PiiEntity.US_BANK_NUMBER, {"account", "acct"}, {"number", "no", "num"}),
    _ip,
    _pair_rule(PiiEntity.MAC_ADDRESS, {"mac"}, {"address", "addr"}),
    _word_rule(PiiEntity.URL, {"url", "urls"}),
    _word_rule(PiiEntity.UK_NHS, {"nhs"}),
)


def column_name_hints(name: str) -> list[NameHint]:
    """Identifier types the column name suggests, strong ones first, one hint per type.

    ``column_name_hints("patient_phone")`` is a strong PHONE_NUMBER hint;
    ``column_name_hints("phone_type")`` a weak one; ``column_name_hints("birth_year")`` none.
    """
    tokens = name_tokens(name)
    found: dict[str, NameHint] = {}
    for rule in _RULES:
        hint = rule(tokens)
        if hint is None:
            continue
        previous = found.get(hint.entity_type)
        if previous is None or (hint.strong and not previous.strong):
            found[hint.entity_type] = hint
    return sorted(found.values(), key=lambda h: not h.strong)
