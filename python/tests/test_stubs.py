"""The hand-written `.pyi` stubs agree with the compiled module (mypy.stubtest)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_stubs_match_the_module(tmp_path: Path) -> None:
    pytest.importorskip("mypy.stubtest", reason="pip install mypy to check the stubs")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "ferroq",
            "--allowlist",
            str(Path(__file__).with_name("stubtest_allowlist.txt")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # keeps mypy's cache out of the working tree
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pennylane_device_type_checks(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="pip install mypy to type-check the PennyLane device")
    pytest.importorskip("pennylane", reason="the PennyLane device needs pennylane")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "-p", "ferroq.pennylane"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
