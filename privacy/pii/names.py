"""Person-name recognizers that add recall where a small statistical NER model is weak.

* :class:`TitledNameRecognizer`: a name after a title or a role label ("Dr. Okafor",
  "Mrs. Jane Doe", "Patient: JOHN SMITH", "seen by Maria Lopez", "daughter Emma"). The span
  is the name only, not the title.
* :class:`GazetteerNameRecognizer`: first names and surnames from public US name lists.
* :class:`UppercaseNameRecognizer`: spaCy's English models were trained on mixed-case text and
  miss names written in capitals ("PATIENT JOHN SMITH SEEN TODAY"). Texts holding a run of two or
  more capitalised words are re-read by the same NER model with those words in title case (the
  copy has the same length, so offsets carry over); only PERSON entities found in the
  re-read are reported.

Both import Presidio and are created by the engine builder only.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from privacy.pii.entities import PiiEntity
from privacy.pii.name_words import NOT_NAME_WORDS as _NOT_NAMES

__all__ = ["GazetteerNameRecognizer", "TitledNameRecognizer", "UppercaseNameRecognizer"]

_TITLES = r"(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Sr|Rev|Capt|Sgt|DR|MR|MRS|MS|MISS|PROF)\.?"
_ROLE_WORDS = (
    r"(?:[Pp]atient|[Pp]t|[Nn]ame|[Pp]atient\s+[Nn]ame|[Ss]igned\s+by|[Ss]een\s+by|"
    r"[Rr]eferred\s+by|[Rr]eferring\s+(?:physician|doctor|provider)|[Aa]ttending|"
    r"[Aa]ttending\s+(?:physician|doctor)|PCP|[Pp]rimary\s+care\s+(?:physician|provider)|"
    r"[Cc]ontact|[Ee]mergency\s+contact|NOK|[Nn]ext\s+of\s+kin|[Gg]uardian|[Ss]pouse|"
    r"[Ss]on|[Dd]aughter|[Ww]ife|[Hh]usband|[Mm]other|[Ff]ather|[Bb]rother|[Ss]ister|"
    r"[Nn]urse|[Cc]aregiver|[Dd]ictated\s+by|[Cc]c|[Aa]uthor|[Pp]rovider|[Pp]hysician|"
    r"[Ss]urgeon|[Dd]octor|[Ww]itness|[Ii]nsured|[Ss]ubscriber|[Gg]uarantor|[Mm]ember)"
)
_ROLE_WORDS_UPPER = (
    r"(?:PATIENT|PT|NAME|PATIENT NAME|SIGNED BY|SEEN BY|REFERRED BY|ATTENDING|CONTACT|"
    r"EMERGENCY CONTACT|NEXT OF KIN|GUARDIAN|SPOUSE|PHYSICIAN|PROVIDER|SURGEON|INSURED|"
    r"SUBSCRIBER|MEMBER)"
)
# A name word: capitalised (O'Brien, McDonald, Smith-Jones) or all capitals; an initial "J.".
_NAME_WORD = r"(?:[A-Z][a-z]+(?:['\-][A-Z]?[a-z]+)*|[A-Z]{2,}(?:['\-][A-Z]{2,})*|[A-Z]\.)"


def _name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim leading/trailing non-name words from ``text[start:end]``; None if nothing is left."""
    words = list(re.finditer(_NAME_WORD, text[start:end]))
    kept = [w for w in words if w.group().strip(".").title() not in _NOT_NAMES]
    if not kept:
        return None
    # Keep the contiguous run from the first kept word.
    first = kept[0]
    run = [first]
    for w in words[words.index(first) + 1 :]:
        if w.group().strip(".").title() in _NOT_NAMES:
            break
        run.append(w)
    if len(run) == 1 and run[0].group().endswith(".") and len(run[0].group()) == 2:
        return None  # a lone initial
    return start + run[0].start(), start + run[-1].end()


class TitledNameRecognizer(EntityRecognizer):
    """A PERSON after a title ("Dr.", "Mrs.") or a role label ("Patient:", "seen by")."""

    _PATTERN = re.compile(
        rf"(?:\b{_TITLES}\s+|\b(?:{_ROLE_WORDS}|{_ROLE_WORDS_UPPER})\b(?:\s*[:\-]\s*|\s+))"
        rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})"
    )
    _TITLE_ONLY = re.compile(rf"^{_TITLES}$")

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[PiiEntity.PERSON.value],
            name="ClearanceTitledNameRecognizer",
            supported_language="en",
        )

    def load(self) -> None:  # nothing to load
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list:
        results: list[RecognizerResult] = []
        for m in self._PATTERN.finditer(text):
            span = _name_span(text, m.start("name"), m.end("name"))
            if span is None:
                continue
            titled = bool(self._TITLE_ONLY.match(text[m.start() : m.start("name")].strip()))
            score = 0.85 if titled else 0.6
            results.append(RecognizerResult(PiiEntity.PERSON.value, span[0], span[1], score))
        return results


