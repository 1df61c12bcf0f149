"""The per-dataset budget ledger (invariant 8): runs add up, overspends are refused, a crash never
under-counts, a damaged file is never reset, and concurrent runs cannot both pass the check."""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.accounting import (
    BudgetExceededError,
    BudgetLedger,
    EntryStatus,
    LedgerDamagedError,
    ledger_path_for,
)
from privacy.accounting import ledger as ledger_module
from privacy.accounting.ledger import LIMIT_TOLERANCE
from privacy.errors import InvalidInputError, PrivacyBudgetError

FP = hashlib.sha256(b"the bytes of dataset one").hexdigest()
OTHER_FP = hashlib.sha256(b"the bytes of dataset two").hexdigest()


def fixed_clock() -> datetime:
    return datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "admissions.csv.clearance-ledger.json"


def new_ledger(path: Path, epsilon: float = 1.0, delta: float = 1e-5) -> BudgetLedger:
    return BudgetLedger.create(path, fingerprint=FP, epsilon_limit=epsilon, delta_limit=delta)


def run(ledger: BudgetLedger, run_id: str, epsilon: float, delta: float = 1e-7) -> None:
    ledger.reserve(run_id, epsilon=epsilon, delta=delta, description="clearance run, DP-SGD")
    ledger.commit(run_id, epsilon=epsilon, delta=delta)


# -- the file ------------------------------------------------------------------------------


def test_a_new_ledger_is_versioned_json_with_its_limit_and_fingerprint(path):
    ledger = BudgetLedger.create(
        path, fingerprint=FP, epsilon_limit=2.0, delta_limit=1e-5, clock=fixed_clock
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "clearance-budget-ledger"
    assert doc["version"] == 1
    assert doc["fingerprint"] == FP
    assert doc["limit"] == {"epsilon": 2.0, "delta": 1e-5}
    assert doc["entries"] == [
        {
            "run_id": None,
            "timestamp": "2025-01-02T03:04:05.000000Z",
            "epsilon": 2.0,
            "delta": 1e-5,
            "status": "limit_set",
            "description": "ledger created",
        }
    ]
    status = ledger.status()
    assert (status.epsilon_spent, status.epsilon_reserved, status.epsilon_remaining) == (0, 0, 2.0)
    json.dumps(status.to_dict())  # JSON-ready


def test_entries_hold_only_the_six_fields(path):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.2)
    for entry in json.loads(path.read_text())["entries"]:
        assert set(entry) == {"run_id", "timestamp", "epsilon", "delta", "status", "description"}


def test_create_refuses_to_overwrite_an_existing_ledger(path):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.5)
    before = path.read_bytes()
    with pytest.raises(InvalidInputError, match="already exists"):
        new_ledger(path)
    assert path.read_bytes() == before


def test_open_of_a_missing_ledger_says_to_create_one(path):
    with pytest.raises(InvalidInputError, match="no budget ledger"):
        BudgetLedger.open(path, fingerprint=FP)


@pytest.mark.parametrize("fingerprint", ["", "not hex at all", "abc", 123, "Alice Smith"])
def test_a_fingerprint_must_be_a_hex_digest(path, fingerprint):
    with pytest.raises(InvalidInputError, match="fingerprint"):
        BudgetLedger(path, fingerprint=fingerprint)


def test_ledger_path_next_to_the_data_or_in_a_folder_by_fingerprint(tmp_path):
    data = tmp_path / "data" / "admissions.csv"
    assert ledger_path_for(data) == tmp_path / "data" / "admissions.csv.clearance-ledger.json"
    folder = tmp_path / "ledgers"
    assert (
        ledger_path_for(data, folder, fingerprint=FP) == folder / f"{FP[:16]}.clearance-ledger.json"
    )
    with pytest.raises(InvalidInputError, match="fingerprint"):
        ledger_path_for(data, folder)


# -- adding up and refusing ------------------------------------------------------------------


def test_refuses_an_overspend_and_leaves_the_file_byte_identical(path):
    ledger = new_ledger(path, epsilon=1.0, delta=1e-5)
    run(ledger, "run-1", 0.6)
    ledger.reserve("run-2", epsilon=0.3, delta=1e-7, description="in flight")
    before = path.read_bytes()
    with pytest.raises(BudgetExceededError) as info:
        ledger.reserve("run-3", epsilon=0.2, delta=1e-7, description="too much")
    assert path.read_bytes() == before
    message = str(info.value)
    for fragment in (
        "limit of epsilon = 1",  # the limit
        "epsilon = 0.6",  # spent
        "epsilon = 0.3",  # reserved
        "asks for epsilon = 0.2",  # this run
        "lower this run's epsilon",  # what to do
        "raise the limit deliberately",
    ):
        assert fragment in message


