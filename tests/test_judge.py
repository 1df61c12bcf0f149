"""The judge on real measurements: a generator trained without DP on few rows memorises them,
and the membership audit and judge must flag it; the same generator under DP must pass.

Tolerance: with n members and n non-members the Hanley-McNeil standard error at AUC 0.5 is about
sqrt((2n + 1) / (12 n^2)), 0.02 for n = 400: a DP model at epsilon 1 (whose AUC is bounded near
0.5 + O(epsilon)) stays under the policy's 0.6, and a memorising model far above it.
"""

import numpy as np
import pytest

from audit import white_box_likelihood_attack
from clearance.demo_data import demo_schema, generate_admissions
from clearance.judge import judge_membership
from clearance.policy import Policy
from privacy.accounting import Budget
from privacy.contribution import keep_one_row_per_entity
from reports import Status
from synth import DPGenerator, TrainingConfig


@pytest.fixture(scope="module")
def split():
    table = generate_admissions(1600, rng=np.random.default_rng(5))
    bounded, _ = keep_one_row_per_entity(table, entity_column="patient_id", rng=np.random.default_rng(6))
    released = [c.name for c in demo_schema().synthesised]
    bounded = bounded[released]
    return bounded.iloc[:400].reset_index(drop=True), bounded.iloc[400:800].reset_index(drop=True)


def _audit(private: bool, split) -> Status:
    members, non_members = split
    generator = DPGenerator(
        demo_schema(),
        TrainingConfig(epochs=60, logical_batch_size=128, max_physical_batch_size=128,
                       learning_rate=1e-2, private=private),
    )
    generator.fit(members, budget=Budget(1.0, 1e-4), rng=np.random.default_rng(7))
    result = white_box_likelihood_attack(generator, members=members, non_members=non_members)
    findings = judge_membership(result, Policy.preset("default"), check="mia", title="loss attack")
    return next(f.status for f in findings if f.check_id == "mia.auc"), result.auc.value


def test_a_non_private_generator_is_flagged(split):
    status, auc = _audit(False, split)
    assert status is Status.FAIL, auc


def test_the_same_generator_under_dp_passes(split):
    status, auc = _audit(True, split)
    assert status is not Status.FAIL, auc


# -- singling out, linkability and inference on the release -------------------------------------
# A "release" that copies its training rows must FAIL: every target is linked and its secret
# inferred, while held-out rows are not, so the residual risk's whole Wilson interval lies far
# above the policy's 0.10. A release drawn independently from the same distribution must not
# FAIL: its residual risk is 0 in expectation, and FAIL needs the whole interval above 0.10.


def _attack_findings(split, synthetic):
    from audit import inference_attack, linkability_attack, singling_out_attack
    from clearance.judge import judge_synthetic_attacks
    from clearance.synthetic_attacks import comparable

    schema = demo_schema()
    members, non_members = split
    kinds = {name: schema[name].kind.value for name in members.columns}
    ori, syn, control = (comparable(t, kinds) for t in (members, synthetic, non_members))
    tables = dict(ori=ori, syn=syn, control=control, n_attacks=len(ori))
    qis = ["city", "state", "admission_date", "discharge_date", "sex", "race_ethnicity", "age"]
    results = (
        singling_out_attack(**tables, rng=np.random.default_rng(1)),
        linkability_attack(**tables, rng=np.random.default_rng(2), aux_cols=(qis[0::2], qis[1::2])),
        inference_attack(**tables, rng=np.random.default_rng(3), aux_cols=qis, secret="diagnosis_code"),
    )
    return {f.check_id: f.status for f in judge_synthetic_attacks(results, Policy.preset("default"))}


def test_a_release_that_copies_its_training_rows_fails_the_attacks(split):
    statuses = _attack_findings(split, split[0].copy())
    assert statuses["attack.linkability"] is Status.FAIL, statuses
    assert statuses["attack.inference_of_diagnosis_code"] is Status.FAIL, statuses


def test_an_independent_release_does_not_fail_the_attacks():
    table = generate_admissions(2400, rng=np.random.default_rng(11))
    bounded, _ = keep_one_row_per_entity(table, entity_column="patient_id", rng=np.random.default_rng(12))
    bounded = bounded[[c.name for c in demo_schema().synthesised]].reset_index(drop=True)
    members, non_members, fresh = (bounded.iloc[i * 400:(i + 1) * 400].reset_index(drop=True)
                                   for i in range(3))
    statuses = _attack_findings((members, non_members), fresh)
    assert Status.FAIL not in statuses.values(), statuses


def test_real_table_risk_is_information_not_a_verdict():
    import pandas as pd

    from clearance.judge import judge_real_table_risk
    from privacy.risk import assess_risk

    table = pd.DataFrame({"age": range(50), "sex": ["F", "M"] * 25})
    findings = judge_real_table_risk(
        assess_risk(table, quasi_identifiers=["age", "sex"], suda_max_size=0), Policy.preset("default")
    )
    assert {f.status for f in findings} == {Status.INFO}
    assert all("not met" in f.rationale for f in findings)


def _model_audit(lower_bound: float, claimed: float | None):
    from audit import AuditMethod, EmpiricalEpsilon, ModelAudit

    bound = EmpiricalEpsilon(
        method=AuditMethod.ONE_RUN, lower_bound=lower_bound, confidence=0.95, delta=1e-5,
        n_canaries=400, n_guesses=80, n_correct=70,
    )
    return ModelAudit(
        n_models=4, population_rows=1000, rows_per_model=(520, 530, 510, 525), n_canaries=100,
        claimed_epsilon=claimed, claimed_delta=1e-5, secret_columns=("a",), token_column=None,
        exposures=(), lira=None, lira_outliers=None, outlier_fraction=0.05, n_references=1,
        one_run=bound, one_run_ceiling=3.25, white_box=True, seconds=10.0,
        train_seconds=(2.0, 2.0, 2.0, 2.0), config={},
    )


def test_the_judge_fails_a_run_whose_empirical_epsilon_exceeds_the_claim():
    """DESIGN.md: a measured lower bound above the accountant's epsilon means a bug."""
    from clearance.judge import judge_model_audit

    policy = Policy.preset("default")
    [broken] = judge_model_audit(_model_audit(1.6, 1.0), policy)
    assert broken.check_id == "audit.empirical_epsilon" and broken.status is Status.FAIL
    assert "broken" in broken.rationale
    [fine] = judge_model_audit(_model_audit(0.2, 1.0), policy)
    assert fine.status is Status.PASS and "3.25" in fine.rationale
    [edge] = judge_model_audit(_model_audit(1.0, 1.0), policy)  # equal to the claim: no FAIL
    assert edge.status is Status.PASS
    [no_dp] = judge_model_audit(_model_audit(2.5, None), policy)
    assert no_dp.status is Status.INFO
