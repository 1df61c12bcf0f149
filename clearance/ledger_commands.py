"""``clearance ledger``: read a dataset's privacy-budget ledger, or change its limit on purpose."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK = 0


def add_ledger_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ledger = sub.add_parser(
        "ledger",
        help="show a dataset's privacy-budget ledger, or change its limit",
        description="Every `clearance run` adds its spend to the ledger of its input (a "
        "*.clearance-ledger.json file next to the data, or in --ledger-dir) and is refused "
        "when it would take the dataset past the ledger's limit.",
    )
    actions = ledger.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print the limit, what is spent and reserved, and every run")
    show.add_argument("ledger", type=Path, metavar="LEDGER", help="the *.clearance-ledger.json file")
    limit = actions.add_parser("set-limit", help="raise or lower a dataset's limit (recorded)")
    limit.add_argument("ledger", type=Path, metavar="LEDGER")
    limit.add_argument("--epsilon", type=float, required=True, help="the new epsilon limit")
    limit.add_argument("--delta", type=float, required=True, help="the new delta limit")
    limit.add_argument("--reason", required=True,
                       help="why (who approved it); kept in the ledger's history")


def run_ledger_command(args: argparse.Namespace) -> int | None:
    if args.command != "ledger":
        return None
    from privacy.accounting import BudgetLedger

    fingerprint = _stored_fingerprint(args.ledger)
    ledger = BudgetLedger.open(args.ledger, fingerprint=fingerprint)
    if args.ledger_command == "set-limit":
        status = ledger.change_limit(
            epsilon_limit=args.epsilon, delta_limit=args.delta, reason=args.reason
        )
    else:
        status = ledger.status()
    print(f"ledger {args.ledger.name} (dataset sha256 {fingerprint[:16]}...)")
    print("  composition: basic (runs add up)")
    print(f"  limit      epsilon {status.epsilon_limit:<10.4g} delta {status.delta_limit:.3g}")
    print(f"  spent      epsilon {status.epsilon_spent:<10.4g} delta {status.delta_spent:.3g}")
    print(f"  reserved   epsilon {status.epsilon_reserved:<10.4g} delta {status.delta_reserved:.3g}")
    print(f"  remaining  epsilon {status.epsilon_remaining:<10.4g} delta {status.delta_remaining:.3g}")
    for entry in status.entries:
        spend = f"epsilon {entry.epsilon:.4g}, delta {entry.delta:.3g}"
        print(f"  {entry.timestamp}  {entry.status.value:<13} {spend}  {entry.description}")
    return EXIT_OK


def _stored_fingerprint(path: Path) -> str:
    """The dataset fingerprint the ledger file names (the command trusts the file it is
    pointed at; the ledger itself checks its integrity when opened)."""
    import json

    from privacy.accounting import LedgerDamagedError
    from privacy.errors import InvalidInputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"ledger file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise LedgerDamagedError(
            f"ledger file {path} is damaged (not readable JSON); runs on its dataset are refused "
            "until it is restored from a backup"
        ) from None
    fingerprint = data.get("fingerprint") if isinstance(data, dict) else None
    if not isinstance(fingerprint, str):
        raise LedgerDamagedError(f"ledger file {path} names no dataset fingerprint")
    return fingerprint
