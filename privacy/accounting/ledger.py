"""A per-dataset privacy-budget ledger (invariant 8): every run's spend adds up against a limit.

One ledger is one versioned JSON file (never pickle) for one dataset, identified by a
caller-supplied fingerprint (the pipeline passes the SHA-256 of the input file's bytes). It
holds the dataset's limit (epsilon, delta) and an append-only list of entries: limit settings
and run events. A run that would take the total past the limit is refused before it touches
private data.

Composition. The ledger composes runs *basically*: the total epsilon is the sum of the runs'
epsilons and the total delta the sum of their deltas (Dwork & Roth 2014, "The Algorithmic
Foundations of Differential Privacy", Theorem 3.16). That is conservative: runs may use
different mechanisms (DP-SGD, noisy counts, quantiles) and report only their final
(epsilon, delta), while a tighter composition across runs (RDP, PLD, advanced composition)
would need every run's full event history; sums are valid whatever the mechanisms were.

Two-phase protocol, so that a crash can never under-count:

1. :meth:`BudgetLedger.reserve` checks ``spent + reserved + this <= limit`` and durably records a
   RESERVED entry *before* training touches private data.
2. :meth:`BudgetLedger.commit` records the run's actual spend (at most what it reserved) as
   SPENT; the difference is free again.
3. :meth:`BudgetLedger.release_reservation` records CANCELLED, freeing the reservation. Only for
   runs that provably touched no private data (for instance, failed while validating input,
   before training); the caller asserts that and its reason is recorded.

A RESERVED entry that is never committed (the process crashed) keeps counting in full: we cannot
know how far the run got, so the conservative choice is to assume it spent all it reserved.

Durability and concurrency. Every change happens under an exclusive lock on a separate
``<ledger>.lock`` file (``fcntl.flock``; where fcntl is missing, exclusive creation of the lock
file), around read, check and write, so two concurrent runs cannot both pass the check. A write
goes to a temporary file in the same folder, is flushed and fsynced, atomically renamed over the
ledger (``os.replace``), and the folder is fsynced where the platform allows. A crash at any
point leaves either the old or the new ledger, never a mix. A damaged file (not JSON, wrong
format or version, bad fields, negative spends, inconsistent history) is never reset: that would
forget past spend; every run is refused until the file is restored from a backup.

Entries hold a run id, a UTC timestamp, epsilon, delta, a status and the caller's description
(for example "clearance run, DP-SGD + domain measurement"): never a value from the data.

Location (:func:`ledger_path_for`). Without a configured folder the ledger sits next to the
data, ``<input file name>.clearance-ledger.json``, where whoever holds the data sees it. With a
ledger folder it is ``<first 16 hex digits of the fingerprint>.clearance-ledger.json`` there:
copies of the same bytes under other names then share one ledger. Either way a ledger follows
exact bytes: an edited file is a new fingerprint and so a new ledger, though its people are
mostly the same. A data custodian who re-exports a table must carry its ledger across
deliberately.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from privacy.errors import InvalidInputError, PrivacyBudgetError, join_problems

try:  # POSIX; elsewhere the lock falls back to exclusive creation of the lock file
    import fcntl
except ImportError:  # pragma: no cover - exercised by monkeypatching in the tests
    fcntl = None  # type: ignore[assignment]

LEDGER_FORMAT = "clearance-budget-ledger"
LEDGER_VERSION = 1
LEDGER_SUFFIX = ".clearance-ledger.json"
COMPOSITION = "basic: sums of epsilon and of delta over all runs (Dwork & Roth 2014, Theorem 3.16)"
# Relative slack when comparing a total with the limit, so that 3 x 0.3 fits a limit of 0.9
# despite binary floating point; far below any meaningful privacy difference.
LIMIT_TOLERANCE = 1e-9
MAX_TEXT = 500

_FINGERPRINT = re.compile(r"[0-9a-f]{16,128}")
_ENTRY_FIELDS = {"run_id", "timestamp", "epsilon", "delta", "status", "description"}
_TOP_FIELDS = {"format", "version", "fingerprint", "composition", "limit", "entries"}


class EntryStatus(StrEnum):
    """What one ledger entry records."""

    LIMIT_SET = "limit_set"  # the ledger was created with this limit
    LIMIT_CHANGED = "limit_changed"  # the limit was deliberately raised or lowered
    RESERVED = "reserved"  # a run reserved this much before touching private data
    SPENT = "spent"  # the run finished and spent this much (at most its reservation)
    CANCELLED = "cancelled"  # the run touched no private data; its reservation is freed


_RUN_STATUSES = (EntryStatus.RESERVED, EntryStatus.SPENT, EntryStatus.CANCELLED)
_LIMIT_STATUSES = (EntryStatus.LIMIT_SET, EntryStatus.LIMIT_CHANGED)


class LedgerDamagedError(PrivacyBudgetError):
    """The ledger file cannot be read as a valid ledger. Runs are refused until it is restored."""


class BudgetExceededError(PrivacyBudgetError):
    """A run would take the dataset's total spend past its limit."""