_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'\-]+(?:[ \t]+[A-Z][A-Z'\-]+)+\b")


class UppercaseNameRecognizer(EntityRecognizer):
    """PERSON entities found by re-reading capitalised runs in title case (see module doc)."""

    def __init__(self, nlp: Any, *, label: str = "PERSON", score: float = 0.7) -> None:
        self._nlp = nlp
        self._label = label
        self._score = score
        super().__init__(
            supported_entities=[PiiEntity.PERSON.value],
            name="ClearanceUppercaseNameRecognizer",
            supported_language="en",
        )

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list:
        runs = list(_CAPS_RUN.finditer(text))
        if not runs:
            return []
        chars = list(text)
        for m in runs:
            chars[m.start() : m.end()] = m.group().title()
        recased = "".join(chars)
        if len(recased) != len(text):  # title() changed a length (rare Unicode): skip
            return []
        doc = self._nlp(recased)
        results: list[RecognizerResult] = []
        for ent in doc.ents:
            if ent.label_ != self._label:
                continue
            if not any(m.start() <= ent.start_char and ent.end_char <= m.end() for m in runs):
                continue
            span = _name_span(recased, ent.start_char, ent.end_char)
            if span is not None:
                results.append(
                    RecognizerResult(PiiEntity.PERSON.value, span[0], span[1], self._score)
                )
        return results


#: First names that are also common English words: on their own they are not taken as names.
#: Faker locales whose person names are written in Latin script.
_WORLD_LOCALES: tuple[str, ...] = (
    "en", "en_GB", "en_IE", "en_IN", "en_NZ", "es_ES", "es_MX", "fr_FR", "de_DE", "it_IT",
    "nl_NL", "pt_BR", "pl_PL", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "vi_VN", "yo_NG", "ha_NG",
    "ig_NG", "tw_GH", "zu_ZA", "sw",
)  # fmt: skip


def _latin(name: str) -> bool:
    return bool(name) and all(ord(ch) < 0x250 for ch in name)


_COMMON_WORD_NAMES = frozenset(
    """will may june april august grace hope faith joy bill mark rose summer hunter young
    brown white king art miles page dawn eve ray jack frank carol chase lane drew sky crystal
    ruby amber jade pearl ivy holly iris violet lily daisy heather rosemary angel precious
    destiny harmony trinity justice major prince royal bishop cash price penny sterling autumn
    winter storm river forest stone rock guy norman gene earl duke rich don dean jean mary
    christian tyler wade rusty sandy randy bob gary buck cliff glen dale derby mercedes
    jordan georgia virginia austin houston dallas washington carolina madison chelsea paris
    sydney florence phoenix savannah aurora diamond dakota unique""".split()
)  # fmt: skip

_LOWER_PAIR = re.compile(r"(?<![\w'-])(?P<first>[a-z]{2,})[ ](?P<last>[a-z]{2,})(?![\w'-])")
_INTRODUCED = re.compile(
    r"\b(?:my name is|this is|it's|its|i am|i'm|im|hey|hi|hello|dear|thanks|thank you)[ ,]+"
    r"(?P<name>[A-Za-z][a-z]+)\b",
    re.IGNORECASE,
)
_INITIAL_SURNAME = re.compile(r"\b[A-Z]\.\s(?P<surname>[A-Z][a-z]+(?:['\-][A-Z]?[a-z]+)*)")
_CAP_WORD = re.compile(r"[A-Z][a-z]+(?:['\-][A-Z]?[a-z]+)*|[A-Z]{2,}(?:['\-][A-Z]{2,})*")