def test_delta_is_limited_too(path):
    ledger = new_ledger(path, epsilon=10.0, delta=1e-6)
    run(ledger, "run-1", 0.1, delta=8e-7)
    before = path.read_bytes()
    with pytest.raises(BudgetExceededError):
        ledger.reserve("run-2", epsilon=0.1, delta=3e-7, description="x")
    assert path.read_bytes() == before


def test_two_runs_add_up(path):
    ledger = new_ledger(path, epsilon=3.0, delta=1e-5)
    run(ledger, "run-1", 1.0, delta=1e-6)
    run(ledger, "run-2", 0.5, delta=2e-6)
    status = BudgetLedger.open(path, fingerprint=FP).status()
    assert status.epsilon_spent == pytest.approx(1.5)
    assert status.delta_spent == pytest.approx(3e-6)
    assert status.epsilon_reserved == 0
    assert status.epsilon_remaining == pytest.approx(1.5)
    assert [e.status for e in status.entries] == [
        EntryStatus.LIMIT_SET,
        EntryStatus.RESERVED,
        EntryStatus.SPENT,
        EntryStatus.RESERVED,
        EntryStatus.SPENT,
    ]


def test_three_runs_of_a_third_fit_despite_floating_point(path):
    ledger = new_ledger(path, epsilon=0.9)
    for i in range(3):
        run(ledger, f"run-{i}", 0.3)
    with pytest.raises(BudgetExceededError):
        ledger.reserve("run-4", epsilon=0.9 * 2 * LIMIT_TOLERANCE, delta=0, description="x")


def test_commit_lower_than_reserved_frees_the_difference(path):
    ledger = new_ledger(path, epsilon=1.0)
    ledger.reserve("run-1", epsilon=0.8, delta=1e-6, description="clearance run")
    with pytest.raises(BudgetExceededError):
        ledger.reserve("run-2", epsilon=0.5, delta=1e-6, description="clearance run")
    status = ledger.commit("run-1", epsilon=0.4, delta=5e-7)
    assert status.epsilon_spent == pytest.approx(0.4)
    assert status.epsilon_reserved == 0
    assert status.epsilon_remaining == pytest.approx(0.6)
    ledger.reserve("run-2", epsilon=0.5, delta=1e-6, description="clearance run")


def test_a_commit_above_the_reservation_is_recorded_in_full_and_raises(path):
    ledger = new_ledger(path, epsilon=1.0)
    ledger.reserve("run-1", epsilon=0.5, delta=1e-6, description="clearance run")
    with pytest.raises(BudgetExceededError, match="accounting is broken"):
        ledger.commit("run-1", epsilon=0.7, delta=1e-6)
    assert ledger.status().epsilon_spent == pytest.approx(0.7)  # never under-counted


def test_release_frees_a_reservation_and_records_the_reason(path):
    ledger = new_ledger(path, epsilon=1.0)
    ledger.reserve("run-1", epsilon=0.9, delta=1e-6, description="clearance run")
    status = ledger.release_reservation("run-1", reason="input validation failed before training")
    assert status.epsilon_reserved == 0 and status.epsilon_spent == 0
    last = status.entries[-1]
    assert (last.status, last.run_id) == (EntryStatus.CANCELLED, "run-1")
    assert last.description == "input validation failed before training"
    ledger.reserve("run-2", epsilon=0.9, delta=1e-6, description="clearance run")


def test_run_state_changes_that_make_no_sense_are_refused(path):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.1)
    before = path.read_bytes()
    with pytest.raises(InvalidInputError, match="already spent"):
        ledger.release_reservation("run-1", reason="oops")
    with pytest.raises(InvalidInputError, match="already spent"):
        ledger.commit("run-1", epsilon=0.1, delta=0)
    with pytest.raises(InvalidInputError, match="no reservation"):
        ledger.commit("run-9", epsilon=0.1, delta=0)
    with pytest.raises(InvalidInputError, match="already in the budget ledger"):
        ledger.reserve("run-1", epsilon=0.1, delta=0, description="x")
    with pytest.raises(InvalidInputError, match="epsilon must be a finite number"):
        ledger.reserve("run-3", epsilon=-0.1, delta=0, description="x")
    with pytest.raises(InvalidInputError, match="epsilon must be a finite number"):
        ledger.reserve("run-3", epsilon=math.nan, delta=0, description="x")
    with pytest.raises(InvalidInputError, match="run_id"):
        ledger.reserve("", epsilon=0.1, delta=0, description="x")
    assert path.read_bytes() == before
    ledger.reserve("run-2", epsilon=0.1, delta=0, description="x")
    with pytest.raises(InvalidInputError, match="reason is required"):
        ledger.release_reservation("run-2", reason="  ")


