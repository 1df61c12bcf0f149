"""Presidio parts Clearance adds or replaces. Imports Presidio at module level, so only
:func:`privacy.pii.engine.build_analyzer` imports this module, lazily (``import presidio_analyzer``
takes seconds and pulls in torch and transformers).

* :class:`OfflineSpacyNlpEngine` loads the configured spaCy model and nothing else: Presidio's own
  loader downloads a model that is not installed; this one never does (the caller checks the
  model exists first and refuses clearly).
* :class:`OfflineEmailRecognizer` is Presidio's email recognizer with its own tldextract
  extractor that reads only the public suffix list bundled with tldextract (no URLs, no disk
  cache), whatever the environment said when tldextract was first imported.
* Pattern recognizers Presidio lacks: medical record numbers, US street addresses, US ZIP codes,
  and North American phone numbers by shape (Presidio's validates area codes).
"""

from __future__ import annotations

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

from privacy.pii.entities import PiiEntity

#: How spaCy's English labels map to Presidio entities (Presidio's spacy.yaml, plus CoNLL labels
#: for models trained on them).
SPACY_ENTITY_MAPPING: dict[str, str] = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "NORP": "NRP",
    "FAC": "LOCATION",
    "LOC": "LOCATION",
    "LOCATION": "LOCATION",
    "GPE": "LOCATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}

#: spaCy labels dropped without a warning (Presidio warns once per unmapped entity, which cost
#: about 20% of throughput). ORG is dropped as Presidio does: many false positives, and an
#: organisation is not a personal identifier.
SPACY_LABELS_TO_IGNORE: tuple[str, ...] = (
    "ORG",
    "ORGANIZATION",
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
    "MISC",
)


class ModelLoadError(Exception):
    """spaCy could not load the named model (the message holds only the error's type)."""


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading an installed model (or a local folder) and never
    downloading. The dependency parser is disabled: Presidio uses tokens, lemmas and entities,
    not parses, and skipping it is about 13% faster."""

    def load(self) -> None:
        self.nlp = {}
        for model in self.models:
            self._validate_model_params(model)
            try:
                nlp = spacy.load(model["model_name"])
            except Exception as err:  # an installed package that is not a spaCy model, ...
                raise ModelLoadError(type(err).__name__) from None
            if "parser" in nlp.pipe_names:
                nlp.disable_pipe("parser")
            self.nlp[model["lang_code"]] = nlp


def nlp_engine(model_name: str) -> OfflineSpacyNlpEngine:
    """A loaded spaCy engine for English with Clearance's explicit NER configuration."""
    config = NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(SPACY_ENTITY_MAPPING),
        labels_to_ignore=list(SPACY_LABELS_TO_IGNORE),
    )
    engine = OfflineSpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": model_name}],
        ner_model_configuration=config,
    )
    engine.load()
    return engine


# One extractor for the process: the bundled snapshot only (no suffix-list URLs, no disk cache).
_OFFLINE_TLD_EXTRACTOR = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, validating domains against tldextract's bundled snapshot."""

    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_TLD_EXTRACTOR(pattern_text).fqdn != ""


def mrn_recognizer() -> PatternRecognizer:
    """Medical record numbers: ``MRN-12345678``, ``MRN: 1234567``, ``medical record no. 1234567``
    score high; a bare run of 6-10 digits scores only with a context word nearby (mrn, medical,
    record, chart), or when the scan passes a column name such as ``mrn`` as context."""
    patterns = [
        Pattern(
            "MRN with label",
            r"\bM\.?R\.?N\.?\s*(?:#|no\.?|num(?:ber)?\.?)?\s*[:#=-]?\s*[A-Z]{0,3}-?\d{5,10}\b",
            0.9,
        ),
        Pattern(
            "medical record number with label",
            r"\bmedical\s+record\s*(?:#|no\.?|num(?:ber)?\.?)?\s*[:#=-]?\s*[A-Z]{0,3}-?\d{5,10}\b",
            0.9,
        ),
        Pattern("bare MRN (needs context)", r"\b[A-Z]{0,3}-?\d{6,10}\b", 0.1),
    ]
    return PatternRecognizer(
        supported_entity=PiiEntity.MEDICAL_RECORD_NUMBER.value,
        name="ClearanceMrnRecognizer",
        patterns=patterns,
        context=["mrn", "medical", "record", "chart"],
        supported_language="en",
    )


