"""The real pipeline end to end on a small generated hospital table (integration tests)."""

import hashlib
import json
from pathlib import Path

import pytest

from clearance.cli import main
from clearance.config import RunConfig, TrainingSettings
from clearance.demo_data import demo_schema
from clearance.pipeline import run_release
from clearance.policy import preset_text
from clearance.release import verify_release
from privacy.accounting import (
    AccountantKind,
    BudgetExceededError,
    BudgetLedger,
    SubsampledGaussianEvent,
)
from privacy.accounting.composition import epsilon_for_events
from privacy.errors import InvalidInputError
from reports import Status, validate_report_dict

FAST = TrainingSettings(epochs=3, logical_batch_size=128, max_physical_batch_size=128)
RELEASE_FILES = {"synthetic.csv", "report.html", "report.json", "manifest.json"}


def _inputs(tmp_path: Path, table) -> tuple[Path, Path]:
    data, schema = tmp_path / "admissions.csv", tmp_path / "schema.json"
    table.to_csv(data, index=False)
    demo_schema().save(schema)
    return data, schema


def _config(tmp_path, data, schema, **overrides) -> RunConfig:
    values = dict(input_path=data, out_dir=tmp_path / "release", epsilon=1.0, schema_path=schema,
                  seed=3, training=FAST)
    values.update(overrides)
    return RunConfig(**values)


@pytest.fixture(scope="module")
def released(tmp_path_factory, demo_table, detector):
    """One real run, with every outgoing connection refused in-process."""
    import socket

    tmp_path = tmp_path_factory.mktemp("run")
    data, schema = _inputs(tmp_path, demo_table)
    mp = pytest.MonkeyPatch()

    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted")

    for target, name in ((socket.socket, "connect"), (socket, "create_connection"),
                         (socket, "getaddrinfo")):
        mp.setattr(target, name, refuse)
    try:
        outcome = run_release(_config(tmp_path, data, schema), detector=detector)
    finally:
        mp.undo()
    return outcome, tmp_path / "release", demo_table


def test_release_has_the_four_files_and_verifies(released):
    outcome, out, _ = released
    assert outcome.verdict in (Status.PASS, Status.WARN), [
        (f.check_id, f.status) for f in outcome.report.findings
    ]
    assert {p.name for p in out.iterdir()} == RELEASE_FILES
    assert verify_release(out).ok
    validate_report_dict(json.loads((out / "report.json").read_text()))


def test_reported_epsilon_is_the_accountants_and_within_the_request(released):
    _, out, _ = released
    results = json.loads((out / "report.json").read_text())["results"]
    privacy = results["privacy"]
    assert privacy["epsilon"] <= 1.0
    assert privacy["unit"] == "entity"
    training = next(s for s in privacy["stages"] if s["stage"] == "training")
    detail = training["detail"]
    events = [
        SubsampledGaussianEvent(detail["noise_multiplier"], detail["sample_rate"], detail["steps"])
    ]
    if detail.get("marginal_noise_multiplier"):  # noisy 1-way marginals, composed with DP-SGD
        events.insert(0, SubsampledGaussianEvent(detail["marginal_noise_multiplier"], 1.0, 1))
    recomputed = epsilon_for_events(
        events, delta=training["delta"], kind=AccountantKind(detail["accountant"])
    )
    assert training["epsilon"] == pytest.approx(recomputed, rel=1e-6)
    assert sum(s["epsilon"] for s in privacy["stages"]) == pytest.approx(privacy["epsilon"])
    assert privacy["delta"] < 1 / privacy["n_units"]


def test_no_identifier_from_the_input_appears_in_any_release_file(released):
    _, out, table = released
    text = "\n".join((out / name).read_text(encoding="utf-8") for name in RELEASE_FILES)
    for column in ("ssn", "email", "phone", "name", "mrn", "street_address"):
        leaked = [v for v in table[column].dropna().unique() if str(v) in text]
        assert not leaked, f"{len(leaked)} value(s) of '{column}' leaked into the release"


def test_synthetic_table_has_released_columns_only(released):
    _, out, _ = released
    import pandas as pd

    synthetic = pd.read_csv(out / "synthetic.csv")
    assert list(synthetic.columns) == [c.name for c in demo_schema().synthesised]
    assert len(synthetic) == 800


