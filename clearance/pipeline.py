"""The release pipeline: scan, de-identify, risk, train, sample, audit, judge, report, write.

Every stage is a function of the previous stages' typed results; the run record collects them and
the report is built from that record alone. Bad input is refused before any expensive work; a
refused or failing run never leaves a folder that looks like a valid release (invariant 7).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audit import PrivacyAttackResult, measure_quality, white_box_likelihood_attack
from audit.black_box import black_box_membership
from audit.model_audit import MIN_POPULATION_ROWS
from clearance.audit_stage import run_model_audit
from clearance.budget_ledger import LedgerReservation, reserve_run_budget
from clearance.config import RunConfig
from clearance.judge import judge_run
from clearance.policy import Policy
from clearance.progress import ProgressFn, no_progress
from clearance.randomness import StageStreams
from clearance.release import ReleaseFile, check_destination, write_atomically
from clearance.report_builder import build_report
from clearance.synthetic_attacks import anonymity_attacks
from clearance.tableio import check_table_shape, read_table, sha256_file
from privacy.accounting import (
    BatchPlan,
    Budget,
    PrivacyStatement,
    PrivacyUnit,
    default_delta,
    plan_batch_size,
    row_budget_for_group,
)
from privacy.contribution import ContributionBound, bound_rows_per_entity
from privacy.errors import InvalidInputError
from privacy.pii import (
    DetectorConfig,
    PIIScan,
    SafeHarborChecklist,
    build_checklist,
    build_detector,
    deidentify,
    propose_schema,
    residual_check,
    scan_table,
)
from privacy.pii.deidentify import schema_actions
from privacy.pii.profiles import parse_profile
from privacy.risk import RiskAssessment, assess_risk, choose_quasi_identifiers
from privacy.schema import ColumnKind, ColumnRole, Schema
from reports import Report, Status, write_report_html, write_report_json
from synth import Boost, DPGenerator, TrainingConfig, build_validators, parse_rule

MAX_AUDIT_TARGETS = 1000


@dataclass
class RunRecord:
    """Everything measured in one run: the only input of the judge and the report."""

    config: RunConfig
    policy: Policy
    schema: Schema
    input_sha256: str
    n_rows: int
    n_columns: int
    started_at: str
    seeded: bool
    left_out_columns: tuple[str, ...] = ()
    scan: PIIScan | None = None
    deidentification: Any = None
    safe_harbor: SafeHarborChecklist | None = None
    split: dict[str, int] = field(default_factory=dict)
    bound: ContributionBound | None = None
    risk: RiskAssessment | None = None
    risk_note: str = ""  # why no risk was measured, when none was
    attacks: tuple[PrivacyAttackResult, ...] = ()  # singling out, linkability, inference
    training: Any = None
    statement: PrivacyStatement | None = None
    ledger: dict[str, Any] | None = None  # the dataset's budget ledger after this run
    plan: BatchPlan | None = None  # the logical batch sizes considered, and the one used
    sampling: dict[str, Any] | None = None  # validators' drops, boost shares (counts only)
    synthetic_rows: int = 0
    membership: Any = None  # the loss attack on the release model itself (white-box)
    black_box: Any = None  # DOMIAS and DCR on the released synthetic table
    model_audit: Any = None  # canaries, offline LiRA and empirical epsilon on audit models
    model_audit_note: str = ""  # why no model audit ran, when it was skipped
    quality: Any = None
    stage_errors: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOutcome:
    """Where the run's files went and what the judge decided."""

    verdict: Status
    report: Report
    release_dir: Path | None  # the release folder, or None when the run was refused
    rejected_dir: Path | None  # the report of a refused run (no data, no manifest)


def prepare_inputs(config: RunConfig) -> tuple[pd.DataFrame, Schema | None, Policy]:
    """Read and check every input before any expensive work; raise on the first unusable one."""
    check_destination(config.out_dir, overwrite=config.overwrite)
    policy = Policy.resolve(config.policy_path)
    schema = Schema.load(config.schema_path) if config.schema_path else None
    table = read_table(config.input_path)
    if schema is not None:
        schema.check_table_columns(table.columns)
    return table, schema, policy


def run_release(
    config: RunConfig,
    *,
    detector: Any = None,
    progress: ProgressFn = no_progress,
) -> RunOutcome:
    """Run every stage on ``config.input_path`` and write the release (or a refusal report).

    Raises :class:`privacy.errors.ClearanceError` for unusable input before anything is written.
    """
    table, declared_schema, policy = prepare_inputs(config)
    return run_release_on_table(
        table,
        config=config,
        declared_schema=declared_schema,
        policy=policy,
        input_sha256=sha256_file(config.input_path),
        detector=detector,
        progress=progress,
    )


