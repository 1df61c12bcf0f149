"""Policy presets and the [audit] thresholds: every preset loads, cites its practice and sets
every check; the audit thresholds are read, defaulted for older files, and refused when unsound."""

from __future__ import annotations

import dataclasses

import pytest

from clearance.cli import _PRESETS, main
from clearance.judge import judge_model_audit
from clearance.policy import PRESETS, Policy, preset_text
from privacy.errors import InvalidInputError
from reports import Status


def test_every_preset_loads_cites_its_practice_and_is_listed_by_the_cli(capsys):
    assert _PRESETS == PRESETS
    assert {"public-release", "controlled-sharing", "internal-testing"} <= set(PRESETS)
    for name in PRESETS:
        policy = Policy.preset(name)
        assert policy.name == name and policy.description and policy.basis
        assert "[audit]" in preset_text(name)  # no preset relies on the defaults
        assert main(["policy", "show", name]) == 0
        assert f'name = "{name}"' in capsys.readouterr().out
    assert Policy.preset("public-release").require_model_audit
    assert not Policy.preset("default").require_model_audit
    testing = Policy.preset("internal-testing")
    assert testing.max_epsilon == 10 and testing.min_quality_score == 0
    assert "Ponomareva" in testing.basis


def test_a_policy_without_an_audit_table_still_loads_with_the_sound_defaults():
    text = preset_text("default").split("[audit]")[0]
    policy = Policy.from_toml_text(text, source="old file")
    assert policy.max_empirical_over_claimed == 1.0 and policy.require_model_audit is False


@pytest.mark.parametrize("bad", ["max_empirical_over_claimed = 1.5", "max_empirical_over_claimed = 0",
                                 'require_model_audit = "yes"'])
def test_unsound_audit_thresholds_are_refused(bad):
    text = preset_text("default").split("[audit]")[0] + "[audit]\n" + bad + "\n"
    with pytest.raises(InvalidInputError, match="audit|wrong type"):
        Policy.from_toml_text(text, source="edited")


def test_a_stricter_share_of_the_claim_fails_a_bound_below_the_claim():
    from tests.test_judge import _model_audit

    strict = dataclasses.replace(Policy.preset("default"), max_empirical_over_claimed=0.5)
    [finding] = judge_model_audit(_model_audit(0.6, 1.0), strict)
    assert finding.status is Status.FAIL and "policy's limit" in finding.rationale
    assert "0.5 x" in finding.threshold
    [fine] = judge_model_audit(_model_audit(0.4, 1.0), strict)
    assert fine.status is Status.PASS


def test_a_policy_that_requires_the_audit_fails_a_run_that_skipped_it():
    from clearance.judge import _not_audited

    assert _not_audited("skipped", required=True).status is Status.FAIL
    assert _not_audited("skipped", required=False).status is Status.WARN
