"""Writing the CLI's output files: refused when they would overwrite without permission, written
to a temporary name and renamed, so an interrupted command leaves no half-written file."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from privacy.errors import InvalidInputError


def check_output(path: Path, overwrite: bool) -> None:
    """Refuse an output path that exists (unless ``overwrite``) or whose folder does not."""
    if path.exists() and not overwrite:
        raise InvalidInputError(f"{path} already exists; pass --overwrite to replace it")
    if not path.parent.exists():
        raise InvalidInputError(f"the folder of {path} does not exist; create it first")


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary name beside ``path``, then rename it into place."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_atomically(
        path, lambda p: p.write_text(json.dumps(data, indent=2, default=str) + "\n", "utf-8")
    )


def progress_bar(total: int, desc: str) -> Any:
    """A tqdm bar on stderr (stdout stays for results)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, dynamic_ncols=True, leave=True)
