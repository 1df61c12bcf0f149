"""Reading the user's table at the edge, with errors that say what to do and echo no values."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from privacy.errors import InvalidInputError

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".pq")


def read_table(path: str | Path) -> pd.DataFrame:
    """Load a CSV or Parquet table of at least two rows and one column.

    Raises :class:`InvalidInputError` for a missing, unreadable or corrupt file, an unsupported
    format, or a table too small to protect. Messages never include cell values.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"input file {path} does not exist; check the path")
    if path.is_dir():
        raise InvalidInputError(f"input {path} is a folder; give a CSV or Parquet file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InvalidInputError(
            f"input {path} has suffix '{suffix}'; Clearance reads {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        if suffix == ".csv":
            table = pd.read_csv(path, low_memory=False)
        else:
            table = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise InvalidInputError(f"input {path} is empty; it needs a header and rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as err:
        raise InvalidInputError(
            f"input {path} could not be read as a {suffix.lstrip('.')} table "
            f"({type(err).__name__}); check the file is not corrupt or truncated"
        ) from None
    check_table_shape(table, source=str(path))
    return table


def check_table_shape(table: object, *, source: str = "the input") -> None:
    """Refuse objects that are not tables, and tables too small to protect or learn from."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"{source} must be a pandas DataFrame, got {type(table).__name__}")
    if table.shape[1] == 0:
        raise InvalidInputError(f"{source} has no columns")
    if len(table) == 0:
        raise InvalidInputError(f"{source} has a header but no rows; nothing to release")
    if len(table) == 1:
        raise InvalidInputError(
            f"{source} has one row; a single record cannot be released privately or learnt from"
        )
    if table.columns.duplicated().any():
        raise InvalidInputError(f"{source} has duplicate column names; rename them")


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