def run_release_on_table(
    table: pd.DataFrame,
    *,
    config: RunConfig,
    declared_schema: Schema | None,
    policy: Policy,
    input_sha256: str,
    detector: Any = None,
    progress: ProgressFn = no_progress,
) -> RunOutcome:
    check_table_shape(table)
    streams = StageStreams.from_seed(config.seed)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    clock = _Clock()

    # Cheap checks first: the privacy unit count decides whether delta is possible at all.
    entity = declared_schema.entity_column if declared_schema else None
    n_units = _count_training_units(table, entity, config.holdout_share)
    delta = config.delta if config.delta is not None else min(default_delta(n_units), policy.max_delta)
    budget = Budget(config.epsilon, delta)
    unit = PrivacyUnit.ENTITY if entity else PrivacyUnit.ROW
    budget.check_delta_for(n_units, unit)
    group_size = config.max_rows_per_entity if entity else 1
    row_epsilon, row_delta = row_budget_for_group(budget.epsilon, budget.delta, group_size=group_size)
    training_budget = Budget(row_epsilon, row_delta)

    with reserve_run_budget(config, budget, input_sha256=input_sha256) as reservation:
        return _run_stages(
            table, config=config, declared_schema=declared_schema, policy=policy,
            input_sha256=input_sha256, detector=detector, progress=progress, streams=streams,
            started=started, clock=clock, budget=budget, training_budget=training_budget,
            unit=unit, entity=entity, group_size=group_size, reservation=reservation,
        )