def test_failing_policy_leaves_no_valid_release(tmp_path, demo_table, detector):
    data, schema = _inputs(tmp_path, demo_table)
    strict = tmp_path / "strict.toml"
    strict.write_text(preset_text("default").replace("max_epsilon = 1.0", "max_epsilon = 0.5"))
    outcome = run_release(_config(tmp_path, data, schema, policy_path=strict), detector=detector)
    assert outcome.verdict is Status.FAIL
    assert not (tmp_path / "release").exists()
    rejected = {p.name for p in (tmp_path / "release.rejected").iterdir()}
    assert rejected == {"report.html", "report.json"}


def _cli(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_bad_inputs_exit_2_with_a_clear_message_and_write_nothing(tmp_path, demo_table, capsys):
    data, schema = _inputs(tmp_path, demo_table)
    out = tmp_path / "out"
    base = ["run", str(data), "--schema", str(schema), "--out", str(out), "--epsilon", "1"]
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b\n", encoding="utf-8")
    one_row = tmp_path / "one.csv"
    demo_table.head(1).to_csv(one_row, index=False)
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"\x00\x01 not a parquet file")
    bad_schema = tmp_path / "bad_schema.json"
    bad_schema.write_text(json.dumps({"columns": [{"name": "absent", "kind": "numeric"}]}))
    existing = tmp_path / "existing"
    existing.mkdir()
    cases = {
        "does not exist": ["run", str(tmp_path / "nope.csv"), "--out", str(out), "--epsilon", "1"],
        "is empty": ["run", str(empty), "--out", str(out), "--epsilon", "1"],
        "no rows": ["run", str(header_only), "--out", str(out), "--epsilon", "1"],
        "one row": ["run", str(one_row), "--out", str(out), "--epsilon", "1"],
        "could not be read": ["run", str(garbage), "--out", str(out), "--epsilon", "1"],
        "does not have": ["run", str(data), "--schema", str(bad_schema), "--out", str(out), "--epsilon", "1"],
        "epsilon must be": base[:-1] + ["0"],
        "1/n": base + ["--delta", "0.01"],
        "already exists": ["run", str(data), "--out", str(existing), "--epsilon", "1"],
    }
    secrets = [str(v) for v in demo_table[["ssn", "email", "name"]].head(1).to_numpy().ravel()]
    for expected, args in cases.items():
        code, output = _cli(args, capsys)
        assert code == 2, (expected, output)
        assert expected in output, (expected, output)
        assert not any(s in output for s in secrets)
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["admissions.csv", "schema.json", "empty.csv", "header.csv", "one.csv", "garbage.parquet",
         "bad_schema.json", "existing"]
    )


def test_negative_epsilon_is_refused_by_the_cli(tmp_path, capsys):
    code, output = _cli(["run", "x.csv", "--out", str(tmp_path / "o"), "--epsilon", "-1"], capsys)
    assert code == 2 and "epsilon" in output


def test_deidentification_leaves_no_residual_pattern_identifier(released):
    """The demo table's SSNs, phones, e-mails and MRNs (in their columns and in the notes) are
    all gone before training: the exact residual check counts zero, and the judge agrees."""
    outcome, out, _ = released
    report = json.loads((out / "report.json").read_text())
    checklist = report["results"]["safe_harbor"]
    assert checklist["total_residual_exact"] == 0
    status = {item["letter"]: item["status"] for item in checklist["items"]}
    for letter in "ADFGH":  # names, phones, e-mails, SSNs, MRNs: found, then removed
        assert status[letter] == "removed", (letter, status[letter])
    assert status["P"] == status["Q"] == "not detectable"
    finding = next(f for f in outcome.report.findings if f.check_id == "pii.residual_identifiers")
    assert finding.status is Status.PASS


def test_report_shows_real_table_risk_beside_attacks_on_the_release(released):
    outcome, out, _ = released
    results = json.loads((out / "report.json").read_text())["results"]
    risk = results["risk"]
    assert risk["quasi_identifiers"]["source"] == "the schema's quasi_identifier roles"
    assert risk["sensitive"] == "diagnosis_code"
    assert "ARX" in risk["threshold_convention"]
    assert risk["sample"]["k_for_threshold"] == 5  # default policy: 0.2 per record
    labels = {a["attack"] for a in results["synthetic_attacks"]}
    assert labels == {"singling out", "linkability", "inference"}
    checks = {f.check_id: f.status for f in outcome.report.findings}
    assert checks["risk.real_table.average"] is Status.INFO
    assert "attack.linkability" in checks and "attack.inference_of_diagnosis_code" in checks
    section = outcome.report.section("risk")
    text = json.dumps(results["synthetic_attacks"]) + str(section)
    assert "Article 29" in str(section) and "k-anonymity" in str(section)
    assert "residual" in text
    coverage = str(outcome.report.section("coverage"))
    assert "re-identification risk of the real table" in coverage


