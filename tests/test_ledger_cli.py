"""`clearance ledger show|set-limit`: what a data custodian sees and how a limit changes."""

from __future__ import annotations

from clearance.cli import EXIT_BAD_INPUT, EXIT_OK, main
from privacy.accounting import BudgetLedger

FINGERPRINT = "ab" * 32


def _ledger(tmp_path):
    path = tmp_path / "admissions.csv.clearance-ledger.json"
    ledger = BudgetLedger.create(path, fingerprint=FINGERPRINT, epsilon_limit=4.0, delta_limit=4e-5)
    ledger.reserve("run-1", epsilon=1.0, delta=1e-5, description="clearance run")
    ledger.commit("run-1", epsilon=0.998, delta=1e-5)
    return path


def test_show_prints_limit_spend_and_each_run(tmp_path, capsys):
    path = _ledger(tmp_path)
    assert main(["ledger", "show", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "limit      epsilon 4" in out and "spent      epsilon 0.998" in out
    assert "remaining  epsilon 3.002" in out and "spent" in out and "clearance run" in out


def test_set_limit_needs_a_reason_and_is_recorded(tmp_path, capsys):
    path = _ledger(tmp_path)
    assert main(["ledger", "set-limit", str(path), "--epsilon", "6", "--delta", "6e-5",
                 "--reason", "approved by the data access committee, 2026-11-26"]) == EXIT_OK
    status = BudgetLedger.open(path, fingerprint=FINGERPRINT).status()
    assert status.epsilon_limit == 6.0 and status.epsilon_spent == 0.998
    assert "data access committee" in path.read_text()
    capsys.readouterr()


def test_a_missing_or_damaged_ledger_is_a_clear_error(tmp_path, capsys):
    assert main(["ledger", "show", str(tmp_path / "nope.json")]) == EXIT_BAD_INPUT
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.clearance-ledger.json"
    bad.write_text("{not json")
    assert main(["ledger", "show", str(bad)]) == EXIT_BAD_INPUT
    assert "damaged" in capsys.readouterr().err