# -- the limit ---------------------------------------------------------------------------------


def test_raising_the_limit_needs_a_reason_and_is_recorded(path):
    ledger = new_ledger(path, epsilon=1.0)
    run(ledger, "run-1", 0.9)
    with pytest.raises(InvalidInputError, match="reason"):
        ledger.change_limit(epsilon_limit=2.0, delta_limit=1e-5, reason="")
    status = ledger.change_limit(
        epsilon_limit=2.0, delta_limit=1e-5, reason="J. Doe, data access committee, ticket 42"
    )
    assert status.epsilon_limit == 2.0
    last = status.entries[-1]
    assert last.status is EntryStatus.LIMIT_CHANGED and last.run_id is None
    assert (last.epsilon, last.delta) == (2.0, 1e-5)
    assert "ticket 42" in last.description
    run(ledger, "run-2", 0.9)
    assert json.loads(path.read_text())["limit"] == {"epsilon": 2.0, "delta": 1e-5}


def test_lowering_below_the_spend_leaves_nothing_and_forgets_nothing(path):
    ledger = new_ledger(path, epsilon=2.0)
    run(ledger, "run-1", 1.5)
    status = ledger.change_limit(epsilon_limit=1.0, delta_limit=1e-5, reason="policy tightened")
    assert status.epsilon_spent == pytest.approx(1.5)
    assert status.epsilon_remaining == 0
    with pytest.raises(BudgetExceededError):
        ledger.reserve("run-2", epsilon=0.01, delta=0, description="x")


def test_open_or_create_creates_once_and_refuses_a_silent_limit_change(path):
    first = BudgetLedger.open_or_create(path, fingerprint=FP, epsilon_limit=1.0, delta_limit=1e-5)
    run(first, "run-1", 0.5)
    again = BudgetLedger.open_or_create(path, fingerprint=FP, epsilon_limit=1.0, delta_limit=1e-5)
    assert again.status().epsilon_spent == pytest.approx(0.5)
    with pytest.raises(InvalidInputError, match="changes only deliberately"):
        BudgetLedger.open_or_create(path, fingerprint=FP, epsilon_limit=5.0, delta_limit=1e-5)


def test_a_ledger_refuses_another_datasets_fingerprint(path):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.5)
    before = path.read_bytes()
    with pytest.raises(InvalidInputError, match="belongs to another dataset"):
        BudgetLedger.open(path, fingerprint=OTHER_FP)
    other = BudgetLedger(path, fingerprint=OTHER_FP)
    with pytest.raises(InvalidInputError, match="belongs to another dataset"):
        other.reserve("run-2", epsilon=0.1, delta=0, description="x")
    assert path.read_bytes() == before


# -- crashes ---------------------------------------------------------------------------------


def test_a_run_that_crashes_after_reserving_keeps_counting(path):
    new_ledger(path, epsilon=1.0)

    def clearance_run() -> None:
        ledger = BudgetLedger.open(path, fingerprint=FP)
        ledger.reserve("run-1", epsilon=0.7, delta=1e-6, description="clearance run, DP-SGD")
        raise RuntimeError("killed while training")

    with pytest.raises(RuntimeError):
        clearance_run()
    fresh = BudgetLedger.open(path, fingerprint=FP)
    status = fresh.status()
    assert status.epsilon_reserved == pytest.approx(0.7)
    assert status.epsilon_remaining == pytest.approx(0.3)
    with pytest.raises(BudgetExceededError, match="crashed"):
        fresh.reserve("run-2", epsilon=0.5, delta=1e-6, description="clearance run")


def test_a_crash_during_the_rename_leaves_the_old_ledger_intact(path, monkeypatch):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.5)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("power lost")

    monkeypatch.setattr(ledger_module.os, "replace", crash)
    with pytest.raises(OSError, match="power lost"):
        ledger.reserve("run-2", epsilon=0.3, delta=1e-7, description="clearance run")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert BudgetLedger.open(path, fingerprint=FP).status().epsilon_spent == pytest.approx(0.5)
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, path.name + ".lock"]
    )  # the temporary file was removed


