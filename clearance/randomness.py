"""One root seed split into an independent random stream per pipeline stage (STYLE rule 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STAGES = (
    "split", "bound", "scan", "train", "sample", "audit", "quality", "surrogates", "rescan",
    "risk", "attacks", "audit models",
)  # fmt: skip


@dataclass(frozen=True)
class StageStreams:
    """Independent generators for each stage, spawned from one ``SeedSequence``.

    With ``seed=None`` the root entropy comes from the operating system and is not recorded, so
    the DP noise cannot be reproduced from anything in the release.
    """

    streams: dict[str, np.random.Generator]
    seeded: bool

    @classmethod
    def from_seed(cls, seed: int | None) -> StageStreams:
        root = np.random.SeedSequence(seed)
        children = root.spawn(len(STAGES))
        return cls(
            streams={name: np.random.default_rng(child) for name, child in zip(STAGES, children, strict=True)},
            seeded=seed is not None,
        )

    def __getitem__(self, stage: str) -> np.random.Generator:
        return self.streams[stage]