@dataclass(frozen=True)
class LedgerEntry:
    """One event. For limit entries ``run_id`` is None and epsilon/delta are the new limit; for
    run entries they are the amount reserved, spent or (for CANCELLED) freed."""

    run_id: str | None
    timestamp: str
    epsilon: float
    delta: float
    status: EntryStatus
    description: str

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.status, EntryStatus):
            problems.append("status is not a ledger status")
        elif self.status in _LIMIT_STATUSES:
            if self.run_id is not None:
                problems.append("a limit entry has no run id")
        elif not _valid_text(self.run_id, allow_empty=False):
            problems.append("run_id must be a non-empty string of printable characters")
        if not isinstance(self.timestamp, str) or _parse_time(self.timestamp) is None:
            problems.append("timestamp must be an ISO 8601 UTC time")
        if not _finite_nonnegative(self.epsilon):
            problems.append("epsilon must be a finite number >= 0")
        if not _finite_nonnegative(self.delta) or not self.delta < 1:
            problems.append("delta must be in [0, 1)")
        if not _valid_text(self.description, allow_empty=True):
            problems.append(f"description must be printable text of at most {MAX_TEXT} characters")
        if problems:
            raise InvalidInputError("invalid ledger entry: " + join_problems(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "timestamp": self.timestamp,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "status": self.status.value,
            "description": self.description,
        }


@dataclass(frozen=True)
class LedgerStatus:
    """Where a dataset's budget stands. ``reserved`` counts runs in flight *and* runs that
    crashed before committing: both count against the limit. ``remaining`` is never negative
    (a limit lowered below what is already spent leaves nothing)."""

    fingerprint: str
    epsilon_limit: float
    delta_limit: float
    epsilon_spent: float
    delta_spent: float
    epsilon_reserved: float
    delta_reserved: float
    entries: tuple[LedgerEntry, ...]

    @property
    def epsilon_remaining(self) -> float:
        return max(0.0, self.epsilon_limit - self.epsilon_spent - self.epsilon_reserved)

    @property
    def delta_remaining(self) -> float:
        return max(0.0, self.delta_limit - self.delta_spent - self.delta_reserved)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "composition": COMPOSITION,
            "limit": {"epsilon": self.epsilon_limit, "delta": self.delta_limit},
            "spent": {"epsilon": self.epsilon_spent, "delta": self.delta_spent},
            "reserved": {"epsilon": self.epsilon_reserved, "delta": self.delta_reserved},
            "remaining": {"epsilon": self.epsilon_remaining, "delta": self.delta_remaining},
            "entries": [e.to_dict() for e in self.entries],
        }


def ledger_path_for(
    input_path: str | os.PathLike[str],
    ledger_dir: str | os.PathLike[str] | None = None,
    *,
    fingerprint: str | None = None,
) -> Path:
    """Where the ledger of a dataset lives.

    Without ``ledger_dir``: next to the data, ``<input file name>.clearance-ledger.json``.
    With ``ledger_dir``: ``<ledger_dir>/<first 16 hex digits of fingerprint>.clearance-ledger.json``
    (``fingerprint`` is then required), so the name holds no data value and copies of the same
    bytes share one ledger. The ledger itself still checks the full fingerprint.
    """
    if ledger_dir is None:
        path = Path(input_path)
        if not path.name:
            raise InvalidInputError("the input path has no file name to put a ledger beside")
        return path.with_name(path.name + LEDGER_SUFFIX)
    return Path(ledger_dir) / (_check_fingerprint(fingerprint)[:16] + LEDGER_SUFFIX)


