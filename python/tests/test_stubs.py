"""The hand-written `.pyi` stubs agree with the compiled module (mypy.stubtest)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_stubs_match_the_module(tmp_path: Path) -> None:
    pytest.importorskip("mypy.stubtest", reason="pip install mypy to check the stubs")
    # The optional front ends are plain Python over untyped Qiskit / Cirq classes (there
    # is no stub to compare; mypy still type-checks them as part of the run).
    allow = tmp_path / "allowlist.txt"
    allow.write_text("ferroq\\.(qiskit|cirq)(\\..*)?\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "ferroq", "--allowlist", str(allow)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # keeps mypy's cache out of the working tree
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
