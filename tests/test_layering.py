"""The layering of DESIGN.md holds, and the generic top-level names are this distribution's."""

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("privacy", "synth", "audit", "reports", "clearance")


@pytest.mark.parametrize("name", PACKAGES)
def test_top_level_package_comes_from_this_distribution(name):
    module = __import__(name)
    assert Path(module.__file__).resolve().parent == ROOT / name
    files = metadata.distribution("clearance").read_text("direct_url.json") or ""
    assert metadata.packages_distributions()[name] == ["clearance"], files


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def test_privacy_imports_without_torch():
    code = "import sys, privacy, privacy.accounting, privacy.risk; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
