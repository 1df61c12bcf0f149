"""Writing a release folder atomically, with a manifest of SHA-256 hashes (invariant 7).

Files are written into a hidden temporary folder beside the destination and the folder is renamed
into place only when every file is complete, so a crash or a refused run never leaves a folder
that looks like a valid release. ``verify_release`` lets a receiving site check the hashes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.tableio import sha256_file
from privacy.errors import InvalidInputError

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1

FileWriter = Callable[[Path], None]


@dataclass(frozen=True)
class ReleaseFile:
    """A file of the release: its name and a function that writes it to a given path."""

    name: str
    write: FileWriter


def check_destination(out_dir: Path, *, overwrite: bool) -> None:
    """Refuse an existing destination unless overwriting was asked for. Called before any work."""
    if out_dir.exists() and not overwrite:
        raise InvalidInputError(
            f"output folder {out_dir} already exists; choose another --out or pass --overwrite"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInputError(f"output path {out_dir} exists and is not a folder")
    parent = out_dir.resolve().parent
    if not parent.exists():
        raise InvalidInputError(f"the folder {parent} that should hold the release does not exist")


def write_atomically(
    out_dir: Path,
    files: list[ReleaseFile],
    *,
    manifest_extra: dict[str, Any] | None,
    overwrite: bool,
) -> Path:
    """Write ``files`` (and, if ``manifest_extra`` is given, a manifest hashing them) into
    ``out_dir`` in one rename. On any error nothing is left at ``out_dir`` that was not there."""
    check_destination(out_dir, overwrite=overwrite)
    parent = out_dir.resolve().parent
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=parent))
    try:
        hashes: dict[str, str] = {}
        for item in files:
            target = staging / item.name
            item.write(target)
            hashes[item.name] = sha256_file(target)
        if manifest_extra is not None:
            manifest = {"manifest_version": MANIFEST_VERSION, **manifest_extra, "files": hashes}
            (staging / MANIFEST_NAME).write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
        for path in staging.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    trash = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    os.replace(out_dir, trash)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(trash, out_dir)
        raise
    shutil.rmtree(trash, ignore_errors=True)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: tuple[str, ...]
    problems: tuple[str, ...]


def verify_release(release_dir: Path) -> VerifyResult:
    """Check every file listed in the manifest against its SHA-256, and that nothing is missing
    or unlisted."""
    manifest_path = release_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise InvalidInputError(f"{release_dir} has no {MANIFEST_NAME}; it is not a release folder")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed: dict[str, str] = dict(manifest["files"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        raise InvalidInputError(f"{manifest_path} is corrupt; the release cannot be verified") from None
    problems = []
    for name, expected in sorted(listed.items()):
        path = release_dir / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != expected:
            problems.append(f"{name} does not match its hash: it was changed after release")
    extra = sorted(
        p.name for p in release_dir.iterdir() if p.name != MANIFEST_NAME and p.name not in listed
    )
    problems.extend(f"{name} is not listed in the manifest" for name in extra)
    return VerifyResult(ok=not problems, checked=tuple(sorted(listed)), problems=tuple(problems))