class BudgetLedger:
    """The ledger file of one dataset. Construction is cheap and touches no file; every method
    locks, reads and checks the file afresh, so several objects and processes can share it."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fingerprint: str,
        clock: Callable[[], datetime] | None = None,
        lock_timeout_s: float = 30.0,
    ) -> None:
        self.path = Path(path)
        self.fingerprint = _check_fingerprint(fingerprint)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock_timeout_s = lock_timeout_s

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # -- creating and opening -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        fingerprint: str,
        epsilon_limit: float,
        delta_limit: float,
        reason: str = "ledger created",
        clock: Callable[[], datetime] | None = None,
        lock_timeout_s: float = 30.0,
    ) -> BudgetLedger:
        """A new ledger file with this limit. Refuses if a ledger already exists at ``path``."""
        ledger = cls(path, fingerprint=fingerprint, clock=clock, lock_timeout_s=lock_timeout_s)
        _check_limit(epsilon_limit, delta_limit)
        _check_reason(reason)
        with ledger._locked():
            if ledger.path.exists():
                raise InvalidInputError(
                    f"a budget ledger already exists at {ledger.path}; open it instead of "
                    "creating a new one (a new ledger would forget the spend it records)"
                )
            entry = ledger._entry(None, epsilon_limit, delta_limit, EntryStatus.LIMIT_SET, reason)
            ledger._write(
                _State(ledger.fingerprint, float(epsilon_limit), float(delta_limit), (entry,))
            )
        return ledger

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        fingerprint: str,
        clock: Callable[[], datetime] | None = None,
        lock_timeout_s: float = 30.0,
    ) -> BudgetLedger:
        """An existing ledger, checked now: missing, damaged or another dataset's file raises."""
        ledger = cls(path, fingerprint=fingerprint, clock=clock, lock_timeout_s=lock_timeout_s)
        ledger.status()
        return ledger

    @classmethod
    def open_or_create(
        cls,
        path: str | os.PathLike[str],
        *,
        fingerprint: str,
        epsilon_limit: float,
        delta_limit: float,
        clock: Callable[[], datetime] | None = None,
        lock_timeout_s: float = 30.0,
    ) -> BudgetLedger:
        """The ledger at ``path``, created with this limit if there is none. An existing ledger
        whose limit differs is refused: a limit changes only through :meth:`change_limit`."""
        ledger = cls(path, fingerprint=fingerprint, clock=clock, lock_timeout_s=lock_timeout_s)
        _check_limit(epsilon_limit, delta_limit)
        with ledger._locked():
            if not ledger.path.exists():
                entry = ledger._entry(
                    None, epsilon_limit, delta_limit, EntryStatus.LIMIT_SET, "ledger created"
                )
                ledger._write(
                    _State(ledger.fingerprint, float(epsilon_limit), float(delta_limit), (entry,))
                )
                return ledger
            state = ledger._read()
        if (state.epsilon_limit, state.delta_limit) != (float(epsilon_limit), float(delta_limit)):
            raise InvalidInputError(
                f"the budget ledger at {ledger.path} has limit epsilon = {state.epsilon_limit:g}, "
                f"delta = {state.delta_limit:g}, but epsilon = {epsilon_limit:g}, "
                f"delta = {delta_limit:g} was asked for; a limit changes only deliberately: "
                "change it with a recorded reason (BudgetLedger.change_limit), or ask for the "
                "ledger's own limit"
            )
        return ledger

    # -- reading ------------------------------------------------------------------------

    def status(self) -> LedgerStatus:
        """Limit, spent, reserved, remaining and every entry, read from the file now."""
        with self._locked():
            return self._read().status()

    # -- the two-phase protocol ---------------------------------------------------------

    def reserve(
        self, run_id: str, *, epsilon: float, delta: float, description: str
    ) -> LedgerStatus:
        """Durably reserve (epsilon, delta) for ``run_id`` before the run touches private data.

        Refuses, leaving the file untouched, when ``spent + reserved + this`` would exceed the
        limit in epsilon or in delta, or when ``run_id`` was used before.
        """
        problems = _amount_problems(epsilon, delta)
        if not _valid_text(run_id, allow_empty=False):
            problems.append("run_id must be a non-empty string of printable characters")
        if not _valid_text(description, allow_empty=True):
            problems.append(f"description must be printable text of at most {MAX_TEXT} characters")
        if problems:
            raise InvalidInputError(join_problems(problems))
        with self._locked():
            state = self._read()
            if run_id in state.runs:
                raise InvalidInputError(
                    f"run id '{run_id}' is already in the budget ledger; every run needs its own id"
                )
            current = state.status()
            eps_total = math.fsum((current.epsilon_spent, current.epsilon_reserved, epsilon))
            delta_total = math.fsum((current.delta_spent, current.delta_reserved, delta))
            if not (
                _fits(eps_total, state.epsilon_limit) and _fits(delta_total, state.delta_limit)
            ):
                raise BudgetExceededError(_overspend_message(self.path, current, epsilon, delta))
            entry = self._entry(run_id, epsilon, delta, EntryStatus.RESERVED, description)
            new = state.appended(entry)
            self._write(new)
            return new.status()

    def commit(self, run_id: str, *, epsilon: float, delta: float) -> LedgerStatus:
        """Record what the reserved run ``run_id`` actually spent; what it reserved beyond that
        is free again.

        A spend above the reservation means the run's accounting is broken. It is still
        recorded in full (forgetting real privacy loss would under-count, and may take the total
        past the limit), and then :class:`BudgetExceededError` is raised so the release stops.
        """
        problems = _amount_problems(epsilon, delta)
        if problems:
            raise InvalidInputError(join_problems(problems))
        with self._locked():
            state = self._read()
            reserved = state.open_reservation(run_id, action="commit")
            new = state.appended(
                self._entry(run_id, epsilon, delta, EntryStatus.SPENT, reserved.description)
            )
            self._write(new)
        if epsilon > reserved.epsilon or delta > reserved.delta:
            raise BudgetExceededError(
                f"run '{run_id}' spent epsilon = {epsilon:g}, delta = {delta:g}, more than the "
                f"epsilon = {reserved.epsilon:g}, delta = {reserved.delta:g} it reserved; the "
                "ledger records the full spend, but the run's accounting is broken: do not "
                "release its output"
            )
        return new.status()

    def release_reservation(self, run_id: str, *, reason: str) -> LedgerStatus:
        """Cancel the reservation of ``run_id``, freeing it. Only for a run that provably
        touched no private data (it failed before training, e.g. in input validation); the
        caller asserts this, and ``reason`` is recorded. A run that may have touched private
        data must :meth:`commit` its reservation instead."""
        _check_reason(reason)
        with self._locked():
            state = self._read()
            reserved = state.open_reservation(run_id, action="release")
            entry = self._entry(
                run_id, reserved.epsilon, reserved.delta, EntryStatus.CANCELLED, reason
            )
            new = state.appended(entry)
            self._write(new)
            return new.status()

    # -- the limit ----------------------------------------------------------------------

    def change_limit(
        self, *, epsilon_limit: float, delta_limit: float, reason: str
    ) -> LedgerStatus:
        """Raise or lower the dataset's limit deliberately. ``reason`` says who decided and why
        (for example "approved by the data access committee, ticket 42") and is recorded in the
        entries with the new limit. A limit below what is already spent leaves nothing
        remaining; it does not forget the spend."""
        _check_limit(epsilon_limit, delta_limit)
        _check_reason(reason)
        with self._locked():
            state = self._read()
            entry = self._entry(None, epsilon_limit, delta_limit, EntryStatus.LIMIT_CHANGED, reason)
            new = state.appended(entry)
            self._write(new)
            return new.status()

    # -- internals ----------------------------------------------------------------------

    def _entry(
        self,
        run_id: str | None,
        epsilon: float,
        delta: float,
        status: EntryStatus,
        description: str,
    ) -> LedgerEntry:
        now = self._clock().astimezone(UTC)
        return LedgerEntry(
            run_id=run_id,
            timestamp=now.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            epsilon=float(epsilon),
            delta=float(delta),
            status=status,
            description=description,
        )

    def _read(self) -> _State:
        if not self.path.exists():
            raise InvalidInputError(
                f"there is no budget ledger at {self.path}; create one with a limit first"
            )
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise InvalidInputError(
                f"the budget ledger at {self.path} cannot be read ({exc.strerror}); runs are "
                "refused until it can be"
            ) from None
        state = _parse(raw, self.path)
        if state.fingerprint != self.fingerprint:
            raise InvalidInputError(
                f"the budget ledger at {self.path} belongs to another dataset (fingerprint "
                f"{state.fingerprint[:16]}..., this input is {self.fingerprint[:16]}...). If the "
                "input was edited or re-exported, its people are probably the same and their "
                "spend still counts: carry the old ledger over deliberately, or point the run at "
                "the ledger of this exact input"
            )
        return state

    def _write(self, state: _State) -> None:
        data = (json.dumps(state.to_dict(), indent=2, allow_nan=False) + "\n").encode("utf-8")
        folder = self.path.parent
        tmp = folder / f".{self.path.name}.{secrets.token_hex(8)}.tmp"
        # Created like any new file (0o666 less the umask), then given the ledger's own mode if it
        # has one, so a ledger shared by a team stays readable by the team.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        handle = os.fdopen(os.open(tmp, flags, 0o666), "wb")
        try:
            with handle:
                with contextlib.suppress(OSError):
                    os.chmod(tmp, stat.S_IMODE(self.path.stat().st_mode))
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_folder(folder)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if not self.path.parent.is_dir():
            raise InvalidInputError(f"the folder of the budget ledger {self.path} does not exist")
        deadline = time.monotonic() + self._lock_timeout_s
        if fcntl is not None:
            fd = os.open(self.lock_path, os.O_RDONLY | os.O_CREAT, 0o666)
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise self._lock_timeout() from None
                        time.sleep(0.005)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
            return
        while True:
            try:
                fd = os.open(self.lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise self._lock_timeout(stale_possible=True) from None
                time.sleep(0.005)
        try:
            os.close(fd)
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.lock_path)

    def _lock_timeout(self, *, stale_possible: bool = False) -> PrivacyBudgetError:
        message = (
            f"the budget ledger {self.path} stayed locked by another run for "
            f"{self._lock_timeout_s:g} s; try again when it has finished"
        )
        if stale_possible:
            message += (
                f". If no run is active, a crashed run left the lock file {self.lock_path}: "
                "delete it by hand"
            )
        return PrivacyBudgetError(message)


