"""The pipeline's use of the per-dataset budget ledger (invariant 8).

A run reserves its whole requested (epsilon, delta) in the dataset's ledger before it reads the
table for anything private, commits the spend its privacy statement reports once training is
done, and cancels the reservation only when it stopped before training began (nothing
differentially private was computed, so nothing was spent). A run that dies during or after
training keeps its reservation: the ledger cannot know how far it got, so it counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from clearance.config import RunConfig
from privacy.accounting import Budget, BudgetLedger, ledger_path_for
from privacy.errors import PrivacyBudgetError

#: Lifetime epsilon of a dataset whose ledger the first run creates, unless the user sets one:
#: four releases at the default policy's epsilon = 1.
DEFAULT_DATASET_EPSILON_LIMIT = 4.0
#: The delta limit of a new ledger is this many times the first run's delta.
DEFAULT_DATASET_DELTA_RUNS = 4


class LedgerReservation:
    """One run's reservation in its dataset's ledger."""

    def __init__(self, ledger: BudgetLedger, run_id: str) -> None:
        self._ledger = ledger
        self.run_id = run_id
        self._training_started = False
        self._committed = False

    def training_started(self) -> None:
        """From now on a failure keeps the reservation: private data reached the training."""
        self._training_started = True

    def commit(self, epsilon: float, delta: float) -> dict[str, Any]:
        """Record the actual spend; returns the ledger's status for the report."""
        status = self._ledger.commit(self.run_id, epsilon=epsilon, delta=delta)
        self._committed = True
        return {"path": self._ledger.path.name, **status.to_dict()}

    def abandon(self) -> None:
        if self._committed or self._training_started:
            return
        self._ledger.release_reservation(
            self.run_id, reason="the run stopped before training; no DP output was computed"
        )


@contextmanager
def reserve_run_budget(
    config: RunConfig, budget: Budget, *, input_sha256: str
) -> Iterator[LedgerReservation]:
    """Reserve ``budget`` in the input's ledger for the duration of a run.

    Raises :class:`privacy.accounting.BudgetExceededError` when the dataset's remaining budget
    is smaller than the request, before any work is done.
    """
    run_id = uuid.uuid4().hex
    path = ledger_path_for(config.input_path, config.ledger_dir, fingerprint=input_sha256)
    if path.exists():
        ledger = BudgetLedger.open(path, fingerprint=input_sha256)
        stored = ledger.status()
        asked = (config.dataset_epsilon_limit, config.dataset_delta_limit)
        if (asked[0] is not None and asked[0] != stored.epsilon_limit) or (
            asked[1] is not None and asked[1] != stored.delta_limit
        ):
            raise PrivacyBudgetError(
                f"the dataset's ledger {path.name} already has the limit epsilon = "
                f"{stored.epsilon_limit:g}, delta = {stored.delta_limit:g}; a limit changes only "
                "deliberately: `clearance ledger set-limit LEDGER --epsilon E --delta D --reason "
                "TEXT`"
            )
    else:
        ledger = BudgetLedger.open_or_create(
            path,
            fingerprint=input_sha256,
            epsilon_limit=config.dataset_epsilon_limit or DEFAULT_DATASET_EPSILON_LIMIT,
            delta_limit=config.dataset_delta_limit
            or min(budget.delta * DEFAULT_DATASET_DELTA_RUNS, 0.5),
        )
    ledger.reserve(
        run_id,
        epsilon=budget.epsilon,
        delta=budget.delta,
        description="clearance run: domain measurement and DP-SGD training",
    )
    reservation = LedgerReservation(ledger, run_id)
    try:
        yield reservation
    except BaseException:
        reservation.abandon()
        raise
