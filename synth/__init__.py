"""Synthesis: column encoders with DP-measured or declared domains, the autoregressive generator
model and its DP-SGD training with Opacus. Imports ``privacy`` only (never ``audit``)."""

from synth.encoding import (
    MISSING_TOKEN,
    OTHER_TOKEN,
    CategoricalCodec,
    NumericCodec,
    TableEncoder,
    column_needs_measurement,
)
from synth.generator import DPGenerator, TrainingConfig, TrainingRecord
from synth.model import AutoregressiveTabularModel
from synth.sampling import Boost, SamplingResult, TableSampler, parse_boost
from synth.validators import apply_validators, build_validators, parse_rule

__all__ = [
    "MISSING_TOKEN",
    "OTHER_TOKEN",
    "AutoregressiveTabularModel",
    "Boost",
    "CategoricalCodec",
    "DPGenerator",
    "NumericCodec",
    "SamplingResult",
    "TableEncoder",
    "TableSampler",
    "TrainingConfig",
    "TrainingRecord",
    "apply_validators",
    "build_validators",
    "column_needs_measurement",
    "parse_boost",
    "parse_rule",
]