@dataclass(frozen=True)
class _State:
    """The parsed ledger file; checked once, on load, by :func:`_parse`."""

    fingerprint: str
    epsilon_limit: float
    delta_limit: float
    entries: tuple[LedgerEntry, ...]

    @property
    def runs(self) -> dict[str, list[LedgerEntry]]:
        runs: dict[str, list[LedgerEntry]] = {}
        for entry in self.entries:
            if entry.run_id is not None:
                runs.setdefault(entry.run_id, []).append(entry)
        return runs

    def open_reservation(self, run_id: str, *, action: str) -> LedgerEntry:
        events = self.runs.get(run_id)
        if not events:
            raise InvalidInputError(
                f"cannot {action} run '{run_id}': it has no reservation in the budget ledger"
            )
        if events[-1].status is not EntryStatus.RESERVED:
            raise InvalidInputError(
                f"cannot {action} run '{run_id}': it is already {events[-1].status.value}"
            )
        return events[-1]

    def appended(self, entry: LedgerEntry) -> _State:
        if entry.status in _LIMIT_STATUSES:
            return _State(self.fingerprint, entry.epsilon, entry.delta, (*self.entries, entry))
        return _State(
            self.fingerprint, self.epsilon_limit, self.delta_limit, (*self.entries, entry)
        )

    def status(self) -> LedgerStatus:
        spent_e, spent_d, res_e, res_d = [], [], [], []
        for events in self.runs.values():
            last = events[-1]
            if last.status is EntryStatus.SPENT:
                spent_e.append(last.epsilon)
                spent_d.append(last.delta)
            elif last.status is EntryStatus.RESERVED:
                res_e.append(last.epsilon)
                res_d.append(last.delta)
        return LedgerStatus(
            fingerprint=self.fingerprint,
            epsilon_limit=self.epsilon_limit,
            delta_limit=self.delta_limit,
            epsilon_spent=math.fsum(spent_e),
            delta_spent=math.fsum(spent_d),
            epsilon_reserved=math.fsum(res_e),
            delta_reserved=math.fsum(res_d),
            entries=self.entries,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": LEDGER_FORMAT,
            "version": LEDGER_VERSION,
            "fingerprint": self.fingerprint,
            "composition": COMPOSITION,
            "limit": {"epsilon": self.epsilon_limit, "delta": self.delta_limit},
            "entries": [e.to_dict() for e in self.entries],
        }