def test_every_write_is_fsynced_before_and_after_the_rename(path, monkeypatch):
    ledger = new_ledger(path)
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(
        ledger_module.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1]
    )
    monkeypatch.setattr(
        ledger_module.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1]
    )
    ledger.reserve("run-1", epsilon=0.1, delta=0, description="clearance run")
    expected = ["fsync", "replace", "fsync"] if os.name == "posix" else ["fsync", "replace"]
    assert calls == expected  # the file's bytes, the rename, then the folder entry


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_rewrite_keeps_the_ledgers_file_mode(path):
    ledger = new_ledger(path)
    path.chmod(0o664)  # shared with a team
    run(ledger, "run-1", 0.1)
    assert path.stat().st_mode & 0o777 == 0o664


def test_a_truncated_temporary_file_left_by_a_crash_is_ignored(path):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.5)
    before = path.read_bytes()
    (path.parent / f".{path.name}.x1y2.tmp").write_bytes(before[: len(before) // 2])
    assert BudgetLedger.open(path, fingerprint=FP).status().epsilon_spent == pytest.approx(0.5)
    run(ledger, "run-2", 0.2)
    assert ledger.status().epsilon_spent == pytest.approx(0.7)


def _damage_variants(doc: dict) -> dict[str, str]:
    def edited(change) -> str:
        copy = json.loads(json.dumps(doc))
        change(copy)
        return json.dumps(copy)

    text = json.dumps(doc)
    return {
        "truncated": text[: len(text) // 2],
        "empty": "",
        "not json": "<html>hello</html>",
        "a list": "[]",
        "wrong version": edited(lambda d: d.update(version=2)),
        "version true": edited(lambda d: d.update(version=True)),
        "wrong format": edited(lambda d: d.update(format="something else")),
        "negative spend": edited(lambda d: d["entries"][2].update(epsilon=-0.5)),
        "nan spend": text.replace('"epsilon": 0.5', '"epsilon": NaN'),
        "huge spend": text.replace('"epsilon": 0.5', '"epsilon": 1e999'),
        "string spend": edited(lambda d: d["entries"][2].update(epsilon="0.5")),
        "missing field": edited(lambda d: d["entries"][1].pop("status")),
        "extra field": edited(lambda d: d["entries"][1].update(patient="x")),
        "unknown status": edited(lambda d: d["entries"][1].update(status="maybe")),
        "bad timestamp": edited(lambda d: d["entries"][1].update(timestamp="yesterday")),
        "no entries": edited(lambda d: d.update(entries=[])),
        "spend without reservation": edited(lambda d: d["entries"].pop(1)),
        "limit inconsistent": edited(lambda d: d["limit"].update(epsilon=100.0)),
        "zero limit": edited(lambda d: d["limit"].update(epsilon=0)),
        "bad fingerprint": edited(lambda d: d.update(fingerprint="zz")),
    }


DAMAGE = [
    "truncated",
    "empty",
    "not json",
    "a list",
    "wrong version",
    "version true",
    "wrong format",
    "negative spend",
    "nan spend",
    "huge spend",
    "string spend",
    "missing field",
    "extra field",
    "unknown status",
    "bad timestamp",
    "no entries",
    "spend without reservation",
    "limit inconsistent",
    "zero limit",
    "bad fingerprint",
]


@pytest.mark.parametrize("variant", DAMAGE)
def test_a_damaged_ledger_refuses_runs_and_is_never_reset(path, variant):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.5)
    original = json.loads(path.read_text())
    damaged = _damage_variants(original)[variant]
    assert damaged != json.dumps(original)
    path.write_text(damaged, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(LedgerDamagedError) as info:
        BudgetLedger.open(path, fingerprint=FP)
    assert "damaged" in str(info.value) and "restored from a backup" in str(info.value)
    with pytest.raises(LedgerDamagedError):
        ledger.reserve("run-2", epsilon=0.1, delta=0, description="x")
    assert path.read_bytes() == before
    assert "patient" not in str(info.value)  # problems are described, values not echoed


def test_a_held_lock_times_out_with_a_clear_error(path):
    new_ledger(path)
    impatient = BudgetLedger(path, fingerprint=FP, lock_timeout_s=0.05)
    with impatient._locked(), pytest.raises(PrivacyBudgetError, match="stayed locked"):
        BudgetLedger(path, fingerprint=FP, lock_timeout_s=0.05).status()


# -- concurrency -----------------------------------------------------------------------------


def _race_threads(path: Path, attempts: int) -> list[str]:
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def attempt(i: int) -> None:
        ledger = BudgetLedger(path, fingerprint=FP)
        barrier.wait()
        try:
            ledger.reserve(f"run-{i}", epsilon=0.3, delta=0, description="concurrent run")
            outcomes.append("ok")
        except BudgetExceededError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.parametrize("lock", ["flock", "exclusive-create"])
def test_concurrent_reservations_never_exceed_the_limit(path, monkeypatch, lock):
    if lock == "exclusive-create":
        monkeypatch.setattr(ledger_module, "fcntl", None)
    new_ledger(path, epsilon=1.0)
    outcomes = _race_threads(path, 8)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    status = BudgetLedger.open(path, fingerprint=FP).status()
    assert status.epsilon_reserved == pytest.approx(0.9)
    assert len(status.entries) == 4


def _reserve_in_process(path: str, worker: int, attempts: int) -> int:
    ledger = BudgetLedger(path, fingerprint=FP)
    successes = 0
    for i in range(attempts):
        try:
            ledger.reserve(f"p{worker}-{i}", epsilon=0.3, delta=0, description="concurrent run")
            successes += 1
        except BudgetExceededError:
            pass
    return successes


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
def test_concurrent_reservations_from_two_processes_never_exceed_the_limit(path):
    new_ledger(path, epsilon=1.0)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.starmap(_reserve_in_process, [(str(path), 0, 4), (str(path), 1, 4)])
    assert sum(results) == 3
    assert BudgetLedger.open(path, fingerprint=FP).status().epsilon_reserved == pytest.approx(0.9)


# -- property ----------------------------------------------------------------------------------

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("reserve"),
            st.floats(min_value=0, max_value=0.7, allow_nan=False),
            st.floats(min_value=0, max_value=1e-6, allow_nan=False),
        ),
        st.tuples(st.just("commit"), st.integers(0, 12), st.floats(min_value=0, max_value=1)),
        st.tuples(st.just("cancel"), st.integers(0, 12), st.just(0.0)),
    ),
    max_size=14,
)


