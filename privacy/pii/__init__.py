"""PII and PHI detection and removal: Presidio with a spaCy (or local transformers) NER model,
loaded offline, plus Clearance's recognizers, profiles, table scan, actions and Safe Harbor
checklist.

Build the detector once at the edge (:func:`build_detector`, a few seconds), then:

* :meth:`Detector.detect` finds identifier spans in texts under a profile (``strict`` or
  ``safe-harbor``, :mod:`privacy.pii.profiles`);
* :func:`scan_table` proposes a role per column (direct identifier, free text, or none) from
  an adaptive sample, column-name hints, value shape and vectorised full-column checks, and
  :func:`propose_schema` turns the scan into an editable :class:`~privacy.schema.Schema`;
* :func:`deidentify` applies one action per column (drop, keyed pseudonym, surrogate id,
  generalisation, redaction with tags or surrogates);
* :func:`residual_check` and :func:`build_checklist` count what is left, per Safe Harbor
  category.

Importing this package does not import Presidio, spaCy or torch; :func:`build_detector` does.

Privacy: scan results, de-identification results, checklists and every error hold column names,
entity types, counts, shares and scores, never a value from the table (invariant 6). Nothing is
downloaded at run time.
"""

from privacy.pii.actions import ActionKind, PseudonymKey, SurrogateIdMap, load_pseudonym_key
from privacy.pii.deidentify import DeidentificationResult, deidentify, redact_text_column
from privacy.pii.detect import Detector, DetectorConfig, build_detector
from privacy.pii.engine import DEFAULT_SPACY_MODEL, build_analyzer
from privacy.pii.entities import DIRECT_IDENTIFIER_ENTITIES, PiiEntity
from privacy.pii.hints import NameHint, column_name_hints
from privacy.pii.profiles import Profile, parse_profile
from privacy.pii.proposal import propose_schema
from privacy.pii.safe_harbor import (
    SAFE_HARBOR_CATEGORIES,
    ResidualCheck,
    SafeHarborChecklist,
    build_checklist,
    residual_check,
)
from privacy.pii.scan import ColumnVerdict, PiiFinding, PIIScan, scan_table

__all__ = [
    "DEFAULT_SPACY_MODEL",
    "DIRECT_IDENTIFIER_ENTITIES",
    "SAFE_HARBOR_CATEGORIES",
    "ActionKind",
    "ColumnVerdict",
    "DeidentificationResult",
    "Detector",
    "DetectorConfig",
    "NameHint",
    "PIIScan",
    "PiiEntity",
    "PiiFinding",
    "Profile",
    "PseudonymKey",
    "ResidualCheck",
    "SafeHarborChecklist",
    "SurrogateIdMap",
    "build_analyzer",
    "build_checklist",
    "build_detector",
    "column_name_hints",
    "deidentify",
    "load_pseudonym_key",
    "parse_profile",
    "propose_schema",
    "redact_text_column",
    "residual_check",
    "scan_table",
]