def _parse(raw: bytes, path: Path) -> _State:
    """The ledger in ``raw``, or :class:`LedgerDamagedError` listing every problem found."""

    def damaged(problems: list[str]) -> LedgerDamagedError:
        return LedgerDamagedError(
            f"the budget ledger at {path} is damaged ({join_problems(problems)}); every run on "
            "this dataset is refused until it is restored from a backup. It is never reset, "
            "because a fresh ledger would forget the privacy budget already spent"
        )

    def reject_constant(name: str) -> None:
        raise ValueError(f"{name} is not a number a ledger can hold")

    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        kind = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else "not valid JSON"
        raise damaged([f"the file is {kind}, perhaps truncated"]) from None
    if not isinstance(doc, dict):
        raise damaged(["the file is not a JSON object"])
    if doc.get("format") != LEDGER_FORMAT:
        raise damaged([f"the file does not say it is a {LEDGER_FORMAT}"])
    version = doc.get("version")
    if type(version) is not int or version != LEDGER_VERSION:
        raise damaged(
            [
                f"its version is {version if type(version) is int else 'missing or not a number'}; "
                f"this Clearance reads version {LEDGER_VERSION}"
            ]
        )
    problems = []
    if set(doc) != _TOP_FIELDS:
        problems.append(f"its fields must be exactly {sorted(_TOP_FIELDS)}")
    fingerprint = doc.get("fingerprint")
    if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint):
        problems.append("its fingerprint is not a hex string")
    limit = doc.get("limit")
    if (
        not isinstance(limit, dict)
        or set(limit) != {"epsilon", "delta"}
        or _limit_problems(limit.get("epsilon"), limit.get("delta"))
    ):
        problems.append("its limit is not a valid (epsilon > 0, 0 <= delta < 1)")
    raw_entries = doc.get("entries")
    entries: list[LedgerEntry] = []
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append("its entries are not a non-empty list")
    else:
        for i, item in enumerate(raw_entries):
            entry = _parse_entry(item)
            if isinstance(entry, str):
                problems.append(f"entry {i}: {entry}")
            else:
                entries.append(entry)
    if problems:
        raise damaged(problems)
    problems = _history_problems(entries, limit)
    if problems:
        raise damaged(problems)
    return _State(fingerprint, float(limit["epsilon"]), float(limit["delta"]), tuple(entries))


