"""Clearance: differentially private synthetic-data releases with a measured compliance report.

This package is the thin top layer: run configuration, policy and judge, the pipeline that wires
``privacy``, ``synth``, ``audit`` and ``reports`` together, release writing and the CLI.
"""

__version__ = "0.1.0"
