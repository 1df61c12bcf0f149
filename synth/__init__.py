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

__all__ = [
    "MISSING_TOKEN",
    "OTHER_TOKEN",
    "AutoregressiveTabularModel",
    "CategoricalCodec",
    "DPGenerator",
    "NumericCodec",
    "TableEncoder",
    "TrainingConfig",
    "TrainingRecord",
    "column_needs_measurement",
]