def _run_stages(
    table: pd.DataFrame,
    *,
    config: RunConfig,
    declared_schema: Schema | None,
    policy: Policy,
    input_sha256: str,
    detector: Any,
    progress: ProgressFn,
    streams: StageStreams,
    started: str,
    clock: _Clock,
    budget: Budget,
    training_budget: Budget,
    unit: PrivacyUnit,
    entity: str | None,
    group_size: int,
    reservation: LedgerReservation,
) -> RunOutcome:
    with clock("scan"):
        progress("load PII models", 0, 0)
        if detector is None:
            detector = build_detector(
                DetectorConfig(profile=parse_profile(config.pii_profile), n_process=0)
            )
        scan = scan_table(
            table,
            detector=detector,
            sample_size=config.pii_sample_size,
            rng=streams["scan"],
            progress=lambda done, total: progress("scan columns", done, total),
        )
    schema = declared_schema if declared_schema is not None else infer_schema(table, scan)
    _check_sampling_requests(config, schema)
    left_out = tuple(c for c in table.columns if c not in schema)
    record = RunRecord(
        config=config,
        policy=policy,
        schema=schema,
        input_sha256=input_sha256,
        n_rows=len(table),
        n_columns=table.shape[1],
        started_at=started,
        seeded=streams.seeded,
        left_out_columns=left_out,
        scan=scan,
    )

    with clock("de-identify"):
        # Columns outside the schema never reach the release; declared or proposed direct
        # identifiers are dropped. A column the scan flags but the user's schema releases is
        # kept as declared and judged as residual PII (FAIL), never silently overridden.
        actions = release_actions(schema)
        kept = table[list(schema.names)]
        clean, record.deidentification = deidentify(
            kept,
            actions=actions,
            detector=detector,
            identifier_entities=scan.identifier_entities(),
            surrogate_seed=int(streams["surrogates"].integers(2**31)),
            progress=lambda done, total: progress("redact free text", done, total),
        )
        progress("check residual identifiers", 0, 0)
        residual = residual_check(
            clean,
            original=kept,
            removed=record.deidentification.removed_identifiers,
            detector=detector,
            rng=streams["rescan"],
            sample_size=config.pii_sample_size,
        )
        record.safe_harbor = build_checklist(
            scan, record.deidentification.actions, residual, profile=detector.profile.value
        )

    with clock("risk"):
        progress("re-identification risk", 0, 0)
        record.risk = _guarded(
            record, "re-identification risk",
            lambda: _assess_real_table(record, clean, schema, policy, streams["risk"]),
        )

    train, holdout, record.split = _split_by_entity(clean, entity, config.holdout_share, streams["split"])
    if entity:
        train, record.bound = bound_rows_per_entity(
            train, entity_column=entity, max_rows_per_entity=group_size, rng=streams["bound"]
        )
        holdout, _ = bound_rows_per_entity(
            holdout, entity_column=entity, max_rows_per_entity=group_size, rng=streams["bound"]
        )
    released = [c.name for c in schema.synthesised]
    if not released:
        raise InvalidInputError(
            "no column is left to synthesise: every column is an identifier, entity id or free "
            "text; mark some columns as quasi_identifier, sensitive or other in the schema"
        )

    with clock("train"):
        settings = config.training
        record.plan = plan_batch_size(  # DP-SGD samples training rows (entities are bounded)
            len(train),
            epsilon=training_budget.epsilon,
            delta=training_budget.delta,
            epochs=settings.epochs,
            accountant=config.accountant,
            batch_sizes=(settings.logical_batch_size,) if settings.logical_batch_size else None,
        )
        chosen = record.plan.chosen
        target = _target_column(schema, config.target_column)
        leading = [c for c in (config.boost[0] if config.boost else None, target) if c in released]
        generator = DPGenerator(
            schema,
            TrainingConfig(
                epochs=settings.epochs,
                logical_batch_size=chosen.batch_size,
                max_physical_batch_size=min(settings.max_physical_batch_size, chosen.batch_size),
                learning_rate=settings.learning_rate or chosen.learning_rate,
                max_grad_norm=settings.max_grad_norm,
                domain_share=settings.domain_share,
                marginal_share=settings.marginal_share,
                accountant=config.accountant,
                first_columns=tuple(dict.fromkeys(leading)),
            ),
        )
        reservation.training_started()
        record.training = generator.fit(
            train[released],
            budget=training_budget,
            rng=streams["train"],
            progress=progress,
        )
        record.statement = PrivacyStatement(
            unit=unit,
            spends=tuple(record.training.spends),
            requested=budget,
            n_units=record.bound.n_entities if record.bound is not None else len(train),
            group_size=group_size,
        )
        record.ledger = reservation.commit(record.statement.epsilon, record.statement.delta)

    with clock("sample"):
        n_out = config.synthetic_rows or len(table)
        progress("sample", 0, n_out)
        sampled = generator.sampler().sample(
            n_out,
            rng=streams["sample"],
            boost=Boost(*config.boost) if config.boost else None,
            validators=build_validators(generator.encoder, config.rules),
        )
        synthetic = sampled.table
        record.sampling = sampled.to_dict()
        record.synthetic_rows = len(synthetic)
        progress("sample", n_out, n_out)

    with clock("audit"):
        progress("membership inference", 0, 0)
        members, non_members = _audit_targets(train[released], holdout[released], streams["audit"])
        record.membership = _guarded(
            record, "membership inference",
            lambda: white_box_likelihood_attack(generator, members=members, non_members=non_members),
        )
        progress("black-box membership inference", 0, 0)
        record.black_box = _guarded(
            record, "black-box membership inference",
            lambda: black_box_membership(
                real_members=train[released], control=holdout[released], synthetic=synthetic,
                rng=streams["audit"], n_targets=MAX_AUDIT_TARGETS, **_column_kinds(schema),
            ),
        )

    if config.audit_models and len(train) < MIN_POPULATION_ROWS:
        record.model_audit_note = (
            f"the training table has {len(train)} rows; audit models need at least "
            f"{MIN_POPULATION_ROWS} to split into halves and plant canaries"
        )
    elif config.audit_models:
        with clock("model audit"):
            # Invariant 5: audit models are twins of the release model trained on their own
            # tables (halves of the training rows plus canaries); the release is already drawn.
            record.model_audit = _guarded(
                record, "model audit (canaries, LiRA, empirical epsilon)",
                lambda: run_model_audit(
                    train[released], schema=schema, training=generator.config,
                    budget=training_budget, n_models=config.audit_models,
                    rng=streams["audit models"], progress=progress,
                ),
            )

    with clock("attacks"):
        progress("singling out, linkability, inference", 0, 0)
        record.attacks = _guarded(
            record, "singling-out, linkability and inference attacks",
            lambda: _anonymity_attacks(
                record, train[released], holdout[released], synthetic, streams["attacks"]
            ),
        ) or ()

    with clock("quality"):
        progress("quality", 0, 0)
        record.quality = _guarded(
            record, "quality",
            lambda: measure_quality(
                real_train=train[released],
                real_holdout=holdout[released],
                synthetic=synthetic,
                target=_target_column(schema, config.target_column),
                categorical=[c.name for c in schema.synthesised if c.kind is ColumnKind.CATEGORICAL],
                numeric=[c.name for c in schema.synthesised if c.kind is ColumnKind.NUMERIC],
                datetime=[c.name for c in schema.synthesised if c.kind is ColumnKind.DATETIME],
                rng=streams["quality"],
            ),
        )
    record.timings = clock.timings

    findings = judge_run(record)
    report = build_report(record, findings)
    return _write_outcome(record, report, synthetic)