_STREET_SUFFIXES = (
    "Alley|Aly|Avenue|Ave|Av|Boulevard|Blvd|Branch|Bridge|Brook|Burg|Bypass|Byp|Camp|Canyon|"
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


def street_address_recognizer() -> PatternRecognizer:
    """US street addresses: a house number, one to four capitalised words and a street suffix
    ("123 Main Street", "0487 Hopkins Squares Apt. 594", "77 W 5th Ave"), with an optional
    unit. Capitalisation is required (case-sensitive groups), so "2 weeks at the center" is not
    an address."""
    word = r"(?-i:(?:[NSEW]\.?|[A-Z][A-Za-z'\-]+|\d{1,3}(?:st|nd|rd|th)))"
    suffix = rf"(?-i:(?:{_STREET_SUFFIXES})s?)\b\.?"
    unit = (
        r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Rm|Room|Fl|Floor|\#)\.?\s*\#?\s*"
        r"[A-Za-z0-9\-]{1,6}\b)?"
    )
    regex = rf"\b\d{{1,6}}[A-Za-z]?\s+(?:{word}\s+){{1,4}}{suffix}{unit}"
    return PatternRecognizer(
        supported_entity=PiiEntity.STREET_ADDRESS.value,
        name="ClearanceStreetAddressRecognizer",
        patterns=[Pattern("US street address", regex, 0.85)],
        context=["address", "street", "lives", "resides", "residence", "home"],
        supported_language="en",
    )


def us_phone_recognizer() -> PatternRecognizer:
    """North American phone numbers by shape: ``(617) 555-0134``, ``617-555-0134``,
    ``617.555.0134``, optionally ``+1``. Presidio's phone recognizer validates numbers with
    python-phonenumbers and misses unassigned area codes; for de-identification a number's shape
    is enough."""
    patterns = [
        Pattern(
            "US phone (area code in parentheses)",
            r"(?<![\w+])(?:\+?1[\s.-]?)?\(\d{3}\)\s?\d{3}[\s.-]\d{4}\b",
            0.5,
        ),
        Pattern(
            "US phone (separated groups)",
            r"(?<![\w+-])(?:\+?1[\s.-])?\d{3}([\s.-])\d{3}\1\d{4}\b",
            0.5,
        ),
    ]
    return PatternRecognizer(
        supported_entity=PiiEntity.PHONE_NUMBER.value,
        name="ClearanceUsPhoneRecognizer",
        patterns=patterns,
        context=["phone", "call", "tel", "telephone", "fax", "cell", "mobile", "contact"],
        supported_language="en",
    )


_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP"
)


def zip_code_recognizer() -> PatternRecognizer:
    """US ZIP codes: after a state abbreviation ("IL 62704") they score high; five digits alone
    score only with a context word (zip, postal, postcode) nearby or from the column name."""
    return PatternRecognizer(
        supported_entity=PiiEntity.US_ZIP_CODE.value,
        name="ClearanceZipCodeRecognizer",
        patterns=[
            Pattern("state and ZIP", rf"(?-i:\b(?:{_STATES}),?\s+\d{{5}}(?:-\d{{4}})?\b)", 0.6),
            Pattern("ZIP (needs context)", r"\b\d{5}(?:-\d{4})?\b", 0.1),
        ],
        context=["zip", "zipcode", "postal", "postcode"],
        supported_language="en",
    )


def analyzer_engine(
    model_name: str, score_threshold: float, phone_regions: tuple[str, ...]
) -> AnalyzerEngine:
    """The assembled AnalyzerEngine (see :func:`privacy.pii.engine.build_analyzer`)."""
    from presidio_analyzer.recognizer_registry import RecognizerRegistryProvider

    engine = nlp_engine(model_name)
    registry = RecognizerRegistryProvider(
        registry_configuration={"supported_languages": ["en"]}
    ).create_recognizer_registry()
    registry.add_nlp_recognizer(nlp_engine=engine)
    registry.remove_recognizer("EmailRecognizer")
    registry.add_recognizer(OfflineEmailRecognizer())
    # Presidio's phone recognizer runs python-phonenumbers once per region (8 by default: 28%
    # of redaction time). International numbers (+44 ...) are found from any region; only
    # national formats need their region.
    registry.remove_recognizer("PhoneRecognizer")
    registry.add_recognizer(PhoneRecognizer(supported_regions=phone_regions))
    registry.add_recognizer(mrn_recognizer())
    registry.add_recognizer(us_phone_recognizer())
    registry.add_recognizer(street_address_recognizer())
    registry.add_recognizer(zip_code_recognizer())
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=["en"],
        default_score_threshold=score_threshold,
    )