@settings(max_examples=30, deadline=None)
@given(operations=OPERATIONS)
def test_spent_plus_reserved_never_exceeds_the_limit(operations):
    eps_limit, delta_limit = 1.0, 2e-6
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv.clearance-ledger.json"
        ledger = new_ledger(path, epsilon=eps_limit, delta=delta_limit)
        model: dict[str, tuple[str, float, float]] = {}  # run -> (state, epsilon, delta)
        for n, (op, a, b) in enumerate(operations):
            before = path.read_bytes()
            if op == "reserve":
                try:
                    ledger.reserve(f"run-{n}", epsilon=a, delta=b, description="property")
                    model[f"run-{n}"] = ("reserved", a, b)
                except BudgetExceededError:
                    assert path.read_bytes() == before
            else:
                runs = sorted(model)
                target = runs[a % len(runs)] if runs else "run-none"
                state = model.get(target, ("none", 0.0, 0.0))
                try:
                    if op == "commit":
                        eps, delta = state[1] * b, state[2] * b
                        ledger.commit(target, epsilon=eps, delta=delta)
                        model[target] = ("spent", eps, delta)
                    else:
                        ledger.release_reservation(target, reason="touched no data")
                        model[target] = ("cancelled", 0.0, 0.0)
                    assert state[0] == "reserved"
                except InvalidInputError:
                    assert state[0] != "reserved"
                    assert path.read_bytes() == before
            status = BudgetLedger.open(path, fingerprint=FP).status()
            counted = [(e, d) for s, e, d in model.values() if s != "cancelled"]
            assert status.epsilon_spent + status.epsilon_reserved == pytest.approx(
                math.fsum(e for e, _ in counted), abs=1e-12
            )
            assert status.epsilon_spent + status.epsilon_reserved <= eps_limit * (
                1 + LIMIT_TOLERANCE
            )
            assert status.delta_spent + status.delta_reserved <= delta_limit * (1 + LIMIT_TOLERANCE)


def test_no_stray_files_are_left_beside_the_ledger(path):
    ledger = new_ledger(path)
    run(ledger, "run-1", 0.5)
    names = sorted(os.listdir(path.parent))
    assert names == sorted([path.name, path.name + ".lock"])
