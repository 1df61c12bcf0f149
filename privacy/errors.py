"""Errors Clearance raises on purpose. Messages say what was wrong and what to do, and never
contain a raw value from the user's table (invariant 6): only column names, counts and types."""


class ClearanceError(Exception):
    """Base class of every error Clearance raises deliberately."""


class InvalidInputError(ClearanceError, ValueError):
    """The caller's input (table, schema, configuration, file) cannot be used as given."""


class PrivacyBudgetError(ClearanceError, ValueError):
    """A privacy parameter is impossible or would break a guarantee (epsilon <= 0, delta >= 1/n,
    a spend beyond the budget)."""


def join_problems(problems: list[str]) -> str:
    """One message that lists every problem found, so the user can fix them all at once."""
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems: " + "; ".join(problems)