def test_the_dataset_ledger_adds_up_runs_and_refuses_an_overspend(released, detector):
    """Invariant 8: the run's spend is in the ledger next to the input, and a run that would
    take the dataset past its limit is refused before any work (nothing written)."""
    outcome, out, table = released
    data = out.parent / "admissions.csv"
    ledger_file = out.parent / "admissions.csv.clearance-ledger.json"
    assert ledger_file.exists()
    status = BudgetLedger.open(ledger_file, fingerprint=outcome.report.provenance.input_sha256).status()
    privacy = json.loads((out / "report.json").read_text())["results"]["privacy"]
    assert status.epsilon_spent == pytest.approx(privacy["epsilon"])
    assert status.epsilon_reserved == 0
    before = ledger_file.read_bytes()
    config = _config(out.parent, data, out.parent / "schema.json", out_dir=out.parent / "second",
                     epsilon=4.0)
    with pytest.raises(BudgetExceededError, match="limit"):
        run_release(config, detector=detector)
    assert ledger_file.read_bytes() == before
    assert not (out.parent / "second").exists()


def test_boost_rules_and_several_rows_per_patient(tmp_path, demo_table, detector):
    """--boost releases exactly the requested share of a rare class (conditional sampling),
    --rule drops the rows that break it (counted), and with up to 2 rows per patient the
    reported guarantee is per patient through the group-privacy conversion."""
    data, schema = _inputs(tmp_path, demo_table)
    config = _config(
        tmp_path, data, schema, epsilon=2.0, max_rows_per_entity=2,
        boost=("readmitted_30d", "yes", 0.4), rules=("discharge_date >= admission_date",),
    )
    outcome = run_release(config, detector=detector)
    out = outcome.release_dir or outcome.rejected_dir
    results = json.loads((out / "report.json").read_text())["results"]
    privacy = results["privacy"]
    assert privacy["rows_per_unit_max"] == 2 and privacy["unit"] == "entity"
    assert privacy["epsilon"] <= 2.0 + 1e-9
    assert privacy["row_epsilon"] == pytest.approx(privacy["epsilon"] / 2)
    assert results["contribution_bound"]["max_rows_per_entity"] == 2
    sampling = results["sampling"]
    boosted = sampling["boost"]
    assert boosted["achieved_share"] == pytest.approx(0.4, abs=0.5 / results["synthetic_rows"])
    assert "yes" not in json.dumps(sampling)  # the class itself is not recorded
    rule_drops = {k: v for k, v in sampling["validation"]["dropped_by_validator"].items()
                  if "discharge_date" in k}
    assert rule_drops, sampling["validation"]
    if outcome.release_dir is not None:
        import pandas as pd

        synthetic = pd.read_csv(outcome.release_dir / "synthetic.csv")
        assert (synthetic["readmitted_30d"] == "yes").mean() == pytest.approx(0.4, abs=1e-3)
        both = synthetic[["admission_date", "discharge_date"]].dropna()
        assert (pd.to_datetime(both["discharge_date"]) >= pd.to_datetime(both["admission_date"])).all()


def test_a_bad_rule_or_boost_is_refused_before_training(tmp_path, demo_table, detector):
    data, schema = _inputs(tmp_path, demo_table)
    for overrides in ({"rules": ("discharge_date >= no_such_column",)},
                      {"boost": ("charges", "1", 0.2)}):
        with pytest.raises(InvalidInputError, match="rule|boost"):
            run_release(_config(tmp_path, data, schema, **overrides), detector=detector)
    ledger = tmp_path / "admissions.csv.clearance-ledger.json"
    fingerprint = hashlib.sha256(data.read_bytes()).hexdigest()
    status = BudgetLedger.open(ledger, fingerprint=fingerprint).status()
    assert status.epsilon_spent == 0 and status.epsilon_reserved == 0  # cancelled: nothing spent