def _parse_entry(item: object) -> LedgerEntry | str:
    if not isinstance(item, dict) or set(item) != _ENTRY_FIELDS:
        return f"must be an object with exactly the fields {sorted(_ENTRY_FIELDS)}"
    for name in ("epsilon", "delta"):
        value = item[name]
        if not _finite_nonnegative(value):
            return f"{name} must be a finite number >= 0"
    try:
        status = EntryStatus(item["status"])
    except ValueError:
        return "its status is not a ledger status"
    try:
        return LedgerEntry(
            run_id=item["run_id"],
            timestamp=item["timestamp"],
            epsilon=float(item["epsilon"]),
            delta=float(item["delta"]),
            status=status,
            description=item["description"],
        )
    except InvalidInputError as exc:
        return str(exc)


def _history_problems(entries: list[LedgerEntry], limit: dict[str, Any]) -> list[str]:
    """The order of events must be possible: a limit first, each run reserved once, then at most
    one SPENT or CANCELLED no larger than the reservation; the stated limit is the last one set."""
    problems = []
    if entries[0].status is not EntryStatus.LIMIT_SET:
        problems.append("its first entry does not set the limit")
    if sum(e.status is EntryStatus.LIMIT_SET for e in entries) > 1:
        problems.append("it sets the initial limit more than once")
    last_limit = [e for e in entries if e.status in _LIMIT_STATUSES]
    if last_limit and (last_limit[-1].epsilon, last_limit[-1].delta) != (
        float(limit["epsilon"]),
        float(limit["delta"]),
    ):
        problems.append("its stated limit is not the last limit its entries set")
    if any(e.status in _LIMIT_STATUSES and e.epsilon <= 0 for e in entries):
        problems.append("an entry sets an epsilon limit <= 0")
    runs: dict[str, list[LedgerEntry]] = {}
    for e in entries:
        if e.run_id is not None:
            runs.setdefault(e.run_id, []).append(e)
    for run_id, events in runs.items():
        first, rest = events[0], events[1:]
        if first.status is not EntryStatus.RESERVED:
            problems.append(f"run '{run_id}' does not start with a reservation")
        elif len(rest) > 1 or any(e.status is EntryStatus.RESERVED for e in rest):
            problems.append(f"run '{run_id}' has more than one reservation or ending")
        elif (
            rest
            and rest[0].status is EntryStatus.CANCELLED
            and ((rest[0].epsilon, rest[0].delta) != (first.epsilon, first.delta))
        ):
            problems.append(f"run '{run_id}' cancels a different amount than it reserved")
    return problems


