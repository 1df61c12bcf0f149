"""Column-level de-identification actions: keyed pseudonyms, random surrogate ids, generalisation.

Every action takes a :class:`pandas.Series` and returns a **new** series with the same index and
name; the input is never mutated and a missing value stays missing. Nothing here logs, prints or
puts a value from the table into an error message or a ``repr`` (invariant 6): errors name the
column or argument and give counts only.

Actions and their guarantees, in privacy terms:

* :func:`pseudonymize` -- HMAC-SHA256 under a secret key (:func:`load_pseudonym_key`). Without
  the key a pseudonym cannot be recomputed from a guessed value (no dictionary attack on
  low-entropy ids, unlike a bare hash); with the key the same value always gives the same
  pseudonym, so tables can be joined. Because it *is* derived from the identifier, it is not a
  HIPAA Safe Harbor re-identification code; the key holder can link pseudonyms back.
* :func:`assign_surrogate_ids` -- random ids that are **not** derived from the value; the only
  link back is the lookup table (:class:`SurrogateIdMap`), written with mode 0600.
* :func:`generalize_zip`, :func:`generalize_date_to_year`, :func:`generalize_age` -- the HIPAA
  Safe Harbor (45 CFR 164.514(b)(2)) generalisations of ZIP codes, dates and ages over 89.
  Each returns a :class:`GeneralizationResult`: the new series plus counts of values that could
  not be parsed (made missing) and of values recoded to the catch-all (``"000"``, ``"90+"``).

Generalisation and pseudonymisation remove or hide *these* columns' identifying detail only; the
rest of the table can still single a person out. Measure the result (``privacy.risk``) rather
than assume it is anonymous.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import math
import numbers
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from privacy.errors import InvalidInputError

__all__ = [
    "RESTRICTED_ZIP3",
    "ActionKind",
    "GeneralizationResult",
    "PseudonymKey",
    "SurrogateIdMap",
    "assign_surrogate_ids",
    "generalize_age",
    "generalize_date_to_year",
    "generalize_zip",
    "load_pseudonym_key",
    "pseudonymize",
]

# --------------------------------------------------------------------------------------------
# Action kinds (for the report)
# --------------------------------------------------------------------------------------------


class ActionKind(StrEnum):
    """What was done to a column; :attr:`description` is a one-line sentence for the report."""

    DROP = "drop"
    PSEUDONYMIZE = "pseudonymize"
    SURROGATE_ID = "surrogate_id"
    GENERALIZE_ZIP3 = "generalize_zip3"
    GENERALIZE_YEAR = "generalize_year"
    GENERALIZE_AGE = "generalize_age"
    REDACT = "redact"
    SURROGATE_TEXT = "surrogate_text"
    KEEP = "keep"

    @property
    def description(self) -> str:
        """One line saying what the action does to the column, in privacy terms."""
        return _ACTION_DESCRIPTIONS[self]


_ACTION_DESCRIPTIONS: dict[ActionKind, str] = {
    ActionKind.DROP: "Column removed from the release.",
    ActionKind.PSEUDONYMIZE: (
        "Each value replaced by a keyed HMAC-SHA256 pseudonym (consistent across tables under "
        "the same key; the key is not released)."
    ),
    ActionKind.SURROGATE_ID: (
        "Each value replaced by a random surrogate id not derived from it; the lookup table is "
        "kept separately with owner-only permissions."
    ),
    ActionKind.GENERALIZE_ZIP3: (
        "ZIP code cut to its first 3 digits; the 17 ZIP3 areas of 20,000 people or fewer "
        "become 000."
    ),
    ActionKind.GENERALIZE_YEAR: "Date reduced to its year.",
    ActionKind.GENERALIZE_AGE: "Age kept in whole years, with every age of 90 or more as 90+.",
    ActionKind.REDACT: "Detected identifiers in the text replaced by tags such as <PERSON>.",
    ActionKind.SURROGATE_TEXT: (
        "Detected identifiers in the text replaced by realistic fake values (Faker)."
    ),
    ActionKind.KEEP: "Column released unchanged.",
}

# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    raise InvalidInputError(message)


def _require_series(values: object, argument: str = "values") -> pd.Series:
    if not isinstance(values, pd.Series):
        _fail(f"{argument} must be a pandas Series, got {type(values).__name__}")
    return values


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-like cell: not a missing scalar
        return False


def _map_uniques(
    values: pd.Series, fn: Callable[[Any], Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``fn`` applied once per distinct non-missing value, spread back over the rows.

    Returns (object array of results per row with ``None`` where missing or where ``fn`` gave
    ``None``, boolean mask of rows missing in the input, boolean mask of rows where ``fn`` gave
    ``None`` for a present value).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[-1] = None  # code -1 (missing) indexes the last slot
    for i, u in enumerate(uniques):
        mapped[i] = None if _is_missing(u) else fn(u)
    per_row = mapped[codes]
    missing = codes == -1
    failed = np.fromiter((v is None for v in per_row), dtype=bool, count=len(per_row)) & ~missing
    return per_row, missing, failed


def _as_integral(value: object) -> int | None:
    """An int for ints and integral floats (not bools); ``None`` otherwise."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isfinite(f) and f.is_integer():
            return int(f)
    return None


