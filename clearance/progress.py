"""Progress reporting: library code calls a callback; only the CLI decides how to show it."""

from __future__ import annotations

from collections.abc import Callable

# progress(stage, done, total): total 0 means "stage started" with no known length.
ProgressFn = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default: report nothing."""