def _assess_real_table(
    record: RunRecord, clean: pd.DataFrame, schema: Schema, policy: Policy, rng: np.random.Generator
) -> RiskAssessment | None:
    """The de-identified real table's re-identification risk, over the schema's
    quasi-identifiers (or proposed ones), with the first sensitive column as the sensitive
    attribute and the policy's record threshold. None, with ``record.risk_note`` saying why,
    when no column can serve as a quasi-identifier."""
    released = clean[[c.name for c in schema.synthesised if c.name in clean.columns]]
    try:
        choice = choose_quasi_identifiers(released, schema=schema, rng=rng)
    except InvalidInputError as err:
        record.risk_note = str(err)
        return None
    sensitive = next(
        (c.name for c in schema.with_role(ColumnRole.SENSITIVE)
         if c.name in released.columns and c.name not in choice.columns),
        None,
    )
    return assess_risk(
        released,
        quasi_identifiers=choice,
        sensitive=sensitive,
        sampling_fraction=record.config.sampling_fraction,
        risk_threshold=policy.max_record_reidentification_risk,
    )


def _anonymity_attacks(
    record: RunRecord,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[PrivacyAttackResult, ...]:
    """Singling out, linkability and inference (Article 29 WP) on the synthetic release:
    targets are training rows, the control is held-out rows; the attacker knows the real
    table's quasi-identifiers and wants each sensitive column."""
    known = [c for c in (record.risk.quasi_identifiers.columns if record.risk else ())
             if c in train.columns]
    if not known:
        known = [c.name for c in record.schema.with_role(ColumnRole.QUASI_IDENTIFIER)
                 if c.name in train.columns]
    return anonymity_attacks(
        train=train, holdout=holdout, synthetic=synthetic,
        kinds={name: record.schema[name].kind.value for name in train.columns},
        known_columns=known,
        sensitive_columns=[c.name for c in record.schema.with_role(ColumnRole.SENSITIVE)],
        rng=rng,
    )


def infer_schema(table: pd.DataFrame, scan: PIIScan) -> Schema:
    """A schema proposed from the PII scan and column types, when the user declared none
    (:func:`privacy.pii.propose_schema`). No domain is declared, so every domain is measured
    privately during training."""
    return propose_schema(table, scan, safe_harbor=False)


#: De-identification actions a synthetic release can apply; pseudonyms and surrogate ids keep a
#: link to the person and belong to ``clearance deidentify``, not to a DP release.
_RELEASE_ACTIONS = frozenset(
    {"drop", "redact", "surrogate_text", "generalize_zip3", "generalize_year", "generalize_age",
     "keep"}
)  # fmt: skip


def release_actions(schema: Schema) -> dict[str, str]:
    """The action per column for a release: the schema's ``deidentify`` entries, direct
    identifiers dropped and free text redacted by default. Refuses linkable actions."""
    actions = schema_actions(
        schema, {ColumnRole.DIRECT_IDENTIFIER: "drop", ColumnRole.FREE_TEXT: "redact"}
    )
    linkable = [c for c, a in actions.items() if a not in _RELEASE_ACTIONS]
    if linkable:
        raise InvalidInputError(
            f"column(s) {linkable}: pseudonyms and surrogate ids keep a link to the person and "
            "are for `clearance deidentify`; a synthetic release drops identifiers. Use drop, "
            "or a generalisation"
        )
    return actions


def _count_training_units(table: pd.DataFrame, entity: str | None, holdout_share: float) -> int:
    if entity is not None:
        if entity not in table.columns:
            raise InvalidInputError(f"entity column '{entity}' is not in the table")
        n = int(table[entity].nunique(dropna=True)) + int(table[entity].isna().sum())
    else:
        n = len(table)
    return n - _holdout_size(n, holdout_share)


def _holdout_size(n_units: int, share: float) -> int:
    return max(1, int(round(n_units * share)))


def _split_by_entity(
    table: pd.DataFrame, entity: str | None, share: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Hold out a share of the *entities* (all their rows), never used for training or domains."""
    if entity is None:
        keys = np.arange(len(table))
        row_keys = keys
    else:
        codes, uniques = pd.factorize(table[entity], use_na_sentinel=True)
        # Each missing id is its own entity.
        n_missing = int((codes < 0).sum())
        codes = codes.copy()
        codes[codes < 0] = np.arange(len(uniques), len(uniques) + n_missing)
        keys = np.arange(len(uniques) + n_missing)
        row_keys = codes
    n_holdout = _holdout_size(len(keys), share)
    held = np.zeros(len(keys), dtype=bool)
    held[rng.permutation(len(keys))[:n_holdout]] = True
    in_holdout = held[row_keys]
    train = table[~in_holdout].reset_index(drop=True)
    holdout = table[in_holdout].reset_index(drop=True)
    return train, holdout, {
        "units": len(keys),
        "holdout_units": n_holdout,
        "train_rows": len(train),
        "holdout_rows": len(holdout),
    }


def _audit_targets(
    train: pd.DataFrame, holdout: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = min(len(train), len(holdout), MAX_AUDIT_TARGETS)
    members = train.iloc[rng.choice(len(train), size=n, replace=False)].reset_index(drop=True)
    non_members = holdout.iloc[rng.choice(len(holdout), size=n, replace=False)].reset_index(drop=True)
    return members, non_members


def _column_kinds(schema: Schema) -> dict[str, list[str]]:
    """The released columns by kind, as the black-box attacks take them."""
    by_kind = {"numeric": ColumnKind.NUMERIC, "categorical": ColumnKind.CATEGORICAL,
               "datetime": ColumnKind.DATETIME}
    return {
        name: [c.name for c in schema.synthesised if c.kind is kind]
        for name, kind in by_kind.items()
    }


def _target_column(schema: Schema, requested: str | None) -> str | None:
    if requested is not None:
        if requested not in {c.name for c in schema.synthesised}:
            raise InvalidInputError(f"target column '{requested}' is not a released column")
        return requested
    for col in schema.with_role(ColumnRole.SENSITIVE):
        if col.kind is ColumnKind.CATEGORICAL:
            return col.name
    return None


def _check_sampling_requests(config: RunConfig, schema: Schema) -> None:
    """Refuse a bad --boost or --rule before training spends any budget (names, not values)."""
    kinds = {c.name: c.kind for c in schema.synthesised}
    problems = []
    if config.boost is not None:
        column, value, _ = config.boost
        col = schema[column] if column in schema else None
        if col is None or column not in kinds or col.kind is not ColumnKind.CATEGORICAL:
            problems.append(f"--boost: '{column}' is not a released categorical column")
        elif col.domain_public and col.categories is not None and value not in col.categories:
            problems.append(f"--boost: the class is not one of the declared categories of '{column}'")
    for rule in config.rules:
        try:
            parse_rule(rule, kinds=kinds)
        except InvalidInputError as err:
            problems.append(str(err))
    if problems:
        raise InvalidInputError("; ".join(problems))


def _guarded(record: RunRecord, stage: str, work: Any) -> Any:
    """Run an audit stage; a failure becomes an ERROR finding, never silently dropped."""
    try:
        return work()
    except Exception as err:  # noqa: BLE001 - any failure must surface as an ERROR finding
        record.stage_errors[stage] = type(err).__name__
        return None


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def __call__(self, stage: str) -> _Clock:
        self._stage = stage
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self._stage] = round(time.perf_counter() - self._start, 3)


def _write_outcome(record: RunRecord, report: Report, synthetic: pd.DataFrame) -> RunOutcome:
    config = record.config
    report_files = [
        ReleaseFile("report.json", lambda p: write_report_json(report, p)),
        ReleaseFile("report.html", lambda p: write_report_html(report, p)),
    ]
    if report.verdict in (Status.PASS, Status.WARN):
        files = [ReleaseFile("synthetic.csv", lambda p: synthetic.to_csv(p, index=False)), *report_files]
        manifest = {
            "kind": "clearance-release",
            "verdict": report.verdict.value,
            "input_sha256": record.input_sha256,
            "config_sha256": config.sha256(),
            "config": config.to_dict(),
            "schema_sha256": sha256_file(config.schema_path) if config.schema_path else None,
            "policy": record.policy.name,
            "created_at": report.provenance.created_at,
            "versions": dict(report.provenance.versions),
            "guarantee": report.guarantee,
        }
        write_atomically(config.out_dir, files, manifest_extra=manifest, overwrite=config.overwrite)
        return RunOutcome(report.verdict, report, config.out_dir, None)
    rejected = config.out_dir.with_name(config.out_dir.name + ".rejected")
    write_atomically(rejected, report_files, manifest_extra=None, overwrite=True)
    return RunOutcome(report.verdict, report, None, rejected)
