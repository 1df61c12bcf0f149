"""The span type every detector returns. Pure Python: no Presidio import."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """One detection: an entity type over ``text[start:end]`` with its score in [0, 1]."""

    entity_type: str
    start: int
    end: int
    score: float
