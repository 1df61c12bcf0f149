"""Presidio parts Clearance adds or replaces. Imports Presidio at module level, so only
:func:`privacy.pii.engine.build_analyzer` imports this module, lazily (``import presidio_analyzer``
takes seconds and pulls in torch and transformers).

* :class:`OfflineSpacyNlpEngine` loads the configured spaCy model and nothing else: Presidio's own
  loader downloads a model that is not installed; this one never does (the caller checks the
  model exists first and refuses clearly).
* :class:`OfflineEmailRecognizer` is Presidio's email recognizer with its own tldextract
  extractor that reads only the public suffix list bundled with tldextract (no URLs, no disk
  cache), whatever the environment said when tldextract was first imported.
* :class:`FastContextEnhancer` and :class:`GatedPhoneRecognizer`: Presidio's context rule and
  phone recognizer, doing the same work for less.
* :func:`analyzer_engine` assembles Presidio's predefined recognizers with Clearance's
  (:mod:`privacy.pii.recognizers`, :mod:`privacy.pii.names`) and drops the NER model's
  recognisable false positives before Presidio resolves overlaps.
"""

from __future__ import annotations

import bisect
import copy
import importlib
import re
from pathlib import Path
from typing import Any

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

from privacy.pii.entities import NON_PERSONAL_NER_LABELS

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
    "ORG": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION",
}

#: spaCy labels dropped without a warning (Presidio warns once per unmapped entity, which cost
#: about 20% of throughput). Organisations are kept as candidates (an employer or a hospital can
#: identify a person, and the ``strict`` profile reports every candidate); ``safe-harbor``
#: drops them, since they are not among the 18 identifiers.
SPACY_LABELS_TO_IGNORE: tuple[str, ...] = NON_PERSONAL_NER_LABELS


class ModelLoadError(Exception):
    """spaCy could not load the named model (the message holds only the error's type)."""


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading an installed model (or a local folder) and never
    downloading, and running only what Presidio reads.

    Presidio reads tokens, entities and lemmas. The tagger, parser, attribute ruler and
    lemmatizer (and the tok2vec layer they share; spaCy's English NER has its own) are excluded,
    which about triples throughput; lemmas are then the lower-cased token texts, which is what
    Presidio's context enhancer compares context words against (by substring, so "records"
    still supports "record"). Models whose NER listens to a shared tok2vec keep it.
    """

    def load(self) -> None:
        self.nlp = {}
        for model in self.models:
            self._validate_model_params(model)
            try:
                nlp = spacy.load(model["model_name"], exclude=list(_unused_components(model)))
            except Exception as err:  # an installed package that is not a spaCy model, ...
                raise ModelLoadError(type(err).__name__) from None
            self.nlp[model["lang_code"]] = nlp

    def _doc_to_nlp_artifact(self, doc, language):  # type: ignore[no-untyped-def]
        """One pass over the tokens for offsets and lemmas (lower-cased text when the model's
        lemmatizer is excluded), instead of Presidio's several."""
        if getattr(self, "_has_lemmatizer", None) is None:
            self._has_lemmatizer = "lemmatizer" in self.nlp[language].pipe_names
        if self._has_lemmatizer:
            return super()._doc_to_nlp_artifact(doc, language)
        indices: list[int] = []
        lemmas: list[str] = []
        for token in doc:
            indices.append(token.idx)
            lemmas.append(token.lower_)
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=indices,
            lemmas=lemmas,
            nlp_engine=self,
            language=language,
            scores=scores,
        )


def _unused_components(model: dict) -> tuple[str, ...]:
    """Pipeline components Presidio does not need, for the model named in ``model``."""
    try:
        config = spacy.util.load_config(_config_path(model["model_name"]))
    except Exception:  # unreadable config: exclude nothing, spacy.load reports the problem
        return ()
    components = config.get("components", {})
    ner_model = components.get("ner", {}).get("model", {})
    listens = "Listener" in str(ner_model.get("tok2vec", {}).get("@architectures", ""))
    keep = {"ner", "entity_ruler", "span_ruler"} | (
        {"tok2vec", "transformer"} if listens else set()
    )
    if "ner" not in components:
        return ()
    return tuple(name for name in components if name not in keep)


def _config_path(name: str) -> Path:
    """The config.cfg of a model folder or of an installed model package."""
    if Path(name).is_dir():
        return Path(name) / "config.cfg"
    root = Path(importlib.import_module(name).__file__ or ".").parent
    return next(iter(sorted(root.glob("*/config.cfg"))), root / "config.cfg")


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


class FastContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer with the same rule and defaults (5 words before the
    match, +0.35, at least 0.4), made cheaper: results are copied shallowly instead of deeply,
    the token under a match is found by bisection instead of a scan of the document, and
    keyword membership is a set lookup. Measured here it took a third of analysis time."""

    def enhance_using_context(  # type: ignore[override]
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: Any,
        recognizers: list[Any],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        results = [copy.copy(r) for r in raw_results]
        if nlp_artifacts is None:
            return results
        by_id = {r.id: r for r in recognizers}
        extra = [w.lower() for w in context] if context else []
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        enhanced_key = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
        for result in results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(key))
            if recognizer is None or not recognizer.context or metadata.get(enhanced_key):
                continue
            words = self._extract_surrounding_words(
                nlp_artifacts=nlp_artifacts, word="", start=result.start
            )
            words.extend(extra)
            support = self._find_supportive_word_in_context(
                words, recognizer.context, self.context_matching_mode
            )
            if support:
                score = max(
                    result.score + self.context_similarity_factor,
                    self.min_score_with_context_similarity,
                )
                result.score = min(score, self.MAX_SCORE)
        return results

    def _extract_surrounding_words(self, nlp_artifacts: Any, word: str, start: int) -> list[str]:
        if not nlp_artifacts.tokens:
            return [""]
        keywords = getattr(nlp_artifacts, "_clearance_keywords", None)
        if keywords is None:
            keywords = set(nlp_artifacts.keywords)
            nlp_artifacts._clearance_keywords = keywords
        index = _token_at(nlp_artifacts.tokens, nlp_artifacts.tokens_indices, start)
        backward = self._add_n_words_backward(
            index, self.context_prefix_count, nlp_artifacts.lemmas, keywords
        )
        forward = self._add_n_words_forward(
            index, self.context_suffix_count, nlp_artifacts.lemmas, keywords
        )
        return list(set(backward + forward))


class GatedPhoneRecognizer(PhoneRecognizer):
    """Presidio's python-phonenumbers recognizer, run only where Clearance's shape-based US
    phone recognizer cannot see a number: texts with an international ``+`` prefix or a run of
    ten or more digits. Everything else it would find (US national formats with separators)
    the shape recognizer already finds; skipping it saved about a tenth of analysis time."""

    _NEEDS_PHONENUMBERS = re.compile(r"\+\s?\d|\d{10}")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, **kw: Any):  # type: ignore[no-untyped-def]
        if not self._NEEDS_PHONENUMBERS.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, **kw)


class ClearanceAnalyzerEngine(AnalyzerEngine):
    """Presidio's AnalyzerEngine, with its recognizer-level context step done in one pass.

    Presidio offers every recognizer its own and the others' results (two list scans per
    recognizer and text); only recognizers that override ``enhance_using_context`` do anything
    with them. This engine calls just those, then Presidio's context enhancer as before: the
    same results, without 2 x 40 list scans per text.
    """

    def _enhance_using_context(  # type: ignore[override]
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: Any,
        recognizers: list[Any],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        results = list(raw_results)
        for recognizer in recognizers:
            if type(recognizer).enhance_using_context is EntityRecognizer.enhance_using_context:
                continue
            own = [r for r in results if r.recognition_metadata[key] == recognizer.id]
            others = [r for r in results if r.recognition_metadata[key] != recognizer.id]
            own = recognizer.enhance_using_context(
                text=text,
                raw_recognizer_results=own,
                other_raw_recognizer_results=others,
                nlp_artifacts=nlp_artifacts,
                context=context,
            )
            results = others + list(own)
        return self.context_aware_enhancer.enhance_using_context(
            text=text,
            raw_results=results,
            nlp_artifacts=nlp_artifacts,
            recognizers=recognizers,
            context=context,
        )


#: Presidio recognizers whose expressions are costly, and a cheap test a text must pass for
#: them to have anything to find: a URL needs a dot before letters ("example.org"), an IP
#: address two dotted numbers or a colon-separated hex group. Skipping the rest saved about a
#: sixth of the recognizers' time and changes no result.
_GATES: dict[str, re.Pattern[str]] = {
    "UrlRecognizer": re.compile(r"[A-Za-z0-9\-]\.[A-Za-z]{2}|://"),
    "IpRecognizer": re.compile(r"\d\.\d{1,3}\.|[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:"),
}


def _gate(recognizer: Any, needed: re.Pattern[str]) -> None:
    """Run ``recognizer`` only on texts where ``needed`` matches."""
    analyze = recognizer.analyze

    def gated(text: str, entities: list[str], nlp_artifacts: Any = None, **kw: Any) -> list:
        return analyze(text, entities, nlp_artifacts, **kw) if needed.search(text) else []

    recognizer.analyze = gated


def _filter_false_detections(recognizer: Any) -> None:
    """Drop the NER recognizer's recognisable false positives (``privacy.pii.span_filters``)
    *before* Presidio resolves overlaps: otherwise a wrong, wider NER span ("Laura Cruz|DOB:06")
    would swallow a right, narrower one from another recognizer and then be dropped itself."""
    from privacy.pii.span_filters import is_false_detection

    analyze = recognizer.analyze

    def filtered(text: str, entities: list[str], nlp_artifacts: Any = None, **kw: Any) -> list:
        return [
            r
            for r in analyze(text, entities, nlp_artifacts, **kw)
            if not is_false_detection(
                r.entity_type, text[r.start : r.end], text[r.end : r.end + 24]
            )
        ]

    recognizer.analyze = filtered


def _token_at(tokens: Any, starts: list[int], offset: int) -> int:
    """Index of the first token ending after ``offset`` (Presidio's rule), by bisection."""
    i = max(bisect.bisect_right(starts, offset) - 1, 0)
    if i < len(starts) and offset >= starts[i] + len(tokens[i]):
        i += 1
    return min(i, len(starts) - 1)


def analyzer_engine(
    model_name: str,
    score_threshold: float,
    phone_regions: tuple[str, ...],
    *,
    mrn_patterns: tuple[str, ...] = (),
    deny_list: tuple[str, ...] = (),
    ner_model: str | None = None,
) -> AnalyzerEngine:
    """The assembled AnalyzerEngine (see :func:`privacy.pii.engine.build_analyzer`)."""
    from presidio_analyzer.recognizer_registry import RecognizerRegistryProvider

    from privacy.pii.codes import code_recognizers
    from privacy.pii.international import international_recognizers
    from privacy.pii.names import (
        GazetteerNameRecognizer,
        TitledNameRecognizer,
        UppercaseNameRecognizer,
    )
    from privacy.pii.recognizers import clearance_recognizers

    if ner_model is not None:
        from privacy.pii.transformers_engine import transformers_nlp_engine

        engine: Any = transformers_nlp_engine(ner_model, spacy_model=model_name)
    else:
        engine = nlp_engine(model_name)
    registry = RecognizerRegistryProvider(
        registry_configuration={"supported_languages": ["en"]}
    ).create_recognizer_registry()
    registry.add_nlp_recognizer(nlp_engine=engine)
    for recognizer in registry.recognizers:
        if recognizer.name in ("SpacyRecognizer", "TransformersRecognizer"):
            _filter_false_detections(recognizer)
        if recognizer.name in _GATES:
            _gate(recognizer, _GATES[recognizer.name])
    for name in _REPLACED_RECOGNIZERS:
        registry.remove_recognizer(name)
    registry.add_recognizer(OfflineEmailRecognizer())
    # Presidio's phone recognizer runs python-phonenumbers once per region (8 by default: 28%
    # of redaction time). International numbers (+44 ...) are found from any region; only
    # national formats need their region.
    registry.add_recognizer(GatedPhoneRecognizer(supported_regions=phone_regions))
    for recognizer in (
        *clearance_recognizers(mrn_patterns=mrn_patterns, deny_list=deny_list),
        *code_recognizers(),
        *international_recognizers(),
    ):
        registry.add_recognizer(recognizer)
    registry.add_recognizer(TitledNameRecognizer())
    registry.add_recognizer(GazetteerNameRecognizer.from_faker())
    if ner_model is None:
        registry.add_recognizer(UppercaseNameRecognizer(engine.nlp["en"]))
    return ClearanceAnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=["en"],
        default_score_threshold=score_threshold,
        context_aware_enhancer=FastContextEnhancer(),
    )


#: Presidio recognizers Clearance replaces: the e-mail recognizer (offline tldextract) and the
#: phone recognizer (fewer regions) are re-added above in their offline / gated forms; dates are
#: found by Clearance's date and date-of-birth recognizers (more formats, validated months and
#: days); driver's licence numbers by Clearance's labelled licence recognizer (Presidio's
#: unlabelled one tags ICD-10 codes such as "E11" and most short alphanumeric tokens).
_REPLACED_RECOGNIZERS: tuple[str, ...] = (
    "EmailRecognizer",
    "PhoneRecognizer",
    "DateRecognizer",
    "UsLicenseRecognizer",
)