_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _normalise_identifier(value: object) -> str:
    """The text an identifier is keyed on: ``str(value).strip()``, with two refinements.

    * An integral number is written as an int (``123``, ``123.0``, ``np.int64(123)`` and
      ``"123"`` all give ``"123"``), so a column that pandas read as float because of a gap still
      matches the same ids stored as int elsewhere.
    * A value that looks like an email address (``local@domain.tld``) is case-folded, because
      mail systems treat addresses case-insensitively in practice.
    """
    as_int = _as_integral(value)
    text = str(as_int) if as_int is not None else str(value).strip()
    if _EMAIL_RE.fullmatch(text):
        text = text.casefold()
    return text


# --------------------------------------------------------------------------------------------
# Pseudonymisation key
# --------------------------------------------------------------------------------------------

_MIN_KEY_BYTES = 16
_MIN_HEX_CHARS = 32
_HEX_RE = re.compile(rb"[0-9a-fA-F]+")
_KEY_HOWTO = (
    "create a key with `python -c 'import secrets; print(secrets.token_hex(32))' > key` "
    "and `chmod 600 key`"
)


class PseudonymKey:
    """A secret HMAC key, held in memory only.

    Its ``repr``/``str`` show the :attr:`key_id` and where it came from, never the key; it cannot
    be pickled (so it is not written to a cache or sent to a worker by accident) and is
    immutable. :attr:`key_id` (first 8 hex chars of SHA-256 of the key) is safe to put in a
    report: it says which key was used without helping to recover it.

    Attributes:
        key_id: first 8 hex characters of SHA-256 of the key bytes.
        source: ``"file <path>"`` or ``"environment variable <NAME>"``.
        world_readable: True when the key file can be read by every user on the machine (mode
            has the "other read" bit). Clearance still loads it; a caller should warn and ask the
            user to ``chmod 600`` it.
    """

    __slots__ = ("_key", "key_id", "source", "world_readable")

    _key: bytes
    key_id: str
    source: str
    world_readable: bool

    def __init__(self, key: bytes, *, source: str = "memory", world_readable: bool = False):
        if not isinstance(key, bytes | bytearray):
            _fail(f"the pseudonym key must be bytes, got {type(key).__name__}")
        key = bytes(key)
        _check_key_strength(key, source)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "key_id", hashlib.sha256(key).hexdigest()[:8])
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "world_readable", bool(world_readable))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("PseudonymKey is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("PseudonymKey is immutable")

    def __repr__(self) -> str:
        return f"PseudonymKey(key_id={self.key_id!r}, source={self.source!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PseudonymKey):
            return NotImplemented
        return hmac.compare_digest(self._key, other._key)

    def __hash__(self) -> int:
        return hash(("PseudonymKey", self.key_id))

    def __reduce__(self) -> NoReturn:
        raise TypeError("PseudonymKey cannot be pickled: the key is never written anywhere")

    def _digest(self, message: bytes) -> str:
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def _check_key_strength(key: bytes, source: str) -> None:
    if _HEX_RE.fullmatch(key) is not None:
        if len(key) < _MIN_HEX_CHARS:
            _fail(
                f"the pseudonym key from {source} is {len(key)} hex characters; at least "
                f"{_MIN_HEX_CHARS} (16 bytes) are needed: {_KEY_HOWTO}"
            )
    elif len(key) < _MIN_KEY_BYTES:
        _fail(
            f"the pseudonym key from {source} is {len(key)} bytes; at least {_MIN_KEY_BYTES} "
            f"are needed: {_KEY_HOWTO}"
        )


def _strip_newline(raw: bytes) -> bytes:
    return raw.rstrip(b"\r\n")


def load_pseudonym_key(
    *, key_file: str | Path | None = None, env_var: str | None = "CLEARANCE_PSEUDONYM_KEY"
) -> PseudonymKey:
    """Load the secret key for :func:`pseudonymize` from ``key_file`` or, if no file is given,
    from the environment variable ``env_var``.

    The key is the file's bytes (or the variable's UTF-8 bytes) exactly, less trailing newline
    characters; it is used as the HMAC key as is (hex text is *not* decoded), so another tool can
    reproduce the pseudonyms. It must be at least 32 characters if it is hex text, else at least
    16 bytes. A given ``key_file`` that is missing is an error (no fallback to the variable).

    The key is never logged, written, or shown in an error; a world-readable key file is loaded
    but flagged in :attr:`PseudonymKey.world_readable`.

    Raises:
        InvalidInputError: no source given, file missing or unreadable, variable unset or empty,
            or key too short. The message says what to do.
    """
    if key_file is not None:
        path = Path(key_file)
        source = f"file {str(path)!r}"
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode):
                _fail(f"the pseudonym key {source} is not a regular file: {_KEY_HOWTO}")
            raw = path.read_bytes()
        except FileNotFoundError:
            _fail(f"no pseudonym key {source}: {_KEY_HOWTO}, then pass its path")
        except OSError as exc:
            _fail(
                f"cannot read the pseudonym key {source} ({type(exc).__name__}): check that it "
                f"is readable by you, or {_KEY_HOWTO}"
            )
        world_readable = os.name == "posix" and bool(mode & stat.S_IROTH)
        return PseudonymKey(_strip_newline(raw), source=source, world_readable=world_readable)

    if env_var is None:
        _fail(f"no pseudonym key source: pass key_file= or env_var=; {_KEY_HOWTO}")
    if not isinstance(env_var, str) or not env_var:
        _fail("env_var must be a non-empty environment variable name")
    source = f"environment variable {env_var}"
    text = os.environ.get(env_var)
    if text is None or not text.strip():
        _fail(
            f"the {source} is not set: {_KEY_HOWTO}, then `export {env_var}=$(cat key)`, "
            "or pass key_file="
        )
    raw = text.encode("utf-8", errors="surrogateescape")
    return PseudonymKey(_strip_newline(raw), source=source)


