"""PII detection and removal: Presidio with a spaCy English model, loaded offline.

Build the analyzer once at the edge (:func:`build_analyzer`, a few seconds), then
:func:`scan_table` proposes a role per column (direct identifier, free text, or no proposal) and
:func:`deidentify` drops the direct identifiers and redacts the free text.

Importing this package does not import Presidio, spaCy or torch; :func:`build_analyzer` does.

Privacy: scan results, de-identification results and every error hold column names, entity
types, counts, shares and scores, never a value from the table (invariant 6). Nothing is
downloaded at run time.
"""

from privacy.pii.deidentify import DeidentificationResult, deidentify, redact_text_column
from privacy.pii.engine import DEFAULT_SPACY_MODEL, build_analyzer
from privacy.pii.entities import DIRECT_IDENTIFIER_ENTITIES, PiiEntity
from privacy.pii.hints import NameHint, column_name_hints
from privacy.pii.scan import ColumnVerdict, PiiFinding, PIIScan, scan_table

__all__ = [
    "DEFAULT_SPACY_MODEL",
    "DIRECT_IDENTIFIER_ENTITIES",
    "ColumnVerdict",
    "DeidentificationResult",
    "NameHint",
    "PIIScan",
    "PiiEntity",
    "PiiFinding",
    "build_analyzer",
    "column_name_hints",
    "deidentify",
    "redact_text_column",
    "scan_table",
]
