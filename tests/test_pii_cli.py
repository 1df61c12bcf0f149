"""The PII commands end to end: ``clearance pii detect``, ``clearance scan`` and
``clearance deidentify``, with outgoing connections refused.

Most tests reuse the session's detector (loading one costs seconds); the transformers test loads
a real one through the CLI's own path.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import privacy.pii
from clearance.cli import EXIT_BAD_INPUT, EXIT_OK, main
from clearance.demo_data import generate_admissions

TEXTS = [
    {"id": "a", "text": "Patient John Smith (MRN 48213377) called from (617) 555-0134."},
    {"id": 2, "text": "A 45-year-old man diagnosed in 2019 with asthma."},
    {"id": "c", "text": ""},
    {"id": "d", "text": "A 93-year-old woman seen on 03/14/2021, email jo.ann@example.org"},
]


@pytest.fixture
def reuse_detector(monkeypatch, detector):
    """Make the CLI reuse the session detector under the requested profile."""

    def build(config=None):
        return detector.with_profile(config.profile if config is not None else "strict")

    monkeypatch.setattr(privacy.pii, "build_detector", build)


def _jsonl(path: Path, items) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def _read_spans(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_pii_detect_writes_one_line_per_text_with_valid_offsets(
    tmp_path, no_network, reuse_detector
):
    src = _jsonl(tmp_path / "texts.jsonl", TEXTS)
    out = tmp_path / "spans.jsonl"
    assert main(["pii", "detect", "--input", str(src), "--output", str(out)]) == EXIT_OK
    lines = _read_spans(out)
    assert [line["id"] for line in lines] == ["a", 2, "c", "d"]
    for item, line in zip(TEXTS, lines, strict=True):
        ends = -1
        for span in line["spans"]:
            assert set(span) == {"start", "end", "entity", "score"}
            assert ends <= span["start"] < span["end"] <= len(item["text"])
            assert 0 <= span["score"] <= 1
            ends = span["end"]
    found = {
        (line["id"], item["text"][s["start"] : s["end"]])
        for item, line in zip(TEXTS, lines, strict=True)
        for s in line["spans"]
    }
    assert ("a", "John Smith") in found and ("a", "(617) 555-0134") in found
    assert ("a", "48213377") in found
    assert ("d", "jo.ann@example.org") in found
    assert lines[2]["spans"] == []
    # strict (the default) reports the bare year
    assert any(text == "2019" for i, text in found if i == 2)


def test_pii_detect_safe_harbor_keeps_ages_under_90_and_bare_years(
    tmp_path, no_network, reuse_detector
):
    src = _jsonl(tmp_path / "texts.jsonl", TEXTS)
    out = tmp_path / "spans.jsonl"
    code = main(
        ["pii", "detect", "--input", str(src), "--output", str(out), "--profile", "safe-harbor"]
    )
    assert code == EXIT_OK
    lines = {line["id"]: line["spans"] for line in _read_spans(out)}
    assert lines[2] == []  # "45-year-old" and "2019" are not Safe Harbor identifiers
    text = TEXTS[3]["text"]
    found = {text[s["start"] : s["end"]] for s in lines["d"]}
    assert "93" in "".join(found) and "03/14/2021" in found


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"id": 1, "text": "ok"}\n{"id": 2, "text": "SECRET-9876" \n', "line 2"),
        (b'{"id": 1, "text": "caf\xe9 SECRET-9876"}\n', "not valid UTF-8"),
        (b'{"id": 1, "text": 12345}\n', "must be a string"),
        (b'{"id": 1, "body": "SECRET-9876"}\n', 'no "text" field'),
    ],
)
def test_pii_detect_refuses_bad_lines_without_echoing_them(
    tmp_path, capsys, no_network, reuse_detector, content, expected
):
    src = tmp_path / "texts.jsonl"
    src.write_bytes(content)
    out = tmp_path / "spans.jsonl"
    assert main(["pii", "detect", "--input", str(src), "--output", str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert expected in err and "SECRET" not in err and "12345" not in err
    assert not out.exists()


def test_pii_detect_splits_texts_over_the_window_instead_of_skipping(
    tmp_path, no_network, reuse_detector
):
    filler = "The patient rested comfortably overnight. " * 4000  # ~170k characters
    text = filler + "Contact jane.roe@example.com for records."
    src = _jsonl(tmp_path / "long.jsonl", [{"id": 1, "text": text}])
    out = tmp_path / "spans.jsonl"
    assert main(["pii", "detect", "--input", str(src), "--output", str(out)]) == EXIT_OK
    spans = _read_spans(out)[0]["spans"]
    assert any(text[s["start"] : s["end"]] == "jane.roe@example.com" for s in spans)


@pytest.fixture(scope="module")
def admissions(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    table = generate_admissions(400, rng=np.random.default_rng(21))
    path = tmp_path_factory.mktemp("adm") / "admissions.csv"
    table.to_csv(path, index=False)
    return path, table


def test_scan_then_deidentify_removes_every_pattern_identifier(
    tmp_path, capsys, no_network, reuse_detector, admissions
):
    path, table = admissions
    schema, scan = tmp_path / "schema.json", tmp_path / "scan.json"
    code = main(
        [
            "scan",
            str(path),
            "--schema-out",
            str(schema),
            "--json-out",
            str(scan),
            "--seed",
            "3",
            "--profile",
            "safe-harbor",
        ]
    )
    assert code == EXIT_OK
    proposed = {c["name"]: c for c in json.loads(schema.read_text())["columns"]}
    assert proposed["ssn"]["deidentify"] == "drop"
    assert proposed["zip"]["deidentify"] == "generalize_zip3"
    assert proposed["patient_id"]["role"] == "entity_id"
    assert proposed["clinical_note"]["role"] == "free_text"

    out, report, lookup = tmp_path / "clean.csv", tmp_path / "deid.json", tmp_path / "ids.csv"
    code = main(
        [
            "deidentify",
            str(path),
            "--schema",
            str(schema),
            "--out",
            str(out),
            "--report-json",
            str(report),
            "--surrogate-map",
            str(lookup),
            "--seed",
            "4",
            "--profile",
            "safe-harbor",
        ]
    )
    assert code == EXIT_OK
    clean = pd.read_csv(out, dtype=str)
    for column in ("name", "ssn", "mrn", "phone", "email", "street_address", "city"):
        assert column not in clean.columns
    assert set(clean["zip"].dropna().str.len()) == {3}
    assert not set(clean["patient_id"]) & set(table["patient_id"])
    assert stat.S_IMODE(os.stat(lookup).st_mode) == 0o600
    result = json.loads(report.read_text())
    assert result["residual"]["total_pattern_hits"] == 0
    assert result["safe_harbor"]["total_residual_exact"] == 0
    written = out.read_text() + report.read_text() + schema.read_text() + scan.read_text()
    printed = capsys.readouterr()
    for column in ("ssn", "phone", "email", "mrn"):
        for value in table[column].dropna().unique()[:50]:
            assert str(value) not in written and str(value) not in printed.out + printed.err


def test_deidentify_without_a_pseudonym_key_says_what_to_do(
    tmp_path, capsys, no_network, reuse_detector, admissions, monkeypatch
):
    path, _ = admissions
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            {
                "version": 1,
                "columns": [
                    {
                        "name": "ssn",
                        "kind": "text",
                        "role": "direct_identifier",
                        "deidentify": "pseudonymize",
                    },
                ],
            }
        )
    )
    monkeypatch.delenv("CLEARANCE_PSEUDONYM_KEY", raising=False)
    code = main(
        [
            "deidentify",
            str(path),
            "--schema",
            str(schema),
            "--out",
            str(tmp_path / "x.csv"),
            "--pseudonym-key-file",
            str(tmp_path / "missing.key"),
        ]
    )
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "missing.key" in err and "token_hex" in err
    assert not (tmp_path / "x.csv").exists()


def test_pii_detect_with_a_local_transformers_model(tmp_path, no_network):
    """The --ner-model path loads a local token classifier offline, through the real builder."""
    from tiny_ner import build_tiny_ner_model

    folder = build_tiny_ner_model(tmp_path / "tiny-ner")
    src = _jsonl(tmp_path / "texts.jsonl", [{"id": 1, "text": "John Smith lives in Boston."}])
    out = tmp_path / "spans.jsonl"
    code = main(
        [
            "pii",
            "detect",
            "--input",
            str(src),
            "--output",
            str(out),
            "--ner-model",
            str(folder),
            "--n-process",
            "1",
        ]
    )
    assert code == EXIT_OK
    spans = _read_spans(out)[0]["spans"]
    text = "John Smith lives in Boston."
    assert "John Smith" in {text[s["start"] : s["end"]] for s in spans}