# --------------------------------------------------------------------------------------------
# Pseudonymisation
# --------------------------------------------------------------------------------------------

_NAMESPACE_SEP = "\x1f"  # ASCII unit separator: cannot appear in a namespace (refused)
_MIN_PSEUDONYM_LENGTH = 8
_MAX_PSEUDONYM_LENGTH = 64  # SHA-256 hex digest length


def pseudonymize(
    values: pd.Series, key: PseudonymKey, *, namespace: str = "", length: int = 16
) -> pd.Series:
    """Replace each value by ``HMAC-SHA256(key, namespace + "\\x1f" + normalised value)``, as lower
    case hex cut to ``length`` characters (8 to 64).

    Normalisation (so the same identifier matches across tables): ``str(value).strip()``;
    integral numbers written as ints (``123.0`` -> ``"123"``); values shaped like an email
    address case-folded. Other text keeps its case.

    Guarantees: the same value, key and namespace give the same pseudonym in every row and every
    table (joinable); a different key or namespace gives unrelated pseudonyms (use one namespace
    per kind of identifier so an MRN and an account number that happen to be equal do not
    link). Without the key a pseudonym cannot be checked against a guessed value. With
    ``length`` hex characters there are ``16**length`` pseudonyms, so two distinct values
    collide with probability about ``n**2 / 2 / 16**length``; 16 (the default) makes this
    negligible for any table. Pseudonyms are *derived* from the value (this is not a Safe Harbor
    re-identification code; see :func:`assign_surrogate_ids`). Missing values stay missing.

    Returns a new ``str`` series with the same index and name.
    """
    values = _require_series(values)
    if not isinstance(key, PseudonymKey):
        _fail(f"key must be a PseudonymKey (see load_pseudonym_key), got {type(key).__name__}")
    if not isinstance(namespace, str):
        _fail(f"namespace must be a string, got {type(namespace).__name__}")
    if _NAMESPACE_SEP in namespace:
        _fail("namespace must not contain the unit separator character \\x1f")
    if (
        isinstance(length, bool)
        or not isinstance(length, int)
        or not _MIN_PSEUDONYM_LENGTH <= length <= _MAX_PSEUDONYM_LENGTH
    ):
        _fail(
            f"length must be an int from {_MIN_PSEUDONYM_LENGTH} to {_MAX_PSEUDONYM_LENGTH} "
            "(shorter pseudonyms collide)"
        )
    prefix = namespace + _NAMESPACE_SEP

    def one(value: object) -> str:
        message = (prefix + _normalise_identifier(value)).encode("utf-8", "surrogatepass")
        return key._digest(message)[:length]

    per_row, _, _ = _map_uniques(values, one)
    return pd.Series(per_row, index=values.index, name=values.name, dtype="str")


