"""docs/language.md stays true: its examples check, its mistakes give the codes it names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_language_reference_examples_and_mistakes_hold():
    script = ROOT / "docs" / "examples" / "language" / "check_examples.py"
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: 0 problem(s)" in result.stdout