class GazetteerNameRecognizer(EntityRecognizer):
    """PERSON from lists of common US first names and surnames (the US SSA and Census lists
    that Faker's ``en_US`` provider ships), for names a small NER model misses:

    * a first name followed by a surname ("Anthony Rivera", optionally with a middle initial or
      name), or "Surname, First";
    * a first name followed by another capitalised word that is not a common word;
    * a first name on its own, unless it is also a common English word (Will, May, Grace, ...).

    Names in capitals need both parts in the lists (acronyms are common in notes). Matching is
    on whole capitalised words; the span is the name only.
    """

    def __init__(
        self,
        first_names: frozenset[str],
        last_names: frozenset[str],
        *,
        world_first_names: frozenset[str] = frozenset(),
        world_last_names: frozenset[str] = frozenset(),
    ) -> None:
        self._first = first_names
        self._last = last_names
        # Larger, many-country lists: used only where both parts of a name must be listed.
        self._world_first = first_names | world_first_names
        self._world_last = last_names | world_last_names
        super().__init__(
            supported_entities=[PiiEntity.PERSON.value],
            name="ClearanceGazetteerNameRecognizer",
            supported_language="en",
        )

    @classmethod
    def from_faker(cls) -> GazetteerNameRecognizer:
        """US lists (SSA first names, Census surnames) for every rule, plus the Latin-script
        name lists of Faker's other locales (British, Irish, Indian, Nigerian, Spanish,
        Vietnamese, ...) for the rules that need a listed first name *and* a listed surname."""
        import importlib

        from faker.providers.person.en_US import Provider

        first = frozenset(n.lower() for n in Provider.first_names)
        last = frozenset(n.lower() for n in Provider.last_names)
        world_first: set[str] = set()
        world_last: set[str] = set()
        for locale in _WORLD_LOCALES:
            try:
                provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            except ImportError:  # a Faker without this locale: fewer names, same rules
                continue
            for attr, into in (
                ("first_names", world_first),
                ("first_names_male", world_first),
                ("first_names_female", world_first),
                ("last_names", world_last),
            ):
                into.update(n.lower() for n in getattr(provider, attr, ()) or () if _latin(n))
        return cls(
            first,
            last,
            world_first_names=frozenset(world_first),
            world_last_names=frozenset(world_last),
        )

    def load(self) -> None:
        return None

    def _is_first(self, word: str) -> bool:
        return word.lower() in self._first

    def _is_last(self, word: str) -> bool:
        return word.lower() in self._last

    def _both_listed(self, first: str, last: str) -> bool:
        """A first name and a surname, each in the many-country lists."""
        return first.lower() in self._world_first and last.lower() in self._world_last

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list:
        words = list(_CAP_WORD.finditer(text))
        results: list[RecognizerResult] = []
        used_until = -1
        for i, w in enumerate(words):
            if w.start() < used_until:
                continue
            token = w.group()
            caps = token.isupper()
            if token.strip(".").title() in _NOT_NAMES:
                continue
            span = self._match_at(text, words, i, caps)
            if span is not None:
                results.append(RecognizerResult(PiiEntity.PERSON.value, span[0], span[1], span[2]))
                used_until = span[1]
        for m in _INITIAL_SURNAME.finditer(text):  # "F. Brown"
            if self._is_last(m.group("surname")):
                results.append(RecognizerResult(PiiEntity.PERSON.value, m.start(), m.end(), 0.6))
        results.extend(self._lower_case_names(text))
        return results

    def _lower_case_names(self, text: str) -> list[RecognizerResult]:
        """Names typed in lower case (chat, e-mail): a listed first name and a listed surname
        ("david stanton"), or a listed first name after a self-introduction ("hey annette",
        "my name is maria"). Common-word names never count on their own."""
        out: list[RecognizerResult] = []
        for m in _LOWER_PAIR.finditer(text):
            first, last = m.group("first"), m.group("last")
            if (
                first not in _COMMON_WORD_NAMES
                and last not in _COMMON_WORD_NAMES
                and self._both_listed(first, last)
            ):
                out.append(RecognizerResult(PiiEntity.PERSON.value, m.start(), m.end(), 0.5))
        for m in _INTRODUCED.finditer(text):
            name = m.group("name")
            if self._is_first(name) and name.lower() not in _COMMON_WORD_NAMES:
                start = m.start("name")
                out.append(RecognizerResult(PiiEntity.PERSON.value, start, m.end("name"), 0.5))
        return out

    def _adjacent(self, text: str, left: re.Match[str], right: re.Match[str]) -> bool:
        gap = text[left.end() : right.start()]
        return gap in (" ", ", ") or bool(re.fullmatch(r" [A-Z]\. ", gap))

    def _match_at(
        self, text: str, words: list[re.Match[str]], i: int, caps: bool
    ) -> tuple[int, int, float] | None:
        first = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        token = first.group()
        if nxt is not None and nxt.group().isupper() == caps and self._adjacent(text, first, nxt):
            gap = text[first.end() : nxt.start()]
            following = nxt.group()
            if gap == ", ":  # "Surname, First"
                if self._both_listed(following, token):
                    return first.start(), nxt.end(), 0.7
            elif self._both_listed(token, following) or (
                self._is_first(token) and self._is_first(following)
            ):
                return first.start(), nxt.end(), 0.7
            elif (
                self._is_first(token)
                and not caps
                and following.title() not in _NOT_NAMES
                and following.lower() not in _COMMON_WORD_NAMES
            ):
                return first.start(), nxt.end(), 0.55
        if not caps and self._is_first(token) and token.lower() not in _COMMON_WORD_NAMES:
            return first.start(), first.end(), 0.5
        return None
