"""The table schema: each column's kind, its privacy role and its domain.

A column's *domain* (category set, numeric or date bounds) shapes the release, so where it comes
from matters to the guarantee (invariant 1): ``domain_public=True`` means the user declared it as
public knowledge (a code list, a plausible range) and it costs no budget; otherwise the domain
must be measured from the data with a share of the privacy budget before training.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from privacy.errors import InvalidInputError, join_problems

SCHEMA_FORMAT_VERSION = 1


class ColumnKind(StrEnum):
    """What kind of values a column holds."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    DATETIME = "datetime"
    TEXT = "text"


class ColumnRole(StrEnum):
    """What a column means for privacy; decides how each stage treats it."""

    DIRECT_IDENTIFIER = "direct_identifier"  # names a person on its own: dropped before training
    QUASI_IDENTIFIER = "quasi_identifier"  # identifies in combination: measured for risk
    SENSITIVE = "sensitive"  # what an attacker wants to learn (diagnosis, income)
    ENTITY_ID = "entity_id"  # groups rows of one person: bounds contributions, never released
    FREE_TEXT = "free_text"  # notes: redacted, not synthesised yet
    OTHER = "other"  # everything else

    @property
    def is_synthesised(self) -> bool:
        """Whether the generator learns and releases this column."""
        return self in (ColumnRole.QUASI_IDENTIFIER, ColumnRole.SENSITIVE, ColumnRole.OTHER)


