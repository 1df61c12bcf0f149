"""Safe Harbor categories, full-column pattern counts, adaptive scans, schema proposals, and the
de-identify -> residual check -> checklist chain on the demo admissions table.

Uses the session-scoped ``detector`` fixture of ``conftest.py`` (strict profile). Every value is
synthetic; leak checks count matches and never show a value.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from clearance.demo_data import generate_admissions
from privacy.estimate import IntervalMethod
from privacy.pii import deidentify, scan_table
from privacy.pii._analysis import Span
from privacy.pii.column_patterns import column_pattern_counts, full_column_patterns
from privacy.pii.deidentify import DeidentificationResult
from privacy.pii.detect import Detector
from privacy.pii.proposal import propose_schema
from privacy.pii.safe_harbor import (
    SAFE_HARBOR_CATEGORIES,
    ResidualCheck,
    build_checklist,
    category_of,
    residual_check,
)
from privacy.pii.scan import MIN_ADAPTIVE_SAMPLE, PIIScan, mask_example
from privacy.schema import ColumnRole, Schema

IDENTIFYING_COLUMNS = ("name", "ssn", "mrn", "phone", "email", "street_address", "patient_id")


def _leaks(dumped: str, values: list[str]) -> int:
    """How many of ``values`` occur in ``dumped`` (a count, so a failure shows no value)."""
    return sum(v in dumped for v in values)


# -- categories -------------------------------------------------------------------------------


def test_eighteen_categories_in_order() -> None:
    assert len(SAFE_HARBOR_CATEGORIES) == 18
    assert [c.letter for c in SAFE_HARBOR_CATEGORIES] == list("ABCDEFGHIJKLMNOPQR")
    assert [c.letter for c in SAFE_HARBOR_CATEGORIES if not c.detectable] == ["P", "Q"]
    assert all(c.entity_types for c in SAFE_HARBOR_CATEGORIES if c.detectable)


@pytest.mark.parametrize(
    ("entity", "letter"),
    [
        ("PERSON", "A"),
        ("US_ZIP_CODE", "B"),
        ("LOCATION", "B"),
        ("AGE", "C"),
        ("PHONE_NUMBER", "D"),
        ("FAX_NUMBER", "E"),
        ("EMAIL_ADDRESS", "F"),
        ("US_SSN", "G"),
        ("MEDICAL_RECORD_NUMBER", "H"),
        ("CREDIT_CARD", "J"),
        ("NPI", "K"),
        ("VEHICLE_ID", "L"),
        ("URL", "N"),
        ("IP_ADDRESS", "O"),
        ("ID_NUMBER", "R"),
        ("KNOWN_IDENTIFIER", "R"),
        ("NRP", None),
        ("ORGANIZATION", None),
    ],
)
def test_category_of(entity: str, letter: str | None) -> None:
    assert category_of(entity) == letter


# -- full-column pattern counts ---------------------------------------------------------------

_PATTERN_VALUES: list[Any] = [
    "536-22-1947",
    "SSN: 412-55-6789 on file",
    "jane@example.org",
    "write to bob.lee@mail.example.com today",
    "(617) 555-0134",
    "cell 617.555.0199",
    "4111 1111 1111 1111",  # Luhn-valid
    "4111 1111 1111 1112",  # Luhn-invalid
    "",
    "   ",
    None,
    np.nan,
    "plain words",
]


def test_column_pattern_counts_exact() -> None:
    values = pd.Series(_PATTERN_VALUES, dtype=object)
    before = values.copy()
    counts = column_pattern_counts(values, column="contact")
    pd.testing.assert_series_equal(values, before)
    assert counts.column == "contact"
    assert counts.n_values == 11  # non-null values, blanks included
    assert counts.rows_hit == {
        "US_SSN": 2,
        "EMAIL_ADDRESS": 2,
        "PHONE_NUMBER": 2,
        "CREDIT_CARD": 1,
    }
    assert counts.share("US_SSN") == pytest.approx(2 / 11)
    assert counts.share("IP_ADDRESS") == 0.0
    shown = repr(counts) + json.dumps(dataclasses.asdict(counts))
    texts = [v for v in _PATTERN_VALUES if isinstance(v, str) and v.strip()]
    assert _leaks(shown, texts) == 0
    assert _leaks(shown, ["536", "4111", "0134", "jane", "example"]) == 0


def test_column_pattern_counts_empty_and_extra_mrn() -> None:
    empty = column_pattern_counts(pd.Series([None, None], dtype=object), column="x")
    assert (empty.n_values, empty.rows_hit, empty.share("US_SSN")) == (0, {}, 0.0)
    patterns = full_column_patterns([r"XK\d{6}"])
    site = column_pattern_counts(pd.Series(["id XK123456", "XK12"]), column="x", patterns=patterns)
    assert site.rows_hit == {"MEDICAL_RECORD_NUMBER": 1}


# -- masked examples --------------------------------------------------------------------------


def test_mask_example_keeps_tags_and_masks_the_rest() -> None:
    text = "John Smith 555-0134 ok"
    person = Span("PERSON", 0, 10, 0.85)
    phone = Span("PHONE_NUMBER", 11, 19, 0.5)
    assert mask_example(text, [phone, person]) == "<PERSON> <PHONE_NUMBER> xx"
    assert mask_example(text, [person]) == "<PERSON> 999-9999 xx"
    assert mask_example(text, []) == "Xxxx Xxxxx 999-9999 xx"
    for masked in (mask_example(text, [person]), mask_example(text, [])):
        assert _leaks(masked, ["John", "Smith", "555", "0134", "ok"]) == 0
    long = mask_example("Jane Doe " * 20, [])
    assert len(long) == 80 and long.endswith("…") and "Jane" not in long


# -- adaptive scan ----------------------------------------------------------------------------


def _ssns(rng: np.random.Generator, n: int) -> list[str]:
    """Well-formed SSNs (area 100-665, group 10-99, serial 1000-9999)."""
    area, group, serial = (
        rng.integers(100, 666, n),
        rng.integers(10, 100, n),
        rng.integers(1000, 10000, n),
    )
    return [f"{a}-{g:02d}-{s:04d}" for a, g, s in zip(area, group, serial, strict=True)]


@pytest.fixture(scope="module")
def wide_table() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    n = 2000
    ssn = _ssns(rng, n)
    words = ["stable", "improving", "follow up", "no change", "review needed", "discharged home"]
    comment = [str(w) for w in rng.choice(words, n)]
    for i in rng.choice(n, 20, replace=False):
        comment[i] = f"ssn {ssn[(i + 7) % n]}"
    return pd.DataFrame(
        {
            "ref": ssn,
            "status": rng.choice(["active", "pending", "closed", "archived"], n).tolist(),
            "comment": comment,
        }
    )


def test_scan_stops_at_first_look_and_counts_full_column(
    detector: Detector, wide_table: pd.DataFrame
) -> None:
    scan = scan_table(wide_table, detector=detector, rng=np.random.default_rng(1))
    assert scan.n_rows == 2000 and scan.full_column_check is True
    ref = scan.verdict("ref")
    assert ref.proposed_role is ColumnRole.DIRECT_IDENTIFIER and ref.identifier_entity == "US_SSN"
    assert [f.source for f in ref.findings] == ["values", "full_column"]  # no name hint
    values, full = ref.findings
    assert values.entity_type == full.entity_type == "US_SSN"
    assert values.n_sampled == MIN_ADAPTIVE_SAMPLE == 40 == ref.n_sampled
    assert values.share_hit is not None and values.share_hit.n == 40
    assert values.share_hit.value == 1.0 and values.redacted_example == "<US_SSN>"
    assert full.n_sampled == 2000 and full.share_hit is not None
    assert full.share_hit.method is IntervalMethod.EXACT
    assert (full.share_hit.value, full.share_hit.n) == (1.0, 2000)

    status = scan.verdict("status")
    assert status.proposed_role is None and status.findings == () and status.n_sampled == 40

    comment = scan.verdict("comment")
    assert comment.proposed_role is ColumnRole.FREE_TEXT and comment.is_free_text
    assert "20 of 2,000 values (full-column check)" in comment.reason
    full_comment = [f for f in comment.findings if f.source == "full_column"]
    assert [(f.entity_type, f.share_hit.value if f.share_hit else None) for f in full_comment] == [
        ("US_SSN", 0.01)
    ]
    assert all(f.proposed_action == "redact" for f in comment.findings)
    assert scan.direct_identifiers() == ["ref"] and scan.free_text_columns() == ["comment"]

    dumped = json.dumps(scan.to_dict())
    assert _leaks(dumped, wide_table["ref"].tolist()) == 0
    assert _leaks(dumped, ["stable", "improving", "pending", "archived"]) == 0


def test_scan_verdict_does_not_depend_on_profile(detector: Detector) -> None:
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"ref": [str(x) for x in rng.integers(10_000_000, 99_999_999, 100)]})
    roles = [
        scan_table(table, detector=d, rng=np.random.default_rng(1)).verdict("ref").proposed_role
        for d in (detector, detector.with_profile("safe-harbor"))
    ]
    assert roles[0] == roles[1]


# -- the demo table: proposal, de-identification, residual check, checklist --------------------


@pytest.fixture(scope="module")
def admissions() -> pd.DataFrame:
    return generate_admissions(300, rng=np.random.default_rng(5))


@pytest.fixture(scope="module")
def admissions_scan(detector: Detector, admissions: pd.DataFrame) -> PIIScan:
    return scan_table(admissions, detector=detector, rng=np.random.default_rng(1))


@pytest.fixture(scope="module")
def proposed(admissions: pd.DataFrame, admissions_scan: PIIScan) -> Schema:
    return propose_schema(admissions, admissions_scan)


def _originals(table: pd.DataFrame) -> list[str]:
    """Identifying strings of the demo table, as they appear in it."""
    return sorted({str(v) for c in ("name", "ssn", "mrn", "phone", "email") for v in table[c]})


def test_propose_schema_safe_harbor(proposed: Schema, tmp_path: Path) -> None:
    by_name = {c.name: c for c in proposed.columns}
    expected = {
        "patient_id": (ColumnRole.ENTITY_ID, "surrogate_id"),
        "name": (ColumnRole.DIRECT_IDENTIFIER, "drop"),
        "ssn": (ColumnRole.DIRECT_IDENTIFIER, "drop"),
        "mrn": (ColumnRole.DIRECT_IDENTIFIER, "drop"),
        "phone": (ColumnRole.DIRECT_IDENTIFIER, "drop"),
        "email": (ColumnRole.DIRECT_IDENTIFIER, "drop"),
        "street_address": (ColumnRole.DIRECT_IDENTIFIER, "drop"),
        "city": (ColumnRole.QUASI_IDENTIFIER, "drop"),
        "state": (ColumnRole.QUASI_IDENTIFIER, None),
        "zip": (ColumnRole.QUASI_IDENTIFIER, "generalize_zip3"),
        "date_of_birth": (ColumnRole.QUASI_IDENTIFIER, "generalize_year"),
        "admission_date": (ColumnRole.QUASI_IDENTIFIER, "generalize_year"),
        "age": (ColumnRole.QUASI_IDENTIFIER, "generalize_age"),
        "diagnosis_code": (ColumnRole.OTHER, None),
        "clinical_note": (ColumnRole.FREE_TEXT, "redact"),
    }
    assert {k: (by_name[k].role, by_name[k].deidentify) for k in expected} == expected

    path = tmp_path / "schema.json"
    proposed.save(path)
    assert Schema.load(path) == proposed


def test_propose_schema_without_safe_harbor(
    admissions: pd.DataFrame, admissions_scan: PIIScan
) -> None:
    schema = propose_schema(admissions, admissions_scan, safe_harbor=False)
    actions = {c.name: c.deidentify for c in schema.columns if c.deidentify}
    assert all(not a.startswith("generalize_") for a in actions.values())
    by_name = {c.name: c for c in schema.columns}
    assert (by_name["zip"].role, by_name["zip"].deidentify) == (
        ColumnRole.DIRECT_IDENTIFIER,
        "drop",
    )
    assert by_name["patient_id"].role is ColumnRole.ENTITY_ID
    assert by_name["patient_id"].deidentify is None and by_name["city"].deidentify is None


@pytest.fixture(scope="module")
def cleaned(
    detector: Detector, admissions: pd.DataFrame, admissions_scan: PIIScan, proposed: Schema
) -> tuple[pd.DataFrame, DeidentificationResult, ResidualCheck]:
    actions = {c.name: c.deidentify for c in proposed.columns if c.deidentify}
    clean, result = deidentify(
        admissions,
        actions=actions,
        detector=detector,
        identifier_entities=admissions_scan.identifier_entities(),
        rng=np.random.default_rng(2),
        surrogate_seed=3,
    )
    removed = {
        c: admissions_scan.identifier_entities().get(c, "KNOWN_IDENTIFIER")
        for c, a in result.actions.items()
        if a == "drop"
    }
    residual = residual_check(
        clean, original=admissions, removed=removed, detector=detector, rng=np.random.default_rng(4)
    )
    return clean, result, residual


def test_deidentified_demo_table_passes_the_checklist(
    admissions: pd.DataFrame,
    admissions_scan: PIIScan,
    cleaned: tuple[pd.DataFrame, DeidentificationResult, ResidualCheck],
) -> None:
    clean, result, residual = cleaned
    assert len(clean) == len(admissions)
    dropped = {"name", "ssn", "mrn", "phone", "email", "street_address", "city"}
    assert dropped.isdisjoint(clean.columns) and set(result.dropped_columns) == dropped
    assert not set(clean["patient_id"]) & set(admissions["patient_id"])
    assert set(clean["zip"].str.len()) == {3}

    assert residual.total_pattern_hits == 0 and residual.pattern_hits == {}
    assert residual.known_identifier_hits == {}
    assert residual.rescan is not None and residual.rescan.direct_identifiers() == []
    assert "clinical_note" in residual.checked_columns

    checklist = build_checklist(admissions_scan, result.actions, residual, profile="strict")
    status = {i.letter: i.status for i in checklist.items}
    assert status["G"] == status["H"] == status["D"] == status["F"] == "removed"
    assert status["P"] == status["Q"] == "not detectable"
    assert checklist.item("G").found_in == ("ssn", "clinical_note")
    assert checklist.item("G").actions == {"ssn": "drop", "clinical_note": "redact"}
    assert checklist.total_residual == 0 and checklist.clear

    dumped = json.dumps(
        [checklist.to_dict(), residual.to_dict(), result.to_dict(), admissions_scan.to_dict()]
    )
    originals = _originals(admissions)
    assert _leaks(dumped, originals) == 0
    notes = "\n".join(clean["clinical_note"].dropna())
    assert _leaks(notes, [str(v) for c in ("ssn", "phone", "email") for v in admissions[c]]) == 0


def test_checklist_fails_when_the_ssn_column_is_kept(
    detector: Detector, admissions: pd.DataFrame, admissions_scan: PIIScan
) -> None:
    clean, result = deidentify(admissions, redact=["clinical_note"], detector=detector)
    assert "ssn" in clean.columns and result.dropped_columns == ()
    residual = residual_check(clean)
    assert residual.pattern_hits["ssn"] == {"US_SSN": len(admissions)}
    assert residual.pattern_hits["phone"] == {"PHONE_NUMBER": len(admissions)}
    assert residual.pattern_hits["email"] == {"EMAIL_ADDRESS": len(admissions)}
    assert "clinical_note" not in residual.pattern_hits
    assert residual.total_pattern_hits >= 3 * len(admissions)
    assert residual.rescan is None

    checklist = build_checklist(admissions_scan, result.actions, residual, profile="strict")
    ssn = checklist.item("G")
    assert ssn.status == "residual"
    assert ssn.residual_exact == {"ssn": len(admissions)}
    assert ssn.actions == {"ssn": "keep", "clinical_note": "redact"}
    assert checklist.item("D").status == checklist.item("F").status == "residual"
    assert not checklist.clear and checklist.total_residual_exact > 0

    dumped = json.dumps([checklist.to_dict(), residual.to_dict()])
    assert _leaks(dumped, _originals(admissions)) == 0