def test_the_default_run_audits_its_configuration_and_reports_it(released):
    """Issue 6: the default run trains audit models with canaries; exposure, LiRA with
    intervals and the empirical epsilon against the claim reach the report and the judge."""
    outcome, out, _ = released
    results = json.loads((out / "report.json").read_text())["results"]
    audit = results["model_audit"]
    assert audit["n_models"] == 4 and len(audit["train_seconds"]) == 4
    train_rows = results["training"]["n_train_rows"]
    assert audit["population_rows"] == train_rows
    # the audit models are trained under the release's per-row budget (the accountant spends
    # at most that; the release spent slightly less)
    assert audit["claimed_epsilon"] == pytest.approx(1.0)
    assert results["privacy"]["row_epsilon"] <= audit["claimed_epsilon"]
    assert audit["one_run"]["lower_bound"] <= audit["claimed_epsilon"]
    assert {e["repetitions"] for e in audit["exposures"]} == {0, 1, 2, 4, 8}
    lira = audit["lira"]
    assert lira["n_members"] == lira["n_non_members"] == 2 * train_rows  # 4 models, halves
    assert {p["target_fpr"] for p in lira["tpr_at_fpr"]} == {0.01, 0.001}
    assert results["black_box_membership"]["density_ratio"]["attack"] == "density ratio (DOMIAS)"
    checks = {f.check_id: f.status for f in outcome.report.findings}
    assert checks["audit.empirical_epsilon"] is Status.PASS
    assert {"mia.lira.auc", "mia.lira_outliers.auc", "mia.domias.auc"} <= set(checks)
    html = (out / "report.html").read_text()
    assert "Canary exposure" in html and "one-run audit" in html
    assert "x the release&#39;s training time" in html
    coverage = str(outcome.report.section("coverage"))
    assert "model audit" in coverage.lower()


def test_audit_models_never_touch_the_release(released, detector):
    """Invariant 5: the released table is drawn before, and independently of, the audit models:
    the same seed without the audit releases the identical table. Skipping the audit is a WARN."""
    outcome, out, table = released
    run_dir = out.parent / "no-audit"
    run_dir.mkdir()
    data, schema = _inputs(run_dir, table)
    plain = run_release(_config(run_dir, data, schema, audit_models=0), detector=detector)
    assert plain.release_dir is not None
    assert (plain.release_dir / "synthetic.csv").read_bytes() == (out / "synthetic.csv").read_bytes()
    checks = {f.check_id: f.status for f in plain.report.findings}
    assert checks["audit.empirical_epsilon"] is Status.WARN
    assert json.loads((plain.release_dir / "report.json").read_text())["results"]["model_audit"] is None


def test_a_table_too_small_to_audit_is_said_so_not_silently_passed(tmp_path, detector):
    """Fewer training rows than an audit can split: the judge WARNs with the reason."""
    import numpy as np

    from clearance.demo_data import generate_admissions

    data, schema = _inputs(tmp_path, generate_admissions(60, rng=np.random.default_rng(0)))
    config = _config(tmp_path, data, schema, epsilon=8.0, dataset_epsilon_limit=100.0,
                     training=TrainingSettings(epochs=3, logical_batch_size=16,
                                               max_physical_batch_size=16))
    outcome = run_release(config, detector=detector)
    [finding] = [f for f in outcome.report.findings if f.check_id == "audit.empirical_epsilon"]
    assert finding.status is Status.WARN and "at least 40" in finding.rationale


def test_clearance_report_renders_the_same_html_again_and_refuses_a_damaged_json(
    released, tmp_path, capsys
):
    """`clearance report RUN_DIR` re-renders from report.json (validated first), writes outside
    the release so it still verifies, and refuses a file that breaks the schema."""
    from clearance.cli import main

    _, out, _ = released
    target = tmp_path / "again.html"
    assert main(["report", str(out), "--out", str(target)]) == 0
    printed = capsys.readouterr().out
    assert target.read_bytes() == (out / "report.html").read_bytes()
    assert "release files: OK" in printed
    assert main(["report", str(out), "--out", str(out / "inside.html")]) == 2
    assert "must not be inside" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    data = json.loads((out / "report.json").read_text())
    data["verdict"] = "maybe"
    (broken / "report.json").write_text(json.dumps(data))
    assert main(["report", str(broken), "--out", str(tmp_path / "b.html")]) == 2
    assert "cannot be rendered" in capsys.readouterr().err
    assert not (tmp_path / "b.html").exists()


def test_the_gdpr_section_states_the_three_criteria_with_the_judges_status(released):
    outcome, _, _ = released
    section = outcome.report.section("gdpr")
    text = str(section)
    assert "Opinion 05/2014" in text and "Recital 26" in text
    statuses = {f.title: f.status.value.upper() for f in outcome.report.findings
                if f.check_id.startswith("attack.")}
    measured_rows = section.blocks[-1].rows
    assert {row[0] for row in measured_rows} == {"singling out", "linkability", "inference"}
    for row in measured_rows:
        assert statuses[f"Synthetic release: {row[1]} residual risk"] == row[4]