# --------------------------------------------------------------------------------------------
# Random surrogate ids
# --------------------------------------------------------------------------------------------

_BASE32 = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
_SURROGATE_CHARS = 12
_PREFIX_RE = re.compile(r"[A-Za-z0-9_-]{0,32}")
_MAP_HEADER = ["original", "surrogate"]


class SurrogateIdMap:
    """The lookup table from normalised original identifiers to random surrogate ids.

    Immutable; :func:`assign_surrogate_ids` returns a new, extended map. One-to-one: no two
    originals share a surrogate. It is the only link from a surrogate back to a person, so keep
    it apart from the released data: :meth:`save` writes it readable by its owner only (0600).
    Its ``repr`` shows the number of ids only.
    """

    __slots__ = ("_forward",)

    def __init__(self, mapping: Mapping[str, str] | None = None):
        forward: dict[str, str] = {}
        seen: set[str] = set()
        for original, surrogate in (mapping or {}).items():
            if not isinstance(original, str) or not isinstance(surrogate, str) or not surrogate:
                _fail("a surrogate id map must map strings to non-empty strings")
            if surrogate in seen:
                _fail("a surrogate id map must be one-to-one: a surrogate id is used twice")
            seen.add(surrogate)
            forward[original] = surrogate
        self._forward: Mapping[str, str] = MappingProxyType(forward)

    def __len__(self) -> int:
        return len(self._forward)

    def __repr__(self) -> str:
        return f"SurrogateIdMap(n_ids={len(self)})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SurrogateIdMap):
            return NotImplemented
        return dict(self._forward) == dict(other._forward)

    __hash__ = None  # type: ignore[assignment]

    def as_dict(self) -> dict[str, str]:
        """A copy of the table (normalised original -> surrogate). Contains identifiers."""
        return dict(self._forward)

    def save(self, path: str | Path, *, overwrite: bool = False) -> None:
        """Write the table as a UTF-8 CSV (``original,surrogate``) readable by its owner only.

        The file is created with ``os.open(..., O_CREAT | O_EXCL, 0o600)`` and then ``fchmod``-ed
        to 0600, so it is never readable by others, even briefly, whatever the umask. An
        existing file is refused unless ``overwrite=True``; then the new table is written to a
        fresh 0600 file beside it and renamed over the old one (atomic: never half-written).
        """
        path = Path(path)
        if path.exists() and not overwrite:
            _fail(
                f"the surrogate id map file {str(path)!r} already exists; pass overwrite=True "
                "to replace it"
            )
        if path.is_dir():
            _fail(f"the surrogate id map path {str(path)!r} is a directory")
        target = path.with_name(f".{path.name}.{os.getpid()}.tmp") if overwrite else path
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(target, flags, 0o600)
        except FileExistsError:
            _fail(
                f"the surrogate id map file {str(target)!r} already exists; pass "
                "overwrite=True to replace it (or remove a stale temporary file)"
            )
        except OSError as exc:
            _fail(f"cannot create the surrogate id map file {str(path)!r} ({type(exc).__name__})")
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(_MAP_HEADER)
                writer.writerows(self._forward.items())
            if overwrite:
                os.replace(target, path)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | Path) -> SurrogateIdMap:
        """Read a table written by :meth:`save`.

        Raises:
            InvalidInputError: the file is missing, unreadable, not UTF-8, lacks the header,
                has a row without exactly two fields, an empty surrogate, or a repeated original
                or surrogate. Messages give the path and line number, never a value.
        """
        path = Path(path)
        where = f"the surrogate id map file {str(path)!r}"
        try:
            with path.open("r", encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle, strict=True))
        except FileNotFoundError:
            _fail(f"{where} does not exist")
        except UnicodeDecodeError:
            _fail(f"{where} is not UTF-8 text: it is not a surrogate id map")
        except csv.Error as exc:
            _fail(f"{where} is not valid CSV ({type(exc).__name__}): it may be corrupt")
        except OSError as exc:
            _fail(f"cannot read {where} ({type(exc).__name__})")
        if not rows or rows[0] != _MAP_HEADER:
            _fail(f"{where} does not start with the header 'original,surrogate'")
        forward: dict[str, str] = {}
        seen: set[str] = set()
        for line, row in enumerate(rows[1:], start=2):
            if len(row) != 2:
                _fail(f"{where}, line {line}: expected 2 fields, found {len(row)}")
            original, surrogate = row
            if not surrogate:
                _fail(f"{where}, line {line}: empty surrogate id")
            if original in forward:
                _fail(f"{where}, line {line}: an original identifier appears twice")
            if surrogate in seen:
                _fail(f"{where}, line {line}: a surrogate id appears twice")
            forward[original] = surrogate
            seen.add(surrogate)
        return cls(forward)