def _fits(total: float, limit: float) -> bool:
    return total <= limit * (1 + LIMIT_TOLERANCE)


def _overspend_message(path: Path, status: LedgerStatus, epsilon: float, delta: float) -> str:
    return (
        f"this run asks for epsilon = {epsilon:g}, delta = {delta:g}, but the dataset's budget "
        f"ledger ({path.name}) has a limit of epsilon = {status.epsilon_limit:g}, "
        f"delta = {status.delta_limit:g}, of which epsilon = {status.epsilon_spent:g}, "
        f"delta = {status.delta_spent:g} is spent and epsilon = {status.epsilon_reserved:g}, "
        f"delta = {status.delta_reserved:g} is reserved by runs in flight or that crashed "
        f"(they count in full). Only epsilon = {status.epsilon_remaining:g}, "
        f"delta = {status.delta_remaining:g} remain: lower this run's epsilon (and delta) to fit, "
        "or raise the limit deliberately with a recorded reason (BudgetLedger.change_limit)"
    )


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable. Not every platform can open a folder (Windows cannot)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _check_fingerprint(fingerprint: object) -> str:
    if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint.lower()):
        raise InvalidInputError(
            "a dataset fingerprint must be a hex digest of 16 to 128 digits (the SHA-256 of the "
            "input file's bytes); it is never a value from the data"
        )
    return fingerprint.lower()


def _limit_problems(epsilon: object, delta: object) -> list[str]:
    problems = []
    if not _finite_nonnegative(epsilon) or not epsilon > 0:  # type: ignore[operator]
        problems.append("the epsilon limit must be a finite number > 0")
    if not _finite_nonnegative(delta) or not delta < 1:  # type: ignore[operator]
        problems.append("the delta limit must be in [0, 1)")
    return problems


def _check_limit(epsilon: object, delta: object) -> None:
    problems = _limit_problems(epsilon, delta)
    if problems:
        raise PrivacyBudgetError(join_problems(problems))


def _amount_problems(epsilon: object, delta: object) -> list[str]:
    problems = []
    if not _finite_nonnegative(epsilon):
        problems.append("epsilon must be a finite number >= 0")
    if not _finite_nonnegative(delta) or not delta < 1:  # type: ignore[operator]
        problems.append("delta must be in [0, 1)")
    return problems


def _check_reason(reason: object) -> None:
    if not _valid_text(reason, allow_empty=False) or not str(reason).strip():
        raise InvalidInputError(
            f"a reason is required: who decided and why, at most {MAX_TEXT} printable characters"
        )


def _finite_nonnegative(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _valid_text(value: object, *, allow_empty: bool) -> bool:
    return (
        isinstance(value, str)
        and (allow_empty or bool(value))
        and len(value) <= MAX_TEXT
        and value.isprintable()
    )


def _parse_time(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() != UTC.utcoffset(None):
        return None
    return parsed