#: What ``clearance deidentify`` may do to a column (``privacy.pii.actions.ActionKind`` values).
#: Without one, direct identifiers are dropped, free text is redacted, the rest is kept.
DEIDENTIFY_ACTIONS: tuple[str, ...] = (
    "drop", "pseudonymize", "surrogate_id", "generalize_zip3", "generalize_year",
    "generalize_age", "redact", "surrogate_text", "keep",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``categories`` applies to categorical columns; ``bounds`` to numeric columns (floats) and
    datetime columns (ISO dates); ``bins`` to numeric columns: ascending edges of left-closed
    bins ``[e_i, e_{i+1})`` (the last bin also holds its upper edge), e.g. a code book's income
    bands. All are optional: when absent the domain is measured privately. Declared with
    ``domain_public=True`` they cost no budget.
    ``deidentify`` names the de-identification action for ``clearance deidentify`` (see
    :data:`DEIDENTIFY_ACTIONS`).
    """

    name: str
    kind: ColumnKind
    role: ColumnRole = ColumnRole.OTHER
    categories: tuple[str, ...] | None = None
    bounds: tuple[float, float] | tuple[str, str] | None = None
    bins: tuple[float, ...] | None = None
    domain_public: bool = False
    integer: bool = False
    deidentify: str | None = None

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidInputError(join_problems(problems))

    def problems(self) -> list[str]:
        out: list[str] = []
        if not isinstance(self.name, str) or not self.name.strip():
            out.append("a column needs a non-empty name")
            return out
        if not isinstance(self.kind, ColumnKind):
            out.append(f"column '{self.name}': kind must be a ColumnKind")
        if not isinstance(self.role, ColumnRole):
            out.append(f"column '{self.name}': role must be a ColumnRole")
        if self.categories is not None:
            if self.kind is not ColumnKind.CATEGORICAL:
                out.append(f"column '{self.name}': only categorical columns take categories")
            elif len(self.categories) == 0:
                out.append(f"column '{self.name}': declared categories must not be empty")
            elif len(set(self.categories)) != len(self.categories):
                out.append(f"column '{self.name}': declared categories contain duplicates")
        if self.bounds is not None:
            out.extend(self._bound_problems())
        if self.bins is not None:
            out.extend(self._bin_problems())
        if self.deidentify is not None and self.deidentify not in DEIDENTIFY_ACTIONS:
            out.append(
                f"column '{self.name}': deidentify must be one of {list(DEIDENTIFY_ACTIONS)}"
            )
        if self.domain_public and not self.has_declared_domain:
            out.append(f"column '{self.name}': domain_public needs declared categories or bounds")
        return out

    def _bound_problems(self) -> list[str]:
        assert self.bounds is not None
        if len(self.bounds) != 2:
            return [f"column '{self.name}': bounds must be [low, high]"]
        low, high = self.bounds
        if self.kind is ColumnKind.NUMERIC:
            if not all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high)):
                return [f"column '{self.name}': numeric bounds must be finite numbers"]
        elif self.kind is ColumnKind.DATETIME:
            try:
                low, high = date.fromisoformat(str(low)), date.fromisoformat(str(high))
            except ValueError:
                return [f"column '{self.name}': date bounds must be ISO dates (YYYY-MM-DD)"]
        else:
            return [f"column '{self.name}': only numeric and datetime columns take bounds"]
        if not low < high:  # type: ignore[operator]
            return [f"column '{self.name}': bounds need low < high"]
        return []

    def _bin_problems(self) -> list[str]:
        assert self.bins is not None
        if self.kind is not ColumnKind.NUMERIC:
            return [f"column '{self.name}': only numeric columns take bins"]
        edges = self.bins
        if len(edges) < 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in edges
        ):
            return [f"column '{self.name}': bins must be at least two finite numbers"]
        if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
            return [f"column '{self.name}': bin edges must be strictly increasing"]
        return []

    @property
    def has_declared_domain(self) -> bool:
        return self.categories is not None or self.bounds is not None or self.bins is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind.value, "role": self.role.value}
        if self.categories is not None:
            out["categories"] = list(self.categories)
        if self.bounds is not None:
            out["bounds"] = list(self.bounds)
        if self.bins is not None:
            out["bins"] = list(self.bins)
        if self.domain_public:
            out["domain_public"] = True
        if self.integer:
            out["integer"] = True
        if self.deidentify is not None:
            out["deidentify"] = self.deidentify
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Column:
        known = {
            "name", "kind", "role", "categories", "bounds", "bins", "domain_public", "integer",
            "deidentify",
        }  # fmt: skip
        name = data.get("name", "?")
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInputError(
                f"column '{name}': unknown keys {unknown}; allowed {sorted(known)}"
            )
        try:
            kind = ColumnKind(data["kind"])
            role = ColumnRole(data.get("role", ColumnRole.OTHER.value))
        except KeyError:
            raise InvalidInputError(f"column '{name}': 'kind' is required") from None
        except ValueError:
            raise InvalidInputError(
                f"column '{name}': kind must be one of {[k.value for k in ColumnKind]} and role "
                f"one of {[r.value for r in ColumnRole]}"
            ) from None
        categories = data.get("categories")
        bounds = data.get("bounds")
        bins = data.get("bins")
        if bins is not None and not isinstance(bins, list | tuple):
            raise InvalidInputError(f"column '{name}': bins must be a list of edges")
        return cls(
            name=str(name),
            kind=kind,
            role=role,
            categories=tuple(str(c) for c in categories) if categories is not None else None,
            bounds=tuple(bounds) if bounds is not None else None,  # type: ignore[arg-type]
            bins=tuple(bins) if bins is not None else None,
            domain_public=bool(data.get("domain_public", False)),
            integer=bool(data.get("integer", False)),
            deidentify=str(data["deidentify"]) if data.get("deidentify") is not None else None,
        )


@dataclass(frozen=True)
class Schema:
    """An ordered set of columns with unique names. Immutable; edit with :meth:`with_column`."""

    columns: tuple[Column, ...]
    version: int = field(default=SCHEMA_FORMAT_VERSION)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not self.columns:
            problems.append("a schema needs at least one column")
        seen: set[str] = set()
        for col in self.columns:
            if col.name in seen:
                problems.append(f"column '{col.name}' appears more than once")
            seen.add(col.name)
        entity = [c.name for c in self.columns if c.role is ColumnRole.ENTITY_ID]
        if len(entity) > 1:
            problems.append(f"at most one entity-id column is allowed (got {entity})")
        if problems:
            raise InvalidInputError(join_problems(problems))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def __getitem__(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    def with_role(self, *roles: ColumnRole) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role in roles)

    @property
    def entity_column(self) -> str | None:
        found = self.with_role(ColumnRole.ENTITY_ID)
        return found[0].name if found else None

    @property
    def synthesised(self) -> tuple[Column, ...]:
        """Columns the generator learns and releases (never identifiers, entity ids or text)."""
        return tuple(
            c for c in self.columns if c.role.is_synthesised and c.kind is not ColumnKind.TEXT
        )

    def with_column(self, column: Column) -> Schema:
        """A copy with ``column`` replacing the column of the same name (or appended)."""
        cols = [column if c.name == column.name else c for c in self.columns]
        if column.name not in self:
            cols.append(column)
        return replace(self, columns=tuple(cols))

    def check_table_columns(self, table_columns: Iterable[str]) -> None:
        """Raise if a schema column is absent from the table; list all of them at once."""
        present = set(table_columns)
        missing = [c for c in self.names if c not in present]
        if missing:
            raise InvalidInputError(
                f"the schema names {len(missing)} column(s) the table does not have: {missing}; "
                "fix the schema file or the input table"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schema:
        if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
            raise InvalidInputError("a schema is a JSON object with a 'columns' list")
        version = int(data.get("version", SCHEMA_FORMAT_VERSION))
        if version != SCHEMA_FORMAT_VERSION:
            raise InvalidInputError(
                f"schema format version {version} is not supported (this Clearance reads "
                f"version {SCHEMA_FORMAT_VERSION})"
            )
        problems: list[str] = []
        columns: list[Column] = []
        for raw in data["columns"]:
            try:
                columns.append(Column.from_dict(raw))
            except InvalidInputError as err:
                problems.append(str(err))
            except (TypeError, AttributeError):
                problems.append("each column must be a JSON object")
        if problems:
            raise InvalidInputError(join_problems(problems))
        return cls(columns=tuple(columns), version=version)

    @classmethod
    def load(cls, path: str | Path) -> Schema:
        """Read a schema file (JSON). Errors name the file, never its values."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidInputError(f"schema file {path} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InvalidInputError(
                f"schema file {path} is not readable JSON ({type(err).__name__}); "
                "write it with `clearance scan` or fix its syntax"
            ) from None
        return cls.from_dict(data)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