def assign_surrogate_ids(
    values: pd.Series,
    *,
    rng: np.random.Generator,
    prefix: str = "ID",
    existing: SurrogateIdMap | None = None,
) -> tuple[pd.Series, SurrogateIdMap]:
    """Replace each identifier by a random surrogate id: ``prefix`` + 12 base32 characters
    (60 random bits) drawn from ``rng``.

    HIPAA Safe Harbor (45 CFR 164.514(c)) allows a covered entity to keep a re-identification
    code only if it is **not derived from** the individual's information and the mechanism is
    not disclosed. These surrogates are drawn at random, independent of the value, so nothing
    about the original can be computed from them; the only link back is the returned
    :class:`SurrogateIdMap`, which must stay with the data custodian (never release it or the
    ``rng`` seed).

    Guarantees: the same normalised original (as for :func:`pseudonymize`) gets the same
    surrogate in every row, and in every table when ``existing`` carries the map forward;
    distinct originals get distinct surrogates (collisions are redrawn); new ids are assigned in
    order of first appearance, so the same ``rng`` seed and input give the same ids. Missing
    values stay missing. ``existing`` is not modified.

    Returns:
        A new ``str`` series (same index and name) and the extended map.
    """
    values = _require_series(values)
    if not isinstance(rng, np.random.Generator):
        _fail(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if not isinstance(prefix, str) or _PREFIX_RE.fullmatch(prefix) is None:
        _fail("prefix must be up to 32 characters from A-Z, a-z, 0-9, '_' and '-'")
    if existing is not None and not isinstance(existing, SurrogateIdMap):
        _fail(f"existing must be a SurrogateIdMap, got {type(existing).__name__}")
    forward = existing.as_dict() if existing is not None else {}
    used = set(forward.values())

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    normalised = [None if _is_missing(u) else _normalise_identifier(u) for u in uniques]
    new = list(dict.fromkeys(n for n in normalised if n is not None and n not in forward))
    while new:
        draws = rng.integers(0, len(_BASE32), size=(len(new), _SURROGATE_CHARS))
        ids = [prefix + "".join(row) for row in _BASE32[draws]]
        retry: list[str] = []
        for original, sid in zip(new, ids, strict=True):
            if sid in used:
                retry.append(original)
            else:
                used.add(sid)
                forward[original] = sid
        new = retry

    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[-1] = None
    for i, n in enumerate(normalised):
        mapped[i] = None if n is None else forward[n]
    out = pd.Series(mapped[codes], index=values.index, name=values.name, dtype="str")
    return out, SurrogateIdMap(forward)


# --------------------------------------------------------------------------------------------
# Generalisation
# --------------------------------------------------------------------------------------------

#: The 17 three-digit ZIP prefixes whose areas held 20,000 people or fewer in the 2000 Census
#: (HHS guidance on HIPAA Safe Harbor, 164.514(b)(2)(i)(B)); they must be recoded to 000.
RESTRICTED_ZIP3: frozenset[str] = frozenset(
    {"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878",
     "879", "884", "890", "893"}
)  # fmt: skip

_ZIP_RE = re.compile(r"(\d{5})(?:[- ]?\d{4})?|(\d{3,4})|(\d{7,8})")


@dataclass(frozen=True, slots=True)
class GeneralizationResult:
    """What every generaliser returns.

    Attributes:
        series: the new column (same index and name as the input).
        n_unparseable: present input values that could not be read and were made missing.
        n_recoded: values recoded to the catch-all (ZIP3 ``"000"``, age ``"90+"``; 0 for
            years).
    """

    series: pd.Series
    n_unparseable: int
    n_recoded: int = 0

    def __repr__(self) -> str:
        return (
            f"GeneralizationResult(column={self.series.name!r}, rows={len(self.series)}, "
            f"n_unparseable={self.n_unparseable}, n_recoded={self.n_recoded})"
        )


def _zip5(value: object) -> str | None:
    """The first 5 digits of a US ZIP, or ``None``. ZIPs start at 00501, so an int of 3-5 digits
    is a ZIP that lost its leading zeros and an int of 7-9 digits a ZIP+4 that did."""
    as_int = _as_integral(value)
    if as_int is not None:
        digits = str(as_int) if as_int >= 0 else ""
        if 3 <= len(digits) <= 5:
            return digits.zfill(5)
        if 7 <= len(digits) <= 9:
            return digits.zfill(9)[:5]
        return None
    if not isinstance(value, str):
        return None
    match = _ZIP_RE.fullmatch(value.strip())
    if match is None:
        return None
    five, short, long_ = match.groups()
    if five is not None:
        return five
    if short is not None:
        return short.zfill(5)
    return long_.zfill(9)[:5]


def generalize_zip(values: pd.Series) -> GeneralizationResult:
    """Cut US ZIP codes to their first three digits (HIPAA Safe Harbor 164.514(b)(2)(i)(B)).

    Accepted: strings of 5 digits or ZIP+4 (``"02139"``, ``"02139-1234"``, ``"021391234"``), and
    ints, integral floats or digit strings whose leading zeros were lost (``2139`` -> ``"021"``;
    3-5 digits are padded to a ZIP, 7-9 digits to a ZIP+4, since ZIPs start at 00501). The 17
    restricted prefixes in :data:`RESTRICTED_ZIP3` become ``"000"`` (counted in ``n_recoded``).
    Anything else becomes missing and is counted in ``n_unparseable``. The result is a ``str``
    column of 3-digit strings.
    """
    values = _require_series(values)

    def one(value: object) -> str | None:
        five = _zip5(value)
        return None if five is None else five[:3]

    per_row, _, failed = _map_uniques(values, one)
    restricted = np.fromiter(
        (v in RESTRICTED_ZIP3 for v in per_row), dtype=bool, count=len(per_row)
    )
    per_row[restricted] = "000"
    out = pd.Series(per_row, index=values.index, name=values.name, dtype="str")
    return GeneralizationResult(out, int(failed.sum()), int(restricted.sum()))


_DIGIT_RUN_RE = re.compile(r"\d+")


def _year_written_in(text: str, year: int) -> bool:
    """Whether ``year`` is actually written in ``text`` (pandas/dateutil fill a missing year
    from a default: ``"March 5"`` would otherwise become year 1 or the current year)."""
    yyyy = f"{year:04d}"
    for run in _DIGIT_RUN_RE.findall(text):
        if (
            run == yyyy
            or (len(run) == 2 and int(run) == year % 100)
            or (len(run) >= 6 and yyyy in run)
        ):
            return True
    return False


def _parse_strings_to_years(texts: list[str]) -> list[int | None]:
    """Years of date strings, ``None`` where unparseable; one vectorised parse when possible."""
    if not texts:
        return []
    try:
        parsed = pd.to_datetime(pd.Series(texts, dtype=object), format="mixed", errors="coerce")
        years: list[Any] = list(parsed.dt.year)
    except (ValueError, TypeError, OverflowError):  # e.g. mixed time zones: one at a time
        years = []
        for text in texts:
            try:
                one = pd.to_datetime(pd.Series([text], dtype=object), format="mixed",
                                     errors="coerce")  # fmt: skip
                years.append(one.dt.year.iloc[0])
            except (ValueError, TypeError, OverflowError):
                years.append(None)
    out: list[int | None] = []
    for text, year in zip(texts, years, strict=True):
        if year is None or _is_missing(year) or not _year_written_in(text, int(year)):
            out.append(None)
        else:
            out.append(int(year))
    return out


def generalize_date_to_year(values: pd.Series) -> GeneralizationResult:
    """Reduce dates to their year (HIPAA Safe Harbor 164.514(b)(2)(i)(C) keeps only the year).

    Accepted: a ``datetime64`` column (naive or time-zone aware: the year in that zone), and in
    an object or string column ``datetime``/``date``/``Timestamp``/``numpy.datetime64`` objects
    and date strings in any format pandas' ``format="mixed"`` parser reads (a string must
    actually contain its year: ``"March 5"`` is unparseable, not the current year). Numbers are
    unparseable (a year, an epoch and a spreadsheet serial are indistinguishable). Ambiguous
    day/month order does not matter for the year; two-digit years follow dateutil (``"05"`` ->
    2005). Returns a nullable ``Int64`` column; unparseable values become missing and are
    counted. No warnings are emitted.
    """
    values = _require_series(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        values.dtype
    ):
        years = values.dt.year.astype("Int64")
        return GeneralizationResult(years.rename(values.name), 0)

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    year_of: list[int | None] = [None] * len(uniques)
    text_slots: list[int] = []
    texts: list[str] = []
    for i, u in enumerate(uniques):
        if _is_missing(u):
            continue
        if isinstance(u, datetime | date):  # includes pd.Timestamp
            year_of[i] = u.year
        elif isinstance(u, np.datetime64):
            year_of[i] = pd.Timestamp(u).year
        elif isinstance(u, str):
            text_slots.append(i)
            texts.append(u)
    for i, year in zip(text_slots, _parse_strings_to_years(texts), strict=True):
        year_of[i] = year

    mapped = np.array([*year_of, None], dtype=object)
    per_row = mapped[codes]
    n_missing_in = int((codes == -1).sum())
    n_failed = int(sum(v is None for v in per_row)) - n_missing_in
    out = pd.Series(pd.array(list(per_row), dtype="Int64"), index=values.index, name=values.name)
    return GeneralizationResult(out, n_failed)


_MAX_AGE = 130


def _age_years(value: object) -> int | None:
    """Whole years of age (fractions floored), or ``None`` if not an age in 0..130."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return None
    elif isinstance(value, numbers.Real):
        number = float(value)
    else:
        return None
    if not math.isfinite(number) or number < 0 or number > _MAX_AGE:
        return None
    return math.floor(number)


def generalize_age(values: pd.Series, *, top: int = 90) -> GeneralizationResult:
    """Top-code ages (HIPAA Safe Harbor 164.514(b)(2)(i)(C): ages over 89 aggregate into one
    "90 or older" category).

    Ages from ``top`` up become ``f"{top}+"`` (counted in ``n_recoded``); younger ages become
    their whole-year string (``45.7`` -> ``"45"``; numeric strings accepted). Negative values,
    values above 130, non-numbers and booleans become missing and are counted in
    ``n_unparseable``. ``top`` may be lowered (more protective) but not raised above 90.

    Returns an *ordered categorical* column whose categories are ``"0"`` .. ``str(top - 1)``
    then ``f"{top}+"``, the same for every input (so the category list reveals nothing).
    """
    values = _require_series(values)
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 90:
        _fail("top must be an int from 1 to 90 (Safe Harbor top-codes every age over 89)")
    top_label = f"{top}+"

    def one(value: object) -> str | None:
        years = _age_years(value)
        if years is None:
            return None
        return top_label if years >= top else str(years)

    per_row, _, failed = _map_uniques(values, one)
    categories = [str(a) for a in range(top)] + [top_label]
    cat = pd.Categorical(list(per_row), categories=categories, ordered=True)
    out = pd.Series(cat, index=values.index, name=values.name)
    n_recoded = int(sum(v == top_label for v in per_row))
    return GeneralizationResult(out, int(failed.sum()), n_recoded)
